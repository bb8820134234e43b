/*
 * The kernel console: every character goes to COM1 (what tests and the
 * terminal read) and to the VGA screen. The kernel runs with interrupts
 * off, so one call's output is never interleaved with another's.
 */
#include "console.h"
#include "lib/format.h"
#include "lib/string.h"
#include "serial.h"
#include "vga.h"

#include <stdarg.h>

void console_init(void)
{
    serial_init();
    vga_init();
}

void console_putc(char c)
{
    serial_putc(c);
    vga_putc(c);
}

void console_write(const char* s, size_t length)
{
    for (size_t i = 0; i < length; i++)
        console_putc(s[i]);
}

/* print - the seed's name for writing a string to the console. */
void print(const char* s)
{
    console_write(s, strlen(s));
}

static void console_emit(char c, void* context)
{
    (void)context;
    console_putc(c);
}

int vkprintf(const char* fmt, va_list args)
{
    return format(console_emit, NULL, fmt, args);
}

int kprintf(const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int count = vkprintf(fmt, args);
    va_end(args);
    return count;
}
