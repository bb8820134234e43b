/*
 * Heap benchmark on the wall clock: Vana's heap (heap.c and its free
 * index), the seed's first-fit byte scan (seed_heap.c) and glibc's
 * malloc/free, in one process. Every workload runs the same seeded request
 * sequence on each of them, interleaved (vana, seed, glibc, harness, vana,
 * ...) so that a slow moment of the machine hits all alike, REPEATS times;
 * the best time of each is kept. Run without arguments; prints one line
 * per workload, then a summary.
 *
 * The heaps are the kernel's: 4 KiB blocks, 25,600 of them unless a line
 * says otherwise. Neither block heap ever reads or writes its blocks, so
 * their memory is a range of addresses that is never touched (the kernel
 * heap's own, and beyond it for the larger heaps); only the tables and the
 * index are real. glibc gets real malloc calls of the same byte sizes.
 *
 * Each figure is the time of one malloc plus one free, the harness
 * included, the same for every allocator. The steady workloads are
 * recorded once (their random choices made, on Vana's heap, untimed) and
 * replayed on each allocator: the harness is then a sequential read of
 * the next step and a slot per allocation. The other workloads are loops
 * simple enough to need no recording. The "harness" column is the harness
 * alone, measured with an allocator that does nothing; subtract it to see
 * the heap by itself.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "memory/heap/heap.h"
#include "seed_heap.h"

#define REPEATS 7
#define KERNEL_BLOCKS (VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE)
#define MAX_BLOCKS (4 * KERNEL_BLOCKS)   /* the largest heap measured: 102,400 blocks */
#define HEAP_START ((uintptr_t)VANA_HEAP_ADDRESS)

/* ---- the allocators, behind one interface ---- */

struct subject
{
    const char* name;
    void (*start)(size_t blocks);    /* begin with an empty heap of 'blocks' */
    void* (*allocate)(size_t blocks);
    void (*release)(void* ptr);
};

static HEAP_BLOCK_TABLE_ENTRY table_entries[MAX_BLOCKS];
static uint64_t table_free_map[HEAP_INDEX_WORDS(MAX_BLOCKS)];
static int16_t table_run_prefix[HEAP_INDEX_BITMAP_WORDS(MAX_BLOCKS)];
static uint16_t table_run_suffix[HEAP_INDEX_BITMAP_WORDS(MAX_BLOCKS)];
static int32_t table_run_longest[HEAP_INDEX_BITMAP_WORDS(MAX_BLOCKS)];
static int8_t table_run_fits[HEAP_INDEX_FITS_BYTES(MAX_BLOCKS)];
static struct heap_table table = {
    .entries = table_entries,
    .free_map = table_free_map,
    .run_prefix = table_run_prefix,
    .run_suffix = table_run_suffix,
    .run_longest = table_run_longest,
    .run_fits = table_run_fits,
};
static struct heap vana_heap;
static struct seed_heap seed_heap;

static void fail(const char* what)
{
    fprintf(stderr, "heap_bench: %s\n", what);
    exit(1);
}

static void vana_start(size_t blocks)
{
    table.total = blocks;
    if (heap_create(&vana_heap, (void*)HEAP_START, (void*)(HEAP_START + blocks * VANA_HEAP_BLOCK_SIZE), &table) < 0)
        fail("heap_create refused the heap");
}

static void* vana_allocate(size_t blocks)
{
    return heap_malloc(&vana_heap, blocks * VANA_HEAP_BLOCK_SIZE);
}

static void vana_release(void* ptr)
{
    heap_free(&vana_heap, ptr);
}

static void seed_start(size_t blocks)
{
    table.total = blocks;
    if (seed_heap_create(&seed_heap, (void*)HEAP_START, (void*)(HEAP_START + blocks * VANA_HEAP_BLOCK_SIZE), &table) < 0)
        fail("seed_heap_create refused the heap");
}

static void* seed_allocate(size_t blocks)
{
    return seed_heap_malloc(&seed_heap, blocks * VANA_HEAP_BLOCK_SIZE);
}

static void seed_release(void* ptr)
{
    seed_heap_free(&seed_heap, ptr);
}

static void glibc_start(size_t blocks)
{
    (void)blocks;
}

