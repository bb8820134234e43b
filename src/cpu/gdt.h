#ifndef GDT_H
#define GDT_H

#include <stdint.h>

/*
 * Segment selectors: index * 8, plus the requested privilege level in the
 * low two bits for ring-3 selectors (Intel SDM vol. 3A, 3.4.2). All
 * segments are flat (base 0, limit 4 GiB); protection is paging's job.
 */
#define GDT_KERNEL_CODE_SELECTOR 0x08
#define GDT_KERNEL_DATA_SELECTOR 0x10
#define GDT_USER_CODE_SELECTOR (0x18 | 3)
#define GDT_USER_DATA_SELECTOR (0x20 | 3)
#define GDT_TSS_SELECTOR 0x28
#define GDT_DOUBLE_FAULT_TSS_SELECTOR 0x30

/*
 * A 32-bit task-state segment (Intel SDM vol. 3A, 7.2.1). On a task
 * switch the CPU saves the registers of the task it leaves in that task's
 * TSS, loads those of the new one from its own, and puts the old TSS's
 * selector in the new one's link field.
 */
struct tss
{
    uint32_t link;
    uint32_t esp0, ss0;
    uint32_t esp1, ss1;
    uint32_t esp2, ss2;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldtr;
    uint16_t trap;
    uint16_t iomap_base;
} __attribute__((packed));

void gdt_init(void);
void tss_set_kernel_stack(uint32_t esp0);
void tss_prepare_double_fault_task(void (*handler)(void), uint32_t directory);
const struct tss* tss_interrupted_by_double_fault(void);

/* gdt.asm */
void gdt_load(const void* descriptor, uint32_t code_selector, uint32_t data_selector);
void tss_load(uint32_t selector);

#endif
