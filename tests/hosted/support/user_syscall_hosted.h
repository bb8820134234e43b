#ifndef USER_SYSCALL_HOSTED_H
#define USER_SYSCALL_HOSTED_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Stand-ins for the system calls user/lib/malloc.c makes (vana_malloc,
 * vana_free, vana_print, vana_exit), so that the library runs on the host.
 *
 * vana_malloc maps each allocation on its own, with an inaccessible page
 * on either side, and vana_free unmaps it: as in the guest, memory the
 * process does not hold cannot be read, so a library that looked at a
 * pointer before knowing it is its own would crash the test. Like the
 * kernel heap, the stand-in holds at most HOSTED_HEAP_BLOCKS blocks, and
 * refuses a free of anything but the start of a live allocation.
 */
#define HOSTED_BLOCK_SIZE 4096
#define HOSTED_HEAP_BLOCKS 25600

/* Kernel blocks and allocations the library holds now. */
size_t hosted_live_blocks(void);
size_t hosted_live_allocations(void);
/* Calls to vana_malloc and vana_free so far (successful or not). */
size_t hosted_malloc_calls(void);
size_t hosted_free_calls(void);
/* vana_free calls the kernel would have refused: always a bug in the library. */
size_t hosted_refused_frees(void);
/* Make the next count calls to vana_malloc fail; the number of failures injected so far. */
void hosted_fail_next_mallocs(size_t count);
size_t hosted_injected_failures(void);

/*
 * vana_exit: when hosted_exit_jump is set, it records the status and
 * longjmps there (with value 1); otherwise it prints the status and aborts.
 */
extern jmp_buf* hosted_exit_jump;
int hosted_exit_status(void);
/* Everything vana_print printed since the last hosted_clear_printed(). */
const char* hosted_printed(void);
void hosted_clear_printed(void);

#endif
