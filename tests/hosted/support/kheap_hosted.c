/*
 * The kernel heap for the hosted tests: the real src/memory/heap/kheap.c,
 * compiled with its kmalloc and kzalloc renamed kheap_real_*, under thin
 * wrappers that can make allocations fail on purpose, so tests reach every
 * out-of-memory path of paging.c.
 *
 * The region is mapped once at a fixed address below 4 GiB (paging.c keeps
 * table addresses in 32-bit entries); under ASan that range is ordinary
 * application memory. A kernel panic (kfree of a pointer the heap rejects,
 * a broken VERIFY) fails the running test.
 */
#define _GNU_SOURCE
#include "kheap_hosted.h"
#include "config.h"
#include "memory/heap/kheap.h"
#include "panic.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#define KHEAP_HOSTED_BYTES ((size_t)KHEAP_HOSTED_BLOCKS * VANA_HEAP_BLOCK_SIZE)

void* kheap_real_kmalloc(size_t size);
void* kheap_real_kzalloc(size_t size);

static HEAP_BLOCK_TABLE_ENTRY hosted_entries[KHEAP_HOSTED_BLOCKS];
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

void kheap_hosted_init(void)
{
    map_region_once();
    kheap_init(hosted_entries, hosted_region, (char*)hosted_region + KHEAP_HOSTED_BYTES);
    allocations_left = SIZE_MAX;
    failed_allocations = 0;
}

/* May the next allocation succeed? Counts the ones made to fail. */
static int kheap_hosted_allow(void)
{
    if (allocations_left == 0) {
        failed_allocations++;
        return 0;
    }
    if (allocations_left != SIZE_MAX)
        allocations_left--;
    return 1;
}

void* kmalloc(size_t size)
{
    if (!kheap_hosted_allow())
        return NULL;
    void* ptr = kheap_real_kmalloc(size);
    failed_allocations += ptr == NULL;
    return ptr;
}

void* kzalloc(size_t size)
{
    if (!kheap_hosted_allow())
        return NULL;
    void* ptr = kheap_real_kzalloc(size);
    failed_allocations += ptr == NULL;
    return ptr;
}

void panic(const char* fmt, ...)
{
    char message[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof(message), fmt, args);
    va_end(args);
    fail_msg("kernel panic: %s", message);
    abort();
}

size_t kheap_hosted_blocks_in_use(void)
{
    return heap_blocks_in_use(kheap_get());
}

void kheap_hosted_fail_after(size_t n)
{
    allocations_left = n;
}

size_t kheap_hosted_failed_allocations(void)
{
    return failed_allocations;
}
