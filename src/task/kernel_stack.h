#ifndef KERNEL_STACK_H
#define KERNEL_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "memory/paging/paging.h"

/*
 * Where tasks use their kernel stacks (docs/memory.md, "Kernel stacks"):
 * one slot per kernel heap block, from KERNEL_STACK_REGION_START. Slot i
 * belongs to the stack whose first heap block is block i: a guard page,
 * never present, then the stack's blocks mapped again, supervisor-only and
 * writable. 25600 slots of 12 KiB: 300 MiB, 0xC0000000-0xD2BFFFFF, where
 * a 128 MiB PC has neither RAM nor devices, and where no process ever maps
 * a user page, so every directory shares the kernel's tables there.
 */
#define KERNEL_STACK_REGION_START 0xC0000000u
#define KERNEL_STACK_GUARD_SIZE PAGING_PAGE_SIZE
#define KERNEL_STACK_SLOT_SIZE (KERNEL_STACK_GUARD_SIZE + VANA_TASK_KERNEL_STACK_SIZE)
#define KERNEL_STACK_SLOT_COUNT (VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE)
#define KERNEL_STACK_REGION_END (KERNEL_STACK_REGION_START + KERNEL_STACK_SLOT_COUNT * KERNEL_STACK_SLOT_SIZE)

int kernel_stack_init(void);
void* kernel_stack_create(void);
void kernel_stack_destroy(void* blocks);
char* kernel_stack_guard(const void* blocks);
char* kernel_stack_base(const void* blocks);
char* kernel_stack_top(const void* blocks);
bool kernel_stack_guard_contains(const void* blocks, uintptr_t address);

#endif
