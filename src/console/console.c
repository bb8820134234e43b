/*
 * The console: what the kernel and user programs print.
 *
 * Everything goes to COM1 (the terminal of `make run`) and to the VGA
 * screen. The kernel's own lines also go to COM2, the kernel log: no user
 * program can write there (ring 3 has no port I/O, and no system call
 * writes to it), so a line read from COM2 is the kernel's word, which the
 * tests rely on (docs/syscalls.md, "Lines the kernel prints").
 *
 * On COM1 a program can still print text that looks like a kernel line,
 * but it cannot glue its text to one: a kernel line always starts a console
 * line, after a line break if a program left its line unfinished.
 *
 * The kernel runs with interrupts off, so one call's output is never
 * interleaved with another's.
 */
#include "console.h"
#include "lib/format.h"
#include "lib/string.h"
#include "serial.h"
#include "vga.h"

#include <stdarg.h>
#include <stdbool.h>

/* A program's text ended without a line break: the next kernel output starts a new line. */
static bool user_line_open;

/**
 * console_init - set up COM1, COM2 and the VGA screen for output.
 *
 * A serial port with no UART behind it is left alone (serial_init).
 * Context: once, at boot, before the first kprintf.
 */
void console_init(void)
{
    serial_init(SERIAL_COM1);
    serial_init(SERIAL_COM2);
    vga_init();
}

static void console_putc(char c)
{
    serial_putc(SERIAL_COM1, c);
    vga_putc(c);
}

/**
 * console_write_user - show the bytes a program printed.
 * @s: the bytes, already copied into the kernel
 * @length: how many
 *
 * They go to COM1 and VGA only, never to the kernel log on COM2. When they
 * end without a line break, the next kernel output starts a new line.
 */
void console_write_user(const char* s, size_t length)
{
    for (size_t i = 0; i < length; i++)
        console_putc(s[i]);
    if (length > 0)
        user_line_open = s[length - 1] != '\n';
}

static void console_emit_kernel(char c, void* context)
{
    (void)context;
    if (user_line_open) {
        console_putc('\n');
        user_line_open = false;
    }
    console_putc(c);
    serial_putc(SERIAL_COM2, c);
}

/**
 * print - write a string of the kernel's to the console.
 * @s: the string, NUL-terminated
 *
 * The seed's name; the string goes to COM1, VGA and the kernel log.
 */
void print(const char* s)
{
    for (; *s; s++)
        console_emit_kernel(*s, NULL);
}

/**
 * vkprintf - print a kernel line from a format and an argument list.
 * @fmt: the format string (lib/format.h)
 * @args: its arguments
 *
 * The text goes to COM1, VGA and the kernel log on COM2.
 * Return: the number of characters the format produced.
 */
int vkprintf(const char* fmt, va_list args)
{
    return format(console_emit_kernel, NULL, fmt, args);
}

/**
 * kprintf - print a kernel line from a format and its arguments.
 * @fmt: the format string (lib/format.h)
 * @...: its arguments
 *
 * The text goes to COM1, VGA and the kernel log on COM2.
 * Return: the number of characters the format produced.
 */
int kprintf(const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int count = vkprintf(fmt, args);
    va_end(args);
    return count;
}
