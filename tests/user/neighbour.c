/*
 * neighbour snoop | neighbour holder: can a process read another's memory?
 * Started as "snoop" then "holder". The snoop allocates a block, notes its
 * address and frees it; leftmost fit hands the same block to the holder,
 * which writes a secret there and waits. Then the snoop reads the address:
 * it must be killed, at exactly the address the holder reports.
 */
#include <stdio.h>
#include <string.h>
#include <vana.h>

#define ROUNDS 20

static int snoop(void)
{
    volatile unsigned int* block = vana_malloc(4096);
    printf("neighbour: snoop probe block at %p\n", (void*)block);
    vana_free((void*)block);
    for (int i = 0; i < ROUNDS / 2; i++)
        vana_yield();
    unsigned int value = *block;
    printf("neighbour: snoop read 0x%x from the holder's block\n", value);
    return 1;
}

static int holder(void)
{
    /* Let the snoop allocate and free its block first. */
    for (int i = 0; i < ROUNDS / 4; i++)
        vana_yield();
    volatile unsigned int* block = vana_malloc(4096);
    *block = 0x5EC2E7;
    printf("neighbour: holder secret at %p\n", (void*)block);
    for (int i = 0; i < ROUNDS; i++)
        vana_yield();
    int intact = *block == 0x5EC2E7;
    vana_free((void*)block);
    printf("neighbour: holder secret %s\n", intact ? "intact" : "CHANGED");
    return !intact;
}

int main(int argc, char** argv)
{
    if (argc > 1 && strcmp(argv[1], "holder") == 0)
        return holder();
    return snoop();
}
