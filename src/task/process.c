/*
 * Processes: a page directory of their own, a program image, a stack, an
 * argument page, the blocks they allocated, and one task.
 *
 * Memory layout of a process (docs/memory.md, "A process"):
 *   0x003FA000  guard page, not present
 *   0x003FB000  stack, 16 KiB, user read/write; ESP starts at 0x3FF000
 *   0x003FF000  argument page (argv pointers and strings), user read-only
 *   0x00400000  program image, segment permissions honoured
 *   0x01000000+ process_malloc blocks, at their kernel heap addresses
 * Everything else is the kernel's identity map, supervisor-only.
 */
#include "process.h"
#include "config.h"
#include "console/console.h"
#include "panic.h"
#include "lib/string.h"
#include "memory/heap/kheap.h"
#include "memory/memory.h"
#include "program.h"
#include "status.h"

static int next_pid = 1;
/* Every process with a pid (process.h, list_next): what the views of system calls 15-20 walk. */
static struct process* process_list_head;
static struct process* process_list_tail;

static void process_free_all_allocations(struct process* process);
static size_t process_count_fixed_blocks(struct process* process);

/* The name shown for a command line: its first word, cut to fit the record. */
static void process_name_from_command_line(char name[PROCESS_NAME_MAX], const char* command_line)
{
    size_t length;
    const char* word = string_next_word(command_line, &length);

    if (!word) {
        strlcpy(name, "(unnamed)", PROCESS_NAME_MAX);
        return;
    }
    if (length >= PROCESS_NAME_MAX)
        length = PROCESS_NAME_MAX - 1;
    memcpy(name, word, length);
    name[length] = '\0';
}

/* Say why a program does not start; it counts as a failure for the poweroff status. */
static void process_refuse(const char* command_line, const char* reason)
{
    char name[PROCESS_NAME_MAX];
    process_name_from_command_line(name, command_line);
    kprintf("vana: program %s refused: %s\n", name, reason);
    task_report_failure();
}

/**
 * process_create - make a process for a program image, quietly.
 * @command_line: the program's command line; its first word is the name
 * @program: the image, an ELF32 executable, or a flat binary when the
 * name ends in ".bin"
 * @size: the image's length in bytes
 * @out: where the new process goes
 * @reason: where a failure's reason goes, for a "refused" line
 *
 * The process gets a pid and joins the list of processes only once its
 * program loaded; task_ready then lets it run.
 * Return: 0 with the process in *out, or a negative error with *reason
 * saying why (-ENOEXEC, -ENOMEM, -E2BIG); nothing is left allocated then.
 */
int process_create(const char* command_line, const void* program, size_t size, struct process** out,
                   const char** reason)
{
    *reason = "command line too long";
    if (strnlen(command_line, VANA_MAX_COMMAND_LINE + 1) > VANA_MAX_COMMAND_LINE)
        return -E2BIG;
    *reason = "out of memory";
    struct process* process = kzalloc(sizeof(struct process));
    if (!process)
        return -ENOMEM;
    process_name_from_command_line(process->name, command_line);

    const char* program_reason = NULL;
    int res = paging_new_shared_4gb(&process->chunk, paging_kernel_directory());
    if (res == 0)
        res = program_load(process, command_line, program, size, &program_reason);
    if (res < 0) {
        *reason = program_reason ? program_reason : res == -E2BIG ? "command line too long" : "out of memory";
        process_destroy(process);
        return res;
    }
    /* Only a program that loaded gets a pid, so pids follow the programs that run. */
    process->pid = next_pid++;
    process->fixed_blocks = process_count_fixed_blocks(process);
    process->list_prev = process_list_tail;
    if (process_list_tail)
        process_list_tail->list_next = process;
    else
        process_list_head = process;
    process_list_tail = process;
    *out = process;
    return 0;
}

/**
 * process_load - process_create for a program the kernel starts itself (a boot module).
 * @command_line: the program's command line; its first word is the name
 * @program: the image, as for process_create
 * @size: the image's length in bytes
 * @out: where the new process goes
 *
 * A program that does not start is said so, with a "refused" line, and
 * counts as a failure for the poweroff status, even when not even the
 * process record could be allocated.
 * Return: as process_create.
 */
int process_load(const char* command_line, const void* program, size_t size, struct process** out)
{
    const char* reason;
    int res = process_create(command_line, program, size, out, &reason);
    if (res < 0)
        process_refuse(command_line, reason);
    return res;
}

/**
 * process_destroy - free everything a process holds, and the process itself.
 * @process: the process
 *
 * Its allocations, image, stack, arguments, page tables, kernel stack and
 * record all go.
 * Context: its directory must not be loaded in CR3.
 */
void process_destroy(struct process* process)
{
    process_release_memory(process);
    process_free_record(process);
}

/**
 * process_free_record - free the record of a process, taking it off the list of processes.
 * @process: the process
 *
 * Context: its memory is already released (process_release_memory).
 */
