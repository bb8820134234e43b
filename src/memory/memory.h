#ifndef MEMORY_H
#define MEMORY_H

#include <stddef.h>

/*
 * The freestanding C memory functions. The compiler emits calls to all four
 * on its own (struct copies, zeroed arrays), so the kernel must have them.
 * They follow the C standard's contracts.
 */
void* memset(void* ptr, int c, size_t size);
int memcmp(const void* s1, const void* s2, size_t count);
void* memcpy(void* dest, const void* src, size_t len);
void* memmove(void* dest, const void* src, size_t len);

#endif
