/*
 * Memory-function benchmark: argv = IMPLEMENTATION OPERATION BYTES, with
 *   IMPLEMENTATION  vana (src/memory/memory.c, renamed vana_*), seed
 *                   (bench/seed_memory.c) or glibc
 *   OPERATION       memset, memcpy or memcmp (of two equal buffers: the
 *                   whole length is compared)
 * bench/run.sh runs it under callgrind, counting only run_memory_workload,
 * which repeats the operation REPEATS times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seed_memory.h"

#define REPEATS 16

/* memory.c built with -Dmemset=vana_memset and so on. */
void* vana_memset(void* ptr, int c, size_t size);
void* vana_memcpy(void* dest, const void* src, size_t len);
int vana_memcmp(const void* s1, const void* s2, size_t count);

struct functions
{
    void* (*set)(void*, int, size_t);
    void* (*copy)(void*, const void*, size_t);
    int (*compare)(const void*, const void*, size_t);
};

enum operation { SET, COPY, COMPARE };

__attribute__((noinline)) int run_memory_workload(const struct functions* f, enum operation operation,
                                                   unsigned char* a, unsigned char* b, size_t bytes)
{
    int sum = 0;
    for (int i = 0; i < REPEATS; i++) {
        if (operation == SET)
            f->set(a, 0x42, bytes);
        else if (operation == COPY)
            f->copy(a, b, bytes);
        else
            sum += f->compare(a, b, bytes);
    }
    return sum;
}

int main(int argc, char** argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s vana|seed|glibc memset|memcpy|memcmp BYTES\n", argv[0]);
        return 2;
    }
    struct functions f;
    if (strcmp(argv[1], "vana") == 0)
        f = (struct functions){vana_memset, vana_memcpy, vana_memcmp};
    else if (strcmp(argv[1], "seed") == 0)
        f = (struct functions){seed_memset, seed_memcpy, seed_memcmp};
    else if (strcmp(argv[1], "glibc") == 0)
        f = (struct functions){memset, memcpy, memcmp};
    else
        return 2;

    enum operation operation;
    if (strcmp(argv[2], "memset") == 0)
        operation = SET;
    else if (strcmp(argv[2], "memcpy") == 0)
        operation = COPY;
    else if (strcmp(argv[2], "memcmp") == 0)
        operation = COMPARE;
    else
        return 2;

    size_t bytes = strtoul(argv[3], NULL, 10);
    unsigned char* a = aligned_alloc(64, bytes);
    unsigned char* b = aligned_alloc(64, bytes);
    if (!a || !b)
        return 2;
    memset(a, 0x42, bytes);
    memset(b, 0x42, bytes);

    int sum = run_memory_workload(&f, operation, a, b, bytes);
    free(a);
    free(b);
    return sum == 0 ? 0 : 1;
}