void process_free_record(struct process* process)
{
    if (process->pid > 0) {
        *(process->list_prev ? &process->list_prev->list_next : &process_list_head) = process->list_next;
        *(process->list_next ? &process->list_next->list_prev : &process_list_tail) = process->list_prev;
    }
    kfree(process);
}

/**
 * process_list_first - the oldest process with a record.
 *
 * The others follow through list_next, oldest first.
 * Return: that process, or NULL when there is none.
 */
struct process* process_list_first(void)
{
    return process_list_head;
}

/**
 * process_find - the process with a record whose pid is pid.
 * @pid: the pid to look for
 *
 * Context: a walk of every process.
 * Return: that process, or NULL.
 */
struct process* process_find(int pid)
{
    for (struct process* process = process_list_head; process; process = process->list_next) {
        if (process->pid == pid)
            return process;
    }
    return NULL;
}

/**
 * process_release_memory - free everything a process holds but its record.
 * @process: the process
 *
 * The record is what is left for a parent's wait.
 * Context: its directory must not be loaded in CR3.
 */
void process_release_memory(struct process* process)
{
    process_free_all_allocations(process);
    kfree(process->image);
    kfree(process->stack);
    kfree(process->arguments);
    paging_release_4gb(&process->chunk);
    task_release(&process->task);
    process->image = process->stack = process->arguments = NULL;
}

/**
 * process_current - the process whose task is running.
 *
 * Return: that process, or NULL when no task runs.
 */
struct process* process_current(void)
{
    struct task* task = task_current();
    return task ? task->process : NULL;
}

/*
 * Give the pages of [ptr, ptr + blocks) back the kernel directory's own
 * entries; a page table left with no user page goes back to being shared.
 */
static void process_unmap_blocks(struct process* process, void* ptr, size_t blocks)
{
    struct paging_4gb_chunk* kernel = paging_kernel_directory();
    for (size_t i = 0; i < blocks; i++) {
        char* page = (char*)ptr + i * PAGING_PAGE_SIZE;
        uint32_t kernel_entry = paging_get(paging_4gb_chunk_get_directory(kernel), page);
        /*
         * A page whose entry differs from the kernel's lies in a table the
         * process owns already, so restoring it allocates nothing. A page
         * that was never mapped (process_malloc giving up half-way) is left
         * as it is: its region may still be shared.
         */
        if (paging_get(paging_4gb_chunk_get_directory(&process->chunk), page) != kernel_entry)
            VERIFY(paging_set(&process->chunk, page, kernel_entry) == 0);
        /* At the last page of the run and of each 4 MiB region it crosses. */
        if (i == blocks - 1 || ((uintptr_t)page + PAGING_PAGE_SIZE) % PAGING_REGION_SIZE == 0)
            paging_share_unchanged_table(&process->chunk, kernel, page);
    }
}

/**
 * process_held_blocks - every heap block held on a process's behalf.
 * @process: the process
 *
 * Its record and directory, its page tables, image, stack, argument page
 * and kernel stack, its allocations, and the records of its ended
 * children: what VANA_PROCESS_MEMORY_LIMIT limits.
 * Return: the number of blocks.
 */
size_t process_held_blocks(struct process* process)
{
    return process->fixed_blocks + paging_owned_tables(&process->chunk) + process->allocated_blocks +
           process->ended_children;
}

/* What a process holds from its creation to its end: record, directory, image, stack, arguments, kernel stack. */
static size_t process_count_fixed_blocks(struct process* process)
{
    struct heap* heap = kheap_get();
    return 2 + heap_allocation_blocks(heap, process->image) + heap_allocation_blocks(heap, process->stack) +
           heap_allocation_blocks(heap, process->arguments) + heap_allocation_blocks(heap, process->task.kernel_stack);
}

/*
 * May process allocate size more bytes? Counts the page tables the mapping
 * may have to copy (a run of blocks touches at most blocks / 1024 + 2
 * tables), and leaves the kernel its reserve, so that running out of heap
 * hurts user allocations and spawn first, never the kernel's own work.
 */
static bool process_may_allocate(struct process* process, size_t size)
{
    const size_t limit = VANA_PROCESS_MEMORY_LIMIT / VANA_HEAP_BLOCK_SIZE;
    size_t blocks = heap_size_to_blocks(size);
    if (blocks == 0 || blocks > limit)
        return false;
    size_t needed = blocks + blocks / PAGING_TOTAL_ENTRIES_PER_TABLE + 2;
    struct heap* heap = kheap_get();
    size_t free_blocks = heap->table->total - heap_blocks_in_use(heap);
    return process_held_blocks(process) + needed <= limit && needed + VANA_KERNEL_HEAP_RESERVE_BLOCKS <= free_blocks;
}

/**
 * process_malloc - allocate memory for a process.
 * @process: the process
 * @size: the bytes wanted; whole blocks are allocated
 *
 * Zeroed blocks from the kernel heap, mapped user-writable into the
 * process's directory at their own addresses.
 * Return: the address, or NULL when size is 0, when the process would hold
 * more than VANA_PROCESS_MEMORY_LIMIT, when the heap would be left with
 * less than the kernel's reserve, or when memory is short (nothing is left
 * allocated or mapped then).
 */
