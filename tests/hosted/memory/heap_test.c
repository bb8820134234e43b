/*
 * Hosted tests for src/memory/heap/heap.c: one case per contract.
 *
 * Every case gets a fresh 16-block heap over real, block-aligned memory.
 * The table and each part of its index sit between runs of guard bytes,
 * and the teardown fails the case if heap.c wrote a byte outside them.
 * Cases that need a larger index (many words, runs across several) build
 * larger heaps over address ranges that are never touched: the heap only
 * computes addresses, it never reads or writes its blocks.
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
#include "memory/heap/heap_index.h"
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

#define TEST_WORDS HEAP_INDEX_WORDS(TEST_BLOCKS)
#define TEST_RUN_WORDS HEAP_INDEX_BITMAP_WORDS(TEST_BLOCKS)
#define TEST_FITS_BYTES HEAP_INDEX_FITS_BYTES(TEST_BLOCKS)

struct guarded_table
{
    unsigned char before[GUARD_BYTES];
    HEAP_BLOCK_TABLE_ENTRY entries[TEST_BLOCKS];
    unsigned char after[GUARD_BYTES];
    uint64_t free_map[TEST_WORDS];
    unsigned char after_map[GUARD_BYTES];
    int16_t run_prefix[TEST_RUN_WORDS];
    unsigned char after_prefix[GUARD_BYTES];
    uint16_t run_suffix[TEST_RUN_WORDS];
    unsigned char after_suffix[GUARD_BYTES];
    int32_t run_longest[TEST_RUN_WORDS];
    unsigned char after_longest[GUARD_BYTES];
    int8_t run_fits[TEST_FITS_BYTES];
    unsigned char after_fits[GUARD_BYTES];
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
    f->table.free_map = f->bytes.free_map;
    f->table.run_prefix = f->bytes.run_prefix;
    f->table.run_suffix = f->bytes.run_suffix;
    f->table.run_longest = f->bytes.run_longest;
    f->table.run_fits = f->bytes.run_fits;
    assert_int_equal(heap_create(&f->heap, f->memory, f->memory + TEST_BLOCKS * BLOCK, &f->table), 0);
    *state = f;
    return 0;
}

static void assert_guards_intact(const struct fixture* f)
{
    for (size_t i = 0; i < GUARD_BYTES; i++) {
        assert_int_equal(f->bytes.before[i], GUARD);
        assert_int_equal(f->bytes.after[i], GUARD);
        assert_int_equal(f->bytes.after_map[i], GUARD);
        assert_int_equal(f->bytes.after_prefix[i], GUARD);
        assert_int_equal(f->bytes.after_suffix[i], GUARD);
        assert_int_equal(f->bytes.after_longest[i], GUARD);
        assert_int_equal(f->bytes.after_fits[i], GUARD);
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

/* What a rejected call must leave exactly as it was: the table, its index and the heap. */
struct snapshot
{
    HEAP_BLOCK_TABLE_ENTRY entries[TEST_BLOCKS];
    uint64_t free_map[TEST_WORDS];
    int16_t run_prefix[TEST_RUN_WORDS];
    uint16_t run_suffix[TEST_RUN_WORDS];
    int32_t run_longest[TEST_RUN_WORDS];
    int8_t run_fits[TEST_FITS_BYTES];
    struct heap heap;
};

static struct snapshot take_snapshot(const struct fixture* f)
{
    struct snapshot s;
    memcpy(s.entries, f->bytes.entries, sizeof(s.entries));
    memcpy(s.free_map, f->bytes.free_map, sizeof(s.free_map));
    memcpy(s.run_prefix, f->bytes.run_prefix, sizeof(s.run_prefix));
    memcpy(s.run_suffix, f->bytes.run_suffix, sizeof(s.run_suffix));
    memcpy(s.run_longest, f->bytes.run_longest, sizeof(s.run_longest));
    memcpy(s.run_fits, f->bytes.run_fits, sizeof(s.run_fits));
    s.heap = f->heap;
    return s;
}

