/*
 * Tasks and the round-robin scheduler.
 *
 * The scheduler runs on the boot stack with the kernel's page directory.
 * It takes the task at the head of the run queue, installs that task's
 * kernel stack in the TSS and its process's directory in CR3, and switches
 * to it. (Each kernel stack is used in its slot above a guard page,
 * kernel_stack.c, never at its heap address.) The task runs until the
 * timer interrupts it in user mode (task_yield) or it ends
 * (task_exit_current, task_kill_current); either way it switches back
 * here. A task still runnable goes to the tail of the queue; a finished
 * one is freed here, where neither its kernel stack nor its directory is
 * in use.
 *
 * The kernel runs with interrupts off, so none of this needs locks.
 */
#include "task.h"
#include "config.h"
#include "console/console.h"
#include "cpu/gdt.h"
#include "cpu/idt.h"
#include "cpu/registers.h"
#include "cpu/trapframe.h"
#include "kernel_stack.h"
#include "panic.h"
#include "memory/paging/paging.h"
#include "process.h"
#include "status.h"
#include "syscall/abi.h"

#include <stdarg.h>

static struct task* run_queue_head;
static struct task* run_queue_tail;
static struct task* current_task;
static struct context* scheduler_context;
static bool any_task_failed;
static size_t blocked_tasks;

/**
 * task_init - give a task a guarded kernel stack ready to enter ring 3.
 * @task: the task to set up, runnable once this succeeds
 * @process: the process the task runs
 * @entry: the user address the first switch enters at (EIP)
 * @user_stack: the user stack pointer it starts with (ESP)
 * @argc: the argument count, passed in EAX
 * @argv: the user address of the argument vector, passed in EBX
 *
 * The stack holds a trapframe for ring 3, with interrupts enabled, and a
 * context whose return address is trap_return: the first context_switch
 * to the task irets to entry.
 * Return: 0, or -ENOMEM.
 */
int task_init(struct task* task, struct process* process, uint32_t entry, uint32_t user_stack, uint32_t argc,
              uint32_t argv)
{
    void* stack = kernel_stack_create();
    if (!stack)
        return -ENOMEM;

    /* Written, like every later use, through the slot: every directory maps it the same. */
    struct trapframe* frame = (struct trapframe*)kernel_stack_top(stack) - 1;
    frame->cs = GDT_USER_CODE_SELECTOR;
    frame->ds = frame->es = frame->fs = frame->gs = frame->user_ss = GDT_USER_DATA_SELECTOR;
    frame->eflags = EFLAGS_INTERRUPT_ENABLE | EFLAGS_RESERVED_ONE;
    frame->eip = entry;
    frame->user_esp = user_stack;
    frame->eax = argc;
    frame->ebx = argv;

    /* The first context_switch to this task "returns" into trap_return, which irets to ring 3. */
    struct context* context = (struct context*)frame - 1;
    context->eip = (uint32_t)trap_return;

    task->process = process;
    task->context = context;
    task->kernel_stack = stack;
    task->state = TASK_RUNNABLE;
    task->next = NULL;
    task->blocked_in = NULL;
    return 0;
}

/**
 * task_release - free the kernel stack of a task that will never run again.
 * @task: the task; nothing happens if it has no stack
 *
 * The stack's slot gets the identity map back.
 * Context: not on that stack.
 */
void task_release(struct task* task)
{
    kernel_stack_destroy(task->kernel_stack);
    task->kernel_stack = NULL;
}

/**
 * task_ready - append a task to the run queue.
 * @task: a task in no queue
 */
void task_ready(struct task* task)
{
    task->next = NULL;
    if (run_queue_tail)
        run_queue_tail->next = task;
    else
        run_queue_head = task;
    run_queue_tail = task;
}

static struct task* task_take_next(void)
{
    struct task* task = run_queue_head;
    if (task) {
        run_queue_head = task->next;
        if (!run_queue_head)
            run_queue_tail = NULL;
    }
    return task;
}

/**
 * task_run_scheduler - run tasks round robin until none is left.
 *
 * Then it returns (to kernel_main, which reports and powers off). A task
 * that blocked stays off the queue until task_wake puts it back; while
 * every task is blocked, the CPU halts with interrupts on until one comes.
 * A task that ended has its process ended here, where neither its kernel
 * stack nor its directory is in use.
 * Context: kernel_main, on the boot stack, with the kernel's directory.
 */
void task_run_scheduler(void)
{
    for (;;) {
        struct task* task = task_take_next();
        if (!task) {
            if (blocked_tasks == 0)
                return;
            /* Every task waits for something: only an interrupt can bring it. */
            __asm__ volatile("sti; hlt; cli");
            continue;
        }
        /* Ended by task_end_other while it waited for its turn: it never runs again. */
        if (task->state == TASK_ZOMBIE) {
            process_end(task->process);
            continue;
        }
        current_task = task;
        tss_set_kernel_stack((uint32_t)kernel_stack_top(task->kernel_stack));
        paging_switch(&task->process->chunk);
        context_switch(&scheduler_context, task->context);
        paging_switch(paging_kernel_directory());
        current_task = NULL;

        if (task->state == TASK_ZOMBIE)
            process_end(task->process);
        else if (task->state == TASK_RUNNABLE)
            task_ready(task);
    }
}

/**
 * task_block_current - take the current task off the CPU until task_wake.
 *
 * It returns when the task's turn comes after that.
 * Context: a runnable current task, in its system call.
 */
