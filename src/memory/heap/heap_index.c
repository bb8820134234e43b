/*
 * The free index of the block-table heap (docs/memory.md, "The index").
 *
 * The table says what block i is, but not where the first run of n free
 * blocks lies: only a walk finds that, and a walk over 20,000 taken
 * blocks is what made the seed's heap slow. The index finds it in a few
 * word operations, whatever the heap holds. It is derived from the table:
 *
 *  - the free map: one bit per block, set while the block is free, 64
 *    blocks to a word, so one word operation looks at 64 blocks;
 *  - the summary: one bit per map word, set while the word has a free
 *    block. A one-block request, the most common, is two bit scans: the
 *    first set bit of the summary, then the first set bit of that word;
 *  - four counts per map word, for longer requests, each in an array of
 *    its own (heap.h says why): the free run at the word's start
 *    (prefix), at its end (suffix), the longest inside it, and 'fits':
 *    the longest run that starts in the word, counted no further than
 *    the next word (at most 127, a byte). For 2 <= n <= 64, a run of
 *    n free blocks starts in word w exactly when fits[w] >= n, so the
 *    leftmost fit is in the first word whose fits byte is n or more:
 *    eight bytes are compared with n in one word operation.
 *
 * A change to one word changes the bytes of that word and the fits of
 * the word before it, and no others: updates cost the same whatever the
 * heap's size. An earlier index kept a tree of runs over the words instead,
 * which found a run in log(words) steps but had to climb to the root on
 * most changes; the bytes cost a third less per malloc and free
 * (docs/memory.md, Appendix B).
 *
 * Blocks past the end of the table (the rest of the last word) count as
 * taken, so no run ever reaches past the end.
 */
#include "heap_index.h"
#include "heap_bits.h"
#include "status.h"

#define WORD_BLOCKS HEAP_INDEX_WORD_BLOCKS
#define ALL_FREE UINT64_MAX
#define FITS_LIMIT 127   /* fits counts at most this, so that 8 bytes compare at once (below) */

/*@ // A known entry (heap.h) is of the free type exactly when it is 0
    // (heap_index_build's map_built, the one goal that needs it): one
    // lemma per taken value, since the provers evaluate & on one constant
    // only, then the five by cases. Every lemma is a hypothesis of every
    // goal of the file and makes each of them dearer (docs/proofs.md,
    // "Where the time goes"), so only the lemmas some goal needs stay.
    lemma heap_type_taken: \forall integer e; e == HEAP_BLOCK_TABLE_ENTRY_TAKEN ==> (e & HEAP_BLOCK_TYPE_MASK) != 0;
    lemma heap_type_first: \forall integer e; e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST) ==>
        (e & HEAP_BLOCK_TYPE_MASK) != 0;
    lemma heap_type_next: \forall integer e; e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT) ==>
        (e & HEAP_BLOCK_TYPE_MASK) != 0;
    lemma heap_type_first_next: \forall integer e;
        e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST | HEAP_BLOCK_HAS_NEXT) ==> (e & HEAP_BLOCK_TYPE_MASK) != 0;
    lemma heap_known_free: \forall integer e; heap_entry_known(e) ==>
        ((e & HEAP_BLOCK_TYPE_MASK) == HEAP_BLOCK_TABLE_ENTRY_FREE <==> e == HEAP_BLOCK_TABLE_ENTRY_FREE);
*/

/*@ // The summary agrees with the map on its words below map index end
    // (heap_index_build's summary loop).
    predicate heap_summary_agrees_except_from{L}(struct heap_table* table, integer end) =
        \forall integer i, j; HEAP_INDEX_BITMAP_WORDS(table->total) <= i < end && 0 <= j < 64 ==>
            (heap_bit(table->free_map[i], j) <==>
             ((i - HEAP_INDEX_BITMAP_WORDS(table->total)) * 64 + j < HEAP_INDEX_BITMAP_WORDS(table->total) &&
              table->free_map[(i - HEAP_INDEX_BITMAP_WORDS(table->total)) * 64 + j] != 0));
*/

/*
 * Ghost code, for heap_index_find's proof only (docs/proofs.md). Each
 * says what the index says when it agrees with the table, so that a
 * caller may call it whether or not it does.
 *
 * summary_clear_bit: a clear summary bit stands for a map word that is
 * 0. A lemma called by name, so that the provers need not find the
 * instance themselves.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires s < HEAP_INDEX_SUMMARY_WORDS(table->total) && j < 64;
       requires s * 64 + j < HEAP_INDEX_BITMAP_WORDS(table->total);
       assigns \nothing;
       ensures heap_summary_agrees(table) &&
           !heap_bit(table->free_map[HEAP_INDEX_BITMAP_WORDS(table->total) + s], j) ==>
           table->free_map[s * 64 + j] == 0;
    @/
    static void summary_clear_bit(const struct heap_table* table, size_t s, size_t j)
    {
    }
*/

/*@ // The index agrees with the table and has no free block before block
    // c of map word s * 64 + r: summary words [0, s) are 0, bits [0, r) of
    // summary word s are clear, and bits [0, c) of that map word are clear.
    predicate index_empty_before{L}(struct heap_table* table, integer s, integer r, integer c) =
        heap_map_agrees(table) && heap_summary_agrees(table) &&
        (\forall integer i; HEAP_INDEX_BITMAP_WORDS(table->total) <= i < HEAP_INDEX_BITMAP_WORDS(table->total) + s ==>
            table->free_map[i] == 0) &&
        (\forall integer j; 0 <= j < r ==> !heap_bit(table->free_map[HEAP_INDEX_BITMAP_WORDS(table->total) + s], j)) &&
        (c > 0 ==> s * 64 + r < HEAP_INDEX_BITMAP_WORDS(table->total) &&
                   \forall integer k; 0 <= k < c ==> !heap_bit(table->free_map[s * 64 + r], k));
*/

/*
 * taken_before: when index_empty_before holds, the blocks before block c
 * of map word s * 64 + r are taken. A walk over the blocks by word and
 * bit, so that the provers never take a block number apart.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires s <= HEAP_INDEX_SUMMARY_WORDS(table->total) && r < 64 && c < 64;
       requires s == HEAP_INDEX_SUMMARY_WORDS(table->total) ==> r == 0 && c == 0;
       assigns \nothing;
       ensures taken: index_empty_before(table, s, r, c) ==>
           \forall integer b; 0 <= b < (s * 64 + r) * 64 + c && b < table->total ==>
               table->entries[b] != HEAP_BLOCK_TABLE_ENTRY_FREE;
    @/
    static void taken_before(const struct heap_table* table, size_t s, size_t r, size_t c)
    {
        size_t gs = 0, gj = 0, gk = 0;
        /@ loop invariant 0 <= gk < 64 && 0 <= gj < 64 && 0 <= gs;
           loop invariant b == (gs * 64 + gj) * 64 + gk;
           loop invariant index_empty_before(table, s, r, c) ==>
               \forall integer b2; 0 <= b2 < b && b2 < table->total ==>
                   table->entries[b2] != HEAP_BLOCK_TABLE_ENTRY_FREE;
           loop assigns b, gs, gj, gk;
           loop variant table->total - b;
        @/
        for (size_t b = 0; b < table->total && (gs < s || (gs == s && (gj < r || (gj == r && gk < c)))); b++) {
            /@ assert in_map: gs * 64 + gj < HEAP_INDEX_BITMAP_WORDS(table->total); @/
            /@ assert in_summary: gs < HEAP_INDEX_SUMMARY_WORDS(table->total); @/
            /@ assert summary_word: index_empty_before(table, s, r, c) && gs < s ==>
                   table->free_map[HEAP_INDEX_BITMAP_WORDS(table->total) + gs] == 0; @/
            /@ assert summary_zero_bit: index_empty_before(table, s, r, c) && gs < s ==>
                   !heap_bit(table->free_map[HEAP_INDEX_BITMAP_WORDS(table->total) + gs], gj); @/
            /@ assert summary_clear_bit: index_empty_before(table, s, r, c) && gs == s && gj < r ==>
                   !heap_bit(table->free_map[HEAP_INDEX_BITMAP_WORDS(table->total) + gs], gj); @/
            summary_clear_bit(table, gs, gj);
            /@ assert word_clear: index_empty_before(table, s, r, c) && (gs < s || (gs == s && gj < r)) ==>
                   table->free_map[gs * 64 + gj] == 0; @/
            /@ assert zero_word_bit: index_empty_before(table, s, r, c) && (gs < s || (gs == s && gj < r)) ==>
                   !heap_bit(table->free_map[gs * 64 + gj], gk); @/
            /@ assert last_word_bit: index_empty_before(table, s, r, c) && gs == s && gj == r ==>
                   !heap_bit(table->free_map[gs * 64 + gj], gk); @/
            gk++;
            if (gk == 64) {
                gk = 0;
                gj++;
                if (gj == 64) {
                    gj = 0;
                    gs++;
                }
            }
        }
    }
*/

/*@ requires \valid_read(table) && table->total <= HEAP_MAX_BLOCKS;
    assigns \nothing;
    ensures \result == HEAP_INDEX_BITMAP_WORDS(table->total);
*/
static size_t words_of(const struct heap_table* table)
{
    return HEAP_INDEX_BITMAP_WORDS(table->total);
}

/*@ requires \valid_read(table) && table->total <= HEAP_MAX_BLOCKS;
    assigns \nothing;
    ensures \result == HEAP_INDEX_SUMMARY_WORDS(table->total);
*/
static size_t summary_words_of(const struct heap_table* table)
{
    return HEAP_INDEX_SUMMARY_WORDS(table->total);
}

/*@ requires \valid_read(table) && table->total <= HEAP_MAX_BLOCKS;
    assigns \nothing;
    ensures \result == HEAP_INDEX_FITS_BYTES(table->total);
*/
static size_t fits_bytes_of(const struct heap_table* table)
{
    return HEAP_INDEX_FITS_BYTES(table->total);
}

/*@ requires \valid_read(table) && table->total <= HEAP_MAX_BLOCKS;
    assigns \nothing;
    ensures \result == table->free_map + HEAP_INDEX_BITMAP_WORDS(table->total);
*/
static uint64_t* summary_of(const struct heap_table* table)
{
    return table->free_map + words_of(table);
}

/* Set word w's summary bit while the word has a free block, clear it otherwise. */
/*@ requires heap_table_storage(table);
    requires w < HEAP_INDEX_BITMAP_WORDS(table->total);
    requires \separated(table, table->free_map + (0 .. HEAP_INDEX_WORDS(table->total) - 1));
    assigns table->free_map[HEAP_INDEX_BITMAP_WORDS(table->total) + w / HEAP_INDEX_WORD_BLOCKS];
    ensures summary_agrees: \at(heap_summary_agrees_except(table, w), Pre) ==> heap_summary_agrees(table);
    ensures map_kept: \forall integer first, end;
        \at(heap_map_agrees_except(table, first, end), Pre) ==> heap_map_agrees_except(table, first, end);
*/
static void summarize_word(struct heap_table* table, size_t w)
{
    uint64_t* summary = &summary_of(table)[w / WORD_BLOCKS];
    uint64_t bit = (uint64_t)1 << w % WORD_BLOCKS;
    //@ assert bit_is: \forall integer j; 0 <= j < 64 ==> (heap_bit(bit, j) <==> j == w % 64);
    //@ ghost uint64_t before = *summary;
    *summary = (*summary & ~bit) | (table->free_map[w] != 0 ? bit : 0);
    /*@ assert word_bits: \forall integer j; 0 <= j < 64 ==>
            (heap_bit(*summary, j) <==> (j == w % 64 ? table->free_map[w] != 0 : heap_bit(before, j)));
    */
}

/* The summary word s that the map's words imply. */
/*@ requires heap_table_storage(table);
    requires s < HEAP_INDEX_SUMMARY_WORDS(table->total);
    assigns \nothing;
    ensures bits: \forall integer j; 0 <= j < 64 ==>
        (heap_bit(\result, j) <==>
         (s * 64 + j < HEAP_INDEX_BITMAP_WORDS(table->total) && table->free_map[s * 64 + j] != 0));
*/
static uint64_t summary_from_map(const struct heap_table* table, size_t s)
{
    uint64_t summary = 0;
    /*@ loop invariant s * WORD_BLOCKS <= w <= (s + 1) * WORD_BLOCKS;
        loop invariant bits: \forall integer j; 0 <= j < 64 ==>
            (heap_bit(summary, j) <==>
             (s * 64 + j < w && s * 64 + j < HEAP_INDEX_BITMAP_WORDS(table->total) &&
              table->free_map[s * 64 + j] != 0));
        loop assigns w, summary;
        loop variant HEAP_INDEX_BITMAP_WORDS(table->total) - w;
    */
    for (size_t w = s * WORD_BLOCKS; w < (s + 1) * WORD_BLOCKS && w < words_of(table); w++)
        summary |= (uint64_t)(table->free_map[w] != 0) << w % WORD_BLOCKS;
    return summary;
}

/* The free-map word that the table's entries imply: a byte walk, for building and checking only. */
/*@ requires heap_table_storage(table);
    requires w < HEAP_INDEX_BITMAP_WORDS(table->total);
    assigns \nothing;
    ensures bits: \forall integer k; 0 <= k < 64 ==>
        (heap_bit(\result, k) <==> (w * 64 + k < table->total && (table->entries[w * 64 + k] & HEAP_BLOCK_TYPE_MASK) == HEAP_BLOCK_TABLE_ENTRY_FREE));
*/
static uint64_t word_from_table(const struct heap_table* table, size_t w)
{
    uint64_t word = 0;
    /*@ loop invariant 0 <= b <= WORD_BLOCKS;
        loop invariant bits: \forall integer k; 0 <= k < 64 ==>
            (heap_bit(word, k) <==> (k < b && w * 64 + k < table->total &&
                                     (table->entries[w * 64 + k] & HEAP_BLOCK_TYPE_MASK) == HEAP_BLOCK_TABLE_ENTRY_FREE));
        loop assigns b, word;
        loop variant WORD_BLOCKS - b;
    */
    for (size_t b = 0; b < WORD_BLOCKS && w * WORD_BLOCKS + b < table->total; b++) {
        if (heap_entry_is_free(table->entries[w * WORD_BLOCKS + b]))
            word |= (uint64_t)1 << b;
    }
    return word;
}

