/*
 * Hosted tests for src/memory/heap/heap.c: one case per contract.
 *
 * Every case gets a fresh 16-block heap over real, block-aligned memory.
 * The table sits between two runs of guard bytes, and the teardown fails
 * the case if heap.c wrote a byte outside its table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "memory/heap/heap.h"
#include "status.h"

#define BLOCK VANA_HEAP_BLOCK_SIZE
#define TEST_BLOCKS 16
#define GUARD_BYTES 64
#define GUARD 0xA5

/* Entry patterns named for what they mean. */
#define SINGLE (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST)                        /* 0x41 */
#define FIRST (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST | HEAP_BLOCK_HAS_NEXT)   /* 0xC1 */
#define MIDDLE (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT)                       /* 0x81 */
#define LAST HEAP_BLOCK_TABLE_ENTRY_TAKEN                                                 /* 0x01 */
#define FREE HEAP_BLOCK_TABLE_ENTRY_FREE

struct guarded_table
{
    unsigned char before[GUARD_BYTES];
    HEAP_BLOCK_TABLE_ENTRY entries[TEST_BLOCKS];
    unsigned char after[GUARD_BYTES];
};

struct fixture
{
    struct guarded_table bytes;
    struct heap_table table;
    struct heap heap;
    char* memory;
};

static int setup(void** state)
{
    struct fixture* f = calloc(1, sizeof(*f));
    assert_non_null(f);
    memset(&f->bytes, GUARD, sizeof(f->bytes));
    f->memory = aligned_alloc(BLOCK, TEST_BLOCKS * BLOCK);
    assert_non_null(f->memory);
    f->table.entries = f->bytes.entries;
    f->table.total = TEST_BLOCKS;
    assert_int_equal(heap_create(&f->heap, f->memory, f->memory + TEST_BLOCKS * BLOCK, &f->table), 0);
    *state = f;
    return 0;
}

static void assert_guards_intact(const struct fixture* f)
{
    for (size_t i = 0; i < GUARD_BYTES; i++) {
        assert_int_equal(f->bytes.before[i], GUARD);
        assert_int_equal(f->bytes.after[i], GUARD);
    }
}

static int teardown(void** state)
{
    struct fixture* f = *state;
    assert_guards_intact(f);
    free(f->memory);
    free(f);
    return 0;
}

/* Addresses are computed as integers: some lie outside the allocation on purpose. */
static void* block(const struct fixture* f, size_t index)
{
    return (void*)((uintptr_t)f->memory + index * BLOCK);
}

static void* below_heap(const struct fixture* f, size_t bytes)
{
    return (void*)((uintptr_t)f->memory - bytes);
}

static void* alloc_blocks(struct fixture* f, size_t blocks)
{
    return heap_malloc(&f->heap, blocks * BLOCK);
}

/* The table must start with expect[0..n) and be free after that. */
static void assert_table(const struct fixture* f, const unsigned char* expect, size_t n)
{
    for (size_t i = 0; i < TEST_BLOCKS; i++)
        assert_int_equal(f->bytes.entries[i], i < n ? expect[i] : FREE);
}

#define ASSERT_TABLE(f, ...) \
    assert_table((f), (const unsigned char[]){__VA_ARGS__}, sizeof((const unsigned char[]){__VA_ARGS__}))

/* What a rejected call must leave exactly as it was. */
struct snapshot
{
    HEAP_BLOCK_TABLE_ENTRY entries[TEST_BLOCKS];
    struct heap heap;
};

static struct snapshot take_snapshot(const struct fixture* f)
{
    struct snapshot s;
    memcpy(s.entries, f->bytes.entries, sizeof(s.entries));
    s.heap = f->heap;
    return s;
}

static void assert_unchanged(const struct fixture* f, const struct snapshot* s)
{
    assert_memory_equal(f->bytes.entries, s->entries, sizeof(s->entries));
    assert_ptr_equal(f->heap.table, s->heap.table);
    assert_ptr_equal(f->heap.saddr, s->heap.saddr);
    assert_int_equal(f->heap.first_free_hint, s->heap.first_free_hint);
    assert_int_equal(f->heap.blocks_taken, s->heap.blocks_taken);
}

/* heap_create on a dirty table with these arguments must fail and write nothing. */
static void assert_create_rejected(struct fixture* f, void* start, void* end, size_t total)
{
    memset(f->bytes.entries, 0x5A, sizeof(f->bytes.entries));
    f->table.total = total;
    struct snapshot before = take_snapshot(f);
    assert_int_equal(heap_create(&f->heap, start, end, &f->table), -EINVARG);
    assert_unchanged(f, &before);
}

/* ---- heap_create ---- */

