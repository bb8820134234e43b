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

/*
 * process_read_console - read between 1 and max characters of console input
 * into process's memory at user_buffer, waiting while there is none.
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

/* process_console_input_arrived - wake the readers. Context: interrupt handler, input in the ring. */
void process_console_input_arrived(void)
{
    task_wake_all(&console_readers);
}
