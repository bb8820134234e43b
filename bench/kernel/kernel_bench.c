/*
 * In-guest benchmarks of the kernel's memory manager, run when the kernel
 * command line has "kbench" (bench/run.sh boots it under QEMU). Each figure
 * is the best of several rounds, in rdtsc cycles, and each baseline is
 * measured in the same boot, interleaved with what it is compared to.
 * Results are lines "kbench: NAME: ..." on the console.
 */
#include "kernel_bench.h"

#include <stdbool.h>

#include "config.h"
#include "console/console.h"
#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "task/process.h"

#define ROUNDS 7
#define PAIRS 200

/* A flat binary that spins: jmp $. The smallest program there is. */
static const unsigned char spin[] = {0xEB, 0xFE};

static inline uint64_t cycles(void)
{
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}

/* xorshift32: the same holes on every run. */
static uint32_t random_next(uint32_t* state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/*
 * Fill the heap with one-block allocations until about `live` blocks are
 * left in use after freeing one in sixteen at random (holes near the start,
 * where every search begins), keeping the rest chained through their first
 * words. Returns the chain.
 */
static void* heap_fill_with_holes(size_t live)
{
    void* chain = NULL;
    uint32_t state = 0x5EED;
    while (heap_blocks_in_use(kheap_get()) < live + live / 15) {
        void* block = kmalloc(1);
        if (!block)
            break;
        *(void**)block = chain;
        chain = block;
    }
    /* Free every block whose random draw says so, relinking the rest. */
    void** link = &chain;
    while (*link) {
        void* block = *link;
        if (random_next(&state) % 16 == 0) {
            *link = *(void**)block;
            kfree(block);
        } else {
            link = (void**)block;
        }
    }
    return chain;
}

static void heap_drain(void* chain)
{
    while (chain) {
        void* next = *(void**)chain;
        kfree(chain);
        chain = next;
    }
}

/* The best of ROUNDS timings of body, in cycles per call of it. */
#define BEST_OF_ROUNDS(best, calls, body)                                   \
    do {                                                                   \
        for (int round = 0; round < ROUNDS; round++) {                     \
            uint64_t start = cycles();                                     \
            body;                                                          \
            uint64_t spent = (cycles() - start) / (calls);                 \
            best = spent < best ? spent : best;                            \
        }                                                                  \
    } while (0)

/*
 * Cycles per kmalloc(1) + kfree and per process_malloc + process_free
 * with about `live` blocks in use, two ways: PAIRS allocations then their
 * frees (a batch: most come from past the holes, where an allocation
 * updates the index's tree), and one allocation freed at once (a pair:
 * always the leftmost hole). Printed when report.
 */
static void bench_malloc_at(size_t live, struct process* process, bool report)
{
    void* chain = heap_fill_with_holes(live);
    size_t in_use = heap_blocks_in_use(kheap_get());
    uint64_t kernel_batch = UINT64_MAX, kernel_pair = UINT64_MAX;
    uint64_t process_batch = UINT64_MAX, process_pair = UINT64_MAX;
    static void* held[PAIRS];

    BEST_OF_ROUNDS(kernel_batch, PAIRS, {
        for (int i = 0; i < PAIRS; i++)
            held[i] = kmalloc(1);
        for (int i = 0; i < PAIRS; i++)
            kfree(held[i]);
    });
    BEST_OF_ROUNDS(kernel_pair, PAIRS, {
        for (int i = 0; i < PAIRS; i++)
            kfree(kmalloc(1));
    });
    BEST_OF_ROUNDS(process_batch, PAIRS, {
        for (int i = 0; i < PAIRS; i++)
            held[i] = process_malloc(process, 1);
        for (int i = 0; i < PAIRS; i++)
            process_free(process, held[i]);
    });
    BEST_OF_ROUNDS(process_pair, PAIRS, {
        for (int i = 0; i < PAIRS; i++)
            process_free(process, process_malloc(process, 1));
    });
    if (report)
        kprintf("kbench: malloc at %zu live blocks: kmalloc+kfree %u (batch) %u (pair) cycles, "
                "process_malloc+process_free %u (batch) %u (pair) cycles\n",
                in_use, (unsigned)kernel_batch, (unsigned)kernel_pair, (unsigned)process_batch,
                (unsigned)process_pair);
    heap_drain(chain);
}

/* Create and destroy a minimal process, against the seed's full 4 GiB directory per process. */
static void bench_process_cost(void)
{
    uint64_t best_vana = UINT64_MAX, best_seed = UINT64_MAX;
    size_t vana_blocks = 0, seed_blocks = 0;

    for (int round = 0; round < ROUNDS; round++) {
        size_t before = heap_blocks_in_use(kheap_get());
        uint64_t start = cycles();
        struct process* process = NULL;
        if (process_load("spin.bin", spin, sizeof(spin), &process) < 0)
            return;
        vana_blocks = heap_blocks_in_use(kheap_get()) - before;
        process_destroy(process);
        uint64_t spent = cycles() - start;
        best_vana = spent < best_vana ? spent : best_vana;

        before = heap_blocks_in_use(kheap_get());
        start = cycles();
        struct paging_4gb_chunk* chunk = paging_new_4gb(PAGING_IS_PRESENT | PAGING_IS_WRITEABLE | PAGING_ACCESS_FROM_ALL);
        if (!chunk)
            return;
        seed_blocks = heap_blocks_in_use(kheap_get()) - before;
        paging_free_4gb(chunk);
        spent = cycles() - start;
        best_seed = spent < best_seed ? spent : best_seed;
    }
    kprintf("kbench: process create+destroy: vana %u cycles (%zu KiB), seed's 4 GiB directory alone %u cycles "
            "(%zu KiB): %u.%02ux faster\n",
            (unsigned)best_vana, vana_blocks * 4, (unsigned)best_seed, seed_blocks * 4,
            (unsigned)(best_seed / best_vana), (unsigned)(best_seed * 100 / best_vana % 100));
}

/*
 * kernel_bench_run - print every in-kernel benchmark line.
 * Return: 0, or -1 when a benchmark could not run (no memory).
 * Context: at boot, before any process runs, heap otherwise idle.
 */
int kernel_bench_run(void)
{
    bench_process_cost();
    struct process* process = NULL;
    if (process_load("holder.bin", spin, sizeof(spin), &process) < 0)
        return -1;
    static const size_t live[] = {1000, 6000, 12000, 24000};
    /* A first, unreported pass: QEMU translates each code path the first time it runs. */
    bench_malloc_at(live[0], process, false);
    for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++)
        bench_malloc_at(live[i], process, true);
    process_destroy(process);
    kprintf("kbench: done\n");
    return 0;
}
