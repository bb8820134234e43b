/*
 * The system calls (docs/syscalls.md). Each handler takes the caller's
 * process and its three argument registers. A user pointer is checked
 * against the caller's own page tables before the kernel reads or writes
 * through it; the kernel never dereferences one it has not checked.
 */
#include "syscall.h"
#include "abi.h"
#include "config.h"
#include "console/console.h"
#include "cpu/trapframe.h"
#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "lib/array.h"
#include "panic.h"
#include "status.h"
#include "task/process.h"

typedef int32_t (*syscall_handler)(struct process* process, uint32_t arg1, uint32_t arg2, uint32_t arg3);

/* Interrupts are off in the kernel, so one buffer serves every print. */
static char print_buffer[VANA_MAX_PRINT_LENGTH];

static int32_t syscall_print(struct process* process, uint32_t string, uint32_t unused2, uint32_t unused3)
{
    (void)unused2, (void)unused3;
    int length = process_copy_string_from_user(process, (const void*)string, print_buffer, sizeof(print_buffer));
    if (length < 0)
        return length;
    console_write_user(print_buffer, (size_t)length);
    return 0;
}

static int32_t syscall_putchar(struct process* process, uint32_t c, uint32_t unused2, uint32_t unused3)
{
    (void)process, (void)unused2, (void)unused3;
    char character = (char)c;
    console_write_user(&character, 1);
    return (int32_t)(unsigned char)c;
}

static int32_t syscall_malloc(struct process* process, uint32_t size, uint32_t unused2, uint32_t unused3)
{
    (void)unused2, (void)unused3;
    return (int32_t)(uintptr_t)process_malloc(process, size);
}

static int32_t syscall_free(struct process* process, uint32_t ptr, uint32_t unused2, uint32_t unused3)
{
    (void)unused2, (void)unused3;
    return process_free(process, (void*)ptr);
}

static int32_t syscall_getpid(struct process* process, uint32_t unused1, uint32_t unused2, uint32_t unused3)
{
    (void)unused1, (void)unused2, (void)unused3;
    return process->pid;
}

static int32_t syscall_yield(struct process* process, uint32_t unused1, uint32_t unused2, uint32_t unused3)
{
    (void)process, (void)unused1, (void)unused2, (void)unused3;
    task_yield();
    return 0;
}

static int32_t syscall_meminfo(struct process* process, uint32_t out, uint32_t unused2, uint32_t unused3)
{
    (void)unused2, (void)unused3;
    struct vana_meminfo* info = (struct vana_meminfo*)out;
    if (process_check_user(process, info, sizeof(*info), true) < 0)
        return -EFAULT;
    info->heap_blocks_total = (unsigned int)kheap_get()->table->total;
    info->heap_blocks_used = (unsigned int)heap_blocks_in_use(kheap_get());
    info->process_allocations = (unsigned int)process->allocation_count;
    info->process_allocated_blocks = (unsigned int)process_allocated_blocks(process);
    info->process_page_tables = (unsigned int)paging_owned_tables(&process->chunk);
    return 0;
}

static int32_t syscall_exit(struct process* process, uint32_t status, uint32_t unused2, uint32_t unused3)
{
    (void)process, (void)unused2, (void)unused3;
    task_exit_current((int)status);
}

static int32_t syscall_memmap(struct process* process, uint32_t unused1, uint32_t unused2, uint32_t unused3)
{
    (void)unused1, (void)unused2, (void)unused3;
    process_report_memory(process);
    return 0;
}

static int32_t syscall_spawn(struct process* process, uint32_t command_line, uint32_t unused2, uint32_t unused3)
{
    (void)unused2, (void)unused3;
    return process_spawn(process, (const void*)command_line);
}

static int32_t syscall_wait(struct process* process, uint32_t pid, uint32_t status, uint32_t unused3)
{
    (void)unused3;
    return process_wait(process, (int)pid, (void*)status);
}

static int32_t syscall_read(struct process* process, uint32_t buffer, uint32_t max, uint32_t unused3)
{
    (void)unused3;
    return process_read_console(process, (void*)buffer, max);
}

static int32_t syscall_kill(struct process* process, uint32_t pid, uint32_t unused2, uint32_t unused3)
{
    (void)unused2, (void)unused3;
    return process_kill(process, (int)pid);
}

static int32_t syscall_processes(struct process* process, uint32_t out, uint32_t max, uint32_t unused3)
{
    (void)unused3;
    return process_view_list(process, (void*)out, max);
}

static int32_t syscall_heapinfo(struct process* process, uint32_t out, uint32_t unused2, uint32_t unused3)
{
    (void)unused2, (void)unused3;
    return heap_view_info(process, (void*)out);
}

static int32_t syscall_heapmap(struct process* process, uint32_t owners, uint32_t first, uint32_t count)
{
    return heap_view_owners(process, (void*)owners, first, count);
}

static int32_t syscall_directory(struct process* process, uint32_t pid, uint32_t out, uint32_t unused3)
{
    (void)unused3;
    return process_view_directory(process, (int)pid, (void*)out);
}

static int32_t syscall_mappings(struct process* process, uint32_t pid, uint32_t out, uint32_t max)
{
    return process_view_mappings(process, (int)pid, (void*)out, max);
}

static int32_t syscall_translate(struct process* process, uint32_t pid, uint32_t address, uint32_t out)
{
    return process_view_translate(process, (int)pid, address, (void*)out);
}

static const syscall_handler syscall_handlers[] = {
    [SYSCALL_PRINT] = syscall_print,   [SYSCALL_PUTCHAR] = syscall_putchar, [SYSCALL_MALLOC] = syscall_malloc,
    [SYSCALL_FREE] = syscall_free,     [SYSCALL_GETPID] = syscall_getpid,   [SYSCALL_YIELD] = syscall_yield,
    [SYSCALL_MEMINFO] = syscall_meminfo, [SYSCALL_EXIT] = syscall_exit,     [SYSCALL_MEMMAP] = syscall_memmap,
    [SYSCALL_SPAWN] = syscall_spawn,   [SYSCALL_WAIT] = syscall_wait,       [SYSCALL_READ] = syscall_read,
    [SYSCALL_KILL] = syscall_kill,     [SYSCALL_PROCESSES] = syscall_processes, [SYSCALL_HEAPINFO] = syscall_heapinfo,
    [SYSCALL_HEAPMAP] = syscall_heapmap, [SYSCALL_DIRECTORY] = syscall_directory,
    [SYSCALL_MAPPINGS] = syscall_mappings, [SYSCALL_TRANSLATE] = syscall_translate,
};
_Static_assert(ARRAY_SIZE(syscall_handlers) == SYSCALL_LAST + 1, "a handler for every call up to the last");

/**
 * syscall_dispatch - run the system call a process asked for with int 0x80.
 * @frame: the caller's registers: the command in eax, the arguments in
 * ebx, ecx and edx
 *
 * Context: trap_dispatch, for vector 0x80 from ring 3: the current process,
 * interrupts off.
 * Return: the call's result; -ENOSYS for an unknown command.
 */
int32_t syscall_dispatch(struct trapframe* frame)
{
    uint32_t command = frame->eax;
    struct process* process = process_current();

    /* Only ring 3 can raise int 0x80 (the only gate it may use), and ring 3 code always belongs to a task. */
    VERIFY(process);
    if (command >= ARRAY_SIZE(syscall_handlers) || !syscall_handlers[command])
        return -ENOSYS;
    return syscall_handlers[command](process, frame->ebx, frame->ecx, frame->edx);
}
