/*
 * A re-implementation of the seed's teaching heap, as its design document
 * describes it, for bench/run.sh to measure Vana's heap against:
 *  - heap_create checks alignment and zeroes the table;
 *  - heap_malloc rounds the size up to blocks and finds a run of free
 *    blocks by scanning the table from block 0 every time;
 *  - heap_free walks from the pointer's block, clearing entries until one
 *    lacks HAS_NEXT. It trusts the pointer, as the seed does.
 * It uses the table flags from Vana's heap.h so both heaps hold the same bytes.
 * One difference, which costs nothing: when no run is long enough the seed
 * returned the start of a too-short free run at the end of the table (a
 * heap overrun, docs/memory.md); this copy returns NULL, as Vana does, so
 * both heaps place every allocation alike and the benchmark can check it.
 */
#include "seed_heap.h"
#include "config.h"

#include <stdint.h>
#include <string.h>

int seed_heap_create(struct seed_heap* heap, void* ptr, void* end, struct heap_table* table)
{
    if ((uintptr_t)ptr % VANA_HEAP_BLOCK_SIZE || (uintptr_t)end % VANA_HEAP_BLOCK_SIZE)
        return -1;
    if (((uintptr_t)end - (uintptr_t)ptr) / VANA_HEAP_BLOCK_SIZE != table->total)
        return -1;
    memset(table->entries, HEAP_BLOCK_TABLE_ENTRY_FREE, table->total);
    heap->table = table;
    heap->saddr = ptr;
    return 0;
}

/* The seed's heap_get_start_block: first run of 'blocks' free entries, from block 0. */
static long seed_start_block(struct seed_heap* heap, size_t blocks)
{
    size_t run = 0;
    long start = -1;
    for (size_t i = 0; i < heap->table->total; i++) {
        if ((heap->table->entries[i] & HEAP_BLOCK_TYPE_MASK) != HEAP_BLOCK_TABLE_ENTRY_FREE) {
            run = 0;
            start = -1;
            continue;
        }
        if (start == -1)
            start = (long)i;
        if (++run == blocks)
            return start;
    }
    return -1;
}

void* seed_heap_malloc(struct seed_heap* heap, size_t size)
{
    size_t blocks = (size + VANA_HEAP_BLOCK_SIZE - 1) / VANA_HEAP_BLOCK_SIZE;
    if (blocks == 0)
        return NULL;
    long start = seed_start_block(heap, blocks);
    if (start < 0)
        return NULL;

    size_t last = (size_t)start + blocks - 1;
    for (size_t i = (size_t)start; i <= last; i++) {
        HEAP_BLOCK_TABLE_ENTRY entry = HEAP_BLOCK_TABLE_ENTRY_TAKEN;
        if (i == (size_t)start)
            entry |= HEAP_BLOCK_IS_FIRST;
        if (i != last)
            entry |= HEAP_BLOCK_HAS_NEXT;
        heap->table->entries[i] = entry;
    }
    return (char*)heap->saddr + (size_t)start * VANA_HEAP_BLOCK_SIZE;
}

void seed_heap_free(struct seed_heap* heap, void* ptr)
{
    size_t i = ((uintptr_t)ptr - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE;
    for (; i < heap->table->total; i++) {
        HEAP_BLOCK_TABLE_ENTRY entry = heap->table->entries[i];
        heap->table->entries[i] = HEAP_BLOCK_TABLE_ENTRY_FREE;
        if (!(entry & HEAP_BLOCK_HAS_NEXT))
            break;
    }
}
