// sources: src/memory/heap/heap.c src/memory/heap/heap_index.c
/*
 * libFuzzer target for the block-table heap (src/memory/heap/heap.c).
 *
 * The input is a program of 3-byte steps (operation, a, b) run against a
 * 200-block heap: four words of the free index, three of them whole, so
 * runs cross words and runs of whole words form. Beside the heap
 * the target keeps its own model: which blocks each live allocation covers.
 * After every step it demands that the heap agrees with the model exactly:
 * same placement (leftmost fit), same table bytes, same counts,
 * heap_check() clean (the index included), and guard bytes around the
 * table and the index untouched. A rejected call must change nothing at
 * all, in the table or in the index.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "memory/heap/heap.h"
#include "status.h"

#define BLOCK VANA_HEAP_BLOCK_SIZE
#define FUZZ_BLOCKS 200
#define FUZZ_WORDS HEAP_INDEX_WORDS(FUZZ_BLOCKS)
#define FUZZ_RUN_WORDS HEAP_INDEX_BITMAP_WORDS(FUZZ_BLOCKS)
#define FUZZ_FITS_BYTES HEAP_INDEX_FITS_BYTES(FUZZ_BLOCKS)
#define GUARD_BYTES 32
#define GUARD 0x5C

/* The heap under test: the table and its index between guards, over a real arena. */
static struct
{
    unsigned char before[GUARD_BYTES];
    HEAP_BLOCK_TABLE_ENTRY entries[FUZZ_BLOCKS];
    unsigned char after[GUARD_BYTES];
    uint64_t free_map[FUZZ_WORDS];
    unsigned char after_map[GUARD_BYTES];
    int16_t run_prefix[FUZZ_RUN_WORDS];
    unsigned char after_prefix[GUARD_BYTES];
    uint16_t run_suffix[FUZZ_RUN_WORDS];
    unsigned char after_suffix[GUARD_BYTES];
    int32_t run_longest[FUZZ_RUN_WORDS];
    unsigned char after_longest[GUARD_BYTES];
    int8_t run_fits[FUZZ_FITS_BYTES];
    unsigned char after_fits[GUARD_BYTES];
} table_bytes;
static _Alignas(BLOCK) unsigned char arena[FUZZ_BLOCKS * BLOCK];
static struct heap_table table;
static struct heap heap;

/* The model: live allocations as block ranges, and which blocks they cover. */
struct allocation
{
    size_t first;
    size_t blocks;
};
static struct allocation live[FUZZ_BLOCKS];
static size_t live_count;
static bool taken[FUZZ_BLOCKS];

