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

/*
 * IRET from ring 3 with EFLAGS.VM set and CS = 0: a real CPU ignores VM
 * below CPL 0 and faults on the null CS, but QEMU's emulator enters
 * virtual-8086 mode at linear address 0, and the next fault arrives with
 * CS = 0 in its frame, which once made the kernel take it for its own.
 * The frame: EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS (Intel SDM vol. 3A, 20.2).
 */
static void iret_to_virtual_8086(void)
{
    __asm__ volatile("push $0; push $0; push $0; push $0\n\t"  /* GS, FS, DS, ES */
                     "push $0; push $0x1000\n\t"             /* SS, ESP */
                     "push $0x20202\n\t"                     /* EFLAGS: VM, IF, reserved bit 1 */
                     "push $0; push $0\n\t"                  /* CS, EIP */
                     "iret");
}

/*
 * Load DS with LDT selectors (TI = 1, RPL 3). With a null LDTR each one
 * faults; with LDTR left at its reset value (base 0) they would name bytes
 * of kernel memory as descriptors, and loading one writes its accessed bit.
 */
static void load_ldt_selectors(void)
{
    for (unsigned int selector = 0x0F; selector < 0x10000; selector += 8)
        __asm__ volatile("mov %0, %%ds; mov %1, %%ds" : : "r"(selector), "r"(0x23u));
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
    else if (strcmp(kind, "vm86") == 0)
        iret_to_virtual_8086();
    else if (strcmp(kind, "ldt") == 0)
        load_ldt_selectors();
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
