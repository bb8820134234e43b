/*
 * Host stand-ins for the system calls of user/lib/malloc.c
 * (user_syscall_hosted.h says what they promise).
 *
 * The library's tests are built with malloc, free and the rest renamed to
 * vana_user_*; this file wants the C library's own, so it drops the
 * renames before any header declares them.
 */
#undef malloc
#undef free
#undef calloc
#undef realloc
#undef malloc_usable_size
#undef malloc_trim

#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */

#include "user_syscall_hosted.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "status.h"
#include "vana.h"

struct allocation
{
    char* start;    /* what vana_malloc returned */
    size_t blocks;
};

static struct allocation* allocations;
static size_t allocation_count;
static size_t allocation_capacity;
static size_t live_blocks;
static size_t malloc_calls;
static size_t free_calls;
static size_t refused_frees;
static size_t failures_to_inject;
static size_t injected_failures;
static int exit_status;
static char printed[4096];

jmp_buf* hosted_exit_jump;

size_t hosted_live_blocks(void) { return live_blocks; }
size_t hosted_live_allocations(void) { return allocation_count; }
size_t hosted_malloc_calls(void) { return malloc_calls; }
size_t hosted_free_calls(void) { return free_calls; }
size_t hosted_refused_frees(void) { return refused_frees; }
size_t hosted_injected_failures(void) { return injected_failures; }
int hosted_exit_status(void) { return exit_status; }
const char* hosted_printed(void) { return printed; }
void hosted_clear_printed(void) { printed[0] = '\0'; }

void hosted_fail_next_mallocs(size_t count)
{
    failures_to_inject = count;
}

/* Whole blocks, zeroed, between two inaccessible pages; NULL for 0 or beyond the heap, as the kernel does. */
void* vana_malloc(size_t size)
{
    malloc_calls++;
    if (failures_to_inject > 0) {
        failures_to_inject--;
        injected_failures++;
        return NULL;
    }
    if (size == 0 || size > (size_t)HOSTED_HEAP_BLOCKS * HOSTED_BLOCK_SIZE)
        return NULL;
    size_t blocks = (size + HOSTED_BLOCK_SIZE - 1) / HOSTED_BLOCK_SIZE;
    if (live_blocks + blocks > HOSTED_HEAP_BLOCKS)
        return NULL;

    if (allocation_count == allocation_capacity) {
        size_t capacity = allocation_capacity ? 2 * allocation_capacity : 64;
        struct allocation* grown = realloc(allocations, capacity * sizeof(*allocations));
        if (!grown)
            abort();
        allocations = grown;
        allocation_capacity = capacity;
    }
    char* mapping = mmap(NULL, (blocks + 2) * HOSTED_BLOCK_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
        return NULL;
    char* start = mapping + HOSTED_BLOCK_SIZE;
    if (mprotect(start, blocks * HOSTED_BLOCK_SIZE, PROT_READ | PROT_WRITE) < 0)
        abort();
    allocations[allocation_count++] = (struct allocation){start, blocks};
    live_blocks += blocks;
    return start;
}

/* 0 for NULL or the start of a live allocation (then unmapped); -EINVARG for anything else. */
int vana_free(void* ptr)
{
    free_calls++;
    if (!ptr)
        return 0;
    for (size_t i = 0; i < allocation_count; i++) {
        if (allocations[i].start != ptr)
            continue;
        if (munmap(allocations[i].start - HOSTED_BLOCK_SIZE, (allocations[i].blocks + 2) * HOSTED_BLOCK_SIZE) < 0)
            abort();
        live_blocks -= allocations[i].blocks;
        allocations[i] = allocations[--allocation_count];
        if (allocation_count == 0) {
            free(allocations);   /* so that a leak check sees nothing of the stand-in's */
            allocations = NULL;
            allocation_capacity = 0;
        }
        return 0;
    }
    refused_frees++;
    return -EINVARG;
}

int vana_print(const char* s)
{
    size_t used = strlen(printed);
    snprintf(printed + used, sizeof(printed) - used, "%s", s);
    return 0;
}

void vana_exit(int status)
{
    exit_status = status;
    if (hosted_exit_jump)
        longjmp(*hosted_exit_jump, 1);
    fprintf(stderr, "%svana_exit(%d) with no test expecting it\n", printed, status);
    abort();
}
