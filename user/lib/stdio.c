/* printf and friends on the shared formatting engine (src/lib/format.c). */
#include "stdio.h"
#include "lib/format.h"
#include "string.h"
#include "vana.h"

struct string_sink
{
    char* buffer;
    size_t size;
    size_t used;
};

static void string_sink_emit(char c, void* context)
{
    struct string_sink* sink = context;
    if (sink->used + 1 < sink->size)
        sink->buffer[sink->used] = c;
    sink->used++;
}

int vsnprintf(char* buffer, size_t size, const char* fmt, va_list args)
{
    struct string_sink sink = {buffer, size, 0};
    int count = format(string_sink_emit, &sink, fmt, args);
    if (size > 0)
        buffer[sink.used < size ? sink.used : size - 1] = '\0';
    return count;
}

int snprintf(char* buffer, size_t size, const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int count = vsnprintf(buffer, size, fmt, args);
    va_end(args);
    return count;
}

int vprintf(const char* fmt, va_list args)
{
    char buffer[PRINTF_BUFFER_SIZE];
    int count = vsnprintf(buffer, sizeof(buffer), fmt, args);
    int res = vana_print(buffer);
    return res < 0 ? res : count;
}

int printf(const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int count = vprintf(fmt, args);
    va_end(args);
    return count;
}

int puts(const char* s)
{
    int res = printf("%s\n", s);
    return res < 0 ? res : 0;
}

int putchar(int c)
{
    return vana_putchar(c);
}
