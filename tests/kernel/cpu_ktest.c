/* The CPU set-up under everything else: segments, TSS, no LDT, IDT, timer interrupts, FPU off. */
#include "cpu/gdt.h"
#include "cpu/idt.h"
#include "cpu/pit.h"
#include "cpu/registers.h"
#include "ktest.h"

static void kernel_runs_on_the_kernel_segments(void)
{
    uint16_t cs, ds, ss;
    __asm__ volatile("mov %%cs, %0; mov %%ds, %1; mov %%ss, %2" : "=r"(cs), "=r"(ds), "=r"(ss));
    KTEST_EXPECT(cs == GDT_KERNEL_CODE_SELECTOR);
    KTEST_EXPECT(ds == GDT_KERNEL_DATA_SELECTOR);
    KTEST_EXPECT(ss == GDT_KERNEL_DATA_SELECTOR);
}

static void task_register_holds_the_tss(void)
{
    uint16_t selector;
    __asm__ volatile("str %0" : "=r"(selector));
    KTEST_EXPECT(selector == GDT_TSS_SELECTOR);
}

static void ldt_register_is_null(void)
{
    uint16_t selector = 0xFFFF;
    __asm__ volatile("sldt %0" : "=r"(selector));
    KTEST_EXPECT(selector == 0);
}

static void idt_has_every_vector(void)
{
    struct pseudo_descriptor idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    KTEST_EXPECT(idtr.limit == IDT_VECTOR_COUNT * 8 - 1);
}

static void timer_interrupts_arrive(void)
{
    uint64_t before = pit_ticks();
    /* Each hlt wakes at the next interrupt; interrupts are on only for these instructions. */
    for (int i = 0; i < 3 && pit_ticks() == before; i++)
        __asm__ volatile("sti; hlt; cli");
    KTEST_EXPECT(pit_ticks() > before);
}

static void fpu_is_off(void)
{
    KTEST_EXPECT(cpu_read_cr0() & CR0_EMULATION);
    KTEST_EXPECT(!(cpu_read_cr0() & CR0_MONITOR_COPROCESSOR));
}

static const struct ktest_case cpu_cases[] = {
    {"kernel_runs_on_the_kernel_segments", kernel_runs_on_the_kernel_segments},
    {"task_register_holds_the_tss", task_register_holds_the_tss},
    {"ldt_register_is_null", ldt_register_is_null},
    {"idt_has_every_vector", idt_has_every_vector},
    {"timer_interrupts_arrive", timer_interrupts_arrive},
    {"fpu_is_off", fpu_is_off},
};
KTEST_SUITE(cpu_ktest, cpu_cases);
