/*
 * family MODE: spawn and wait, checked from the parent's side.
 *   basic    children that exit, fault and print; every status word,
 *            argv, wait(-1) and wait(pid), bad arguments to both calls
 *   many N   N children alive at once, then waited for
 *   churn W N [SEED]  W waves of N children each doing random allocations,
 *            one in ten killed by a page fault; the heap is back after each wave
 *   orphans  children that outlive their parent (the parent exits first)
 *   run PROG ARGS  spawn PROG ARGS, say how many cycles the spawn call
 *            took (the kernel loads the program with interrupts off), wait
 *            for it, and exit with its exit status
 */
#include <stdlib.h>
#include <string.h>
#include <vana.h>

#include "check.h"
#include "status.h"

static void basic(void)
{
    int status = -1;
    int pid = vana_spawn("child.elf exit 7");
    CHECK(pid > 0);
    CHECK(vana_wait(pid, &status) == pid);
    CHECK(VANA_WIFEXITED(status) && VANA_WEXITSTATUS(status) == 7 && status == 7 << 8);

    pid = vana_spawn("child.elf fault");
    CHECK(vana_wait(-1, &status) == pid);
    CHECK(VANA_WIFKILLED(status) && VANA_WKILLVECTOR(status) == 14 && status == 0x8e);

    pid = vana_spawn("child.elf args one two");
    CHECK(vana_wait(pid, NULL) == pid);

    /* A bad status pointer: -EFAULT, and the child is still there for a correct retry. */
    pid = vana_spawn("child.elf exit 3");
    CHECK(vana_wait(pid, (int*)0x100000) == -EFAULT);
    CHECK(vana_wait(pid, (int*)0x3FF000) == -EFAULT);  /* the read-only argument page */
    CHECK(vana_wait(pid, &status) == pid && VANA_WEXITSTATUS(status) == 3);

    CHECK(vana_wait(-1, &status) == -ECHILD);
    CHECK(vana_wait(pid, &status) == -ECHILD);
    CHECK(vana_wait(12345, &status) == -ECHILD);
    CHECK(vana_wait(0, &status) == -EINVARG);
    CHECK(vana_wait(-2, &status) == -EINVARG);

    CHECK(vana_spawn("no-such-program") == -ENOENT);
    CHECK(vana_spawn("") == -ENOENT);
    CHECK(vana_spawn((const char*)0x100000) == -EFAULT);
    CHECK(vana_spawn(NULL) == -EFAULT);
    static char line[5000];
    memset(line, 'a', sizeof(line) - 1);
    memcpy(line, "child.elf ", 10);
    CHECK(vana_spawn(line) == -E2BIG);   /* over 4,095 characters */
    line[4000] = '\0';
    for (int i = 10; i < 4000; i += 2)
        line[i] = ' ';
    CHECK(vana_spawn(line) == -E2BIG);   /* fits the bound, but not its argv in one page */
    CHECK(vana_spawn("bad.elf") == -ENOEXEC);
}

static void many(int count)
{
    static int pids[2000];
    int started = 0;
    for (int i = 0; i < count && i < 2000; i++) {
        pids[i] = vana_spawn("child.elf wait");
        if (pids[i] < 0)
            break;
        started++;
    }
    CHECK(started == count);
    printf("family: %d children alive at once\n", started);
    int reaped = 0, status;
    for (int i = started - 1; i >= 0; i--)
        reaped += vana_wait(pids[i], &status) == pids[i] && status == 0;
    CHECK(reaped == started);
    printf("family: %d children waited for, all exited 0\n", reaped);
}

static void churn(int waves, int per_wave, unsigned int seed)
{
    struct vana_meminfo before, after;
    int killed = 0, exited = 0;
    for (int wave = 0; wave < waves; wave++) {
        CHECK(vana_meminfo(&before) == 0);
        char line[64];
        int expected_killed = 0;
        for (int i = 0; i < per_wave; i++) {
            seed = seed * 1103515245 + 12345;
            int fault = (seed >> 16) % 10 == 0;
            expected_killed += fault;
            snprintf(line, sizeof(line), "child.elf %s %u", fault ? "fault-after" : "allocate", seed >> 8);
            CHECK(vana_spawn(line) > 0);
        }
        int status, pid;
        int wave_killed = 0;
        while ((pid = vana_wait(-1, &status)) > 0) {
            if (VANA_WIFKILLED(status)) {
                CHECK(status == 0x8e);
                wave_killed++;
            } else {
                CHECK(status == 0);
                exited++;
            }
        }
        CHECK(pid == -ECHILD);
        CHECK(wave_killed == expected_killed);
        killed += wave_killed;
        CHECK(vana_meminfo(&after) == 0);
        CHECK(after.heap_blocks_used == before.heap_blocks_used);
    }
    printf("family: churn of %d children: %d exited, %d killed, heap back after every wave\n", waves * per_wave,
           exited, killed);
}

static void orphans(void)
{
    CHECK(vana_spawn("child.elf sleep 50") > 0);
    CHECK(vana_spawn("child.elf exit 0") > 0);
    for (int i = 0; i < 5; i++)
        vana_yield();
    /* Exit with one child ended and not waited for, and one still running. */
}

static inline unsigned long long cycles(void)
{
    unsigned int low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((unsigned long long)high << 32) | low;
}

static int run(int argc, char** argv)
{
    static char line[512];
    line[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (strlen(line) + strlen(argv[i]) + 2 > sizeof(line))
            return 2;
        strcat(line, argv[i]);
        strcat(line, " ");
    }
    unsigned long long start = cycles();
    int pid = vana_spawn(line), status = -1;
    unsigned long long spent = cycles() - start;
    CHECK(pid > 0);
    printf("family: spawn of %s took %u million cycles\n", argv[0], (unsigned)(spent / 1000000));
    CHECK(vana_wait(pid, &status) == pid && VANA_WIFEXITED(status));
    return check_failures() ? 1 : VANA_WEXITSTATUS(status);
}

int main(int argc, char** argv)
{
    const char* mode = argc > 1 ? argv[1] : "basic";
    if (strcmp(mode, "basic") == 0)
        basic();
    else if (strcmp(mode, "many") == 0)
        many(argc > 2 ? atoi(argv[2]) : 100);
    else if (strcmp(mode, "churn") == 0)
        churn(argc > 2 ? atoi(argv[2]) : 10, argc > 3 ? atoi(argv[3]) : 100,
              argc > 4 ? (unsigned int)atoi(argv[4]) : 12345);
    else if (strcmp(mode, "orphans") == 0)
        orphans();
    else if (strcmp(mode, "run") == 0 && argc > 2)
        return run(argc - 2, argv + 2);
    printf("family %s: %d failures\n", mode, check_failures());
    return check_failures();
}
