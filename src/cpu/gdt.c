/*
 * The global descriptor table and the task-state segments.
 *
 * Vana uses flat segments only, so the GDT holds one code and one data
 * segment for each of ring 0 and ring 3, and two TSSs. The first is the
 * one the CPU runs in: it is there because the CPU reads SS0:ESP0 from it
 * to find the kernel stack when an interrupt arrives in ring 3 (Intel SDM
 * vol. 3A, 7.2.1 and 6.12.1). The second is used for one thing only: the
 * double fault's task gate switches to it (idt.c), so the double fault is
 * handled on a stack and with a directory of its own, whatever state the
 * stack that faulted is in (SDM vol. 3A, 6.14 and 7.3).
 */
#include "gdt.h"
#include "registers.h"

#include <stddef.h>

struct gdt_descriptor
{
    uint16_t limit_low;
    uint16_t base_low;
    uint8_t base_middle;
    uint8_t access;       /* present, privilege level, type */
    uint8_t granularity;  /* limit bits 19-16 and the G/D flags */
    uint8_t base_high;
} __attribute__((packed));

/* Access bytes: present, DPL, descriptor type, and segment type. */
#define ACCESS_KERNEL_CODE 0x9A  /* present, ring 0, code, readable */
#define ACCESS_KERNEL_DATA 0x92  /* present, ring 0, data, writable */
#define ACCESS_USER_CODE 0xFA    /* as above, ring 3 */
#define ACCESS_USER_DATA 0xF2
#define ACCESS_TSS 0x89          /* present, ring 0, 32-bit available TSS */
#define GRANULARITY_4K_32BIT 0xCF /* limit in 4 KiB units, 32-bit operands, limit 19-16 = 0xF */

#define DOUBLE_FAULT_STACK_SIZE 8192

static struct gdt_descriptor gdt[7];
/* Aligned so that neither TSS crosses a page boundary (SDM vol. 3A, 7.2.1). */
static struct tss tss __attribute__((aligned(128)));
static struct tss double_fault_tss __attribute__((aligned(128)));
static uint8_t double_fault_stack[DOUBLE_FAULT_STACK_SIZE] __attribute__((aligned(16)));

static void gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t granularity)
{
    gdt[index].limit_low = limit & 0xFFFF;
    gdt[index].base_low = base & 0xFFFF;
    gdt[index].base_middle = (base >> 16) & 0xFF;
    gdt[index].access = access;
    gdt[index].granularity = (uint8_t)((granularity & 0xF0) | ((limit >> 16) & 0x0F));
    gdt[index].base_high = (base >> 24) & 0xFF;
}

/**
 * gdt_init - load the GDT, the ring-0 TSS and a null LDT.
 *
 * The ring-0 and ring-3 flat segments, the TSS the CPU finds the kernel
 * stack in, and the double-fault TSS, which gets its EIP and CR3 from
 * tss_prepare_double_fault_task.
 * Context: once, at boot, before idt_init.
 */
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

    /* The kernel's segments and a stack of its own; EIP and CR3 come with tss_prepare_double_fault_task. */
    double_fault_tss.cs = GDT_KERNEL_CODE_SELECTOR;
    double_fault_tss.ss = double_fault_tss.ds = double_fault_tss.es = GDT_KERNEL_DATA_SELECTOR;
    double_fault_tss.fs = double_fault_tss.gs = double_fault_tss.ss0 = GDT_KERNEL_DATA_SELECTOR;
    double_fault_tss.esp = double_fault_tss.esp0 = (uint32_t)(double_fault_stack + DOUBLE_FAULT_STACK_SIZE);
    double_fault_tss.eflags = EFLAGS_RESERVED_ONE;  /* interrupts off, direction flag clear */
    double_fault_tss.iomap_base = sizeof(double_fault_tss);
    gdt_set(6, (uint32_t)&double_fault_tss, sizeof(double_fault_tss) - 1, ACCESS_TSS, 0x00);

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

/**
 * tss_set_kernel_stack - the stack the CPU switches to on the next interrupt from ring 3.
 * @esp0: the stack's top
 */
void tss_set_kernel_stack(uint32_t esp0)
{
    tss.esp0 = esp0;
}

/**
 * tss_prepare_double_fault_task - make the double-fault TSS start handler with directory in CR3.
 * @handler: where the double-fault task starts
 * @directory: the physical address of a page directory
 *
 * The task switch loads CR3 from the TSS, so this must be a directory that
 * maps the kernel and stays (the kernel's).
 * Context: before the double fault's task gate is installed.
 */
void tss_prepare_double_fault_task(void (*handler)(void), uint32_t directory)
{
    double_fault_tss.eip = (uint32_t)handler;
    double_fault_tss.cr3 = directory;
}

/**
 * tss_interrupted_by_double_fault - the TSS the double fault interrupted.
 *
 * Return: the TSS the CPU saved the interrupted registers in (its EIP, ESP
 * and the rest), or NULL when the switch did not come from Vana's one TSS.
 * Context: in the double-fault task.
 */
const struct tss* tss_interrupted_by_double_fault(void)
{
    return double_fault_tss.link == GDT_TSS_SELECTOR ? &tss : NULL;
}
