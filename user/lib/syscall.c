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

int vana_read(char* buffer, size_t max)
{
    return (int)vana_syscall(SYSCALL_READ, (long)buffer, (long)max, 0);
}

int vana_kill(int pid)
{
    return (int)vana_syscall(SYSCALL_KILL, pid, 0, 0);
}

int vana_processes(struct vana_process_info* out, size_t max)
{
    return (int)vana_syscall(SYSCALL_PROCESSES, (long)out, (long)max, 0);
}

int vana_heapinfo(struct vana_heapinfo* out)
{
    return (int)vana_syscall(SYSCALL_HEAPINFO, (long)out, 0, 0);
}

int vana_heapmap(unsigned int* owners, size_t first, size_t count)
{
    return (int)vana_syscall(SYSCALL_HEAPMAP, (long)owners, (long)first, (long)count);
}

int vana_directory(int pid, struct vana_directory* out)
{
    return (int)vana_syscall(SYSCALL_DIRECTORY, pid, (long)out, 0);
}

int vana_mappings(int pid, struct vana_mapping* out, size_t max)
{
    return (int)vana_syscall(SYSCALL_MAPPINGS, pid, (long)out, (long)max);
}

int vana_translate(int pid, unsigned int address, struct vana_translation* out)
{
    return (int)vana_syscall(SYSCALL_TRANSLATE, pid, (long)address, (long)out);
}

void vana_exit(int status)
{
    vana_syscall(SYSCALL_EXIT, status, 0, 0);
    for (;;)
        ;
}
