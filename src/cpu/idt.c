/*
 * The interrupt descriptor table. Every vector has a stub in isr.asm; all
 * are interrupt gates (the CPU clears IF on entry), so the kernel never
 * runs interrupted: on one CPU that is what keeps its data consistent.
 * Only the system-call gate is open to ring 3: "int n" for any other
 * vector from user mode raises #GP (Intel SDM vol. 3A, 6.12.1.1).
 *
 * The one exception, once guarded kernel stacks exist, is the double
 * fault: a task gate (SDM vol. 3A, 6.11 and 6.14). A kernel stack that
 * overflows into its guard page faults, and the CPU, pushing that fault's
 * frame on the same stack, faults again: a double fault. Through an
 * interrupt gate it would push on that stack a third time, and a third
 * fault resets the machine. Through the task gate the CPU saves the
 * registers in the running TSS and switches to the double-fault TSS (gdt.c),
 * with a stack and a directory of its own, where trap_double_fault reports
 * what happened.
 */
#include "idt.h"
#include "gdt.h"
#include "registers.h"

#include <stdint.h>

struct idt_gate
{
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attributes;  /* present, DPL, gate type */
    uint16_t offset_high;
} __attribute__((packed));

#define GATE_INTERRUPT_RING0 0x8E  /* present, DPL 0, 32-bit interrupt gate */
#define GATE_INTERRUPT_RING3 0xEE  /* present, DPL 3, 32-bit interrupt gate */
#define GATE_TASK 0x85             /* present, DPL 0, task gate: the selector names a TSS, no offset */

extern const uint32_t isr_table[IDT_VECTOR_COUNT];

static struct idt_gate idt[IDT_VECTOR_COUNT];

static void idt_set(int vector, uint32_t handler, uint8_t type_attributes)
{
    idt[vector].offset_low = handler & 0xFFFF;
    idt[vector].selector = GDT_KERNEL_CODE_SELECTOR;
    idt[vector].zero = 0;
    idt[vector].type_attributes = type_attributes;
    idt[vector].offset_high = (uint16_t)(handler >> 16);
}

/**
 * idt_init - point every vector at its isr.asm stub and load the table.
 *
 * Every gate is a ring-0 interrupt gate (the CPU clears IF on entry), but
 * the system-call gate, which ring 3 may use.
 * Context: once, at boot, after gdt_init (the gates name its kernel code
 * selector), with interrupts off.
 */
void idt_init(void)
{
    for (int vector = 0; vector < IDT_VECTOR_COUNT; vector++)
        idt_set(vector, isr_table[vector], GATE_INTERRUPT_RING0);
    idt_set(IDT_SYSCALL_VECTOR, isr_table[IDT_SYSCALL_VECTOR], GATE_INTERRUPT_RING3);

    static struct pseudo_descriptor pointer;
    pointer.limit = sizeof(idt) - 1;
    pointer.base = (uint32_t)idt;
    __asm__ volatile("lidt %0" : : "m"(pointer));
}

/**
 * idt_use_double_fault_task - handle double faults in the double-fault task from now on.
 * @kernel_directory: the physical address of the kernel's page directory,
 * which the task loads in CR3
 *
 * Vector 8 becomes a task gate to the double-fault TSS (gdt.c). Until then
 * a double fault is delivered like any other exception.
 * Context: the kernel's directory already in use, once its stacks are guarded.
 */
void idt_use_double_fault_task(uint32_t kernel_directory)
{
    tss_prepare_double_fault_task(trap_double_fault, kernel_directory);
    idt[EXCEPTION_DOUBLE_FAULT].offset_low = 0;
    idt[EXCEPTION_DOUBLE_FAULT].selector = GDT_DOUBLE_FAULT_TSS_SELECTOR;
    idt[EXCEPTION_DOUBLE_FAULT].zero = 0;
    idt[EXCEPTION_DOUBLE_FAULT].type_attributes = GATE_TASK;
    idt[EXCEPTION_DOUBLE_FAULT].offset_high = 0;
}
