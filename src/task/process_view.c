/*
 * Views of processes for user space (docs/syscalls.md, calls 15, 18, 19
 * and 20): the list of processes, and one process's page directory, user
 * mappings and the walk of one address. The kernel hands over numbers; a
 * program (user/programs/vsh.c) formats them.
 *
 * What a process may see: the list of every process (pids, names, states
 * and the blocks each holds, as `ps` shows anyone); the layout of its own
 * address space and of the processes it started, directly or through its
 * children (addresses, rights and frames, never the contents of a page).
 *
 * The kernel runs with interrupts off, so each call's work is bounded: the
 * list by the number of processes, a directory by its 1,024 entries, the
 * mappings by the page tables the process owns (as memmap's walk).
 */
#include <limits.h>

#include "lib/string.h"
#include "memory/memory.h"
#include "memory/paging/paging.h"
#include "process.h"
#include "status.h"
#include "syscall/abi.h"

_Static_assert(VANA_PROCESS_NAME_MAX == PROCESS_NAME_MAX, "the name in the ABI is the name in the record");

static unsigned int process_view_state(const struct process* caller, const struct process* process)
{
    if (process->ended || process->task.state == TASK_ZOMBIE)
        return VANA_PROCESS_ENDED;
    if (process == caller)
        return VANA_PROCESS_RUNNING;
    return process->task.state == TASK_BLOCKED ? VANA_PROCESS_BLOCKED : VANA_PROCESS_READY;
}

/*
 * Check that caller may write count records of size bytes at user_out.
 * Return: 0, or -EFAULT (also when the size overflows).
 */
static int process_view_check_array(struct process* caller, void* user_out, size_t count, size_t size)
{
    if (count > SIZE_MAX / size)
        return -EFAULT;
    return process_check_user(caller, user_out, count * size, true);
}

/**
 * process_view_list - describe the processes, oldest first (system call 15).
 * @caller: the calling process
 * @user_out: where the descriptions go: an array of struct
 * vana_process_info, a user pointer into caller's memory
 * @max: the array's length; at most max processes are described
 *
 * Context: the system call of caller, interrupts off.
 * Return: how many processes there are in all (a caller whose array was
 * short asks again); -EFAULT when the array is not writable by caller.
 */
int process_view_list(struct process* caller, void* user_out, size_t max)
{
    struct vana_process_info* out = user_out;
    if (process_view_check_array(caller, user_out, max, sizeof(*out)) < 0)
        return -EFAULT;
    int total = 0;
    for (struct process* process = process_list_first(); process; process = process->list_next, total++) {
        if ((size_t)total >= max)
            continue;
        struct vana_process_info* info = &out[total];
        info->pid = process->pid;
        info->parent = process->parent ? process->parent->pid : 0;
        info->state = process_view_state(caller, process);
        info->held_blocks = process->ended ? 0 : (unsigned int)process_held_blocks(process);
        memset(info->name, 0, sizeof(info->name));
        strlcpy(info->name, process->name, sizeof(info->name));
    }
    return total;
}

/*
 * The page directory of process pid, if caller may see its address space:
 * it is caller, or caller is among its ancestors; and it still has one (it
 * has not ended). The caller's buffer for the answer, count records of
 * size bytes at user_out, is checked first, for writing.
 * Return: 0 with the directory in *out; -EFAULT when the buffer is not
 * caller's to write; -ENOENT when no process with an address space has
 * that pid; -EPERM when caller may not see it.
 */
static int process_view_target(struct process* caller, int pid, void* user_out, size_t count, size_t size,
                               uint32_t** out)
{
    if (process_view_check_array(caller, user_out, count, size) < 0)
        return -EFAULT;
    struct process* process = pid > 0 ? process_find(pid) : NULL;
    if (!process || process->ended)
        return -ENOENT;
    for (struct process* ancestor = process; ancestor; ancestor = ancestor->parent) {
        if (ancestor == caller) {
            *out = paging_4gb_chunk_get_directory(&process->chunk);
            return 0;
        }
    }
    return -EPERM;
}

static unsigned char process_view_directory_kind(uint32_t entry)
{
    if (!(entry & PAGING_IS_PRESENT))
        return VANA_DIRECTORY_ABSENT;
    if (entry & PAGING_IS_4MB_PAGE)
        return VANA_DIRECTORY_LARGE_PAGE;
    return (entry & PAGING_TABLE_IS_OWNED) ? VANA_DIRECTORY_OWNED : VANA_DIRECTORY_SHARED;
}

