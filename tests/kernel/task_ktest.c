/*
 * Guarded kernel stacks (src/task/kernel_stack.c) and the double-fault
 * task that reports their overflow (src/cpu/idt.c, gdt.c, trap.c).
 */
#include "config.h"
#include "console/console.h"
#include "cpu/gdt.h"
#include "cpu/idt.h"
#include "cpu/probe.h"
#include "cpu/registers.h"
#include "ktest.h"
#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "status.h"
#include "task/kernel_stack.h"
#include "task/process.h"
#include "task/task.h"

#define KERNEL_ENTRY (PAGING_IS_PRESENT | PAGING_IS_WRITEABLE)
#define CPU_SET_BITS (PAGING_ACCESSED | PAGING_DIRTY)

/* A flat binary that spins: jmp $ */
static const unsigned char spin[] = {0xEB, 0xFE};

static struct process* load_spinner(void)
{
    struct process* process = NULL;
    KTEST_EXPECT(process_load("spin.bin", spin, sizeof(spin), &process) == 0);
    return process;
}

static uint32_t* kernel_directory(void)
{
    return paging_4gb_chunk_get_directory(paging_kernel_directory());
}

/* The page directory of process p. */
static uint32_t* directory_of(struct process* p)
{
    return paging_4gb_chunk_get_directory(&p->chunk);
}

/* The entry, less the accessed and dirty bits the CPU sets as it uses a page. */
static uint32_t entry_at(uint32_t* directory, const void* virt)
{
    return paging_get(directory, (void*)virt) & ~(uint32_t)CPU_SET_BITS;
}

/* Does directory map the page of virt to itself, supervisor-only and writable, as the kernel's identity map does? */
static bool maps_identity(uint32_t* directory, const void* virt)
{
    uint32_t page = (uint32_t)(uintptr_t)virt & PAGING_ADDRESS_MASK;
    return entry_at(directory, virt) == (page | KERNEL_ENTRY);
}

/* Does every page of [start, end) map to itself in directory? Stops at the first that does not. */
static bool range_maps_identity(uint32_t* directory, uintptr_t start, uintptr_t end)
{
    for (uintptr_t page = start; page < end; page += PAGING_PAGE_SIZE) {
        if (!maps_identity(directory, (const void*)page))
            return false;
    }
    return true;
}

/* Is the stack of task, as its slot maps it in directory, guarded and backed by its own blocks? */
static void expect_guarded_stack(uint32_t* directory, const struct task* task)
{
    const char* blocks = task->kernel_stack;
    KTEST_EXPECT(!(paging_get(directory, kernel_stack_guard(blocks)) & PAGING_IS_PRESENT));
    for (uint32_t offset = 0; offset < VANA_TASK_KERNEL_STACK_SIZE; offset += PAGING_PAGE_SIZE) {
        uint32_t entry = entry_at(directory, kernel_stack_base(blocks) + offset);
        KTEST_EXPECT(entry == ((uint32_t)(uintptr_t)(blocks + offset) | KERNEL_ENTRY));
    }
}

static void task_kernel_stack_has_an_unmapped_guard_page_in_every_directory(void)
{
    struct process* p = load_spinner();
    if (!p)
        return;
    const char* blocks = p->task.kernel_stack;
    char* guard = kernel_stack_guard(blocks);
    KTEST_EXPECT((uintptr_t)guard >= KERNEL_STACK_REGION_START && (uintptr_t)guard < KERNEL_STACK_REGION_END);
    KTEST_EXPECT(kernel_stack_base(blocks) == guard + PAGING_PAGE_SIZE);
    KTEST_EXPECT(kernel_stack_top(blocks) == guard + KERNEL_STACK_SLOT_SIZE);
    expect_guarded_stack(kernel_directory(), &p->task);
    expect_guarded_stack(directory_of(p), &p->task);
    /* The process shares the kernel's table there: nothing can go stale in a copy. */
    uint32_t index = (uint32_t)(uintptr_t)guard / PAGING_PAGE_SIZE / PAGING_TOTAL_ENTRIES_PER_TABLE;
    KTEST_EXPECT(!(directory_of(p)[index] & PAGING_TABLE_IS_OWNED));
    KTEST_EXPECT((directory_of(p)[index] & PAGING_ADDRESS_MASK) ==
                 (kernel_directory()[index] & PAGING_ADDRESS_MASK));
    /* The task starts on the slot, not at the blocks' heap address. */
    KTEST_EXPECT((char*)p->task.context > kernel_stack_base(blocks));
    KTEST_EXPECT((char*)p->task.context < kernel_stack_top(blocks));
    /* The blocks' own identity entries are untouched. */
    KTEST_EXPECT(maps_identity(kernel_directory(), blocks));
    KTEST_EXPECT(maps_identity(directory_of(p), blocks));
    process_destroy(p);
}

