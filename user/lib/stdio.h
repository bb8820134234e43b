#ifndef USER_STDIO_H
#define USER_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Console output. printf formats into a buffer and prints it with one
 * system call, so one printf's text is never split by another process's
 * output (up to PRINTF_BUFFER_SIZE - 1 characters; the rest is cut).
 */
#define PRINTF_BUFFER_SIZE 1024

int printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char* fmt, va_list args);
int snprintf(char* buffer, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char* buffer, size_t size, const char* fmt, va_list args);
int puts(const char* s);
int putchar(int c);

#endif
