#ifndef CONFIG_H
#define CONFIG_H

/*
 * Vana's build-time configuration. The first block is the seed's contract
 * (docs/memory.md): tests, tools and user programs rely on these exact values.
 */
#define VANA_HEAP_SIZE_BYTES 104857600
#define VANA_HEAP_BLOCK_SIZE 4096
#define VANA_HEAP_ADDRESS 0x01000000
#define VANA_HEAP_TABLE_ADDRESS 0x00007E00
#define VANA_PROGRAM_VIRTUAL_ADDRESS 0x400000
#define VANA_USER_PROGRAM_STACK_SIZE (1024 * 16)
#define VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_START 0x3FF000

/* The stack grows down from VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_START; this is its lowest byte. */
#define VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_END \
    (VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_START - VANA_USER_PROGRAM_STACK_SIZE)

/*
 * The one page between the top of the stack and the program holds argc/argv,
 * read-only to the program. Program segments must end below the kernel heap,
 * whose blocks process_malloc maps into processes at their own addresses.
 */
#define VANA_PROGRAM_ARGUMENTS_ADDRESS VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_START
#define VANA_PROGRAM_VIRTUAL_ADDRESS_END VANA_HEAP_ADDRESS

/* Timer frequency for preemption: one time slice is one tick. */
#define VANA_TIMER_HZ 100

/* Kernel stack of each task, in heap blocks. */
#define VANA_TASK_KERNEL_STACK_SIZE (2 * VANA_HEAP_BLOCK_SIZE)

/*
 * Longest command line a program may be started with, terminator not
 * included (a module's string). A longer one is refused: "command line too long".
 */
#define VANA_MAX_COMMAND_LINE 4095

/*
 * The most heap one process may hold: its allocations, image, stack,
 * argument page, page tables and directory, kernel stack and record, and
 * the records of its ended children (process_held_blocks).
 */
#define VANA_PROCESS_MEMORY_LIMIT (32 * 1024 * 1024)

/*
 * Heap blocks user allocations and spawn never take: what the kernel keeps
 * for its own work (1 MiB). Ending, waiting for and tearing down processes
 * allocate nothing, so they work however full the heap is.
 */
#define VANA_KERNEL_HEAP_RESERVE_BLOCKS 256

/* Longest string one print system call accepts, terminator included. */
#define VANA_MAX_PRINT_LENGTH 4096

#endif