/* Run with the process's directory loaded, as its task runs: the CPU itself must see the guard. */
static void task_kernel_stack_guard_faults_and_its_pages_reach_the_blocks(void)
{
    struct process* p = load_spinner();
    if (!p)
        return;
    volatile uint32_t* blocks = p->task.kernel_stack;
    uint32_t value = 0;

    paging_switch(&p->chunk);
    KTEST_EXPECT(probe_write32(kernel_stack_top(p->task.kernel_stack) - VANA_TASK_KERNEL_STACK_SIZE - 4, 1) == -EFAULT);
    KTEST_EXPECT(probe_read32(kernel_stack_guard(p->task.kernel_stack), &value) == -EFAULT);
    KTEST_EXPECT(probe_write32(kernel_stack_base(p->task.kernel_stack), 0x5AFE57AC) == 0);
    KTEST_EXPECT(probe_read32(kernel_stack_top(p->task.kernel_stack) - 4, &value) == 0);
    paging_switch(paging_kernel_directory());
    KTEST_EXPECT(blocks[0] == 0x5AFE57AC);
    KTEST_EXPECT(probe_write32(kernel_stack_guard(p->task.kernel_stack), 1) == -EFAULT);
    process_destroy(p);
}

static void task_kernel_stacks_of_live_tasks_take_different_slots(void)
{
    struct process* p = load_spinner();
    struct process* q = load_spinner();
    if (p && q) {
        KTEST_EXPECT(kernel_stack_guard(p->task.kernel_stack) != kernel_stack_guard(q->task.kernel_stack));
        /* Each guarded in the other's directory too: all share the kernel's tables there. */
        expect_guarded_stack(directory_of(q), &p->task);
        expect_guarded_stack(directory_of(p), &q->task);
    }
    if (q)
        process_destroy(q);
    if (p)
        process_destroy(p);
}

static void task_release_gives_the_slot_back_its_identity_entries(void)
{
    struct process* p = load_spinner();
    struct process* q = load_spinner();
    if (!p || !q)
        return;
    void* blocks = p->task.kernel_stack;
    uintptr_t guard = (uintptr_t)kernel_stack_guard(blocks);

    task_release(&p->task);
    KTEST_EXPECT(p->task.kernel_stack == NULL);
    KTEST_EXPECT(range_maps_identity(kernel_directory(), guard, guard + KERNEL_STACK_SLOT_SIZE));
    KTEST_EXPECT(range_maps_identity(directory_of(q), guard, guard + KERNEL_STACK_SLOT_SIZE));
    task_release(&p->task);  /* a second release does nothing */
    process_destroy(p);

    /* The freed blocks are ordinary kernel memory again, reachable from every directory (read only: they are free). */
    uint32_t value;
    for (uint32_t offset = 0; offset < VANA_TASK_KERNEL_STACK_SIZE; offset += PAGING_PAGE_SIZE) {
        const char* block = (const char*)blocks + offset;
        KTEST_EXPECT(maps_identity(kernel_directory(), block));
        KTEST_EXPECT(maps_identity(directory_of(q), block));
        paging_switch(&q->chunk);
        KTEST_EXPECT(probe_read32(block, &value) == 0);
        paging_switch(paging_kernel_directory());
    }

    guard = (uintptr_t)kernel_stack_guard(q->task.kernel_stack);
    process_destroy(q);
    KTEST_EXPECT(range_maps_identity(kernel_directory(), guard, guard + KERNEL_STACK_SLOT_SIZE));
}

