/*
 * The interrupt descriptor table. Every vector has a stub in isr.asm; all
 * are interrupt gates (the CPU clears IF on entry), so the kernel never
 * runs interrupted: on one CPU that is what keeps its data consistent.
 * Only the system-call gate is open to ring 3: "int n" for any other
 * vector from user mode raises #GP (Intel SDM vol. 3A, 6.12.1.1).
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