static void* glibc_allocate(size_t blocks)
{
    return malloc(blocks * VANA_HEAP_BLOCK_SIZE);
}

static void glibc_release(void* ptr)
{
    free(ptr);
}

/* The harness alone: an allocator that hands out one made-up address and keeps nothing. */
static void* nothing_allocate(size_t blocks)
{
    (void)blocks;
    return (void*)HEAP_START;
}

static void nothing_release(void* ptr)
{
    (void)ptr;
}

enum { VANA, SEED, GLIBC, HARNESS, SUBJECTS };
static const struct subject subjects[SUBJECTS] = {
    {"vana", vana_start, vana_allocate, vana_release},
    {"seed", seed_start, seed_allocate, seed_release},
    {"glibc", glibc_start, glibc_allocate, glibc_release},
    {"harness", glibc_start, nothing_allocate, nothing_release},
};

/* ---- the harness ---- */

static uint64_t next_random(uint64_t* state)
{
    /* xorshift64: the same sequence for every allocator and every repetition. */
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* A random index below n, by multiplying instead of dividing: the harness should cost little. */
static size_t random_below(uint64_t* random, size_t n)
{
    return (size_t)(((next_random(random) >> 32) * (uint64_t)n) >> 32);
}

/*
 * Request sizes in blocks: 60% one block, 25% 2-4, 12% 5-32, 3% 33-256.
 * Computed without branches, so that the harness costs every allocator
 * the same few nanoseconds and no mispredicted branch of its own.
 */
static size_t mixed_blocks(uint64_t* random)
{
    static const uint16_t smallest[4] = {1, 2, 5, 33}, choices[4] = {1, 3, 28, 224};
    uint64_t r = next_random(random);
    unsigned percent = (unsigned)(((r & 0xFFFFFFFF) * 100) >> 32);
    unsigned size_class = (percent >= 60) + (percent >= 85) + (percent >= 97);
    return smallest[size_class] + (size_t)(((r >> 32) * choices[size_class]) >> 32);
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* The live allocations, in the order the workload made them, each in a numbered slot. */
struct allocation
{
    void* ptr;
    size_t blocks;
    uint32_t slot;
};
static struct allocation live[MAX_BLOCKS];
static size_t live_count, live_blocks;

/*
 * A recorded workload: allocate 'blocks' into a slot, or (blocks == 0)
 * free what the slot holds. The steady workloads are recorded once and
 * replayed on every allocator, so that what is timed is the allocator's
 * malloc and free and a sequential read of the next step, not the
 * random numbers and list updates that choose the steps.
 */
struct step
{
    uint32_t slot;
    uint32_t blocks;
};
struct trace
{
    struct step* steps;
    size_t count, capacity;
    size_t timed_from;   /* steps before this fill the heap and let it settle, untimed */
    size_t timed_pairs;  /* the timed steps' mallocs and frees, over 2 */
};
static struct trace trace;
static uint32_t free_slots[MAX_BLOCKS];
static size_t free_slot_count;

static void trace_add(uint32_t slot, size_t blocks)
{
    if (trace.count == trace.capacity) {
        trace.capacity = trace.capacity ? 2 * trace.capacity : 1 << 16;
        trace.steps = realloc(trace.steps, trace.capacity * sizeof(*trace.steps));
        if (!trace.steps)
            fail("out of memory for the trace");
    }
    trace.steps[trace.count++] = (struct step){slot, (uint32_t)blocks};
}

static void live_add(void* ptr, size_t blocks)
{
    uint32_t slot = free_slots[--free_slot_count];
    live[live_count++] = (struct allocation){ptr, blocks, slot};
    live_blocks += blocks;
    trace_add(slot, blocks);
}

static void live_release(const struct subject* s, size_t index)
{
    s->release(live[index].ptr);
    trace_add(live[index].slot, 0);
    free_slots[free_slot_count++] = live[index].slot;
    live_blocks -= live[index].blocks;
    live[index] = live[--live_count];
}

/* Forget the live list and the trace, and number every slot free again. */
static void live_reset(void)
{
    live_count = live_blocks = 0;
    trace.count = trace.timed_from = trace.timed_pairs = 0;
    for (size_t i = 0; i < MAX_BLOCKS; i++)
        free_slots[i] = (uint32_t)(MAX_BLOCKS - 1 - i);
    free_slot_count = MAX_BLOCKS;
}

/*
 * Free what is left, untimed. Return a fingerprint of where everything
 * was placed, so that the block heaps can be shown to have placed alike.
 */
static uint64_t live_release_all(const struct subject* s)
{
    uint64_t fingerprint = 0;
    for (size_t i = 0; i < live_count; i++) {
        fingerprint = fingerprint * 31 + (uintptr_t)live[i].ptr;
        s->release(live[i].ptr);
    }
    live_reset();
    return fingerprint;
}

struct result
{
    double ns;            /* the timed part */
    size_t pairs;         /* malloc+free pairs in it */
    size_t failures;      /* allocations that returned NULL */
    uint64_t fingerprint; /* placement, for vana against the seed */
};

/*
 * One step of the steady state: free random live allocations until a new
 * one of mixed size fits under the level, then allocate it. Returns the
 * mallocs and frees it made. A failed allocation is recorded too, so
 * that a replay asks for it again, and then a free of its slot, so that
 * an allocator that does not fail (glibc) gives it back; the block heaps
 * skip that free, as their slot holds NULL.
 */
static size_t steady_step(const struct subject* s, uint64_t* random, size_t level)
{
    size_t blocks = mixed_blocks(random), calls = 1;
    for (; live_count > 0 && live_blocks + blocks > level; calls++)
        live_release(s, random_below(random, live_count));
    void* ptr = s->allocate(blocks);
    if (ptr) {
        live_add(ptr, blocks);
    } else {
        trace_add(free_slots[free_slot_count - 1], blocks);
        trace_add(free_slots[free_slot_count - 1], 0);
    }
    return calls;
}

/*
 * Record the steady state at 'percent' occupancy, running it on Vana's
 * heap: fill the heap to that level with mixed sizes, run as many steps
 * again so that the holes settle into their steady pattern (both
 * untimed), then 'operations' steps to time. Random frees leave holes
 * everywhere, and leftmost fit refills those near the start first. Every
 * allocator replays the same steps; the seed's, placing alike, fails
 * where Vana's failed, and the benchmark checks that it does.
 */
static void record_steady(size_t heap_blocks, unsigned percent, size_t operations)
{
    const struct subject* recorder = &subjects[VANA];
    uint64_t random = 0x9E3779B97F4A7C15ull;
    size_t level = heap_blocks * percent / 100;

    live_reset();
    recorder->start(heap_blocks);
    for (;;) {
        size_t blocks = mixed_blocks(&random);
        if (live_blocks + blocks > level)
            break;
        void* ptr = recorder->allocate(blocks);
        if (!ptr)
            fail("the fill before a steady workload failed");
        live_add(ptr, blocks);
    }
    for (size_t op = 0; op < operations; op++)
        steady_step(recorder, &random, level);
    trace.timed_from = trace.count;
    size_t calls = 0;
    for (size_t op = 0; op < operations; op++)
        calls += steady_step(recorder, &random, level);
    trace.timed_pairs = calls / 2;
    for (size_t i = 0; i < live_count; i++)
        recorder->release(live[i].ptr);
}

/* Replay steps [first, last) of the trace on s; return the allocations that failed. */
static size_t replay(const struct subject* s, void** slots, size_t first, size_t last)
{
    size_t failures = 0;
    for (size_t i = first; i < last; i++) {
        struct step step = trace.steps[i];
        if (step.blocks) {
            void* ptr = s->allocate(step.blocks);
            slots[step.slot] = ptr;
            failures += ptr == NULL;
        } else if (slots[step.slot]) {
            s->release(slots[step.slot]);
            slots[step.slot] = NULL;
        }
    }
    return failures;
}

/* The recorded steady state on s: the timed steps' malloc+free pairs. */
static struct result steady(const struct subject* s, size_t heap_blocks)
{
    static void* slots[MAX_BLOCKS];
    struct result r = {0};

    s->start(heap_blocks);
    memset(slots, 0, sizeof(slots));
    replay(s, slots, 0, trace.timed_from);
    double start = now_ns();
    r.failures = replay(s, slots, trace.timed_from, trace.count);
    r.ns = now_ns() - start;
    r.pairs = trace.timed_pairs;
    for (size_t i = 0; i < MAX_BLOCKS; i++) {
        if (slots[i]) {
            r.fingerprint = r.fingerprint * 31 + (uintptr_t)slots[i] + i;
            s->release(slots[i]);
        }
    }
    return r;
}

/* Fill-and-drain: one-block allocations until the heap is full, then free them all in random order. */
static struct result fill_and_drain(const struct subject* s, size_t heap_blocks, size_t unused)
{
    static size_t order[MAX_BLOCKS];
    uint64_t random = 0xF111D1A1ull;
    struct result r = {0};
    (void)unused;

    for (size_t i = 0; i < heap_blocks; i++)
        order[i] = i;
    for (size_t i = heap_blocks - 1; i > 0; i--) {
        size_t j = random_below(&random, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }

    s->start(heap_blocks);
    double start = now_ns();
    for (size_t i = 0; i < heap_blocks; i++) {
        void* ptr = s->allocate(1);
        if (!ptr)
            fail("fill-and-drain: the heap filled early");
        live[i] = (struct allocation){ptr, 1, 0};
    }
    for (size_t i = 0; i < heap_blocks; i++)
        s->release(live[order[i]].ptr);
    r.ns = now_ns() - start;
    r.pairs = heap_blocks;
    for (size_t i = 0; i < heap_blocks; i++)
        r.fingerprint = r.fingerprint * 31 + (uintptr_t)live[i].ptr;
    return r;
}

/*
 * The index's worst case, and the seed's best: malloc and free of one
 * block at the front of an empty heap. Taking block 0 changes the run
 * bytes of word 0 and the fits of its neighbour, and giving it back
 * changes them again; the seed's scan stops at block 0, a single
 * well-predicted branch.
 */
static struct result front_block(const struct subject* s, size_t heap_blocks, size_t operations)
{
    struct result r = {0};

    s->start(heap_blocks);
    double start = now_ns();
    for (size_t op = 0; op < operations; op++) {
        void* ptr = s->allocate(1);
        if (!ptr)
            fail("front block: the heap is empty, yet full");
        s->release(ptr);
        r.fingerprint += (uintptr_t)ptr;
    }
    r.ns = now_ns() - start;
    r.pairs = operations;
    return r;
}

/*
 * A pattern the seed handles badly: every other block taken up to 90% of
 * the heap, the rest free. In turn, a one-block request (it takes the
 * first hole, and its free puts it back) and a two-block request, which no
 * hole fits: the seed scans past all 11,520 holes, the index compares
 * their words' fits bytes eight at a time (lone free blocks count in no
 * fits byte at all).
 */
static struct result checkerboard(const struct subject* s, size_t heap_blocks, size_t operations)
{
    size_t holes_end = heap_blocks / 10 * 9;
    struct result r = {0};

    live_reset();
    s->start(heap_blocks);
    for (size_t i = 0; i < holes_end; i++) {
        void* ptr = s->allocate(1);
        if (!ptr)
            fail("checkerboard: the fill failed");
        live_add(ptr, 1);
    }
    size_t kept = 0;   /* free the even ones; the live list keeps the odd ones */
    for (size_t i = 0; i < holes_end; i++) {
        if (i % 2 == 0)
            s->release(live[i].ptr);
        else
            live[kept++] = live[i];
    }
    live_count = live_blocks = kept;

    double start = now_ns();
    for (size_t op = 0; op < operations; op++) {
        void* ptr = s->allocate(op % 2 ? 2 : 1);
        if (!ptr) {
            r.failures++;
            continue;
        }
        r.fingerprint = r.fingerprint * 31 + (uintptr_t)ptr;
        s->release(ptr);
    }
    r.ns = now_ns() - start;
    r.pairs = operations;
    live_release_all(s);
    return r;
}

/* ---- running and reporting ---- */

struct workload
{
    const char* label;
    struct result (*run)(const struct subject* s, size_t heap_blocks, size_t operations);
    size_t heap_blocks;
    size_t operations;
    unsigned percent;   /* steady workloads only */
};

static const struct workload workloads[] = {
    {"steady 50%", NULL, KERNEL_BLOCKS, 40000, 50},
    {"steady 90%", NULL, KERNEL_BLOCKS, 40000, 90},
    {"fill-and-drain", fill_and_drain, KERNEL_BLOCKS, 0, 0},
    {"worst case: one block at the front", front_block, KERNEL_BLOCKS, 200000, 0},
    {"checkerboard, 1 and 2 blocks", checkerboard, KERNEL_BLOCKS, 4000, 0},
    {"steady 90%", NULL, KERNEL_BLOCKS / 4, 40000, 90},
    {"steady 90%", NULL, KERNEL_BLOCKS * 4, 20000, 90},
};
#define WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static struct result run_workload(const struct workload* w, const struct subject* s)
{
    if (w->percent)
        return steady(s, w->heap_blocks);
    return w->run(s, w->heap_blocks, w->operations);
}

/*
 * The seed's time over Vana's with the harness's own time taken from both:
 * the ratio of the two heaps' malloc and free alone. The harness is timed
 * in the same interleaved runs, so the subtraction carries the same noise.
 */
static double heaps_only_ratio(const double best[SUBJECTS])
{
    return (best[SEED] - best[HARNESS]) / (best[VANA] - best[HARNESS]);
}

int main(void)
{
    double best[WORKLOADS][SUBJECTS];
    size_t failures[WORKLOADS][SUBJECTS];

    free(malloc(1));   /* let glibc set itself up outside the measurement */
    printf("heap: wall clock, best of %d interleaved runs; ns per malloc+free pair, harness included\n",
           REPEATS);
    printf("%-35s %7s %9s %9s %9s %8s %10s %10s %10s %9s\n", "workload", "blocks", "vana", "seed", "glibc",
           "harness", "seed/vana", "(heaps)", "glibc/vana", "failures");

    for (size_t w = 0; w < WORKLOADS; w++) {
        for (size_t s = 0; s < SUBJECTS; s++)
            best[w][s] = 1e300;
        if (workloads[w].percent)
            record_steady(workloads[w].heap_blocks, workloads[w].percent, workloads[w].operations);
        for (int repeat = 0; repeat < REPEATS; repeat++) {
            uint64_t placed[SUBJECTS];
            for (size_t s = 0; s < SUBJECTS; s++) {
                struct result r = run_workload(&workloads[w], &subjects[s]);
                double per_pair = r.ns / (double)r.pairs;
                if (per_pair < best[w][s])
                    best[w][s] = per_pair;
                failures[w][s] = r.failures;
                placed[s] = r.fingerprint;
            }
            if (placed[VANA] != placed[SEED] || failures[w][VANA] != failures[w][SEED])
                fail("vana and the seed placed differently: leftmost fit is broken");
        }
        char failed[32];
        snprintf(failed, sizeof(failed), "%zu/%zu", failures[w][VANA], failures[w][GLIBC]);
        printf("%-35s %7zu %9.1f %9.1f %9.1f %8.1f %9.1fx %9.1fx %9.2fx %9s\n", workloads[w].label,
               workloads[w].heap_blocks, best[w][VANA], best[w][SEED], best[w][GLIBC], best[w][HARNESS],
               best[w][SEED] / best[w][VANA], heaps_only_ratio(best[w]), best[w][GLIBC] / best[w][VANA], failed);
        fflush(stdout);
    }

    printf("\n");
    for (size_t w = 0; w < WORKLOADS; w++) {
        double ratio = best[w][SEED] / best[w][VANA], alone = heaps_only_ratio(best[w]);
        printf("heap %s (%zu blocks): vana %.3f us, seed %.3f us per pair: %.1fx %s; heaps alone %.1fx %s\n",
               workloads[w].label, workloads[w].heap_blocks, best[w][VANA] / 1000, best[w][SEED] / 1000,
               ratio >= 1 ? ratio : 1 / ratio, ratio >= 1 ? "faster" : "SLOWER", alone >= 1 ? alone : 1 / alone,
               alone >= 1 ? "faster" : "SLOWER");
    }
    printf("(heaps: seed/vana with the harness column taken from both, the heaps' own malloc and free.)\n");
    printf("(failures: allocations that returned NULL, block heaps/glibc. Vana and the seed placed\n"
           " every allocation at the same address in every run, or the benchmark would have stopped.)\n");
    return 0;
}
