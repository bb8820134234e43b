#ifndef SEED_MEMORY_H
#define SEED_MEMORY_H

#include <stddef.h>

/* The seed's memory functions: one byte per loop iteration (bench baseline). */
void* seed_memset(void* ptr, int c, size_t size);
void* seed_memcpy(void* dest, const void* src, size_t len);
int seed_memcmp(const void* s1, const void* s2, size_t count);

#endif
