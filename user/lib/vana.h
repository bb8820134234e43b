#ifndef VANA_H
#define VANA_H

#include <stddef.h>

#include "syscall/abi.h"

/*
 * The system calls, one function each (docs/syscalls.md). They return what
 * the kernel returns: a negative status.h code on failure.
 */
int vana_print(const char* s);
int vana_putchar(int c);
void* vana_malloc(size_t size);
int vana_free(void* ptr);
int vana_getpid(void);
int vana_yield(void);
int vana_meminfo(struct vana_meminfo* info);
int vana_memmap(void);
int vana_spawn(const char* command_line);
int vana_wait(int pid, int* status);
int vana_read(char* buffer, size_t max);
int vana_kill(int pid);
int vana_processes(struct vana_process_info* out, size_t max);
int vana_heapinfo(struct vana_heapinfo* out);
int vana_heapmap(unsigned int* owners, size_t first, size_t count);
int vana_directory(int pid, struct vana_directory* out);
int vana_mappings(int pid, struct vana_mapping* out, size_t max);
int vana_translate(int pid, unsigned int address, struct vana_translation* out);
void vana_exit(int status) __attribute__((noreturn));
long vana_syscall(long command, long arg1, long arg2, long arg3);

#endif
