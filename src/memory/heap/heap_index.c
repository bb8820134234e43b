/*
 * The free index of the block-table heap (docs/memory.md, "The index").
 *
 * The table says what block i is, but not where the first run of n free
 * blocks lies: only a walk finds that, and a walk over 20,000 taken
 * blocks is what made the heap slow. The index finds it in a few steps,
 * whatever the heap holds. It is derived from the table, in three parts:
 *
 *  - the free map: one bit per block, set while the block is free, 64
 *    blocks to a word, so one word operation looks at 64 blocks;
 *  - the summary: one bit per map word, set while the word has a free
 *    block. A one-block request, the most common, is two bit scans: the
 *    first set bit of the summary, then the first set bit of that word;
 *  - a tree over the map's words, for longer requests. Every node keeps,
 *    for the blocks below it, the longest free run, the free run at the
 *    start (prefix) and the free run at the end (suffix): enough to join
 *    two halves, as a run lies in the left half, in the right half, or
 *    crosses the middle as the left's suffix followed by the right's
 *    prefix.
 *
 * Blocks past the end of the table (the rest of the last word, and the
 * padding leaves) count as taken, so no run ever reaches past the end.
 */
#include "heap_index.h"
#include "status.h"

#define WORD_BLOCKS HEAP_INDEX_WORD_BLOCKS
#define ALL_FREE UINT64_MAX

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
*/
static void summarize_word(struct heap_table* table, size_t w)
{
    uint64_t* summary = &summary_of(table)[w / WORD_BLOCKS];
    uint64_t bit = (uint64_t)1 << w % WORD_BLOCKS;
    *summary = (*summary & ~bit) | (table->free_map[w] != 0 ? bit : 0);
}

/* The summary word s that the map's words imply. */
/*@ requires heap_table_storage(table);
    requires s < HEAP_INDEX_SUMMARY_WORDS(table->total);
    assigns \nothing;
*/
static uint64_t summary_from_map(const struct heap_table* table, size_t s)
{
    uint64_t summary = 0;
    /*@ loop invariant s * WORD_BLOCKS <= w;
        loop assigns w, summary;
        loop variant HEAP_INDEX_BITMAP_WORDS(table->total) - w;
    */
    for (size_t w = s * WORD_BLOCKS; w < (s + 1) * WORD_BLOCKS && w < words_of(table); w++)
        summary |= (uint64_t)(table->free_map[w] != 0) << w % WORD_BLOCKS;
    return summary;
}

/* HEAP_INDEX_LEAVES, computed faster: the least power of two >= the words. */
static size_t leaves_of(const struct heap_table* table)
{
    size_t words = words_of(table);
    return words <= 1 ? 1 : (size_t)1 << (64 - __builtin_clzll((uint64_t)words - 1));
}

/* The bits of word w that stand for blocks in [first, end); the word must overlap the range. */
/*@ requires first < end && w * WORD_BLOCKS < end && first < (w + 1) * WORD_BLOCKS;
    requires (w + 1) * WORD_BLOCKS <= SIZE_MAX;
    assigns \nothing;
*/
static uint64_t word_mask(size_t w, size_t first, size_t end)
{
    size_t base = w * WORD_BLOCKS;
    size_t low = first > base ? first - base : 0;
    size_t high = end < base + WORD_BLOCKS ? end - base : WORD_BLOCKS;
    return ALL_FREE >> (WORD_BLOCKS - (high - low)) << low;
}