/*
 * The part of a word the run counts describe. One-block requests never
 * read them (the summary serves them), so they leave out the free blocks
 * that can serve nothing longer: those whose neighbours in the word are
 * both taken. Blocks at either end of the word stay in, as their other
 * neighbour is in the next word. Every run of two or more is still there
 * whole; and a lone block taken or freed between taken neighbours, which
 * is much of what a busy heap does, leaves the bytes as they were.
 */
/*@ assigns \nothing;
    ensures \result == heap_runs_word(word);
*/
static uint64_t without_lone_blocks(uint64_t word)
{
    uint64_t pairs = word & word >> 1;   /* bit i: blocks i and i + 1 both free */
    return word & (pairs | pairs << 1 | ((uint64_t)1 | (uint64_t)1 << 63));
}

/*
 * The longest run of set bits in word, by binary search over the length:
 * 'starts' holds the positions where a run of 'length' begins, and each
 * step tries to lengthen every such run by k at once. A loop over the runs
 * would be shorter, but its end is a mispredicted branch most of the time.
 * length stays below 64 (32 + 16 + ... + 1 at most); '& 63' changes
 * nothing but says so to the prover, and costs nothing, since x86's shift
 * instructions take the count modulo 64 themselves.
 */
/*@ // longest_run's proof: bits [0, 64) of r are where the runs of n set
    // bits of x start (runs[j], starts); heap_pow2(e) is 2^e for e in 0 .. 6.
    predicate heap_starts(integer r, integer x, integer n) =
        \forall integer i; 0 <= i < 64 ==> (heap_bit(r, i) <==> heap_bits_run(x, i, n));
    logic integer heap_pow2(integer e) =
        e <= 0 ? 1 : e == 1 ? 2 : e == 2 ? 4 : e == 3 ? 8 : e == 4 ? 16 : e == 5 ? 32 : 64;
*/

/*
 * Ghost code for longest_run's proof: each step of its computation in a
 * function of its own, so that its goals keep only the facts they need
 * (WP keeps every fact of the path before a loop in the loop's goals).
 */
/*@ ghost
    /@ requires 0 <= a && 0 <= b;
       assigns \nothing;
       ensures \forall integer i; heap_bits_run(x, i, a) && heap_bits_run(x, i + a, b) <==> heap_bits_run(x, i, a + b);
    @/
    static void run_join(uint64_t x, unsigned a, unsigned b)
    {
    }
*/
/*@ ghost
    /@ requires 1 <= n && heap_starts(r, x, n);
       assigns \nothing;
       ensures \forall integer i, m; n <= m && heap_bits_run(x, i, m) ==> 0 <= i < 64 && heap_bit(r, i);
    @/
    static void starts_at(uint64_t r, uint64_t x, unsigned n)
    {
    }
*/
/*@ ghost
    /@ requires 0 <= a && 1 <= b && heap_starts(r, x, a) && heap_starts(s, x, b);
       assigns \nothing;
       ensures heap_starts(r & (s >> a), x, a + b);
    @/
    static void starts_join(uint64_t r, uint64_t s, uint64_t x, unsigned a, unsigned b)
    {
        run_join(x, a, b);
        /@ assert bits: \forall integer i; 0 <= i < 64 ==>
               (heap_bit(r & (s >> a), i) <==> heap_bit(r, i) && heap_bit(s, i + a)); @/
        /@ assert join: \forall integer i; 0 <= i < 64 ==>
               (heap_bits_run(x, i, a) && heap_bit(s, i + a) <==> heap_bits_run(x, i, a + b)); @/
    }
*/
/*@ ghost
    /@ requires found == 0 || found == UINT64_MAX;
       requires found != 0 ==> heap_starts(longer, x, n);
       requires found == 0 ==> heap_starts(starts, x, n);
       assigns \nothing;
       ensures heap_starts((longer & found) | (starts & (uint64_t)~found), x, n);
    @/
    static void starts_select(uint64_t longer, uint64_t starts, uint64_t found, uint64_t x, unsigned n)
    {
        /@ assert not_found: found == 0 ==> (uint64_t)~found == UINT64_MAX; @/
        /@ assert not_found_set: found != 0 ==> (uint64_t)~found == 0; @/
        /@ assert bits: \forall integer i; 0 <= i < 64 ==>
               (heap_bit((longer & found) | (starts & (uint64_t)~found), i) <==>
                (found != 0 ? heap_bit(longer, i) : heap_bit(starts, i))); @/
    }
*/
/*@ ghost
    /@ requires 0 <= j <= 5 && (found == 0 || found == UINT64_MAX);
       assigns \nothing;
       ensures (unsigned)(found & ((uint64_t)1 << j)) == (found == 0 ? 0 : heap_pow2(j));
    @/
    static void pow2_bit(uint64_t found, int j)
    {
        /@ assert shift_0: j == 0 ==> (UINT64_MAX & ((uint64_t)1 << j)) == 1; @/
        /@ assert shift_1: j == 1 ==> (UINT64_MAX & ((uint64_t)1 << j)) == 2; @/
        /@ assert shift_2: j == 2 ==> (UINT64_MAX & ((uint64_t)1 << j)) == 4; @/
        /@ assert shift_3: j == 3 ==> (UINT64_MAX & ((uint64_t)1 << j)) == 8; @/
        /@ assert shift_4: j == 4 ==> (UINT64_MAX & ((uint64_t)1 << j)) == 16; @/
        /@ assert shift_5: j == 5 ==> (UINT64_MAX & ((uint64_t)1 << j)) == 32; @/
    }
*/

/*@ assigns \nothing;
    ensures longest: heap_longest_is(word, \result);
*/
static int8_t longest_run(uint64_t word)
{
    //@ assert all_free: word == ALL_FREE ==> heap_bits_run(word, 0, 64);
    if (word == ALL_FREE)
        return WORD_BLOCKS;
    uint64_t runs[6];   /* runs[j]: bit i set when bits i .. i + 2^j - 1 all are */
    runs[0] = word;
    //@ assert runs_0: heap_starts(runs[0], word, 1);
    runs[1] = runs[0] & runs[0] >> 1;
    //@ ghost starts_join(runs[0], runs[0], word, 1, 1);
    runs[2] = runs[1] & runs[1] >> 2;
    //@ ghost starts_join(runs[1], runs[1], word, 2, 2);
    runs[3] = runs[2] & runs[2] >> 4;
    //@ ghost starts_join(runs[2], runs[2], word, 4, 4);
    runs[4] = runs[3] & runs[3] >> 8;
    //@ ghost starts_join(runs[3], runs[3], word, 8, 8);
    runs[5] = runs[4] & runs[4] >> 16;
    //@ ghost starts_join(runs[4], runs[4], word, 16, 16);

    uint64_t starts = ALL_FREE;
    unsigned length = 0;
    //@ ghost unsigned at = 0;
    //@ ghost unsigned p = 32;
    //@ assert starts_0: heap_starts(starts, word, 0);
    /*@ loop invariant -1 <= j <= 5;
        loop invariant p: 0 <= j ==> p == heap_pow2(j);
        loop invariant bound: length + heap_pow2(j + 1) <= 64;
        loop invariant starts: heap_starts(starts, word, length);
        loop invariant at: heap_bits_run(word, at, length);
        loop invariant none_longer: \forall integer i, n; length + heap_pow2(j + 1) <= n < 64 ==>
            !heap_bits_run(word, i, n);
        loop assigns j, starts, length, at, p;
        loop variant j + 1;
    */
    for (int j = 5; j >= 0; j--) {
        //@ assert j_cases: j == 0 || j == 1 || j == 2 || j == 3 || j == 4 || j == 5;
        //@ assert runs_j: heap_starts(runs[j], word, heap_pow2(j));
        //@ assert pow2_j: 1 <= heap_pow2(j) <= 32 && heap_pow2(j + 1) == 2 * heap_pow2(j);
        //@ assert shift: (unsigned)(length % 64) == length;
        uint64_t longer = starts & runs[j] >> length % WORD_BLOCKS;
        //@ ghost starts_join(starts, runs[j], word, length, p);
        //@ ghost if (longer != 0) at = some_set_bit(longer);
        //@ ghost starts_at(longer, word, length + p);
        /*@ assert none_from: longer == 0 ==>
                \forall integer i, n; length + heap_pow2(j) <= n ==> !heap_bits_run(word, i, n);
        */
        /*@ assert none_after: \forall integer i, n;
                length + (longer != 0 ? heap_pow2(j) : 0) + heap_pow2(j) <= n < 64 ==> !heap_bits_run(word, i, n);
        */
        uint64_t found = 0 - (uint64_t)(longer != 0);
        //@ assert found_is: found == (longer != 0 ? UINT64_MAX : 0);
        //@ ghost starts_select(longer, starts, found, word, length + (longer != 0 ? p : 0));
        starts = (longer & found) | (starts & ~found);
        //@ ghost pow2_bit(found, j);
        length += (unsigned)(found & ((uint64_t)1 << j));
        //@ assert length_is: length == \at(length, LoopCurrent) + (longer != 0 ? heap_pow2(j) : 0);
        //@ ghost p /= 2;
    }
    return (int8_t)length;
}

/* Free blocks at the start (bit 0 up) and at the end (bit 63 down) of a word. */
/*@ assigns \nothing;
    ensures prefix: heap_prefix_is(word, \result);
*/
static int8_t prefix_run(uint64_t word)
{
    uint64_t taken = ~word;
    return taken == 0 ? WORD_BLOCKS : (int8_t)lowest_set_bit(taken);
}

/*@ assigns \nothing;
    ensures suffix: heap_suffix_is(word, \result);
*/
static int8_t suffix_run(uint64_t word)
{
    uint64_t taken = ~word;
    return taken == 0 ? WORD_BLOCKS : (int8_t)leading_zero_bits(taken);
}

/*
 * Word w's fits byte, from the other bytes: the longest run inside the
 * word, or the run from its suffix on into the next word's prefix,
 * whichever is longer: the longest run of free blocks that begins in the
 * word, counted no further than the next word. A suffix of 0 joins
 * nothing; a next prefix of 0 leaves the suffix alone, which longest
 * already counts. The sum is at most 128, and 128 is stored as
 * FITS_LIMIT (both say "more than a word"). No branch (the compiler
 * makes the selections conditional moves): the next prefix is read from
 * word w itself when w is the last, and multiplied by 0. Whatever the
 * counts hold, the result is a fits byte, 0 to FITS_LIMIT, which
 * first_word_fitting's compare of eight at once needs.
 */
/*@ requires w < words;
    requires \valid_read(prefix + (0 .. words - 1)) && \valid_read(suffix + w) && \valid_read(longest + w);
    assigns \nothing;
    ensures bounded: 0 <= \result <= FITS_LIMIT;
    ensures fits: 0 <= suffix[w] <= 64 && 0 <= longest[w] <= 64 && (w + 1 < words ==> 0 <= prefix[w + 1] <= 64) ==>
        \result == heap_fits(suffix[w], w + 1 < words ? prefix[w + 1] : 0, longest[w]);
*/
static int8_t fits_of(const int16_t* prefix, const uint16_t* suffix, const int32_t* longest, size_t words, size_t w)
{
    bool has_next = w + 1 < words;
    int next_prefix = prefix[has_next ? w + 1 : w] * has_next;
    int across = suffix[w] != 0 ? suffix[w] + next_prefix : 0;
    int most = across > longest[w] ? across : longest[w];
    most = most < FITS_LIMIT ? most : FITS_LIMIT;   /* 128 becomes FITS_LIMIT */
    return (int8_t)(most > 0 ? most : 0);
}

/*
 * Recompute word w's counts from its map word, and the fits of the word
 * before it, which reads w's prefix; no other count reads them. Straight
 * code, no branch: most updates change one word, and under QEMU each
 * branch and call is a jump between translated blocks. The ghost
 * parameter hi, for the proof only, is the end of the words the caller
 * is describing: those from w on may still disagree with the map.
 */