void task_block_current(void)
{
    VERIFY(current_task && current_task->state == TASK_RUNNABLE);
    current_task->state = TASK_BLOCKED;
    blocked_tasks++;
    context_switch(&current_task->context, scheduler_context);
}

/**
 * task_wake - make a blocked task runnable again.
 * @task: a blocked task; it goes to the tail of the run queue
 */
void task_wake(struct task* task)
{
    VERIFY(task->state == TASK_BLOCKED);
    task->state = TASK_RUNNABLE;
    blocked_tasks--;
    task_ready(task);
}

/**
 * task_block_in - block the current task in a queue until task_wake_all of it.
 * @queue: what the task waits in
 *
 * It returns when the task's turn comes after that. The caller checks
 * again what it waited for: another task may have taken it first.
 * Context: a runnable current task, in its system call.
 */
void task_block_in(struct task_queue* queue)
{
    current_task->blocked_in = queue;
    current_task->next = queue->head;
    queue->head = current_task;
    task_block_current();
}

/**
 * task_wake_all - make every task blocked in a queue runnable again.
 * @queue: the queue; empty afterwards
 */
void task_wake_all(struct task_queue* queue)
{
    while (queue->head) {
        struct task* task = queue->head;
        queue->head = task->next;
        task->blocked_in = NULL;
        task_wake(task);
    }
}

/* Take a blocked task out of the queue it is blocked in. */
static void task_leave_queue(struct task* task)
{
    struct task** link = &task->blocked_in->head;
    while (*link != task)
        link = &(*link)->next;
    *link = task->next;
    task->blocked_in = NULL;
}

/**
 * task_end_other - end a task that is not running, as if it had ended with status_word.
 * @task: a task other than the current one
 * @status_word: the status its parent's wait reports (abi.h)
 *
 * The scheduler ends its process when it next comes to it, without
 * running it again. A task that was blocked is taken out of what it
 * waited in; one that ended already is left as it is.
 * Context: the task is between two instructions of its own, or blocked in
 * the kernel holding nothing: the kernel runs with interrupts off, so a
 * task that is not running holds no half-done kernel state.
 */
void task_end_other(struct task* task, int status_word)
{
    VERIFY(task != current_task);
    if (task->state == TASK_ZOMBIE)
        return;
    task->process->status = status_word;
    any_task_failed = true;
    if (task->state == TASK_BLOCKED) {
        if (task->blocked_in)
            task_leave_queue(task);
        blocked_tasks--;
        task->state = TASK_ZOMBIE;
        task_ready(task);
        return;
    }
    task->state = TASK_ZOMBIE; /* runnable, so in the run queue already */
}

/**
 * task_current - the task running now.
 *
 * Return: that task, or NULL in the scheduler and at boot.
 */
struct task* task_current(void)
{
    return current_task;
}

/**
 * task_yield - give the CPU back to the scheduler.
 *
 * The task stays runnable, at the tail of the run queue; this returns
 * when its turn comes again.
 * Context: a runnable current task: its system call, or the timer's IRQ
 * from user mode.
 */
void task_yield(void)
{
    VERIFY(current_task && current_task->state == TASK_RUNNABLE);
    context_switch(&current_task->context, scheduler_context);
}

static void __attribute__((noreturn)) task_finish(int status_word)
{
    VERIFY(current_task && current_task->state == TASK_RUNNABLE);
    current_task->process->status = status_word;
    current_task->state = TASK_ZOMBIE;
    context_switch(&current_task->context, scheduler_context);
    panic("task_finish: a finished task was resumed");
}

/**
 * task_exit_current - end the current process with an exit status.
 * @status: the exit status; not 0 counts as a failure for the poweroff status
 *
 * Prints "vana: process <pid> (<name>) exited with status <status>". It
 * does not return.
 * Context: the current process's system call.
 */
void task_exit_current(int status)
{
    struct process* process = current_task->process;
    kprintf("vana: process %d (%s) exited with status %d\n", process->pid, process->name, status);
    if (status != 0)
        any_task_failed = true;
    task_finish(VANA_STATUS_EXITED(status));
}

/**
 * task_kill_current - end the current process for what an interrupt showed.
 * @vector: the vector that ended it, in most cases a CPU exception's; the
 * parent's wait reports it
 * @fmt: the reason, a format string (lib/format.h)
 * @...: its arguments
 *
 * Prints "vana: process <pid> (<name>) killed: <reason>" and counts as a
 * failure for the poweroff status. It does not return.
 * Context: the current process, in trap_dispatch.
 */
void task_kill_current(unsigned int vector, const char* fmt, ...)
{
    struct process* process = current_task->process;
    va_list args;

    kprintf("vana: process %d (%s) killed: ", process->pid, process->name);
    va_start(args, fmt);
    vkprintf(fmt, args);
    va_end(args);
    kprintf("\n");
    any_task_failed = true;
    task_finish(VANA_STATUS_KILLED(vector));
}

/**
 * task_report_failure - count a program that did not start as a failure.
 *
 * It counts as a non-zero exit does, for the poweroff status.
 */
void task_report_failure(void)
{
    any_task_failed = true;
}

/**
 * task_all_succeeded - whether every program so far started and exited with status 0.
 *
 * Return: true when none failed to start, exited non-zero or was killed.
 */
bool task_all_succeeded(void)
{
    return !any_task_failed;
}