static void heap_create_rejects_unaligned_start(void** state)
{
    struct fixture* f = *state;
    assert_create_rejected(f, f->memory + 1, f->memory + TEST_BLOCKS * BLOCK, TEST_BLOCKS);
    assert_create_rejected(f, f->memory + BLOCK - 1, f->memory + TEST_BLOCKS * BLOCK, TEST_BLOCKS - 1);
}

static void heap_create_rejects_unaligned_end(void** state)
{
    struct fixture* f = *state;
    assert_create_rejected(f, f->memory, f->memory + TEST_BLOCKS * BLOCK - 1, TEST_BLOCKS);
    assert_create_rejected(f, f->memory, f->memory + TEST_BLOCKS * BLOCK - 1, TEST_BLOCKS - 1);
}

static void heap_create_rejects_end_not_above_start(void** state)
{
    struct fixture* f = *state;
    assert_create_rejected(f, f->memory, f->memory, 0);
    assert_create_rejected(f, f->memory + BLOCK, f->memory, 1);
}

static void heap_create_rejects_total_that_does_not_match_range(void** state)
{
    struct fixture* f = *state;
    assert_create_rejected(f, f->memory, f->memory + TEST_BLOCKS * BLOCK, TEST_BLOCKS - 1);
    assert_create_rejected(f, f->memory, f->memory + (TEST_BLOCKS - 1) * BLOCK, TEST_BLOCKS);
    assert_create_rejected(f, f->memory, f->memory + TEST_BLOCKS * BLOCK, 0);
}

static void heap_create_rejects_missing_table(void** state)
{
    struct fixture* f = *state;
    char* end = f->memory + TEST_BLOCKS * BLOCK;
    struct heap_table no_entries = {.entries = NULL, .total = TEST_BLOCKS};

    assert_int_equal(heap_create(&f->heap, f->memory, end, NULL), -EINVARG);
    assert_int_equal(heap_create(&f->heap, f->memory, end, &no_entries), -EINVARG);
    assert_int_equal(heap_create(NULL, f->memory, end, &f->table), -EINVARG);
}

static void heap_create_marks_every_block_free(void** state)
{
    struct fixture* f = *state;
    assert_non_null(alloc_blocks(f, 3));
    memset(f->bytes.entries, 0xFF, sizeof(f->bytes.entries));

    assert_int_equal(heap_create(&f->heap, f->memory, f->memory + TEST_BLOCKS * BLOCK, &f->table), 0);
    ASSERT_TABLE(f, FREE);
    assert_int_equal(heap_blocks_in_use(&f->heap), 0);
    assert_int_equal(heap_check(&f->heap), 0);
    assert_ptr_equal(alloc_blocks(f, TEST_BLOCKS), block(f, 0));
}

/* ---- heap_malloc ---- */

static void heap_malloc_of_zero_returns_null(void** state)
{
    struct fixture* f = *state;
    struct snapshot before = take_snapshot(f);
    assert_null(heap_malloc(&f->heap, 0));
    assert_unchanged(f, &before);
}

static void heap_malloc_rounds_size_up_to_whole_blocks(void** state)
{
    struct fixture* f = *state;
    void* one_byte = heap_malloc(&f->heap, 1);
    void* exact_block = heap_malloc(&f->heap, BLOCK);
    void* block_and_a_byte = heap_malloc(&f->heap, BLOCK + 1);
    void* next = heap_malloc(&f->heap, 1);

    assert_ptr_equal(one_byte, block(f, 0));
    assert_ptr_equal(exact_block, block(f, 1));
    assert_ptr_equal(block_and_a_byte, block(f, 2));
    assert_ptr_equal(next, block(f, 4));
    assert_int_equal(heap_allocation_blocks(&f->heap, block_and_a_byte), 2);
    assert_int_equal(heap_blocks_in_use(&f->heap), 5);
}

static void heap_malloc_of_size_max_returns_null(void** state)
{
    struct fixture* f = *state;
    struct snapshot before = take_snapshot(f);
    assert_null(heap_malloc(&f->heap, SIZE_MAX));
    assert_unchanged(f, &before);
}

/* size + BLOCK - 1 wraps for these sizes; a naive round-up would ask for 0 or 1 block. */
static void heap_malloc_of_size_that_overflows_when_rounded_returns_null(void** state)
{
    struct fixture* f = *state;
    struct snapshot before = take_snapshot(f);
    for (size_t below = 0; below < BLOCK - 1; below += 97) {
        assert_null(heap_malloc(&f->heap, SIZE_MAX - below));
        assert_unchanged(f, &before);
    }
    assert_null(heap_malloc(&f->heap, SIZE_MAX - (BLOCK - 2)));
    assert_unchanged(f, &before);
}

static void heap_malloc_larger_than_heap_returns_null(void** state)
{
    struct fixture* f = *state;
    struct snapshot before = take_snapshot(f);
    assert_null(heap_malloc(&f->heap, TEST_BLOCKS * BLOCK + 1));
    assert_unchanged(f, &before);
}

