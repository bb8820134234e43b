/*
 * malloc, free, calloc and realloc for user programs.
 *
 * The kernel hands out memory only in whole 4 KiB blocks (system call 4,
 * given back with system call 5), and each call costs thousands of cycles.
 * So this file asks the kernel for spans of blocks and divides them
 * itself:
 *
 *   - A small request, 1 to 2048 bytes, is rounded up to one of 24 size
 *     classes: 16 to 128 in steps of 16, then four classes per power of
 *     two (160, 192, 224, 256, 320, ... 1792, 2048). Objects of one class
 *     come from runs: spans of 1 to 4 blocks (the fewest that waste at
 *     most an eighth on header and tail) that start with a header and a
 *     bitmap of the slots in use, followed by the slots. Nothing is
 *     stored next to an object, so a 32-byte object costs 32 bytes and a
 *     bit: 126 of them fit in one block.
 *   - A larger request gets a span of its own: a 16-byte header, then the
 *     object.
 *
 *   a run of the 32-byte class (one block, 4 KiB aligned):
 *
 *   +-------------+------------+--------+--------+--------+-----+----------+------+
 *   | span header | run fields | bitmap | slot 0 | slot 1 | ... | slot 125 | tail |
 *   +-------------+------------+--------+--------+--------+-----+----------+------+
 *   ^ span                              ^ run->first_slot, a multiple of 16
 *
 * Every pointer malloc returns is 16-byte aligned: spans are 4 KiB
 * aligned, slots start at a multiple of 16 and every class is a multiple
 * of 16, and a large object starts 16 bytes into its span.
 *
 * A run whose last object is freed goes back to the kernel, unless it is
 * the only run of its class with a free slot: the class's next malloc
 * would need it again at once, and a loop of malloc and free would call
 * the kernel every time. So each class keeps at most one empty run, and
 * malloc_trim() gives those back too.
 *
 * free must not trust a pointer before it knows the pointer is its own: a
 * program may pass anything, and most of the kernel heap's range belongs to
 * other processes or is not mapped at all, so reading a header at a wrong
 * address would end the program with a page fault instead of a message.
 * So every span the library holds is listed, with its length, in the span
 * table, sorted by address, and free finds the span that contains the
 * pointer by binary search in that table (or in a small cache of recent
 * answers in front of it) before it reads any header. Anything that is
 * not the start of a live object (outside every span, in a run's header
 * or tail, inside an object, a slot already free) ends the program with
 * one line and MALLOC_ABORT_STATUS:
 *
 *   malloc: free of 0x<address> that malloc did not return
 *
 * A double free reads the same, since after the first free the pointer is
 * no longer one that malloc returned. It is caught whenever the slot is
 * still free or its span is gone; if the memory was handed out again in
 * the meantime, the second free frees the new object, as in any malloc.
 * A span header the program wrote over is reported as heap corruption.
 *
 * User programs are single-threaded, so nothing here is locked.
 */
#include "stdlib.h"
#include "stdio.h"
#include "string.h"
#include "vana.h"

#include <stdbool.h>
#include <stdint.h>

#define BLOCK_SIZE 4096
#define SPAN_MAGIC 0x4e415053u   /* "SPAN" */
#define LARGE_HEADER 16          /* bytes before a large object: its span header */
#define SMALL_MAX 2048           /* the largest class */
#define LARGE_MAX 0x40000000u    /* 1 GiB, ten times the kernel heap: block counts and sums cannot wrap */
#define CLASS_COUNT 24
#define LARGE CLASS_COUNT        /* the class of a large span */
#define RUN_MAX_BLOCKS 8
#define RUN_MAX_WASTE 8          /* a run wastes at most 1/8 of itself on header and tail */
#define SLOT_ALIGN 16
#define BITS_PER_WORD 32
#define LOOKUP_CACHE_SIZE 64     /* pages whose span free remembers */