/*
 * FNV-1a over every entry of the kernel's directory and of the tables
 * under it (a 4 MiB page has none), less the bits the CPU sets.
 */
static uint32_t kernel_map_hash(void)
{
    uint32_t* directory = kernel_directory();
    uint32_t hash = 2166136261u;
    for (uint32_t i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++) {
        hash = (hash ^ (directory[i] & ~(uint32_t)CPU_SET_BITS)) * 16777619u;
        if (directory[i] & PAGING_IS_4MB_PAGE)
            continue;
        const uint32_t* table = (const uint32_t*)(uintptr_t)(directory[i] & PAGING_ADDRESS_MASK);
        for (uint32_t j = 0; j < PAGING_TOTAL_ENTRIES_PER_TABLE; j++)
            hash = (hash ^ (table[j] & ~(uint32_t)CPU_SET_BITS)) * 16777619u;
    }
    return hash;
}

static void a_thousand_processes_leave_the_heap_and_the_identity_map_as_they_were(void)
{
    enum { COUNT = 1000 };
    struct heap* heap = kheap_get();
    size_t before = heap_blocks_in_use(heap);
    uint32_t hash_before = kernel_map_hash();
    struct process** processes = kzalloc(COUNT * sizeof(*processes));
    if (!processes)
        return;
    size_t live = before + heap_allocation_blocks(heap, processes);

    size_t created = 0;
    while (created < COUNT && process_load("spin.bin", spin, sizeof(spin), &processes[created]) == 0)
        created++;
    KTEST_EXPECT(created == COUNT);
    /* All at once, each guarded; a slot in use means neither neighbour is (a stack is two blocks). */
    for (size_t i = 0; i < created; i++) {
        const char* blocks = processes[i]->task.kernel_stack;
        KTEST_EXPECT(!(paging_get(kernel_directory(), kernel_stack_guard(blocks)) & PAGING_IS_PRESENT));
        KTEST_EXPECT(entry_at(kernel_directory(), kernel_stack_base(blocks)) ==
                     ((uint32_t)(uintptr_t)blocks | KERNEL_ENTRY));
    }
    while (created > 0)
        process_destroy(processes[--created]);

    KTEST_EXPECT(heap_blocks_in_use(heap) == live);
    KTEST_EXPECT(range_maps_identity(kernel_directory(), KERNEL_STACK_REGION_START, KERNEL_STACK_REGION_END));
    kfree(processes);
    KTEST_EXPECT(heap_blocks_in_use(heap) == before);
    KTEST_EXPECT(kernel_map_hash() == hash_before);
}

/* The IDT gate and GDT descriptor layouts (Intel SDM vol. 3A, 6.11 and 7.2.2). */
struct gate
{
    uint16_t offset_low, selector;
    uint8_t zero, type_attributes;
    uint16_t offset_high;
} __attribute__((packed));

struct descriptor
{
    uint16_t limit_low, base_low;
    uint8_t base_middle, access, granularity, base_high;
} __attribute__((packed));

static void double_fault_goes_through_a_task_gate_to_a_tss_of_its_own(void)
{
    struct process* p = load_spinner();  /* the first guarded stack installs the gate */
    if (!p)
        return;
    struct pseudo_descriptor idtr, gdtr;
    __asm__ volatile("sidt %0; sgdt %1" : "=m"(idtr), "=m"(gdtr));

    const struct gate* gate = (const struct gate*)idtr.base + EXCEPTION_DOUBLE_FAULT;
    KTEST_EXPECT(gate->type_attributes == 0x85);  /* present, DPL 0, task gate */
    KTEST_EXPECT(gate->selector == GDT_DOUBLE_FAULT_TSS_SELECTOR);

    const struct descriptor* d = (const struct descriptor*)gdtr.base + GDT_DOUBLE_FAULT_TSS_SELECTOR / 8;
    KTEST_EXPECT(gdtr.limit >= GDT_DOUBLE_FAULT_TSS_SELECTOR + 7);
    KTEST_EXPECT(d->access == 0x89);  /* present, ring 0, 32-bit TSS, not busy */
    const struct tss* tss = (const struct tss*)(uintptr_t)(d->base_low | (uint32_t)d->base_middle << 16 |
                                                           (uint32_t)d->base_high << 24);
    KTEST_EXPECT(tss->cr3 == (uint32_t)(uintptr_t)kernel_directory());
    KTEST_EXPECT(tss->eip == (uint32_t)(uintptr_t)trap_double_fault);
    KTEST_EXPECT(tss->cs == GDT_KERNEL_CODE_SELECTOR && tss->ss == GDT_KERNEL_DATA_SELECTOR);
    KTEST_EXPECT(tss->ds == GDT_KERNEL_DATA_SELECTOR && tss->es == GDT_KERNEL_DATA_SELECTOR);
    KTEST_EXPECT(tss->eflags == EFLAGS_RESERVED_ONE);
    /* Its own stack: in the kernel image, nowhere near a task's slot. */
    KTEST_EXPECT(tss->esp != 0 && tss->esp < KERNEL_STACK_REGION_START);
    KTEST_EXPECT(maps_identity(kernel_directory(), (const void*)(uintptr_t)(tss->esp - 4)));
    process_destroy(p);
}

