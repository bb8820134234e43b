/*
 * hog HOLD: take memory 1 MiB at a time (system call 4) until the kernel
 * says no, report how much that was, keep it for HOLD yields, then give it
 * back and exit 0. Several at once show the per-process limit and what
 * happens when the heap itself runs out.
 *
 * late WAIT: yield WAIT times (while hogs fill up), then check that it can
 * still allocate and spawn a child, and exit 0.
 */
#include <stdlib.h>
#include <string.h>
#include <vana.h>

#include "check.h"

#define MIB (1024 * 1024)

static int hog(int hold)
{
    static void* held[128];
    int count = 0;
    while (count < 128 && (held[count] = vana_malloc(MIB)) != NULL)
        count++;
    /* Then smaller pieces, down to one block, to reach the limit exactly. */
    int blocks = 0;
    static void* small[256];
    while (blocks < 256 && (small[blocks] = vana_malloc(4096)) != NULL)
        blocks++;
    struct vana_meminfo info;
    CHECK(vana_meminfo(&info) == 0);
    printf("hog %d: refused after %d MiB and %d blocks; holds %u blocks of allocations, %u page tables\n",
           vana_getpid(), count, blocks, info.process_allocated_blocks, info.process_page_tables);
    for (int i = 0; i < hold; i++)
        vana_yield();
    for (int i = 0; i < count; i++)
        CHECK(vana_free(held[i]) == 0);
    for (int i = 0; i < blocks; i++)
        CHECK(vana_free(small[i]) == 0);
    return check_failures();
}

static int late(int wait)
{
    for (int i = 0; i < wait; i++)
        vana_yield();
    void* block = vana_malloc(MIB);
    CHECK(block != NULL);
    int pid = vana_spawn("child.elf exit 0");
    CHECK(pid > 0);
    int status = -1;
    CHECK(vana_wait(pid, &status) == pid && status == 0);
    CHECK(vana_free(block) == 0);
    printf("late: allocated 1 MiB and spawned a child while others sat at their limit: %s\n",
           check_failures() ? "no" : "yes");
    return check_failures();
}

int main(int argc, char** argv)
{
    int number = argc > 1 ? atoi(argv[1]) : 100;
    if (strcmp(argv[0], "late.elf") == 0)
        return late(number);
    return hog(number);
}