static void heap_malloc_of_whole_heap_succeeds(void** state)
{
    struct fixture* f = *state;
    assert_ptr_equal(alloc_blocks(f, TEST_BLOCKS), block(f, 0));
    assert_int_equal(heap_blocks_in_use(&f->heap), TEST_BLOCKS);
    assert_null(heap_malloc(&f->heap, 1));
}

static void heap_malloc_places_allocations_back_to_back(void** state)
{
    struct fixture* f = *state;
    assert_ptr_equal(alloc_blocks(f, 2), block(f, 0));
    assert_ptr_equal(alloc_blocks(f, 1), block(f, 2));
    assert_ptr_equal(alloc_blocks(f, 3), block(f, 3));
    assert_ptr_equal(alloc_blocks(f, 1), block(f, 6));
}

static void heap_malloc_reuses_leftmost_hole_after_free(void** state)
{
    struct fixture* f = *state;
    void* a = alloc_blocks(f, 2);
    alloc_blocks(f, 1);
    void* c = alloc_blocks(f, 2);
    alloc_blocks(f, 1);

    assert_int_equal(heap_free(&f->heap, c), 0);
    assert_int_equal(heap_free(&f->heap, a), 0);
    assert_ptr_equal(alloc_blocks(f, 1), block(f, 0));
    assert_ptr_equal(alloc_blocks(f, 1), block(f, 1));
    assert_ptr_equal(alloc_blocks(f, 2), block(f, 3));
}

static void heap_malloc_skips_holes_too_small(void** state)
{
    struct fixture* f = *state;
    void* a = alloc_blocks(f, 1);   /* block 0 */
    alloc_blocks(f, 1);             /* block 1 */
    void* c = alloc_blocks(f, 2);   /* blocks 2-3 */
    alloc_blocks(f, 1);             /* block 4 */

    heap_free(&f->heap, a);
    heap_free(&f->heap, c);
    assert_ptr_equal(alloc_blocks(f, 3), block(f, 5));
    assert_ptr_equal(alloc_blocks(f, 2), block(f, 2));
    assert_ptr_equal(alloc_blocks(f, 1), block(f, 0));
}

/* Enough free blocks in total, but the only long-enough-looking run is cut off by the table's end. */
static void heap_malloc_never_returns_short_free_run_at_end(void** state)
{
    struct fixture* f = *state;
    void* a = alloc_blocks(f, 1);
    assert_non_null(alloc_blocks(f, TEST_BLOCKS - 4));  /* blocks 1-12; 13-15 stay free */
    heap_free(&f->heap, a);                              /* 4 free blocks, longest run 3 */

    struct snapshot before = take_snapshot(f);
    assert_null(alloc_blocks(f, 4));
    assert_unchanged(f, &before);
}

static void heap_malloc_returns_exact_fit_run_at_end(void** state)
{
    struct fixture* f = *state;
    void* a = alloc_blocks(f, 1);
    assert_non_null(alloc_blocks(f, TEST_BLOCKS - 4));
    heap_free(&f->heap, a);

    assert_ptr_equal(alloc_blocks(f, 3), block(f, TEST_BLOCKS - 3));
    assert_int_equal(heap_check(&f->heap), 0);
}

static void heap_malloc_marks_single_block_first_and_last(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 1);
    ASSERT_TABLE(f, SINGLE);
    assert_int_equal(SINGLE, 0x41);
}

static void heap_malloc_marks_two_blocks_first_then_last(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 2);
    ASSERT_TABLE(f, FIRST, LAST);
    assert_int_equal(FIRST, 0xC1);
    assert_int_equal(LAST, 0x01);
}

static void heap_malloc_marks_long_run_first_middles_last(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 1);
    alloc_blocks(f, 4);
    ASSERT_TABLE(f, SINGLE, FIRST, MIDDLE, MIDDLE, LAST);
    assert_int_equal(MIDDLE, 0x81);
    assert_int_equal(HEAP_BLOCK_IS_FIRST, 0x40);
    assert_int_equal(HEAP_BLOCK_HAS_NEXT, 0x80);
}

/* ---- heap_free ---- */

static void heap_free_of_null_returns_zero(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 2);
    struct snapshot before = take_snapshot(f);
    assert_int_equal(heap_free(&f->heap, NULL), 0);
    assert_unchanged(f, &before);
}

static void assert_free_rejected(struct fixture* f, void* ptr)
{
    struct snapshot before = take_snapshot(f);
    int res = heap_free(&f->heap, ptr);
    assert_true(res < 0);
    assert_int_equal(res, -EINVARG);
    assert_unchanged(f, &before);
}

static void heap_free_rejects_interior_pointer(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 3);
    assert_free_rejected(f, block(f, 1));
    assert_free_rejected(f, block(f, 2));
}

