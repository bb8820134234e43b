#ifndef SYSCALL_ABI_H
#define SYSCALL_ABI_H

/*
 * The system-call ABI, shared by the kernel and user/ (docs/syscalls.md).
 * int 0x80 with EAX = command, EBX/ECX/EDX = arguments 1-3; the result
 * comes back in EAX, a negative status.h code on failure. These numbers
 * are a contract with every user program: never renumber them.
 */
#define SYSCALL_PRINT 1    /* print(const char* s) -> 0 */
#define SYSCALL_PUTCHAR 3  /* putchar(int c) -> c */
#define SYSCALL_MALLOC 4   /* malloc(size_t n) -> address, or 0 */
#define SYSCALL_FREE 5     /* free(void* p) -> 0 */
#define SYSCALL_GETPID 6   /* getpid() -> pid */
#define SYSCALL_YIELD 7    /* yield() -> 0 */
#define SYSCALL_MEMINFO 8  /* meminfo(struct vana_meminfo* out) -> 0 */
#define SYSCALL_EXIT 9     /* exit(int status), does not return */
#define SYSCALL_MEMMAP 10  /* memmap() -> 0: the kernel prints the caller's mappings */
#define SYSCALL_SPAWN 11   /* spawn(const char* command_line) -> child's pid */
#define SYSCALL_WAIT 12    /* wait(int pid, int* status) -> ended child's pid */

/*
 * The status word wait stores, in POSIX's shape: a child that called
 * exit(c) has (c & 0xff) << 8 and a low byte of 0; a child killed by CPU
 * exception v has a low byte of 0x80 | v (a page fault: 0x8e).
 */
#define VANA_STATUS_EXITED(code) (((code) & 0xff) << 8)
#define VANA_STATUS_KILLED(vector) (0x80 | ((vector) & 0x7f))
#define VANA_WIFEXITED(status) (((status) & 0xff) == 0)
#define VANA_WEXITSTATUS(status) (((status) >> 8) & 0xff)
#define VANA_WIFKILLED(status) (((status) & 0x80) != 0)
#define VANA_WKILLVECTOR(status) ((status) & 0x7f)

/* What SYSCALL_MEMINFO reports; every size is in 4 KiB blocks. */
struct vana_meminfo
{
    unsigned int heap_blocks_total;       /* the kernel heap */
    unsigned int heap_blocks_used;
    unsigned int process_allocations;     /* live malloc blocks of the caller */
    unsigned int process_allocated_blocks;
    unsigned int process_page_tables;     /* page tables the caller owns, directory excluded */
};

#endif
