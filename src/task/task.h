#ifndef TASK_H
#define TASK_H

#include <stdbool.h>
#include <stdint.h>

struct process;

/* What context_switch (context.asm) saves, in stack order. */
struct context
{
    uint32_t edi, esi, ebx, ebp, eip;
};

enum task_state
{
    TASK_RUNNABLE,
    TASK_BLOCKED,  /* waiting (wait for a child, read); off the run queue until task_wake */
    TASK_ZOMBIE,   /* finished; the scheduler ends its process */
};

/* Tasks blocked until the same event (console input): linked through their next field. */
struct task_queue
{
    struct task* head;
};

/*
 * A thread of execution: a kernel stack and the registers saved on it.
 * Each process has exactly one.
 */
struct task
{
    struct process* process;
    struct context* context;
    void* kernel_stack;  /* its heap blocks; the task uses them in their slot (kernel_stack.h) */
    enum task_state state;
    struct task* next;  /* in the run queue, or in the task_queue it is blocked in */
    struct task_queue* blocked_in;  /* while blocked by task_block_in: that queue */
};

int task_init(struct task* task, struct process* process, uint32_t entry, uint32_t user_stack, uint32_t argc,
              uint32_t argv);
void task_release(struct task* task);
void task_ready(struct task* task);
void task_run_scheduler(void);
struct task* task_current(void);
void task_yield(void);
void task_exit_current(int status) __attribute__((noreturn));
void task_kill_current(unsigned int vector, const char* fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void task_block_current(void);
void task_wake(struct task* task);
void task_block_in(struct task_queue* queue);
void task_wake_all(struct task_queue* queue);
void task_end_other(struct task* task, int status_word);
void task_report_failure(void);
bool task_all_succeeded(void);

/* context.asm */
void context_switch(struct context** save, struct context* load);

#endif
