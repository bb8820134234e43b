/*
 * Benchmark baseline: src/memory/memory.c as it was before it used the
 * string instructions (as of commit aefbbf8), kept verbatim apart from this
 * paragraph and the #include. bench/run.sh builds it like memory.c, with
 * -Dmemset=previous_memset and so on.
 *
 * memset, memcmp, memcpy and memmove for a kernel with no C library.
 *
 * Each works a machine word at a time once the destination is aligned,
 * and a byte at a time at the ragged ends: on x86 a word move costs about
 * what a byte move costs, so this is up to four (eight on a 64-bit host)
 * times fewer iterations than the seed's byte loops. Unaligned word loads
 * from the source are fine on x86; may_alias keeps the word accesses legal
 * under the C aliasing rules.
 *
 * This file must be built with -ffreestanding (-fno-builtin): otherwise the
 * compiler may recognise a loop here as "memset" and turn it into a call to
 * itself.
 */
#include "memory/memory.h"

#include <stdint.h>

typedef uintptr_t __attribute__((may_alias, aligned(1))) unaligned_word;
typedef uintptr_t __attribute__((may_alias)) word;

#define WORD_SIZE sizeof(uintptr_t)

void* memset(void* ptr, int c, size_t size)
{
    unsigned char* p = ptr;
    unsigned char byte = (unsigned char)c;

    while (size > 0 && (uintptr_t)p % WORD_SIZE != 0) {
        *p++ = byte;
        size--;
    }
    /* Multiplying by 0x0101... copies the byte into every byte of the word. */
    uintptr_t pattern = byte * (UINTPTR_MAX / 0xFF);
    for (; size >= WORD_SIZE; size -= WORD_SIZE, p += WORD_SIZE)
        *(word*)p = pattern;
    while (size-- > 0)
        *p++ = byte;
    return ptr;
}

int memcmp(const void* s1, const void* s2, size_t count)
{
    const unsigned char* a = s1;
    const unsigned char* b = s2;

    /* Skip equal words quickly; the byte loop then finds which byte differs. */
    for (; count >= WORD_SIZE; count -= WORD_SIZE, a += WORD_SIZE, b += WORD_SIZE) {
        if (*(const unaligned_word*)a != *(const unaligned_word*)b)
            break;
    }
    for (; count > 0; count--, a++, b++) {
        if (*a != *b)
            return *a < *b ? -1 : 1;
    }
    return 0;
}

/* Copy forward; correct for overlap only when dest is below src. */
static void copy_forward(unsigned char* d, const unsigned char* s, size_t len)
{
    while (len > 0 && (uintptr_t)d % WORD_SIZE != 0) {
        *d++ = *s++;
        len--;
    }
    for (; len >= WORD_SIZE; len -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
        *(word*)d = *(const unaligned_word*)s;
    while (len-- > 0)
        *d++ = *s++;
}

/* Copy backward from the ends; correct for overlap when dest is above src. */
static void copy_backward(unsigned char* d, const unsigned char* s, size_t len)
{
    d += len;
    s += len;
    while (len > 0 && (uintptr_t)d % WORD_SIZE != 0) {
        *--d = *--s;
        len--;
    }
    for (; len >= WORD_SIZE; len -= WORD_SIZE) {
        d -= WORD_SIZE;
        s -= WORD_SIZE;
        *(word*)d = *(const unaligned_word*)s;
    }
    while (len-- > 0)
        *--d = *--s;
}

void* memcpy(void* dest, const void* src, size_t len)
{
    copy_forward(dest, src, len);
    return dest;
}

void* memmove(void* dest, const void* src, size_t len)
{
    /* A forward copy is safe unless dest starts inside [src, src + len). */
    if ((uintptr_t)dest - (uintptr_t)src >= len)
        copy_forward(dest, src, len);
    else
        copy_backward(dest, src, len);
    return dest;
}
