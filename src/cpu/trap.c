/*
 * Where every interrupt lands (from isr.asm): CPU exceptions, hardware
 * IRQs and system calls.
 *
 * An exception in ring 3 is the program's fault: it kills that process
 * and nothing else. An exception in ring 0 is the kernel's fault: unless
 * it is a probe's expected fault (probe.c), the kernel panics with the
 * registers, so the damage is seen where it happened. A fault in the
 * guard page below the running task's kernel stack is named for what it
 * is, a kernel stack overflow; it usually arrives as a double fault, in
 * the double-fault task (idt.c), because the CPU could not push the page
 * fault's frame on the stack that overflowed.
 */
#include "trapframe.h"
#include "console/console.h"
#include "console/input.h"
#include "gdt.h"
#include "idt.h"
#include "panic.h"
#include "pic.h"
#include "pit.h"
#include "probe.h"
#include "registers.h"
#include "syscall/syscall.h"
#include "task/kernel_stack.h"
#include "task/process.h"
#include "task/task.h"

void trap_dispatch(struct trapframe* frame);

static const char* const exception_names[IDT_EXCEPTION_COUNT] = {
    "divide error", "debug", "non-maskable interrupt", "breakpoint", "overflow", "bound range exceeded",
    "invalid opcode", "device not available", "double fault", "coprocessor segment overrun",
    "invalid TSS", "segment not present", "stack-segment fault", "general protection fault",
    "page fault", "reserved (15)", "x87 floating-point error", "alignment check", "machine check",
    "SIMD floating-point error", "virtualization exception", "control protection exception",
    "reserved (22)", "reserved (23)", "reserved (24)", "reserved (25)", "reserved (26)",
    "reserved (27)", "hypervisor injection", "VMM communication", "security exception",
    "reserved (31)",
};

/* Page-fault error code bits (Intel SDM vol. 3A, 4.7). */
#define PAGE_FAULT_PROTECTION 0x1  /* clear: the page was not present */
#define PAGE_FAULT_WRITE 0x2

/* Does address lie in the guard page below the running task's kernel stack? */
static bool in_current_stack_guard(uint32_t address)
{
    struct task* task = task_current();
    return task && kernel_stack_guard_contains(task->kernel_stack, address);
}

/*
 * Report that the running task's kernel stack ran into its guard page,
 * caught as exception vector, and stop.
 */
static void __attribute__((noreturn)) kernel_stack_overflow(unsigned int vector, uint32_t cr2, uint32_t eip,
                                                            uint32_t esp)
{
    struct task* task = task_current();
    struct process* process = task->process;
    uintptr_t guard = (uintptr_t)kernel_stack_guard(task->kernel_stack);

    kprintf("\nvana: kernel stack overflow in process %d (%s)\n", process->pid, process->name);
    kprintf("  %s at eip %08x, esp %08x, cr2 %08x; guard page %08x-%08x\n", exception_names[vector], eip, esp, cr2,
            (unsigned)guard, (unsigned)(guard + KERNEL_STACK_GUARD_SIZE - 1));
    panic("kernel stack overflow in process %d (%s) at eip 0x%x", process->pid, process->name, eip);
}

static void kernel_exception(const struct trapframe* frame)
{
    /* ESP was still good (this frame was pushed), but the access lay in the guard page, just below the stack. */
    if (frame->vector == EXCEPTION_PAGE_FAULT && in_current_stack_guard(cpu_read_cr2()))
        kernel_stack_overflow(frame->vector, cpu_read_cr2(), frame->eip, frame->kernel_esp + 20);
    kprintf("\nvana: kernel exception %u: %s, error code 0x%x\n", frame->vector,
            exception_names[frame->vector], frame->error_code);
    if (frame->vector == EXCEPTION_PAGE_FAULT)
        kprintf("  cr2 %08x (%s, %s)\n", cpu_read_cr2(), frame->error_code & PAGE_FAULT_WRITE ? "write" : "read",
                frame->error_code & PAGE_FAULT_PROTECTION ? "protection violation" : "not present");
    kprintf("  eip %08x  cs %04x  eflags %08x  cr3 %08x\n", frame->eip, frame->cs, frame->eflags, cpu_read_cr3());
    kprintf("  eax %08x  ebx %08x  ecx %08x  edx %08x\n", frame->eax, frame->ebx, frame->ecx, frame->edx);
    kprintf("  esi %08x  edi %08x  ebp %08x  esp %08x\n", frame->esi, frame->edi, frame->ebp,
            frame->kernel_esp + 20);  /* PUSHA's ESP, less the vector, error code, EIP, CS and EFLAGS above it */
    panic("%s in kernel mode at eip 0x%x", exception_names[frame->vector], frame->eip);
}