static void assert_unchanged(const struct fixture* f, const struct snapshot* s)
{
    assert_memory_equal(f->bytes.entries, s->entries, sizeof(s->entries));
    assert_memory_equal(f->bytes.free_map, s->free_map, sizeof(s->free_map));
    assert_memory_equal(f->bytes.run_prefix, s->run_prefix, sizeof(s->run_prefix));
    assert_memory_equal(f->bytes.run_suffix, s->run_suffix, sizeof(s->run_suffix));
    assert_memory_equal(f->bytes.run_longest, s->run_longest, sizeof(s->run_longest));
    assert_memory_equal(f->bytes.run_fits, s->run_fits, sizeof(s->run_fits));
    assert_ptr_equal(f->heap.table, s->heap.table);
    assert_ptr_equal(f->heap.saddr, s->heap.saddr);
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

static void heap_create_rejects_table_without_index(void** state)
{
    struct fixture* f = *state;
    char* end = f->memory + TEST_BLOCKS * BLOCK;
    /* Each table lacks one array of the index. */
    struct heap_table missing[] = {f->table, f->table, f->table, f->table, f->table};
    missing[0].free_map = NULL;
    missing[1].run_prefix = NULL;
    missing[2].run_suffix = NULL;
    missing[3].run_longest = NULL;
    missing[4].run_fits = NULL;

    memset(f->bytes.entries, 0x5A, sizeof(f->bytes.entries));
    struct snapshot before = take_snapshot(f);
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
        assert_int_equal(heap_create(&f->heap, f->memory, end, &missing[i]), -EINVARG);
    assert_unchanged(f, &before);
}

/* A heap whose block 0 were at address 0 would return NULL, the failure, for it. */
static void heap_create_rejects_heap_at_address_zero(void** state)
{
    struct fixture* f = *state;
    assert_create_rejected(f, NULL, (void*)(uintptr_t)(TEST_BLOCKS * BLOCK), TEST_BLOCKS);
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

/*
 * The table, not the index, decides what may be handed out: with entries
 * taken behind the index's back (a damaged index that still calls them
 * free), heap_malloc refuses the run the index offers rather than hand out
 * a taken block, and heap_reserve refuses the range; neither writes.
 */
static void heap_malloc_and_reserve_never_take_a_block_the_table_calls_taken(void** state)
{
    struct fixture* f = *state;
    f->bytes.entries[0] = SINGLE;
    f->bytes.entries[5] = SINGLE;
    struct snapshot before = take_snapshot(f);

    assert_null(alloc_blocks(f, 1));                 /* the index offers block 0 */
    assert_null(alloc_blocks(f, 8));                 /* the index offers blocks 0 to 7 */
    assert_int_equal(heap_reserve(&f->heap, block(f, 4), block(f, 7)), -EINVARG);
    assert_unchanged(f, &before);
}

/*
 * A taken entry in the middle or at the end of the run the index offers:
 * the entries written before it are given back, so the table, the index
 * and the counter are byte for byte as they were.
 */
static void heap_malloc_gives_back_a_partly_written_run(void** state)
{
    struct fixture* f = *state;
    f->bytes.entries[3] = SINGLE;                    /* the index still calls it free */
    struct snapshot before = take_snapshot(f);
    assert_null(alloc_blocks(f, 8));                 /* blocks 0 to 2 written, then given back */
    assert_unchanged(f, &before);

    f->bytes.entries[3] = FREE;
    f->bytes.entries[TEST_BLOCKS - 1] = SINGLE;
    before = take_snapshot(f);
    assert_null(alloc_blocks(f, TEST_BLOCKS));       /* all but the last written, then given back */
    assert_unchanged(f, &before);

    f->bytes.entries[TEST_BLOCKS - 1] = FREE;
    assert_ptr_equal(alloc_blocks(f, TEST_BLOCKS), block(f, 0));
    assert_int_equal(heap_check(&f->heap), 0);
}

/* ---- heap_check ---- */

/*
 * Replace the table with entries (the rest free), set the counter to the
 * taken count and rebuild the index from the table, so that what heap_check
 * finds wrong is in the table alone.
 */
static void craft_table(struct fixture* f, const unsigned char* entries, size_t n, size_t taken)
{
    memset(f->bytes.entries, FREE, sizeof(f->bytes.entries));
    memcpy(f->bytes.entries, entries, n);
    f->heap.blocks_taken = taken;
    heap_index_build(&f->table);
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

static void heap_check_detects_free_map_bit_that_disagrees(void** state)
{
    struct fixture* f = *state;
    alloc_blocks(f, 2);                      /* blocks 0-1 taken, 2.. free */
    assert_int_equal(heap_check(&f->heap), 0);

    f->bytes.free_map[0] ^= (uint64_t)1 << 1;   /* a taken block said free */
    assert_int_equal(heap_check(&f->heap), -EIO);
    f->bytes.free_map[0] ^= (uint64_t)1 << 1;
    assert_int_equal(heap_check(&f->heap), 0);

    f->bytes.free_map[0] ^= (uint64_t)1 << 5;   /* a free block said taken */
    assert_int_equal(heap_check(&f->heap), -EIO);
}

/* The summary after the bitmap: one bit per word, set while the word has a free block. */
static void heap_check_detects_summary_bit_that_disagrees(void** state)
{
    struct fixture* f = *state;
    uint64_t* summary = &f->bytes.free_map[HEAP_INDEX_BITMAP_WORDS(TEST_BLOCKS)];
    assert_int_equal(*summary, 1);           /* one word, with free blocks */

    *summary = 0;
    assert_int_equal(heap_check(&f->heap), -EIO);
    *summary = 1 | (uint64_t)1 << 1;          /* a word past the bitmap's end */
    assert_int_equal(heap_check(&f->heap), -EIO);
    *summary = 1;
    assert_int_equal(heap_check(&f->heap), 0);

    assert_non_null(alloc_blocks(f, TEST_BLOCKS));
    assert_int_equal(*summary, 0);           /* full: the word has no free block */
    assert_int_equal(heap_check(&f->heap), 0);
}

/* Bits past the table's end stand for blocks that do not exist: they must read taken. */
static void heap_check_detects_free_map_bit_past_table_end(void** state)
{
    struct fixture* f = *state;
    f->bytes.free_map[0] |= (uint64_t)1 << TEST_BLOCKS;
    assert_int_equal(heap_check(&f->heap), -EIO);
    f->bytes.free_map[0] &= ~((uint64_t)1 << TEST_BLOCKS);
    f->bytes.free_map[0] |= (uint64_t)1 << 63;
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

/* ---- larger heaps: the index across many words ---- */

/*
 * A heap of any size over an address range that is never touched (the
 * heap computes addresses only), with its table and index on the C heap.
 */
struct sized_heap
{
    struct heap heap;
    struct heap_table table;
    uintptr_t start;
};

#define SIZED_HEAP_START ((uintptr_t)0x10000000)

static void sized_heap_create(struct sized_heap* h, size_t total)
{
    h->start = SIZED_HEAP_START;
    h->table.total = total;
    h->table.entries = malloc(total);
    h->table.free_map = calloc(HEAP_INDEX_WORDS(total), sizeof(uint64_t));
    h->table.run_prefix = calloc(HEAP_INDEX_BITMAP_WORDS(total), sizeof(int16_t));
    h->table.run_suffix = calloc(HEAP_INDEX_BITMAP_WORDS(total), sizeof(uint16_t));
    h->table.run_longest = calloc(HEAP_INDEX_BITMAP_WORDS(total), sizeof(int32_t));
    h->table.run_fits = calloc(HEAP_INDEX_FITS_BYTES(total), sizeof(int8_t));
    assert_non_null(h->table.entries);
    assert_non_null(h->table.free_map);
    assert_non_null(h->table.run_prefix);
    assert_non_null(h->table.run_suffix);
    assert_non_null(h->table.run_longest);
    assert_non_null(h->table.run_fits);
    assert_int_equal(heap_create(&h->heap, (void*)h->start, (void*)(h->start + total * BLOCK), &h->table), 0);
}

static void sized_heap_destroy(struct sized_heap* h)
{
    free(h->table.entries);
    free(h->table.free_map);
    free(h->table.run_prefix);
    free(h->table.run_suffix);
    free(h->table.run_longest);
    free(h->table.run_fits);
}

static void* sized_block(const struct sized_heap* h, size_t index)
{
    return (void*)(h->start + index * BLOCK);
}

static size_t sized_index(const struct sized_heap* h, const void* ptr)
{
    return ((uintptr_t)ptr - h->start) / BLOCK;
}

/* Copies of everything a rejected call must leave alone. */
struct sized_snapshot
{
    HEAP_BLOCK_TABLE_ENTRY* entries;
    uint64_t* free_map;
    int16_t* run_prefix;
    uint16_t* run_suffix;
    int32_t* run_longest;
    int8_t* run_fits;
    struct heap heap;
};

/* The sizes of a sized heap's arrays, in bytes. */
#define MAP_SIZE(total) (HEAP_INDEX_WORDS(total) * sizeof(uint64_t))
#define PREFIX_SIZE(total) (HEAP_INDEX_BITMAP_WORDS(total) * sizeof(int16_t))
#define SUFFIX_SIZE(total) (HEAP_INDEX_BITMAP_WORDS(total) * sizeof(uint16_t))
#define LONGEST_SIZE(total) (HEAP_INDEX_BITMAP_WORDS(total) * sizeof(int32_t))
#define FITS_SIZE(total) (HEAP_INDEX_FITS_BYTES(total) * sizeof(int8_t))

static void* copy_of(const void* bytes, size_t size)
{
    void* copy = malloc(size);
    assert_non_null(copy);
    memcpy(copy, bytes, size);
    return copy;
}

static struct sized_snapshot sized_snapshot_take(const struct sized_heap* h)
{
    size_t total = h->table.total;
    return (struct sized_snapshot){
        .entries = copy_of(h->table.entries, total),
        .free_map = copy_of(h->table.free_map, MAP_SIZE(total)),
        .run_prefix = copy_of(h->table.run_prefix, PREFIX_SIZE(total)),
        .run_suffix = copy_of(h->table.run_suffix, SUFFIX_SIZE(total)),
        .run_longest = copy_of(h->table.run_longest, LONGEST_SIZE(total)),
        .run_fits = copy_of(h->table.run_fits, FITS_SIZE(total)),
        .heap = h->heap,
    };
}

static void sized_snapshot_assert_unchanged_and_free(const struct sized_heap* h, struct sized_snapshot* s)
{
    size_t total = h->table.total;
    assert_memory_equal(h->table.entries, s->entries, total);
    assert_memory_equal(h->table.free_map, s->free_map, MAP_SIZE(total));
    assert_memory_equal(h->table.run_prefix, s->run_prefix, PREFIX_SIZE(total));
    assert_memory_equal(h->table.run_suffix, s->run_suffix, SUFFIX_SIZE(total));
    assert_memory_equal(h->table.run_longest, s->run_longest, LONGEST_SIZE(total));
    assert_memory_equal(h->table.run_fits, s->run_fits, FITS_SIZE(total));
    assert_int_equal(h->heap.blocks_taken, s->heap.blocks_taken);
    free(s->entries);
    free(s->free_map);
    free(s->run_prefix);
    free(s->run_suffix);
    free(s->run_longest);
    free(s->run_fits);
}

static uint64_t next_random(uint64_t* state)
{
    /* xorshift64: a seeded, repeatable sequence. */
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Request sizes in blocks: about 60% one block, 25% 2-4, 12% 5-32, 3% 33-256. */
static size_t mixed_blocks(uint64_t* random)
{
    uint64_t r = next_random(random);
    unsigned percent = (unsigned)(r % 100);
    r /= 100;
    if (percent < 60)
        return 1;
    if (percent < 85)
        return 2 + r % 3;
    if (percent < 97)
        return 5 + r % 28;
    return 33 + r % 224;
}

/* The plain leftmost-fit model: a list of live runs and one bool per block. */
struct model
{
    bool* taken;
    size_t total;
    size_t* live_first;
    size_t* live_blocks;
    size_t live;
};

static bool model_leftmost_fit(const struct model* m, size_t blocks, size_t* first)
{
    size_t run = 0;
    for (size_t i = 0; i < m->total; i++) {
        run = m->taken[i] ? 0 : run + 1;
        if (run == blocks) {
            *first = i + 1 - blocks;
            return true;
        }
    }
    return false;
}

static void model_set(struct model* m, size_t first, size_t blocks, bool taken)
{
    for (size_t i = first; i < first + blocks; i++)
        m->taken[i] = taken;
}

/*
 * Seeded random malloc and free of mixed sizes, in phases that fill the
 * heap and phases that drain it, each result compared with the model and
 * heap_check clean after every step.
 */
static void run_differential(size_t total, size_t steps, uint64_t seed)
{
    struct sized_heap h;
    struct model m = {.total = total};
    uint64_t random = seed;

    sized_heap_create(&h, total);
    m.taken = calloc(total, sizeof(bool));
    m.live_first = calloc(total, sizeof(size_t));
    m.live_blocks = calloc(total, sizeof(size_t));
    assert_non_null(m.taken);
    assert_non_null(m.live_first);
    assert_non_null(m.live_blocks);

    for (size_t step = 0; step < steps; step++) {
        bool filling = step / 500 % 2 == 0;
        uint64_t r = next_random(&random);
        bool do_malloc = m.live == 0 || r % 100 < (filling ? 70u : 30u);
        if (do_malloc) {
            size_t blocks = r % 1000 == 0 ? total + 1 + r % 3 : mixed_blocks(&random);
            /* Any byte count that rounds up to 'blocks'. */
            size_t size = (blocks - 1) * BLOCK + 1 + next_random(&random) % BLOCK;
            size_t first = 0;
            bool fits = model_leftmost_fit(&m, blocks, &first);
            void* ptr = heap_malloc(&h.heap, size);
            if (!fits) {
                assert_null(ptr);
            } else {
                assert_ptr_equal(ptr, sized_block(&h, first));
                model_set(&m, first, blocks, true);
                m.live_first[m.live] = first;
                m.live_blocks[m.live++] = blocks;
            }
        } else {
            size_t victim = (size_t)(r >> 8) % m.live;
            assert_int_equal(heap_free(&h.heap, sized_block(&h, m.live_first[victim])), 0);
            model_set(&m, m.live_first[victim], m.live_blocks[victim], false);
            m.live--;
            m.live_first[victim] = m.live_first[m.live];
            m.live_blocks[victim] = m.live_blocks[m.live];
        }
        assert_int_equal(heap_check(&h.heap), 0);
    }

    size_t in_use = 0;
    for (size_t i = 0; i < m.live; i++) {
        in_use += m.live_blocks[i];
        assert_int_equal(heap_allocation_blocks(&h.heap, sized_block(&h, m.live_first[i])), m.live_blocks[i]);
    }
    assert_int_equal(heap_blocks_in_use(&h.heap), in_use);
    free(m.taken);
    free(m.live_first);
    free(m.live_blocks);
    sized_heap_destroy(&h);
}

/* Sizes below one word, of exactly one, not a multiple of 64, and the kernel heap's. */
static void heap_malloc_matches_leftmost_fit_model_on_many_heap_sizes(void** state)
{
    (void)state;
    run_differential(16, 8000, 0x5EED0001);
    run_differential(64, 8000, 0x5EED0002);
    run_differential(100, 8000, 0x5EED0003);
    run_differential(200, 8000, 0x5EED0004);
    run_differential(1000, 8000, 0x5EED0005);
    run_differential(6400, 8000, 0x5EED0006);
    run_differential(25600, 8000, 0x5EED0007);
}

/* Runs that cross a word boundary: 60-69 across words 0 and 1, 120-139 across words 1 and 2. */
static void heap_malloc_finds_runs_that_cross_words(void** state)
{
    (void)state;
    struct sized_heap h;
    sized_heap_create(&h, 256);

    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 0), sized_block(&h, 60)), 0);
    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 70), sized_block(&h, 120)), 0);
    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 140), sized_block(&h, 256)), 0);
    /* Free: 60-69 and 120-139. */
    assert_ptr_equal(heap_malloc(&h.heap, 10 * BLOCK), sized_block(&h, 60));
    assert_ptr_equal(heap_malloc(&h.heap, 11 * BLOCK), sized_block(&h, 120));
    assert_ptr_equal(heap_malloc(&h.heap, 9 * BLOCK), sized_block(&h, 131));
    assert_null(heap_malloc(&h.heap, 1));
    assert_int_equal(heap_check(&h.heap), 0);

    assert_int_equal(heap_free(&h.heap, sized_block(&h, 140)), 0);
    assert_ptr_equal(heap_malloc(&h.heap, 116 * BLOCK), sized_block(&h, 140));
    assert_int_equal(heap_check(&h.heap), 0);
    sized_heap_destroy(&h);
}