static void heap_free_rejects_unaligned_pointer(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 2);
    assert_free_rejected(f, (char*)block(f, 0) + 1);
    assert_free_rejected(f, (char*)block(f, 0) + BLOCK - 1);
    assert_free_rejected(f, (char*)block(f, 0) + BLOCK / 2);
}

static void heap_free_rejects_pointer_below_heap(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 1);
    assert_free_rejected(f, below_heap(f, BLOCK));
    assert_free_rejected(f, below_heap(f, 1));
    assert_free_rejected(f, (void*)(uintptr_t)BLOCK);
}

static void heap_free_rejects_pointer_above_heap(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, TEST_BLOCKS);
    assert_free_rejected(f, block(f, TEST_BLOCKS));
    assert_free_rejected(f, block(f, TEST_BLOCKS + 1));
    assert_free_rejected(f, (void*)(UINTPTR_MAX - BLOCK + 1));
}

static void heap_free_rejects_already_freed_pointer(void** state)
{
    struct fixture* f = *state;
    void* a = alloc_blocks(f, 2);
    alloc_blocks(f, 1);
    assert_int_equal(heap_free(&f->heap, a), 0);
    assert_free_rejected(f, a);
}

static void heap_free_rejects_never_allocated_block(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 1);
    assert_free_rejected(f, block(f, 5));
}

static void heap_free_frees_exactly_its_run(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 2);
    void* b = alloc_blocks(f, 3);
    alloc_blocks(f, 1);

    assert_int_equal(heap_free(&f->heap, b), 0);
    ASSERT_TABLE(f, FIRST, LAST, FREE, FREE, FREE, SINGLE);
    assert_int_equal(heap_blocks_in_use(&f->heap), 3);
    assert_int_equal(heap_check(&f->heap), 0);
}

static void heap_writes_no_byte_outside_table(void** state)
{
    struct fixture* f = *state;
    void* ptrs[TEST_BLOCKS];
    for (size_t i = 0; i < TEST_BLOCKS; i++)
        ptrs[i] = alloc_blocks(f, 1);
    assert_null(alloc_blocks(f, 1));
    for (size_t i = 0; i < TEST_BLOCKS; i++)
        assert_int_equal(heap_free(&f->heap, ptrs[i]), 0);
    assert_int_equal(heap_reserve(&f->heap, block(f, 0), block(f, TEST_BLOCKS)), 0);
    assert_int_equal(heap_free(&f->heap, block(f, 0)), 0);
    assert_guards_intact(f);
}

/* ---- heap_blocks_in_use, heap_allocation_blocks ---- */

static void heap_blocks_in_use_counts_taken_blocks(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(heap_blocks_in_use(&f->heap), 0);
    void* a = alloc_blocks(f, 3);
    alloc_blocks(f, 2);
    assert_int_equal(heap_blocks_in_use(&f->heap), 5);
    heap_free(&f->heap, a);
    assert_int_equal(heap_blocks_in_use(&f->heap), 2);
}

static void heap_allocation_blocks_returns_run_length(void** state)
{
    struct fixture* f = *state;
    void* a = alloc_blocks(f, 1);
    void* b = alloc_blocks(f, 5);
    void* c = heap_malloc(&f->heap, 2 * BLOCK + 1);
    assert_int_equal(heap_allocation_blocks(&f->heap, a), 1);
    assert_int_equal(heap_allocation_blocks(&f->heap, b), 5);
    assert_int_equal(heap_allocation_blocks(&f->heap, c), 3);
}

static void heap_allocation_blocks_returns_zero_for_non_allocation(void** state)
{
    struct fixture* f = *state;
    void* a = alloc_blocks(f, 3);
    void* b = alloc_blocks(f, 1);
    heap_free(&f->heap, b);

    assert_int_equal(heap_allocation_blocks(&f->heap, block(f, 1)), 0);      /* interior */
    assert_int_equal(heap_allocation_blocks(&f->heap, (char*)a + 8), 0);     /* unaligned */
    assert_int_equal(heap_allocation_blocks(&f->heap, b), 0);                /* freed */
    assert_int_equal(heap_allocation_blocks(&f->heap, NULL), 0);
    assert_int_equal(heap_allocation_blocks(&f->heap, below_heap(f, BLOCK)), 0);
    assert_int_equal(heap_allocation_blocks(&f->heap, block(f, TEST_BLOCKS)), 0);
}

/* ---- heap_reserve ---- */

