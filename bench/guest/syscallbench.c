/*
 * syscallbench: in-guest timings of the system-call path, in rdtsc cycles
 * (bench/run.sh boots it under QEMU). The first line is the time stamp at
 * main's first instruction: the cycles from the machine's reset to the
 * first user instruction, near enough (crt0 runs a handful before main).
 * With a child.elf module it also times spawn + wait of a minimal child
 * (one that exits at once), from the parent's side.
 */
#include <stdio.h>
#include <vana.h>

#define ROUNDS 7
#define CALLS 2000

static inline unsigned long long cycles(void)
{
    unsigned int low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((unsigned long long)high << 32) | low;
}

int main(void)
{
    unsigned long long first = cycles();
    printf("syscallbench: first user instruction %u million cycles after reset\n", (unsigned)(first / 1000000));

    unsigned long long best = ~0ull;
    for (int round = 0; round < ROUNDS; round++) {
        unsigned long long start = cycles();
        for (int i = 0; i < CALLS; i++)
            vana_getpid();
        unsigned long long spent = (cycles() - start) / CALLS;
        best = spent < best ? spent : best;
    }
    printf("syscallbench: system call round trip (getpid) %u cycles\n", (unsigned)best);

    best = ~0ull;
    for (int round = 0; round < ROUNDS * 4; round++) {
        unsigned long long start = cycles();
        int pid = vana_spawn("child.elf exit 0"), status;
        if (pid < 0 || vana_wait(pid, &status) != pid)
            return 1;
        unsigned long long spent = cycles() - start;
        best = spent < best ? spent : best;
    }
    printf("syscallbench: spawn + wait of a minimal child %u cycles\n", (unsigned)best);
    return 0;
}
