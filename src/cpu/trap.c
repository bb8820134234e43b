/*
 * Where every interrupt lands (from isr.asm): CPU exceptions, hardware
 * IRQs and system calls.
 *
 * An exception in ring 3 is the program's fault: it kills that process
 * and nothing else. An exception in ring 0 is the kernel's fault: unless
 * it is a probe's expected fault (probe.c), the kernel panics with the
 * registers, so the damage is seen where it happened.
 */
#include "trapframe.h"
#include "console/console.h"
#include "idt.h"
#include "kernel.h"
#include "pic.h"
#include "pit.h"
#include "probe.h"
#include "registers.h"
#include "syscall/syscall.h"
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

static void kernel_exception(const struct trapframe* frame)
{
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
    }
}

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
