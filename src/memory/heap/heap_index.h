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
            table->free_runs[0 .. HEAP_INDEX_BYTES(table->total) - 1];
*/
void heap_index_build(struct heap_table* table);

/*@ requires heap_table_storage(table);
    requires \valid(start) && \separated(start, table);
    assigns *start;
*/
bool heap_index_find(const struct heap_table* table, size_t blocks, size_t* start);

/*@ requires heap_table_storage(table);
    requires blocks >= 1 && first + blocks <= table->total;
    assigns table->free_map[0 .. HEAP_INDEX_WORDS(table->total) - 1],
            table->free_runs[0 .. HEAP_INDEX_BYTES(table->total) - 1];
*/
void heap_index_mark_taken(struct heap_table* table, size_t first, size_t blocks);

/*@ requires heap_table_storage(table);
    requires blocks >= 1 && first + blocks <= table->total;
    assigns table->free_map[0 .. HEAP_INDEX_WORDS(table->total) - 1],
            table->free_runs[0 .. HEAP_INDEX_BYTES(table->total) - 1];
*/
void heap_index_mark_free(struct heap_table* table, size_t first, size_t blocks);

/*@ requires heap_table_storage(table);
    assigns \nothing;
*/
int heap_index_check(const struct heap_table* table);

#endif
