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
void vana_exit(int status) __attribute__((noreturn));
long vana_syscall(long command, long arg1, long arg2, long arg3);

#endif
