#ifndef KHEAP_HOSTED_H
#define KHEAP_HOSTED_H

#include <stddef.h>
#include <stdint.h>

/*
 * The hosted kernel heap: the real src/memory/heap/kheap.c over memory
 * mapped below 4 GiB, because paging.c stores table pointers in 32-bit
 * entries. Tests call kheap_hosted_init() in their setup to start each
 * case from an empty heap.
 */
#define KHEAP_HOSTED_ADDRESS 0x40000000UL
#define KHEAP_HOSTED_BLOCKS 16384 /* 64 MiB: room for several 4 GiB directories */

void kheap_hosted_init(void);

/* Taken blocks now; a test compares this before and after to find leaks. */
size_t kheap_hosted_blocks_in_use(void);

/*
 * Let the next n allocations succeed and make every later one return NULL,
 * so tests can reach each out-of-memory path. SIZE_MAX (the default, and
 * what kheap_hosted_init restores) never fails.
 */
void kheap_hosted_fail_after(size_t n);

/* How many kmalloc/kzalloc calls returned NULL since kheap_hosted_init. */
size_t kheap_hosted_failed_allocations(void);

#endif