/*@ requires heap_table_storage(table);
    requires w < HEAP_INDEX_BITMAP_WORDS(table->total);
    assigns table->run_prefix[w], table->run_suffix[w], table->run_longest[w],
            table->run_fits[(w > 0 ? w - 1 : 0) .. w];
    ensures map_kept: \at(heap_map_agrees(table), Pre) ==> heap_map_agrees(table);
    ensures summary_kept: \at(heap_summary_agrees(table), Pre) ==> heap_summary_agrees(table);
    ensures word: heap_word_described(table, w);
    ensures fits_before: w > 0 && 0 <= \old(table->run_suffix[w - 1]) <= 64 && 0 <= \old(table->run_longest[w - 1]) <= 64 ==>
        heap_fits_described(table, w - 1);
    ensures fits: (w + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ==> 0 <= table->run_prefix[w + 1] <= 64) ==>
        heap_fits_described(table, w);
    ensures runs_agree: w < hi <= HEAP_INDEX_BITMAP_WORDS(table->total) &&
        \at(heap_runs_agree_except(table, w, hi), Pre) ==> heap_runs_agree_except(table, w + 1, hi);
*/
static inline __attribute__((always_inline)) void describe_word(struct heap_table* table, size_t w)
    /*@ ghost (size_t hi) */
{
    /* The arrays in locals: a byte store could alias *table, for all the compiler knows. */
    size_t words = words_of(table);
    int16_t* prefix = table->run_prefix;
    uint16_t* suffix = table->run_suffix;
    int32_t* longest = table->run_longest;
    int8_t* fits = table->run_fits;
    uint64_t word = without_lone_blocks(table->free_map[w]);
    size_t before = w > 0 ? w - 1 : w;

    //@ assert before_is: w > 0 ==> before == w - 1;
    prefix[w] = prefix_run(word);
    suffix[w] = suffix_run(word);
    longest[w] = longest_run(word);
    fits[w] = fits_of(prefix, suffix, longest, words, w);
    /*@ assert before_small: w > 0 && 0 <= \at(table->run_suffix[w - 1], Pre) <= 64 &&
            0 <= \at(table->run_longest[w - 1], Pre) <= 64 ==> 0 <= suffix[before] <= 64 && 0 <= longest[before] <= 64;
    */
    fits[before] = fits_of(prefix, suffix, longest, words, before);
    /*@ assert counts_kept: \forall integer v; 0 <= v < HEAP_INDEX_BITMAP_WORDS(table->total) && v != w ==>
            table->run_prefix[v] == \at(table->run_prefix[v], Pre) &&
            table->run_suffix[v] == \at(table->run_suffix[v], Pre) &&
            table->run_longest[v] == \at(table->run_longest[v], Pre);
    */
    /*@ assert before_counts: w < hi && \at(heap_runs_agree_except(table, w, hi), Pre) && w > 0 ==>
            0 <= \at(table->run_suffix[w - 1], Pre) <= 64 && 0 <= \at(table->run_longest[w - 1], Pre) <= 64;
    */
    /*@ assert next_small: w < hi && \at(heap_runs_agree_except(table, w, hi), Pre) && w + 1 == hi &&
            w + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ==> 0 <= table->run_prefix[w + 1] <= 64;
    */
    /*@ assert words_all: w < hi && \at(heap_runs_agree_except(table, w, hi), Pre) ==>
            \forall integer v; 0 <= v < HEAP_INDEX_BITMAP_WORDS(table->total) && !(w + 1 <= v < hi) ==>
                heap_counts_are(table->free_map[v], table->run_prefix[v], table->run_suffix[v], table->run_longest[v]);
    */
    /*@ assert fits_other: w < hi && \at(heap_runs_agree_except(table, w, hi), Pre) ==>
            \forall integer v; 0 <= v < HEAP_INDEX_BITMAP_WORDS(table->total) && v != w && v + 1 != w &&
                !(w + 1 <= v < hi) && !(w + 1 <= v + 1 < hi) ==>
                heap_fits_is(table->run_fits[v], table->run_suffix[v],
                             v + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ? table->run_prefix[v + 1] : 0,
                             table->run_longest[v]);
    */
    //@ assert fits_w: w < hi && \at(heap_runs_agree_except(table, w, hi), Pre) && w + 1 == hi ==> heap_fits_described(table, w);
    //@ assert fits_w_1: w < hi && \at(heap_runs_agree_except(table, w, hi), Pre) && w > 0 ==> heap_fits_described(table, w - 1);
    /*@ assert fits_all: w < hi && \at(heap_runs_agree_except(table, w, hi), Pre) ==>
            \forall integer v; 0 <= v < HEAP_INDEX_BITMAP_WORDS(table->total) &&
                !(w + 1 <= v < hi) && !(w + 1 <= v + 1 < hi) ==>
                heap_fits_is(table->run_fits[v], table->run_suffix[v],
                             v + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ? table->run_prefix[v + 1] : 0,
                             table->run_longest[v]);
    */
    //@ assert padded: w < hi && \at(heap_runs_agree_except(table, w, hi), Pre) ==> heap_fits_padded(table);
}

/*
 * Recompute the bytes of words [first, last], in order: each word's own,
 * then the fits of the word before it, which now has its final suffix.
 * The last word's fits reads the next word's prefix, which is unchanged.
 */
/*@ requires heap_table_storage(table);
    requires first <= last < HEAP_INDEX_BITMAP_WORDS(table->total);
    assigns HEAP_INDEX_RUN_ARRAYS(table);
    ensures map_kept: \at(heap_map_agrees(table), Pre) ==> heap_map_agrees(table);
    ensures summary_kept: \at(heap_summary_agrees(table), Pre) ==> heap_summary_agrees(table);
    ensures runs_agree: \at(heap_runs_agree_except(table, first, last + 1), Pre) ==> heap_runs_agree(table);
*/
static void describe_words(struct heap_table* table, size_t first, size_t last)
{
    /*@ loop invariant first <= w <= last + 1;
        loop invariant map_kept: \at(heap_map_agrees(table), Pre) ==> heap_map_agrees(table);
        loop invariant summary_kept: \at(heap_summary_agrees(table), Pre) ==> heap_summary_agrees(table);
        loop invariant runs_agree: \at(heap_runs_agree_except(table, first, last + 1), Pre) ==>
            heap_runs_agree_except(table, w, last + 1);
        loop assigns w, HEAP_INDEX_RUN_ARRAYS(table);
        loop variant last + 1 - w;
    */
    for (size_t w = first; w <= last; w++) {
        //@ assert in_fits: w < HEAP_INDEX_FITS_BYTES(table->total);
        describe_word(table, w) /*@ ghost (last + 1) */;
    }
}

/*
 * Set or clear the bits of blocks [first, first + blocks) a whole word at
 * a time, keep the summary in step, then the run counts, unless the part
 * of the word they describe stayed the same.
 */
/*@ requires heap_table_storage(table);
    requires blocks >= 1 && first + blocks <= table->total;
    assigns table->free_map[0 .. HEAP_INDEX_WORDS(table->total) - 1],
            HEAP_INDEX_RUN_ARRAYS(table);
    ensures map_agrees: \at(heap_map_agrees_except(table, first, first + blocks), Pre) &&
        (free ==> heap_entries_free(table, first, first + blocks)) &&
        (!free ==> heap_entries_taken(table, first, first + blocks)) ==> heap_map_agrees(table);
    ensures summary_agrees: \at(heap_summary_agrees(table), Pre) ==> heap_summary_agrees(table);
    ensures runs_agree: \at(heap_runs_agree(table), Pre) ==> heap_runs_agree(table);
*/
static void mark(struct heap_table* table, size_t first, size_t blocks, bool free)
{
    size_t w = first / WORD_BLOCKS, last = (first + blocks - 1) / WORD_BLOCKS;
    uint64_t mask = ALL_FREE << first % WORD_BLOCKS;   /* the first word's share, then whole words */
    uint64_t last_mask = ALL_FREE >> (WORD_BLOCKS - 1 - (first + blocks - 1) % WORD_BLOCKS);
    uint64_t before = table->free_map[w];

    //@ assert last < HEAP_INDEX_BITMAP_WORDS(table->total);
    //@ assert one_word: w == last <==> first / 64 == (first + blocks - 1) / 64;
    //@ assert first_bits: \forall integer k; 0 <= k < 64 ==> (heap_bit(mask, k) <==> first % 64 <= k);
    /*@ assert last_bits: \forall integer k; 0 <= k < 64 ==>
            (heap_bit(last_mask, k) <==> k <= (first + blocks - 1) % 64);
    */
    if (w == last) {
        /* Most updates: one word, described in line unless its runs of two or more stayed the same. */
        mask &= last_mask;
        /*@ assert mask_bits: \forall integer k; 0 <= k < 64 ==>
                (heap_bit(mask, k) <==> first <= w * 64 + k < first + blocks);
        */
        uint64_t after = free ? before | mask : before & ~mask;
        /*@ assert after_bits: \forall integer k; 0 <= k < 64 ==>
                (heap_bit(after, k) <==> (first <= w * 64 + k < first + blocks ? free : heap_bit(before, k)));
        */
        table->free_map[w] = after;
        /*@ assert map_agrees: \at(heap_map_agrees_except(table, first, first + blocks), Pre) &&
                (free ==> heap_entries_free(table, first, first + blocks)) &&
                (!free ==> heap_entries_taken(table, first, first + blocks)) ==> heap_map_agrees(table);
        */
        //@ assert summary_but_w: \at(heap_summary_agrees(table), Pre) ==> heap_summary_agrees_except(table, w);
        summarize_word(table, w);
        /*@ assert map_summarized: \at(heap_map_agrees_except(table, first, first + blocks), Pre) &&
                (free ==> heap_entries_free(table, first, first + blocks)) &&
                (!free ==> heap_entries_taken(table, first, first + blocks)) ==> heap_map_agrees(table);
        */
        //@ assert runs_but_w: \at(heap_runs_agree(table), Pre) ==> heap_runs_agree_except(table, w, w + 1);
        /*@ assert runs_same: \at(heap_runs_agree(table), Pre) && heap_runs_word(before) == heap_runs_word(after) ==>
                heap_runs_agree(table);
        */
        if (without_lone_blocks(before) != without_lone_blocks(after))
            describe_word(table, w) /*@ ghost (w + 1) */;
        //@ assert runs_agree: \at(heap_runs_agree(table), Pre) ==> heap_runs_agree(table);
        /*@ assert map_kept: \at(heap_map_agrees_except(table, first, first + blocks), Pre) &&
                (free ==> heap_entries_free(table, first, first + blocks)) &&
                (!free ==> heap_entries_taken(table, first, first + blocks)) ==> heap_map_agrees(table);
        */
        return;
    }
    /*@ loop invariant w <= i <= last;
        loop invariant mask_from: \forall integer k; 0 <= k < 64 ==> (heap_bit(mask, k) <==> first <= i * 64 + k);
        loop invariant map_done: \at(heap_map_agrees_except(table, first, first + blocks), Pre) &&
            (free ==> heap_entries_free(table, first, first + blocks)) &&
            (!free ==> heap_entries_taken(table, first, first + blocks)) ==>
            heap_map_agrees_except(table, i == w ? first : i * 64, first + blocks);
        loop invariant summary_kept: \at(heap_summary_agrees(table), Pre) ==> heap_summary_agrees(table);
        loop invariant runs_outside: \at(heap_runs_agree(table), Pre) ==> heap_runs_agree_except(table, w, last + 1);
        loop assigns i, mask, table->free_map[0 .. HEAP_INDEX_WORDS(table->total) - 1];
        loop variant last - i;
    */
    for (size_t i = w;; i++, mask = ALL_FREE) {
        if (i == last)
            mask &= last_mask;
        /*@ assert mask_bits: \forall integer k; 0 <= k < 64 ==>
                (heap_bit(mask, k) <==> first <= i * 64 + k < first + blocks);
        */
        //@ ghost uint64_t old_word = table->free_map[i];
        table->free_map[i] = free ? table->free_map[i] | mask : table->free_map[i] & ~mask;
        /*@ assert word_bits: \forall integer k; 0 <= k < 64 ==>
                (heap_bit(table->free_map[i], k) <==> (first <= i * 64 + k < first + blocks ? free : heap_bit(old_word, k)));
        */
        /*@ assert word_done: \at(heap_map_agrees_except(table, first, first + blocks), Pre) &&
                (free ==> heap_entries_free(table, first, first + blocks)) &&
                (!free ==> heap_entries_taken(table, first, first + blocks)) ==>
                heap_map_agrees_except(table, (i + 1) * 64, first + blocks);
        */
        //@ assert summary_but_i: \at(heap_summary_agrees(table), Pre) ==> heap_summary_agrees_except(table, i);
        summarize_word(table, i);
        /*@ assert word_done_kept: \at(heap_map_agrees_except(table, first, first + blocks), Pre) &&
                (free ==> heap_entries_free(table, first, first + blocks)) &&
                (!free ==> heap_entries_taken(table, first, first + blocks)) ==>
                heap_map_agrees_except(table, (i + 1) * 64, first + blocks);
        */
        if (i == last)
            break;
    }
    /*@ assert map_all: \at(heap_map_agrees_except(table, first, first + blocks), Pre) &&
            (free ==> heap_entries_free(table, first, first + blocks)) &&
            (!free ==> heap_entries_taken(table, first, first + blocks)) ==> heap_map_agrees(table);
    */
    //@ assert runs_but_words: \at(heap_runs_agree(table), Pre) ==> heap_runs_agree_except(table, w, last + 1);
    describe_words(table, w, last);
    //@ assert runs_described: \at(heap_runs_agree(table), Pre) ==> heap_runs_agree(table);
    /*@ assert map_described: \at(heap_map_agrees_except(table, first, first + blocks), Pre) &&
            (free ==> heap_entries_free(table, first, first + blocks)) &&
            (!free ==> heap_entries_taken(table, first, first + blocks)) ==> heap_map_agrees(table);
    */
}

/*
 * Ghost code for first_word_fitting's proof only: its byte compare, which
 * the provers cannot take apart by themselves. Each fact is a ghost
 * function of its own, called by name, rather than a lemma, which would be
 * handed to every goal of the file. The chain: a word's low bits give its
 * value modulo 256 (fit_byte_value); bytes of at most 127 have their top
 * bits clear, so | with the top bits adds them (fit_top_bits_clear); then
 * byte k of the word less blocks times 0x0101..01 is byte k plus 128 less
 * blocks, 1 to 255, since no byte below borrows (fit_byte, from the lowest
 * byte up in fit_bytes): its bit 7 is set exactly when byte k is blocks
 * or more. fit_word ands that with the top bits and 'wanted'.
 * fit_same and fit_ptr hide an equation from WP's simplifier, which would
 * otherwise substitute it, writing a shifted word as a sum, or an access
 * through a pointer as one at a sum of indices: the provers match neither.
 */
/*@ predicate fit_same(integer a, integer b) = a == b; */

/*@ // The eight bytes of a load and their bound, as predicates, so that a
    // ghost function passing them on meets its callee's requires as one
    // term rather than a \forall to instantiate.
    predicate fit_bytes_are{L}(integer eight, int8_t* bytes) =
        \forall integer k; 0 <= k < 8 ==> ((eight >> (8 * k)) & 0xFF) == bytes[k];
    predicate fit_bytes_low{L}(int8_t* bytes) = \forall integer k; 0 <= k < 8 ==> 0 <= bytes[k] <= 127;
*/

