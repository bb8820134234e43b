#ifndef SEED_HEAP_H
#define SEED_HEAP_H

#include <stddef.h>

#include "memory/heap/heap.h"

/*
 * The seed's heap (docs/memory.md and the seed's "Heap" section), kept as
 * the benchmark's baseline: the same byte table and flags as Vana's, but
 * every allocation scans the table from block 0.
 */
struct seed_heap
{
    struct heap_table* table;
    void* saddr;
};

int seed_heap_create(struct seed_heap* heap, void* ptr, void* end, struct heap_table* table);
void* seed_heap_malloc(struct seed_heap* heap, size_t size);
void seed_heap_free(struct seed_heap* heap, void* ptr);

#endif