void* process_malloc(struct process* process, size_t size)
{
    if (!process_may_allocate(process, size))
        return NULL;
    void* ptr = kzalloc(size);
    if (!ptr)
        return NULL;
    size_t blocks = heap_allocation_blocks(kheap_get(), ptr);

    if (paging_map_range(&process->chunk, ptr, ptr, (int)blocks, PAGING_USER_READ_WRITE) < 0) {
        process_unmap_blocks(process, ptr, blocks);
        kfree(ptr);
        return NULL;
    }
    process->allocation_count++;
    process->allocated_blocks += blocks;
    return ptr;
}

/*
 * Is ptr the start of one of process's allocations? It is exactly when ptr
 * starts a live heap allocation and process's directory maps that page,
 * user-accessible, to itself: process_malloc maps its blocks so, and
 * nothing else in a process is mapped at its own heap address (images,
 * stacks and argument pages sit below VANA_PROGRAM_VIRTUAL_ADDRESS_END).
 * One table lookup and one table-entry read: no search.
 * Return: the allocation's length in blocks, or 0.
 */
static size_t process_allocation_blocks(struct process* process, const void* ptr)
{
    size_t blocks = heap_allocation_blocks(kheap_get(), ptr);
    if (blocks == 0)
        return 0;
    uint32_t entry = paging_get(paging_4gb_chunk_get_directory(&process->chunk), (void*)ptr);
    if ((entry & PAGING_USER_READ) != PAGING_USER_READ || (entry & PAGING_ADDRESS_MASK) != (uintptr_t)ptr)
        return 0;
    return blocks;
}

/**
 * process_free - free an allocation of a process.
 * @process: the process
 * @ptr: the exact start of one of its live allocations, or NULL
 *
 * The allocation is unmapped (the kernel's supervisor-only entries come
 * back, TLB entries flushed), then freed.
 * Return: 0 (also for NULL), or -EINVARG with nothing changed.
 */
int process_free(struct process* process, void* ptr)
{
    if (!ptr)
        return 0;
    size_t blocks = process_allocation_blocks(process, ptr);
    if (blocks == 0)
        return -EINVARG;
    process_unmap_blocks(process, ptr, blocks);
    kfree(ptr);
    process->allocation_count--;
    process->allocated_blocks -= blocks;
    return 0;
}

/*
 * Free every allocation of a process that is being destroyed, found by
 * walking its user mappings in the heap's range. Its directory is not
 * changed: paging_release_4gb frees it next. The walk covers only the page
 * tables the process owns.
 */
static void process_free_all_allocations(struct process* process)
{
    uint64_t start, end = VANA_HEAP_ADDRESS;
    uint32_t flags;

    while (process->allocation_count > 0 &&
           paging_next_user_range(paging_4gb_chunk_get_directory(&process->chunk), end, &start, &end, &flags)) {
        for (uint64_t page = start; page < end;) {
            size_t blocks = process_allocation_blocks(process, (void*)(uintptr_t)page);
            VERIFY(blocks > 0);  /* every user page at or above the heap starts or continues an allocation */
            kfree((void*)(uintptr_t)page);
            process->allocation_count--;
            process->allocated_blocks -= blocks;
            page += (uint64_t)blocks * VANA_HEAP_BLOCK_SIZE;
        }
    }
    VERIFY(process->allocation_count == 0 && process->allocated_blocks == 0);
}

/**
 * process_allocated_blocks - the heap blocks a process holds through process_malloc.
 * @process: the process
 *
 * Return: the number of blocks.
 */
size_t process_allocated_blocks(const struct process* process)
{
    return process->allocated_blocks;
}

/**
 * process_check_user - whether a process may reach a range from user mode.
 * @process: the process whose page tables decide
 * @ptr: the range's start, a user pointer
 * @size: the range's length in bytes
 * @write: false to ask for read access, true for read and write access
 *
 * Every system call checks a user pointer so before the kernel reads or
 * writes through it (paging_check_user_range, proved in docs/proofs.md).
 * Return: 0 when it may reach all of [ptr, ptr + size), else -EFAULT.
 */
int process_check_user(struct process* process, const void* ptr, size_t size, bool write)
{
    return paging_check_user_range(paging_4gb_chunk_get_directory(&process->chunk), ptr, size, write);
}

/**
 * process_copy_string_from_user - copy a string from a process's memory.
 * @process: the process whose page tables decide
 * @user: the string, a user pointer
 * @buffer: where the copy goes
 * @size: buffer's length in bytes, the terminator included
 *
 * Each page is checked for user read access before it is read
 * (paging_copy_string_from_user, proved in docs/proofs.md).
 * Return: its length, -EFAULT when it runs into memory the process may not
 * read, or -E2BIG when it has no terminator within size bytes.
 */
int process_copy_string_from_user(struct process* process, const void* user, char* buffer, size_t size)
{
    return paging_copy_string_from_user(paging_4gb_chunk_get_directory(&process->chunk), user, buffer, size);
}
