/* The KTAP runner for the in-kernel tests (KTAP version 1, as KUnit prints it). */
#include "ktest.h"
#include "memory/heap/kheap.h"
#include "boot/bootinfo.h"
#include "console/console.h"

#include <stdint.h>

extern const struct ktest_suite boot_ktest, console_ktest, cpu_ktest, heap_ktest, paging_ktest, process_ktest,
    task_ktest;

static const struct ktest_suite* const suites[] = {&boot_ktest,   &console_ktest, &cpu_ktest, &heap_ktest,
                                                   &paging_ktest, &process_ktest, &task_ktest};

static bool case_failed;

void ktest_fail(const char* file, int line, const char* expression)
{
    kprintf("        # %s:%d: expected %s\n", file, line, expression);
    case_failed = true;
}

static bool ktest_run_suite(const struct ktest_suite* suite, size_t number)
{
    size_t failures = 0;

    kprintf("    KTAP version 1\n    # Subtest: %s\n    1..%zu\n", suite->name, suite->count);
    for (size_t i = 0; i < suite->count; i++) {
        case_failed = false;
        suite->cases[i].run();
        kprintf("    %sok %zu %s\n", case_failed ? "not " : "", i + 1, suite->cases[i].name);
        failures += case_failed;
    }
    kprintf("%sok %zu %s\n", failures ? "not " : "", number, suite->name);
    return failures == 0;
}

/*
 * ktest_run_all - run every suite. Return: the number of suites that failed.
 * With "ktest-panic" on the command line, first dereference NULL in kernel
 * mode instead, so tests/kernel/run.sh can see what a kernel fault prints;
 * with "ktest-stack-overflow" or "ktest-double-fault", overflow a task's
 * kernel stack or cause another double fault instead (task_ktest.c), to
 * see the double-fault task report it; with "ktest-write-after-free",
 * write to a freed block, which the debug heap (make DEBUG=1) reports.
 */
int ktest_run_all(void)
{
    if (boot_option("ktest-panic")) {
        kprintf("ktest: reading address 0 in kernel mode\n");
        return (int)*(volatile uint32_t*)0;
    }
    if (boot_option("ktest-stack-overflow")) {
        ktest_overflow_kernel_stack();
        return 1;  /* reached only if the overflow went unnoticed */
    }
    if (boot_option("ktest-double-fault")) {
        ktest_double_fault();
        return 1;
    }
    if (boot_option("ktest-write-after-free")) {
        /* Leftmost fit hands the same block out again; the debug heap must see the write. */
        char* block = kmalloc(1);
        kfree(block);
        kprintf("ktest: writing to %p after freeing it\n", (void*)block);
        block[100] = 1;
        kfree(kmalloc(1));
        return 1;  /* reached only if the write went unnoticed */
    }

    size_t count = sizeof(suites) / sizeof(suites[0]);
    int failed = 0;

    kprintf("KTAP version 1\n1..%zu\n", count);
    for (size_t i = 0; i < count; i++)
        failed += !ktest_run_suite(suites[i], i + 1);
    return failed;
}