/*
 * A free stretch that begins in a word's suffix and covers the next word
 * whole: every request it can hold starts at the stretch's start, not at
 * the free word (whose fits byte counts the run from its own start too).
 * Free: 50-149, across words 0, 1 and 2.
 */
static void heap_malloc_starts_a_run_where_the_free_stretch_begins(void** state)
{
    (void)state;
    static const size_t requests[] = {2, 14, 15, 64, 65, 78, 79, 100};
    struct sized_heap h;
    sized_heap_create(&h, 320);

    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 0), sized_block(&h, 50)), 0);
    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 150), sized_block(&h, 320)), 0);
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        void* ptr = heap_malloc(&h.heap, requests[i] * BLOCK);
        assert_ptr_equal(ptr, sized_block(&h, 50));
        assert_int_equal(heap_check(&h.heap), 0);
        assert_int_equal(heap_free(&h.heap, ptr), 0);
        assert_int_equal(heap_check(&h.heap), 0);
    }
    assert_null(heap_malloc(&h.heap, 101 * BLOCK));
    sized_heap_destroy(&h);
}

/*
 * Lone free blocks (both neighbours taken) serve one-block requests only;
 * a two-block request passes them, but not a pair split across two words.
 */
static void heap_malloc_passes_lone_blocks_but_finds_pairs_across_words(void** state)
{
    (void)state;
    struct sized_heap h;
    sized_heap_create(&h, 200);
    /* Every block its own allocation, but for 10, 20, 62 (lone), 127-128 and 190-191. */
    for (size_t i = 0; i < 200; i++) {
        bool stays_free = i == 10 || i == 20 || i == 62 || i == 127 || i == 128 || i == 190 || i == 191;
        if (!stays_free)
            assert_int_equal(heap_reserve(&h.heap, sized_block(&h, i), sized_block(&h, i + 1)), 0);
    }
    assert_int_equal(heap_check(&h.heap), 0);

    /* 127-128 is a pair split between words 1 and 2, and between the root's halves. */
    assert_ptr_equal(heap_malloc(&h.heap, 2 * BLOCK), sized_block(&h, 127));
    assert_ptr_equal(heap_malloc(&h.heap, 2 * BLOCK), sized_block(&h, 190));
    assert_null(heap_malloc(&h.heap, 2 * BLOCK));
    assert_ptr_equal(heap_malloc(&h.heap, BLOCK), sized_block(&h, 10));

    assert_int_equal(heap_free(&h.heap, sized_block(&h, 21)), 0);   /* 20-21: a pair again */
    assert_ptr_equal(heap_malloc(&h.heap, 2 * BLOCK), sized_block(&h, 20));
    assert_ptr_equal(heap_malloc(&h.heap, BLOCK), sized_block(&h, 62));
    assert_null(heap_malloc(&h.heap, BLOCK));
    assert_int_equal(heap_check(&h.heap), 0);
    sized_heap_destroy(&h);
}

