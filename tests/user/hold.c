/*
 * hold N KIB: one of N processes that each hold KIB kilobytes at the same
 * time. Allocate, fill, yield while the others do the same, check that the
 * heap held all N allocations at once, verify the pattern, free, exit 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <vana.h>

int main(int argc, char** argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 1;
    size_t bytes = (size_t)(argc > 2 ? atoi(argv[2]) : 1024) * 1024;
    int pid = vana_getpid();

    unsigned char* memory = vana_malloc(bytes);
    if (!memory) {
        printf("hold %d: malloc(%u) failed\n", pid, (unsigned)bytes);
        return 1;
    }
    for (size_t i = 0; i < bytes; i++)
        memory[i] = (unsigned char)(pid + i / 4096);

    /*
     * Everyone allocates on its first turn and frees only after 2N yields,
     * so at some point of this loop all N allocations are live at once:
     * the peak of the kernel heap shows it.
     */
    struct vana_meminfo info;
    unsigned int peak = 0;
    for (int round = 0; round < 2 * count; round++) {
        vana_yield();
        vana_meminfo(&info);
        if (info.heap_blocks_used > peak)
            peak = info.heap_blocks_used;
    }
    int all_held = peak >= (unsigned int)(count * (bytes / 4096));

    size_t bad = 0;
    for (size_t i = 0; i < bytes; i++)
        bad += memory[i] != (unsigned char)(pid + i / 4096);
    int freed = vana_free(memory) == 0;
    printf("hold %d: %u KiB, %u bad bytes, heap peak %u blocks in use (all %d held: %s)\n", pid,
           (unsigned)(bytes / 1024), (unsigned)bad, peak, count, all_held ? "yes" : "no");
    return bad != 0 || !freed || !all_held;
}