#ifdef PROVE_FITS
/*@ // The bits and bytes of three constants, by cases (WP's Range tactic).
    lemma fit_bits_255: \forall integer k; 0 <= k < 8 ==> ((255 >> k) & 1) == 1;
    lemma fit_bits_top: \forall integer m; 0 <= m < 64 ==>
        (((0x8080808080808080 >> m) & 1) == 1 <==> m % 8 == 7);
    lemma fit_bytes_ones: \forall integer m; 0 <= m < 64 && m % 8 == 0 ==>
        ((0x0101010101010101 >> m) & 255) == 1;
    // A byte's value from a load (assumed_little_endian), by cases too.
    lemma heap_byte_mask: \forall integer x; 0 <= x <= 255 ==> (x & 0xFF) == x;
*/
#endif

/*@ ghost
    /@ requires (a & b) == 0;
       assigns \nothing;
       ensures (a | b) == a + b;
    @/
    static void fit_or_is_sum(uint64_t a, uint64_t b)
    {
    }
*/

/*@ ghost
    /@ assigns \nothing;
       ensures heap_bit(x, 0) <==> x % 2 == 1;
    @/
    static void fit_parity(uint64_t x)
    {
        uint64_t q = x / 2;
        fit_or_is_sum(q << 1, 1);
        /@ assert split: x == (q << 1) + x % 2; @/
        /@ assert even: !heap_bit(q << 1, 0); @/
        /@ assert odd: heap_bit((q << 1) | 1, 0); @/
    }
*/

/*@ ghost
    /@ assigns \nothing;
       ensures x >> 1 == x / 2 && x >> 2 == x / 4 && x >> 3 == x / 8 && x >> 4 == x / 16 &&
               x >> 5 == x / 32 && x >> 6 == x / 64 && x >> 7 == x / 128 && x >> 8 == x / 256;
    @/
    static void fit_shifts(uint64_t x)
    {
        /@ assert s2: (x >> 2) == (x >> 1) / 2 && (x >> 2) == x / 4; @/
        /@ assert s3: (x >> 3) == (x >> 2) / 2 && (x >> 3) == x / 8; @/
        /@ assert s4: (x >> 4) == (x >> 2) / 4 && (x >> 4) == x / 16; @/
        /@ assert s5: (x >> 5) == (x >> 4) / 2 && (x >> 5) == x / 32; @/
        /@ assert s6: (x >> 6) == (x >> 5) / 2 && (x >> 6) == x / 64; @/
        /@ assert s7: (x >> 7) == (x >> 6) / 2 && (x >> 7) == x / 128; @/
        /@ assert s8: (x >> 8) == (x >> 7) / 2 && (x >> 8) == x / 256; @/
    }
*/

/*@ ghost
    /@ assigns \nothing;
       ensures (heap_bit(x, 0) <==> x % 2 == 1) && (heap_bit(x, 1) <==> x / 2 % 2 == 1) &&
           (heap_bit(x, 2) <==> x / 4 % 2 == 1) && (heap_bit(x, 3) <==> x / 8 % 2 == 1) &&
           (heap_bit(x, 4) <==> x / 16 % 2 == 1) && (heap_bit(x, 5) <==> x / 32 % 2 == 1) &&
           (heap_bit(x, 6) <==> x / 64 % 2 == 1) && (heap_bit(x, 7) <==> x / 128 % 2 == 1);
    @/
    static void fit_low_bits(uint64_t x)
    {
        fit_shifts(x);
        fit_parity(x);
        fit_parity(x >> 1);
        fit_parity(x >> 2);
        fit_parity(x >> 3);
        fit_parity(x >> 4);
        fit_parity(x >> 5);
        fit_parity(x >> 6);
        fit_parity(x >> 7);
    }
*/

/*@ ghost
    /@ requires b == (e & 255);
       assigns \nothing;
       ensures b == e % 256;
    @/
    static void fit_byte_value(uint64_t e, uint8_t b)
    {
        fit_low_bits(b);
        fit_low_bits(e);
        /@ assert bits: \forall integer j; 0 <= j < 8 ==> (heap_bit(b, j) <==> heap_bit(e, j)); @/
        /@ assert digits: b % 2 == e % 2 && b / 2 % 2 == e / 2 % 2 && b / 4 % 2 == e / 4 % 2 && b / 8 % 2 == e / 8 % 2 &&
               b / 16 % 2 == e / 16 % 2 && b / 32 % 2 == e / 32 % 2 && b / 64 % 2 == e / 64 % 2 &&
               b / 128 % 2 == e / 128 % 2;
        @/
        /@ assert m2: b % 4 == b % 2 + 2 * (b / 2 % 2) && e % 4 == e % 2 + 2 * (e / 2 % 2); @/
        /@ assert m3: b % 8 == b % 4 + 4 * (b / 4 % 2) && e % 8 == e % 4 + 4 * (e / 4 % 2); @/
        /@ assert m4: b % 16 == b % 8 + 8 * (b / 8 % 2) && e % 16 == e % 8 + 8 * (e / 8 % 2); @/
        /@ assert m5: b % 32 == b % 16 + 16 * (b / 16 % 2) && e % 32 == e % 16 + 16 * (e / 16 % 2); @/
        /@ assert m6: b % 64 == b % 32 + 32 * (b / 32 % 2) && e % 64 == e % 32 + 32 * (e / 32 % 2); @/
        /@ assert m7: b % 128 == b % 64 + 64 * (b / 64 % 2) && e % 128 == e % 64 + 64 * (e / 64 % 2); @/
        /@ assert m8: b % 256 == b % 128 + 128 * (b / 128 % 2) && e % 256 == e % 128 + 128 * (e / 128 % 2); @/
        /@ assert low: b % 256 == e % 256; @/
    }
*/

/* A uint64_t argument is in range: eight | top, computed in C, did not wrap. */
/*@ ghost
    /@ assigns \nothing;
       ensures 0 <= y <= 0xFFFFFFFFFFFFFFFF;
    @/
    static void fit_in_range(uint64_t y)
    {
    }
*/

/*@ ghost
    /@ requires \valid_read(bytes + (0 .. 7));
       requires bytes_are: fit_bytes_are(eight, bytes);
       requires bytes_low: fit_bytes_low(bytes);
       assigns \nothing;
       ensures sum: (eight | 0x8080808080808080) == eight + 0x8080808080808080;
    @/
    static void fit_top_bits_clear(const int8_t* bytes, uint64_t eight)
    {
        uint64_t top = 0x8080808080808080ull;
        if ((eight & top) != 0) {
            unsigned j = some_set_bit(eight & top);
            /@ assert a1: heap_bit(eight & top, j); @/
            /@ assert a2: heap_bit(eight, j) && heap_bit(top, j); @/
            /@ assert a3: j % 8 == 7; @/
            /@ assert a4: j == 8 * (j / 8) + 7; @/
            /@ assert a5: heap_bit(eight >> (8 * (j / 8)), 7); @/
            /@ assert a6: heap_bit((eight >> (8 * (j / 8))) & 255, 7); @/
            fit_low_bits(bytes[j / 8]);
            /@ assert \false; @/
        }
    }
*/

/*@ ghost
    /@ requires 1 <= n <= 128 && o % 256 == 1;
       assigns \nothing;
       ensures low: fit_same(((128 - n) * o) % 256, 128 - n);
       ensures high: fit_same(((128 - n) * o) / 256, (128 - n) * (o / 256));
    @/
    static void fit_mul_ones(uint64_t o, size_t n)
    {
        /@ assert split: fit_same((128 - n) * o, 256 * ((128 - n) * (o / 256)) + (128 - n)); @/
        /@ assert high: fit_same(((128 - n) * o) / 256, (128 - n) * (o / 256)); @/
        /@ assert div_mod: fit_same((128 - n) * o, 256 * (((128 - n) * o) / 256) + ((128 - n) * o) % 256); @/
    }
*/

/*@ ghost
    /@ requires 1 <= n <= 128 && o % 256 == 1;
       requires e % 256 <= 127;
       requires fit_same(z, e + (128 - n) * o);
       assigns \nothing;
       ensures low: fit_same(z % 256, e % 256 + 128 - n);
       ensures high: fit_same(z / 256, e / 256 + (128 - n) * (o / 256));
    @/
    static void fit_byte_step(uint64_t e, uint64_t o, uint64_t z, size_t n)
    {
        fit_mul_ones(o, n);
        /@ assert e_split: fit_same(e, 256 * (e / 256) + e % 256); @/
        /@ assert z_split: fit_same(z, 256 * (e / 256 + (128 - n) * (o / 256)) + (e % 256 + 128 - n)); @/
        /@ assert z_div_mod: fit_same(z, 256 * (z / 256) + z % 256); @/
        /@ assert z_high: fit_same(z / 256, e / 256 + (128 - n) * (o / 256)); @/
    }
*/

/*@ ghost
    /@ requires \valid_read(bytes + k);
       requires 1 <= n <= 128 && 0 <= k < 8;
       requires byte: (e & 255) == bytes[k] && 0 <= bytes[k] <= 127;
       requires ones: o % 256 == 1;
       requires sum: fit_same(z >> (8 * k), e + (128 - n) * o);
       assigns \nothing;
       ensures bit: heap_bit(z, 8 * k + 7) <==> bytes[k] >= n;
       ensures next: fit_same(z >> (8 * k + 8), (e >> 8) + (128 - n) * (o >> 8));
    @/
    static void fit_byte(const int8_t* bytes, size_t n, int k, uint64_t e, uint64_t o, uint64_t z)
    {
        fit_byte_value(e, bytes[k]);
        fit_byte_step(e, o, z >> (8 * k), n);
        fit_low_bits(z >> (8 * k));
        fit_shifts(z >> (8 * k));
        fit_shifts(e);
        fit_shifts(o);
        /@ assert bit_z: heap_bit(z, 8 * k + 7) <==> heap_bit(z >> (8 * k), 7); @/
    }
*/

/*@ ghost
    /@ requires \valid_read(bytes + (0 .. 7));
       requires 1 <= n <= 128;
       requires bytes_are: fit_bytes_are(eight, bytes);
       requires bytes_low: fit_bytes_low(bytes);
       assigns \nothing;
       ensures tops: \forall integer m; 0 <= m < 64 && m % 8 == 7 ==>
           (heap_bit((uint64_t)((eight | 0x8080808080808080) - (uint64_t)(0x0101010101010101 * n)), m) <==>
            bytes[m / 8] >= n);
    @/
    static void fit_bytes(const int8_t* bytes, uint64_t eight, size_t n)
    {
        fit_top_bits_clear(bytes, eight);
        fit_in_range(eight | 0x8080808080808080ull);
        uint64_t z = (eight | 0x8080808080808080ull) - 0x0101010101010101ull * n;
        uint64_t e = eight, o = 0x0101010101010101ull;
        /@ loop invariant 0 <= k <= 8;
           loop invariant e_is: e == eight >> (8 * k);
           loop invariant o_is: o == 0x0101010101010101 >> (8 * k);
           loop invariant z_sum: fit_same(z >> (8 * k), e + (128 - n) * o);
           loop invariant done: \forall integer m; 0 <= m < 8 * k && m % 8 == 7 ==> (heap_bit(z, m) <==> bytes[m / 8] >= n);
           loop assigns k, e, o;
           loop variant 8 - k;
        @/
        for (int k = 0; k < 8; k++) {
            fit_byte_value(o, 1);
            fit_byte(bytes, n, k, e, o, z);
            e >>= 8;
            o >>= 8;
        }
    }
*/

/*@ predicate fit_ptr(int8_t* p, int8_t* q, integer off) = p == q + off; */

/* One load: the bits of at_least, said of the fits bytes by their index. */
/*@ ghost
    /@ requires \valid_read(fits + (0 .. run - 1)) && i + 8 <= run;
       requires fit_ptr(bytes, fits, i);
       requires 2 <= blocks <= 127;
       requires bounded: \forall integer j; 0 <= j < run ==> 0 <= fits[j];
       requires loaded: heap_loaded(eight, bytes);
       requires wanted_bits: \forall integer m; 0 <= m < 64 ==> (heap_bit(wanted, m) <==> from <= i + m / 8);
       requires is: at_least ==
           ((uint64_t)((eight | 0x8080808080808080) - (uint64_t)(0x0101010101010101 * blocks)) & 0x8080808080808080 & wanted);
       assigns \nothing;
       ensures set_bits: \forall integer r; 0 <= r < 64 && ((at_least >> r) & 1) == 1 ==>
           \let w = (size_t)(i + (size_t)(r / 8));
           r % 8 == 7 && w == i + r / 8 && from <= w < run && fits[w] >= blocks;
       ensures fit_bits: \forall integer j; i <= j < i + 8 && from <= j && fits[j] >= blocks ==>
           ((at_least >> (8 * (j - i) + 7)) & 1) == 1;
       ensures none: at_least == 0 ==> \forall integer j; i <= j < i + 8 && from <= j ==> fits[j] < blocks;
    @/
    static void fit_word(const int8_t* fits, size_t run, const int8_t* bytes, size_t i,
                         size_t from, size_t blocks, uint64_t eight, uint64_t wanted, uint64_t at_least)
    {
        /@ assert same_bytes: \forall integer k; 0 <= k < 8 ==> bytes[k] == fits[i + k]; @/
        /@ assert bytes_low: fit_bytes_low(bytes); @/
        /@ assert bytes_are: fit_bytes_are(eight, bytes); @/
        fit_bytes(bytes, eight, blocks);
        /@ assert and_bits: \forall integer m; 0 <= m < 64 ==>
               (heap_bit(at_least, m) <==>
                (heap_bit((uint64_t)((eight | 0x8080808080808080) - (uint64_t)(0x0101010101010101 * blocks)), m) &&
                 heap_bit(0x8080808080808080, m) && heap_bit(wanted, m)));
        @/
        /@ assert byte_bits: \forall integer m; 0 <= m < 64 && m % 8 == 7 ==>
               (heap_bit(at_least, m) <==> (from <= i + m / 8 && bytes[m / 8] >= blocks));
        @/
        /@ assert other_bits: \forall integer m; 0 <= m < 64 && heap_bit(at_least, m) ==> m % 8 == 7; @/
        /@ assert fit_bits: \forall integer j; i <= j < i + 8 && from <= j &&
               fits[j] >= blocks ==> ((at_least >> (8 * (j - i) + 7)) & 1) == 1;
        @/
    }
*/

