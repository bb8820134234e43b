/*
 * fragment ROLE: one of several processes that fragment the kernel heap
 * together, for make pictures (scripts/pictures.sh). ROLE is short or long.
 *
 *   filled  ALLOCATIONS allocations of 8 to 64 blocks, one per turn, so
 *           that the processes' allocations interleave in the heap;
 *   holes   every other one freed: holes of 8 to 64 blocks between the
 *           other processes' blocks;
 *   then a short process exits, and its remaining blocks become holes too,
 *   while a long one allocates BIG allocations that no hole can take (they
 *   go past everything) and SMALL ones that leftmost fit puts in the first
 *   holes, says "after", and holds on a while before it frees everything.
 *
 * Each phase is announced with a line "fragment PID (ROLE): PHASE", which the
 * capture (scripts/gdb/capture.py) watches for, and followed by yields so
 * that the other processes reach the same phase meanwhile. The system
 * calls are used directly (vana_malloc and vana_free: whole blocks), not
 * the user library's malloc, so that each allocation is exactly the
 * blocks asked for.
 */
#include <stdio.h>
#include <string.h>
#include <vana.h>

#define ALLOCATIONS 40
#define BIG 3
#define BIG_BLOCKS 200
#define SMALL 6
#define SMALL_BLOCKS 4
#define BLOCK 4096
#define HOLD_TURNS 60

static void hold(int turns)
{
    for (int i = 0; i < turns; i++)
        vana_yield();
}

/* Allocate blocks whole blocks and write to each, or exit: the scenario needs every one. */
static void* allocate(int pid, size_t blocks)
{
    char* p = vana_malloc(blocks * BLOCK);
    if (!p) {
        printf("fragment %d: malloc of %u blocks failed\n", pid, (unsigned)blocks);
        vana_exit(1);
    }
    for (size_t b = 0; b < blocks; b++)
        p[b * BLOCK] = (char)pid;
    return p;
}

int main(int argc, char** argv)
{
    int pid = vana_getpid();
    int long_lived = argc > 1 && strcmp(argv[1], "long") == 0;
    const char* role = long_lived ? "long" : "short";
    void* held[ALLOCATIONS];
    void* more[BIG + SMALL];

    for (int i = 0; i < ALLOCATIONS; i++) {
        held[i] = allocate(pid, (size_t)((i * 7 + pid * 3) % 8 + 1) * 8);
        vana_yield();
    }
    printf("fragment %d (%s): filled\n", pid, role);
    hold(HOLD_TURNS);

    for (int i = 0; i < ALLOCATIONS; i += 2)
        vana_free(held[i]);
    printf("fragment %d (%s): holes\n", pid, role);
    hold(HOLD_TURNS);
    if (!long_lived)
        return 0; /* the kernel frees the rest */

    hold(HOLD_TURNS); /* while the short ones end */
    for (int i = 0; i < BIG + SMALL; i++) {
        more[i] = allocate(pid, i < BIG ? BIG_BLOCKS : SMALL_BLOCKS);
        vana_yield();
    }
    printf("fragment %d (%s): after\n", pid, role);
    hold(2 * HOLD_TURNS);

    for (int i = 1; i < ALLOCATIONS; i += 2)
        vana_free(held[i]);
    for (int i = 0; i < BIG + SMALL; i++)
        vana_free(more[i]);
    printf("fragment %d (%s): done\n", pid, role);
    return 0;
}
