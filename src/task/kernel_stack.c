/*
 * Guarded kernel stacks (docs/memory.md, "Kernel stacks").
 *
 * A task's kernel stack is two heap blocks, but the task never uses them
 * at their heap addresses: below a block there is only another block, and
 * an overflow would write over it without a fault. Each stack is mapped a
 * second time in a slot of its own in the stack region, above a guard page
 * that is never present, so an overflow faults at once.
 *
 * Why a region of its own, and not a hole punched in the heap's identity
 * map: a process directory copies the kernel's page table for every 4 MiB
 * region where it maps user pages, heap regions included, and a copy keeps
 * whatever the kernel's table said when it was made. A guard punched there
 * would stay in old copies after the stack was freed, and the kernel would
 * fault on its own memory when the block came back as something else. No
 * process maps a user page in the stack region (user pages live below
 * VANA_HEAP_ADDRESS + VANA_HEAP_SIZE_BYTES), so no directory ever copies a
 * table there: one write to the kernel's table is seen by every directory.
 *
 * Slot i belongs to the stack whose first block is heap block i, so there
 * is no slot allocator and no slot can run out: every stack that the heap
 * can hold has its slot. The identity map of the blocks themselves is never
 * changed.
 *
 * The first stack also arms the double-fault task (idt.c): an overflow
 * faults on the guard page, and the CPU cannot push that fault's frame on
 * the stack that overflowed, so only a task switch to a stack of its own
 * can report it.
 */
#include "kernel_stack.h"
#include "cpu/idt.h"
#include "memory/heap/kheap.h"
#include "panic.h"

#define KERNEL_STACK_PAGES (VANA_TASK_KERNEL_STACK_SIZE / PAGING_PAGE_SIZE)

_Static_assert(VANA_HEAP_BLOCK_SIZE == PAGING_PAGE_SIZE, "a slot maps heap blocks as pages");
_Static_assert(VANA_TASK_KERNEL_STACK_SIZE % PAGING_PAGE_SIZE == 0, "a kernel stack is whole pages");
_Static_assert(KERNEL_STACK_REGION_START >= (uint64_t)VANA_HEAP_ADDRESS + VANA_HEAP_SIZE_BYTES,
               "no user page may ever lie in the stack region");
/* QEMU's PC places PCI memory (the VGA frame buffer first) at 0xFD000000 and above. */
_Static_assert((uint64_t)KERNEL_STACK_REGION_END <= 0xFD000000u, "the stack region must end below device memory");

static bool double_fault_task_armed;

/* The entry the kernel's directory has for virt outside the region's use: identity, writable, supervisor-only. */
static uint32_t identity_entry(const void* virt)
{
    return (uint32_t)(uintptr_t)virt | PAGING_IS_PRESENT | PAGING_IS_WRITEABLE;
}

/* The heap block number of blocks, which numbers its slot. */
static uint32_t slot_index(const void* blocks)
{
    uintptr_t address = (uintptr_t)blocks;
    VERIFY(address >= VANA_HEAP_ADDRESS && address % VANA_HEAP_BLOCK_SIZE == 0);
    uint32_t index = (uint32_t)((address - VANA_HEAP_ADDRESS) / VANA_HEAP_BLOCK_SIZE);
    VERIFY(index < KERNEL_STACK_SLOT_COUNT);
    return index;
}

/**
 * kernel_stack_guard - the guard page of a stack's slot.
 * @blocks: the stack's heap blocks, from kernel_stack_create
 *
 * Return: the guard page's address in the stack region.
 */
char* kernel_stack_guard(const void* blocks)
{
    return (char*)(uintptr_t)(KERNEL_STACK_REGION_START + slot_index(blocks) * KERNEL_STACK_SLOT_SIZE);
}

/**
 * kernel_stack_base - the stack's lowest byte where its task uses it.
 * @blocks: the stack's heap blocks, from kernel_stack_create
 *
 * Return: the address just above the guard page.
 */
char* kernel_stack_base(const void* blocks)
{
    return kernel_stack_guard(blocks) + KERNEL_STACK_GUARD_SIZE;
}