/* fits_bytes_of for ghost code, which may not call it. */
/*@ ghost
    /@ requires \valid_read(table) && table->total <= HEAP_MAX_BLOCKS;
       assigns \nothing;
       ensures \result == HEAP_INDEX_FITS_BYTES(table->total) && \result <= 0x2000000;
    @/
    static size_t fit_fits_bytes(const struct heap_table* table)
    {
        return HEAP_INDEX_FITS_BYTES(table->total);
    }
*/

/*@ // Every fits byte, the padding's too, is a count: 0 to FITS_LIMIT (an
    // int8_t is at most that), so that eight of them compare at once.
    predicate fits_bounded{L}(struct heap_table* table) =
        \forall integer j; 0 <= j < HEAP_INDEX_FITS_BYTES(table->total) ==> 0 <= table->run_fits[j];
*/

/* Whether fits_bounded holds, for first_word_fitting's ghost code: its
 * byte compare is proved only when it does. */
/*@ ghost
    /@ requires heap_table_storage(table);
       assigns \nothing;
       ensures \result <==> fits_bounded(table);
    @/
    static bool fit_bounded(const struct heap_table* table)
    {
        size_t run = fit_fits_bytes(table);
        /@ loop invariant 0 <= i <= run;
           loop invariant \forall integer j; 0 <= j < i ==> 0 <= table->run_fits[j];
           loop assigns i;
           loop variant run - i;
        @/
        for (size_t i = 0; i < run; i++)
            if (table->run_fits[i] < 0) {
                /@ assert over: !fits_bounded(table); @/
                return false;
            }
        /@ assert all: fits_bounded(table); @/
        return true;
    }
*/

/*
 * The first word at or after 'from' whose fits byte is at least 'blocks'
 * (2 to FITS_LIMIT), or words_of(table) when there is none. Eight bytes
 * at a time: with each byte's top bit set beforehand, subtracting blocks
 * from every byte at once borrows from no neighbour, and a byte keeps its
 * top bit exactly when it was at least blocks (every byte is at most
 * FITS_LIMIT). The padding bytes past the last word are 0.
 */
/*@ requires heap_table_storage(table);
    requires from <= HEAP_INDEX_BITMAP_WORDS(table->total);
    requires 2 <= blocks <= FITS_LIMIT;
    assigns \nothing;
    ensures from <= \result <= HEAP_INDEX_FITS_BYTES(table->total);
    ensures fits: fits_bounded(table) && \result < HEAP_INDEX_BITMAP_WORDS(table->total) ==>
        table->run_fits[\result] >= blocks;
    ensures none_before: fits_bounded(table) ==> \forall integer v; from <= v < \result ==>
        table->run_fits[v] < blocks;
*/
static size_t first_word_fitting(const struct heap_table* table, size_t from, size_t blocks)
{
    const int8_t* fits = table->run_fits;
    const uint64_t top_bits = 0x8080808080808080ull, ones = 0x0101010101010101ull;
    uint64_t wanted = ~(uint64_t)0 << 8 * (from % 8);   /* the first load: bytes from 'from' on */

    //@ ghost size_t run = fit_fits_bytes(table);
    //@ ghost bool bounded = fit_bounded(table);
    //@ assert first_wanted: \forall integer m; 0 <= m < 64 ==> (heap_bit(wanted, m) <==> 8 * (from % 8) <= m);
    /*@ loop invariant aligned: i % 8 == 0 && from - from % 8 <= i <= run;
        loop invariant wanted_bits: \forall integer m; 0 <= m < 64 ==> (heap_bit(wanted, m) <==> from <= i + m / 8);
        loop invariant none_before: bounded ==> \forall integer j; from <= j < i ==> fits[j] < blocks;
        loop assigns i, wanted;
        loop variant run - i;
    */
    for (size_t i = from - from % 8; i < fits_bytes_of(table); i += 8, wanted = ~(uint64_t)0) {
        //@ assert in_run: i + 8 <= run;
        uint64_t eight = load_eight(&fits[i]);
        uint64_t at_least = ((eight | top_bits) - ones * blocks) & top_bits & wanted;
        //@ assert in_wanted: \forall integer r; 0 <= r < 64 && heap_bit(at_least, r) ==> from <= i + r / 8;
        //@ ghost if (bounded) fit_word(fits, run, &fits[i], i, from, blocks, eight, wanted, at_least);
        if (at_least)
            return i + (size_t)lowest_set_bit(at_least) / 8;
    }
    return words_of(table);
}

/* The lowest bit at which 'blocks' set bits in a row begin, or WORD_BLOCKS when none do. */
/*@ // Two runs of a bits, the second s <= a bits after the first, make one of a + s.
    lemma heap_bits_run_join: \forall integer x, i, a, s; 0 <= i && 0 <= s <= a ==>
        (heap_bits_run(x, i, a) && heap_bits_run(x, i + s, a) <==> heap_bits_run(x, i, a + s));
*/
/*@ requires 1 <= blocks <= WORD_BLOCKS;
    assigns \nothing;
    ensures \result <= WORD_BLOCKS;
    ensures found: \result < WORD_BLOCKS ==> heap_bits_run(word, \result, blocks);
    ensures first: \forall integer i; 0 <= i < \result ==> !heap_bits_run(word, i, blocks);
*/
static size_t first_run_in_word(uint64_t word, size_t blocks)
{
    /* Invariant: bit i of word is set when the bits i .. i + have - 1 all were.
     * Three steps always (a step of 0 once have reaches blocks changes nothing),
     * so that a request of up to 8 blocks takes no branch whose outcome varies
     * with its size; longer ones go on in the loop. */
    size_t have = 1;
    /*@ loop invariant 0 <= i <= 3;
        loop invariant 1 <= have <= blocks;
        loop invariant runs: \forall integer k; 0 <= k ==>
            (heap_bit(word, k) <==> heap_bits_run(\at(word, Pre), k, have));
        loop assigns i, have, word;
        loop variant 3 - i;
    */
    for (int i = 0; i < 3; i++) {
        size_t step = have < blocks - have ? have : blocks - have;
        word &= word >> step;
        /*@ assert step_runs: \forall integer k; 0 <= k ==>
                (heap_bit(word, k) <==> heap_bits_run(\at(word, Pre), k, have) &&
                                        heap_bits_run(\at(word, Pre), k + step, have));
        */
        have += step;
    }
    /*@ loop invariant 1 <= have <= blocks;
        loop invariant runs: \forall integer k; 0 <= k ==>
            (heap_bit(word, k) <==> heap_bits_run(\at(word, Pre), k, have));
        loop assigns have, word;
        loop variant blocks - have;
    */
    while (have < blocks) {
        size_t step = have < blocks - have ? have : blocks - have;
        word &= word >> step;
        /*@ assert step_runs: \forall integer k; 0 <= k ==>
                (heap_bit(word, k) <==> heap_bits_run(\at(word, Pre), k, have) &&
                                        heap_bits_run(\at(word, Pre), k + step, have));
        */
        have += step;
    }
    //@ assert all_runs: \forall integer k; 0 <= k ==> (heap_bit(word, k) <==> heap_bits_run(\at(word, Pre), k, blocks));
    return word != 0 ? (size_t)lowest_set_bit(word) : WORD_BLOCKS;
}

/*
 * Ghost code for the search's proof (heap_index_find for two blocks or
 * more, and find_long_run): what a word's run counts say about the free
 * blocks of the table, when the index agrees with it. Each function says
 * what it says under that condition, so that it may be called whether or
 * not the index agrees; block numbers stay v * 64 + k, never divided.
 */
#ifdef PROVE_SEARCH
/*@ // The counts describe heap_runs_word of a map word (the word without
    // its lone free blocks, heap.h): it has the same runs of two or more,
    // and its prefix and suffix are the map word's own.
    lemma heap_bit_ends: \forall integer k; 0 <= k < 64 ==>
        (((0x8000000000000001 >> k) & 1) == 1 <==> (k == 0 || k == 63));
    lemma heap_runs_word_bit: \forall uint64_t m; \forall integer k; 0 <= k < 64 ==>
        (heap_bit(heap_runs_word(m), k) <==>
         heap_bit(m, k) && (k == 0 || k == 63 || heap_bit(m, k - 1) || heap_bit(m, k + 1)));
    lemma heap_runs_word_sub: \forall uint64_t m; \forall integer k; 0 <= k < 64 ==>
        heap_bit(heap_runs_word(m), k) ==> heap_bit(m, k);
    lemma heap_runs_word_in_run: \forall uint64_t m; \forall integer i, n, k; 2 <= n &&
        heap_bits_run(m, i, n) && i <= k < i + n ==> heap_bit(heap_runs_word(m), k);
    lemma heap_runs_word_run_bit: \forall uint64_t m; \forall integer i, n, k;
        heap_bits_run(heap_runs_word(m), i, n) && i <= k < i + n ==> heap_bit(heap_runs_word(m), k) && heap_bit(m, k);
    lemma heap_runs_word_run: \forall uint64_t m; \forall integer i, n; 2 <= n ==>
        heap_bits_run(m, i, n) ==> heap_bits_run(heap_runs_word(m), i, n);
    lemma heap_runs_word_clear: \forall uint64_t m; \forall integer k; 0 <= k < 64 &&
        (k == 0 || heap_bit(heap_runs_word(m), k - 1)) && !heap_bit(heap_runs_word(m), k) ==> !heap_bit(m, k);
    lemma heap_runs_word_clear_end: \forall uint64_t m; \forall integer k; 0 <= k < 64 &&
        (k == 63 || heap_bit(heap_runs_word(m), k + 1)) && !heap_bit(heap_runs_word(m), k) ==> !heap_bit(m, k);
*/
#endif

/*
 * runs_word_prefix, runs_word_suffix: the prefix and the suffix of
 * heap_runs_word(m), which the counts describe, are m's own. Its bits are
 * the map word's (heap_runs_word_sub), and the bit that ends its prefix or
 * suffix is clear in the map word too, since a lone block is one with no
 * free neighbour (heap_runs_word_clear, _clear_end).
 */
/*@ ghost
    /@ assigns \nothing;
       ensures heap_prefix_is(heap_runs_word(m), p) ==> heap_prefix_is(m, p);
    @/
    static void runs_word_prefix(uint64_t m, int p)
    {
        /@ assert sub: \forall integer k; 0 <= k < 64 ==> heap_bit(heap_runs_word(m), k) ==> heap_bit(m, k); @/
        /@ assert runs_set: heap_prefix_is(heap_runs_word(m), p) ==>
               \forall integer k; 0 <= k < p ==> 0 <= k < 64 && heap_bit(heap_runs_word(m), k); @/
        /@ assert set: heap_prefix_is(heap_runs_word(m), p) ==> \forall integer k; 0 <= k < p ==> heap_bit(m, k); @/
        /@ assert end: heap_prefix_is(heap_runs_word(m), p) ==> p < 64 ==>
               (p == 0 || heap_bit(heap_runs_word(m), p - 1)) && !heap_bit(heap_runs_word(m), p); @/
    }
*/
/*@ ghost
    /@ assigns \nothing;
       ensures heap_suffix_is(heap_runs_word(m), s) ==> heap_suffix_is(m, s);
    @/
    static void runs_word_suffix(uint64_t m, int s)
    {
        /@ assert sub: \forall integer k; 0 <= k < 64 ==> heap_bit(heap_runs_word(m), k) ==> heap_bit(m, k); @/
        /@ assert runs_set: heap_suffix_is(heap_runs_word(m), s) ==>
               \forall integer k; 64 - s <= k < 64 ==> 0 <= k && heap_bit(heap_runs_word(m), k); @/
        /@ assert set: heap_suffix_is(heap_runs_word(m), s) ==> \forall integer k; 64 - s <= k < 64 ==> heap_bit(m, k); @/
        /@ assert end: heap_suffix_is(heap_runs_word(m), s) ==> s < 64 ==>
               (s == 0 || heap_bit(heap_runs_word(m), 64 - s)) && !heap_bit(heap_runs_word(m), 63 - s); @/
    }
*/

/* ghost_words_of: words_of for ghost code, which may call only ghost functions. */
/*@ ghost
    /@ requires \valid_read(table) && table->total <= HEAP_MAX_BLOCKS;
       assigns \nothing;
       ensures \result == HEAP_INDEX_BITMAP_WORDS(table->total);
    @/
    static size_t ghost_words_of(const struct heap_table* table)
    {
        return HEAP_INDEX_BITMAP_WORDS(table->total);
    }
*/

/* long_ends: an agreeing word's suffix and prefix counts are its map word's. */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires w < HEAP_INDEX_BITMAP_WORDS(table->total);
       assigns \nothing;
       ensures heap_runs_agree(table) ==>
           heap_suffix_is(table->free_map[w], table->run_suffix[w]) &&
           heap_prefix_is(table->free_map[w], table->run_prefix[w]);
    @/
    static void long_ends(const struct heap_table* table, size_t w)
    {
        runs_word_prefix(table->free_map[w], table->run_prefix[w]);
        runs_word_suffix(table->free_map[w], table->run_suffix[w]);
        /@ assert described: heap_runs_agree(table) ==> heap_word_described(table, w); @/
    }
*/

