/*
 * The global descriptor table and the task-state segment.
 *
 * Vana uses flat segments only, so the GDT holds one code and one data
 * segment for each of ring 0 and ring 3, and one TSS. The TSS is not used
 * for hardware task switching; it exists because the CPU reads SS0:ESP0
 * from it to find the kernel stack when an interrupt arrives in ring 3
 * (Intel SDM vol. 3A, 7.2.1 and 6.12.1).
 */
#include "gdt.h"
#include "registers.h"

struct gdt_descriptor
{
    uint16_t limit_low;
    uint16_t base_low;
    uint8_t base_middle;
    uint8_t access;       /* present, privilege level, type */
    uint8_t granularity;  /* limit bits 19-16 and the G/D flags */
    uint8_t base_high;
} __attribute__((packed));

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

/* Access bytes: present, DPL, descriptor type, and segment type. */
#define ACCESS_KERNEL_CODE 0x9A  /* present, ring 0, code, readable */
#define ACCESS_KERNEL_DATA 0x92  /* present, ring 0, data, writable */
#define ACCESS_USER_CODE 0xFA    /* as above, ring 3 */
#define ACCESS_USER_DATA 0xF2
#define ACCESS_TSS 0x89          /* present, ring 0, 32-bit available TSS */
#define GRANULARITY_4K_32BIT 0xCF /* limit in 4 KiB units, 32-bit operands, limit 19-16 = 0xF */

static struct gdt_descriptor gdt[6];
static struct tss tss;

static void gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t granularity)
{
    gdt[index].limit_low = limit & 0xFFFF;
    gdt[index].base_low = base & 0xFFFF;
    gdt[index].base_middle = (base >> 16) & 0xFF;
    gdt[index].access = access;
    gdt[index].granularity = (uint8_t)((granularity & 0xF0) | ((limit >> 16) & 0x0F));
    gdt[index].base_high = (base >> 24) & 0xFF;
}

void gdt_init(void)
{
    gdt_set(0, 0, 0, 0, 0);
    gdt_set(1, 0, 0xFFFFF, ACCESS_KERNEL_CODE, GRANULARITY_4K_32BIT);
    gdt_set(2, 0, 0xFFFFF, ACCESS_KERNEL_DATA, GRANULARITY_4K_32BIT);
    gdt_set(3, 0, 0xFFFFF, ACCESS_USER_CODE, GRANULARITY_4K_32BIT);
    gdt_set(4, 0, 0xFFFFF, ACCESS_USER_DATA, GRANULARITY_4K_32BIT);

    tss.ss0 = GDT_KERNEL_DATA_SELECTOR;
    /* An I/O bitmap offset past the limit means ring 3 gets no I/O ports. */
    tss.iomap_base = sizeof(tss);
    gdt_set(5, (uint32_t)&tss, sizeof(tss) - 1, ACCESS_TSS, 0x00);

    static struct pseudo_descriptor pointer;
    pointer.limit = sizeof(gdt) - 1;
    pointer.base = (uint32_t)gdt;
    gdt_load(&pointer, GDT_KERNEL_CODE_SELECTOR, GDT_KERNEL_DATA_SELECTOR);
    tss_load(GDT_TSS_SELECTOR);
    /*
     * No LDT. LDTR is not cleared by the boot loader and may still hold its
     * reset value (base 0, limit 0xFFFF), which would make the kernel's low
     * memory a table of "descriptors" that ring 3 can name with a TI=1
     * selector; loading one sets its accessed bit, a write to kernel memory.
     * A null LDTR makes every such selector fault (Intel SDM vol. 3A, 3.5.1).
     */
    __asm__ volatile("lldt %w0" : : "r"(0));
}

/* tss_set_kernel_stack - the stack the CPU switches to on the next interrupt from ring 3. */
void tss_set_kernel_stack(uint32_t esp0)
{
    tss.esp0 = esp0;
}
