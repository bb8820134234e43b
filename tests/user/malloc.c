/*
 * malloc: the user malloc (user/lib/malloc.c) under the real kernel.
 *
 * Mixed sizes, small and large, allocated, moved by realloc, freed in a
 * scattered order, every object's pattern checked; a reused slot zeroed by
 * calloc; 100,000 live 32-byte objects, with the kernel blocks they take
 * read from meminfo; and at the end, after malloc_trim, no block left.
 * Prints what it measured; the exit status is the number of failed checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vana.h>

#include "check.h"

#define MIXED 2000
#define MANY 100000
#define MANY_SIZE 32

static unsigned char pattern_byte(unsigned id, size_t offset)
{
    return (unsigned char)(id * 131u + offset * 7u + 1u);
}

static void fill(unsigned char* p, size_t size, unsigned id)
{
    for (size_t i = 0; i < size; i++)
        p[i] = pattern_byte(id, i);
}

static int pattern_intact(const unsigned char* p, size_t size, unsigned id)
{
    for (size_t i = 0; i < size; i++)
        if (p[i] != pattern_byte(id, i))
            return 0;
    return 1;
}

static uint32_t random_state = 12345;

static uint32_t random_next(void)
{
    random_state = random_state * 1103515245u + 12345u;
    return random_state >> 8;
}

/* Sizes from 1 byte to 12 KiB, most of them small. */
static size_t random_size(void)
{
    uint32_t r = random_next();
    if (r % 16 == 0)
        return 2049 + r / 16 % 10000;
    if (r % 4 == 0)
        return 1 + r / 4 % 2048;
    return 1 + r / 4 % 256;
}

static void check_mixed_sizes(void)
{
    static unsigned char* objects[MIXED];
    static size_t sizes[MIXED];
    size_t bad = 0;

    for (unsigned i = 0; i < MIXED; i++) {
        sizes[i] = random_size();
        objects[i] = malloc(sizes[i]);
        CHECK(objects[i] != NULL && (uintptr_t)objects[i] % 16 == 0);
        fill(objects[i], sizes[i], i);
    }
    /* Move a third of them with realloc, growing and shrinking. */
    for (unsigned i = 0; i < MIXED; i += 3) {
        size_t size = random_size();
        size_t kept = size < sizes[i] ? size : sizes[i];
        unsigned char* moved = realloc(objects[i], size);
        CHECK(moved != NULL);
        bad += !pattern_intact(moved, kept, i);
        objects[i] = moved;
        sizes[i] = size;
        fill(moved, size, i);
    }
    for (unsigned i = 0; i < MIXED; i++) {
        unsigned k = (i * 1237u) % MIXED;   /* 1237 is prime: every object once */
        bad += !pattern_intact(objects[k], sizes[k], k);
        free(objects[k]);
    }
    CHECK(bad == 0);
    printf("malloctest: %d objects of 1 to 12048 bytes, a third moved by realloc: %u bad\n", MIXED,
           (unsigned)bad);

    unsigned char* keep = malloc(100);
    unsigned char* dirty = malloc(100);
    memset(dirty, 0xAA, 100);
    free(dirty);
    unsigned char* clean = calloc(10, 10);
    size_t nonzero = 0;
    for (size_t i = 0; i < 100; i++)
        nonzero += clean[i] != 0;
    CHECK(clean == dirty && nonzero == 0);
    free(clean);
    free(keep);

    /* What the kernel refuses, malloc refuses, and goes on. */
    CHECK(malloc(0) == NULL);
    CHECK(malloc(200u << 20) == NULL);   /* more than the whole kernel heap */
    CHECK(calloc(1u << 16, 1u << 16) == NULL);
    void* after = malloc(5000);
    CHECK(after != NULL);
    free(after);
}

static void check_many_small_objects(void)
{
    static unsigned char* objects[MANY];   /* in .bss, not from malloc: only the objects are counted */
    struct vana_meminfo info;

    for (unsigned i = 0; i < MANY; i++) {
        objects[i] = malloc(MANY_SIZE);
        if (!objects[i]) {
            printf("malloctest: malloc(%d) number %u failed\n", MANY_SIZE, i);
            CHECK(objects[i] != NULL);
            return;
        }
        fill(objects[i], MANY_SIZE, i);
    }
    CHECK(vana_meminfo(&info) == 0);
    unsigned asked = MANY * MANY_SIZE;
    unsigned held = (info.process_allocated_blocks + info.process_page_tables + 1) * 4096;
    unsigned percent = (unsigned)((unsigned long long)held * 100 / asked);
    printf("malloctest: %d x %d bytes: %u blocks in %u allocations, %u page tables + 1 directory: "
           "%u bytes held for %u asked: %u%%\n",
           MANY, MANY_SIZE, info.process_allocated_blocks, info.process_allocations, info.process_page_tables,
           held, asked, percent);
    CHECK(held * 4ull <= asked * 5ull);
    printf("malloctest: %d x %d bytes within 125%%: %s\n", MANY, MANY_SIZE, held * 4ull <= asked * 5ull ? "yes" : "no");

    size_t bad = 0;
    for (unsigned i = 0; i < MANY; i++) {
        unsigned k = (unsigned)((i * 7919ull) % MANY);   /* 7919 is prime to 100000 */
        bad += !pattern_intact(objects[k], MANY_SIZE, k);
        free(objects[k]);
    }
    CHECK(bad == 0);
    printf("malloctest: %d objects checked and freed: %u bad\n", MANY, (unsigned)bad);
}

int main(void)
{
    struct vana_meminfo info;

    check_mixed_sizes();
    malloc_trim(0);   /* so that meminfo counts the 32-byte objects alone */
    check_many_small_objects();

    malloc_trim(0);
    CHECK(vana_meminfo(&info) == 0);
    CHECK(info.process_allocations == 0 && info.process_allocated_blocks == 0);
    printf("malloctest: all freed: %u allocations, %u blocks\n", info.process_allocations,
           info.process_allocated_blocks);
    return check_failures();
}