/* next_prefix: the prefix count of the word after w, when there is one, is its map word's. */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires w < HEAP_INDEX_BITMAP_WORDS(table->total);
       assigns \nothing;
       ensures heap_runs_agree(table) && w + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ==>
           heap_prefix_is(table->free_map[w + 1], table->run_prefix[w + 1]);
    @/
    static void next_prefix(const struct heap_table* table, size_t w)
    {
        if (w + 1 < ghost_words_of(table))
            long_ends(table, w + 1);
    }
*/

/*
 * long_word_free: the set bits of an agreeing map word are free blocks of
 * the table, its clear bits blocks that are not.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires w < HEAP_INDEX_BITMAP_WORDS(table->total);
       assigns \nothing;
       ensures free: heap_map_agrees(table) ==>
           \forall integer b; w * 64 <= b < w * 64 + 64 && heap_bit(table->free_map[w], b - w * 64) ==>
               b < table->total && table->entries[b] == HEAP_BLOCK_TABLE_ENTRY_FREE;
       ensures taken: heap_map_agrees(table) ==>
           \forall integer k; 0 <= k < 64 && !heap_bit(table->free_map[w], k) ==>
               !(w * 64 + k < table->total && table->entries[w * 64 + k] == HEAP_BLOCK_TABLE_ENTRY_FREE);
    @/
    static void long_word_free(const struct heap_table* table, size_t w)
    {
    }
*/

/*
 * long_suffix_blocked: no run of more than a word's blocks starts in word
 * w before its suffix: the block before the suffix is not free (when the
 * suffix is not the whole word), and the run would reach past it.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires WORD_BLOCKS < blocks;
       requires w < HEAP_INDEX_BITMAP_WORDS(table->total);
       assigns \nothing;
       ensures heap_map_agrees(table) && heap_runs_agree(table) ==>
           table->run_suffix[w] <= 64 &&
           \forall integer b; w * 64 <= b < (w + 1) * 64 - table->run_suffix[w] ==>
               !heap_free_run(table, b, blocks);
    @/
    static void long_suffix_blocked(const struct heap_table* table, size_t blocks, size_t w)
    {
        long_ends(table, w);
        long_word_free(table, w);
        /@ assert taken: heap_map_agrees(table) && heap_runs_agree(table) && table->run_suffix[w] < 64 ==>
               !(w * 64 + 63 - table->run_suffix[w] < table->total &&
                 table->entries[w * 64 + 63 - table->run_suffix[w]] == HEAP_BLOCK_TABLE_ENTRY_FREE); @/
    }
*/

/* long_prefix_taken: the block after an agreeing word's prefix, when the prefix is not the whole word, is not free. */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires u < HEAP_INDEX_BITMAP_WORDS(table->total);
       assigns \nothing;
       ensures heap_map_agrees(table) && heap_runs_agree(table) ==> 0 <= table->run_prefix[u] <= 64 &&
           (table->run_prefix[u] < 64 ==>
            !(u * 64 + table->run_prefix[u] < table->total &&
              table->entries[u * 64 + table->run_prefix[u]] == HEAP_BLOCK_TABLE_ENTRY_FREE));
    @/
    static void long_prefix_taken(const struct heap_table* table, size_t u)
    {
        long_ends(table, u);
        long_word_free(table, u);
    }
*/

/*
 * long_fits_word: a run of more than a word's blocks from block b of
 * word v covers the bits from b on of word v and the next word's bits up
 * to b's, so the suffix of word v reaches b and the next word's prefix
 * is longer than b's place in its word: word v's fits byte is more than 64.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires WORD_BLOCKS < blocks;
       requires v < HEAP_INDEX_BITMAP_WORDS(table->total);
       assigns \nothing;
       ensures heap_map_agrees(table) && heap_runs_agree(table) && table->run_fits[v] < 65 ==>
           \forall integer b; v * 64 <= b < v * 64 + 64 ==> !heap_free_run(table, b, blocks);
    @/
    static void long_fits_word(const struct heap_table* table, size_t blocks, size_t v)
    {
        long_suffix_blocked(table, blocks, v);
        /@ assert next_word: \forall integer b; v * 64 <= b < v * 64 + 64 && heap_free_run(table, b, blocks) ==>
               v + 1 < HEAP_INDEX_BITMAP_WORDS(table->total); @/
        if (v + 1 < HEAP_INDEX_BITMAP_WORDS(table->total))
            long_prefix_taken(table, v + 1);
        /@ assert prefix_long: heap_map_agrees(table) && heap_runs_agree(table) ==>
               \forall integer b; v * 64 <= b < v * 64 + 64 && heap_free_run(table, b, blocks) ==>
               table->run_prefix[v + 1] > b - v * 64; @/
        /@ assert fits: heap_runs_agree(table) ==> heap_fits_described(table, v); @/
    }
*/

/*
 * fits_bounded_of: agreeing counts are what first_word_fitting asks:
 * every fits byte, the padding's too, is 0 or more.
 */
/*@ ghost
    /@ requires \valid_read(table) && table->total <= HEAP_MAX_BLOCKS;
       assigns \nothing;
       ensures heap_runs_agree(table) ==> fits_bounded(table);
    @/
    static void fits_bounded_of(const struct heap_table* table)
    {
        /@ assert words: heap_runs_agree(table) ==> \forall integer j; 0 <= j < HEAP_INDEX_BITMAP_WORDS(table->total) ==>
               heap_fits_described(table, j); @/
        /@ assert bounded: heap_runs_agree(table) ==> \forall integer j;
               0 <= j < HEAP_INDEX_FITS_BYTES(table->total) ==> 0 <= table->run_fits[j]; @/
    }
*/

/*
 * long_none_in: no run of more than a word's blocks starts in words
 * [lo, end) when their fits bytes are 64 or less, nor past the map's
 * words when end is past them.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires WORD_BLOCKS < blocks;
       requires lo <= end <= HEAP_INDEX_FITS_BYTES(table->total) && lo <= HEAP_INDEX_BITMAP_WORDS(table->total);
       assigns \nothing;
       ensures heap_map_agrees(table) && heap_runs_agree(table) &&
           (\forall integer v; lo <= v < end ==> table->run_fits[v] < 65) ==>
           \forall integer b; lo * 64 <= b && (b < end * 64 || HEAP_INDEX_BITMAP_WORDS(table->total) <= end) ==>
               !heap_free_run(table, b, blocks);
    @/
    static void long_none_in(const struct heap_table* table, size_t blocks, size_t lo, size_t end)
    {
        size_t hi = end < HEAP_INDEX_BITMAP_WORDS(table->total) ? end : HEAP_INDEX_BITMAP_WORDS(table->total);
        size_t u = lo;
        /@ loop invariant lo <= u <= hi;
           loop invariant none: heap_map_agrees(table) && heap_runs_agree(table) &&
               (\forall integer v; lo <= v < end ==> table->run_fits[v] < 65) ==>
               \forall integer b; lo * 64 <= b < u * 64 ==> !heap_free_run(table, b, blocks);
           loop assigns u;
           loop variant hi - u;
        @/
        while (u < hi) {
            long_fits_word(table, blocks, u);
            u++;
        }
        /@ assert past_map: \forall integer b; HEAP_INDEX_BITMAP_WORDS(table->total) * 64 <= b ==>
               !heap_free_run(table, b, blocks); @/
    }
*/

/*
 * long_run_blocks: the blocks from word w's suffix through the all-free
 * words before 'next', and with_prefix the prefix of word next, are free.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires w < next <= HEAP_INDEX_BITMAP_WORDS(table->total);
       requires with_prefix ==> next < HEAP_INDEX_BITMAP_WORDS(table->total);
       requires \forall integer u; w < u < next ==> table->free_map[u] == ALL_FREE;
       assigns \nothing;
       ensures heap_map_agrees(table) && heap_runs_agree(table) ==>
           table->run_suffix[w] <= 64 &&
           \forall integer b; (w + 1) * 64 - table->run_suffix[w] <= b &&
               b < next * 64 + (with_prefix ? table->run_prefix[next] : 0) ==>
               b < table->total && table->entries[b] == HEAP_BLOCK_TABLE_ENTRY_FREE;
    @/
    static void long_run_blocks(const struct heap_table* table, size_t w, size_t next, bool with_prefix)
    {
        long_ends(table, w);
        long_word_free(table, w);
        /@ assert suffix_free: heap_map_agrees(table) && heap_runs_agree(table) ==>
               \forall integer b; (w + 1) * 64 - table->run_suffix[w] <= b < (w + 1) * 64 ==>
               b < table->total && table->entries[b] == HEAP_BLOCK_TABLE_ENTRY_FREE; @/
        size_t u = w + 1;
        /@ loop invariant w + 1 <= u <= next;
           loop invariant middle: heap_map_agrees(table) ==>
               \forall integer b; (w + 1) * 64 <= b < u * 64 ==>
               b < table->total && table->entries[b] == HEAP_BLOCK_TABLE_ENTRY_FREE;
           loop assigns u;
           loop variant next - u;
        @/
        while (u < next) {
            long_word_free(table, u);
            /@ assert all_set: \forall integer k; 0 <= k < 64 ==> heap_bit(table->free_map[u], k); @/
            u++;
        }
        if (with_prefix) {
            long_ends(table, next);
            long_word_free(table, next);
        }
        /@ assert prefix_free: with_prefix && heap_map_agrees(table) && heap_runs_agree(table) ==>
               \forall integer b; next * 64 <= b < next * 64 + table->run_prefix[next] ==>
               b < table->total && table->entries[b] == HEAP_BLOCK_TABLE_ENTRY_FREE; @/
    }
*/

/* long_run_free: a free run of 'blocks' from word w's suffix on, when the blocks of long_run_blocks are enough. */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires w < next <= HEAP_INDEX_BITMAP_WORDS(table->total);
       requires with_prefix ==> next < HEAP_INDEX_BITMAP_WORDS(table->total);
       requires \forall integer u; w < u < next ==> table->free_map[u] == ALL_FREE;
       requires 1 <= blocks;
       assigns \nothing;
       ensures heap_map_agrees(table) && heap_runs_agree(table) &&
           (w + 1) * 64 - table->run_suffix[w] + blocks <= next * 64 + (with_prefix ? table->run_prefix[next] : 0) ==>
           heap_free_run(table, (w + 1) * 64 - table->run_suffix[w], blocks);
    @/
    static void long_run_free(const struct heap_table* table, size_t blocks, size_t w, size_t next, bool with_prefix)
    {
        long_run_blocks(table, w, next, with_prefix);
        /@ assert last: heap_map_agrees(table) && heap_runs_agree(table) &&
               (w + 1) * 64 - table->run_suffix[w] + blocks <= next * 64 + (with_prefix ? table->run_prefix[next] : 0) ==>
               table->entries[(w + 1) * 64 - table->run_suffix[w] + blocks - 1] == HEAP_BLOCK_TABLE_ENTRY_FREE &&
               (w + 1) * 64 - table->run_suffix[w] + blocks - 1 < table->total; @/
    }
*/

/* long_clear_bit: a clear bit of a word that is not all ones (a set bit of the word's complement, which is not 0). */
/*@ ghost
    /@ requires m != ALL_FREE;
       assigns \nothing;
       ensures 0 <= \result < 64 && !heap_bit(m, \result);
    @/
    static unsigned long_clear_bit(uint64_t m)
    {
        uint64_t x = m ^ ALL_FREE;
        /@ assert x_is: x == (m ^ ALL_FREE); @/
        /@ assert not_zero: x != 0; @/
        unsigned k = some_set_bit(x);
        /@ assert all_set: heap_bit(ALL_FREE, k); @/
        /@ assert flipped: heap_bit(x, k) <==> !heap_bit(m, k); @/
        return k;
    }
*/

/*
 * long_run_end: where a measured run stops. Past the last word no block
 * is in the table; in a word that is not all free, the prefix ends before
 * the word's end, at a block that is not free.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires next <= HEAP_INDEX_BITMAP_WORDS(table->total);
       assigns \nothing;
       ensures past: next == HEAP_INDEX_BITMAP_WORDS(table->total) ==> table->total <= next * 64;
       ensures taken: heap_map_agrees(table) && heap_runs_agree(table) &&
           next < HEAP_INDEX_BITMAP_WORDS(table->total) && table->free_map[next] != ALL_FREE ==>
           table->run_prefix[next] < 64 &&
           !(next * 64 + table->run_prefix[next] < table->total &&
             table->entries[next * 64 + table->run_prefix[next]] == HEAP_BLOCK_TABLE_ENTRY_FREE);
    @/
    static void long_run_end(const struct heap_table* table, size_t next)
    {
        if (next < HEAP_INDEX_BITMAP_WORDS(table->total)) {
            long_prefix_taken(table, next);
            long_ends(table, next);
            if (table->free_map[next] != ALL_FREE) {
                unsigned k = long_clear_bit(table->free_map[next]);
                /@ assert short: heap_runs_agree(table) ==> table->run_prefix[next] <= k; @/
            }
        }
    }
*/

/*
 * The leftmost run of 'blocks' > WORD_BLOCKS free blocks. Such a run
 * starts in some word's suffix and reaches past the next word's start, so
 * that word's fits byte is more than WORD_BLOCKS: each such word is a
 * candidate, and the run from it is measured over the whole words free
 * after it, then the prefix of the first word that is not. A candidate
 * too short is skipped with all the words its run covered, so no word is
 * looked at twice: at most one pass over the words.
 */
