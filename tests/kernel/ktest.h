#ifndef KTEST_H
#define KTEST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * In-kernel tests, run on the real machine state when the kernel command
 * line has "ktest". Results go to the console as KTAP (one suite per
 * subsystem, one case per behaviour); the kernel then leaves QEMU with
 * status 1 when all passed and 3 otherwise.
 */
struct ktest_case
{
    const char* name;
    void (*run)(void);
};

struct ktest_suite
{
    const char* name;
    const struct ktest_case* cases;
    size_t count;
};

#define KTEST_SUITE(suite_name, case_array) \
    const struct ktest_suite suite_name = {#suite_name, case_array, sizeof(case_array) / sizeof(case_array[0])}

void ktest_fail(const char* file, int line, const char* expression);

/* KTEST_EXPECT - record a failure of the running case when cond is false; the case goes on. */
#define KTEST_EXPECT(cond)                            \
    do {                                              \
        if (!(cond))                                  \
            ktest_fail(__FILE__, __LINE__, #cond);    \
    } while (0)

int ktest_run_all(void);
void ktest_overflow_kernel_stack(void);
void ktest_double_fault(void);

#endif