/* Freeing a run hundreds of words long leaves an index that finds the whole heap again. */
static void heap_free_of_whole_heap_restores_index(void** state)
{
    (void)state;
    struct sized_heap h;
    sized_heap_create(&h, 25600);

    assert_ptr_equal(heap_malloc(&h.heap, 3 * BLOCK), sized_block(&h, 0));
    void* big = heap_malloc(&h.heap, (25600 - 3) * BLOCK);
    assert_ptr_equal(big, sized_block(&h, 3));
    assert_int_equal(heap_check(&h.heap), 0);
    assert_int_equal(heap_free(&h.heap, sized_block(&h, 0)), 0);
    assert_int_equal(heap_free(&h.heap, big), 0);
    assert_int_equal(heap_check(&h.heap), 0);
    assert_ptr_equal(heap_malloc(&h.heap, 25600 * BLOCK), sized_block(&h, 0));
    sized_heap_destroy(&h);
}

/* Reserved ranges that start and end inside words are taken in the index too, and freed from it. */
static void heap_reserve_keeps_index_right(void** state)
{
    (void)state;
    struct sized_heap h;
    sized_heap_create(&h, 300);   /* 5 words, 8 leaves: 3 of them padding */

    char* start = (char*)sized_block(&h, 62) + 5;
    assert_int_equal(heap_reserve(&h.heap, start, (char*)sized_block(&h, 130) + 1), 0);  /* 62-130 */
    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 290), sized_block(&h, 300)), 0);
    assert_int_equal(heap_check(&h.heap), 0);
    assert_int_equal(h.table.free_map[0], ~((uint64_t)3 << 62));
    assert_int_equal(h.table.free_map[1], 0);
    assert_int_equal(h.table.free_map[2], ~(uint64_t)7);

    assert_ptr_equal(heap_malloc(&h.heap, 62 * BLOCK), sized_block(&h, 0));
    assert_ptr_equal(heap_malloc(&h.heap, 159 * BLOCK), sized_block(&h, 131));
    assert_null(heap_malloc(&h.heap, 1));

    /* A rejected reservation over a taken block changes nothing. */
    assert_int_equal(heap_free(&h.heap, sized_block(&h, 0)), 0);
    struct sized_snapshot before = sized_snapshot_take(&h);
    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 10), sized_block(&h, 63)), -EINVARG);
    sized_snapshot_assert_unchanged_and_free(&h, &before);

    assert_int_equal(heap_free(&h.heap, sized_block(&h, 62)), 0);
    assert_ptr_equal(heap_malloc(&h.heap, 131 * BLOCK), sized_block(&h, 0));
    assert_int_equal(heap_check(&h.heap), 0);
    sized_heap_destroy(&h);
}

