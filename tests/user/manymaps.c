/*
 * manymaps BLOCKS: hold up to BLOCKS one-block allocations (fewer when the
 * kernel's per-process limit refuses more) of which every other one is
 * freed again, so the process has half as many separate mappings, then ask
 * the kernel for its memory map. The kernel prints a bounded
 * report (docs/syscalls.md, memmap); the cycles the call took are printed
 * for the record. `ticker` runs beside it to show the machine goes on.
 */
#include <stdlib.h>
#include <vana.h>

#include "check.h"

static inline unsigned long long cycles(void)
{
    unsigned int low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((unsigned long long)high << 32) | low;
}

int main(int argc, char** argv)
{
    int blocks = argc > 1 ? atoi(argv[1]) : 20000;
    static void* held[32768];
    if (blocks > 32768)
        blocks = 32768;

    int got = 0;
    while (got < blocks && (held[got] = vana_malloc(1)) != NULL)
        got++;
    CHECK(got > 8000);  /* 32 MiB of blocks, less what the process holds besides */
    for (int i = 0; i < got; i += 2)
        CHECK(vana_free(held[i]) == 0);

    unsigned long long start = cycles();
    CHECK(vana_memmap() == 0);
    unsigned long long spent = cycles() - start;
    printf("manymaps: memmap of %d mappings took %u million cycles\n", got / 2, (unsigned)(spent / 1000000));

    for (int i = 1; i < got; i += 2)
        CHECK(vana_free(held[i]) == 0);
    return check_failures();
}