/**
 * kernel_stack_top - the address just past the stack, where its task uses it.
 * @blocks: the stack's heap blocks, from kernel_stack_create
 *
 * Return: that address: the first ESP.
 */
char* kernel_stack_top(const void* blocks)
{
    return kernel_stack_base(blocks) + VANA_TASK_KERNEL_STACK_SIZE;
}

/**
 * kernel_stack_guard_contains - does address lie in the guard page of a stack?
 * @blocks: the stack's heap blocks, or NULL
 * @address: a faulting address, for example
 *
 * Return: true when address is in the guard page of the stack at blocks;
 * false for NULL blocks.
 */
bool kernel_stack_guard_contains(const void* blocks, uintptr_t address)
{
    if (!blocks)
        return false;
    uintptr_t guard = (uintptr_t)kernel_stack_guard(blocks);
    return address >= guard && address - guard < KERNEL_STACK_GUARD_SIZE;
}

/*
 * Point each page of the slot of blocks at entry(page) in the kernel's
 * directory. The kernel's directory owns every table of the region
 * (kernel_stack_init), so paging_set allocates nothing and cannot fail; it flushes the page's TLB entry when
 * the loaded directory (the kernel's or any process's: they share this
 * table) translates through the changed table.
 */
static void slot_set(const void* blocks, bool mapped)
{
    struct paging_4gb_chunk* kernel = paging_kernel_directory();
    char* guard = kernel_stack_guard(blocks);

    VERIFY(paging_set(kernel, guard, mapped ? 0 : identity_entry(guard)) == 0);
    for (uint32_t i = 0; i < KERNEL_STACK_PAGES; i++) {
        char* page = guard + KERNEL_STACK_GUARD_SIZE + i * PAGING_PAGE_SIZE;
        const char* block = (const char*)blocks + i * PAGING_PAGE_SIZE;
        uint32_t entry = mapped ? (uint32_t)(uintptr_t)block | PAGING_IS_PRESENT | PAGING_IS_WRITEABLE
                                : identity_entry(page);
        VERIFY(paging_set(kernel, page, entry) == 0);
    }
}

/**
 * kernel_stack_create - allocate a zeroed kernel stack, mapped above a guard page.
 *
 * The stack is mapped in its slot, above a guard page that is not present.
 * Return: its heap blocks (what kernel_stack_destroy and the memory limit
 * take; kernel_stack_base and kernel_stack_top say where to use it), or
 * NULL when the heap is short.
 * Context: after kernel_stack_init.
 */
void* kernel_stack_create(void)
{
    VERIFY(double_fault_task_armed);
    void* blocks = kzalloc(VANA_TASK_KERNEL_STACK_SIZE);
    if (!blocks)
        return NULL;
    slot_set(blocks, true);
    return blocks;
}

/**
 * kernel_stack_init - prepare the stack region and the double-fault task.
 *
 * Gives the kernel's directory its own page tables for the whole stack
 * region (its identity map is otherwise made of 4 MiB pages), before any
 * process directory copies the kernel's directory entries: so every later
 * slot change is one table write that every directory sees. Then points
 * the double-fault task at the kernel's directory.
 * Return: 0, or -ENOMEM.
 * Context: at boot, right after paging_create_kernel_directory.
 */
int kernel_stack_init(void)
{
    int res = paging_give_tables(paging_kernel_directory(), (void*)(uintptr_t)KERNEL_STACK_REGION_START,
                                 (void*)(uintptr_t)KERNEL_STACK_REGION_END);
    if (res < 0)
        return res;
    idt_use_double_fault_task((uint32_t)(uintptr_t)paging_4gb_chunk_get_directory(paging_kernel_directory()));
    double_fault_task_armed = true;
    return 0;
}

/**
 * kernel_stack_destroy - unmap a kernel stack from its slot and free it.
 * @blocks: the stack's heap blocks, or NULL (nothing happens)
 *
 * The slot's pages get their identity entries back.
 * Context: not on this stack.
 */
void kernel_stack_destroy(void* blocks)
{
    if (!blocks)
        return;
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    VERIFY(frame < (uintptr_t)kernel_stack_guard(blocks) || frame >= (uintptr_t)kernel_stack_top(blocks));
    slot_set(blocks, false);
    kfree(blocks);
}
