/*
 * The kernel heap seen from user space (docs/syscalls.md, calls 16 and
 * 17): its figures, and who owns each block. The heap's table says only
 * whether a block is free or taken; who took it is derived here from the
 * processes, without any record in the heap itself. A process owns:
 *  - its fixed blocks: its record, directory, image, stack, argument page
 *    and kernel stack (the record of an ended child waiting for its
 *    parent's wait is the parent's, as the memory limit counts it);
 *  - the page tables its directory owns (PAGING_TABLE_IS_OWNED);
 *  - its allocations: heap blocks its directory maps user-accessible at
 *    their own address, which nothing else in a process is (process.c).
 * Every other taken block is the kernel's. The sum over a process's blocks
 * is process_held_blocks, what its memory limit counts.
 *
 * Any process may read these figures and the owner of every block (a pid,
 * never a block's contents). The kernel runs with interrupts off, so each
 * call's work is bounded: heapinfo reads the table once (25,600 bytes);
 * heapmap fills at most VANA_HEAPMAP_MAX owners, and for each process
 * reads its directory up to its last owned table and, of its tables, only
 * the entries that map the blocks asked for.
 */
#include "config.h"
#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "process.h"
#include "status.h"
#include "syscall/abi.h"

/**
 * heap_view_info - the kernel heap's figures (system call 16).
 * @caller: the calling process
 * @user_out: where they go: a struct vana_heapinfo, a user pointer into
 * caller's memory
 *
 * Blocks used and free, the largest free run, and the shares of the
 * processes that have not ended and of the kernel. The table is read once.
 * Context: the system call of caller, interrupts off.
 * Return: 0, or -EFAULT when the struct is not writable by caller.
 */
int heap_view_info(struct process* caller, void* user_out)
{
    struct vana_heapinfo* out = user_out;
    if (process_check_user(caller, out, sizeof(*out), true) < 0)
        return -EFAULT;
    const struct heap* heap = kheap_get();
    const struct heap_table* table = heap->table;
    size_t run = 0, largest = 0, process_blocks = 0, processes = 0;

    for (size_t i = 0; i < table->total; i++) {
        run = heap_entry_is_free(table->entries[i]) ? run + 1 : 0;
        if (run > largest)
            largest = run;
    }
    for (struct process* process = process_list_first(); process; process = process->list_next) {
        if (process->ended)
            continue;
        process_blocks += process_held_blocks(process);
        processes++;
    }
    out->total_blocks = (unsigned int)table->total;
    out->used_blocks = (unsigned int)heap_blocks_in_use(heap);
    out->free_blocks = (unsigned int)(table->total - heap_blocks_in_use(heap));
    out->largest_free_run = (unsigned int)largest;
    out->process_blocks = (unsigned int)process_blocks;
    out->kernel_blocks = (unsigned int)(heap_blocks_in_use(heap) - process_blocks);
    out->processes = (unsigned int)processes;
    return 0;
}

/* The blocks asked for: owners[i] is block first + i's, for i below count. */
struct heap_window
{
    unsigned int* owners;
    size_t first;
    size_t count;
};

/* Give owner the window's part of the run of blocks heap blocks long that starts at address. */
static void heap_window_claim(const struct heap_window* window, const void* address, size_t blocks, unsigned int owner)
{
    const struct heap* heap = kheap_get();
    size_t start = ((uintptr_t)address - (uintptr_t)heap->saddr) / VANA_HEAP_BLOCK_SIZE;
    size_t end = start + blocks;
    if (start < window->first)
        start = window->first;
    if (end > window->first + window->count)
        end = window->first + window->count;
    for (size_t block = start; block < end; block++)
        window->owners[block - window->first] = owner;
}

/* Give owner the heap allocation at address, if there is one there (the fields of an ended process are NULL). */
static void heap_window_claim_allocation(const struct heap_window* window, const void* address, unsigned int owner)
{
    size_t blocks = heap_allocation_blocks(kheap_get(), address);
    if (blocks > 0)
        heap_window_claim(window, address, blocks, owner);
}

/* The page tables process's directory owns, each one block; the directory is read only up to its last. */
static void heap_window_claim_tables(const struct heap_window* window, struct process* process, unsigned int owner)
{
    const uint32_t* directory = paging_4gb_chunk_get_directory(&process->chunk);
    size_t tables = paging_owned_tables(&process->chunk);
    for (size_t i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE && tables > 0; i++) {
        if (directory[i] & PAGING_TABLE_IS_OWNED) {
            heap_window_claim(window, (const void*)(uintptr_t)(directory[i] & PAGING_ADDRESS_MASK), 1, owner);
            tables--;
        }
    }
}

