#ifndef KHEAP_H
#define KHEAP_H

#include <stddef.h>

#include "heap.h"

void kheap_init(HEAP_BLOCK_TABLE_ENTRY* table, void* start, void* end);
void* kmalloc(size_t size);
void* kzalloc(size_t size);
void kfree(void* ptr);

struct heap* kheap_get(void);

#endif
