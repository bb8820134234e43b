/*
 * Heap benchmark: argv = HEAP WORKLOAD, with
 *   HEAP      vana   Vana's heap.c on a 25600-block table (the kernel heap's size)
 *             seed   the seed's heap (bench/seed_heap.c) on the same table
 *             glibc  malloc/free of the same byte sizes
 *   WORKLOAD  mixed  20000 seeded, random allocations and frees of 1..16 blocks
 *             fill   5130 one-block allocations in a row, then their frees:
 *                    what building five 4 GiB page directories asks of the heap
 * bench/run.sh runs it under callgrind, counting only run_heap_workload.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "memory/heap/heap.h"
#include "seed_heap.h"

#define OPERATIONS 20000
#define SLOTS 2048       /* about half are live at a time: ~8700 of 25600 blocks */
#define MAX_BLOCKS 16
#define HEAP_BLOCKS (VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE)
#define FILL_ALLOCATIONS (5 * 1026) /* paging_new_4gb: chunk, directory, 1024 tables */

struct allocator
{
    void* (*allocate)(size_t bytes);
    void (*release)(void* ptr);
};

static struct heap vana_heap;
static struct seed_heap seed_heap;
static struct heap_table table;

static void* vana_allocate(size_t bytes) { return heap_malloc(&vana_heap, bytes); }
static void vana_release(void* ptr) { heap_free(&vana_heap, ptr); }
static void* seed_allocate(size_t bytes) { return seed_heap_malloc(&seed_heap, bytes); }
static void seed_release(void* ptr) { seed_heap_free(&seed_heap, ptr); }
static void* glibc_allocate(size_t bytes) { return malloc(bytes); }
static void glibc_release(void* ptr) { free(ptr); }

static uint32_t next_random(uint32_t* state)
{
    /* xorshift32: the same sequence on every run and for every heap. */
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/* Returns how many allocations failed (must be 0), as does fill_then_empty. */
static size_t mixed(const struct allocator* heap)
{
    static void* slots[SLOTS];
    uint32_t random = 0x5EED1234;
    size_t failures = 0;

    for (size_t op = 0; op < OPERATIONS; op++) {
        uint32_t r = next_random(&random);
        void** slot = &slots[r % SLOTS];
        if (*slot) {
            heap->release(*slot);
            *slot = NULL;
        } else {
            size_t blocks = 1 + (r >> 16) % MAX_BLOCKS;
            *slot = heap->allocate(blocks * VANA_HEAP_BLOCK_SIZE);
            failures += *slot == NULL;
        }
    }
    for (size_t i = 0; i < SLOTS; i++) {
        if (slots[i])
            heap->release(slots[i]);
        slots[i] = NULL;
    }
    return failures;
}

static size_t fill_then_empty(const struct allocator* heap)
{
    static void* blocks[FILL_ALLOCATIONS];
    size_t failures = 0;
    for (size_t i = 0; i < FILL_ALLOCATIONS; i++)
        failures += (blocks[i] = heap->allocate(VANA_HEAP_BLOCK_SIZE)) == NULL;
    for (size_t i = 0; i < FILL_ALLOCATIONS; i++)
        heap->release(blocks[i]);
    return failures;
}

/* The measured part. */
__attribute__((noinline)) size_t run_heap_workload(const struct allocator* heap, bool fill)
{
    return fill ? fill_then_empty(heap) : mixed(heap);
}

int main(int argc, char** argv)
{
    const char* which = argc > 1 ? argv[1] : "";
    bool fill = argc > 2 && strcmp(argv[2], "fill") == 0;
    struct allocator heap;
    /* The heap's memory is never touched, so the kernel's own addresses serve. */
    void* start = (void*)(uintptr_t)VANA_HEAP_ADDRESS;
    void* end = (char*)start + VANA_HEAP_SIZE_BYTES;
    table.entries = malloc(HEAP_BLOCKS);
    table.total = HEAP_BLOCKS;

    if (strcmp(which, "vana") == 0) {
        heap = (struct allocator){vana_allocate, vana_release};
        if (!table.entries || heap_create(&vana_heap, start, end, &table) < 0)
            return 2;
    } else if (strcmp(which, "seed") == 0) {
        heap = (struct allocator){seed_allocate, seed_release};
        if (!table.entries || seed_heap_create(&seed_heap, start, end, &table) < 0)
            return 2;
    } else if (strcmp(which, "glibc") == 0) {
        heap = (struct allocator){glibc_allocate, glibc_release};
        free(malloc(1));   /* let glibc set itself up outside the measurement */
    } else {
        fprintf(stderr, "usage: %s vana|seed|glibc [mixed|fill]\n", argv[0]);
        return 2;
    }

    size_t failures = run_heap_workload(&heap, fill);
    if (failures) {
        fprintf(stderr, "%s: %zu allocations failed\n", which, failures);
        return 1;
    }
    free(table.entries);
    return 0;
}