/*
 * The window's blocks that process's directory maps user-accessible at
 * their own address: its allocations. Only tables it owns can hold user
 * pages; a shared table or a 4 MiB page is the kernel's mapping.
 */
static void heap_window_claim_allocations(const struct heap_window* window, struct process* process, unsigned int owner)
{
    const uint32_t* directory = paging_4gb_chunk_get_directory(&process->chunk);
    uintptr_t heap_start = (uintptr_t)kheap_get()->saddr;

    for (size_t block = window->first; block < window->first + window->count;) {
        uintptr_t address = heap_start + block * VANA_HEAP_BLOCK_SIZE;
        uint32_t directory_entry = directory[address / PAGING_PAGE_SIZE / PAGING_TOTAL_ENTRIES_PER_TABLE];
        size_t index = address / PAGING_PAGE_SIZE % PAGING_TOTAL_ENTRIES_PER_TABLE;
        size_t pages = PAGING_TOTAL_ENTRIES_PER_TABLE - index; /* to the end of this table */
        if (pages > window->first + window->count - block)
            pages = window->first + window->count - block;
        if ((directory_entry & PAGING_TABLE_IS_OWNED) && !(directory_entry & PAGING_IS_4MB_PAGE)) {
            const uint32_t* table = (const uint32_t*)(uintptr_t)(directory_entry & PAGING_ADDRESS_MASK);
            for (size_t i = 0; i < pages; i++) {
                uint32_t entry = table[index + i];
                uintptr_t page = address + i * PAGING_PAGE_SIZE;
                if ((entry & PAGING_USER_READ) == PAGING_USER_READ && (entry & PAGING_ADDRESS_MASK) == page)
                    window->owners[block + i - window->first] = owner;
            }
        }
        block += pages;
    }
}

/* Give each of process's blocks in the window to it (its record to its parent once it has ended). */
static void heap_window_claim_process(const struct heap_window* window, struct process* process)
{
    unsigned int owner = (unsigned int)process->pid;
    if (process->ended) {
        if (process->parent) /* always: a record without a parent is freed when it ends */
            heap_window_claim_allocation(window, process, (unsigned int)process->parent->pid);
        return;
    }
    heap_window_claim_allocation(window, process, owner);
    heap_window_claim_allocation(window, paging_4gb_chunk_get_directory(&process->chunk), owner);
    heap_window_claim_allocation(window, process->image, owner);
    heap_window_claim_allocation(window, process->stack, owner);
    heap_window_claim_allocation(window, process->arguments, owner);
    heap_window_claim_allocation(window, process->task.kernel_stack, owner);
    heap_window_claim_tables(window, process, owner);
    heap_window_claim_allocations(window, process, owner);
}

/**
 * heap_view_owners - the owner of each of a run of heap blocks (system call 17).
 * @caller: the calling process
 * @user_owners: where the owners go: an array of unsigned int, a user
 * pointer into caller's memory
 * @first: the first block asked for
 * @count: how many blocks are asked for; at most VANA_HEAPMAP_MAX are given
 *
 * Each owner is VANA_OWNER_FREE, VANA_OWNER_KERNEL or the owning process's
 * pid.
 * Context: the system call of caller, interrupts off.
 * Return: how many owners were stored (count cut to VANA_HEAPMAP_MAX and to
 * the table's end; 0 when first is the table's end); -EINVARG when first
 * lies past the end; -EFAULT when the array of that many is not writable
 * by caller.
 */
int heap_view_owners(struct process* caller, void* user_owners, size_t first, size_t count)
{
    const struct heap* heap = kheap_get();
    const struct heap_table* table = heap->table;
    if (first > table->total)
        return -EINVARG;
    if (count > VANA_HEAPMAP_MAX)
        count = VANA_HEAPMAP_MAX;
    if (count > table->total - first)
        count = table->total - first;
    if (process_check_user(caller, user_owners, count * sizeof(unsigned int), true) < 0)
        return -EFAULT;

    struct heap_window window = {user_owners, first, count};
    for (size_t i = 0; i < count; i++)
        window.owners[i] = heap_entry_is_free(table->entries[first + i]) ? VANA_OWNER_FREE : VANA_OWNER_KERNEL;
    for (struct process* process = process_list_first(); process; process = process->list_next)
        heap_window_claim_process(&window, process);
    return (int)count;
}
