#ifndef PROCESS_H
#define PROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "memory/paging/paging.h"
#include "task.h"

#define PROCESS_NAME_MAX 64

/*
 * A user program and everything it holds. All of it comes from the kernel
 * heap and goes back to it in process_destroy.
 */
struct process
{
    int pid;
    char name[PROCESS_NAME_MAX];
    struct paging_4gb_chunk chunk;  /* its page directory: shares the kernel's tables where it can */
    void* image;                         /* the program's pages, mapped from VANA_PROGRAM_VIRTUAL_ADDRESS */
    void* stack;                         /* VANA_USER_PROGRAM_STACK_SIZE bytes below the arguments */
    void* arguments;                     /* argc/argv page at VANA_PROGRAM_ARGUMENTS_ADDRESS */
    /*
     * process_malloc's allocations need no list: each is a heap allocation
     * mapped user-writable at its own address in this directory, which no
     * other memory is (docs/memory.md, "A process").
     */
    size_t allocation_count;
    size_t allocated_blocks;
    size_t fixed_blocks;  /* record, directory, image, stack, arguments, kernel stack: set once loaded */
    /*
     * The family: a parent that spawned this process (NULL for a boot
     * module, or once the parent has ended), and the children it spawned,
     * each linked through its sibling field. A child that ended keeps only
     * this record, with ended and status set, until the parent waits for it.
     */
    struct process* parent;
    struct process* children;
    struct process* sibling;
    size_t ended_children;  /* children whose records wait for this process's wait */
    int wait_for;  /* while blocked in wait: the pid waited for, or -1 for any child */
    bool ended;
    int status;    /* the status word (abi.h) once ended */
    struct task task;
    /* Every process with a pid, in the order they were created, until its record is freed. */
    struct process* list_next;
    struct process* list_prev;
};

int process_create(const char* command_line, const void* program, size_t size, struct process** out,
                   const char** reason);
int process_load(const char* command_line, const void* program, size_t size, struct process** out);
void process_destroy(struct process* process);
void process_free_record(struct process* process);
struct process* process_list_first(void);
struct process* process_find(int pid);
void process_release_memory(struct process* process);
size_t process_held_blocks(struct process* process);

/* spawn.c: the life cycle */
int process_spawn(struct process* parent, const void* user_command_line);
int process_wait(struct process* parent, int pid, void* user_status);
int process_kill(struct process* parent, int pid);
void process_end(struct process* process);
struct process* process_current(void);

void* process_malloc(struct process* process, size_t size);
int process_free(struct process* process, void* ptr);

int process_check_user(struct process* process, const void* ptr, size_t size, bool write);
int process_copy_string_from_user(struct process* process, const void* user, char* buffer, size_t size);
size_t process_allocated_blocks(const struct process* process);
void process_report_memory(struct process* process);

/* process_input.c: system call 13 */
int process_read_console(struct process* process, void* user_buffer, size_t max);
void process_console_input_arrived(void);

/* process_view.c and heap_view.c: the views of system calls 15-20 */
int process_view_list(struct process* caller, void* user_out, size_t max);
int process_view_directory(struct process* caller, int pid, void* user_out);
int process_view_mappings(struct process* caller, int pid, void* user_out, size_t max);
int process_view_translate(struct process* caller, int pid, uint32_t address, void* user_out);
int heap_view_info(struct process* caller, void* user_out);
int heap_view_owners(struct process* caller, void* user_owners, size_t first, size_t count);

#endif
