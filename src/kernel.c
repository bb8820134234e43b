/*
 * kernel_main: from the boot loader's hand-off to the first user process.
 *
 * Order matters here. The console comes first so every later step can say
 * what went wrong. The multiboot information is copied out before
 * kheap_init, because QEMU leaves it inside the heap table's range. Paging
 * needs the heap (its tables come from it). Processes need paging.
 */
#include "kernel.h"
#include "panic.h"
#include "boot/bootinfo.h"
#include "config.h"
#include "console/console.h"
#include "console/input.h"
#include "cpu/gdt.h"
#include "cpu/idt.h"
#include "cpu/io.h"
#include "cpu/pic.h"
#include "cpu/pit.h"
#include "cpu/registers.h"
#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "task/process.h"
#include "task/program.h"
#include "task/kernel_stack.h"

#include <stdarg.h>

/* The time stamp counter when kernel_main began: cycles since the machine's reset. */
static uint64_t boot_cycles;

/* Defined in tests/kernel and bench/kernel, which every kernel image links. */
int ktest_run_all(void);
int kernel_bench_run(void);

static void kernel_print_memory_map(void)
{
    const struct boot_info* boot = boot_info_get();
    kprintf("vana: memory map (%zu regions):\n", boot->region_count);
    for (size_t i = 0; i < boot->region_count; i++) {
        const struct boot_memory_region* r = &boot->regions[i];
        kprintf("  %08x%08x-%08x%08x %s\n", (unsigned)(r->start >> 32), (unsigned)r->start,
                (unsigned)((r->start + r->length - 1) >> 32), (unsigned)(r->start + r->length - 1),
                r->type == 1 ? "usable" : "reserved");
    }
}

/*
 * CR0.EM makes every x87 instruction fault (#NM), and with CR4.OSFXSR
 * left clear every SSE instruction faults (#UD). Vana does not save FPU
 * state across task switches, so a program that used it would corrupt
 * another's; this way it is killed instead (Intel SDM vol. 3A, 2.5, 13.1).
 */
static void kernel_fpu_off(void)
{
    cpu_write_cr0((cpu_read_cr0() | CR0_EMULATION) & ~CR0_MONITOR_COPROCESSOR);
}

static void kernel_paging_init(void)
{
    if (paging_create_kernel_directory() < 0 || kernel_stack_init() < 0)
        panic("paging: no memory for the kernel directory");
    struct paging_4gb_chunk* kernel = paging_kernel_directory();
    paging_switch(kernel);
    enable_paging();
    kprintf("vana: paging on: kernel directory at %p identity-maps 4 GiB in 4 MiB pages (%u page tables), "
            "page 0 not present\n",
            (void*)paging_4gb_chunk_get_directory(kernel), (unsigned)paging_owned_tables(kernel));
}

static void kernel_heap_demo(void)
{
    struct heap* heap = kheap_get();
    void* a = kmalloc(100);
    void* b = kzalloc(3 * VANA_HEAP_BLOCK_SIZE);
    void* c = kmalloc(VANA_HEAP_BLOCK_SIZE + 1);
    kprintf("vana: heap demo: kmalloc(100) = %p, kzalloc(12288) = %p, kmalloc(4097) = %p; %zu blocks in use\n",
            a, b, c, heap_blocks_in_use(heap));
    kfree(b);
    void* d = kmalloc(2 * VANA_HEAP_BLOCK_SIZE);
    kprintf("vana: heap demo: after kfree(%p), kmalloc(8192) = %p (leftmost fit reuses the hole)\n", b, d);
    kfree(a);
    kfree(c);
    kfree(d);
    kprintf("vana: heap demo: all freed; %zu blocks in use\n", heap_blocks_in_use(heap));
}

static void kernel_print_heap_usage(void)
{
    struct heap* heap = kheap_get();
    kprintf("vana: kernel heap %zu of %zu blocks in use\n", heap_blocks_in_use(heap), heap->table->total);
}

/* Start the module whose string is command_line; true when it started. */
static bool kernel_start_module(const struct program_module* m, size_t* paging_blocks)
{
    struct process* process;
    if (process_load(m->string, m->data, m->size, &process) < 0)
        return false;
    kprintf("vana: started process %d (%s)\n", process->pid, process->name);
    *paging_blocks += 1 + paging_owned_tables(&process->chunk);
    task_ready(&process->task);
    return true;
}

/*
 * Every module is a program spawn can start. With init=NAME on the command
 * line only the module named NAME starts; otherwise all of them, in order.
 */
