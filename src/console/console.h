#ifndef CONSOLE_H
#define CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

void console_init(void);
void console_write_user(const char* s, size_t length);
void print(const char* s);
int vkprintf(const char* fmt, va_list args);
int kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