static void user_exception(const struct trapframe* frame)
{
    if (frame->vector == EXCEPTION_PAGE_FAULT) {
        task_kill_current(frame->vector, "page fault at 0x%x (%s, %s)", cpu_read_cr2(),
                          frame->error_code & PAGE_FAULT_WRITE ? "write" : "read",
                          frame->error_code & PAGE_FAULT_PROTECTION ? "protection violation" : "not present");
    }
    task_kill_current(frame->vector, "%s at eip 0x%x", exception_names[frame->vector], frame->eip);
}

static void irq_handle(struct trapframe* frame)
{
    int irq = (int)frame->vector - IDT_IRQ_BASE;

    pic_end_of_interrupt(irq);
    if (irq == PIT_IRQ) {
        pit_tick();
        /* Preempt only user code: the kernel itself runs with interrupts off. */
        if (trapframe_from_user(frame))
            task_yield();
    } else if (console_input_irq(irq)) {
        process_console_input_arrived();  /* wakes readers; they run at their turn, not now */
    }
}

/**
 * trap_dispatch - handle one interrupt, exception or system call.
 * @frame: the registers isr.asm saved; a system call's result goes in its eax
 *
 * An exception in ring 3 kills the process; one in ring 0 panics, unless a
 * probe expected it. An IRQ is acknowledged first; the timer's preempts
 * user code only.
 * Context: isr.asm, through an interrupt gate: interrupts off.
 */
void trap_dispatch(struct trapframe* frame)
{
    /*
     * A program that reached virtual-8086 mode (see trapframe.h) is ended
     * on its first interrupt: Vana neither supports that mode nor lets a
     * program run where its segment registers are not Vana's. A timer
     * interrupt is acknowledged first, so the next one still comes.
     */
    if (trapframe_from_virtual_8086(frame)) {
        if (frame->vector >= IDT_IRQ_BASE && frame->vector < IDT_IRQ_BASE + IDT_IRQ_COUNT)
            pic_end_of_interrupt((int)frame->vector - IDT_IRQ_BASE);
        task_kill_current(frame->vector, "entered virtual-8086 mode (vector %u at eip 0x%x)", frame->vector, frame->eip);
    }
    if (frame->vector < IDT_EXCEPTION_COUNT) {
        if (trapframe_from_user(frame))
            user_exception(frame);
        else if (!(frame->vector == EXCEPTION_PAGE_FAULT && probe_fixup(frame)))
            kernel_exception(frame);
    } else if (frame->vector < IDT_IRQ_BASE + IDT_IRQ_COUNT) {
        irq_handle(frame);
    } else if (frame->vector == IDT_SYSCALL_VECTOR) {
        frame->eax = (uint32_t)syscall_dispatch(frame);
    }
}

/**
 * trap_double_fault - what the double-fault task runs (idt.c).
 *
 * The registers of the code that faulted are in Vana's TSS, where the task
 * switch saved them. The CPU pushed an error code (always 0) where a C
 * function keeps its return address: a zero there ends a backtrace, and
 * this function never returns.
 *
 * A double fault whose address (CR2), or whose saved ESP, lies in the
 * guard page of the running task's kernel stack is that stack's overflow.
 * Any other is reported as a double fault. Either way the kernel panics.
 * Context: entered by a task switch, on the double-fault stack, with the
 * kernel's directory in CR3 and interrupts off.
 */
void trap_double_fault(void)
{
    const struct tss* interrupted = tss_interrupted_by_double_fault();
    uint32_t cr2 = cpu_read_cr2();

    if (!interrupted) {
        kprintf("\nvana: kernel exception %u: %s, error code 0x0\n", EXCEPTION_DOUBLE_FAULT,
                exception_names[EXCEPTION_DOUBLE_FAULT]);
        panic("double fault from an unknown task, cr2 0x%x", cr2);
    }
    if (in_current_stack_guard(cr2) || in_current_stack_guard(interrupted->esp))
        kernel_stack_overflow(EXCEPTION_DOUBLE_FAULT, cr2, interrupted->eip, interrupted->esp);

    kprintf("\nvana: kernel exception %u: %s, error code 0x0\n", EXCEPTION_DOUBLE_FAULT,
            exception_names[EXCEPTION_DOUBLE_FAULT]);
    kprintf("  cr2 %08x\n", cr2);
    kprintf("  eip %08x  cs %04x  eflags %08x\n", interrupted->eip, interrupted->cs, interrupted->eflags);
    kprintf("  eax %08x  ebx %08x  ecx %08x  edx %08x\n", interrupted->eax, interrupted->ebx, interrupted->ecx,
            interrupted->edx);
    kprintf("  esi %08x  edi %08x  ebp %08x  esp %08x\n", interrupted->esi, interrupted->edi, interrupted->ebp,
            interrupted->esp);
    panic("double fault in %s mode at eip 0x%x", (interrupted->cs & 3) == 3 ? "user" : "kernel",
          interrupted->eip);
}
