/*
 * malloc and friends over system calls 4 and 5.
 *
 * The kernel hands out whole 4 KiB blocks and knows nothing of sizes, so
 * each allocation starts with a 16-byte header holding the size the
 * program asked for: realloc needs it. The pointer the program gets is
 * 16 bytes into the block, which keeps it 16-byte aligned.
 */
#include "stdlib.h"
#include "string.h"
#include "vana.h"

#include <stdint.h>

#define BLOCK_SIZE 4096
#define HEADER_SIZE 16

struct allocation_header
{
    size_t size;
};

static struct allocation_header* header_of(void* ptr)
{
    return (struct allocation_header*)((char*)ptr - HEADER_SIZE);
}

void* malloc(size_t size)
{
    if (size == 0 || size > SIZE_MAX - HEADER_SIZE)
        return NULL;
    char* block = vana_malloc(size + HEADER_SIZE);
    if (!block)
        return NULL;
    ((struct allocation_header*)block)->size = size;
    return block + HEADER_SIZE;
}

void free(void* ptr)
{
    if (ptr)
        vana_free(header_of(ptr));
}

void* calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    /* The kernel zeroes every block it hands out. */
    return malloc(count * size);
}

void* realloc(void* ptr, size_t size)
{
    if (!ptr)
        return malloc(size);
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    struct allocation_header* header = header_of(ptr);
    size_t capacity = (header->size + HEADER_SIZE + BLOCK_SIZE - 1) / BLOCK_SIZE * BLOCK_SIZE - HEADER_SIZE;
    if (size <= capacity) {
        header->size = size;
        return ptr;
    }
    void* grown = malloc(size);
    if (!grown)
        return NULL;
    memcpy(grown, ptr, header->size);
    free(ptr);
    return grown;
}

void exit(int status)
{
    vana_exit(status);
}

int atoi(const char* s)
{
    int sign = 1, value = 0;
    while (*s == ' ')
        s++;
    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9')
        value = value * 10 + (*s++ - '0');
    return sign * value;
}