/*@ requires heap_table_storage(table);
    requires \valid(start) && \separated(start, table);
    requires WORD_BLOCKS < blocks;
    assigns *start;
    ensures leftmost_fit: \old(heap_map_agrees(table) && heap_runs_agree(table)) ==>
        (\result <==> \exists integer b; heap_free_run{Pre}(table, b, blocks)) &&
        (\result ==> heap_free_run{Pre}(table, *start, blocks) &&
                     \forall integer b; 0 <= b < *start ==> !heap_free_run{Pre}(table, b, blocks));
*/
static bool find_long_run(const struct heap_table* table, size_t blocks, size_t* start)
{
    const uint16_t* suffix = table->run_suffix;
    size_t words = words_of(table);

    //@ ghost fits_bounded_of(table);
    /*@ loop invariant from <= words;
        loop invariant none_before: heap_map_agrees(table) && heap_runs_agree(table) ==>
            \forall integer b; 0 <= b < from * 64 ==> !heap_free_run(table, b, blocks);
        loop assigns from;
        loop variant words - from;
    */
    for (size_t from = 0;;) {
        size_t w = first_word_fitting(table, from, WORD_BLOCKS + 1);
        //@ ghost long_none_in(table, blocks, from, w);
        /*@ assert none_to_w: heap_map_agrees(table) && heap_runs_agree(table) ==>
                \forall integer b; 0 <= b && (b < w * 64 || words <= w) ==> !heap_free_run(table, b, blocks);
        */
        /* w < from never happens (the search starts at from); the test shows the prover that the loop ends. */
        if (w >= words || w < from)
            return false;
        size_t length = suffix[w], next = w + 1;
        /*@ loop invariant w + 1 <= next <= words;
            loop invariant length == table->run_suffix[w] + 64 * (next - w - 1);
            loop invariant all_free: \forall integer u; w < u < next ==> table->free_map[u] == ALL_FREE;
            loop assigns next, length;
            loop variant words - next;
        */
        for (; length < blocks && next < words && table->free_map[next] == ALL_FREE; next++)
            length += WORD_BLOCKS;
        //@ ghost bool with_prefix = length < blocks && next < words;
        if (length < blocks && next < words)
            length += (size_t)table->run_prefix[next];
        //@ ghost long_suffix_blocked(table, blocks, w);
        //@ ghost if (with_prefix) long_prefix_taken(table, next);
        /*@ assert length_is: heap_map_agrees(table) && heap_runs_agree(table) ==>
                length == table->run_suffix[w] + 64 * (next - w - 1) + (with_prefix ? table->run_prefix[next] : 0);
        */
        if (length >= blocks) {
            size_t first = (w + 1) * WORD_BLOCKS - suffix[w];
            //@ ghost long_run_free(table, blocks, w, next, with_prefix);
            /*@ assert found_free: heap_map_agrees(table) && heap_runs_agree(table) ==>
                    first == (w + 1) * 64 - table->run_suffix[w] && heap_free_run(table, first, blocks);
            */
            /*@ assert found_first: heap_map_agrees(table) && heap_runs_agree(table) ==>
                    \forall integer b; 0 <= b < first ==> !heap_free_run(table, b, blocks);
            */
            *start = first;
            return true;
        }
        //@ ghost long_run_end(table, next);
        /*@ assert skipped: heap_map_agrees(table) && heap_runs_agree(table) ==>
                \forall integer b; 0 <= b < next * 64 ==> !heap_free_run(table, b, blocks);
        */
        from = next;
    }
}

/**
 * heap_index_build - derive the whole index from the table's entries.
 * @table: the table, with its free_map and run arrays
 *
 * A free entry is one whose type is free. Every word and byte is written,
 * whatever the storage held before.
 * Context: heap_create, and tests that write a table by hand.
 */
void heap_index_build(struct heap_table* table)
{
    size_t words = words_of(table);

    /*@ loop invariant 0 <= w <= words;
        loop invariant built: \forall integer v, k; 0 <= v < w && 0 <= k < 64 ==>
            (heap_bit(table->free_map[v], k) <==>
             (v * 64 + k < table->total &&
              (table->entries[v * 64 + k] & HEAP_BLOCK_TYPE_MASK) == HEAP_BLOCK_TABLE_ENTRY_FREE));
        loop assigns w, table->free_map[0 .. words - 1];
        loop variant words - w;
    */
    for (size_t w = 0; w < words; w++) {
        table->free_map[w] = word_from_table(table, w);
        //@ assert words_kept: \forall integer v; 0 <= v < w ==> table->free_map[v] == \at(table->free_map[v], LoopCurrent);
    }
    //@ assert map_built: heap_entries_known(table) ==> heap_map_agrees(table);
    /*@ loop invariant 0 <= s <= HEAP_INDEX_SUMMARY_WORDS(table->total);
        loop invariant built: heap_summary_agrees_except_from(table, HEAP_INDEX_BITMAP_WORDS(table->total) + s);
        loop invariant map_words_kept: \forall integer v; 0 <= v < HEAP_INDEX_BITMAP_WORDS(table->total) ==>
            table->free_map[v] == \at(table->free_map[v], LoopEntry);
        loop assigns s, table->free_map[HEAP_INDEX_BITMAP_WORDS(table->total) .. HEAP_INDEX_WORDS(table->total) - 1];
        loop variant HEAP_INDEX_SUMMARY_WORDS(table->total) - s;
    */
    for (size_t s = 0; s < summary_words_of(table); s++) {
        summary_of(table)[s] = summary_from_map(table, s);
        /*@ assert map_words_kept: \forall integer v; 0 <= v < HEAP_INDEX_BITMAP_WORDS(table->total) ==>
                table->free_map[v] == \at(table->free_map[v], LoopCurrent);
        */
        /*@ assert summary_words_kept: \forall integer i;
                HEAP_INDEX_BITMAP_WORDS(table->total) <= i < HEAP_INDEX_BITMAP_WORDS(table->total) + s ==>
                table->free_map[i] == \at(table->free_map[i], LoopCurrent);
        */
        /*@ assert word_s: \forall integer j; 0 <= j < 64 ==>
                (heap_bit(table->free_map[HEAP_INDEX_BITMAP_WORDS(table->total) + s], j) <==>
                 (s * 64 + j < HEAP_INDEX_BITMAP_WORDS(table->total) && table->free_map[s * 64 + j] != 0));
        */
    }
    //@ assert map_still_built: heap_entries_known(table) ==> heap_map_agrees(table);
    /* The padding's fits bytes stay 0; every other count is written below
     * (a word's fits byte is written again once the next word's prefix is). */
    /*@ loop invariant 0 <= i <= HEAP_INDEX_FITS_BYTES(table->total);
        loop invariant entries_kept: \forall integer b; 0 <= b < table->total ==>
            table->entries[b] == \at(table->entries[b], LoopEntry);
        loop invariant summary_kept: heap_summary_agrees(table);
        loop invariant zeroed: \forall integer j; 0 <= j < i ==> table->run_fits[j] == 0;
        loop assigns i, table->run_fits[0 .. HEAP_INDEX_FITS_BYTES(table->total) - 1];
        loop variant HEAP_INDEX_FITS_BYTES(table->total) - i;
    */
    for (size_t i = 0; i < fits_bytes_of(table); i++)
        table->run_fits[i] = 0;
    //@ assert map_zeroed: heap_entries_known(table) ==> heap_map_agrees(table);
    //@ assert padded: heap_fits_padded(table);
    //@ assert none_described: heap_runs_agree_except(table, 0, words);
    if (words > 0)
        describe_words(table, 0, words - 1);
}

/*
 * Ghost code for heap_index_find's leftmost fit of 2 to 64 blocks: a run
 * of n <= 64 free blocks that starts in word v lies inside it or reaches
 * into word v + 1 only, so fits[v] >= n when one starts there.
 *
 * free_run_bits: a free run inside word v is a run of set bits of it.
 */
/*@ ghost
    /@ requires v < HEAP_INDEX_BITMAP_WORDS(table->total) && 1 <= n;
       assigns \nothing;
       ensures heap_map_agrees(table) ==> \forall integer b;
           v * 64 <= b && b + n <= v * 64 + 64 && heap_free_run(table, b, n) ==>
           heap_bits_run(table->free_map[v], b - v * 64, n);
    @/
    static void free_run_bits(const struct heap_table* table, size_t v, size_t n)
    {
    }
*/
/* bits_free_run: a run of set bits of map word v is a free run. */
/*@ ghost
    /@ requires v < HEAP_INDEX_BITMAP_WORDS(table->total) && 1 <= n;
       assigns \nothing;
       ensures heap_map_agrees(table) ==> \forall integer i;
           heap_bits_run(table->free_map[v], i, n) ==> heap_free_run(table, v * 64 + i, n);
    @/
    static void bits_free_run(const struct heap_table* table, size_t v, size_t n)
    {
        /@ assert free: heap_map_agrees(table) ==> \forall integer i, b; heap_bits_run(table->free_map[v], i, n) &&
               v * 64 + i <= b < v * 64 + i + n ==> heap_bit(table->free_map[v], b - v * 64) &&
               b < table->total && table->entries[b] == HEAP_BLOCK_TABLE_ENTRY_FREE; @/
        /@ assert end: heap_map_agrees(table) ==> \forall integer i; heap_bits_run(table->free_map[v], i, n) ==>
               heap_bit(table->free_map[v], i + n - 1) && v * 64 + i + n - 1 < table->total; @/
    }
*/
/* inside_fits: a run of n set bits in map word v makes its fits byte n or more. */
/*@ ghost
    /@ requires v < HEAP_INDEX_BITMAP_WORDS(table->total) && 2 <= n <= 64;
       assigns \nothing;
       ensures heap_runs_agree(table) ==> \forall integer i; heap_bits_run(table->free_map[v], i, n) ==>
           table->run_fits[v] >= n;
    @/
    static void inside_fits(const struct heap_table* table, size_t v, size_t n)
    {
        /@ assert described: heap_runs_agree(table) ==>
               heap_word_described(table, v) && heap_fits_described(table, v); @/
        /@ assert runs: \forall integer i; heap_bits_run(table->free_map[v], i, n) ==>
               heap_bits_run(heap_runs_word(table->free_map[v]), i, n); @/
        /@ assert longest: heap_runs_agree(table) && n < 64 ==> \forall integer i;
               heap_bits_run(table->free_map[v], i, n) ==> table->run_longest[v] >= n; @/
        /@ assert whole: heap_runs_agree(table) && n == 64 ==> \forall integer i;
               heap_bits_run(table->free_map[v], i, n) ==> table->run_suffix[v] == 64; @/
    }
*/
/* across_fits: a free run from word v into word v + 1 makes v's fits byte n or more. */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires v < HEAP_INDEX_BITMAP_WORDS(table->total) && 2 <= n <= 64;
       assigns \nothing;
       ensures heap_map_agrees(table) && heap_runs_agree(table) ==> \forall integer b;
           v * 64 <= b < v * 64 + 64 < b + n && heap_free_run(table, b, n) ==> table->run_fits[v] >= n;
    @/
    static void across_fits(const struct heap_table* table, size_t v, size_t n)
    {
        next_prefix(table, v);
        /@ assert described: heap_runs_agree(table) ==>
               heap_word_described(table, v) && heap_fits_described(table, v); @/
        /@ assert tail_set: heap_map_agrees(table) ==> \forall integer b, k;
               v * 64 <= b < v * 64 + 64 < b + n && heap_free_run(table, b, n) && b - v * 64 <= k < 64 ==>
               heap_bit(table->free_map[v], k); @/
        /@ assert suffix_long: heap_map_agrees(table) && heap_runs_agree(table) ==> \forall integer b;
               v * 64 <= b < v * 64 + 64 < b + n && heap_free_run(table, b, n) ==>
               table->run_suffix[v] >= v * 64 + 64 - b; @/
        /@ assert next_prefix: heap_runs_agree(table) && v + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ==>
               heap_prefix_is(table->free_map[v + 1], table->run_prefix[v + 1]); @/
        /@ assert head_set: heap_map_agrees(table) ==> \forall integer b, k;
               v * 64 <= b < v * 64 + 64 < b + n && heap_free_run(table, b, n) && 0 <= k < b + n - v * 64 - 64 ==>
               heap_bit(table->free_map[v + 1], k); @/
        /@ assert prefix_long: heap_map_agrees(table) && heap_runs_agree(table) ==> \forall integer b;
               v * 64 <= b < v * 64 + 64 < b + n && heap_free_run(table, b, n) ==>
               table->run_prefix[v + 1] >= b + n - v * 64 - 64; @/
    }
*/
/* no_run_in_word: a fits byte below n says no run of n starts in its word. */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires v < HEAP_INDEX_BITMAP_WORDS(table->total) && 2 <= n <= 64;
       assigns \nothing;
       ensures heap_map_agrees(table) && heap_runs_agree(table) && table->run_fits[v] < n ==>
           \forall integer b; v * 64 <= b < v * 64 + 64 ==> !heap_free_run(table, b, n);
    @/
    static void no_run_in_word(const struct heap_table* table, size_t v, size_t n)
    {
        free_run_bits(table, v, n);
        inside_fits(table, v, n);
        across_fits(table, v, n);
    }
