/*
 * mallocbench: the user malloc (user/lib/malloc.c) against one system call
 * per malloc, in the guest, on the time-stamp counter.
 *
 *   - Pairs: malloc of a random size from 16 to 256 bytes, one byte
 *     written, free; with the library, and with vana_malloc/vana_free
 *     directly (one system call each, a whole block per object).
 *   - The same with 1,000 objects live: each step frees a random one and
 *     allocates a new one in its place.
 *   - Space: 100,000 live 32-byte objects, and the kernel blocks the
 *     process holds for them (meminfo: its allocated blocks, its page
 *     tables and its directory).
 *
 * Each figure is the best of ROUNDS rounds, the library's and the
 * baseline's rounds interleaved, so that both see the same machine.
 * Under QEMU (TCG) the counter runs at the host's rate: cycles here are
 * host cycles spent emulating, the time a user waits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <vana.h>

#define ROUNDS 7
#define LIBRARY_PAIRS 4000
#define SYSCALL_PAIRS 100
#define LIVE 1000
#define MANY 100000
#define MANY_SIZE 32
#define BLOCK_SIZE 4096

static inline uint64_t rdtsc(void)
{
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return (uint64_t)high << 32 | low;
}

static uint32_t random_state = 2024;

static uint32_t random_next(void)
{
    random_state = random_state * 1103515245u + 12345u;
    return random_state >> 8;
}

/* The sizes and victims of a round, drawn before the clock starts. */
static uint16_t sizes[LIBRARY_PAIRS];
static uint16_t victims[LIBRARY_PAIRS];

static void draw(void)
{
    for (int i = 0; i < LIBRARY_PAIRS; i++) {
        sizes[i] = (uint16_t)(16 + random_next() % 241);
        victims[i] = (uint16_t)(random_next() % LIVE);
    }
}

/*
 * The two allocators, as macros so that each timed loop calls malloc and
 * free (or the system calls) directly, with nothing in between.
 */
#define LIBRARY_MALLOC(size) malloc(size)
#define LIBRARY_FREE(ptr) free(ptr)
#define KERNEL_MALLOC(size) vana_malloc(size)
#define KERNEL_FREE(ptr) vana_free(ptr)

static void __attribute__((noreturn)) out_of_memory(size_t size)
{
    printf("mallocbench: malloc(%u) failed\n", (unsigned)size);
    exit(1);
}

/* Cycles per malloc/free pair over PAIRS pairs, nothing else live. */
#define TIME_PAIRS(name, MALLOC, FREE)                                   \
    static uint64_t name(int pairs)                                      \
    {                                                                    \
        uint64_t start = rdtsc();                                        \
        for (int i = 0; i < pairs; i++) {                                \
            volatile char* p = MALLOC(sizes[i]);                         \
            if (!p)                                                      \
                out_of_memory(sizes[i]);                                 \
            p[0] = 1;                                                    \
            FREE((void*)p);                                              \
        }                                                                \
        return (rdtsc() - start) / (uint64_t)pairs;                      \
    }

/* Cycles per free/malloc pair with LIVE objects live. */
#define TIME_REPLACEMENTS(name, MALLOC, FREE)                            \
    static uint64_t name(int pairs)                                      \
    {                                                                    \
        static void* live[LIVE];                                         \
        for (int i = 0; i < LIVE; i++)                                   \
            if (!(live[i] = MALLOC(16 + random_next() % 241)))           \
                out_of_memory(256);                                      \
        uint64_t start = rdtsc();                                        \
        for (int i = 0; i < pairs; i++) {                                \
            FREE(live[victims[i]]);                                      \
            char* p = MALLOC(sizes[i]);                                  \
            if (!p)                                                      \
                out_of_memory(sizes[i]);                                 \
            p[0] = 1;                                                    \
            live[victims[i]] = p;                                        \
        }                                                                \
        uint64_t cycles = (rdtsc() - start) / (uint64_t)pairs;           \
        for (int i = 0; i < LIVE; i++)                                   \
            FREE(live[i]);                                               \
        return cycles;                                                   \
    }

TIME_PAIRS(library_pairs, LIBRARY_MALLOC, LIBRARY_FREE)
TIME_PAIRS(syscall_pairs, KERNEL_MALLOC, KERNEL_FREE)
TIME_REPLACEMENTS(library_replacements, LIBRARY_MALLOC, LIBRARY_FREE)
TIME_REPLACEMENTS(syscall_replacements, KERNEL_MALLOC, KERNEL_FREE)

static uint64_t best(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static void report(const char* what, uint64_t library_cycles, uint64_t syscall_cycles)
{
    printf("mallocbench: %s: library %u cycles, syscall-per-malloc %u cycles: %ux\n", what,
           (unsigned)library_cycles, (unsigned)syscall_cycles,
           (unsigned)(syscall_cycles / (library_cycles ? library_cycles : 1)));
}

/* "3.4" for 3,400,000 bytes: megabytes with one decimal. */
static void megabytes(char* out, size_t size, unsigned bytes)
{
    snprintf(out, size, "%u.%u", bytes / 1000000, bytes / 100000 % 10);
}

static void measure_space(void)
{
    static char* objects[MANY];   /* in .bss, not from malloc: only the objects are counted */
    struct vana_meminfo info;

    malloc_trim(0);
    for (int i = 0; i < MANY; i++) {
        objects[i] = malloc(MANY_SIZE);
        if (!objects[i]) {
            printf("mallocbench: malloc(%d) number %d failed\n", MANY_SIZE, i);
            exit(1);
        }
        objects[i][0] = 1;
    }
    if (vana_meminfo(&info) < 0) {
        printf("mallocbench: meminfo failed\n");
        exit(1);
    }
    unsigned asked = MANY * MANY_SIZE;
    unsigned held = (info.process_allocated_blocks + info.process_page_tables + 1) * BLOCK_SIZE;
    char held_text[16], asked_text[16];
    megabytes(held_text, sizeof(held_text), held);
    megabytes(asked_text, sizeof(asked_text), asked);
    printf("mallocbench: %d x %d bytes: held %s MB for %s MB asked: %u%% (%u blocks, %u page tables, 1 directory)\n",
           MANY, MANY_SIZE, held_text, asked_text, (unsigned)((uint64_t)held * 100 / asked),
           info.process_allocated_blocks, info.process_page_tables);
    for (int i = 0; i < MANY; i++)
        free(objects[i]);
    malloc_trim(0);
}

int main(void)
{
    uint64_t pairs_library = UINT64_MAX, pairs_syscall = UINT64_MAX;
    uint64_t live_library = UINT64_MAX, live_syscall = UINT64_MAX;

    for (int round = 0; round < ROUNDS; round++) {
        draw();
        pairs_library = best(pairs_library, library_pairs(LIBRARY_PAIRS));
        pairs_syscall = best(pairs_syscall, syscall_pairs(SYSCALL_PAIRS));
        live_library = best(live_library, library_replacements(LIBRARY_PAIRS));
        live_syscall = best(live_syscall, syscall_replacements(SYSCALL_PAIRS));
    }
    report("16-256 byte pairs", pairs_library, pairs_syscall);
    report("16-256 byte pairs, 1000 live", live_library, live_syscall);
    measure_space();
    return 0;
}
