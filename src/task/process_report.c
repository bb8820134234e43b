/*
 * What a process holds, printed on the console: its user mappings, walked
 * from its live page tables, and the kernel heap's occupancy. System call
 * 10 (memmap) prints it for the caller; `memstat` shows it.
 */
#include "config.h"
#include "lib/array.h"
#include "console/console.h"
#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "process.h"

#define HEAP_MAP_WIDTH 64

/*
 * At most this many lines of mappings per call. The kernel prints with
 * interrupts off, and a process with 10,000 scattered allocations would
 * otherwise hold the machine for seconds; the rest is summed up in one
 * line. The walk itself is bounded by the page tables the process owns.
 */
#define PROCESS_REPORT_MAX_LINES 32

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

/*
 * Print [start, end), split where it crosses from one region into the
 * next, while fewer than PROCESS_REPORT_MAX_LINES lines are out; count the
 * ranges not printed in *hidden. Returns the lines printed.
 */
static size_t process_report_range(uint64_t start, uint64_t end, uint32_t flags, size_t lines, size_t* hidden)
{
    size_t printed = 0;
    for (size_t i = 0; i < ARRAY_SIZE(process_regions) && start < end; i++) {
        if (start >= process_regions[i].end)
            continue;
        uint64_t part_end = end < process_regions[i].end ? end : process_regions[i].end;
        if (lines + printed < PROCESS_REPORT_MAX_LINES) {
            kprintf("  %08x-%08x %s %5u KiB  %s\n", (unsigned)start, (unsigned)part_end,
                    flags & PAGING_IS_WRITEABLE ? "rw" : "r-", (unsigned)((part_end - start) / 1024),
                    process_regions[i].name);
            printed++;
        } else {
            (*hidden)++;
        }
        start = part_end;
    }
    return printed;
}

/**
 * process_report_memory - print what process holds, and the kernel heap.
 * @process: the process
 *
 * Prints its user mappings (the first PROCESS_REPORT_MAX_LINES ranges, then
 * how many more) and the kernel heap map.
 * Context: the work is bounded by the page tables process owns.
 */
void process_report_memory(struct process* process)
{
    uint32_t* directory = paging_4gb_chunk_get_directory(&process->chunk);
    size_t tables = paging_owned_tables(&process->chunk);
    uint64_t start, end = 0;
    uint32_t flags;
    size_t lines = 0, hidden = 0;
    char map[HEAP_MAP_WIDTH + 1];

    kprintf("vana: memory of process %d (%s): %zu KiB of page tables (directory + %zu), %zu allocations of %zu "
            "blocks\n",
            process->pid, process->name, (tables + 1) * PAGING_PAGE_SIZE / 1024, tables,
            process->allocation_count, process_allocated_blocks(process));
    while (paging_next_user_range(directory, end, &start, &end, &flags))
        lines += process_report_range(start, end, flags, lines, &hidden);
    if (hidden)
        kprintf("  ... and %zu more ranges\n", hidden);
    struct heap* heap = kheap_get();
    heap_usage_map(heap, map, HEAP_MAP_WIDTH);
    kprintf("  kernel heap [%s] %zu of %zu blocks\n", map, heap_blocks_in_use(heap), heap->table->total);
}
