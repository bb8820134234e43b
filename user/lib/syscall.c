/* System-call wrappers: int 0x80 with the command in EAX and arguments in EBX, ECX, EDX. */
#include "vana.h"

long vana_syscall(long command, long arg1, long arg2, long arg3)
{
    long result;
    __asm__ volatile("int $0x80" : "=a"(result) : "a"(command), "b"(arg1), "c"(arg2), "d"(arg3) : "memory");
    return result;
}

int vana_print(const char* s)
{
    return (int)vana_syscall(SYSCALL_PRINT, (long)s, 0, 0);
}

int vana_putchar(int c)
{
    return (int)vana_syscall(SYSCALL_PUTCHAR, c, 0, 0);
}

void* vana_malloc(size_t size)
{
    return (void*)vana_syscall(SYSCALL_MALLOC, (long)size, 0, 0);
}

int vana_free(void* ptr)
{
    return (int)vana_syscall(SYSCALL_FREE, (long)ptr, 0, 0);
}

int vana_getpid(void)
{
    return (int)vana_syscall(SYSCALL_GETPID, 0, 0, 0);
}

int vana_yield(void)
{
    return (int)vana_syscall(SYSCALL_YIELD, 0, 0, 0);
}

int vana_meminfo(struct vana_meminfo* info)
{
    return (int)vana_syscall(SYSCALL_MEMINFO, (long)info, 0, 0);
}

int vana_memmap(void)
{
    return (int)vana_syscall(SYSCALL_MEMMAP, 0, 0, 0);
}

int vana_spawn(const char* command_line)
{
    return (int)vana_syscall(SYSCALL_SPAWN, (long)command_line, 0, 0);
}

int vana_wait(int pid, int* status)
{
    return (int)vana_syscall(SYSCALL_WAIT, pid, (long)status, 0);
}

void vana_exit(int status)
{
    vana_syscall(SYSCALL_EXIT, status, 0, 0);
    for (;;)
        ;
}