#define CHECK(condition)                                                          \
    do {                                                                          \
        if (!(condition)) {                                                       \
            fprintf(stderr, "heap_fuzz: %s:%d: %s\n", __FILE__, __LINE__, #condition); \
            abort();                                                              \
        }                                                                         \
    } while (0)

static uintptr_t heap_start(void)
{
    return (uintptr_t)arena;
}

static uintptr_t heap_end(void)
{
    return (uintptr_t)arena + sizeof(arena);
}

static void reset(void)
{
    memset(&table_bytes, GUARD, sizeof(table_bytes));
    table.entries = table_bytes.entries;
    table.total = FUZZ_BLOCKS;
    table.free_map = table_bytes.free_map;
    table.run_prefix = table_bytes.run_prefix;
    table.run_suffix = table_bytes.run_suffix;
    table.run_longest = table_bytes.run_longest;
    table.run_fits = table_bytes.run_fits;
    CHECK(heap_create(&heap, arena, arena + sizeof(arena), &table) == 0);
    memset(taken, 0, sizeof(taken));
    live_count = 0;
}

static void model_take(size_t first, size_t blocks)
{
    for (size_t i = 0; i < live_count; i++)   /* no two live allocations overlap */
        CHECK(first + blocks <= live[i].first || live[i].first + live[i].blocks <= first);
    for (size_t i = first; i < first + blocks; i++)
        taken[i] = true;
    live[live_count++] = (struct allocation){first, blocks};
}

static void model_release(size_t index)
{
    for (size_t i = live[index].first; i < live[index].first + live[index].blocks; i++)
        taken[i] = false;
    live[index] = live[--live_count];
}

/* The model's index of the allocation that starts at address, or -1. */
static long model_find(uintptr_t address)
{
    for (size_t i = 0; i < live_count; i++) {
        if (heap_start() + live[i].first * BLOCK == address)
            return (long)i;
    }
    return -1;
}

/* Leftmost run of blocks free blocks in the model; false when there is none. */
static bool model_leftmost_fit(size_t blocks, size_t* first)
{
    size_t run = 0;
    for (size_t i = 0; i < FUZZ_BLOCKS; i++) {
        run = taken[i] ? 0 : run + 1;
        if (blocks > 0 && run == blocks) {
            *first = i + 1 - blocks;
            return true;
        }
    }
    return false;
}

/* The table the model implies, with the IS_FIRST / HAS_NEXT encoding. */
static void model_table(HEAP_BLOCK_TABLE_ENTRY* expect)
{
    memset(expect, HEAP_BLOCK_TABLE_ENTRY_FREE, FUZZ_BLOCKS);
    for (size_t a = 0; a < live_count; a++) {
        size_t last = live[a].first + live[a].blocks - 1;
        for (size_t i = live[a].first; i <= last; i++) {
            expect[i] = HEAP_BLOCK_TABLE_ENTRY_TAKEN;
            if (i == live[a].first)
                expect[i] |= HEAP_BLOCK_IS_FIRST;
            if (i != last)
                expect[i] |= HEAP_BLOCK_HAS_NEXT;
        }
    }
}

static void check_heap_matches_model(void)
{
    HEAP_BLOCK_TABLE_ENTRY expect[FUZZ_BLOCKS];
    model_table(expect);
    CHECK(memcmp(expect, table_bytes.entries, FUZZ_BLOCKS) == 0);
    CHECK(heap_check(&heap) == 0);

    size_t in_use = 0;
    for (size_t i = 0; i < live_count; i++) {
        in_use += live[i].blocks;
        CHECK(heap_allocation_blocks(&heap, arena + live[i].first * BLOCK) == live[i].blocks);
    }
    CHECK(heap_blocks_in_use(&heap) == in_use);
    for (size_t i = 0; i < GUARD_BYTES; i++) {
        CHECK(table_bytes.before[i] == GUARD && table_bytes.after[i] == GUARD);
        CHECK(table_bytes.after_map[i] == GUARD);
        CHECK(table_bytes.after_prefix[i] == GUARD && table_bytes.after_suffix[i] == GUARD);
        CHECK(table_bytes.after_longest[i] == GUARD && table_bytes.after_fits[i] == GUARD);
    }
}

/* Everything a rejected call must leave as it was: the table and its index. */
struct snapshot
{
    HEAP_BLOCK_TABLE_ENTRY entries[FUZZ_BLOCKS];
    uint64_t free_map[FUZZ_WORDS];
    int16_t run_prefix[FUZZ_RUN_WORDS];
    uint16_t run_suffix[FUZZ_RUN_WORDS];
    int32_t run_longest[FUZZ_RUN_WORDS];
    int8_t run_fits[FUZZ_FITS_BYTES];
};

static void take_snapshot(struct snapshot* s)
{
    memcpy(s->entries, table_bytes.entries, sizeof(s->entries));
    memcpy(s->free_map, table_bytes.free_map, sizeof(s->free_map));
    memcpy(s->run_prefix, table_bytes.run_prefix, sizeof(s->run_prefix));
    memcpy(s->run_suffix, table_bytes.run_suffix, sizeof(s->run_suffix));
    memcpy(s->run_longest, table_bytes.run_longest, sizeof(s->run_longest));
    memcpy(s->run_fits, table_bytes.run_fits, sizeof(s->run_fits));
}

static bool unchanged_since(const struct snapshot* s)
{
    return memcmp(s->entries, table_bytes.entries, sizeof(s->entries)) == 0 &&
           memcmp(s->free_map, table_bytes.free_map, sizeof(s->free_map)) == 0 &&
           memcmp(s->run_prefix, table_bytes.run_prefix, sizeof(s->run_prefix)) == 0 &&
           memcmp(s->run_suffix, table_bytes.run_suffix, sizeof(s->run_suffix)) == 0 &&
           memcmp(s->run_longest, table_bytes.run_longest, sizeof(s->run_longest)) == 0 &&
           memcmp(s->run_fits, table_bytes.run_fits, sizeof(s->run_fits)) == 0;
}

/*
 * Sizes from a and b: mostly 0..18 blocks give or take a few bytes, some
 * 19..205 blocks (runs over several words, some longer than the heap),
 * a few near SIZE_MAX.
 */
static size_t size_from(uint8_t a, uint8_t b)
{
    if (a >= 250)
        return SIZE_MAX - (size_t)b * 61;
    size_t size = (size_t)(a < 190 ? a % 19 : 19 + (a - 190) * 3 + b % 7) * BLOCK;
    if (b & 0x80)
        return size + (b & 0x7F);
    return size >= (size_t)b ? size - b : size;
}

static void step_malloc(uint8_t a, uint8_t b)
{
    size_t size = size_from(a, b);
    size_t blocks = size / BLOCK + (size % BLOCK != 0);
    size_t first = 0;
    bool fits = model_leftmost_fit(blocks, &first);

    void* ptr = heap_malloc(&heap, size);
    if (!fits) {
        CHECK(ptr == NULL);
        return;
    }
    CHECK(ptr == arena + first * BLOCK);
    model_take(first, blocks);
}

static void step_free_live(uint8_t a)
{
    if (live_count == 0) {
        CHECK(heap_free(&heap, NULL) == 0);
        return;
    }
    size_t index = a % live_count;
    CHECK(heap_free(&heap, arena + live[index].first * BLOCK) == 0);
    model_release(index);
}

/* An address anywhere from two blocks below the heap to two blocks above, at 64-byte steps. */
static uintptr_t address_from(uint8_t a, uint8_t b)
{
    uintptr_t offset = ((uintptr_t)a << 8 | b) % ((FUZZ_BLOCKS + 4) * (BLOCK / 64)) * 64;
    return heap_start() - 2 * BLOCK + offset;
}

static void step_free_any(uint8_t a, uint8_t b)
{
    uintptr_t address = address_from(a, b);
    long index = model_find(address);
    static struct snapshot before;
    take_snapshot(&before);

    int res = heap_free(&heap, (void*)address);
    if (index >= 0) {
        CHECK(res == 0);
        model_release((size_t)index);
        return;
    }
    CHECK(res == -EINVARG);
    CHECK(unchanged_since(&before));
}

static void step_reserve(uint8_t a, uint8_t b)
{
    uintptr_t start = address_from(a, b) + (b & 0x3F);
    /* Mostly a few blocks; sometimes up to 96, across words. */
    uintptr_t end = start + (uintptr_t)(a % 7 + (b >= 0xC0 ? a % 90 : 0)) * BLOCK + (uintptr_t)b * 13 - 700;
    bool inside = start < end && start >= heap_start() && end <= heap_end();
    size_t first = 0, blocks = 0;
    bool all_free = inside;
    if (inside) {
        first = (start - heap_start()) / BLOCK;
        blocks = (end - heap_start() + BLOCK - 1) / BLOCK - first;
        for (size_t i = first; i < first + blocks; i++)
            all_free = all_free && !taken[i];
    }
    static struct snapshot before;
    take_snapshot(&before);

    int res = heap_reserve(&heap, (void*)start, (void*)end);
    if (all_free) {
        CHECK(res == 0);
        model_take(first, blocks);
        return;
    }
    CHECK(res == -EINVARG);
    CHECK(unchanged_since(&before));
}

static void step_query(uint8_t a, uint8_t b)
{
    uintptr_t address = address_from(a, b);
    long index = model_find(address);
    size_t expect = index >= 0 ? live[index].blocks : 0;
    CHECK(heap_allocation_blocks(&heap, (const void*)address) == expect);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    reset();
    for (size_t i = 0; i + 3 <= size; i += 3) {
        uint8_t a = data[i + 1], b = data[i + 2];
        switch (data[i] % 6) {
        case 0:
        case 1:
            step_malloc(a, b);
            break;
        case 2:
            step_free_live(a);
            break;
        case 3:
            step_free_any(a, b);
            break;
        case 4:
            step_reserve(a, b);
            break;
        default:
            step_query(a, b);
            break;
        }
        check_heap_matches_model();
    }
    return 0;
}