/* Interior, unaligned, double and outside frees leave table and index byte for byte as they were. */
static void heap_free_rejected_leaves_table_and_index_identical(void** state)
{
    (void)state;
    struct sized_heap h;
    sized_heap_create(&h, 1000);
    void* a = heap_malloc(&h.heap, 100 * BLOCK);
    void* b = heap_malloc(&h.heap, 3 * BLOCK);
    heap_malloc(&h.heap, 200 * BLOCK);
    assert_int_equal(heap_free(&h.heap, b), 0);

    void* bad[] = {
        sized_block(&h, sized_index(&h, a) + 64), (char*)a + 1, b, sized_block(&h, 999),
        sized_block(&h, 1000), (void*)(h.start - BLOCK), sized_block(&h, 104),
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct sized_snapshot before = sized_snapshot_take(&h);
        assert_int_equal(heap_free(&h.heap, bad[i]), -EINVARG);
        sized_snapshot_assert_unchanged_and_free(&h, &before);
    }
    assert_int_equal(heap_check(&h.heap), 0);
    sized_heap_destroy(&h);
}

/* Element i of h's run array, made wrong and put back: heap_check must notice it. */
#define ASSERT_RUN_CHECKED(h, array, i)                  \
    do {                                                 \
        (h)->table.array[i]++;                           \
        assert_int_equal(heap_check(&(h)->heap), -EIO);  \
        (h)->table.array[i]--;                           \
    } while (0)