/* At the start of every span: what the library knows about it. */
struct span
{
    uint32_t magic;        /* SPAN_MAGIC while the library holds the span */
    uint32_t blocks;       /* kernel blocks it covers (the span table's copy is the one trusted) */
    uint32_t class_index;  /* the size class of a run, or LARGE */
    uint32_t in_use;       /* runs: slots handed out */
};
_Static_assert(sizeof(struct span) == LARGE_HEADER, "a large object starts right after its span header");

/* A span divided into slots of one size class. */
struct run
{
    struct span span;
    struct run* next;       /* in its class's list of runs with a free slot */
    struct run* prev;
    uint32_t slot_size;
    uint32_t slot_reciprocal;  /* 2^32 / slot_size, rounded up: division by a multiplication */
    uint32_t slots;
    uint32_t first_slot;    /* offset of slot 0 from the run's start */
    uint32_t search_from;   /* every bitmap word before this one is full */
    uint32_t bitmap[];      /* bit i set: slot i is in use; bits past the last slot are set */
};

/* One entry per span the library holds; the table is sorted by start. */
struct span_entry
{
    uintptr_t start;
    size_t blocks;
};

static const uint16_t class_sizes[CLASS_COUNT] = {
    16,  32,  48,  64,  80,  96,  112, 128,    /* steps of 16 */
    160, 192, 224, 256, 320, 384, 448, 512,    /* then four per power of two */
    640, 768, 896, 1024, 1280, 1536, 1792, 2048,
};

/* Per class, the runs with a free slot: malloc takes from the first. Full runs are in no list. */
static struct run* available[CLASS_COUNT];

/* The span table lives in blocks of its own, grown by doubling. */
static struct span_entry* span_table;
static size_t span_count;
static size_t span_capacity;
static size_t span_table_blocks;

/* Print "malloc: <before>0x<address><after>" and end the program. */
static void __attribute__((noreturn)) malloc_abort(const char* before, const void* address, const char* after)
{
    char line[128];
    snprintf(line, sizeof(line), "malloc: %s0x%lx%s\n", before, (unsigned long)(uintptr_t)address, after);
    vana_print(line);
    vana_exit(MALLOC_ABORT_STATUS);
}

static void __attribute__((noreturn)) bad_pointer(const char* call, const void* ptr)
{
    malloc_abort(call, ptr, " that malloc did not return");
}

static void __attribute__((noreturn)) heap_corrupted(const struct span* span)
{
    malloc_abort("heap corrupted: the header of the span at ", span, " was overwritten");
}

/*
 * The class of a small request (1 <= size <= SMALL_MAX). Up to 128 bytes
 * the classes are 16 apart. Above, with n = size - 1 and 2^top <= n, the
 * class is the top three bits of n rounded up: four classes per power of two.
 */
static unsigned class_index_of(size_t size)
{
    if (size <= 128)
        return (unsigned)((size + 15) / 16 - 1);
    unsigned n = (unsigned)(size - 1);
    unsigned top = 31 - (unsigned)__builtin_clz(n);   /* 7 to 10 */
    return 8 + (top - 7) * 4 + (n >> (top - 2)) - 4;
}

/* ---- the span table ---------------------------------------------------- */