static void kernel_start_processes(void)
{
    const struct boot_info* boot = boot_info_get();
    struct heap* heap = kheap_get();
    size_t started = 0, paging_blocks = 0, init_length;
    const char* init = boot_option_value("init", &init_length);

    if (boot->module_count == 0)
        kprintf("vana: no programs to run: pass each program as a multiboot module (QEMU: -initrd \"prog.elf args\")\n");
    program_set_modules(boot->modules, boot->module_count);
    kernel_print_heap_usage();
    size_t heap_before = heap_blocks_in_use(heap);
    if (init) {
        const struct program_module* m = program_find(init, init_length);
        if (!m) {
            kprintf("vana: init: no module is named as the kernel command line's init= says\n");
            task_report_failure();
        } else {
            started += kernel_start_module(m, &paging_blocks);
        }
    } else {
        for (size_t i = 0; i < boot->module_count; i++)
            started += kernel_start_module(&boot->modules[i], &paging_blocks);
    }
    if (started)
        kprintf("vana: %zu processes hold %zu KiB of kernel heap, %zu KiB of it page directories and tables\n",
                started, (heap_blocks_in_use(heap) - heap_before) * VANA_HEAP_BLOCK_SIZE / 1024,
                paging_blocks * VANA_HEAP_BLOCK_SIZE / 1024);
    task_run_scheduler();
    kprintf("vana: all processes have ended\n");
    kernel_print_heap_usage();
}

/**
 * kernel_main - bring the machine up and run the processes; it does not return.
 * @magic: EAX from the boot loader: the multiboot magic number
 * @multiboot_info_address: EBX from the boot loader: the multiboot information
 *
 * The order of the steps is the file comment's. After the processes, the
 * kernel powers off (the "poweroff" command-line word) or idles.
 * Context: boot.asm, once, with interrupts off and paging not yet on.
 */
void kernel_main(unsigned int magic, unsigned int multiboot_info_address)
{
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    boot_cycles = ((uint64_t)high << 32) | low;
    console_init();
    kprintf("Vana: a small x86 kernel around a readable memory manager\n");
    if (boot_info_capture(magic, multiboot_info_address) < 0) {
        kprintf("vana: not started by a multiboot loader (magic 0x%x); halted\n", magic);
        cpu_halt_forever();
    }
    kprintf("vana: command line \"%s\"\n", boot_info_get()->cmdline);
    kprintf("vana: kernel_main began %u million cycles after the machine's reset\n",
            (unsigned)(boot_cycles / 1000000));
    kernel_poweroff_leaves_qemu(boot_option("poweroff") || boot_option("ktest"));
    gdt_init();
    idt_init();
    pic_init();
    kernel_fpu_off();
    kernel_print_memory_map();

    /* The heap must lie in RAM the memory map calls usable: nothing can run without it. */
    uint64_t heap_start = VANA_HEAP_ADDRESS, heap_end = heap_start + VANA_HEAP_SIZE_BYTES;
    if (!boot_memory_is_usable(heap_start, heap_end)) {
        kprintf("vana: not enough memory: the kernel heap needs usable RAM from 0x%08x to 0x%08x "
                "(%u MiB of RAM), but this machine has %u MiB usable, ending at %u MiB\n",
                (unsigned)heap_start, (unsigned)heap_end, (unsigned)(heap_end >> 20),
                (unsigned)(boot_memory_usable_bytes() >> 20), (unsigned)(boot_memory_usable_end() >> 20));
        kprintf("vana: halted; give the machine more memory (QEMU: -m 128)\n");
        kernel_poweroff(false);
    }
    kheap_init((HEAP_BLOCK_TABLE_ENTRY*)VANA_HEAP_TABLE_ADDRESS, (void*)VANA_HEAP_ADDRESS,
               (void*)(uintptr_t)heap_end);
    kprintf("vana: kernel heap 0x%08x-0x%08x (%u blocks of %u bytes), table at 0x%08x-0x%08x\n",
            VANA_HEAP_ADDRESS, VANA_HEAP_ADDRESS + VANA_HEAP_SIZE_BYTES, VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE,
            VANA_HEAP_BLOCK_SIZE, VANA_HEAP_TABLE_ADDRESS,
            VANA_HEAP_TABLE_ADDRESS + VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE);
    if (boot_modules_move_to_heap() < 0)
        kprintf("vana: some modules did not fit in the heap\n");
    kprintf("vana: %zu modules\n", boot_info_get()->module_count);

    kernel_paging_init();
    pit_init(VANA_TIMER_HZ);
    console_input_init();
    kernel_heap_demo();

    if (boot_option("ktest"))
        kernel_poweroff(ktest_run_all() == 0);
    if (boot_option("kbench"))
        kernel_poweroff(kernel_bench_run() == 0);

    kernel_start_processes();
    if (boot_option("poweroff"))
        kernel_poweroff(task_all_succeeded());
    kprintf("vana: idle (no processes left)\n");
    for (;;)
        __asm__ volatile("sti; hlt");
}
