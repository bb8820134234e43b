#ifndef HEAP_INDEX_H
#define HEAP_INDEX_H

#include "heap.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * The free index of a heap table (docs/memory.md, "The index"): heap.c
 * calls these wherever it writes the table, so the index always says
 * which blocks are free, and searches it instead of the table.
 */
/*@ requires heap_table_storage(table);
    assigns table->free_map[0 .. HEAP_INDEX_WORDS(table->total) - 1],
            HEAP_INDEX_RUN_ARRAYS(table);
    ensures map_agrees: heap_entries_known(table) ==> heap_map_agrees(table);
    ensures summary_agrees: heap_summary_agrees(table);
    ensures runs_agree: heap_runs_agree(table);
*/
void heap_index_build(struct heap_table* table);

/*@ requires heap_table_storage(table);
    requires \valid(start) && \separated(start, table);
    assigns *start;
    ensures leftmost_fit: blocks >= 1 &&
        \old(heap_map_agrees(table) && heap_summary_agrees(table) && heap_runs_agree(table)) ==>
        (\result <==> \exists integer b; heap_free_run{Pre}(table, b, blocks)) &&
        (\result ==> heap_free_run{Pre}(table, *start, blocks) &&
                     \forall integer b; 0 <= b < *start ==> !heap_free_run{Pre}(table, b, blocks));
*/
bool heap_index_find(const struct heap_table* table, size_t blocks, size_t* start);

/*@ requires heap_table_storage(table);
    requires blocks >= 1 && first + blocks <= table->total;
    assigns table->free_map[0 .. HEAP_INDEX_WORDS(table->total) - 1],
            HEAP_INDEX_RUN_ARRAYS(table);
    ensures map_agrees: \old(heap_map_agrees_except(table, first, first + blocks)) &&
        heap_entries_taken(table, first, first + blocks) ==> heap_map_agrees(table);
    ensures summary_agrees: \old(heap_summary_agrees(table)) ==> heap_summary_agrees(table);
    ensures runs_agree: \old(heap_runs_agree(table)) ==> heap_runs_agree(table);
*/
void heap_index_mark_taken(struct heap_table* table, size_t first, size_t blocks);

/*@ requires heap_table_storage(table);
    requires blocks >= 1 && first + blocks <= table->total;
    assigns table->free_map[0 .. HEAP_INDEX_WORDS(table->total) - 1],
            HEAP_INDEX_RUN_ARRAYS(table);
    ensures map_agrees: \old(heap_map_agrees_except(table, first, first + blocks)) &&
        heap_entries_free(table, first, first + blocks) ==> heap_map_agrees(table);
    ensures summary_agrees: \old(heap_summary_agrees(table)) ==> heap_summary_agrees(table);
    ensures runs_agree: \old(heap_runs_agree(table)) ==> heap_runs_agree(table);
*/
void heap_index_mark_free(struct heap_table* table, size_t first, size_t blocks);

/*@ requires heap_table_storage(table);
    assigns \nothing;
*/
int heap_index_check(const struct heap_table* table);

#endif