/* The free-map word that the table's entries imply: a byte walk, for building and checking only. */
/*@ requires heap_table_storage(table);
    requires w < HEAP_INDEX_BITMAP_WORDS(table->total);
    assigns \nothing;
*/
static uint64_t word_from_table(const struct heap_table* table, size_t w)
{
    uint64_t word = 0;
    /*@ loop invariant 0 <= b <= WORD_BLOCKS;
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
 * The longest run of set bits in word, by binary search over the length:
 * 'starts' holds the positions where a run of 'length' begins, and each
 * step tries to lengthen every such run by k at once. A loop over the runs
 * would be shorter, but its end is a mispredicted branch most of the time.
 */
static uint32_t longest_run(uint64_t word)
{
    uint64_t runs[6] = {word};   /* runs[j]: bit i set when bits i .. i + 2^j - 1 all are */
    for (int j = 1; j < 6; j++)
        runs[j] = runs[j - 1] & runs[j - 1] >> (1 << (j - 1));

    uint64_t starts = ALL_FREE;
    uint32_t length = 0;
    for (int j = 5; j >= 0; j--) {
        uint64_t longer = starts & runs[j] >> length;
        uint64_t found = 0 - (uint64_t)(longer != 0);
        starts = (longer & found) | (starts & ~found);
        length += (uint32_t)(found & ((uint64_t)1 << j));
    }
    return length;   /* at most 63: a word of all ones is answered before */
}

/*
 * The part of a word the tree sees. One-block requests never consult the
 * tree (the summary serves them), so it leaves out the free blocks that
 * can serve nothing longer: those whose neighbours in the word are both
 * taken. Blocks at either end of the word stay in, as their other
 * neighbour is in the next word. Every run of two or more is still there
 * whole, so the tree's answers are the map's; and a lone block taken or
 * freed between taken neighbours, which is much of what a busy heap does,
 * leaves the tree as it was.
 */
/*@ assigns \nothing; */
static uint64_t without_lone_blocks(uint64_t word)
{
    uint64_t pairs = word & word >> 1;   /* bit i: blocks i and i + 1 both free */
    return word & (pairs | pairs << 1 | ((uint64_t)1 | (uint64_t)1 << 63));
}

/* A leaf of the tree: the free runs of one word, whose bit b is the word's block b. */
static struct heap_index_node word_node(uint64_t word)
{
    word = without_lone_blocks(word);
    if (word == ALL_FREE)
        return (struct heap_index_node){WORD_BLOCKS, WORD_BLOCKS, WORD_BLOCKS};
    return (struct heap_index_node){longest_run(word), __builtin_ctzll(~word), __builtin_clzll(~word)};
}

/* The free runs of two adjacent ranges of 'half' blocks each, taken as one. */
/*@ assigns \nothing; */
static struct heap_index_node join(struct heap_index_node left, struct heap_index_node right, uint32_t half)
{
    struct heap_index_node node;
    node.prefix = left.prefix == half ? half + right.prefix : left.prefix;
    node.suffix = right.suffix == half ? half + left.suffix : right.suffix;
    node.longest = left.suffix + right.prefix;
    if (left.longest > node.longest)
        node.longest = left.longest;
    if (right.longest > node.longest)
        node.longest = right.longest;
    return node;
}

/*@ assigns \nothing; */
static bool same_node(struct heap_index_node a, struct heap_index_node b)
{
    /* One test, not three: whether a node changed is hard to predict. */
    return ((a.longest ^ b.longest) | (a.prefix ^ b.prefix) | (a.suffix ^ b.suffix)) == 0;
}

/* Store value in *node; return whether that changed it. */
/*@ requires \valid(node);
    assigns *node;
*/
static bool store_node(struct heap_index_node* node, struct heap_index_node value)
{
    if (same_node(*node, value))
        return false;
    *node = value;
    return true;
}

/*
 * Recompute the leaves of words [first, last] from the free map, then
 * their ancestors a level at a time. The tree was right before the words
 * changed, so once a whole level comes out as it was, nothing above it
 * can change: stop there. Most changes touch one word; from the level
 * where the range has narrowed to one node, that node's new value is
 * carried up to the root in registers and only its sibling is read. It
 * could stop at the first node that comes out unchanged too, but which
 * level that is varies from call to call, so the branch would be
 * mispredicted about once a climb: the few joins left above it cost less
 * (bench/heap_bench.c: 0 to 10% less per malloc and free).
 */
static void refresh(struct heap_table* table, size_t first, size_t last)
{
    struct heap_index_node* tree = table->free_tree;
    size_t leaves = leaves_of(table);
    size_t low = leaves + first, high = leaves + last;
    uint32_t half = WORD_BLOCKS;
    bool changed = false;

    for (size_t w = first; w <= last; w++)
        changed |= store_node(&tree[leaves + w], word_node(table->free_map[w]));
    for (; changed && low < high; half *= 2) {
        low /= 2;
        high /= 2;
        changed = false;
        for (size_t i = low; i <= high; i++)
            changed |= store_node(&tree[i], join(tree[2 * i], tree[2 * i + 1], half));
    }
    if (!changed)
        return;
    for (struct heap_index_node node = tree[low]; low > 1; low /= 2, half *= 2) {
        struct heap_index_node sibling = tree[low ^ 1];
        bool is_right = low & 1;   /* a different side at every level: select, do not branch */
        struct heap_index_node left = {
            is_right ? sibling.longest : node.longest,
            is_right ? sibling.prefix : node.prefix,
            is_right ? sibling.suffix : node.suffix,
        };
        struct heap_index_node right = {
            is_right ? node.longest : sibling.longest,
            is_right ? node.prefix : sibling.prefix,
            is_right ? node.suffix : sibling.suffix,
        };
        node = join(left, right, half);
        tree[low / 2] = node;
    }
}

/*
 * Set or clear the bits of blocks [first, first + blocks) a whole word at
 * a time, keep the summary in step, then refresh the tree once over the
 * words touched, unless the part of the word it sees stayed the same.
 */
static void mark(struct heap_table* table, size_t first, size_t blocks, bool free)
{
    size_t w = first / WORD_BLOCKS, last = (first + blocks - 1) / WORD_BLOCKS;
    uint64_t mask = ALL_FREE << first % WORD_BLOCKS;   /* the first word's share, then whole words */
    uint64_t last_mask = ALL_FREE >> (WORD_BLOCKS - 1 - (first + blocks - 1) % WORD_BLOCKS);
    uint64_t before = table->free_map[w];

    for (size_t i = w;; i++, mask = ALL_FREE) {
        if (i == last)
            mask &= last_mask;
        table->free_map[i] = free ? table->free_map[i] | mask : table->free_map[i] & ~mask;
        summarize_word(table, i);
        if (i == last)
            break;
    }
    if (w == last && without_lone_blocks(before) == without_lone_blocks(table->free_map[w]))
        return;
    refresh(table, w, last);
}

/* The lowest bit at which 'blocks' set bits in a row begin; the word must have such a run. */
static size_t first_run_in_word(uint64_t word, size_t blocks)
{
    /* Invariant: bit i of word is set when the bits i .. i + have - 1 all were. */
    for (size_t have = 1; have < blocks;) {
        size_t step = have < blocks - have ? have : blocks - have;
        word &= word >> step;
        have += step;
    }
    return (size_t)__builtin_ctzll(word);
}

/**
 * heap_index_build - derive the whole index from the table's entries.
 * @table: the table, with its free_map and free_tree storage
 *
 * A free entry is one whose type is free. Every word and node is written,
 * whatever the storage held before.
 * Context: heap_create, and tests that write a table by hand.
 */
void heap_index_build(struct heap_table* table)
{
    struct heap_index_node* tree = table->free_tree;
    size_t words = words_of(table), leaves = leaves_of(table);

    for (size_t w = 0; w < words; w++)
        table->free_map[w] = word_from_table(table, w);
    for (size_t s = 0; s < HEAP_INDEX_SUMMARY_WORDS(table->total); s++)
        summary_of(table)[s] = summary_from_map(table, s);
    for (size_t w = 0; w < leaves; w++)
        tree[leaves + w] = word_node(w < words ? table->free_map[w] : 0);
    for (size_t low = leaves / 2, half = WORD_BLOCKS; low >= 1; low /= 2, half *= 2) {
        for (size_t i = low; i < 2 * low; i++)
            tree[i] = join(tree[2 * i], tree[2 * i + 1], half);
    }
}

/**
 * heap_index_find - find the leftmost run of free blocks long enough.
 * @table: an indexed table
 * @blocks: the run's length, at least 1
 * @start: where to store the run's first block
 *
 * One block: the first set bit of the summary, then of that word. More:
 * walk down the tree from the root. At each node the leftmost run lies in
 * the left child if that holds one long enough; else it crosses the
 * middle if the left's suffix and the right's prefix are long enough
 * together; else it lies in the right child. A run found at a leaf lies
 * inside one word. Left or right is computed, not branched on: the way
 * differs every time, and a mispredicted branch per level would cost more
 * than the step.
 * Return: true and *start set, or false when no run is that long.
 */
bool heap_index_find(const struct heap_table* table, size_t blocks, size_t* start)
{
    const struct heap_index_node* tree = table->free_tree;
    size_t leaves = leaves_of(table);
    size_t node = 1, first = 0;                /* node's range starts at block 'first' */
    size_t half = leaves * WORD_BLOCKS / 2;    /* the blocks under each child of node */

    if (blocks == 1) {
        /* The most common request: the first word with a free block, from the summary. */
        const uint64_t* summary = summary_of(table);
        for (size_t s = 0; s < HEAP_INDEX_SUMMARY_WORDS(table->total); s++) {
            if (summary[s] != 0) {
                size_t w = s * WORD_BLOCKS + (size_t)__builtin_ctzll(summary[s]);
                *start = w * WORD_BLOCKS + (size_t)__builtin_ctzll(table->free_map[w]);
                return true;
            }
        }
        return false;
    }
    if (blocks == 0 || tree[1].longest < blocks)
        return false;
    for (; node < leaves; half /= 2) {
        const struct heap_index_node* left = &tree[2 * node];
        size_t go_right = left->longest < blocks;
        /* The run across the middle, counted only when the left child holds none. */
        size_t across = ((size_t)left->suffix + left[1].prefix) & (0 - go_right);
        if (across >= blocks) {
            *start = first + half - left->suffix;
            return true;
        }
        node = 2 * node + go_right;
        first += half & (0 - go_right);
    }
    *start = first + first_run_in_word(table->free_map[node - leaves], blocks);
    return true;
}

/**
 * heap_index_is_free - whether every block of [first, first + blocks) is free.
 * @table: an indexed table
 * @first: the first block, below table->total
 * @blocks: at least 1, with first + blocks <= table->total
 * Return: true when all are free.
 */
/*@ requires heap_table_storage(table);
    requires blocks >= 1 && first + blocks <= table->total;
    assigns \nothing;
*/
bool heap_index_is_free(const struct heap_table* table, size_t first, size_t blocks)
{
    size_t end = first + blocks;

    /*@ loop invariant first / WORD_BLOCKS <= w <= HEAP_INDEX_BITMAP_WORDS(table->total);
        loop assigns w;
        loop variant HEAP_INDEX_BITMAP_WORDS(table->total) - w;
    */
    for (size_t w = first / WORD_BLOCKS; w * WORD_BLOCKS < end; w++) {
        uint64_t mask = word_mask(w, first, end);
        if ((table->free_map[w] & mask) != mask)
            return false;
    }
    return true;
}

/**
 * heap_index_mark_taken - record that blocks [first, first + blocks) are taken.
 * @table: an indexed table
 * @first: the first block
 * @blocks: at least 1, with first + blocks <= table->total
 *
 * Whole words at a time, then the tree once over the leaves they touch,
 * climbing only as far as nodes change.
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
 * last word clear), every leaf what its word implies, and every other
 * node the join of its children.
 * Return: 0, or -EIO at the first disagreement.
 */
int heap_index_check(const struct heap_table* table)
{
    const struct heap_index_node* tree = table->free_tree;
    size_t words = words_of(table), leaves = leaves_of(table);

    for (size_t s = 0; s < HEAP_INDEX_SUMMARY_WORDS(table->total); s++) {
        if (summary_of(table)[s] != summary_from_map(table, s))
            return -EIO;
    }
    for (size_t w = 0; w < leaves; w++) {
        uint64_t word = w < words ? table->free_map[w] : 0;
        if (w < words && word != word_from_table(table, w))
            return -EIO;
        if (!same_node(tree[leaves + w], word_node(word)))
            return -EIO;
    }
    for (size_t low = leaves / 2, half = WORD_BLOCKS; low >= 1; low /= 2, half *= 2) {
        for (size_t i = low; i < 2 * low; i++) {
            if (!same_node(tree[i], join(tree[2 * i], tree[2 * i + 1], half)))
                return -EIO;
        }
    }
    return 0;
}
