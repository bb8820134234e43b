/*
 * The block-table heap (docs/memory.md, "The heap").
 *
 * The heap is a range of equal blocks and a table with one byte per block.
 * An allocation is a run of taken blocks: the first is flagged IS_FIRST and
 * every block but the last is flagged HAS_NEXT, so a free can find the whole
 * run from its first block alone. Placement is leftmost first fit. The
 * table is the canonical state; the free index beside it (heap_index.c)
 * answers the search, and every function here that writes the table
 * updates the index in the same call.
 *
 * This file touches no hardware and no global state: the kernel and the
 * hosted tests compile it alike.
 */
#include "heap.h"
#include "heap_index.h"
#include "config.h"
#include "status.h"

/*@ assigns \nothing;
    ensures \result == (entry & HEAP_BLOCK_TYPE_MASK);
*/
static int heap_block_type(HEAP_BLOCK_TABLE_ENTRY entry)
{
    return entry & HEAP_BLOCK_TYPE_MASK;
}

/*@ requires heap_storage(heap);
    requires index < heap->table->total;
    assigns \nothing;
*/
static bool heap_block_is_free(const struct heap* heap, size_t index)
{
    return heap_entry_is_free(heap->table->entries[index]);
}

/*@ assigns \nothing; */
static bool heap_validate_alignment(void* ptr)
{
    return ((uintptr_t)ptr % VANA_HEAP_BLOCK_SIZE) == 0;
}