/* Every element of the four run arrays, the fits padding past the last word included, is checked. */
static void heap_check_detects_run_byte_that_disagrees(void** state)
{
    (void)state;
    struct sized_heap h;
    sized_heap_create(&h, 300);   /* 5 words, 3 bytes of fits padding */
    heap_malloc(&h.heap, 70 * BLOCK);
    void* hole = heap_malloc(&h.heap, 5 * BLOCK);
    heap_malloc(&h.heap, 100 * BLOCK);
    heap_free(&h.heap, hole);
    assert_int_equal(heap_check(&h.heap), 0);

    for (size_t i = 0; i < HEAP_INDEX_BITMAP_WORDS(300); i++) {
        ASSERT_RUN_CHECKED(&h, run_prefix, i);
        ASSERT_RUN_CHECKED(&h, run_suffix, i);
        ASSERT_RUN_CHECKED(&h, run_longest, i);
    }
    for (size_t i = 0; i < HEAP_INDEX_FITS_BYTES(300); i++)
        ASSERT_RUN_CHECKED(&h, run_fits, i);
    assert_int_equal(heap_check(&h.heap), 0);
    sized_heap_destroy(&h);
}

/*
 * Counts far outside 0 to 64, which the run arrays' types allow in a
 * damaged index: every search stays inside the table, hands out only
 * blocks the table calls free, and fits_of still writes fits bytes of 0
 * to 127 (first_word_fitting compares eight at once only such bytes).
 */