static void heap_reserve_takes_every_block_the_range_touches(void** state)
{
    struct fixture* f = *state;
    /* From inside block 2 to one byte into block 5: blocks 2, 3, 4 and 5. */
    char* start = (char*)block(f, 2) + 100;
    char* end = (char*)block(f, 5) + 1;
    assert_int_equal(heap_reserve(&f->heap, start, end), 0);

    ASSERT_TABLE(f, FREE, FREE, FIRST, MIDDLE, MIDDLE, LAST);
    assert_int_equal(heap_blocks_in_use(&f->heap), 4);
    assert_int_equal(heap_check(&f->heap), 0);
    assert_ptr_equal(alloc_blocks(f, 3), block(f, 6));
    assert_ptr_equal(alloc_blocks(f, 2), block(f, 0));
}

static void heap_reserve_of_aligned_range_takes_exactly_its_blocks(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(heap_reserve(&f->heap, block(f, 1), block(f, 3)), 0);
    ASSERT_TABLE(f, FREE, FIRST, LAST);
}

static void heap_reserve_accepts_range_ending_at_heap_end(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(heap_reserve(&f->heap, block(f, TEST_BLOCKS - 2), block(f, TEST_BLOCKS)), 0);
    assert_int_equal(heap_allocation_blocks(&f->heap, block(f, TEST_BLOCKS - 2)), 2);
    assert_int_equal(heap_check(&f->heap), 0);
}

static void heap_reserve_rejects_range_overlapping_taken_block(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 1);
    alloc_blocks(f, 1);
    void* c = alloc_blocks(f, 1);
    heap_free(&f->heap, c);   /* blocks 0-1 taken, 2.. free */

    struct snapshot before = take_snapshot(f);
    assert_int_equal(heap_reserve(&f->heap, block(f, 1), block(f, 4)), -EINVARG);
    assert_int_equal(heap_reserve(&f->heap, (char*)block(f, 1) + BLOCK - 1, block(f, 3)), -EINVARG);
    assert_unchanged(f, &before);
}

static void heap_reserve_rejects_range_outside_heap(void** state)
{
    struct fixture* f = *state;
    struct snapshot before = take_snapshot(f);
    assert_int_equal(heap_reserve(&f->heap, below_heap(f, BLOCK), block(f, 1)), -EINVARG);
    assert_int_equal(heap_reserve(&f->heap, below_heap(f, 1), block(f, 1)), -EINVARG);
    assert_int_equal(heap_reserve(&f->heap, block(f, TEST_BLOCKS - 1), (char*)block(f, TEST_BLOCKS - 1) + BLOCK + 1), -EINVARG);
    assert_int_equal(heap_reserve(&f->heap, block(f, TEST_BLOCKS), block(f, TEST_BLOCKS + 1)), -EINVARG);
    assert_unchanged(f, &before);
}

static void heap_reserve_rejects_empty_range(void** state)
{
    struct fixture* f = *state;
    struct snapshot before = take_snapshot(f);
    assert_int_equal(heap_reserve(&f->heap, block(f, 2), block(f, 2)), -EINVARG);
    assert_int_equal(heap_reserve(&f->heap, block(f, 3), block(f, 2)), -EINVARG);
    assert_unchanged(f, &before);
}

static void heap_reserve_is_freeable_from_start_rounded_down(void** state)
{
    struct fixture* f = *state;
    char* start = (char*)block(f, 3) + 77;
    assert_int_equal(heap_reserve(&f->heap, start, (char*)block(f, 4) + 5), 0);
    assert_int_equal(heap_free(&f->heap, start), -EINVARG);
    assert_int_equal(heap_free(&f->heap, block(f, 3)), 0);
    ASSERT_TABLE(f, FREE);
    assert_int_equal(heap_blocks_in_use(&f->heap), 0);
    assert_int_equal(heap_check(&f->heap), 0);
}

/* ---- heap_check ---- */

/* Replace the table with entries (the rest free) and set the counters to match the taken count. */
static void craft_table(struct fixture* f, const unsigned char* entries, size_t n, size_t taken)
{
    memset(f->bytes.entries, FREE, sizeof(f->bytes.entries));
    memcpy(f->bytes.entries, entries, n);
    f->heap.blocks_taken = taken;
    f->heap.first_free_hint = 0;
}

#define CRAFT(f, taken, ...) \
    craft_table((f), (const unsigned char[]){__VA_ARGS__}, sizeof((const unsigned char[]){__VA_ARGS__}), (taken))

static void heap_check_passes_on_valid_tables(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(heap_check(&f->heap), 0);
    void* a = alloc_blocks(f, 1);
    alloc_blocks(f, 4);
    void* c = alloc_blocks(f, 2);
    assert_int_equal(heap_check(&f->heap), 0);
    heap_free(&f->heap, a);
    heap_free(&f->heap, c);
    assert_int_equal(heap_check(&f->heap), 0);

    CRAFT(f, 7, SINGLE, FREE, FIRST, LAST, FREE, FIRST, MIDDLE, MIDDLE, LAST);
    assert_int_equal(heap_check(&f->heap), 0);
}

