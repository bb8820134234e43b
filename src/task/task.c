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

/*
 * task_init - give task a guarded kernel stack prepared so that its first
 * switch enters ring 3 at entry, with ESP = user_stack, EAX = argc, EBX = argv.
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

/*
 * task_release - free the kernel stack of a task that will never run
 * again, giving its slot the identity map back; nothing if it has none.
 * Context: not on that stack.
 */
void task_release(struct task* task)
{
    kernel_stack_destroy(task->kernel_stack);
    task->kernel_stack = NULL;
}

/* task_ready - append task to the run queue. */
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

/*
 * task_run_scheduler - run tasks round robin until none is left, then
 * return (to kernel_main, which reports and powers off). A task that
 * blocked stays off the queue until task_wake puts it back; a task that
 * ended has its process ended here, where neither its kernel stack nor
 * its directory is in use.
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
        paging_switch(&task->process->directory);
        context_switch(&scheduler_context, task->context);
        paging_switch(paging_kernel_directory());
        current_task = NULL;

        if (task->state == TASK_ZOMBIE)
            process_end(task->process);
        else if (task->state == TASK_RUNNABLE)
            task_ready(task);
    }
}

/*
 * task_block_current - take the current task off the CPU until task_wake;
 * returns when its turn comes after that.
 */
void task_block_current(void)
{
    VERIFY(current_task && current_task->state == TASK_RUNNABLE);
    current_task->state = TASK_BLOCKED;
    blocked_tasks++;
    context_switch(&current_task->context, scheduler_context);
}

/* task_wake - make a blocked task runnable again. */
void task_wake(struct task* task)
{
    VERIFY(task->state == TASK_BLOCKED);
    task->state = TASK_RUNNABLE;
    blocked_tasks--;
    task_ready(task);
}

/*
 * task_block_in - block the current task in queue until task_wake_all of
 * it; returns when its turn comes after that. The caller checks again
 * what it waited for: another task may have taken it first.
 */
void task_block_in(struct task_queue* queue)
{
    current_task->blocked_in = queue;
    current_task->next = queue->head;
    queue->head = current_task;
    task_block_current();
}

/* task_wake_all - make every task blocked in queue runnable again. */
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
 * task_end_other - end a task that is not running, as if it had ended with
 * status_word: the scheduler ends its process when it next comes to it,
 * without running it again. A task that was blocked is taken out of what
 * it waited in; one that ended already is left as it is.
 * @task: a task other than the current one
 * @status_word: the status its parent's wait reports (abi.h)
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

/* task_current - the task running now, or NULL in the scheduler and at boot. */
struct task* task_current(void)
{
    return current_task;
}

/* task_yield - give the CPU back to the scheduler; returns when this task's turn comes again. */
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

/* task_exit_current - end the current process with status; prints the exit line. */
void task_exit_current(int status)
{
    struct process* process = current_task->process;
    kprintf("vana: process %d (%s) exited with status %d\n", process->pid, process->name, status);
    if (status != 0)
        any_task_failed = true;
    task_finish(VANA_STATUS_EXITED(status));
}

/* task_kill_current - end the current process for CPU exception vector, for a reason; prints the kill line. */
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

/* task_report_failure - count a program that did not start as a failure, as a non-zero exit is. */
void task_report_failure(void)
{
    any_task_failed = true;
}

/* task_all_succeeded - did every program so far start, and exit with status 0? */
bool task_all_succeeded(void)
{
    return !any_task_failed;
}
