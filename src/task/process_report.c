/*
 * What a process holds, printed on the console: its user mappings, walked
 * from its live page tables, and the kernel heap's occupancy. System call
 * 10 (memmap) prints it for the caller; `memstat` shows it.
 */
#include "config.h"
#include "console/console.h"
#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "process.h"

#define HEAP_MAP_WIDTH 64

/* The regions of a process's address space (docs/memory.md, "A process"), each up to its end. */
static const struct
{
    uint64_t end;
    const char* name;
} process_regions[] = {
    {VANA_PROGRAM_ARGUMENTS_ADDRESS, "stack"},
    {VANA_PROGRAM_VIRTUAL_ADDRESS, "arguments"},
    {VANA_PROGRAM_VIRTUAL_ADDRESS_END, "program"},
    {0x100000000ull, "malloc"},
};

/* Print [start, end), split where it crosses from one region into the next. */
static void process_report_range(uint64_t start, uint64_t end, uint32_t flags)
{
    for (size_t i = 0; i < sizeof(process_regions) / sizeof(process_regions[0]) && start < end; i++) {
        if (start >= process_regions[i].end)
            continue;
        uint64_t part_end = end < process_regions[i].end ? end : process_regions[i].end;
        kprintf("  %08x-%08x %s %5u KiB  %s\n", (unsigned)start, (unsigned)part_end,
                flags & PAGING_IS_WRITEABLE ? "rw" : "r-", (unsigned)((part_end - start) / 1024),
                process_regions[i].name);
        start = part_end;
    }
}

/* process_report_memory - print process's user mappings and the kernel heap map. */
void process_report_memory(struct process* process)
{
    uint32_t* directory = process->directory.directory_entry;
    size_t tables = paging_owned_tables(&process->directory);
    uint64_t start, end = 0;
    uint32_t flags;
    char map[HEAP_MAP_WIDTH + 1];

    kprintf("vana: memory of process %d (%s): %zu KiB of page tables (directory + %zu), %zu allocations of %zu "
            "blocks\n",
            process->pid, process->name, (tables + 1) * PAGING_PAGE_SIZE / 1024, tables,
            process->allocation_count, process_allocated_blocks(process));
    while (paging_next_user_range(directory, end, &start, &end, &flags))
        process_report_range(start, end, flags);
    struct heap* heap = kheap_get();
    heap_usage_map(heap, map, HEAP_MAP_WIDTH);
    kprintf("  kernel heap [%s] %zu of %zu blocks\n", map, heap_blocks_in_use(heap), heap->table->total);
}
