/*
 * kmalloc, kzalloc and kfree for the hosted tests, built on heap.c exactly
 * as the kernel's kheap.c is, so paging tests also exercise the heap.
 *
 * The region is mapped once at a fixed address below 4 GiB (paging.c keeps
 * table addresses in 32-bit entries); under ASan that range is ordinary
 * application memory. kfree of a pointer the heap rejects fails the
 * running test, where the kernel would panic.
 */
#define _GNU_SOURCE
#include "kheap_hosted.h"
#include "config.h"
#include "memory/heap/kheap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#define KHEAP_HOSTED_BYTES ((size_t)KHEAP_HOSTED_BLOCKS * VANA_HEAP_BLOCK_SIZE)

static struct heap hosted_heap;
static struct heap_table hosted_table;
static HEAP_BLOCK_TABLE_ENTRY hosted_entries[KHEAP_HOSTED_BLOCKS];
static uint64_t hosted_free_map[HEAP_INDEX_WORDS(KHEAP_HOSTED_BLOCKS)];
static struct heap_index_node hosted_free_tree[HEAP_INDEX_NODES(KHEAP_HOSTED_BLOCKS)];
static void* hosted_region;
static size_t allocations_left;
static size_t failed_allocations;

static void map_region_once(void)
{
    if (hosted_region)
        return;
    /* NOREPLACE: never clobber a mapping that already sits there. */
    void* want = (void*)KHEAP_HOSTED_ADDRESS;
    void* got = mmap(want, KHEAP_HOSTED_BYTES, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (got != want) {
        fprintf(stderr, "kheap_hosted: cannot map %zu bytes at %p\n", KHEAP_HOSTED_BYTES, want);
        abort();
    }
    hosted_region = got;
}

void kheap_init(void)
{
    map_region_once();
    hosted_table.entries = hosted_entries;
    hosted_table.total = KHEAP_HOSTED_BLOCKS;
    hosted_table.free_map = hosted_free_map;
    hosted_table.free_tree = hosted_free_tree;
    char* end = (char*)hosted_region + KHEAP_HOSTED_BYTES;
    if (heap_create(&hosted_heap, hosted_region, end, &hosted_table) < 0) {
        fprintf(stderr, "kheap_hosted: heap_create failed\n");
        abort();
    }
    allocations_left = SIZE_MAX;
    failed_allocations = 0;
}

struct heap* kheap_get(void)
{
    return &hosted_heap;
}

void* kmalloc(size_t size)
{
    if (allocations_left == 0) {
        failed_allocations++;
        return NULL;
    }
    if (allocations_left != SIZE_MAX)
        allocations_left--;
    void* ptr = heap_malloc(&hosted_heap, size);
    if (!ptr)
        failed_allocations++;
    return ptr;
}

void* kzalloc(size_t size)
{
    void* ptr = kmalloc(size);
    if (ptr)
        memset(ptr, 0, size);
    return ptr;
}

void kfree(void* ptr)
{
    if (heap_free(&hosted_heap, ptr) < 0)
        fail_msg("kfree: %p is not the start of a live allocation", ptr);
}

size_t kheap_hosted_blocks_in_use(void)
{
    return heap_blocks_in_use(&hosted_heap);
}

void kheap_hosted_fail_after(size_t n)
{
    allocations_left = n;
}

size_t kheap_hosted_failed_allocations(void)
{
    return failed_allocations;
}
