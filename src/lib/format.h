#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * printf-style formatting shared by the kernel (kprintf) and the user C
 * library (printf, snprintf). Conversions: %d %i %u %x %X %p %s %c %%,
 * with the '-' and '0' flags, a field width, and the 'l', 'll' and 'z'
 * length modifiers. %p prints "0x" and then the hex digits, padded to the
 * width. An unknown conversion prints as '%' and its letter (flags, width
 * and length dropped), so the mistake shows. Each character produced goes
 * to emit(c, context).
 * Return: the number of characters produced.
 */
typedef void (*format_emit)(char c, void* context);

int format(format_emit emit, void* context, const char* fmt, va_list args);

#endif