/*@ requires \valid_read(heap);
    assigns \nothing;
    ensures \result == (size_t)((uintptr_t)address - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE;
*/
static size_t heap_block_to_index(const struct heap* heap, const void* address)
{
    return ((uintptr_t)address - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE;
}

/*@ requires heap_storage(heap) && heap_in_address_space(heap);
    requires index < heap->table->total;
    assigns \nothing;
    ensures \result == (char*)heap->saddr + index * VANA_HEAP_BLOCK_SIZE;
*/
static void* heap_block_to_address(const struct heap* heap, size_t index)
{
    //@ assert no_wrap: index * VANA_HEAP_BLOCK_SIZE <= UINTPTR_MAX;
    return (char*)heap->saddr + index * VANA_HEAP_BLOCK_SIZE;
}


/*
 * Take [start, start + blocks) as one allocation, in the table and then in
 * the index, if the table says every block of it is free. The table, not
 * the index, has the last word on what may be handed out: each entry is
 * checked as it is written, and at a taken one the entries written so far
 * (all free before) are set free again and nothing else has changed. So a
 * damaged index can make heap_malloc fail but never hand out a taken block.
 * The check costs the reads of the entries, about 3 ns a malloc on the
 * host; a loop of its own before this one cost more (docs/performance.md).
 * Return: true when taken, false (the table as it was, the index and the
 * counter untouched) when a block is taken.
 */
/*@ requires heap_storage(heap) && \valid(heap);
    requires blocks >= 1 && start + blocks <= heap->table->total;
    requires counted: 0 <= heap->blocks_taken <= heap->table->total;
    assigns heap->table->entries[start .. start + blocks - 1],
            heap->table->free_map[0 .. HEAP_INDEX_WORDS(heap->table->total) - 1],
            HEAP_INDEX_RUN_ARRAYS(heap->table),
            heap->blocks_taken;
    ensures index: \old(heap_index_agrees(heap->table)) ==> heap_index_agrees(heap->table);
    behavior taken:
        assumes heap_entries_free(heap->table, start, start + blocks);
        ensures \result == \true;
        ensures written: heap_allocation_written(heap->table, start, blocks);
        ensures counted: heap->blocks_taken == \old(heap->blocks_taken) + blocks;
        ensures known: \old(heap_entries_known(heap->table)) ==> heap_entries_known(heap->table);
        ensures ends: \old(heap_entries_ends(heap->table)) ==> heap_entries_ends(heap->table);
        ensures chained: \old(heap_table_valid(heap->table)) ==> heap_entries_chained(heap->table);
        ensures counted_table:
            heap_taken_count(heap->table, heap->table->total) == \old(heap_taken_count(heap->table, heap->table->total)) + blocks;
        ensures count_bound: heap_taken_count(heap->table, heap->table->total) <= heap->table->total;
    behavior refused:
        assumes !heap_entries_free(heap->table, start, start + blocks);
        assigns heap->table->entries[start .. start + blocks - 1];
        ensures \result == \false;
        ensures kept: heap_unchanged{Pre, Post}(heap);
        ensures count_kept:
            heap_taken_count(heap->table, heap->table->total) == \old(heap_taken_count(heap->table, heap->table->total));
    complete behaviors;
    disjoint behaviors;
*/
static bool heap_mark_blocks_taken(struct heap* heap, size_t start, size_t blocks)
{
    HEAP_BLOCK_TABLE_ENTRY* entries = heap->table->entries;
    size_t last = start + blocks - 1;
    size_t i = start;

    /* HAS_NEXT on every block but the last, each checked free first. */
    /*@ loop invariant start <= i <= last;
        loop invariant was_free: heap_entries_free{Pre}(heap->table, start, i);
        loop invariant chained: \forall integer k; start <= k < i ==>
            entries[k] == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT);
        loop invariant rest: \forall integer k; i <= k < heap->table->total ==> entries[k] == \at(heap->table->entries[k], Pre);
        loop assigns i, entries[start .. last - 1];
        loop variant last - i;
    */
    for (; i < last && entries[i] == HEAP_BLOCK_TABLE_ENTRY_FREE; i++)
        entries[i] = HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT;
    if (i < last || entries[last] != HEAP_BLOCK_TABLE_ENTRY_FREE) {
        //@ assert not_free: !heap_entries_free{Pre}(heap->table, start, start + blocks);
        /* Never with an index that agrees with the table: give back what was written. */
        /*@ loop invariant start <= i <= last;
            loop invariant heap_entries_free{Pre}(heap->table, start, i);
            loop invariant \forall integer k; start <= k < i ==>
                entries[k] == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT);
            loop invariant \forall integer k; i <= k < heap->table->total ==> entries[k] == \at(heap->table->entries[k], Pre);
            loop assigns i, entries[start .. last - 1];
            loop variant i - start;
        */
        while (i > start) {
            i--;
            entries[i] = HEAP_BLOCK_TABLE_ENTRY_FREE;
        }
        /* Ghost code, for the prover only: the same entries, the same count. */
        /*@ ghost
            /@ loop invariant 0 <= g <= heap->table->total;
               loop invariant heap_taken_count(heap->table, g) == heap_taken_count{Pre}(heap->table, g);
               loop assigns g;
               loop variant heap->table->total - g;
            @/
            for (size_t g = 0; g < heap->table->total; g++)
                ;
        */
        /*@ assert entries_back: \forall integer k; 0 <= k < heap->table->total ==>
                entries[k] == \at(heap->table->entries[k], Pre);
        */
        //@ assert map_kept: heap_map_agrees{Pre}(heap->table) ==> heap_map_agrees(heap->table);
        //@ assert runs_kept: heap_runs_agree{Pre}(heap->table) ==> heap_runs_agree(heap->table);
        //@ assert index_kept: heap_index_agrees{Pre}(heap->table) ==> heap_index_agrees(heap->table);
        return false;
    }
    //@ assert was_free: heap_entries_free{Pre}(heap->table, start, start + blocks);
    entries[last] = HEAP_BLOCK_TABLE_ENTRY_TAKEN;
    entries[start] = start < last ? HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST | HEAP_BLOCK_HAS_NEXT
                                  : HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST;
    /*@ assert marked_first: heap_entry_known(entries[start]) && !heap_entry_continues(entries[start]) &&
            (heap_entry_has_next(entries[start]) <==> start < last) && !heap_entry_has_next(entries[last]);
    */
    /*@ assert marked_rest:
            (\forall integer k; start < k <= last ==> heap_entry_continues(entries[k]) && heap_entry_known(entries[k])) &&
            (\forall integer k; start <= k < last ==> heap_entry_has_next(entries[k]));
    */
    /*@ assert kept: \forall integer k; 0 <= k < heap->table->total && (k < start || last < k) ==>
            entries[k] == \at(heap->table->entries[k], Pre);
    */
    /*@ assert edges: heap_table_valid{Pre}(heap->table) ==>
            (start == 0 || !heap_entry_has_next(entries[start - 1])) &&
            (last + 1 == heap->table->total || !heap_entry_continues(entries[last + 1]));
    */
    //@ assert known_marked: heap_entries_known{Pre}(heap->table) ==> heap_entries_known(heap->table);
    //@ assert ends_marked: heap_entries_ends{Pre}(heap->table) ==> heap_entries_ends(heap->table);
    //@ assert chained_marked: heap_table_valid{Pre}(heap->table) ==> heap_entries_chained(heap->table);
    /*@ assert run_taken: heap_entries_taken(heap->table, start, start + blocks); */
    /*@ assert map_but_run: heap_map_agrees{Pre}(heap->table) ==>
            heap_map_agrees_except(heap->table, start, start + blocks);
    */
    /*@ ghost Marked: ; */
    heap_index_mark_taken(heap->table, start, blocks);
    /*@ assert entries_kept: \forall integer k; 0 <= k < heap->table->total ==>
            entries[k] == \at(entries[k], Marked);
    */
    //@ assert kept_known: heap_entries_known{Pre}(heap->table) ==> heap_entries_known(heap->table);
    //@ assert kept_ends: heap_entries_ends{Pre}(heap->table) ==> heap_entries_ends(heap->table);
    //@ assert kept_chained: heap_table_valid{Pre}(heap->table) ==> heap_entries_chained(heap->table);
    //@ assert index_marked: heap_index_agrees{Pre}(heap->table) ==> heap_index_agrees(heap->table);
    heap->blocks_taken += blocks;
    /* Ghost code, for the prover only: the count of taken entries, block by
     * block, grows by the blocks of the run that it has passed. */
    /*@ ghost
        /@ loop invariant 0 <= g <= heap->table->total;
           loop invariant heap_taken_count(heap->table, g) <= g;
           loop invariant heap_taken_count(heap->table, g) == heap_taken_count{Pre}(heap->table, g) +
                   (g <= start ? 0 : g <= start + blocks ? g - start : blocks);
           loop assigns g;
           loop variant heap->table->total - g;
        @/
        for (size_t g = 0; g < heap->table->total; g++)
            ;
    */
    //@ assert index_counted: heap_index_agrees{Pre}(heap->table) ==> heap_index_agrees(heap->table);
    return true;
}

/*
 * The length in blocks of the allocation that starts at first: up to the
 * first block without HAS_NEXT, and never past the table, so a damaged
 * table whose last block says HAS_NEXT ends there. One entry read a
 * block, as heap_free's walk (the callers go on to touch every block of
 * the run anyway).
 */
/*@ requires heap_storage(heap);
    requires first < heap->table->total;
    assigns \nothing;
    ensures inside: 1 <= \result <= heap->table->total - first;
    ensures run: heap_run(heap->table, first, first + \result - 1);
*/
static size_t heap_run_blocks(const struct heap* heap, size_t first)
{
    const HEAP_BLOCK_TABLE_ENTRY* entries = heap->table->entries;
    size_t last = first;

    /*@ loop invariant first <= last < heap->table->total;
        loop invariant chain: \forall integer k; first <= k < last ==> (entries[k] & HEAP_BLOCK_HAS_NEXT) != 0;
        loop assigns last;
        loop variant heap->table->total - last;
    */
    while (last + 1 < heap->table->total && (entries[last] & HEAP_BLOCK_HAS_NEXT))
        last++;
    return last - first + 1;
}

/*
 * If ptr is the first block of a live allocation, store its index and
 * return true; otherwise (outside the heap, misaligned, interior, free)
 * return false.
 */
/*@ requires heap_storage(heap);
    requires \valid(index) && \separated(index, heap->table);
    assigns *index;
    ensures inside: \result ==> *index < heap->table->total;
    ensures accepted: \result <==> heap_allocation_start(heap, ptr);
    ensures index: \result ==> *index == ((uintptr_t)ptr - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE;
*/
static bool heap_allocation_index(const struct heap* heap, const void* ptr, size_t* index)
{
    uintptr_t start = (uintptr_t)heap->saddr;
    uintptr_t address = (uintptr_t)ptr;

    if (address < start || (address - start) / VANA_HEAP_BLOCK_SIZE >= heap->table->total)
        return false;
    if ((address - start) % VANA_HEAP_BLOCK_SIZE != 0)
        return false;

    size_t i = (address - start) / VANA_HEAP_BLOCK_SIZE;
    HEAP_BLOCK_TABLE_ENTRY entry = heap->table->entries[i];
    if (heap_block_type(entry) != HEAP_BLOCK_TABLE_ENTRY_TAKEN || !(entry & HEAP_BLOCK_IS_FIRST))
        return false;
    *index = i;
    return true;
}

/**
 * heap_create - make [ptr, end) an empty heap described by table.
 * @heap: the heap to set up
 * @ptr: the first block's address, block-aligned
 * @end: the address just past the last block, block-aligned
 * @table: table->total entries, and index storage for them:
 *         HEAP_INDEX_WORDS(total) map words, three run arrays of
 *         HEAP_INDEX_BITMAP_WORDS(total) and HEAP_INDEX_FITS_BYTES(total) fits bytes
 *
 * The range must hold exactly table->total blocks. Every entry is set
 * free and the index is built to match.
 * Return: 0, or -EINVARG (nothing written) when an argument is wrong,
 * including a table without index storage or of more than HEAP_MAX_BLOCKS.
 * Context: any; touches only the table and its index.
 */
/*@ requires heap == \null || \valid(heap);
    requires table == \null || heap_table_storage(table);
    requires heap == \null || table == \null || \separated(heap, table);
    assigns *heap, table->entries[0 .. table->total - 1],
            table->free_map[0 .. HEAP_INDEX_WORDS(table->total) - 1],
            HEAP_INDEX_RUN_ARRAYS(table);
    ensures valid: \result == 0 ==> heap_valid(heap) && heap_entries_free(table, 0, table->total) &&
        heap->table == table && heap->saddr == ptr;
*/
int heap_create(struct heap* heap, void* ptr, void* end, struct heap_table* table)
{
    /* A heap at address 0 would return NULL, the failure, for its first block. */
    if (!heap || !ptr || !table || !table->entries || !table->free_map || !table->run_prefix ||
        !table->run_suffix || !table->run_longest || !table->run_fits)
        return -EINVARG;
    if (!heap_validate_alignment(ptr) || !heap_validate_alignment(end))
        return -EINVARG;
    if ((uintptr_t)end <= (uintptr_t)ptr)
        return -EINVARG;
    if (((uintptr_t)end - (uintptr_t)ptr) / VANA_HEAP_BLOCK_SIZE != table->total)
        return -EINVARG;
    if (table->total > HEAP_MAX_BLOCKS)
        return -EINVARG;

    /* The heap's own fields first: a store to a pointer after the index is
     * built would leave the prover to show that the index still agrees. */
    heap->table = table;
    heap->saddr = ptr;
    heap->blocks_taken = 0;
    /*@ loop invariant 0 <= i <= table->total;
        loop invariant cleared: heap_entries_free(table, 0, i);
        loop assigns i, table->entries[0 .. table->total - 1];
        loop variant table->total - i;
    */
    for (size_t i = 0; i < table->total; i++)
        table->entries[i] = HEAP_BLOCK_TABLE_ENTRY_FREE;
    heap_index_build(table);
    //@ assert index_built: heap_index_agrees(table);
    //@ assert table_built: heap_table_valid(table);
    //@ assert index_set: heap_index_agrees(heap->table);
    //@ assert table_set: heap_table_valid(heap->table);
    /* Ghost code, for the prover only: no entry is taken, so none is counted. */
    /*@ ghost
        /@ loop invariant 0 <= g <= table->total;
           loop invariant heap_taken_count(table, g) == 0;
           loop assigns g;
           loop variant table->total - g;
        @/
        for (size_t g = 0; g < table->total; g++)
            ;
    */
    return 0;
}

/**
 * heap_malloc - allocate size bytes, rounded up to whole blocks.
 * @heap: the heap
 * @size: bytes wanted
 *
 * The allocation is the leftmost run of free blocks that is long enough
 * (the index finds it without walking the table); its contents are
 * whatever the blocks held before.
 * Return: the address of the first block, or NULL when size is 0 or no run
 * of free blocks is long enough.
 * Context: the caller serialises calls on one heap.
 */
/*@ requires heap_storage(heap) && \valid(heap);
    requires counted: 0 <= heap->blocks_taken <= heap->table->total;
    requires in_address_space: heap_in_address_space(heap);
    assigns heap->table->entries[0 .. heap->table->total - 1],
            heap->table->free_map[0 .. HEAP_INDEX_WORDS(heap->table->total) - 1],
            HEAP_INDEX_RUN_ARRAYS(heap->table),
            heap->blocks_taken;
    ensures zero: size == 0 ==> \result == \null;
    ensures refused: \result == \null ==> heap_unchanged{Pre, Post}(heap);
    ensures allocated: \result != \null ==> \let blocks = heap_blocks_of_size(size);
        \exists integer start; 0 <= start && start + blocks <= heap->table->total &&
            \result == (char*)heap->saddr + start * VANA_HEAP_BLOCK_SIZE &&
            heap_entries_free{Pre}(heap->table, start, start + blocks) &&
            heap_allocation_written(heap->table, start, blocks) &&
            heap_entries_kept{Pre, Post}(heap->table, start, start + blocks) &&
            heap->blocks_taken == \old(heap->blocks_taken) + blocks;
    ensures valid: \old(heap_valid(heap)) ==> heap_valid(heap);
    ensures leftmost: size != 0 && \old(heap_valid(heap)) ==> \let blocks = heap_blocks_of_size(size);
        (\result == \null <==> !\exists integer b; heap_free_run{Pre}(heap->table, b, blocks)) &&
        (\result != \null ==> \exists integer start;
            \result == (char*)heap->saddr + start * VANA_HEAP_BLOCK_SIZE &&
            heap_free_run{Pre}(heap->table, start, blocks) &&
            \forall integer b; 0 <= b < start ==> !heap_free_run{Pre}(heap->table, b, blocks));
*/
void* heap_malloc(struct heap* heap, size_t size)
{
    size_t blocks = heap_size_to_blocks(size);
    size_t start;

    /* Ghost code, for the prover only: the blocks of a free run are blocks
     * the counter does not count, so a run of 'blocks' free blocks leaves
     * the counter at most the total less 'blocks'. */
    /*@ ghost
        /@ loop invariant 0 <= g <= heap->table->total;
           loop invariant heap_taken_count(heap->table, g) <= g;
           loop invariant \forall integer b; heap_free_run(heap->table, b, blocks) ==>
               heap_taken_count(heap->table, g) <= g - (g <= b ? 0 : g < b + blocks ? g - b : blocks);
           loop assigns g;
           loop variant heap->table->total - g;
        @/
        for (size_t g = 0; g < heap->table->total; g++)
            ;
    */
    /*@ assert room: heap_valid(heap) ==> \forall integer b; heap_free_run(heap->table, b, blocks) ==>
            heap->blocks_taken <= heap->table->total - blocks;
    */
    /*@ assert none_free: size != 0 && heap_valid(heap) && (blocks == 0 || blocks > heap->table->total - heap->blocks_taken) ==>
            !\exists integer b; heap_free_run(heap->table, b, blocks);
    */
    if (blocks == 0 || blocks > heap->table->total - heap->blocks_taken)
        return NULL;
    //@ assert agrees: heap_valid(heap) ==> heap_map_agrees(heap->table) && heap_summary_agrees(heap->table) && heap_runs_agree(heap->table);
    /* The run found lies inside the table, and heap_mark_blocks_taken
     * finds it free there: never false of an index that agrees with the
     * table, and what keeps a damaged one from writing past the table or
     * handing out a taken block. */
    if (!heap_index_find(heap->table, blocks, &start) || start > heap->table->total - blocks) {
        /*@ assert not_found: size != 0 && heap_valid{Pre}(heap) ==>
                !\exists integer b; heap_free_run{Pre}(heap->table, b, blocks);
        */
        return NULL;
    }
    /*@ assert found: size != 0 && heap_valid{Pre}(heap) ==>
            heap_free_run{Pre}(heap->table, start, blocks) &&
            \forall integer b; 0 <= b < start ==> !heap_free_run{Pre}(heap->table, b, blocks);
    */
    /*@ assert found_free: size != 0 && heap_valid(heap) ==> heap_entries_free(heap->table, start, start + blocks); */
    if (!heap_mark_blocks_taken(heap, start, blocks))
        return NULL;
    return heap_block_to_address(heap, start);
}

/*
 * The bits heap_free tests and the table's predicates, which name whole
 * entries: one lemma per known entry computes its two flag bits (the
 * provers evaluate & on one constant, not on a disjunction of five), and
 * the last two lemmas follow from them by cases.
 */
/*@ lemma heap_bits_free: \forall integer e; e == HEAP_BLOCK_TABLE_ENTRY_FREE ==>
        (e & HEAP_BLOCK_HAS_NEXT) == 0 && (e & HEAP_BLOCK_IS_FIRST) == 0;
    lemma heap_bits_taken: \forall integer e; e == HEAP_BLOCK_TABLE_ENTRY_TAKEN ==>
        (e & HEAP_BLOCK_HAS_NEXT) == 0 && (e & HEAP_BLOCK_IS_FIRST) == 0;
    lemma heap_bits_first: \forall integer e; e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST) ==>
        (e & HEAP_BLOCK_HAS_NEXT) == 0 && (e & HEAP_BLOCK_IS_FIRST) != 0;
    lemma heap_bits_next: \forall integer e; e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT) ==>
        (e & HEAP_BLOCK_HAS_NEXT) != 0 && (e & HEAP_BLOCK_IS_FIRST) == 0;
    lemma heap_bits_first_next: \forall integer e;
        e == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST | HEAP_BLOCK_HAS_NEXT) ==>
        (e & HEAP_BLOCK_HAS_NEXT) != 0 && (e & HEAP_BLOCK_IS_FIRST) != 0;
    lemma heap_has_next_bit: \forall integer e; heap_entry_known(e) ==>
        (heap_entry_has_next(e) <==> (e & HEAP_BLOCK_HAS_NEXT) != 0);
    lemma heap_first_bit: \forall integer e; heap_entry_known(e) && (e & HEAP_BLOCK_IS_FIRST) != 0 ==>
        !heap_entry_continues(e);
*/

/**
 * heap_free - return the allocation that starts at ptr to the heap.
 * @heap: the heap
 * @ptr: the first block of a live allocation, or NULL
 *
 * The table is cleared along the run's HAS_NEXT chain, one entry read and
 * written per block, which also counts the run; then the index is updated
 * for the whole run at once.
 * Return: 0 when ptr is NULL or the allocation was freed; -EINVARG, with
 * table and index unchanged, when ptr is not the first block of a live
 * allocation.
 * Context: the caller serialises calls on one heap.
 */
/*@ requires heap_storage(heap) && \valid(heap);
    requires counted: 0 <= heap->blocks_taken <= heap->table->total;
    assigns heap->table->entries[0 .. heap->table->total - 1],
            heap->table->free_map[0 .. HEAP_INDEX_WORDS(heap->table->total) - 1],
            HEAP_INDEX_RUN_ARRAYS(heap->table),
            heap->blocks_taken;
    behavior null:
        assumes ptr == \null;
        assigns \nothing;
        ensures \result == 0;
    behavior rejected:
        assumes ptr != \null && !heap_allocation_start(heap, ptr);
        assigns \nothing;
        ensures \result == -EINVARG;
    behavior freed:
        assumes ptr != \null && heap_allocation_start(heap, ptr);
        ensures \result == 0;
        ensures run_freed: \let first = ((uintptr_t)ptr - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE;
            \exists integer last; heap_run{Pre}(heap->table, first, last) &&
                heap_entries_free(heap->table, first, last + 1) &&
                (\forall integer k; 0 <= k < heap->table->total && (k < first || last < k) ==>
                    heap->table->entries[k] == \at(heap->table->entries[k], Pre)) &&
                heap->blocks_taken == \at(heap->blocks_taken, Pre) - (last - first + 1);
        ensures known: \old(heap_entries_known(heap->table)) ==> heap_entries_known(heap->table);
        ensures ends: \old(heap_entries_ends(heap->table)) ==> heap_entries_ends(heap->table);
        ensures chained: \old(heap_table_valid(heap->table)) ==> heap_entries_chained(heap->table);
        ensures valid: \old(heap_valid(heap)) ==> heap_valid(heap);
    complete behaviors;
    disjoint behaviors;
*/
int heap_free(struct heap* heap, void* ptr)
{
    size_t first;

    if (!ptr)
        return 0;
    if (!heap_allocation_index(heap, ptr, &first))
        return -EINVARG;

    HEAP_BLOCK_TABLE_ENTRY* entries = heap->table->entries;
    size_t total = heap->table->total;
    size_t last = first;
    /* Stops at the table's last block even if it says HAS_NEXT (a damaged table). */
    /*@ loop invariant first <= last < total;
        loop invariant chain: \forall integer k; first <= k < last ==>
            (\at(heap->table->entries[k], Pre) & HEAP_BLOCK_HAS_NEXT) != 0;
        loop invariant continued: heap_table_valid{Pre}(heap->table) ==>
            \forall integer k; first < k <= last ==> heap_entry_continues(\at(heap->table->entries[k], Pre));
        loop invariant cleared: heap_entries_free(heap->table, first, last);
        loop invariant rest: \forall integer k; last <= k < total ==> entries[k] == \at(heap->table->entries[k], Pre);
        loop assigns last, entries[first .. total - 1];
        loop variant total - last;
    */
    while (last + 1 < total && (entries[last] & HEAP_BLOCK_HAS_NEXT)) {
        entries[last] = HEAP_BLOCK_TABLE_ENTRY_FREE;
        last++;
    }
    //@ assert run: heap_run{Pre}(heap->table, first, last);
    entries[last] = HEAP_BLOCK_TABLE_ENTRY_FREE;
    /*@ assert free_or_kept: \forall integer k; 0 <= k < total ==>
            entries[k] == HEAP_BLOCK_TABLE_ENTRY_FREE || entries[k] == \at(heap->table->entries[k], Pre);
    */
    /*@ assert edges: heap_table_valid{Pre}(heap->table) ==>
            (first == 0 || !heap_entry_has_next(entries[first - 1])) &&
            (last == total - 1 || !heap_entry_continues(entries[last + 1]));
    */
    //@ assert taken_first: \let f = first; \at(heap->table->entries[f], Pre) != HEAP_BLOCK_TABLE_ENTRY_FREE;
    /*@ assert taken_run: heap_table_valid{Pre}(heap->table) ==>
            \forall integer k; first <= k <= last ==> \at(heap->table->entries[k], Pre) != HEAP_BLOCK_TABLE_ENTRY_FREE;
    */
    /*@ assert freed_here: heap_entries_free(heap->table, first, last + 1) &&
            (\forall integer k; 0 <= k < total && (k < first || last < k) ==>
                entries[k] == \at(heap->table->entries[k], Pre));
    */
    /*@ assert map_but_run: heap_map_agrees{Pre}(heap->table) ==>
            heap_map_agrees_except(heap->table, first, last + 1);
    */
    //@ assert ends_freed: heap_entries_ends{Pre}(heap->table) ==> heap_entries_ends(heap->table);
    //@ assert chained_freed: heap_table_valid{Pre}(heap->table) ==> heap_entries_chained(heap->table);
    /*@ ghost Freed: ; */
    heap_index_mark_free(heap->table, first, last - first + 1);
    /*@ assert entries_kept: \forall integer k; 0 <= k < total ==>
            entries[k] == \at(heap->table->entries[k], Freed);
    */
    //@ assert index_freed: heap_index_agrees{Pre}(heap->table) ==> heap_index_agrees(heap->table);
    /* Ghost code, for the prover only: the count of taken entries, block by
     * block, shrinks by the blocks of the run that it has passed. */
    /*@ ghost
        /@ loop invariant 0 <= g <= total;
           loop invariant heap_taken_count(heap->table, g) >= 0;
           loop invariant heap_table_valid{Pre}(heap->table) ==>
               heap_taken_count(heap->table, g) == heap_taken_count{Pre}(heap->table, g) -
                   (g <= first ? 0 : g <= last + 1 ? g - first : last - first + 1);
           loop assigns g;
           loop variant total - g;
        @/
        for (size_t g = 0; g < total; g++)
            ;
    */
    heap->blocks_taken -= last - first + 1;
    //@ assert freed_kept: heap_entries_free(heap->table, first, last + 1);
    /*@ assert others_kept: \forall integer k; 0 <= k < total && (k < first || last < k) ==>
            entries[k] == \at(heap->table->entries[k], Pre);
    */
    //@ assert first_of_ptr: first == ((uintptr_t)ptr - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE;
    /*@ assert run_freed_at_last: heap_run{Pre}(heap->table, first, last) &&
            heap_entries_free(heap->table, first, last + 1) &&
            (\forall integer k; 0 <= k < heap->table->total && (k < first || last < k) ==>
                heap->table->entries[k] == \at(heap->table->entries[k], Pre)) &&
            heap->blocks_taken == \at(heap->blocks_taken, Pre) - (last - first + 1);
    */
    /*@ assert kept_known: heap_entries_known{Pre}(heap->table) ==> heap_entries_known(heap->table); */
    /*@ assert kept_ends: heap_entries_ends{Pre}(heap->table) ==> heap_entries_ends(heap->table); */
    /*@ assert kept_chained: heap_table_valid{Pre}(heap->table) ==> heap_entries_chained(heap->table); */
    /*@ assert kept_counted: heap_valid{Pre}(heap) ==> heap_counted(heap); */
    /*@ assert kept_index: heap_valid{Pre}(heap) ==> heap_index_agrees(heap->table); */
    return 0;
}

/**
 * heap_blocks_in_use - the number of taken blocks.
 * @heap: the heap
 * Return: the count, kept as allocations come and go (no walk).
 */
/*@ requires \valid_read(heap);
    assigns \nothing;
    ensures \result == (size_t)heap->blocks_taken;
*/
size_t heap_blocks_in_use(const struct heap* heap)
{
    return (size_t)heap->blocks_taken;
}

/**
 * heap_allocation_blocks - the length of the live allocation that starts at ptr.
 * @heap: the heap
 * @ptr: any address
 * Return: the allocation's length in blocks, or 0 when ptr is not the
 * first block of a live allocation.
 */
/*@ requires heap_storage(heap);
    assigns \nothing;
    behavior allocation:
        assumes heap_allocation_start(heap, ptr);
        ensures run: \result >= 1 && heap_run(heap->table, ((uintptr_t)ptr - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE,
            ((uintptr_t)ptr - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE + \result - 1);
    behavior other:
        assumes !heap_allocation_start(heap, ptr);
        ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
size_t heap_allocation_blocks(const struct heap* heap, const void* ptr)
{
    size_t first;

    if (!heap_allocation_index(heap, ptr, &first))
        return 0;
    return heap_run_blocks(heap, first);
}

/**
 * heap_reserve - take the blocks that overlap [start, end) as one allocation.
 * @heap: the heap
 * @start: the range's first byte
 * @end: the byte just past the range
 *
 * The heap never hands the blocks out; heap_free of start rounded down to
 * a block frees them again. Used for boot data that a boot loader left
 * inside the heap.
 * Return: 0, or -EINVARG (nothing changed) when the range is empty, leaves
 * the heap, or overlaps a taken block.
 * Context: the caller serialises calls on one heap.
 */
/*@ requires heap_storage(heap) && \valid(heap);
    requires counted: 0 <= heap->blocks_taken <= heap->table->total;
    requires in_address_space: heap_in_address_space(heap);
    assigns heap->table->entries[0 .. heap->table->total - 1],
            heap->table->free_map[0 .. HEAP_INDEX_WORDS(heap->table->total) - 1],
            HEAP_INDEX_RUN_ARRAYS(heap->table),
            heap->blocks_taken;
    behavior reserved:
        assumes heap_range_inside(heap, start, end) &&
                heap_entries_free(heap->table, heap_first_block(heap, start), heap_end_block(heap, end));
        ensures \result == 0;
        ensures written: \let first = heap_first_block(heap, start); \let end_block = heap_end_block(heap, end);
            heap_allocation_written(heap->table, first, end_block - first) &&
            heap_entries_kept{Pre, Post}(heap->table, first, end_block) &&
            heap->blocks_taken == \old(heap->blocks_taken) + (end_block - first);
        ensures valid: \old(heap_valid(heap)) ==> heap_valid(heap);
    behavior outside:
        assumes !heap_range_inside(heap, start, end);
        assigns \nothing;
        ensures \result == -EINVARG;
    behavior overlapping:
        assumes heap_range_inside(heap, start, end) &&
                !heap_entries_free(heap->table, heap_first_block(heap, start), heap_end_block(heap, end));
        ensures \result == -EINVARG;
        ensures kept: heap_unchanged{Pre, Post}(heap);
    complete behaviors;
    disjoint behaviors;
*/
int heap_reserve(struct heap* heap, void* start, void* end)
{
    uintptr_t heap_start = (uintptr_t)heap->saddr;
    uintptr_t heap_end = heap_start + heap->table->total * VANA_HEAP_BLOCK_SIZE;

    /*@ for reserved: assert inside: (uintptr_t)start < (uintptr_t)end &&
            heap_start <= (uintptr_t)start && (uintptr_t)end <= heap_end;
    */
    if ((uintptr_t)start >= (uintptr_t)end || (uintptr_t)start < heap_start || (uintptr_t)end > heap_end)
        return -EINVARG;

    size_t first = heap_block_to_index(heap, start);
    size_t blocks = heap_size_to_blocks((uintptr_t)end - heap_start) - first;
    /*@ assert range_blocks: first == heap_first_block(heap, start) &&
            first + blocks == heap_end_block(heap, end);
    */
    //@ for reserved: assert run_free: heap_entries_free(heap->table, first, first + blocks);
    if (!heap_mark_blocks_taken(heap, first, blocks))
        return -EINVARG;
    /*@ assert reserved: heap_allocation_written(heap->table, first, blocks) &&
            heap_entries_kept{Pre, Here}(heap->table, first, first + blocks) &&
            heap->blocks_taken == \at(heap->blocks_taken, Pre) + blocks;
    */
    /*@ assert written: \let f = heap_first_block(heap, start); \let e = heap_end_block(heap, end);
            f == first && e == first + blocks;
    */
    return 0;
}

/**
 * heap_usage_map - draw the table as text.
 * @heap: the heap
 * @out: room for width characters and a terminator
 * @width: at most this many characters, at least 1
 *
 * Each character stands for the same number of blocks, total / width
 * rounded up (so fewer than width characters when that does not divide
 * evenly, and the last may stand for fewer blocks): '.' when all of them
 * are free, '#' when all are taken, '+' when some are.
 */
/*@ requires heap_storage(heap);
    requires width >= 1 && \valid(out + (0 .. width));
    requires \separated(out + (0 .. width), heap, heap->table,
                         heap->table->entries + (0 .. heap->table->total - 1));
    assigns out[0 .. width];
*/
void heap_usage_map(const struct heap* heap, char* out, size_t width)
{
    size_t total = heap->table->total;
    size_t per_character = total / width + (total % width != 0);
    size_t written = 0;

    //@ assert per_character <= total;
    /*@ loop invariant 0 <= written <= width;
        loop assigns first, written, out[0 .. width - 1];
        loop variant width - written;
    */
    for (size_t first = 0; first < total && written < width; first += per_character) {
        size_t last = first + per_character < total ? first + per_character : total;
        size_t taken = 0;
        /*@ loop invariant first <= i <= last;
            loop invariant taken <= i - first;
            loop assigns i, taken;
            loop variant last - i;
        */
        for (size_t i = first; i < last; i++)
            taken += !heap_block_is_free(heap, i);
        out[written++] = taken == 0 ? '.' : taken == last - first ? '#' : '+';
    }
    out[written] = '\0';
}

/**
 * heap_check - verify the table's invariants and the index against it.
 * @heap: the heap
 *
 * Every entry is free (0x00) or taken with known flags, every taken run
 * starts with IS_FIRST and is chained by HAS_NEXT to its end, the counter
 * agrees with the table, and the index says exactly what the table says
 * (heap_index_check).
 * Return: 0, or -EIO at the first broken invariant.
 */
/*@ requires heap_storage(heap);
    assigns \nothing;
*/
int heap_check(const struct heap* heap)
{
    const HEAP_BLOCK_TABLE_ENTRY known = HEAP_BLOCK_TYPE_MASK & HEAP_BLOCK_TABLE_ENTRY_TAKEN;
    bool inside_run = false;
    size_t taken = 0;

    /*@ loop invariant 0 <= i <= heap->table->total && taken <= i;
        loop assigns i, inside_run, taken;
        loop variant heap->table->total - i;
    */
    for (size_t i = 0; i < heap->table->total; i++) {
        HEAP_BLOCK_TABLE_ENTRY entry = heap->table->entries[i];
        if (heap_block_type(entry) == HEAP_BLOCK_TABLE_ENTRY_FREE) {
            if (entry != HEAP_BLOCK_TABLE_ENTRY_FREE || inside_run)
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
    if (inside_run || (int64_t)taken != heap->blocks_taken)
        return -EIO;
    return heap_index_check(heap->table);
}
