#ifndef PANIC_H
#define PANIC_H

#include <stdbool.h>

/*
 * Stopping the machine: a leaf that every part of the kernel may call and
 * that calls nothing above it, so memory/ and task/ need not know kernel.c.
 */
void panic(const char* fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void kernel_poweroff(bool success) __attribute__((noreturn));
void kernel_poweroff_leaves_qemu(bool leave);

/*
 * VERIFY - stop the machine at a broken kernel invariant, naming the
 * condition, file and line. For the kernel's own promises only: what a
 * user program can cause gets an error code instead.
 */
#define VERIFY(cond)                                                                  \
    do {                                                                              \
        if (!(cond))                                                                  \
            panic("VERIFY(%s) failed at %s:%d", #cond, __FILE__, __LINE__);           \
    } while (0)

#endif