static void heap_check_detects_flags_on_free_entry(void** state)
{
    struct fixture* f = *state;
    CRAFT(f, 0, HEAP_BLOCK_IS_FIRST);
    assert_int_equal(heap_check(&f->heap), -EIO);
    CRAFT(f, 0, FREE, HEAP_BLOCK_HAS_NEXT);
    assert_int_equal(heap_check(&f->heap), -EIO);
}

static void heap_check_detects_unknown_type(void** state)
{
    struct fixture* f = *state;
    CRAFT(f, 1, 0x02 | HEAP_BLOCK_IS_FIRST);
    assert_int_equal(heap_check(&f->heap), -EIO);
    CRAFT(f, 1, 0x0F | HEAP_BLOCK_IS_FIRST);
    assert_int_equal(heap_check(&f->heap), -EIO);
}

static void heap_check_detects_unknown_flag(void** state)
{
    struct fixture* f = *state;
    CRAFT(f, 1, SINGLE | 0x20);
    assert_int_equal(heap_check(&f->heap), -EIO);
    CRAFT(f, 1, SINGLE | 0x10);
    assert_int_equal(heap_check(&f->heap), -EIO);
}

static void heap_check_detects_run_without_first_block(void** state)
{
    struct fixture* f = *state;
    CRAFT(f, 1, FREE, LAST);
    assert_int_equal(heap_check(&f->heap), -EIO);
    CRAFT(f, 2, MIDDLE, LAST);
    assert_int_equal(heap_check(&f->heap), -EIO);
}

static void heap_check_detects_first_block_inside_run(void** state)
{
    struct fixture* f = *state;
    CRAFT(f, 2, FIRST, SINGLE);
    assert_int_equal(heap_check(&f->heap), -EIO);
}

static void heap_check_detects_run_cut_by_free_block(void** state)
{
    struct fixture* f = *state;
    CRAFT(f, 2, FIRST, FREE, LAST);
    assert_int_equal(heap_check(&f->heap), -EIO);
}

static void heap_check_detects_run_chained_past_table_end(void** state)
{
    struct fixture* f = *state;
    unsigned char entries[TEST_BLOCKS] = {0};
    entries[TEST_BLOCKS - 2] = FIRST;
    entries[TEST_BLOCKS - 1] = MIDDLE;
    craft_table(f, entries, TEST_BLOCKS, 2);
    assert_int_equal(heap_check(&f->heap), -EIO);
}

static void heap_check_detects_counter_mismatch(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 3);
    f->heap.blocks_taken = 2;
    assert_int_equal(heap_check(&f->heap), -EIO);
    f->heap.blocks_taken = 4;
    assert_int_equal(heap_check(&f->heap), -EIO);
}

static void heap_check_detects_free_block_below_hint(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 2);
    f->heap.first_free_hint = 3;   /* block 2 is free, so the hint is a lie */
    assert_int_equal(heap_check(&f->heap), -EIO);
}

/* ---- heap_usage_map ---- */

#define MAP_MAX (2 * TEST_BLOCKS + 8)   /* the widest map a case draws */

/* The map's buffer, with guard bytes well past the widest map. */
struct guarded_map
{
    char out[MAP_MAX + 1 + GUARD_BYTES];
};

/*
 * Draw the map width characters wide into a buffer of guard bytes. The
 * call must leave the heap as it was, end the string within out[0, width]
 * and write no byte past out[width].
 */
static const char* draw_map(struct fixture* f, struct guarded_map* m, size_t width)
{
    assert_true(width >= 1 && width <= MAP_MAX);
    memset(m->out, GUARD, sizeof(m->out));
    struct snapshot before = take_snapshot(f);
    heap_usage_map(&f->heap, m->out, width);
    assert_unchanged(f, &before);
    for (size_t i = width + 1; i < sizeof(m->out); i++)
        assert_int_equal((unsigned char)m->out[i], GUARD);
    assert_non_null(memchr(m->out, '\0', width + 1));
    return m->out;
}

static void heap_usage_map_of_empty_heap_is_all_free(void** state)
{
    struct fixture* f = *state;
    struct guarded_map m;
    assert_string_equal(draw_map(f, &m, TEST_BLOCKS), "................");
    assert_string_equal(draw_map(f, &m, 8), "........");
    assert_string_equal(draw_map(f, &m, 4), "....");
    assert_string_equal(draw_map(f, &m, 6), "......");
}

static void heap_usage_map_of_full_heap_is_all_taken(void** state)
{
    struct fixture* f = *state;
    struct guarded_map m;
    assert_non_null(alloc_blocks(f, TEST_BLOCKS));
    assert_string_equal(draw_map(f, &m, TEST_BLOCKS), "################");
    assert_string_equal(draw_map(f, &m, 8), "########");
    assert_string_equal(draw_map(f, &m, 4), "####");
    /* Three blocks a character, the last covering only block 15: all taken still. */
    assert_string_equal(draw_map(f, &m, 6), "######");
}