/**
 * process_view_directory - describe the page directory of a process (system call 18).
 * @caller: the calling process
 * @pid: the process whose directory is described
 * @user_out: where the description goes: a struct vana_directory, a user
 * pointer into caller's memory
 *
 * The kind of each of the 1,024 entries (absent, 4 MiB page, shared or
 * owned table), their counts, and the directory's address.
 * Context: the system call of caller, interrupts off.
 * Return: 0; -EFAULT for a bad pointer; -ENOENT, -EPERM as process_view_target.
 */
int process_view_directory(struct process* caller, int pid, void* user_out)
{
    struct vana_directory* out = user_out;
    uint32_t* directory;
    int res = process_view_target(caller, pid, out, 1, sizeof(*out), &directory);
    if (res < 0)
        return res;
    unsigned int counts[VANA_DIRECTORY_OWNED + 1] = {0};
    for (size_t i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++) {
        out->kind[i] = process_view_directory_kind(directory[i]);
        counts[out->kind[i]]++;
    }
    out->directory_address = (unsigned int)(uintptr_t)directory;
    out->owned_tables = counts[VANA_DIRECTORY_OWNED];
    out->shared_tables = counts[VANA_DIRECTORY_SHARED];
    out->large_pages = counts[VANA_DIRECTORY_LARGE_PAGE];
    return 0;
}

/**
 * process_view_mappings - the user mappings of a process (system call 19).
 * @caller: the calling process
 * @pid: the process whose mappings are described
 * @user_out: where they go: an array of struct vana_mapping, a user
 * pointer into caller's memory
 * @max: the array's length; at most max runs are stored
 *
 * The mappings come as runs of pages with the same rights, lowest first.
 * Context: the system call of caller, interrupts off.
 * Return: how many runs there are in all; -EFAULT for a bad array;
 * -ENOENT, -EPERM as process_view_target.
 */
int process_view_mappings(struct process* caller, int pid, void* user_out, size_t max)
{
    struct vana_mapping* out = user_out;
    uint32_t* directory;
    int res = process_view_target(caller, pid, out, max, sizeof(*out), &directory);
    if (res < 0)
        return res;
    uint64_t start, end = 0;
    uint32_t flags;
    int total = 0;
    while (paging_next_user_range(directory, end, &start, &end, &flags)) {
        if ((size_t)total < max)
            out[total] = (struct vana_mapping){(unsigned int)start, (unsigned int)end, flags};
        total++;
    }
    return total;
}

/**
 * process_view_translate - walk one address through a process's page directory (system call 20).
 * @caller: the calling process
 * @pid: the process whose directory is walked
 * @address: the virtual address to translate
 * @user_out: where the walk goes: a struct vana_translation, a user pointer
 * into caller's memory
 *
 * The walk is the CPU's: the directory index, table index and offset, the
 * two entries and the physical address reached.
 * Context: the system call of caller, interrupts off.
 * Return: 0 whether or not address is mapped; -EFAULT for a bad pointer;
 * -ENOENT, -EPERM as process_view_target.
 */
int process_view_translate(struct process* caller, int pid, uint32_t address, void* user_out)
{
    struct vana_translation* out = user_out;
    uint32_t* directory;
    int res = process_view_target(caller, pid, out, 1, sizeof(*out), &directory);
    if (res < 0)
        return res;
    const uint32_t table_span = (uint32_t)PAGING_REGION_SIZE;
    uint32_t directory_entry = directory[address / table_span];

    out->address = address;
    out->directory_index = address / table_span;
    out->table_index = address / PAGING_PAGE_SIZE % PAGING_TOTAL_ENTRIES_PER_TABLE;
    out->offset = address % PAGING_PAGE_SIZE;
    out->directory_entry = directory_entry;
    out->table_entry = 0;
    out->physical = 0;
    if (!(directory_entry & PAGING_IS_PRESENT))
        return 0;
    if (directory_entry & PAGING_IS_4MB_PAGE) {
        out->physical = (directory_entry & ~(table_span - 1)) | (address % table_span);
        return 0;
    }
    const uint32_t* table = (const uint32_t*)(uintptr_t)(directory_entry & PAGING_ADDRESS_MASK);
    out->table_entry = table[out->table_index];
    if (out->table_entry & PAGING_IS_PRESENT)
        out->physical = (out->table_entry & PAGING_ADDRESS_MASK) | out->offset;
    return 0;
}
