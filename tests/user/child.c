/*
 * child MODE: what family.c spawns.
 *   exit N          exit with status N
 *   fault           dereference NULL at once
 *   args A B        check argv is the spawn line's words, exit 0
 *   wait            yield a few times, exit 0 (so many are alive at once)
 *   sleep N         yield N times, exit 0
 *   allocate SEED   random allocations, each filled and checked, exit 0
 *   fault-after SEED  allocate, then fault
 */
#include <stdlib.h>
#include <string.h>
#include <vana.h>

#include "check.h"

static void allocate(unsigned int seed)
{
    static unsigned char* held[16];
    for (int i = 0; i < 16; i++) {
        seed = seed * 1103515245 + 12345;
        size_t size = 1 + (seed >> 8) % (i % 4 == 0 ? 20000 : 300);
        held[i] = malloc(size);
        CHECK(held[i] != NULL);
        if (held[i])
            memset(held[i], i, size);
    }
    for (int i = 0; i < 16; i += 2)
        free(held[i]);
}

int main(int argc, char** argv)
{
    const char* mode = argc > 1 ? argv[1] : "exit";
    int number = argc > 2 ? atoi(argv[2]) : 0;
    if (strcmp(mode, "exit") == 0)
        return number;
    if (strcmp(mode, "fault") == 0)
        return *(volatile int*)0;
    if (strcmp(mode, "args") == 0) {
        CHECK(argc == 4 && strcmp(argv[0], "child.elf") == 0 && strcmp(argv[2], "one") == 0 &&
              strcmp(argv[3], "two") == 0 && argv[4] == NULL);
        return check_failures();
    }
    if (strcmp(mode, "wait") == 0 || strcmp(mode, "sleep") == 0) {
        for (int i = 0; i < (number ? number : 3); i++)
            vana_yield();
        return 0;
    }
    if (strcmp(mode, "allocate") == 0 || strcmp(mode, "fault-after") == 0) {
        allocate((unsigned int)number);
        if (mode[0] == 'f')
            return *(volatile int*)0;
        return check_failures();
    }
    return 99;
}
