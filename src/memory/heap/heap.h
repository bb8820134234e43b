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
 *  - four run arrays of one count per bitmap word, for runs of two blocks
 *    or more: the free run at the word's start (run_prefix), at its end
 *    (run_suffix), the longest inside it (run_longest), and the longest
 *    that starts in it, counted no further than the next word (run_fits,
 *    padded with zeros to a multiple of eight, since the search compares
 *    eight at a time).
 *
 * Every count fits in seven bits (at most 127), yet each array has an
 * integer type of its own, and none the type of the entries, the map or
 * the total: Frama-C's WP models the memory of each integer type
 * separately, so a store to one array provably leaves every other array,
 * the entries and the map as they were, with no step in the proof to show
 * it (docs/proofs.md, "Each part of the heap's state has an integer type
 * of its own"). run_fits is int8_t because the search loads eight of its
 * bytes as one word; the others cost a few bytes more per 64 blocks.
 */
#define HEAP_INDEX_WORD_BLOCKS 64
/* The index of a table of total blocks, as constant expressions for static arrays. */
#define HEAP_INDEX_BITMAP_WORDS(total) (((total) + HEAP_INDEX_WORD_BLOCKS - 1) / HEAP_INDEX_WORD_BLOCKS)
#define HEAP_INDEX_SUMMARY_WORDS(total) \
    ((HEAP_INDEX_BITMAP_WORDS(total) + HEAP_INDEX_WORD_BLOCKS - 1) / HEAP_INDEX_WORD_BLOCKS)
#define HEAP_INDEX_WORDS(total) (HEAP_INDEX_BITMAP_WORDS(total) + HEAP_INDEX_SUMMARY_WORDS(total))
#define HEAP_INDEX_FITS_BYTES(total) ((HEAP_INDEX_BITMAP_WORDS(total) + 7) / 8 * 8)
/* The four run arrays of a table, as an ACSL location list: what an update may write. */
#define HEAP_INDEX_RUN_ARRAYS(table)                                                                  \
    (table)->run_prefix[0 .. HEAP_INDEX_BITMAP_WORDS((table)->total) - 1],                            \
    (table)->run_suffix[0 .. HEAP_INDEX_BITMAP_WORDS((table)->total) - 1],                            \
    (table)->run_longest[0 .. HEAP_INDEX_BITMAP_WORDS((table)->total) - 1],                           \
    (table)->run_fits[0 .. HEAP_INDEX_FITS_BYTES((table)->total) - 1]

/* The largest table heap_create accepts: block numbers and counts stay below 2^31. */
#define HEAP_MAX_BLOCKS 0x7FFFFFFFu

/*
 * The table and its index. The caller provides every array; the heap
 * never allocates, least of all from itself.
 */
struct heap_table
{
    HEAP_BLOCK_TABLE_ENTRY* entries;     /* total entries: the canonical state */
    size_t total;
    uint64_t* free_map;                  /* HEAP_INDEX_WORDS(total): bitmap, then summary */
    int16_t* run_prefix;                 /* HEAP_INDEX_BITMAP_WORDS(total) each */
    uint16_t* run_suffix;
    int32_t* run_longest;
    int8_t* run_fits;                    /* HEAP_INDEX_FITS_BYTES(total) */
};

struct heap
{
    struct heap_table* table;
    void* saddr;              /* address of block 0 */
    int64_t blocks_taken;     /* for heap_blocks_in_use and the statistics */
};

/*
 * Why blocks_taken is an int64_t, not a size_t like total: the proofs
 * (docs/proofs.md). Frama-C's WP keeps the memory of each integer type
 * apart, so a store to the counter provably leaves the table's total, and
 * with it every fact about the table and the index, as it was; as a
 * size_t it shared the total's memory, and each function had to prove
 * again after the store that the table still agreed with its index. It is
 * 64 bits wide so that adding a run's length to it cannot overflow.
 */

/*@ // The table's arrays are there, each valid for its size (docs/proofs.md):
    // what every function of the heap and its index may read and write.
    predicate heap_table_storage{L}(struct heap_table* table) =
        \valid_read(table) && table->total <= HEAP_MAX_BLOCKS &&
        \valid(table->entries + (0 .. table->total - 1)) &&
        \valid(table->free_map + (0 .. HEAP_INDEX_WORDS(table->total) - 1)) &&
        \valid(table->run_prefix + (0 .. HEAP_INDEX_BITMAP_WORDS(table->total) - 1)) &&
        \valid(table->run_suffix + (0 .. HEAP_INDEX_BITMAP_WORDS(table->total) - 1)) &&
        \valid(table->run_longest + (0 .. HEAP_INDEX_BITMAP_WORDS(table->total) - 1)) &&
        \valid(table->run_fits + (0 .. HEAP_INDEX_FITS_BYTES(table->total) - 1)) &&
        \separated(table, table->entries + (0 .. table->total - 1),
                   table->free_map + (0 .. HEAP_INDEX_WORDS(table->total) - 1));

    predicate heap_storage{L}(struct heap* heap) =
        \valid_read(heap) && heap_table_storage(heap->table) &&
        \separated(heap, heap->table, heap->table->entries + (0 .. heap->table->total - 1),
                   heap->table->free_map + (0 .. HEAP_INDEX_WORDS(heap->table->total) - 1));

    // The table's part of heap_valid (docs/proofs.md): every entry free or
    // taken with known flags; a block has HAS_NEXT exactly when the next one
    // is taken without IS_FIRST; the first block does not continue a run and
    // the last has no HAS_NEXT. heap_valid (below) adds the counter.
    predicate heap_entry_known(integer e) =
        e == HEAP_BLOCK_TABLE_ENTRY_FREE || e == HEAP_BLOCK_TABLE_ENTRY_TAKEN ||
        e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST) ||
        e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT) ||
        e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST | HEAP_BLOCK_HAS_NEXT);
    predicate heap_entry_has_next(integer e) =
        e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT) ||
        e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST | HEAP_BLOCK_HAS_NEXT);
    predicate heap_entry_continues(integer e) =
        e == HEAP_BLOCK_TABLE_ENTRY_TAKEN || e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT);

    predicate heap_entries_known{L}(struct heap_table* table) =
        \forall integer i; 0 <= i < table->total ==> heap_entry_known(table->entries[i]);
    predicate heap_entries_chained{L}(struct heap_table* table) =
        \forall integer i; 0 <= i < table->total - 1 ==>
            (heap_entry_has_next(table->entries[i]) <==> heap_entry_continues(table->entries[i + 1]));
    predicate heap_entries_ends{L}(struct heap_table* table) =
        table->total > 0 ==> !heap_entry_continues(table->entries[0]) &&
                             !heap_entry_has_next(table->entries[table->total - 1]);
    predicate heap_table_valid{L}(struct heap_table* table) =
        heap_entries_known(table) && heap_entries_chained(table) && heap_entries_ends(table);

    // The taken entries among the first 'end', and the counter's part of
    // heap_valid: blocks_taken is their number over the whole table.
    logic integer heap_taken_count{L}(struct heap_table* table, integer end) =
        end <= 0 ? 0 : heap_taken_count(table, end - 1) +
                       (table->entries[end - 1] == HEAP_BLOCK_TABLE_ENTRY_FREE ? 0 : 1);
    predicate heap_counted{L}(struct heap* heap) =
        heap->blocks_taken == heap_taken_count(heap->table, heap->table->total);

    // The index's part, bit by bit (docs/proofs.md). Bit k of x, counted
    // from the lowest, is set: the one form every contract about bits
    // uses, so that the provers meet a shifted mask only in the lemmas of
    // heap_bits.h.
    predicate heap_bit(integer x, integer k) = ((x >> k) & 1) == 1;

    // The free map agrees with the table on every block outside
    // [first, end): bit k of map word w is set exactly when block
    // w * 64 + k is in the table and free, so the bits past its end are
    // clear. (Said by word and bit, never by b / 64 and b % 64: the
    // provers take a quotient apart far less readily than a product.)
    predicate heap_map_agrees_except{L}(struct heap_table* table, integer first, integer end) =
        \forall integer w, k; 0 <= w < HEAP_INDEX_BITMAP_WORDS(table->total) && 0 <= k < HEAP_INDEX_WORD_BLOCKS &&
            !(first <= w * HEAP_INDEX_WORD_BLOCKS + k < end) ==>
            (heap_bit(table->free_map[w], k) <==>
             (w * HEAP_INDEX_WORD_BLOCKS + k < table->total &&
              table->entries[w * HEAP_INDEX_WORD_BLOCKS + k] == HEAP_BLOCK_TABLE_ENTRY_FREE));
    predicate heap_map_agrees{L}(struct heap_table* table) = heap_map_agrees_except(table, 0, 0);

    // The summary agrees with the map on every word but 'except': bit j of
    // summary word s, which follows the map (index i = words + s), is set
    // exactly when map word s * 64 + j exists and has a free block. (Every
    // quantified index stands alone in an array access, so that the
    // provers can find the instances they need.)
    predicate heap_summary_agrees_except{L}(struct heap_table* table, integer except) =
        \forall integer i, j; HEAP_INDEX_BITMAP_WORDS(table->total) <= i < HEAP_INDEX_WORDS(table->total) &&
            0 <= j < HEAP_INDEX_WORD_BLOCKS &&
            (i - HEAP_INDEX_BITMAP_WORDS(table->total)) * HEAP_INDEX_WORD_BLOCKS + j != except ==>
            (heap_bit(table->free_map[i], j) <==>
             ((i - HEAP_INDEX_BITMAP_WORDS(table->total)) * HEAP_INDEX_WORD_BLOCKS + j <
                  HEAP_INDEX_BITMAP_WORDS(table->total) &&
              table->free_map[(i - HEAP_INDEX_BITMAP_WORDS(table->total)) * HEAP_INDEX_WORD_BLOCKS + j] != 0));
    predicate heap_summary_agrees{L}(struct heap_table* table) = heap_summary_agrees_except(table, -1);

    // The run bytes (heap_index.c), in bits: bits [i, i + n) of x are all
    // set, inside one 64-bit word.
    predicate heap_bits_run(integer x, integer i, integer n) =
        0 <= i && 0 <= n && i + n <= HEAP_INDEX_WORD_BLOCKS &&
        \forall integer k; i <= k < i + n ==> heap_bit(x, k);
    // p is the run of set bits at x's start (bit 0 up), s the run at its end (bit 63 down).
    predicate heap_prefix_is(integer x, integer p) =
        heap_bits_run(x, 0, p) && (p < HEAP_INDEX_WORD_BLOCKS ==> !heap_bit(x, p));
    predicate heap_suffix_is(integer x, integer s) =
        heap_bits_run(x, HEAP_INDEX_WORD_BLOCKS - s, s) &&
        (s < HEAP_INDEX_WORD_BLOCKS ==> !heap_bit(x, HEAP_INDEX_WORD_BLOCKS - 1 - s));
    // l is x's longest run of two to 63 set bits: one of l bits is there
    // (when l >= 2), none longer below 64. (A run of 64 is the whole word,
    // which the prefix and suffix tell.)
    predicate heap_longest_is(integer x, integer l) =
        0 <= l <= HEAP_INDEX_WORD_BLOCKS &&
        (l >= 2 ==> \exists integer i; heap_bits_run(x, i, l)) &&
        \forall integer i, n; l < n < HEAP_INDEX_WORD_BLOCKS ==> !heap_bits_run(x, i, n);

    // The part of a map word the run bytes describe (without_lone_blocks in
    // heap_index.c): its set bits but those whose neighbours in the word are
    // both clear, bits 0 and 63 always kept.
    logic integer heap_runs_word(integer m) =
        m & ((m & (m >> 1)) | (uint64_t)((m & (m >> 1)) << 1) | 1 | 0x8000000000000000);

    // A word's fits byte from its suffix, the next word's prefix and its
    // longest (fits_of in heap_index.c): the run across the word's end,
    // 128 stored as 127, or the longest inside, whichever is more.
    logic integer heap_fits(integer suffix, integer next_prefix, integer longest) =
        \let across = suffix != 0 ? suffix + next_prefix : 0;
        \let capped = across >= 128 ? 127 : across;
        capped > longest ? capped : longest;

    // The run arrays agree with the map (heap_index.c): word w's counts
    // are the prefix, suffix and longest run of its map word without lone
    // blocks; its fits byte is made of its counts and the next word's
    // prefix; the fits bytes past the last word are 0.
    // (Said of values first, so that a fact about a word whose four
    // values are unchanged carries over as one term, for the provers.)
    predicate heap_counts_are(integer m, integer p, integer s, integer l) =
        \let x = heap_runs_word(m);
        heap_prefix_is(x, p) && heap_suffix_is(x, s) && heap_longest_is(x, l);
    predicate heap_word_described{L}(struct heap_table* table, integer w) =
        heap_counts_are(table->free_map[w], table->run_prefix[w], table->run_suffix[w], table->run_longest[w]);
    predicate heap_fits_is(integer f, integer s, integer next, integer l) =
        0 <= s <= 64 && 0 <= l <= 64 && 0 <= next <= 64 && f == heap_fits(s, next, l);
    predicate heap_fits_described{L}(struct heap_table* table, integer w) =
        heap_fits_is(table->run_fits[w], table->run_suffix[w],
                     w + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ? table->run_prefix[w + 1] : 0, table->run_longest[w]);
    predicate heap_fits_padded{L}(struct heap_table* table) =
        \forall integer j; HEAP_INDEX_BITMAP_WORDS(table->total) <= j < HEAP_INDEX_FITS_BYTES(table->total) ==>
            table->run_fits[j] == 0;
    // The same but on words [lo, hi): their counts, and the fits bytes
    // that read them, may be anything. (The two \forall spell out the two
    // predicates above on purpose: the provers then find each instance
    // from the values a goal reads, where through the table at a word
    // they ran to the step limit, docs/proofs.md.)
    predicate heap_runs_agree_except{L}(struct heap_table* table, integer lo, integer hi) =
        (\forall integer w; 0 <= w < HEAP_INDEX_BITMAP_WORDS(table->total) && !(lo <= w < hi) ==>
            heap_counts_are(table->free_map[w], table->run_prefix[w], table->run_suffix[w], table->run_longest[w])) &&
        (\forall integer w; 0 <= w < HEAP_INDEX_BITMAP_WORDS(table->total) && !(lo <= w < hi) && !(lo <= w + 1 < hi) ==>
            heap_fits_is(table->run_fits[w], table->run_suffix[w],
                         w + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ? table->run_prefix[w + 1] : 0, table->run_longest[w])) &&
        heap_fits_padded(table);
    predicate heap_runs_agree{L}(struct heap_table* table) = heap_runs_agree_except(table, 0, 0);

    // The index's part of heap_valid: the map agrees with the table, the
    // summary with the map, and the run arrays with the map.
    predicate heap_index_agrees{L}(struct heap_table* table) =
        heap_map_agrees(table) && heap_summary_agrees(table) && heap_runs_agree(table);

    // heap_valid: the table's part, the counter's and the index's.
    predicate heap_valid{L}(struct heap* heap) =
        heap_table_valid(heap->table) && heap_counted(heap) && heap_index_agrees(heap->table);

    predicate heap_entries_free{L}(struct heap_table* table, integer first, integer end) =
        \forall integer i; first <= i < end ==> table->entries[i] == HEAP_BLOCK_TABLE_ENTRY_FREE;
    predicate heap_entries_taken{L}(struct heap_table* table, integer first, integer end) =
        \forall integer i; first <= i < end ==> table->entries[i] != HEAP_BLOCK_TABLE_ENTRY_FREE;
    // Blocks [b, b + n) are inside the table and free: a run heap_malloc may hand out.
    predicate heap_free_run{L}(struct heap_table* table, integer b, integer n) =
        0 <= b && b + n <= table->total && heap_entries_free(table, b, b + n);

    // [start, start + blocks) holds one allocation, as heap_malloc writes
    // it: the first block taken and IS_FIRST, HAS_NEXT on every block but
    // the last, the others taken and not first.
    predicate heap_allocation_written{L}(struct heap_table* table, integer start, integer blocks) =
        blocks >= 1 &&
        table->entries[start] == (blocks > 1 ? (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST | HEAP_BLOCK_HAS_NEXT)
                                             : (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST)) &&
        (\forall integer k; start < k < start + blocks - 1 ==>
            table->entries[k] == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT)) &&
        (blocks > 1 ==> table->entries[start + blocks - 1] == HEAP_BLOCK_TABLE_ENTRY_TAKEN);

    // Every entry outside [first, end) is what it was at label L1.
    predicate heap_entries_kept{L1, L2}(struct heap_table* table, integer first, integer end) =
        \forall integer k; 0 <= k < \at(table->total, L1) && (k < first || end <= k) ==>
            \at(table->entries[k], L2) == \at(table->entries[k], L1);

    // The heap is as it was at L1: every entry, the index and the counter.
    predicate heap_unchanged{L1, L2}(struct heap* heap) =
        heap_entries_kept{L1, L2}(\at(heap->table, L1), 0, 0) &&
        \at(heap->blocks_taken, L2) == \at(heap->blocks_taken, L1) &&
        (\forall integer w; 0 <= w < HEAP_INDEX_WORDS(\at(heap->table->total, L1)) ==>
            \at(heap->table->free_map[w], L2) == \at(heap->table->free_map[w], L1)) &&
        (\forall integer w; 0 <= w < HEAP_INDEX_BITMAP_WORDS(\at(heap->table->total, L1)) ==>
            \at(heap->table->run_prefix[w], L2) == \at(heap->table->run_prefix[w], L1) &&
            \at(heap->table->run_suffix[w], L2) == \at(heap->table->run_suffix[w], L1) &&
            \at(heap->table->run_longest[w], L2) == \at(heap->table->run_longest[w], L1)) &&
        (\forall integer b; 0 <= b < HEAP_INDEX_FITS_BYTES(\at(heap->table->total, L1)) ==>
            \at(heap->table->run_fits[b], L2) == \at(heap->table->run_fits[b], L1));

    // [first, last] is the run heap_free follows from first: HAS_NEXT on
    // every block before last, and last without it or the table's last block.
    predicate heap_run{L}(struct heap_table* table, integer first, integer last) =
        0 <= first <= last < table->total &&
        (\forall integer k; first <= k < last ==> (table->entries[k] & HEAP_BLOCK_HAS_NEXT) != 0) &&
        ((table->entries[last] & HEAP_BLOCK_HAS_NEXT) == 0 || last == table->total - 1);

    // The heap's blocks are memory, so that no block's address is NULL,
    // and they end by 4 GiB, so that a block's address is never computed
    // modulo 2^32 (heap_create checks both of its range).
    predicate heap_in_address_space{L}(struct heap* heap) =
        \valid((char*)heap->saddr + (0 .. heap->table->total * VANA_HEAP_BLOCK_SIZE - 1)) &&
        heap->table->total * VANA_HEAP_BLOCK_SIZE <= UINTPTR_MAX &&
        (uintptr_t)heap->saddr + heap->table->total * VANA_HEAP_BLOCK_SIZE <= UINTPTR_MAX;

    // The whole blocks that size bytes need (heap_size_to_blocks).
    logic integer heap_blocks_of_size(integer size) =
        size / VANA_HEAP_BLOCK_SIZE + (size % VANA_HEAP_BLOCK_SIZE != 0 ? 1 : 0);

    // [start, end) is a range of bytes inside the heap, not empty; the
    // blocks it overlaps are heap_first_block .. heap_end_block - 1.
    predicate heap_range_inside{L}(struct heap* heap, void* start, void* end) =
        (uintptr_t)start < (uintptr_t)end && (uintptr_t)heap->saddr <= (uintptr_t)start &&
        (uintptr_t)end <= (uintptr_t)heap->saddr + heap->table->total * VANA_HEAP_BLOCK_SIZE;
    logic integer heap_first_block{L}(struct heap* heap, void* start) =
        ((uintptr_t)start - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE;
    logic integer heap_end_block{L}(struct heap* heap, void* end) =
        heap_blocks_of_size((uintptr_t)end - (uintptr_t)heap->saddr);

    // ptr is the first block of a live allocation, what heap_free accepts:
    // inside the heap, on a block boundary, its entry taken and IS_FIRST.
    predicate heap_allocation_start{L}(struct heap* heap, void* ptr) =
        \let offset = (uintptr_t)ptr - (uintptr_t)heap->saddr;
        \let entry = heap->table->entries[offset / VANA_HEAP_BLOCK_SIZE];
        (uintptr_t)heap->saddr <= (uintptr_t)ptr && offset / VANA_HEAP_BLOCK_SIZE < heap->table->total &&
        offset % VANA_HEAP_BLOCK_SIZE == 0 &&
        (entry & HEAP_BLOCK_TYPE_MASK) == HEAP_BLOCK_TABLE_ENTRY_TAKEN && (entry & HEAP_BLOCK_IS_FIRST) != 0;
*/

/*
 * heap_size_to_blocks - whole blocks needed for size bytes: the one place
 * a size is rounded up to blocks. Computed without rounding size up first,
 * which could overflow.
 */
/*@ assigns \nothing;
    ensures \result == heap_blocks_of_size(size);
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
