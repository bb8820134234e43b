/*
 * The kernel heap: the seed's 100 MiB of 4 KiB blocks at 16 MiB, described
 * by a table at 0x7E00 (src/config.h). Everything the kernel allocates
 * dynamically, and everything processes allocate, comes from here.
 * The table's free index is static, in the kernel image's .bss: it cannot
 * come from the heap it indexes.
 */
#include "kheap.h"
#include "boot/bootinfo.h"
#include "config.h"
#include "console/console.h"
#include "panic.h"
#include "memory/memory.h"

#define KERNEL_HEAP_BLOCKS (VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE)

static struct heap kernel_heap;
static struct heap_table kernel_heap_table;
static uint64_t kernel_heap_free_map[HEAP_INDEX_WORDS(KERNEL_HEAP_BLOCKS)];
static struct heap_index_node kernel_heap_free_tree[HEAP_INDEX_NODES(KERNEL_HEAP_BLOCKS)];

/*
 * kheap_init - create the kernel heap. The heap must lie in RAM the
 * memory map calls usable; when it does not, say what is needed and what
 * was found, and halt: nothing can run without the heap. The boot data in
 * the table's range must have been copied out before (bootinfo.c).
 */
void kheap_init(void)
{
    uint64_t start = VANA_HEAP_ADDRESS, end = start + VANA_HEAP_SIZE_BYTES;

    if (!boot_memory_is_usable(start, end)) {
        kprintf("vana: not enough memory: the kernel heap needs usable RAM from 0x%08x to 0x%08x "
                "(%u MiB of RAM), but this machine has %u MiB usable, ending at %u MiB\n",
                (unsigned)start, (unsigned)end, (unsigned)(end >> 20),
                (unsigned)(boot_memory_usable_bytes() >> 20), (unsigned)(boot_memory_usable_end() >> 20));
        kprintf("vana: halted; give the machine more memory (QEMU: -m 128)\n");
        kernel_poweroff(false);
    }

    kernel_heap_table.entries = (HEAP_BLOCK_TABLE_ENTRY*)(VANA_HEAP_TABLE_ADDRESS);
    kernel_heap_table.total = KERNEL_HEAP_BLOCKS;
    kernel_heap_table.free_map = kernel_heap_free_map;
    kernel_heap_table.free_tree = kernel_heap_free_tree;
    if (heap_create(&kernel_heap, (void*)VANA_HEAP_ADDRESS, (void*)(uintptr_t)end, &kernel_heap_table) < 0)
        panic("kheap_init: heap_create refused the configured heap");
}

/* kmalloc - size bytes (whole blocks) from the kernel heap, uninitialised; NULL when full or size is 0. */
void* kmalloc(size_t size)
{
    return heap_malloc(&kernel_heap, size);
}

/* kzalloc - as kmalloc, with every byte of the blocks returned set to zero. */
void* kzalloc(size_t size)
{
    void* ptr = kmalloc(size);
    /* The allocation succeeded, so size is below the heap's size and rounding it up cannot wrap. */
    if (ptr)
        memset(ptr, 0, (size + VANA_HEAP_BLOCK_SIZE - 1) / VANA_HEAP_BLOCK_SIZE * VANA_HEAP_BLOCK_SIZE);
    return ptr;
}

/*
 * kfree - free a kmalloc/kzalloc allocation; NULL is ignored. Any other
 * pointer is a kernel bug that would corrupt the heap later: panic now.
 */
void kfree(void* ptr)
{
    if (heap_free(&kernel_heap, ptr) < 0)
        panic("kfree: %p is not the start of a kernel heap allocation", ptr);
}

struct heap* kheap_get(void)
{
    return &kernel_heap;
}