/* How many spans in the table start at or below address: a binary search. */
static size_t span_table_count_up_to(uintptr_t address)
{
    size_t low = 0, high = span_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (span_table[middle].start <= address)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

/*
 * Pages looked up lately and the spans that hold them: a direct-mapped
 * cache in front of the span table, so that most frees need no search.
 * An entry's tag is its page number plus one (0: empty).
 */
struct lookup_entry
{
    uintptr_t tag;
    struct span* span;
};

static struct lookup_entry lookup_cache[LOOKUP_CACHE_SIZE];

/* The span containing address, from the span table; NULL when none does. */
static struct span* __attribute__((noinline)) span_search(uintptr_t address)
{
    size_t below = span_table_count_up_to(address);
    if (below == 0)
        return NULL;
    const struct span_entry* entry = &span_table[below - 1];
    if (address - entry->start >= entry->blocks * BLOCK_SIZE)
        return NULL;
    return (struct span*)entry->start;
}

/* The span containing ptr, or NULL when the library holds none. Reads only memory the library owns. */
static inline struct span* span_of(const void* ptr)
{
    uintptr_t page = (uintptr_t)ptr / BLOCK_SIZE;
    struct lookup_entry* cached = &lookup_cache[page % LOOKUP_CACHE_SIZE];
    if (cached->tag != page + 1) {
        struct span* found = span_search((uintptr_t)ptr);
        if (!found)
            return NULL;
        cached->tag = page + 1;
        cached->span = found;
    }

    /* Ours, so mapped and readable; but the program may have written over it. */
    struct span* span = cached->span;
    if (span->magic != SPAN_MAGIC || span->class_index > LARGE)
        heap_corrupted(span);
    return span;
}

/* Forget the cached pages of span, which is going back to the kernel. */
static void lookup_cache_forget(const struct span* span)
{
    for (size_t i = 0; i < LOOKUP_CACHE_SIZE; i++)
        if (lookup_cache[i].span == span)
            lookup_cache[i] = (struct lookup_entry){0, NULL};
}

/* Make room for one more entry. Return: 0, or -1 when the kernel has no memory (the table is unchanged). */
static int span_table_reserve(void)
{
    if (span_count < span_capacity)
        return 0;
    size_t blocks = span_table_blocks ? 2 * span_table_blocks : 1;
    struct span_entry* grown = vana_malloc(blocks * BLOCK_SIZE);
    if (!grown)
        return -1;
    if (span_table) {
        memcpy(grown, span_table, span_count * sizeof(*span_table));
        if (vana_free(span_table) < 0)
            malloc_abort("the kernel refused to free the span table at ", span_table, "");
    }
    span_table = grown;
    span_table_blocks = blocks;
    span_capacity = blocks * BLOCK_SIZE / sizeof(*span_table);
    return 0;
}

/* Add span to the table, in order. Room must have been reserved. */
static void span_table_insert(struct span* span)
{
    size_t index = span_table_count_up_to((uintptr_t)span);
    memmove(&span_table[index + 1], &span_table[index], (span_count - index) * sizeof(*span_table));
    span_table[index] = (struct span_entry){(uintptr_t)span, span->blocks};
    span_count++;
}

static void span_table_remove(const struct span* span)
{
    size_t below = span_table_count_up_to((uintptr_t)span);
    if (below == 0 || span_table[below - 1].start != (uintptr_t)span)
        malloc_abort("span table: no entry for the span at ", span, "");
    if (span_table[below - 1].blocks != span->blocks)
        heap_corrupted(span);
    size_t index = below - 1;
    memmove(&span_table[index], &span_table[index + 1], (span_count - index - 1) * sizeof(*span_table));
    span_count--;
}

/* ---- spans: blocks from the kernel ------------------------------------- */

/* A new span of blocks (zeroed by the kernel) for class_index, listed in the span table; NULL when memory is short. */
static struct span* span_new(size_t blocks, uint32_t class_index)
{
    if (span_table_reserve() < 0)
        return NULL;
    struct span* span = vana_malloc(blocks * BLOCK_SIZE);
    if (!span)
        return NULL;
    if ((uintptr_t)span % BLOCK_SIZE != 0)
        malloc_abort("the kernel returned an unaligned block at ", span, "");
    span->magic = SPAN_MAGIC;
    span->blocks = (uint32_t)blocks;
    span->class_index = class_index;
    span->in_use = 0;
    span_table_insert(span);
    return span;
}

/* Take span out of the table and give its blocks back to the kernel. */
static void span_release(struct span* span)
{
    span_table_remove(span);
    lookup_cache_forget(span);
    span->magic = 0;
    if (vana_free(span) < 0)
        malloc_abort("the kernel refused to free the span at ", span, "");
}

/* ---- runs: spans divided into slots of one class ----------------------- */

/* How many slots of slot_size fit in a run of blocks, after the header and bitmap; the offset of slot 0 in *first_slot. */
static uint32_t run_slots(uint32_t slot_size, uint32_t blocks, uint32_t* first_slot)
{
    uint32_t bytes = blocks * BLOCK_SIZE;
    uint32_t header = (uint32_t)sizeof(struct run);
    uint32_t slots = (bytes - header) / slot_size;

    for (;;) {
        uint32_t words = (slots + BITS_PER_WORD - 1) / BITS_PER_WORD;
        uint32_t first = (header + words * 4 + SLOT_ALIGN - 1) / SLOT_ALIGN * SLOT_ALIGN;
        if (first + slots * slot_size <= bytes) {
            *first_slot = first;
            return slots;
        }
        slots--;
    }
}

/* The fewest blocks (up to RUN_MAX_BLOCKS) for a run of slot_size that wastes at most 1/RUN_MAX_WASTE of itself. */
static uint32_t run_blocks_for(uint32_t slot_size)
{
    uint32_t blocks, first_slot;
    for (blocks = 1; blocks < RUN_MAX_BLOCKS; blocks++) {
        uint32_t used = run_slots(slot_size, blocks, &first_slot) * slot_size;
        if ((blocks * BLOCK_SIZE - used) * RUN_MAX_WASTE <= blocks * BLOCK_SIZE)
            break;
    }
    return blocks;
}

static void run_list_push(struct run** list, struct run* run)
{
    run->prev = NULL;
    run->next = *list;
    if (run->next)
        run->next->prev = run;
    *list = run;
}

static void run_list_remove(struct run** list, struct run* run)
{
    if (run->prev)
        run->prev->next = run->next;
    else
        *list = run->next;
    if (run->next)
        run->next->prev = run->prev;
    run->next = run->prev = NULL;
}

/* A new, empty run for class_index, put first in its class's list; NULL when memory is short. */
static struct run* __attribute__((noinline)) run_new(unsigned class_index)
{
    uint32_t slot_size = class_sizes[class_index];
    uint32_t blocks = run_blocks_for(slot_size);
    struct run* run = (struct run*)span_new(blocks, class_index);
    if (!run)
        return NULL;

    run->slot_size = slot_size;
    run->slot_reciprocal = (uint32_t)(0xffffffffu / slot_size + 1);
    run->slots = run_slots(slot_size, blocks, &run->first_slot);
    run->search_from = 0;
    /* The kernel zeroed the bitmap; mark the bits past the last slot as taken so they are never handed out. */
    uint32_t tail_bits = run->slots % BITS_PER_WORD;
    if (tail_bits)
        run->bitmap[run->slots / BITS_PER_WORD] = ~0u << tail_bits;

    run_list_push(&available[class_index], run);
    return run;
}

/* Hand out a free slot of run, which must have one. */
static inline void* run_take_slot(struct run** list, struct run* run)
{
    uint32_t word = run->search_from;
    uint32_t taken;
    while ((taken = run->bitmap[word]) == ~0u)
        word++;
    run->bitmap[word] = taken | (taken + 1);   /* sets the lowest clear bit */
    run->search_from = word;
    uint32_t slot = word * BITS_PER_WORD + (uint32_t)__builtin_ctz(~taken);

    if (++run->span.in_use == run->slots)
        run_list_remove(list, run);   /* full */
    return (char*)run + run->first_slot + slot * run->slot_size;
}

/*
 * The index of the slot of run that ptr is the start of, if it is in use;
 * otherwise the program ends. ptr is inside the run, which is at most
 * 2^15 bytes, so 32 bits hold its offset; before the first slot the
 * offset wraps to a number far past the last slot. The quotient comes
 * from a multiplication by the reciprocal, as a division is slow: it is
 * exact because the reciprocal's rounding error, offset / 2^32, stays
 * under 1 / slot_size.
 */
static inline uint32_t run_slot_of(const struct run* run, const void* ptr, const char* call)
{
    uint32_t offset = (uint32_t)((uintptr_t)ptr - (uintptr_t)run) - run->first_slot;
    uint32_t slot = (uint32_t)(((uint64_t)offset * run->slot_reciprocal) >> 32);
    if (slot >= run->slots)
        bad_pointer(call, ptr);   /* in the header or the bitmap, or in the tail after the last slot */
    if (slot * run->slot_size != offset)
        bad_pointer(call, ptr);   /* inside an object */
    if (!(run->bitmap[slot / BITS_PER_WORD] & (1u << (slot % BITS_PER_WORD))))
        bad_pointer(call, ptr);   /* a free slot: freed already, or never handed out */
    return slot;
}

/*
 * run was full and has a free slot again: back into its class's list. Or
 * run is empty now: back to the kernel, unless it is the only run of its
 * class with a free slot, which the class's next malloc would need again
 * at once (a loop of malloc and free would call the kernel every time).
 * So a class keeps at most one empty run; malloc_trim gives those back.
 */
static void __attribute__((noinline)) run_relist(struct run* run)
{
    struct run** list = &available[run->span.class_index];
    if (run->span.in_use == run->slots - 1)
        run_list_push(list, run);
    if (run->span.in_use > 0 || (*list == run && !run->next))
        return;
    run_list_remove(list, run);
    span_release(&run->span);
}

/* Give slot back to run. */
static inline void run_give_slot(struct run* run, uint32_t slot)
{
    uint32_t word = slot / BITS_PER_WORD;
    run->bitmap[word] &= ~(1u << (slot % BITS_PER_WORD));
    if (word < run->search_from)
        run->search_from = word;
    uint32_t in_use = --run->span.in_use;
    if (in_use == 0) {
        /* The common case of an empty run: the only one of its class with a free slot, kept. */
        if (available[run->span.class_index] == run && !run->next)
            return;
        run_relist(run);
    } else if (in_use == run->slots - 1) {
        run_relist(run);
    }
}

/* ---- what free and realloc share ---------------------------------------- */

/*
 * The span holding the live object ptr, and for a run the object's slot in
 * *slot; otherwise the program ends, naming call ("free of ").
 */
static inline __attribute__((always_inline)) struct span* object_span(const void* ptr, const char* call, uint32_t* slot)
{
    struct span* span = span_of(ptr);
    if (!span)
        bad_pointer(call, ptr);   /* outside every span: never ours, or given back already */
    if (span->class_index == LARGE) {
        if ((const char*)ptr != (const char*)span + LARGE_HEADER)
            bad_pointer(call, ptr);
    } else {
        *slot = run_slot_of((const struct run*)span, ptr, call);
    }
    return span;
}

/* The bytes usable in an object of span; a large span's length comes from the table, which the program cannot overwrite. */
static size_t span_object_size(const struct span* span)
{
    if (span->class_index == LARGE)
        return span_table[span_table_count_up_to((uintptr_t)span) - 1].blocks * BLOCK_SIZE - LARGE_HEADER;
    return ((const struct run*)span)->slot_size;
}

/* The blocks of the span of a large object of size bytes, its header included. */
static size_t large_span_blocks(size_t size)
{
    return (size + LARGE_HEADER + BLOCK_SIZE - 1) / BLOCK_SIZE;
}

/* The bytes malloc(size) would make usable, or 0 when it would refuse. */
static size_t object_size_for(size_t size)
{
    if (size == 0)
        return 0;
    if (size <= SMALL_MAX)
        return class_sizes[class_index_of(size)];
    if (size > LARGE_MAX)
        return 0;
    return large_span_blocks(size) * BLOCK_SIZE - LARGE_HEADER;
}

/* ---- the C interface ---------------------------------------------------- */

/**
 * malloc - allocate size bytes, 16-byte aligned, not cleared.
 * @size: bytes wanted; 1 to 2048 come from a size class, more from a span of their own.
 *
 * Return: the object, or NULL when size is 0 or memory is short.
 * Context: may make system call 4 (for a new run, a large object or a larger span table).
 */
void* malloc(size_t size)
{
    if (size == 0)
        return NULL;
    if (size <= SMALL_MAX) {
        unsigned index = class_index_of(size);
        struct run* run = available[index];
        if (!run && !(run = run_new(index)))
            return NULL;
        return run_take_slot(&available[index], run);
    }
    if (size > LARGE_MAX)
        return NULL;
    struct span* span = span_new(large_span_blocks(size), LARGE);
    return span ? (char*)span + LARGE_HEADER : NULL;
}

/**
 * free - give back an object malloc, calloc or realloc returned.
 * @ptr: the object, or NULL (then nothing happens).
 *
 * Any other pointer, including one freed already, ends the program: it
 * prints "malloc: free of 0x<ptr> that malloc did not return" and exits
 * with MALLOC_ABORT_STATUS.
 * Context: may make system call 5 (a large object, or a run left empty).
 */
void free(void* ptr)
{
    if (!ptr)
        return;
    uint32_t slot;
    struct span* span = object_span(ptr, "free of ", &slot);
    if (span->class_index == LARGE)
        span_release(span);
    else
        run_give_slot((struct run*)span, slot);
}

/**
 * calloc - allocate an array of count objects of size bytes, all bytes zero.
 * @count: number of objects.
 * @size: bytes in each.
 *
 * Return: the array, or NULL when count * size is 0, overflows, or memory is short.
 */
void* calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t total = count * size;
    void* ptr = malloc(total);
    /* A large object's span is new from the kernel, which zeroes every block; a slot may have been used before. */
    if (ptr && total <= SMALL_MAX)
        memset(ptr, 0, total);
    return ptr;
}

