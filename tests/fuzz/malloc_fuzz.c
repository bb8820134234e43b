// sources: user/lib/malloc.c tests/hosted/support/user_syscall_hosted.c
// flags: -iquote user/lib -Itests/hosted -Dmalloc=vana_user_malloc -Dfree=vana_user_free -Dcalloc=vana_user_calloc -Drealloc=vana_user_realloc -Dmalloc_usable_size=vana_user_malloc_usable_size -Dmalloc_trim=vana_user_malloc_trim
/*
 * libFuzzer target for the user malloc (user/lib/malloc.c), over the
 * system-call stand-ins of tests/hosted/support/user_syscall_hosted.c.
 *
 * The input is a program of 4-byte steps (operation, a, b, c): malloc,
 * calloc, realloc and free of objects in 64 places, malloc_trim, kernel
 * refusals injected, and bad frees (an interior pointer, a pointer freed
 * already) that must end the program with the message. Beside the library
 * the target keeps a model: each live object's size and id. Every object
 * is filled with a pattern derived from its id and checked when it is
 * freed or moved, and at the end; no new object may overlap a live one;
 * after the last step everything is freed and trimmed, and the library
 * must hold no kernel block.
 *
 * Built with malloc renamed to vana_user_malloc and so on; this file
 * includes no <stdlib.h>, so every malloc here is the library's.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "stdlib.h"
#include "support/user_syscall_hosted.h"

#define PLACES 64
#define SMALL_MAX 2048
#define LARGE_MAX 0x40000000u   /* malloc.c refuses more without asking the kernel */

struct object
{
    unsigned char* ptr;   /* NULL: the place is empty */
    size_t size;
    unsigned id;
};

static struct object places[PLACES];
static unsigned next_id;
static void* last_freed;

#define REQUIRE(cond)                                                            \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "malloc_fuzz: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            __builtin_trap();                                                    \
        }                                                                        \
    } while (0)

static unsigned char pattern_byte(unsigned id, size_t offset)
{
    return (unsigned char)(id * 131u + offset * 7u + (offset >> 8) + 1u);
}

static void fill_from(struct object* object, size_t from)
{
    for (size_t i = from; i < object->size; i++)
        object->ptr[i] = pattern_byte(object->id, i);
}

static void check_pattern(const struct object* object)
{
    for (size_t i = 0; i < object->size; i++)
        REQUIRE(object->ptr[i] == pattern_byte(object->id, i));
}

/* A size from three bytes: mostly small, some large, some at the edges. */
static size_t size_from(uint8_t a, uint8_t b, uint8_t c)
{
    static const size_t edges[] = {0, 1, 15, 16, 17, 127, 128, 129, 255, 256, 257, 2047, 2048, 2049,
                                   4079, 4080, 4081, 8176, 8177, SIZE_MAX, SIZE_MAX - 16, SIZE_MAX / 2,
                                   (size_t)LARGE_MAX + 1, (size_t)HOSTED_HEAP_BLOCKS * HOSTED_BLOCK_SIZE};
    switch (a >> 6) {
    case 0:
    case 1:
        return ((size_t)b << 8 | c) % 300;
    case 2:
        return ((size_t)b << 8 | c) % (SMALL_MAX + 200);
    default:
        if (a & 1)
            return edges[(b ^ c) % (sizeof(edges) / sizeof(edges[0]))];
        return ((size_t)b << 8 | c) * 2;   /* up to 128 KiB */
    }
}

/* Would the library hand out size bytes, given memory? Beyond this it must say NULL. */
static bool size_can_succeed(size_t size)
{
    return size > 0 && size <= (size_t)HOSTED_HEAP_BLOCKS * HOSTED_BLOCK_SIZE - 2 * HOSTED_BLOCK_SIZE;
}

/* A new object of size at ptr: aligned, clear of every live object, filled. */
static void adopt(struct object* object, void* ptr, size_t size)
{
    unsigned char* start = ptr;
    REQUIRE((uintptr_t)start % 16 == 0);
    REQUIRE(malloc_usable_size(start) >= size);
    for (size_t i = 0; i < PLACES; i++) {
        const struct object* other = &places[i];
        if (!other->ptr || other == object)
            continue;
        REQUIRE(start + size <= other->ptr || other->ptr + other->size <= start);
    }
    object->ptr = start;
    object->size = size;
    object->id = next_id++;
    fill_from(object, 0);
}

static void drop(struct object* object)
{
    if (!object->ptr)
        return;
    check_pattern(object);
    free(object->ptr);
    last_freed = object->ptr;
    object->ptr = NULL;
}

static bool is_live_start(const void* ptr)
{
    for (size_t i = 0; i < PLACES; i++)
        if (places[i].ptr == ptr)
            return true;
    return false;
}

