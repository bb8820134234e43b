/*
 * The kernel heap: the block-table heap (heap.c) over the range kernel_main
 * hands it, the seed's 100 MiB of 4 KiB blocks at 16 MiB with a table at
 * 0x7E00 (src/config.h). Everything the kernel allocates dynamically, and
 * everything processes allocate, comes from here.
 *
 * The table's free index is static, in the kernel image's .bss: it cannot
 * come from the heap it indexes.
 *
 * Built with VANA_DEBUG_HEAP (make DEBUG=1), the heap also checks itself,
 * as Linux's page poisoning and xv6's kfree do: every freed block is
 * scrubbed with KHEAP_POISON, a block handed out again must still hold the
 * pattern (or some kernel code wrote to it after freeing it), and
 * heap_check runs after every kmalloc and kfree.
 */
#include "kheap.h"
#include "config.h"
#include "memory/memory.h"
#include "panic.h"

#define KERNEL_HEAP_BLOCKS (VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE)
#define KHEAP_POISON 0x6B

static struct heap kernel_heap;
static struct heap_table kernel_heap_table;
static uint64_t kernel_heap_free_map[HEAP_INDEX_WORDS(KERNEL_HEAP_BLOCKS)];
static int16_t kernel_heap_run_prefix[HEAP_INDEX_BITMAP_WORDS(KERNEL_HEAP_BLOCKS)];
static uint16_t kernel_heap_run_suffix[HEAP_INDEX_BITMAP_WORDS(KERNEL_HEAP_BLOCKS)];
static int32_t kernel_heap_run_longest[HEAP_INDEX_BITMAP_WORDS(KERNEL_HEAP_BLOCKS)];
static int8_t kernel_heap_run_fits[HEAP_INDEX_FITS_BYTES(KERNEL_HEAP_BLOCKS)];

/**
 * kheap_init - make [start, end) the kernel heap.
 * @table: the heap's table, one byte per block
 * @start: the first block, block-aligned
 * @end: the address just past the last block, block-aligned
 *
 * The heap may be at most VANA_HEAP_SIZE_BYTES: the index's storage is
 * sized for that. A wrong range is a kernel bug, and VERIFY stops the
 * machine.
 * Context: at boot, once the memory map showed the range is usable RAM and
 * the boot data in the table's range was copied out (bootinfo.c).
 */
void kheap_init(HEAP_BLOCK_TABLE_ENTRY* table, void* start, void* end)
{
    VERIFY((uintptr_t)end > (uintptr_t)start &&
           ((uintptr_t)end - (uintptr_t)start) / VANA_HEAP_BLOCK_SIZE <= KERNEL_HEAP_BLOCKS);
    kernel_heap_table.entries = table;
    kernel_heap_table.total = ((uintptr_t)end - (uintptr_t)start) / VANA_HEAP_BLOCK_SIZE;
    kernel_heap_table.free_map = kernel_heap_free_map;
    kernel_heap_table.run_prefix = kernel_heap_run_prefix;
    kernel_heap_table.run_suffix = kernel_heap_run_suffix;
    kernel_heap_table.run_longest = kernel_heap_run_longest;
    kernel_heap_table.run_fits = kernel_heap_run_fits;
    VERIFY(heap_create(&kernel_heap, start, end, &kernel_heap_table) == 0);
}

#ifdef VANA_DEBUG_HEAP
/*
 * Blocks freed at least once since boot: only those are known to hold the
 * poison. The others may hold anything, such as boot data that was read
 * in place before the heap handed the block out.
 */
static uint32_t ever_freed[(KERNEL_HEAP_BLOCKS + 31) / 32];

static void kheap_debug_after_malloc(const char* ptr)
{
    VERIFY(heap_check(&kernel_heap) == 0);
    size_t first = (uintptr_t)(ptr - (const char*)kernel_heap.saddr) / VANA_HEAP_BLOCK_SIZE;
    size_t blocks = heap_allocation_blocks(&kernel_heap, ptr);
    for (size_t block = first; block < first + blocks; block++) {
        if (!(ever_freed[block / 32] & (1u << (block % 32))))
            continue;
        const unsigned char* bytes = (const unsigned char*)kernel_heap.saddr + block * VANA_HEAP_BLOCK_SIZE;
        for (size_t i = 0; i < VANA_HEAP_BLOCK_SIZE; i++) {
            if (bytes[i] != KHEAP_POISON)
                panic("kmalloc: %p was written after it was freed (byte at %p is 0x%02x)", (void*)ptr,
                      (void*)&bytes[i], bytes[i]);
        }
    }
}

static void kheap_debug_before_free(char* ptr, size_t blocks)
{
    size_t first = (uintptr_t)(ptr - (char*)kernel_heap.saddr) / VANA_HEAP_BLOCK_SIZE;
    for (size_t block = first; block < first + blocks; block++)
        ever_freed[block / 32] |= 1u << (block % 32);
    memset(ptr, KHEAP_POISON, blocks * VANA_HEAP_BLOCK_SIZE);
}
#endif

/**
 * kmalloc - allocate size bytes (whole blocks) from the kernel heap, uninitialised.
 * @size: bytes wanted
 *
 * With VANA_DEBUG_HEAP, blocks freed before must still hold the poison,
 * or the kernel panics: something wrote to them after it freed them.
 * Return: the allocation, or NULL when the heap is full or size is 0.
 * Context: after kheap_init.
 */
void* kmalloc(size_t size)
{
    void* ptr = heap_malloc(&kernel_heap, size);
#ifdef VANA_DEBUG_HEAP
    if (ptr)
        kheap_debug_after_malloc(ptr);
#endif
    return ptr;
}

/**
 * kzalloc - as kmalloc, with every byte of the blocks returned set to zero.
 * @size: bytes wanted
 *
 * Return: the allocation, or NULL when the heap is full or size is 0.
 * Context: after kheap_init.
 */
void* kzalloc(size_t size)
{
    void* ptr = kmalloc(size);
    /* The allocation succeeded, so size is below the heap's size and rounding it up cannot wrap. */
    if (ptr)
        memset(ptr, 0, heap_size_to_blocks(size) * VANA_HEAP_BLOCK_SIZE);
    return ptr;
}

/**
 * kfree - free a kmalloc/kzalloc allocation.
 * @ptr: what kmalloc or kzalloc returned, or NULL (ignored)
 *
 * Any other pointer is a kernel bug that would corrupt the heap later:
 * panic now.
 * Context: after kheap_init.
 */
void kfree(void* ptr)
{
#ifdef VANA_DEBUG_HEAP
    size_t blocks = heap_allocation_blocks(&kernel_heap, ptr);
    if (blocks)
        kheap_debug_before_free(ptr, blocks);
#endif
    if (heap_free(&kernel_heap, ptr) < 0)
        panic("kfree: %p is not the start of a kernel heap allocation", ptr);
#ifdef VANA_DEBUG_HEAP
    VERIFY(heap_check(&kernel_heap) == 0);
#endif
}

/**
 * kheap_get - the kernel heap itself, for its statistics and views.
 *
 * Return: the heap; its fields are valid after kheap_init.
 */
struct heap* kheap_get(void)
{
    return &kernel_heap;
}
