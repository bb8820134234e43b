/*
 * panic and kernel_poweroff: the two ways the kernel stops.
 *
 * Under QEMU, leaving through the isa-debug-exit device ends the emulator
 * with a status that tests read (docs/syscalls.md, "Leaving QEMU"); on a
 * machine without that device, or unless kernel_main asked for it (the
 * "poweroff" or "ktest" command-line words), the CPU halts instead.
 */
#include "panic.h"
#include "console/console.h"
#include "cpu/io.h"

#include <stdarg.h>

/* QEMU's isa-debug-exit device: writing v makes QEMU exit with status (v << 1) | 1. */
#define QEMU_DEBUG_EXIT_PORT 0xF4
#define QEMU_EXIT_SUCCESS 0
#define QEMU_EXIT_FAILURE 1

static bool leave_qemu;

/**
 * kernel_poweroff_leaves_qemu - choose whether kernel_poweroff leaves QEMU.
 * @leave: true: kernel_poweroff writes to isa-debug-exit before halting
 */
void kernel_poweroff_leaves_qemu(bool leave)
{
    leave_qemu = leave;
}

/**
 * kernel_poweroff - stop the machine; it does not return.
 * @success: whether all went well, which the exit status says
 *
 * Leaves QEMU with that exit status when kernel_poweroff_leaves_qemu asked
 * for it, and halts otherwise (or when the device is not there).
 */
void kernel_poweroff(bool success)
{
    if (leave_qemu)
        outl(QEMU_DEBUG_EXIT_PORT, success ? QEMU_EXIT_SUCCESS : QEMU_EXIT_FAILURE);
    cpu_halt_forever();
}

/**
 * panic - print "vana: panic: " and the message, then stop the machine as a failure.
 * @fmt: the message, a format string (lib/format.h)
 * @...: its arguments
 *
 * Interrupts go off first, and it does not return.
 * Context: any; for the kernel's own broken invariants, never for what a
 * user program did.
 */
void panic(const char* fmt, ...)
{
    va_list args;
    __asm__ volatile("cli");
    kprintf("\nvana: panic: ");
    va_start(args, fmt);
    vkprintf(fmt, args);
    va_end(args);
    kprintf("\n");
    kernel_poweroff(false);
}
