/*
 * fault KIND: do one forbidden thing. The kernel must kill this process
 * with a clear reason and let every other process go on; if the forbidden
 * thing works, say so and exit 1.
 */
#include <stdio.h>
#include <string.h>

static volatile unsigned int sink;

static int __attribute__((noinline)) recurse(int depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth > 1000000)  /* never reached: 512 MiB of stack */
        return 0;
    /* Using the result keeps the call from becoming a loop. */
    return recurse(depth + 1) + frame[0];
}

static void do_fault(const char* kind)
{
    if (strcmp(kind, "read-kernel") == 0)
        sink = *(volatile unsigned int*)0x100000;
    else if (strcmp(kind, "write-kernel") == 0)
        *(volatile unsigned int*)0x100000 = 0;
    else if (strcmp(kind, "write-heap-table") == 0)
        *(volatile unsigned char*)0x7E00 = 0xFF;
    else if (strcmp(kind, "read-vga") == 0)
        sink = *(volatile unsigned short*)0xB8000;
    else if (strcmp(kind, "read-kernel-heap") == 0)
        sink = *(volatile unsigned int*)0x01000000;
    else if (strcmp(kind, "write-text") == 0)
        *(volatile unsigned char*)(void*)do_fault = 0xC3;
    else if (strcmp(kind, "write-arguments") == 0)
        *(volatile unsigned int*)0x3FF000 = 0;
    else if (strcmp(kind, "null") == 0)
        sink = *(volatile unsigned int*)0;
    else if (strcmp(kind, "stack-overflow") == 0)
        sink = (unsigned int)recurse(0);
    else if (strcmp(kind, "jump-kernel") == 0)
        ((void (*)(void))0x100000)();
    else if (strcmp(kind, "int") == 0)
        __asm__ volatile("int $0x21");
    else if (strcmp(kind, "cli") == 0)
        __asm__ volatile("cli");
    else if (strcmp(kind, "io") == 0)
        __asm__ volatile("outb %%al, $0xf4" : : "a"(0));
    else if (strcmp(kind, "fpu") == 0)
        __asm__ volatile("fninit");
    else if (strcmp(kind, "divide") == 0)
        __asm__ volatile("xor %%edx, %%edx; xor %%ecx, %%ecx; div %%ecx" : : "a"(1) : "ecx", "edx");
}

int main(int argc, char** argv)
{
    if (argc < 2) {
        printf("usage: fault KIND\n");
        return 2;
    }
    do_fault(argv[1]);
    printf("fault: %s did not fault\n", argv[1]);
    return 1;
}