/* free(ptr) must end the program with the message, and change nothing. */
static void expect_bad_free(void* ptr)
{
    jmp_buf jump;
    char expected[128];
    size_t blocks = hosted_live_blocks();
    snprintf(expected, sizeof(expected), "malloc: free of 0x%lx that malloc did not return\n",
             (unsigned long)(uintptr_t)ptr);
    hosted_clear_printed();
    hosted_exit_jump = &jump;
    if (setjmp(jump) == 0) {
        free(ptr);
        REQUIRE(!"free of a bad pointer returned");
    }
    hosted_exit_jump = NULL;
    REQUIRE(hosted_exit_status() == MALLOC_ABORT_STATUS);
    REQUIRE(strcmp(hosted_printed(), expected) == 0);
    REQUIRE(hosted_live_blocks() == blocks);
}

static void step(uint8_t op, uint8_t a, uint8_t b, uint8_t c)
{
    struct object* object = &places[a % PLACES];
    size_t failures = hosted_injected_failures();

    switch (op % 8) {
    case 0: {   /* malloc */
        drop(object);
        size_t size = size_from(b, c, a);
        void* ptr = malloc(size);
        if (ptr)
            adopt(object, ptr, size);
        else
            REQUIRE(!size_can_succeed(size) || hosted_injected_failures() > failures);
        break;
    }
    case 1: {   /* calloc, sometimes with a product that wraps */
        drop(object);
        size_t count = b & 0x80 ? SIZE_MAX / (1 + (c & 7)) + (b & 3) : (size_t)(b & 0x7f);
        size_t size = 1 + (size_t)c * (b & 0x40 ? 37 : 1);
        unsigned char* ptr = calloc(count, size);
        bool wraps = count > SIZE_MAX / size;
        if (!ptr) {
            REQUIRE(wraps || !size_can_succeed(count * size) || hosted_injected_failures() > failures);
            break;
        }
        REQUIRE(!wraps);
        for (size_t i = 0; i < count * size; i++)
            REQUIRE(ptr[i] == 0);
        adopt(object, ptr, count * size);
        break;
    }
    case 2: {   /* realloc */
        size_t size = size_from(b, c, a);
        if (!object->ptr) {
            void* ptr = realloc(NULL, size);
            if (ptr)
                adopt(object, ptr, size);
            else
                REQUIRE(!size_can_succeed(size) || hosted_injected_failures() > failures);
            break;
        }
        check_pattern(object);
        unsigned char* ptr = realloc(object->ptr, size);
        if (size == 0) {
            REQUIRE(ptr == NULL);
            last_freed = object->ptr;
            object->ptr = NULL;
            break;
        }
        if (!ptr) {
            REQUIRE(!size_can_succeed(size) || hosted_injected_failures() > failures);
            check_pattern(object);   /* untouched, and still ours */
            break;
        }
        if (ptr != object->ptr)
            last_freed = object->ptr;
        size_t kept = size < object->size ? size : object->size;
        struct object moved = {ptr, kept, object->id};
        check_pattern(&moved);   /* the contents came along */
        object->ptr = NULL;      /* so that adopt does not compare it with itself */
        for (size_t i = 0; i < PLACES; i++)
            if (places[i].ptr)
                REQUIRE((unsigned char*)ptr + size <= places[i].ptr || places[i].ptr + places[i].size <= ptr);
        REQUIRE((uintptr_t)ptr % 16 == 0 && malloc_usable_size(ptr) >= size);
        object->ptr = ptr;
        object->size = size;
        fill_from(object, kept);
        break;
    }
    case 3:   /* free */
        drop(object);
        break;
    case 4:
        malloc_trim(0);
        break;
    case 5:   /* the kernel refuses the next one or two calls */
        hosted_fail_next_mallocs(1 + (b & 1));
        break;
    case 6:   /* an interior pointer */
        if (object->ptr && object->size > 1)
            expect_bad_free(object->ptr + 1 + ((size_t)b << 8 | c) % (object->size - 1));
        break;
    case 7:   /* free again what was freed last */
        if (last_freed && !is_live_start(last_freed))
            expect_bad_free(last_freed);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    for (size_t i = 0; i + 4 <= size; i += 4)
        step(data[i], data[i + 1], data[i + 2], data[i + 3]);

    hosted_fail_next_mallocs(0);
    for (size_t i = 0; i < PLACES; i++)
        drop(&places[i]);
    last_freed = NULL;
    malloc_trim(0);
    REQUIRE(hosted_live_blocks() == 0);
    REQUIRE(hosted_live_allocations() == 0);
    REQUIRE(hosted_refused_frees() == 0);
    return 0;
}