/**
 * realloc - resize an object, keeping its contents up to the smaller size.
 * @ptr: the object, or NULL (then realloc is malloc).
 * @size: the new size; 0 frees ptr and returns NULL.
 *
 * The object stays where it is when size fits it and would not need less
 * than half of it; otherwise it moves to a new object. A bad ptr ends the
 * program as free does ("malloc: realloc of 0x... that malloc did not return").
 * Return: the object, or NULL when memory is short; ptr is then unchanged
 * and still the caller's.
 */
void* realloc(void* ptr, size_t size)
{
    if (!ptr)
        return malloc(size);
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    uint32_t slot;
    size_t old_size = span_object_size(object_span(ptr, "realloc of ", &slot));
    if (size <= old_size && object_size_for(size) > old_size / 2)
        return ptr;
    void* moved = malloc(size);
    if (!moved)
        return size <= old_size ? ptr : NULL;   /* shrinking in place is still possible */
    memcpy(moved, ptr, size < old_size ? size : old_size);
    free(ptr);
    return moved;
}

/**
 * malloc_usable_size - the bytes an object can hold: its size class, or
 * its span less the header.
 * @ptr: an object malloc returned, or NULL (then 0).
 *
 * A bad ptr ends the program as free does.
 */
size_t malloc_usable_size(void* ptr)
{
    if (!ptr)
        return 0;
    uint32_t slot;
    return span_object_size(object_span(ptr, "malloc_usable_size of ", &slot));
}

/**
 * malloc_trim - give every empty run the library keeps back to the kernel,
 * and the span table when no span is left.
 * @pad: ignored; it is there for the signature of glibc's malloc_trim.
 *
 * Afterwards the process holds kernel blocks only for live objects (and
 * the span table while any is live).
 * Return: 1 if memory went back to the kernel, 0 otherwise.
 */
int malloc_trim(size_t pad)
{
    (void)pad;
    int released = 0;
    for (unsigned index = 0; index < CLASS_COUNT; index++) {
        struct run* run = available[index];
        while (run) {
            struct run* next = run->next;
            if (run->span.in_use == 0) {
                run_list_remove(&available[index], run);
                span_release(&run->span);
                released = 1;
            }
            run = next;
        }
    }
    if (span_count == 0 && span_table) {
        if (vana_free(span_table) < 0)
            malloc_abort("the kernel refused to free the span table at ", span_table, "");
        span_table = NULL;
        span_capacity = span_table_blocks = 0;
        released = 1;
    }
    return released;
}
