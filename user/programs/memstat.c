/* memstat: what the kernel heap and this process hold, via system calls 8 (meminfo) and 10 (memmap). */
#include <stdio.h>
#include <stdlib.h>
#include <vana.h>

static void report(const char* when)
{
    struct vana_meminfo info;
    if (vana_meminfo(&info) < 0) {
        printf("memstat: meminfo failed\n");
        return;
    }
    printf("memstat (%s): kernel heap %u of %u blocks in use; this process: %u allocations, %u blocks, "
           "%u page tables + 1 directory\n",
           when, info.heap_blocks_used, info.heap_blocks_total, info.process_allocations,
           info.process_allocated_blocks, info.process_page_tables);
}

int main(void)
{
    report("start");
    void* p = malloc(100000);
    report("after malloc(100000)");
    vana_memmap();
    free(p);
    report("after free");
    return 0;
}
