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
#define SYSCALL_READ 13    /* read(char* buffer, size_t max) -> characters read, at least 1 */
#define SYSCALL_KILL 14    /* kill(int pid) -> 0: ends a child */
#define SYSCALL_PROCESSES 15  /* processes(struct vana_process_info* out, size_t max) -> processes in all */
#define SYSCALL_HEAPINFO 16   /* heapinfo(struct vana_heapinfo* out) -> 0 */
#define SYSCALL_HEAPMAP 17    /* heapmap(unsigned int* owners, size_t first, size_t count) -> entries filled */
#define SYSCALL_DIRECTORY 18  /* directory(int pid, struct vana_directory* out) -> 0 */
#define SYSCALL_MAPPINGS 19   /* mappings(int pid, struct vana_mapping* out, size_t max) -> ranges in all */
#define SYSCALL_TRANSLATE 20  /* translate(int pid, unsigned int address, struct vana_translation* out) -> 0 */
#define SYSCALL_LAST SYSCALL_TRANSLATE

/*
 * The status word wait stores, in POSIX's shape: a child that called
 * exit(c) has (c & 0xff) << 8 and a low byte of 0; a child killed by CPU
 * exception v has a low byte of 0x80 | v (a page fault: 0x8e). A child
 * its parent ended with kill has VANA_STATUS_KILLED(VANA_KILL_VECTOR),
 * 0xff: vector 127 is no CPU exception.
 */
#define VANA_KILL_VECTOR 127
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

/* What SYSCALL_PROCESSES reports of each process, in the order they were created. */
#define VANA_PROCESS_NAME_MAX 64
enum vana_process_state
{
    VANA_PROCESS_READY,    /* runnable, waiting for its turn */
    VANA_PROCESS_RUNNING,  /* the caller itself */
    VANA_PROCESS_BLOCKED,  /* in wait or read */
    VANA_PROCESS_ENDED,    /* ended; its record waits for its parent's wait */
};

struct vana_process_info
{
    int pid;
    int parent;                /* the parent's pid, 0 for none */
    unsigned int state;        /* enum vana_process_state */
    unsigned int held_blocks;  /* heap blocks held on its behalf (its memory limit's measure); 0 once ended */
    char name[VANA_PROCESS_NAME_MAX];
};

/* What SYSCALL_HEAPINFO reports of the kernel heap, in 4 KiB blocks. */
struct vana_heapinfo
{
    unsigned int total_blocks;
    unsigned int used_blocks;
    unsigned int free_blocks;
    unsigned int largest_free_run;  /* the longest run of free blocks: the largest allocation possible */
    unsigned int kernel_blocks;     /* used blocks that no process holds */
    unsigned int process_blocks;    /* blocks processes hold: the sum of their held_blocks */
    unsigned int processes;         /* processes that hold memory (not ended) */
};

/* The owner SYSCALL_HEAPMAP gives a block: free, the kernel's, or a pid. */
#define VANA_OWNER_FREE 0u
#define VANA_OWNER_KERNEL 0xFFFFFFFFu
/* The most entries one heapmap call fills (the caller asks again from first + count). */
#define VANA_HEAPMAP_MAX 4096

/*
 * What SYSCALL_DIRECTORY reports of a process's page directory: the kind
 * of each of its 1,024 entries, and their counts.
 */
enum vana_directory_kind
{
    VANA_DIRECTORY_ABSENT,      /* not present: nothing is mapped in its 4 MiB */
    VANA_DIRECTORY_LARGE_PAGE,  /* a 4 MiB page of the kernel's identity map, no table */
    VANA_DIRECTORY_SHARED,      /* a table shared with the kernel's directory */
    VANA_DIRECTORY_OWNED,       /* a table of the process's own, freed with it */
};

struct vana_directory
{
    unsigned int directory_address;  /* the directory's own (physical) address */
    unsigned int owned_tables;
    unsigned int shared_tables;
    unsigned int large_pages;
    unsigned char kind[1024];        /* enum vana_directory_kind, by directory index */
};

/* A run of user pages with the same rights (SYSCALL_MAPPINGS): [start, end), end 0 for 4 GiB. */
struct vana_mapping
{
    unsigned int start;
    unsigned int end;
    unsigned int flags;  /* the table entries' flags: present, writable, user (src/memory/paging/paging.h) */
};

/*
 * One virtual address walked through a process's directory
 * (SYSCALL_TRANSLATE). The entries are the raw 32-bit words, flags in
 * their low 12 bits (src/memory/paging/paging.h).
 */
struct vana_translation
{
    unsigned int address;
    unsigned int directory_index;  /* address bits 31-22 */
    unsigned int table_index;      /* address bits 21-12 */
    unsigned int offset;           /* address bits 11-0 */
    unsigned int directory_entry;
    unsigned int table_entry;      /* 0 when the directory entry is not present or maps a 4 MiB page */
    unsigned int physical;         /* the address it reaches, 0 when it is not mapped */
};

#endif
