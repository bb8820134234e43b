/*
 * Processes reading the console: system call 13, read. The characters
 * come from the console's input ring (src/console/input.c), which the
 * COM1 and keyboard interrupts fill; a reader that finds it empty is
 * blocked until they bring something, and uses no CPU meanwhile.
 */
#include "console/input.h"
#include "process.h"
#include "status.h"

/* Every task blocked in read: an interrupt with input wakes them all, and the first to run takes it. */
static struct task_queue console_readers;

/**
 * process_read_console - read console input, waiting while there is none (system call 13).
 * @process: the calling process
 * @user_buffer: where the characters go, a user pointer into process's memory
 * @max: the most characters to read
 *
 * Between 1 and max characters are read. While there are none the caller
 * is blocked, and uses no CPU.
 * Return: how many were read (at most CONSOLE_INPUT_SIZE); -EINVARG when
 * max is 0; -EFAULT when [user_buffer, user_buffer + max) is not all
 * writable by process (nothing is taken from the input then).
 * Context: the system call of process, its directory loaded.
 */
int process_read_console(struct process* process, void* user_buffer, size_t max)
{
    if (max == 0)
        return -EINVARG;
    for (;;) {
        /* Checked again after each wait, though only process itself could have changed its mappings. */
        if (process_check_user(process, user_buffer, max, true) < 0)
            return -EFAULT;
        size_t count = console_input_read(user_buffer, max);
        if (count > 0)
            return (int)count;
        task_block_in(&console_readers);
    }
}

/**
 * process_console_input_arrived - wake every process blocked in read.
 *
 * The first to run takes the input; the others find the ring empty and
 * block again.
 * Context: interrupt handler, input in the ring.
 */
void process_console_input_arrived(void)
{
    task_wake_all(&console_readers);
}
