#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

/*
 * For test programs that check themselves: CHECK prints what failed, and
 * main returns check_failures() so the kernel's exit line carries the verdict.
 */
static int check_failed_count;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            printf("CHECK FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
            check_failed_count++;                                                     \
        }                                                                             \
    } while (0)

static inline int check_failures(void)
{
    return check_failed_count;
}

#endif
