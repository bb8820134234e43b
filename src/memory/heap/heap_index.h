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
void heap_index_build(struct heap_table* table);
bool heap_index_find(const struct heap_table* table, size_t blocks, size_t* start);
bool heap_index_is_free(const struct heap_table* table, size_t first, size_t blocks);
void heap_index_mark_taken(struct heap_table* table, size_t first, size_t blocks);
void heap_index_mark_free(struct heap_table* table, size_t first, size_t blocks);
int heap_index_check(const struct heap_table* table);

#endif
