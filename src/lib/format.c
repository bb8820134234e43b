/* The one printf engine: the kernel and user/ both link this file. */
#include "format.h"

#include <stdbool.h>
#include <stdint.h>

struct format_spec
{
    bool left;   /* '-': pad on the right */
    bool zero;   /* '0': pad numbers with zeros */
    int width;
};

struct format_output
{
    format_emit emit;
    void* context;
    int count;
};

static void put(struct format_output* out, char c)
{
    out->emit(c, out->context);
    out->count++;
}

static void put_padded(struct format_output* out, const struct format_spec* spec, const char* s, int length,
                       bool negative)
{
    int padding = spec->width - length - negative;
    char pad = spec->zero && !spec->left ? '0' : ' ';

    /* A zero-padded negative number puts its sign before the zeros: -0042. */
    if (negative && pad == '0')
        put(out, '-');
    for (; !spec->left && padding > 0; padding--)
        put(out, pad);
    if (negative && pad != '0')
        put(out, '-');
    for (int i = 0; i < length; i++)
        put(out, s[i]);
    for (; spec->left && padding > 0; padding--)
        put(out, ' ');
}

static void put_number(struct format_output* out, const struct format_spec* spec, uintmax_t value,
                       unsigned base, bool upper, bool negative)
{
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buffer[24];
    int i = sizeof(buffer);

    do {
        buffer[--i] = digits[value % base];
        value /= base;
    } while (value);
    put_padded(out, spec, buffer + i, (int)sizeof(buffer) - i, negative);
}

/**
 * format - printf-style formatting, one character at a time.
 * @emit: called with each character produced
 * @context: passed to emit
 * @fmt: the format string
 * @args: its arguments
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, with the '-' and '0' flags, a
 * field width, and the 'l', 'll' and 'z' length modifiers. %p prints "0x"
 * and then the hex digits, padded to the width. An unknown conversion
 * prints as '%' and its letter (flags, width and length dropped), so the
 * mistake shows.
 * Return: the number of characters produced.
 */
int format(format_emit emit, void* context, const char* fmt, va_list args)
{
    struct format_output out = {emit, context, 0};

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&out, *fmt);
            continue;
        }
        struct format_spec spec = {false, false, 0};
        for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
            if (*fmt == '-')
                spec.left = true;
            else
                spec.zero = true;
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            spec.width = spec.width * 10 + (*fmt - '0');
        /* 0: int; 1: 'l' or 'z' (size_t is as wide as long on both targets); 2: 'll'. */
        int length = 0;
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            length++;

        switch (*fmt) {
        case 'd':
        case 'i': {
            intmax_t v = length >= 2 ? va_arg(args, long long) : length == 1 ? va_arg(args, long) : va_arg(args, int);
            uintmax_t magnitude = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
            put_number(&out, &spec, magnitude, 10, false, v < 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uintmax_t v = length >= 2   ? va_arg(args, unsigned long long)
                          : length == 1 ? va_arg(args, unsigned long)
                                        : va_arg(args, unsigned int);
            put_number(&out, &spec, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false);
            break;
        }
        case 'p':
            put(&out, '0');
            put(&out, 'x');
            put_number(&out, &spec, (uintptr_t)va_arg(args, void*), 16, false, false);
            break;
        case 'c': {
            char c = (char)va_arg(args, int);
            put_padded(&out, &spec, &c, 1, false);
            break;
        }
        case 's': {
            const char* s = va_arg(args, const char*);
            int length = 0;
            if (!s)
                s = "(null)";
            while (s[length])
                length++;
            put_padded(&out, &spec, s, length, false);
            break;
        }
        case '%':
            put(&out, '%');
            break;
        case '\0':
            return out.count;
        default:
            /* An unknown conversion is printed as written, so the mistake shows. */
            put(&out, '%');
            put(&out, *fmt);
            break;
        }
    }
    return out.count;
}
