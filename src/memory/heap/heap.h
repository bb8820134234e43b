#ifndef HEAP_H
#define HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

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

/*@ assigns \nothing;
    ensures free: \result <==> (entry & HEAP_BLOCK_TYPE_MASK) == HEAP_BLOCK_TABLE_ENTRY_FREE;
*/
static inline bool heap_entry_is_free(HEAP_BLOCK_TABLE_ENTRY entry)
{
    return (entry & HEAP_BLOCK_TYPE_MASK) == HEAP_BLOCK_TABLE_ENTRY_FREE;
}

/*
 * The free index beside the table (heap_index.c, docs/memory.md):
 *  - free_map: a bitmap with one bit per block, set while the block is
 *    free, followed by a summary with one bit per bitmap word, set while
 *    the word has a free block;
 *  - free_tree: a binary tree over the bitmap's 64-bit words, for runs of
 *    two blocks or more. Each node describes the free runs of the blocks
 *    below it; the leaves are the words, padded with all-taken leaves to
 *    a power of two. Node 1 is the root, node i's children are 2i and
 *    2i + 1, and node 0 is unused.
 */
struct heap_index_node
{
    uint32_t longest;  /* the longest run of free blocks in the node's range */
    uint32_t prefix;   /* free blocks at the start of the range */
    uint32_t suffix;   /* free blocks at the end of the range */
};

#define HEAP_INDEX_WORD_BLOCKS 64
/* The index of a table of total blocks, as constant expressions for static arrays. */
#define HEAP_INDEX_BITMAP_WORDS(total) (((total) + HEAP_INDEX_WORD_BLOCKS - 1) / HEAP_INDEX_WORD_BLOCKS)
#define HEAP_INDEX_SUMMARY_WORDS(total) \
    ((HEAP_INDEX_BITMAP_WORDS(total) + HEAP_INDEX_WORD_BLOCKS - 1) / HEAP_INDEX_WORD_BLOCKS)
#define HEAP_INDEX_WORDS(total) (HEAP_INDEX_BITMAP_WORDS(total) + HEAP_INDEX_SUMMARY_WORDS(total))
#define HEAP_INDEX_LEAVES(total) HEAP_POWER_OF_TWO_AT_LEAST(HEAP_INDEX_BITMAP_WORDS(total))
#define HEAP_INDEX_NODES(total) (2 * HEAP_INDEX_LEAVES(total))

/* The least power of two >= x, for 1 <= x <= 2^31: set every bit below the top one of x - 1, add 1. */
#define HEAP_POWER_OF_TWO_AT_LEAST(x) (HEAP_SMEAR_BITS_((x) - 1) + 1)
#define HEAP_SMEAR_BITS_(x) \
    HEAP_OR_SHIFTED_(HEAP_OR_SHIFTED_(HEAP_OR_SHIFTED_(HEAP_OR_SHIFTED_(HEAP_OR_SHIFTED_(x, 1), 2), 4), 8), 16)
#define HEAP_OR_SHIFTED_(x, bits) ((x) | (x) >> (bits))

/* The largest table heap_create accepts: the tree counts blocks in 32 bits. */
#define HEAP_MAX_BLOCKS 0x7FFFFFFFu

/*
 * The table and its index. The caller provides all three arrays; the heap
 * never allocates, least of all from itself.
 */
struct heap_table
{
    HEAP_BLOCK_TABLE_ENTRY* entries;     /* total entries: the canonical state */
    size_t total;
    uint64_t* free_map;                  /* HEAP_INDEX_WORDS(total): bitmap, then summary */
    struct heap_index_node* free_tree;   /* HEAP_INDEX_NODES(total) nodes */
};

struct heap
{
    struct heap_table* table;
    void* saddr;              /* address of block 0 */
    size_t blocks_taken;      /* for heap_blocks_in_use and the statistics */
};

/*@ // The table's arrays are there, each valid for its size (docs/proofs.md):
    // what every function of the heap and its index may read and write.
    predicate heap_table_storage{L}(struct heap_table* table) =
        \valid_read(table) && table->total <= HEAP_MAX_BLOCKS &&
        \valid(table->entries + (0 .. table->total - 1)) &&
        \valid(table->free_map + (0 .. HEAP_INDEX_WORDS(table->total) - 1)) &&
        \valid(table->free_tree + (0 .. HEAP_INDEX_NODES(table->total) - 1));

    predicate heap_storage{L}(struct heap* heap) =
        \valid_read(heap) && heap_table_storage(heap->table);
*/

/*
 * heap_size_to_blocks - whole blocks needed for size bytes: the one place
 * a size is rounded up to blocks. Computed without rounding size up first,
 * which could overflow.
 */
static inline size_t heap_size_to_blocks(size_t size)
{
    return size / VANA_HEAP_BLOCK_SIZE + (size % VANA_HEAP_BLOCK_SIZE != 0);
}

int heap_create(struct heap* heap, void* ptr, void* end, struct heap_table* table);
void* heap_malloc(struct heap* heap, size_t size);
int heap_free(struct heap* heap, void* ptr);

size_t heap_blocks_in_use(const struct heap* heap);
size_t heap_allocation_blocks(const struct heap* heap, const void* ptr);
int heap_reserve(struct heap* heap, void* start, void* end);
int heap_check(const struct heap* heap);
void heap_usage_map(const struct heap* heap, char* out, size_t width);

#endif
