/*
 * The block-table heap (docs/memory.md, "The heap").
 *
 * The heap is a range of equal blocks and a table with one byte per block.
 * An allocation is a run of taken blocks: the first is flagged IS_FIRST and
 * every block but the last is flagged HAS_NEXT, so a free can find the whole
 * run from its first block alone. Placement is leftmost first fit; the heap
 * remembers the lowest index that may be free so a search can start there
 * instead of at block 0.
 *
 * This file touches no hardware and no global state: the kernel and the
 * hosted tests compile it alike.
 */
#include "heap.h"
#include "config.h"
#include "memory/memory.h"
#include "status.h"

#include <stdbool.h>

static int heap_block_type(HEAP_BLOCK_TABLE_ENTRY entry)
{
    return entry & HEAP_BLOCK_TYPE_MASK;
}

static bool heap_block_is_free(const struct heap* heap, size_t index)
{
    return heap_block_type(heap->table->entries[index]) == HEAP_BLOCK_TABLE_ENTRY_FREE;
}

static bool heap_validate_alignment(void* ptr)
{
    return ((uintptr_t)ptr % VANA_HEAP_BLOCK_SIZE) == 0;
}

static size_t heap_block_to_index(const struct heap* heap, const void* address)
{
    return ((uintptr_t)address - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE;
}

static void* heap_block_to_address(const struct heap* heap, size_t index)
{
    return (char*)heap->saddr + index * VANA_HEAP_BLOCK_SIZE;
}

/* Whole blocks needed for size bytes; computed without rounding size up, which could overflow. */
static size_t heap_size_to_blocks(size_t size)
{
    return size / VANA_HEAP_BLOCK_SIZE + (size % VANA_HEAP_BLOCK_SIZE != 0);
}

/*
 * Find the leftmost run of 'blocks' free blocks. Returns true and its first
 * index in *start, or false when no run that long exists.
 *
 * The candidate run [s, s + blocks) is checked from its far end backwards.
 * A taken block at j - 1 rules out every start up to j - 1, so the next
 * candidate starts at j, and the blocks [j, s + blocks) just seen free need
 * not be looked at again. So each entry is read at most once, and a long
 * request skips ahead up to its own length per taken block it meets. The
 * first candidate found all free is the leftmost fit, and a candidate is
 * only considered while it fits in the table, so a short free tail at the
 * end is never returned.
 */
static bool heap_get_start_block(const struct heap* heap, size_t blocks, size_t* start)
{
    size_t total = heap->table->total;
    size_t s = heap->first_free_hint;
    size_t known_free_end = s;  /* [s, known_free_end) has been seen free */

    while (blocks <= total - s) {
        size_t end = s + blocks;
        size_t j = end;
        while (j > known_free_end && heap_block_is_free(heap, j - 1))
            j--;
        if (j == known_free_end) {
            *start = s;
            return true;
        }
        s = j;
        known_free_end = end;
    }
    return false;
}

static void heap_mark_blocks_taken(struct heap* heap, size_t start, size_t blocks)
{
    HEAP_BLOCK_TABLE_ENTRY* entries = heap->table->entries;
    size_t last = start + blocks - 1;

    for (size_t i = start; i <= last; i++) {
        HEAP_BLOCK_TABLE_ENTRY entry = HEAP_BLOCK_TABLE_ENTRY_TAKEN;
        if (i == start)
            entry |= HEAP_BLOCK_IS_FIRST;
        if (i != last)
            entry |= HEAP_BLOCK_HAS_NEXT;
        entries[i] = entry;
    }
    heap->blocks_taken += blocks;
    if (start == heap->first_free_hint)
        heap->first_free_hint = start + blocks;
}

/*
 * If ptr is the first block of a live allocation, store its index and
 * return true; otherwise (outside the heap, misaligned, interior, free)
 * return false.
 */
static bool heap_allocation_index(const struct heap* heap, const void* ptr, size_t* index)
{
    uintptr_t start = (uintptr_t)heap->saddr;
    uintptr_t address = (uintptr_t)ptr;

    if (address < start || (address - start) / VANA_HEAP_BLOCK_SIZE >= heap->table->total)
        return false;
    if ((address - start) % VANA_HEAP_BLOCK_SIZE != 0)
        return false;

    size_t i = heap_block_to_index(heap, ptr);
    HEAP_BLOCK_TABLE_ENTRY entry = heap->table->entries[i];
    if (heap_block_type(entry) != HEAP_BLOCK_TABLE_ENTRY_TAKEN || !(entry & HEAP_BLOCK_IS_FIRST))
        return false;
    *index = i;
    return true;
}

/*
 * heap_create - make [ptr, end) an empty heap described by table.
 * ptr and end must be block-aligned and the range must hold exactly
 * table->total blocks. Every entry of the table is set free.
 * Return: 0, or -EINVARG (nothing written) when an argument is wrong.
 */
int heap_create(struct heap* heap, void* ptr, void* end, struct heap_table* table)
{
    if (!heap || !table || !table->entries)
        return -EINVARG;
    if (!heap_validate_alignment(ptr) || !heap_validate_alignment(end))
        return -EINVARG;
    if ((uintptr_t)end <= (uintptr_t)ptr)
        return -EINVARG;
    if (((uintptr_t)end - (uintptr_t)ptr) / VANA_HEAP_BLOCK_SIZE != table->total)
        return -EINVARG;

    memset(table->entries, HEAP_BLOCK_TABLE_ENTRY_FREE, table->total * sizeof(HEAP_BLOCK_TABLE_ENTRY));
    heap->table = table;
    heap->saddr = ptr;
    heap->first_free_hint = 0;
    heap->blocks_taken = 0;
    return 0;
}

/*
 * heap_malloc - allocate size bytes, rounded up to whole blocks.
 * The allocation is the leftmost run of free blocks that is long enough;
 * its contents are whatever the blocks held before.
 * Return: the address of the first block, or NULL when size is 0 or no run
 * of free blocks is long enough.
 */
void* heap_malloc(struct heap* heap, size_t size)
{
    size_t blocks = heap_size_to_blocks(size);
    size_t start;

    if (blocks == 0 || blocks > heap->table->total - heap->blocks_taken)
        return NULL;
    if (!heap_get_start_block(heap, blocks, &start))
        return NULL;
    heap_mark_blocks_taken(heap, start, blocks);
    return heap_block_to_address(heap, start);
}

/*
 * heap_free - return the allocation that starts at ptr to the heap.
 * Return: 0 when ptr is NULL or the allocation was freed; -EINVARG, with
 * nothing changed, when ptr is not the first block of a live allocation.
 */
int heap_free(struct heap* heap, void* ptr)
{
    size_t i;

    if (!ptr)
        return 0;
    if (!heap_allocation_index(heap, ptr, &i))
        return -EINVARG;

    if (i < heap->first_free_hint)
        heap->first_free_hint = i;
    for (; i < heap->table->total; i++) {
        HEAP_BLOCK_TABLE_ENTRY entry = heap->table->entries[i];
        heap->table->entries[i] = HEAP_BLOCK_TABLE_ENTRY_FREE;
        heap->blocks_taken--;
        if (!(entry & HEAP_BLOCK_HAS_NEXT))
            break;
    }
    return 0;
}

/* heap_blocks_in_use - the number of taken blocks. */
size_t heap_blocks_in_use(const struct heap* heap)
{
    return heap->blocks_taken;
}

/*
 * heap_allocation_blocks - the length in blocks of the live allocation that
 * starts at ptr, or 0 when ptr is not the start of one.
 */
size_t heap_allocation_blocks(const struct heap* heap, const void* ptr)
{
    size_t i, blocks = 0;

    if (!heap_allocation_index(heap, ptr, &i))
        return 0;
    for (; i < heap->table->total; i++) {
        blocks++;
        if (!(heap->table->entries[i] & HEAP_BLOCK_HAS_NEXT))
            break;
    }
    return blocks;
}

/*
 * heap_reserve - take the blocks that overlap [start, end) as one
 * allocation, so the heap never hands them out; heap_free of start rounded
 * down to a block frees them again. Used for boot data that a boot loader
 * left inside the heap.
 * Return: 0, or -EINVARG (nothing changed) when the range is empty, leaves
 * the heap, or overlaps a taken block.
 */
int heap_reserve(struct heap* heap, void* start, void* end)
{
    uintptr_t heap_start = (uintptr_t)heap->saddr;
    uintptr_t heap_end = heap_start + heap->table->total * VANA_HEAP_BLOCK_SIZE;

    if ((uintptr_t)start >= (uintptr_t)end || (uintptr_t)start < heap_start || (uintptr_t)end > heap_end)
        return -EINVARG;

    size_t first = heap_block_to_index(heap, start);
    size_t blocks = heap_size_to_blocks((uintptr_t)end - heap_start) - first;
    for (size_t i = first; i < first + blocks; i++) {
        if (!heap_block_is_free(heap, i))
            return -EINVARG;
    }
    heap_mark_blocks_taken(heap, first, blocks);
    return 0;
}

/*
 * heap_usage_map - draw the table into out[0, width]: at most width
 * characters and a terminator. Each character stands for the same number
 * of blocks, total / width rounded up (so fewer than width characters when
 * that does not divide evenly, and the last may stand for fewer blocks):
 * '.' when all of them are free, '#' when all are taken, '+' when some are.
 * width must be at least 1.
 */
void heap_usage_map(const struct heap* heap, char* out, size_t width)
{
    size_t total = heap->table->total;
    size_t per_character = total / width + (total % width != 0);
    size_t written = 0;

    for (size_t first = 0; first < total && written < width; first += per_character) {
        size_t last = first + per_character < total ? first + per_character : total;
        size_t taken = 0;
        for (size_t i = first; i < last; i++)
            taken += !heap_block_is_free(heap, i);
        out[written++] = taken == 0 ? '.' : taken == last - first ? '#' : '+';
    }
    out[written] = '\0';
}

/*
 * heap_check - verify the table's invariants: every entry is free (0x00)
 * or taken with known flags, every taken run starts with IS_FIRST and is
 * chained by HAS_NEXT to its end, and the counters agree with the table.
 * Return: 0, or -EIO at the first broken invariant.
 */
int heap_check(const struct heap* heap)
{
    const HEAP_BLOCK_TABLE_ENTRY known = HEAP_BLOCK_TYPE_MASK & HEAP_BLOCK_TABLE_ENTRY_TAKEN;
    bool inside_run = false;
    size_t taken = 0;

    for (size_t i = 0; i < heap->table->total; i++) {
        HEAP_BLOCK_TABLE_ENTRY entry = heap->table->entries[i];
        if (heap_block_type(entry) == HEAP_BLOCK_TABLE_ENTRY_FREE) {
            if (entry != HEAP_BLOCK_TABLE_ENTRY_FREE || inside_run)
                return -EIO;
            if (i < heap->first_free_hint)
                return -EIO;
            continue;
        }
        if ((entry & ~(HEAP_BLOCK_IS_FIRST | HEAP_BLOCK_HAS_NEXT)) != known)
            return -EIO;
        if (inside_run == ((entry & HEAP_BLOCK_IS_FIRST) != 0))
            return -EIO;
        inside_run = (entry & HEAP_BLOCK_HAS_NEXT) != 0;
        taken++;
    }
    if (inside_run || taken != heap->blocks_taken)
        return -EIO;
    return 0;
}
