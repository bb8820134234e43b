#ifndef HEAP_H
#define HEAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * A block-table heap: memory is handed out in whole VANA_HEAP_BLOCK_SIZE
 * blocks, and one table byte describes each block. The low nibble is the
 * block's type; the high bits say where the block sits in its allocation.
 */
#define HEAP_BLOCK_TABLE_ENTRY_TAKEN 0x01
#define HEAP_BLOCK_TABLE_ENTRY_FREE 0x00
#define HEAP_BLOCK_TYPE_MASK 0x0F

#define HEAP_BLOCK_HAS_NEXT 0x80  /* the allocation goes on in the next block */
#define HEAP_BLOCK_IS_FIRST 0x40  /* the first block of an allocation */

typedef unsigned char HEAP_BLOCK_TABLE_ENTRY;

struct heap_table
{
    HEAP_BLOCK_TABLE_ENTRY* entries;
    size_t total;
};

struct heap
{
    struct heap_table* table;
    void* saddr;              /* address of block 0 */
    size_t first_free_hint;   /* no free block lies below this index */
    size_t blocks_taken;      /* for heap_blocks_in_use and the statistics */
};

int heap_create(struct heap* heap, void* ptr, void* end, struct heap_table* table);
void* heap_malloc(struct heap* heap, size_t size);
int heap_free(struct heap* heap, void* ptr);

size_t heap_blocks_in_use(const struct heap* heap);
size_t heap_allocation_blocks(const struct heap* heap, const void* ptr);
int heap_reserve(struct heap* heap, void* start, void* end);
int heap_check(const struct heap* heap);
void heap_usage_map(const struct heap* heap, char* out, size_t width);

#endif