static void heap_malloc_survives_run_counts_out_of_range(void** state)
{
    (void)state;
    static const size_t sizes[] = {2, 3, 63, 64, 65, 128, 129, 200, 299, 300};
    struct sized_heap h;
    sized_heap_create(&h, 300);   /* 5 words */
    assert_non_null(heap_malloc(&h.heap, BLOCK));   /* block 0 taken: a run offered at the front is wrong */
    for (size_t w = 0; w < HEAP_INDEX_BITMAP_WORDS(300); w++) {
        h.table.run_prefix[w] = w % 2 ? INT16_MIN : INT16_MAX;
        h.table.run_suffix[w] = UINT16_MAX;
        h.table.run_longest[w] = w % 2 ? INT32_MAX : INT32_MIN;
    }
    assert_int_equal(heap_check(&h.heap), -EIO);

    size_t handed_out = 0;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char before[300];
        memcpy(before, h.table.entries, sizeof(before));
        char* p = heap_malloc(&h.heap, sizes[i] * BLOCK);
        if (p == NULL)
            continue;
        size_t first = sized_index(&h, p);
        assert_true(first + sizes[i] <= 300);
        handed_out++;
        for (size_t b = first; b < first + sizes[i]; b++) {
            assert_int_equal(before[b], FREE);
            assert_int_not_equal(h.table.entries[b], FREE);
        }
        for (size_t j = 0; j < HEAP_INDEX_FITS_BYTES(300); j++)
            assert_in_range(h.table.run_fits[j], 0, 127);
    }
    assert_true(handed_out > 0);   /* the map still finds runs: the test is not vacuous */
    sized_heap_destroy(&h);
}

/*
 * Runs longer than a word: each starts in a word's suffix. A candidate
 * too short is passed over with the words it covers; a run of whole free
 * words is measured from the word where it starts, not from one inside it.
 */
