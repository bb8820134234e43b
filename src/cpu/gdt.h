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

void gdt_init(void);
void tss_set_kernel_stack(uint32_t esp0);

/* gdt.asm */
void gdt_load(const void* descriptor, uint32_t code_selector, uint32_t data_selector);
void tss_load(uint32_t selector);

#endif