static void heap_usage_map_marks_partly_taken_share_with_plus(void** state)
{
    struct fixture* f = *state;
    struct guarded_map m;
    assert_int_equal(heap_reserve(&f->heap, block(f, 1), block(f, 5)), 0);   /* blocks 1-4 */
    /* Two blocks a character: {0,1} half, {2,3} all, {4,5} half, the rest none. */
    assert_string_equal(draw_map(f, &m, 8), "+#+.....");
    /* Four a character: {0-3} three of four, {4-7} one of four. */
    assert_string_equal(draw_map(f, &m, 4), "++..");
}

static void heap_usage_map_with_one_block_per_character_mirrors_table(void** state)
{
    struct fixture* f = *state;
    struct guarded_map m;
    assert_non_null(alloc_blocks(f, 3));                 /* blocks 0-2 */
    void* b = alloc_blocks(f, 2);                        /* blocks 3-4 */
    assert_non_null(alloc_blocks(f, 1));                 /* block 5 */
    assert_non_null(alloc_blocks(f, 4));                 /* blocks 6-9 */
    assert_int_equal(heap_free(&f->heap, b), 0);
    assert_int_equal(heap_reserve(&f->heap, block(f, TEST_BLOCKS - 1), block(f, TEST_BLOCKS)), 0);

    const char* map = draw_map(f, &m, TEST_BLOCKS);
    assert_string_equal(map, "###..#####.....#");
    for (size_t i = 0; i < TEST_BLOCKS; i++)
        assert_int_equal(map[i], f->bytes.entries[i] == FREE ? '.' : '#');
}

static void heap_usage_map_of_width_one_sums_up_whole_heap(void** state)
{
    struct fixture* f = *state;
    struct guarded_map m;
    assert_string_equal(draw_map(f, &m, 1), ".");
    assert_non_null(alloc_blocks(f, 1));
    assert_string_equal(draw_map(f, &m, 1), "+");
    assert_non_null(alloc_blocks(f, TEST_BLOCKS - 2));
    assert_string_equal(draw_map(f, &m, 1), "+");
    assert_non_null(alloc_blocks(f, 1));
    assert_string_equal(draw_map(f, &m, 1), "#");
}

/* One block a character, so the string is total characters long, shorter than width. */
static void heap_usage_map_wider_than_heap_draws_one_character_per_block(void** state)
{
    struct fixture* f = *state;
    struct guarded_map m;
    assert_int_equal(heap_reserve(&f->heap, block(f, 0), block(f, 1)), 0);
    assert_int_equal(heap_reserve(&f->heap, block(f, TEST_BLOCKS - 1), block(f, TEST_BLOCKS)), 0);
    assert_string_equal(draw_map(f, &m, TEST_BLOCKS + 1), "#..............#");
    assert_string_equal(draw_map(f, &m, 2 * TEST_BLOCKS), "#..............#");
    assert_string_equal(draw_map(f, &m, MAP_MAX), "#..............#");
}

/*
 * 16 blocks in 6 characters: three a character and one in the last. In 7
 * or 5 characters the rounded-up share uses up the blocks in fewer
 * characters than width, and the string ends there.
 */
static void heap_usage_map_with_width_not_dividing_total_rounds_share_up(void** state)
{
    struct fixture* f = *state;
    struct guarded_map m;
    assert_int_equal(heap_reserve(&f->heap, block(f, 2), block(f, 3)), 0);
    assert_int_equal(heap_reserve(&f->heap, block(f, 3), block(f, 6)), 0);
    assert_int_equal(heap_reserve(&f->heap, block(f, 12), block(f, 13)), 0);
    assert_int_equal(heap_reserve(&f->heap, block(f, 15), block(f, 16)), 0);

    /* {0-2} {3-5} {6-8} {9-11} {12-14} {15} */
    assert_string_equal(draw_map(f, &m, 6), "+#..+#");
    assert_string_equal(draw_map(f, &m, 7), "+#..+#");
    /* {0-3} {4-7} {8-11} {12-15} */
    assert_string_equal(draw_map(f, &m, 5), "++.+");
}

/* ---- exhaustion ---- */

static void heap_recovers_after_exhaustion(void** state)
{
    struct fixture* f = *state;
    void* ptrs[TEST_BLOCKS];
    for (size_t i = 0; i < TEST_BLOCKS; i++)
        assert_ptr_equal(ptrs[i] = alloc_blocks(f, 1), block(f, i));

    struct snapshot full = take_snapshot(f);
    assert_null(alloc_blocks(f, 1));
    assert_unchanged(f, &full);

    heap_free(&f->heap, ptrs[7]);
    assert_null(alloc_blocks(f, 2));
    assert_ptr_equal(alloc_blocks(f, 1), block(f, 7));
    for (size_t i = 0; i < TEST_BLOCKS; i++)
        assert_int_equal(heap_free(&f->heap, ptrs[i]), 0);
    assert_int_equal(heap_blocks_in_use(&f->heap), 0);
    assert_int_equal(heap_check(&f->heap), 0);
    assert_ptr_equal(alloc_blocks(f, TEST_BLOCKS), block(f, 0));
}