static void heap_malloc_finds_runs_longer_than_a_word(void** state)
{
    (void)state;
    struct sized_heap h;
    sized_heap_create(&h, 2048);   /* 32 words */

    /* Free runs of 100 blocks with one taken block between them: 0-99, 101-200, ... */
    for (size_t taken = 100; taken < 2048; taken += 101)
        assert_int_equal(heap_reserve(&h.heap, sized_block(&h, taken), sized_block(&h, taken + 1)), 0);
    assert_null(heap_malloc(&h.heap, 101 * BLOCK));
    assert_ptr_equal(heap_malloc(&h.heap, 100 * BLOCK), sized_block(&h, 0));
    assert_ptr_equal(heap_malloc(&h.heap, 65 * BLOCK), sized_block(&h, 101));
    assert_ptr_equal(heap_malloc(&h.heap, 99 * BLOCK), sized_block(&h, 202));
    assert_int_equal(heap_check(&h.heap), 0);

    sized_heap_destroy(&h);

    /* Free: 303-510 (208), words 8-15 whole (512-1023) behind taken block 511, and 1025-2047. */
    sized_heap_create(&h, 2048);
    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 0), sized_block(&h, 303)), 0);
    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 511), sized_block(&h, 512)), 0);
    assert_int_equal(heap_reserve(&h.heap, sized_block(&h, 1024), sized_block(&h, 1025)), 0);
    assert_ptr_equal(heap_malloc(&h.heap, 300 * BLOCK), sized_block(&h, 512));
    assert_ptr_equal(heap_malloc(&h.heap, 200 * BLOCK), sized_block(&h, 303));
    assert_ptr_equal(heap_malloc(&h.heap, 1023 * BLOCK), sized_block(&h, 1025));
    assert_null(heap_malloc(&h.heap, 213 * BLOCK));
    assert_ptr_equal(heap_malloc(&h.heap, 212 * BLOCK), sized_block(&h, 812));
    assert_int_equal(heap_check(&h.heap), 0);
    sized_heap_destroy(&h);
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
        HEAP_TEST(heap_create_rejects_table_without_index),
        HEAP_TEST(heap_create_rejects_heap_at_address_zero),
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
        HEAP_TEST(heap_malloc_and_reserve_never_take_a_block_the_table_calls_taken),
        HEAP_TEST(heap_malloc_gives_back_a_partly_written_run),
        HEAP_TEST(heap_check_passes_on_valid_tables),
        HEAP_TEST(heap_check_detects_flags_on_free_entry),
        HEAP_TEST(heap_check_detects_unknown_type),
        HEAP_TEST(heap_check_detects_unknown_flag),
        HEAP_TEST(heap_check_detects_run_without_first_block),
        HEAP_TEST(heap_check_detects_first_block_inside_run),
        HEAP_TEST(heap_check_detects_run_cut_by_free_block),
        HEAP_TEST(heap_check_detects_run_chained_past_table_end),
        HEAP_TEST(heap_check_detects_counter_mismatch),
        HEAP_TEST(heap_check_detects_free_map_bit_that_disagrees),
        HEAP_TEST(heap_check_detects_free_map_bit_past_table_end),
        HEAP_TEST(heap_check_detects_summary_bit_that_disagrees),
        HEAP_TEST(heap_usage_map_of_empty_heap_is_all_free),
        HEAP_TEST(heap_usage_map_of_full_heap_is_all_taken),
        HEAP_TEST(heap_usage_map_marks_partly_taken_share_with_plus),
        HEAP_TEST(heap_usage_map_with_one_block_per_character_mirrors_table),
        HEAP_TEST(heap_usage_map_of_width_one_sums_up_whole_heap),
        HEAP_TEST(heap_usage_map_wider_than_heap_draws_one_character_per_block),
        HEAP_TEST(heap_usage_map_with_width_not_dividing_total_rounds_share_up),
        HEAP_TEST(heap_recovers_after_exhaustion),
        HEAP_TEST(heap_malloc_matches_leftmost_fit_model_on_many_heap_sizes),
        HEAP_TEST(heap_malloc_finds_runs_that_cross_words),
        HEAP_TEST(heap_malloc_starts_a_run_where_the_free_stretch_begins),
        HEAP_TEST(heap_malloc_finds_runs_longer_than_a_word),
        HEAP_TEST(heap_malloc_passes_lone_blocks_but_finds_pairs_across_words),
        HEAP_TEST(heap_free_of_whole_heap_restores_index),
        HEAP_TEST(heap_reserve_keeps_index_right),
        HEAP_TEST(heap_free_rejected_leaves_table_and_index_identical),
        HEAP_TEST(heap_check_detects_run_byte_that_disagrees),
        HEAP_TEST(heap_malloc_survives_run_counts_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
