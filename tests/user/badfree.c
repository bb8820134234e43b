/*
 * badfree MODE: free a pointer malloc did not return, one kind per MODE.
 * The library must print "malloc: free of 0x<address> that malloc did not
 * return" and end the program with MALLOC_ABORT_STATUS, never fault and
 * never go on. First this prints "badfree: MODE: free(0x<address>)" so the
 * test can match the address; if free returns, it exits with status 2.
 *
 * Modes: interior, double, metadata (a run's header), tail (past a run's
 * last slot), large (inside a large object), trimmed (a run given back to
 * the kernel), stack, text, kernel (the kernel image), unowned (the kernel
 * heap's range, not this process's).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE 4096

static char* run_of(void* object)
{
    return (char*)((uintptr_t)object & ~(uintptr_t)(BLOCK_SIZE - 1));
}

static void* pick(const char* mode)
{
    int local;
    char* a = malloc(32);
    char* b = malloc(32);
    char* c = malloc(80);   /* an 80-byte run has 48 bytes of tail */
    char* large = malloc(20000);

    if (strcmp(mode, "interior") == 0)
        return a + 16;
    if (strcmp(mode, "double") == 0) {
        free(b);
        return b;
    }
    if (strcmp(mode, "metadata") == 0)
        return run_of(a) + 16;
    if (strcmp(mode, "tail") == 0)
        return run_of(c) + BLOCK_SIZE - 16;
    if (strcmp(mode, "large") == 0)
        return large + BLOCK_SIZE;
    if (strcmp(mode, "trimmed") == 0) {
        char* lone = malloc(1000);
        free(lone);
        malloc_trim(0);
        return lone;
    }
    if (strcmp(mode, "stack") == 0) {
        void* volatile address = &local;   /* keep the compiler from reasoning about it */
        return address;
    }
    if (strcmp(mode, "text") == 0)
        return (void*)(uintptr_t)pick;
    if (strcmp(mode, "kernel") == 0)
        return (void*)0x100000;
    if (strcmp(mode, "unowned") == 0)
        return (void*)0x07000000;
    return NULL;
}

int main(int argc, char** argv)
{
    if (argc < 2) {
        printf("badfree: which mode?\n");
        return 1;
    }
    void* ptr = pick(argv[1]);
    if (!ptr) {
        printf("badfree: unknown mode %s\n", argv[1]);
        return 1;
    }
    printf("badfree: %s: free(%p)\n", argv[1], ptr);
    free(ptr);
    printf("badfree: %s: free returned\n", argv[1]);
    return 2;
}
