/*
 * holes BLOCKS [ROUNDS]: take BLOCKS heap blocks one system call each,
 * give every other one back, so the heap is left with holes one block
 * wide, and keep the rest while giving the CPU away ROUNDS times (default
 * 1,000,000: long enough to look at it from vsh, and to kill it); then
 * free everything and exit. In vsh: `run holes 64 &`, then `heap 1`, `mem`
 * (the fragmentation) and `kill`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <vana.h>

#define MAX_BLOCKS 4096

static void* blocks[MAX_BLOCKS];

int main(int argc, char** argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 64;
    int rounds = argc > 2 ? atoi(argv[2]) : 1000000;
    if (count < 0 || count > MAX_BLOCKS) {
        printf("holes: BLOCKS is 0 to %d\n", MAX_BLOCKS);
        return 1;
    }
    int taken = 0;
    while (taken < count && (blocks[taken] = vana_malloc(4096)) != NULL)
        taken++;
    for (int i = 0; i < taken; i += 2) {
        vana_free(blocks[i]);
        blocks[i] = NULL;
    }
    printf("holes: took %d blocks, gave back every other one, holding %d\n", taken, taken / 2);
    for (int i = 0; i < rounds; i++)
        vana_yield();
    for (int i = 1; i < taken; i += 2)
        vana_free(blocks[i]);
    printf("holes: all freed\n");
    return 0;
}
