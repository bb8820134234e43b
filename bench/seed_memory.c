/*
 * The seed's byte-at-a-time memset, memcpy and memcmp (its "Memory
 * Utilities" section), the baseline for Vana's word-at-a-time memory.c.
 * Built with -ffreestanding like the kernel, so the compiler does not turn
 * the loops into calls to the C library, and with -mgeneral-regs-only, so
 * it cannot vectorise them. (Checked in the disassembly: clang 14 -O2
 * unrolls the memset and memcpy loops eight times, still one byte per load
 * and store, and leaves memcmp a byte loop.)
 */
#include "seed_memory.h"

void* seed_memset(void* ptr, int c, size_t size)
{
    char* c_ptr = ptr;
    for (size_t i = 0; i < size; i++)
        c_ptr[i] = (char)c;
    return ptr;
}

void* seed_memcpy(void* dest, const void* src, size_t len)
{
    char* d = dest;
    const char* s = src;
    while (len--)
        *d++ = *s++;
    return dest;
}

int seed_memcmp(const void* s1, const void* s2, size_t count)
{
    const char* c1 = s1;
    const char* c2 = s2;
    while (count-- > 0) {
        if (*c1++ != *c2++)
            return c1[-1] < c2[-1] ? -1 : 1;
    }
    return 0;
}