*/
/*
 * words_before: no run of n starts before word w when the fits bytes of
 * the words before it are below n, and none at all when w is past the
 * last word.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires w <= HEAP_INDEX_FITS_BYTES(table->total) && 2 <= n <= 64;
       assigns \nothing;
       ensures before: heap_map_agrees(table) && heap_runs_agree(table) &&
           (\forall integer v; 0 <= v < w ==> table->run_fits[v] < n) ==>
           \forall integer b; 0 <= b < w * 64 ==> !heap_free_run(table, b, n);
       ensures none: heap_map_agrees(table) && heap_runs_agree(table) && w >= HEAP_INDEX_BITMAP_WORDS(table->total) &&
           (\forall integer v; 0 <= v < w ==> table->run_fits[v] < n) ==>
           \forall integer b; !heap_free_run(table, b, n);
    @/
    static void words_before(const struct heap_table* table, size_t w, size_t n)
    {
        size_t v = 0;
        /@ loop invariant 0 <= v <= w;
           loop invariant heap_map_agrees(table) && heap_runs_agree(table) &&
               (\forall integer u; 0 <= u < w ==> table->run_fits[u] < n) ==>
               \forall integer b; 0 <= b < v * 64 ==> !heap_free_run(table, b, n);
           loop assigns v;
           loop variant w - v;
        @/
        while (v < w) {
            if (v < HEAP_INDEX_BITMAP_WORDS(table->total))
                no_run_in_word(table, v, n);
            v++;
        }
    }
*/
/* runs_word_shorter: a run of l >= n >= 2 set bits of heap_runs_word(m) starts one of n of m. */
/*@ ghost
    /@ requires 2 <= n;
       assigns \nothing;
       ensures \forall integer i, l; n <= l && heap_bits_run(heap_runs_word(m), i, l) ==>
           0 <= i < 64 && heap_bits_run(m, i, n);
    @/
    static void runs_word_shorter(uint64_t m, size_t n)
    {
        /@ assert bits: \forall integer i, l, k; heap_bits_run(heap_runs_word(m), i, l) && i <= k < i + l ==>
               heap_bit(heap_runs_word(m), k) && heap_bit(m, k); @/
    }
*/
/*
 * across_start: when no run of n set bits is inside word w and its fits
 * byte is n or more, the run from its suffix on is free, and none starts
 * in the word before it.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires w < HEAP_INDEX_BITMAP_WORDS(table->total) && 2 <= n <= 64;
       requires none_inside: \forall integer i; 0 <= i < 64 ==> !heap_bits_run(table->free_map[w], i, n);
       assigns \nothing;
       ensures heap_map_agrees(table) && heap_runs_agree(table) && table->run_fits[w] >= n ==>
           \let s = table->run_suffix[w];
           1 <= s <= 64 && heap_free_run(table, w * 64 + 64 - s, n) &&
           \forall integer b; w * 64 <= b < w * 64 + 64 - s ==> !heap_free_run(table, b, n);
    @/
    static void across_start(const struct heap_table* table, size_t w, size_t n)
    {
        free_run_bits(table, w, n);
        runs_word_shorter(table->free_map[w], n);
        runs_word_suffix(table->free_map[w], table->run_suffix[w]);
        next_prefix(table, w);
        /@ assert described: heap_runs_agree(table) ==>
               heap_word_described(table, w) && heap_fits_described(table, w); @/
        /@ assert short: heap_runs_agree(table) ==> table->run_longest[w] < n; @/
        /@ assert across: heap_runs_agree(table) && table->run_fits[w] >= n ==>
               1 <= table->run_suffix[w] <= 64 &&
               table->run_suffix[w] + (w + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ? table->run_prefix[w + 1] : 0) >= n; @/
        /@ assert suffix: heap_runs_agree(table) ==> heap_suffix_is(table->free_map[w], table->run_suffix[w]); @/
        /@ assert next_prefix: heap_runs_agree(table) && w + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) ==>
               heap_prefix_is(table->free_map[w + 1], table->run_prefix[w + 1]); @/
        /@ assert free: heap_map_agrees(table) && heap_runs_agree(table) && table->run_fits[w] >= n ==>
               \forall integer b;
               w * 64 + 64 - table->run_suffix[w] <= b < w * 64 + 64 - table->run_suffix[w] + n ==>
               (b < w * 64 + 64 ==> heap_bit(table->free_map[w], b - w * 64)) &&
               (w * 64 + 64 <= b ==> w + 1 < HEAP_INDEX_BITMAP_WORDS(table->total) &&
                                     heap_bit(table->free_map[w + 1], b - (w + 1) * 64)) &&
               b < table->total && table->entries[b] == HEAP_BLOCK_TABLE_ENTRY_FREE; @/
        /@ assert end: heap_map_agrees(table) && heap_runs_agree(table) && table->run_fits[w] >= n ==>
               table->entries[w * 64 + 64 - table->run_suffix[w] + n - 1] == HEAP_BLOCK_TABLE_ENTRY_FREE &&
               w * 64 + 64 - table->run_suffix[w] + n <= table->total; @/
        /@ assert inside_none: heap_map_agrees(table) ==> \forall integer b;
               w * 64 <= b && b + n <= w * 64 + 64 ==> !heap_free_run(table, b, n); @/
        /@ assert across_none: heap_map_agrees(table) && heap_runs_agree(table) ==> \forall integer b;
               w * 64 <= b < w * 64 + 64 - table->run_suffix[w] && w * 64 + 64 < b + n && heap_free_run(table, b, n) ==>
               table->entries[w * 64 + 63 - table->run_suffix[w]] == HEAP_BLOCK_TABLE_ENTRY_FREE &&
               heap_bit(table->free_map[w], 63 - table->run_suffix[w]); @/
    }
*/
/*
 * word_leftmost: where heap_index_find puts the run in word w, the first
 * whose fits byte is n or more: at bit c, the first run of n set bits in
 * the word, or when there is none (c = 64) at the word's suffix, and no
 * run starts in the word before it.
 */
/*@ ghost
    /@ requires heap_table_storage(table);
       requires w < HEAP_INDEX_BITMAP_WORDS(table->total) && 2 <= n <= 64 && c <= 64;
       requires c < 64 ==> heap_bits_run(table->free_map[w], c, n);
       requires \forall integer i; 0 <= i < c ==> !heap_bits_run(table->free_map[w], i, n);
       assigns \nothing;
       ensures inside: heap_map_agrees(table) && c < 64 ==>
           heap_free_run(table, w * 64 + c, n) &&
           \forall integer b; w * 64 <= b < w * 64 + c ==> !heap_free_run(table, b, n);
       ensures across: heap_map_agrees(table) && heap_runs_agree(table) && c == 64 && table->run_fits[w] >= n ==>
           \let s = table->run_suffix[w];
           1 <= s <= 64 && heap_free_run(table, w * 64 + 64 - s, n) &&
           \forall integer b; w * 64 <= b < w * 64 + 64 - s ==> !heap_free_run(table, b, n);
    @/
    static void word_leftmost(const struct heap_table* table, size_t w, size_t n, size_t c)
    {
        free_run_bits(table, w, n);
        bits_free_run(table, w, n);
        if (c == 64)
            across_start(table, w, n);
    }
*/

/**
 * heap_index_find - find the leftmost run of free blocks long enough.
 * @table: an indexed table
 * @blocks: the run's length, at least 1
 * @start: where to store the run's first block
 *
 * One block: the first set bit of the summary, then of that word. Up to
 * a word's worth: the first word whose fits byte is long enough, then the
 * run inside it, or else the one across its end. Longer: find_long_run.
 * Return: true and *start set, or false when no run is that long.
 */
bool heap_index_find(const struct heap_table* table, size_t blocks, size_t* start)
{
    if (blocks == 1) {
        /* The most common request: the first word with a free block, from the summary. */
        /*@ assert one_block_runs: \forall integer b; heap_free_run(table, b, 1) <==>
                0 <= b < table->total && table->entries[b] == HEAP_BLOCK_TABLE_ENTRY_FREE;
        */
        const uint64_t* summary = summary_of(table);
        size_t s;
        /*@ loop invariant 0 <= s <= HEAP_INDEX_SUMMARY_WORDS(table->total);
            loop invariant summary_zero: \forall integer i;
                HEAP_INDEX_BITMAP_WORDS(table->total) <= i < HEAP_INDEX_BITMAP_WORDS(table->total) + s ==>
                    table->free_map[i] == 0;
            loop assigns s;
            loop variant HEAP_INDEX_SUMMARY_WORDS(table->total) - s;
        */
        for (s = 0; s < summary_words_of(table); s++) {
            if (summary[s] != 0) {
                unsigned bit = lowest_set_bit(summary[s]);
                size_t w = s * WORD_BLOCKS + (size_t)bit;
                //@ assert summary_bit: heap_bit(summary[s], bit);
                //@ assert summary_below: \forall integer j; 0 <= j < bit ==> !heap_bit(summary[s], j);
                /*@ assert word_found: heap_summary_agrees(table) ==>
                        w < HEAP_INDEX_BITMAP_WORDS(table->total) && table->free_map[w] != 0;
                */
                /* Never true of an index that agrees with itself (a summary bit
                 * stands for a word with a free block); one compare each keeps
                 * a damaged index from reading past the map. */
                if (w >= words_of(table) || table->free_map[w] == 0)
                    return false;
                unsigned block = lowest_set_bit(table->free_map[w]);
                //@ assert block_bit: heap_bit(table->free_map[w], block);
                //@ assert block_below: \forall integer k; 0 <= k < block ==> !heap_bit(table->free_map[w], k);
                /*@ assert empty_before: heap_map_agrees(table) && heap_summary_agrees(table) ==>
                        index_empty_before(table, s, bit, block);
                */
                //@ ghost taken_before(table, s, bit, block);
                /*@ assert block_free: heap_map_agrees(table) ==>
                        w * 64 + block < table->total &&
                        table->entries[w * 64 + block] == HEAP_BLOCK_TABLE_ENTRY_FREE;
                */
                /*@ assert taken_below: heap_map_agrees(table) && heap_summary_agrees(table) ==>
                        \forall integer b; 0 <= b < w * 64 + block ==> table->entries[b] != HEAP_BLOCK_TABLE_ENTRY_FREE;
                */
                size_t first = w * WORD_BLOCKS + (size_t)block;
                //@ assert first_is: first == w * 64 + block;
                /*@ assert found: heap_map_agrees(table) && heap_summary_agrees(table) ==>
                        heap_free_run(table, first, 1) && \forall integer b; 0 <= b < first ==> !heap_free_run(table, b, 1);
                */
                *start = first;
                return true;
            }
        }
        //@ ghost taken_before(table, s, 0, 0);
        /*@ assert none_free: heap_map_agrees(table) && heap_summary_agrees(table) ==>
                \forall integer b; 0 <= b < table->total ==> table->entries[b] != HEAP_BLOCK_TABLE_ENTRY_FREE;
        */
        //@ assert no_run: heap_map_agrees(table) && heap_summary_agrees(table) ==> \forall integer b; !heap_free_run(table, b, 1);
        return false;
    }
    if (blocks == 0)
        return false;
    if (blocks > WORD_BLOCKS)
        return find_long_run(table, blocks, start);

    size_t w = first_word_fitting(table, 0, blocks);
    //@ ghost fits_bounded_of(table);
    //@ ghost words_before(table, w, blocks);
    if (w >= words_of(table))
        return false;
    size_t inside = first_run_in_word(table->free_map[w], blocks);
    size_t first = inside < WORD_BLOCKS ? w * WORD_BLOCKS + inside : (w + 1) * WORD_BLOCKS - table->run_suffix[w];
    //@ ghost word_leftmost(table, w, blocks, inside);
    //@ assert fits_w: heap_runs_agree(table) ==> table->run_fits[w] >= blocks;
    //@ assert first_inside: inside < 64 ==> first == w * 64 + inside;
    //@ assert first_across: inside == 64 && table->run_suffix[w] <= 64 ==> first == w * 64 + 64 - table->run_suffix[w];
    /*@ assert found: heap_map_agrees(table) && heap_runs_agree(table) ==>
            heap_free_run(table, first, blocks) && \forall integer b; 0 <= b < first ==> !heap_free_run(table, b, blocks);
    */
    *start = first;
    return true;
}

/**
 * heap_index_mark_taken - record that blocks [first, first + blocks) are taken.
 * @table: an indexed table
 * @first: the first block
 * @blocks: at least 1, with first + blocks <= table->total
 *
 * Whole words at a time, then the run counts of the words touched and the
 * fits of the word before them.
 * Context: wherever the table's entries are marked taken.
 */
void heap_index_mark_taken(struct heap_table* table, size_t first, size_t blocks)
{
    mark(table, first, blocks, false);
}

/**
 * heap_index_mark_free - record that blocks [first, first + blocks) are free.
 * @table: an indexed table
 * @first: the first block
 * @blocks: at least 1, with first + blocks <= table->total
 * Context: wherever the table's entries are set free.
 */
void heap_index_mark_free(struct heap_table* table, size_t first, size_t blocks)
{
    mark(table, first, blocks, true);
}

/**
 * heap_index_check - verify the index against the table.
 * @table: an indexed table
 *
 * Every word of the free map must be what the entries imply (bits past
 * the end clear), every summary bit what its word implies (bits past the
 * last word clear), and every run count what its word and the next imply
 * (the fits padding 0).
 * Return: 0, or -EIO at the first disagreement.
 */
int heap_index_check(const struct heap_table* table)
{
    size_t words = words_of(table);

    /*@ loop invariant 0 <= s <= HEAP_INDEX_SUMMARY_WORDS(table->total);
        loop assigns s;
        loop variant HEAP_INDEX_SUMMARY_WORDS(table->total) - s;
    */
    for (size_t s = 0; s < summary_words_of(table); s++) {
        if (summary_of(table)[s] != summary_from_map(table, s))
            return -EIO;
    }
    /*@ loop invariant 0 <= w <= words;
        loop assigns w;
        loop variant words - w;
    */
    for (size_t w = 0; w < words; w++) {
        uint64_t word = without_lone_blocks(table->free_map[w]);
        if (table->free_map[w] != word_from_table(table, w) || table->run_prefix[w] != prefix_run(word) ||
            table->run_suffix[w] != suffix_run(word) || table->run_longest[w] != longest_run(word))
            return -EIO;
    }
    /*@ loop invariant 0 <= w <= words;
        loop assigns w;
        loop variant words - w;
    */
    for (size_t w = 0; w < words; w++) {
        int8_t fits = fits_of(table->run_prefix, table->run_suffix, table->run_longest, words, w);
        if (table->run_fits[w] != fits)
            return -EIO;
    }
    /*@ loop invariant words <= w <= HEAP_INDEX_FITS_BYTES(table->total);
        loop assigns w;
        loop variant HEAP_INDEX_FITS_BYTES(table->total) - w;
    */
    for (size_t w = words; w < fits_bytes_of(table); w++) {
        if (table->run_fits[w] != 0)
            return -EIO;
    }
    return 0;
}
