#ifndef REGISTERS_H
#define REGISTERS_H

#include <stdint.h>

/* EFLAGS bits (Intel SDM vol. 1, 3.4.3, and vol. 3A, 2.3). */
#define EFLAGS_RESERVED_ONE 0x00000002u       /* bit 1 always reads as 1 */
#define EFLAGS_INTERRUPT_ENABLE 0x00000200u
#define EFLAGS_NESTED_TASK 0x00004000u
#define EFLAGS_VIRTUAL_8086 0x00020000u

/* Control registers (Intel SDM vol. 3A, 2.5). */
#define CR0_MONITOR_COPROCESSOR 0x00000002u
#define CR0_EMULATION 0x00000004u
#define CR0_WRITE_PROTECT 0x00010000u
#define CR0_PAGING 0x80000000u

static inline uint32_t cpu_read_cr0(void)
{
    uint32_t value;
    __asm__ volatile("mov %%cr0, %0" : "=r"(value));
    return value;
}

static inline void cpu_write_cr0(uint32_t value)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(value));
}

/* CR2 holds the linear address of the last page fault. */
static inline uint32_t cpu_read_cr2(void)
{
    uint32_t value;
    __asm__ volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

static inline uint32_t cpu_read_cr3(void)
{
    uint32_t value;
    __asm__ volatile("mov %%cr3, %0" : "=r"(value));
    return value;
}

/* The operand of LGDT and LIDT: a table's size less one, and its address (SDM 3.5.1). */
struct pseudo_descriptor
{
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

#endif
