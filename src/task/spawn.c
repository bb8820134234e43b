/*
 * The process life cycle: spawn, wait, kill, and what happens when a
 * process ends (docs/syscalls.md, calls 11, 12 and 14).
 *
 * A process that ends gives back all its memory at once (process_end),
 * but for its record: its pid and status word wait there for the parent's
 * wait, counted against the parent's memory limit. A parent that ends
 * first leaves its children running, now without a parent; the records of
 * children that had already ended go with it. Nothing waits for anything
 * that is not its own child, so no record is ever left behind.
 */
#include "config.h"
#include "console/console.h"
#include "panic.h"
#include "lib/string.h"
#include "memory/heap/kheap.h"
#include "process.h"
#include "program.h"
#include "status.h"
#include "syscall/abi.h"

/* Interrupts are off in the kernel, so one buffer serves every spawn. */
static char spawn_command_line[VANA_MAX_COMMAND_LINE + 1];

/**
 * process_spawn - start a program as a child of a process (system call 11).
 * @parent: the calling process, the child's parent
 * @user_command_line: the command line, a user pointer into parent's
 * memory; its first word names the program, its words become the argv
 *
 * Context: the system call of parent, interrupts off.
 * Return: the child's pid; -EFAULT for a bad pointer; -E2BIG for a line of
 * more than VANA_MAX_COMMAND_LINE characters, or one whose words do not fit
 * the argument page; -ENOENT when no module has that name; -ENOEXEC for a
 * malformed program; -ENOMEM when memory is short (the heap's reserve
 * included).
 */
int process_spawn(struct process* parent, const void* user_command_line)
{
    int length = process_copy_string_from_user(parent, user_command_line, spawn_command_line,
                                               sizeof(spawn_command_line));
    if (length < 0)
        return length;
    size_t name_length;
    const char* name = string_next_word(spawn_command_line, &name_length);
    const struct program_module* module = name ? program_find(name, name_length) : NULL;
    if (!module)
        return -ENOENT;

    struct heap* heap = kheap_get();
    if (heap->table->total - heap_blocks_in_use(heap) < VANA_KERNEL_HEAP_RESERVE_BLOCKS)
        return -ENOMEM;
    struct process* child;
    const char* reason;
    int res = process_create(spawn_command_line, module->data, module->size, &child, &reason);
    if (res < 0)
        return res;
    child->parent = parent;
    child->sibling = parent->children;
    parent->children = child;
    task_ready(&child->task);
    return child->pid;
}

/* The first of parent's children that pid names (-1: any), ended ones first; NULL if none. */
static struct process* process_find_child(struct process* parent, int pid, bool* exists)
{
    *exists = false;
    for (struct process* child = parent->children; child; child = child->sibling) {
        if (pid != -1 && child->pid != pid)
            continue;
        *exists = true;
        if (child->ended)
            return child;
    }
    return NULL;
}

static void process_unlink_child(struct process* parent, struct process* child)
{
    struct process** link = &parent->children;
    while (*link != child)
        link = &(*link)->sibling;
    *link = child->sibling;
}

/**
 * process_wait - wait for a child of a process to end (system call 12).
 * @parent: the calling process
 * @pid: the child's pid, or -1 for any child
 * @user_status: where the child's status word goes, a user pointer into
 * parent's memory, or NULL
 *
 * While no such child has ended the caller is blocked (it is not
 * scheduled). The ended child's record is freed.
 * Context: the system call of parent, which may block in it.
 * Return: the child's pid; -EINVARG for any other pid; -ECHILD when parent
 * has no such child, or none at all; -EFAULT when user_status is not
 * writable by parent, in which case no child is reaped, so a correct retry
 * still gets it.
 */
int process_wait(struct process* parent, int pid, void* user_status)
{
    if (pid <= 0 && pid != -1)
        return -EINVARG;
    for (;;) {
        if (user_status && process_check_user(parent, user_status, sizeof(int), true) < 0)
            return -EFAULT;
        bool exists;
        struct process* child = process_find_child(parent, pid, &exists);
        if (!exists)
            return -ECHILD;
        if (child) {
            int child_pid = child->pid;
            if (user_status)
                *(int*)user_status = child->status;
            process_unlink_child(parent, child);
            parent->ended_children--;
            process_free_record(child);
            return child_pid;
        }
        parent->wait_for = pid;
        task_block_current();
    }
}

/**
 * process_kill - end a child of a process that has not ended yet (system call 14).
 * @parent: the calling process
 * @pid: the child's pid
 *
 * The child never runs again, its memory is freed as if it had ended, and
 * parent's wait reports it killed, with status word
 * VANA_STATUS_KILLED(VANA_KILL_VECTOR). Prints "vana: process <pid>
 * (<name>) killed: kill from process <parent pid> (<parent name>)".
 * Context: the system call of parent.
 * Return: 0; -EINVARG for a pid of 0 or below; -ECHILD when parent has no
 * child of that pid that is still running (another's process, one that
 * does not exist, one that has ended).
 */
int process_kill(struct process* parent, int pid)
{
    if (pid <= 0)
        return -EINVARG;
    for (struct process* child = parent->children; child; child = child->sibling) {
        if (child->pid != pid)
            continue;
        if (child->ended || child->task.state == TASK_ZOMBIE)
            return -ECHILD;
        kprintf("vana: process %d (%s) killed: kill from process %d (%s)\n", child->pid, child->name, parent->pid,
                parent->name);
        task_end_other(&child->task, VANA_STATUS_KILLED(VANA_KILL_VECTOR));
        return 0;
    }
    return -ECHILD;
}

/**
 * process_end - what the scheduler does with a process whose task ended.
 * @process: the process
 *
 * Frees all its memory, orphans its children, and leaves its record for
 * its parent (waking the parent if it waits for this child), or frees it
 * when there is no parent.
 * Context: scheduler, with the kernel's directory loaded.
 */
void process_end(struct process* process)
{
    process_release_memory(process);
    for (struct process* child = process->children; child;) {
        struct process* next = child->sibling;
        child->parent = NULL;
        child->sibling = NULL;
        if (child->ended)
            process_free_record(child);
        child = next;
    }
    process->children = NULL;
    process->ended_children = 0;
    process->ended = true;

    struct process* parent = process->parent;
    if (!parent) {
        process_free_record(process);
        return;
    }
    parent->ended_children++;
    if (parent->task.state == TASK_BLOCKED && (parent->wait_for == -1 || parent->wait_for == process->pid))
        task_wake(&parent->task);
}
