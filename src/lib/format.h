#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * printf-style formatting shared by the kernel (kprintf) and the user C
 * library (printf, snprintf); format.c describes the conversions. Each
 * character produced goes to emit(c, context).
 */
typedef void (*format_emit)(char c, void* context);

int format(format_emit emit, void* context, const char* fmt, va_list args);

#endif