#define HEAP_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        HEAP_TEST(heap_create_rejects_unaligned_start),
        HEAP_TEST(heap_create_rejects_unaligned_end),
        HEAP_TEST(heap_create_rejects_end_not_above_start),
        HEAP_TEST(heap_create_rejects_total_that_does_not_match_range),
        HEAP_TEST(heap_create_rejects_missing_table),
        HEAP_TEST(heap_create_marks_every_block_free),
        HEAP_TEST(heap_malloc_of_zero_returns_null),
        HEAP_TEST(heap_malloc_rounds_size_up_to_whole_blocks),
        HEAP_TEST(heap_malloc_of_size_max_returns_null),
        HEAP_TEST(heap_malloc_of_size_that_overflows_when_rounded_returns_null),
        HEAP_TEST(heap_malloc_larger_than_heap_returns_null),
        HEAP_TEST(heap_malloc_of_whole_heap_succeeds),
        HEAP_TEST(heap_malloc_places_allocations_back_to_back),
        HEAP_TEST(heap_malloc_reuses_leftmost_hole_after_free),
        HEAP_TEST(heap_malloc_skips_holes_too_small),
        HEAP_TEST(heap_malloc_never_returns_short_free_run_at_end),
        HEAP_TEST(heap_malloc_returns_exact_fit_run_at_end),
        HEAP_TEST(heap_malloc_marks_single_block_first_and_last),
        HEAP_TEST(heap_malloc_marks_two_blocks_first_then_last),
        HEAP_TEST(heap_malloc_marks_long_run_first_middles_last),
        HEAP_TEST(heap_free_of_null_returns_zero),
        HEAP_TEST(heap_free_rejects_interior_pointer),
        HEAP_TEST(heap_free_rejects_unaligned_pointer),
        HEAP_TEST(heap_free_rejects_pointer_below_heap),
        HEAP_TEST(heap_free_rejects_pointer_above_heap),
        HEAP_TEST(heap_free_rejects_already_freed_pointer),
        HEAP_TEST(heap_free_rejects_never_allocated_block),
        HEAP_TEST(heap_free_frees_exactly_its_run),
        HEAP_TEST(heap_writes_no_byte_outside_table),
        HEAP_TEST(heap_blocks_in_use_counts_taken_blocks),
        HEAP_TEST(heap_allocation_blocks_returns_run_length),
        HEAP_TEST(heap_allocation_blocks_returns_zero_for_non_allocation),
        HEAP_TEST(heap_reserve_takes_every_block_the_range_touches),
        HEAP_TEST(heap_reserve_of_aligned_range_takes_exactly_its_blocks),
        HEAP_TEST(heap_reserve_accepts_range_ending_at_heap_end),
        HEAP_TEST(heap_reserve_rejects_range_overlapping_taken_block),
        HEAP_TEST(heap_reserve_rejects_range_outside_heap),
        HEAP_TEST(heap_reserve_rejects_empty_range),
        HEAP_TEST(heap_reserve_is_freeable_from_start_rounded_down),
        HEAP_TEST(heap_check_passes_on_valid_tables),
        HEAP_TEST(heap_check_detects_flags_on_free_entry),
        HEAP_TEST(heap_check_detects_unknown_type),
        HEAP_TEST(heap_check_detects_unknown_flag),
        HEAP_TEST(heap_check_detects_run_without_first_block),
        HEAP_TEST(heap_check_detects_first_block_inside_run),
        HEAP_TEST(heap_check_detects_run_cut_by_free_block),
        HEAP_TEST(heap_check_detects_run_chained_past_table_end),
        HEAP_TEST(heap_check_detects_counter_mismatch),
        HEAP_TEST(heap_check_detects_free_block_below_hint),
        HEAP_TEST(heap_usage_map_of_empty_heap_is_all_free),
        HEAP_TEST(heap_usage_map_of_full_heap_is_all_taken),
        HEAP_TEST(heap_usage_map_marks_partly_taken_share_with_plus),
        HEAP_TEST(heap_usage_map_with_one_block_per_character_mirrors_table),
        HEAP_TEST(heap_usage_map_of_width_one_sums_up_whole_heap),
        HEAP_TEST(heap_usage_map_wider_than_heap_draws_one_character_per_block),
        HEAP_TEST(heap_usage_map_with_width_not_dividing_total_rounds_share_up),
        HEAP_TEST(heap_recovers_after_exhaustion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