static const struct ktest_case task_cases[] = {
    {"task_kernel_stack_has_an_unmapped_guard_page_in_every_directory",
     task_kernel_stack_has_an_unmapped_guard_page_in_every_directory},
    {"task_kernel_stack_guard_faults_and_its_pages_reach_the_blocks",
     task_kernel_stack_guard_faults_and_its_pages_reach_the_blocks},
    {"task_kernel_stacks_of_live_tasks_take_different_slots", task_kernel_stacks_of_live_tasks_take_different_slots},
    {"task_release_gives_the_slot_back_its_identity_entries", task_release_gives_the_slot_back_its_identity_entries},
    {"a_thousand_processes_leave_the_heap_and_the_identity_map_as_they_were",
     a_thousand_processes_leave_the_heap_and_the_identity_map_as_they_were},
    {"double_fault_goes_through_a_task_gate_to_a_tss_of_its_own",
     double_fault_goes_through_a_task_gate_to_a_tss_of_its_own},
};
KTEST_SUITE(task_ktest, task_cases);

/*
 * The "ktest-stack-overflow" boot (tests/kernel/run.sh): a process whose
 * task, instead of entering its program, recurses on its kernel stack
 * until it runs into the guard page. The scheduler starts it as it starts
 * every task: its slot's top in the TSS, its process's directory in CR3.
 * The double-fault task must then name it and panic; nothing returns.
 */
static volatile uint32_t recursion_limit = UINT32_MAX;

static uint32_t __attribute__((noinline)) recurse(uint32_t depth)
{
    volatile uint32_t frame[64];
    frame[depth % 64] = depth;
    if (depth >= recursion_limit)
        return frame[0];
    return recurse(depth + 1) + frame[depth % 64];
}

static void overflow_entry(void)
{
    recurse(0);
    kprintf("ktest: the recursion returned\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}

void ktest_overflow_kernel_stack(void)
{
    struct process* p = NULL;
    if (process_load("overflow.bin", spin, sizeof(spin), &p) < 0)
        return;
    kprintf("ktest: overflowing the kernel stack of process %d (%s), guard page at %p\n", p->pid, p->name,
            (void*)kernel_stack_guard(p->task.kernel_stack));
    /* The first context switch "returns" into overflow_entry instead of trap_return. */
    p->task.context->eip = (uint32_t)(uintptr_t)overflow_entry;
    task_ready(&p->task);
    task_run_scheduler();
    kprintf("ktest: the scheduler returned\n");
}

/*
 * The "ktest-double-fault" boot: a double fault that is no task's stack
 * overflow. With a task gate installed (by the first guarded stack), ESP
 * is moved to the top of page 0, which is never present; the push faults,
 * and so does pushing that fault's frame. It must be reported as a double
 * fault, not as an overflow.
 */
void ktest_double_fault(void)
{
    struct process* p = NULL;
    if (process_load("spin.bin", spin, sizeof(spin), &p) < 0)
        return;
    kprintf("ktest: pushing on a stack in page 0\n");
    __asm__ volatile("mov %0, %%esp; push $0" : : "i"(PAGING_PAGE_SIZE) : "memory");
}
