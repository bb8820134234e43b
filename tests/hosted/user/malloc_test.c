/*
 * Hosted tests for user/lib/malloc.c, over the system-call stand-ins of
 * tests/hosted/support/user_syscall_hosted.c.
 *
 * Both are built with -Dmalloc=vana_user_malloc (and so on for free,
 * calloc, realloc, malloc_usable_size and malloc_trim), so that the
 * library sits beside the host's C library; "stdlib.h" is user/lib's. This
 * file includes no <stdlib.h>: every malloc below is the library's.
 *
 * Each test ends with everything freed and trimmed, and checks that the
 * library then holds no kernel block at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stdlib.h"
#include "support/user_syscall_hosted.h"

#define BLOCK HOSTED_BLOCK_SIZE

static const size_t class_sizes[] = {
    16,  32,  48,  64,  80,  96,  112, 128,  160,  192,  224,  256,
    320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048,
};
#define CLASS_COUNT (sizeof(class_sizes) / sizeof(class_sizes[0]))

/* What malloc(size) should make usable: its class, or whole blocks less the 16-byte header. */
static size_t expected_usable(size_t size)
{
    for (size_t i = 0; i < CLASS_COUNT; i++)
        if (size <= class_sizes[i])
            return class_sizes[i];
    return (size + 16 + BLOCK - 1) / BLOCK * BLOCK - 16;
}

static unsigned char pattern_byte(unsigned id, size_t offset)
{
    return (unsigned char)(id * 131u + offset * 7u + 1u);
}

static void fill(void* ptr, size_t size, unsigned id)
{
    unsigned char* bytes = ptr;
    for (size_t i = 0; i < size; i++)
        bytes[i] = pattern_byte(id, i);
}

static void assert_pattern(const void* ptr, size_t size, unsigned id)
{
    const unsigned char* bytes = ptr;
    for (size_t i = 0; i < size; i++)
        if (bytes[i] != pattern_byte(id, i))
            fail_msg("object %u: byte %zu is %#x, not %#x", id, i, bytes[i], pattern_byte(id, i));
}

/* Everything is freed: after malloc_trim the library holds no kernel block, and the kernel never refused a free. */
static void assert_all_given_back(void)
{
    malloc_trim(0);
    assert_int_equal(hosted_live_blocks(), 0);
    assert_int_equal(hosted_live_allocations(), 0);
    assert_int_equal(hosted_refused_frees(), 0);
}

static void expect_line_for(const char* call, const void* ptr)
{
    char expected[128];
    snprintf(expected, sizeof(expected), "malloc: %s of 0x%lx that malloc did not return\n", call,
             (unsigned long)(uintptr_t)ptr);
    assert_int_equal(hosted_exit_status(), MALLOC_ABORT_STATUS);
    assert_string_equal(hosted_printed(), expected);
}

/* free(ptr) must end the program with the message, and change nothing. */
static void expect_bad_free(void* ptr)
{
    jmp_buf jump;
    size_t blocks = hosted_live_blocks();
    hosted_clear_printed();
    hosted_exit_jump = &jump;
    if (setjmp(jump) == 0) {
        free(ptr);
        hosted_exit_jump = NULL;
        fail_msg("free(%p) returned", ptr);
    }
    hosted_exit_jump = NULL;
    expect_line_for("free", ptr);
    assert_int_equal(hosted_live_blocks(), blocks);
}

static void expect_bad_realloc(void* ptr)
{
    jmp_buf jump;
    hosted_clear_printed();
    hosted_exit_jump = &jump;
    if (setjmp(jump) == 0) {
        realloc(ptr, 100);
        hosted_exit_jump = NULL;
        fail_msg("realloc(%p) returned", ptr);
    }
    hosted_exit_jump = NULL;
    expect_line_for("realloc", ptr);
}

static void malloc_of_zero_is_null(void** state)
{
    (void)state;
    size_t calls = hosted_malloc_calls();
    assert_null(malloc(0));
    assert_int_equal(hosted_malloc_calls(), calls);
    assert_all_given_back();
}

static void every_small_size_gets_the_smallest_class_that_fits(void** state)
{
    (void)state;
    for (size_t size = 1; size <= 2048; size++) {
        unsigned char* p = malloc(size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_int_equal(malloc_usable_size(p), expected_usable(size));
        fill(p, malloc_usable_size(p), (unsigned)size);
        assert_pattern(p, malloc_usable_size(p), (unsigned)size);
        free(p);
    }
    assert_all_given_back();
}

static void boundary_sizes(void** state)
{
    (void)state;
    static const size_t sizes[] = {1, 15, 16, 17, 31, 32, 33, 127, 128, 129, 160, 161, 255, 256, 257,
                                   1023, 1024, 1025, 2047, 2048, 2049, 4080, 4081, 8176, 8177, 1 << 20};
    void* objects[sizeof(sizes) / sizeof(sizes[0])];
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        objects[i] = malloc(sizes[i]);
        assert_non_null(objects[i]);
        assert_int_equal((uintptr_t)objects[i] % 16, 0);
        assert_int_equal(malloc_usable_size(objects[i]), expected_usable(sizes[i]));
        fill(objects[i], sizes[i], (unsigned)i);
    }
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        assert_pattern(objects[i], sizes[i], (unsigned)i);
        free(objects[i]);
    }
    assert_all_given_back();
}

static void a_large_object_is_one_span_of_its_own(void** state)
{
    (void)state;
    size_t calls = hosted_malloc_calls();
    char* p = malloc(10000);   /* 10000 + 16 bytes: 3 blocks */
    assert_non_null(p);
    assert_int_equal(hosted_malloc_calls(), calls + 2);   /* the span table, then the span */
    assert_int_equal(hosted_live_blocks(), 1 + 3);
    assert_int_equal((uintptr_t)p % BLOCK, 16);
    free(p);
    assert_int_equal(hosted_live_blocks(), 1);   /* the span went back at once; only the table is left */
    assert_all_given_back();
}

static void huge_sizes_are_refused(void** state)
{
    (void)state;
    assert_null(malloc(SIZE_MAX));
    assert_null(malloc(SIZE_MAX - 15));
    assert_null(malloc(SIZE_MAX - 4096));
    assert_null(malloc(SIZE_MAX / 2 + 1));
    assert_null(malloc((size_t)1 << 30 | 1));
    assert_null(malloc((size_t)HOSTED_HEAP_BLOCKS * BLOCK));   /* the header makes it one block too many */
    void* most = malloc((size_t)HOSTED_HEAP_BLOCKS * BLOCK - 16 - 2 * BLOCK);   /* leaves room for the table */
    assert_non_null(most);
    free(most);
    assert_all_given_back();
}

static void every_pointer_is_16_byte_aligned(void** state)
{
    (void)state;
    void* objects[3000];
    for (size_t i = 0; i < 3000; i++) {
        objects[i] = malloc(1 + (i * 37) % 3000);
        assert_non_null(objects[i]);
        assert_int_equal((uintptr_t)objects[i] % 16, 0);
    }
    for (size_t i = 0; i < 3000; i++)
        free(objects[i]);
    assert_all_given_back();
}

/* Many objects of every class at once: none overlaps another, and the library writes into none of them. */
static void objects_never_overlap(void** state)
{
    (void)state;
    enum { PER_CLASS = 300 };
    static void* objects[CLASS_COUNT][PER_CLASS];
    for (size_t c = 0; c < CLASS_COUNT; c++)
        for (size_t i = 0; i < PER_CLASS; i++) {
            objects[c][i] = malloc(class_sizes[c]);
            assert_non_null(objects[c][i]);
            fill(objects[c][i], class_sizes[c], (unsigned)(c * PER_CLASS + i));
        }
    /* Free every other one, allocate them again, and check everything. */
    for (size_t c = 0; c < CLASS_COUNT; c++)
        for (size_t i = 0; i < PER_CLASS; i += 2) {
            free(objects[c][i]);
            objects[c][i] = malloc(class_sizes[c]);
            fill(objects[c][i], class_sizes[c], (unsigned)(c * PER_CLASS + i));
        }
    for (size_t c = 0; c < CLASS_COUNT; c++)
        for (size_t i = 0; i < PER_CLASS; i++) {
            assert_pattern(objects[c][i], class_sizes[c], (unsigned)(c * PER_CLASS + i));
            free(objects[c][i]);
        }
    assert_all_given_back();
}

static void calloc_zeroes_a_reused_slot(void** state)
{
    (void)state;
    unsigned char* keep = malloc(64);   /* keeps the run alive */
    unsigned char* dirty = malloc(64);
    memset(dirty, 0xAA, 64);
    free(dirty);
    unsigned char* clean = calloc(4, 16);
    assert_ptr_equal(clean, dirty);   /* the same slot came back */
    for (size_t i = 0; i < 64; i++)
        assert_int_equal(clean[i], 0);
    free(clean);
    free(keep);

    unsigned char* large = calloc(1000, 10);
    assert_non_null(large);
    for (size_t i = 0; i < 10000; i++)
        assert_int_equal(large[i], 0);
    free(large);
    assert_all_given_back();
}

static void calloc_refuses_overflow_and_zero(void** state)
{
    (void)state;
    assert_null(calloc(SIZE_MAX, SIZE_MAX));
    assert_null(calloc(SIZE_MAX / 2 + 1, 2));
    assert_null(calloc(2, SIZE_MAX / 2 + 1));
    assert_null(calloc((size_t)1 << 32, (size_t)1 << 32));   /* wraps to 0 */
    assert_null(calloc(0, 16));
    assert_null(calloc(16, 0));
    assert_all_given_back();
}

static void realloc_of_null_is_malloc_and_of_zero_is_free(void** state)
{
    (void)state;
    char* p = realloc(NULL, 40);
    assert_non_null(p);
    assert_int_equal(malloc_usable_size(p), 48);
    assert_null(realloc(p, 0));
    assert_null(realloc(NULL, 0));
    char* large = realloc(NULL, 50000);
    assert_non_null(large);
    assert_null(realloc(large, 0));
    free(NULL);
    assert_all_given_back();
}

static void realloc_stays_in_place_when_it_fits(void** state)
{
    (void)state;
    char* p = malloc(100);   /* 112 */
    fill(p, 100, 1);
    assert_ptr_equal(realloc(p, 112), p);
    assert_ptr_equal(realloc(p, 60), p);   /* 64 is more than half of 112 */
    assert_pattern(p, 60, 1);

    char* large = malloc(10000);   /* 3 blocks: 12272 usable */
    fill(large, 10000, 2);
    assert_ptr_equal(realloc(large, 12272), large);
    assert_ptr_equal(realloc(large, 7000), large);
    assert_pattern(large, 7000, 2);
    free(large);
    free(p);
    assert_all_given_back();
}

static void realloc_moves_to_grow_and_to_shrink_a_lot(void** state)
{
    (void)state;
    char* p = malloc(16);
    fill(p, 16, 3);
    char* q = realloc(p, 5000);   /* small to large */
    assert_non_null(q);
    assert_pattern(q, 16, 3);
    fill(q, 5000, 4);
    char* r = realloc(q, 100000);   /* large to larger */
    assert_non_null(r);
    assert_pattern(r, 5000, 4);
    char* s = realloc(r, 100);   /* large to small: moves, keeps the first 100 bytes */
    assert_non_null(s);
    assert_ptr_not_equal(s, r);
    assert_int_equal(malloc_usable_size(s), 112);
    assert_pattern(s, 100, 4);
    char* t = realloc(s, 17);   /* 32 is not more than half of 112: moves */
    assert_ptr_not_equal(t, s);
    assert_pattern(t, 17, 4);
    free(t);
    assert_all_given_back();
}

static void realloc_failure_leaves_the_object_alone(void** state)
{
    (void)state;
    char* p = malloc(300);
    fill(p, 300, 5);
    hosted_fail_next_mallocs(1);
    assert_null(realloc(p, 100000));
    hosted_fail_next_mallocs(0);
    assert_pattern(p, 300, 5);
    assert_int_equal(malloc_usable_size(p), 320);

    /* A shrink that would move stays in place when memory is short. */
    hosted_fail_next_mallocs(1);
    assert_ptr_equal(realloc(p, 20), p);
    hosted_fail_next_mallocs(0);
    assert_pattern(p, 20, 5);
    free(p);
    assert_all_given_back();
}

static void malloc_returns_null_when_the_kernel_refuses(void** state)
{
    (void)state;
    hosted_fail_next_mallocs(1);
    assert_null(malloc(32));    /* the span table */
    hosted_fail_next_mallocs(1);
    assert_null(malloc(9000));
    void* first = malloc(32);   /* now the table exists */
    assert_non_null(first);
    hosted_fail_next_mallocs(1);
    assert_null(malloc(48));    /* a new run for 48 */
    hosted_fail_next_mallocs(0);
    void* second = malloc(48);
    assert_non_null(second);
    free(first);
    free(second);
    assert_all_given_back();
}

/* A class keeps one empty run, so a malloc/free loop stays out of the kernel. */
static void a_malloc_free_loop_does_not_call_the_kernel(void** state)
{
    (void)state;
    free(malloc(16));
    size_t calls = hosted_malloc_calls() + hosted_free_calls();
    for (unsigned i = 0; i < 10000; i++)
        free(malloc(16 + i % 241));   /* 16 to 256: the classes up to 256 */
    size_t after_warm_up = hosted_malloc_calls() + hosted_free_calls();
    assert_true(after_warm_up - calls <= 12);   /* one run for each class up to 256 */
    for (unsigned i = 0; i < 10000; i++)
        free(malloc(16 + i % 241));
    assert_int_equal(hosted_malloc_calls() + hosted_free_calls(), after_warm_up);
    assert_all_given_back();
}

static void empty_runs_go_back_to_the_kernel(void** state)
{
    (void)state;
    enum { COUNT = 5000 };
    static void* objects[COUNT];
    for (size_t i = 0; i < COUNT; i++)
        objects[i] = malloc(32);
    assert_true(hosted_live_allocations() > 30);
    for (size_t i = 0; i < COUNT; i++)
        free(objects[(i * 7919) % COUNT]);   /* in a scattered order */
    /* One empty run kept, and the span table. */
    assert_int_equal(hosted_live_allocations(), 2);
    assert_int_equal(malloc_trim(0), 1);
    assert_int_equal(hosted_live_blocks(), 0);
    assert_int_equal(malloc_trim(0), 0);
    assert_all_given_back();
}

/* 100,000 live 32-byte objects fit in 125% of 3,200,000 bytes, page tables aside. */
static void many_small_objects_cost_little_more_than_their_bytes(void** state)
{
    (void)state;
    enum { COUNT = 100000 };
    static unsigned char* objects[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        objects[i] = malloc(32);
        assert_non_null(objects[i]);
        fill(objects[i], 32, (unsigned)i);
    }
    size_t held = hosted_live_blocks() * BLOCK;
    print_message("100000 x 32 bytes: %zu bytes held, %zu%%\n", held, held * 100 / (COUNT * 32));
    assert_true(held * 100 <= (size_t)COUNT * 32 * 110);
    for (size_t i = 0; i < COUNT; i++) {
        assert_pattern(objects[i], 32, (unsigned)i);
        free(objects[i]);
    }
    assert_all_given_back();
}

/* Over 1000 spans: the span table grows (its own blocks) and stays sorted whatever the free order. */
static void the_span_table_grows_and_shrinks(void** state)
{
    (void)state;
    enum { COUNT = 1200 };
    static char* objects[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        objects[i] = malloc(3000 + i);
        assert_non_null(objects[i]);
        fill(objects[i], 3000 + i, (unsigned)i);
    }
    for (size_t i = 0; i < COUNT; i++) {
        size_t k = (i * 601) % COUNT;   /* 601 is prime to 1200: every object once */
        assert_pattern(objects[k], 3000 + k, (unsigned)k);
        assert_int_equal(malloc_usable_size(objects[k]), expected_usable(3000 + k));
        free(objects[k]);
        if (i % 100 == 0)
            expect_bad_free(objects[k]);
    }
    assert_all_given_back();
}

static void the_span_table_cannot_grow(void** state)
{
    (void)state;
    enum { COUNT = 1100 };
    static char* objects[COUNT];
    size_t count = 0;
    /* Fill the first table block (256 entries of 16 bytes), then refuse its growth. */
    for (; count < BLOCK / (2 * sizeof(size_t)); count++)
        objects[count] = malloc(5000);
    hosted_fail_next_mallocs(1);
    size_t blocks = hosted_live_blocks();
    assert_null(malloc(5000));
    assert_int_equal(hosted_live_blocks(), blocks);
    hosted_fail_next_mallocs(0);
    objects[count++] = malloc(5000);
    assert_non_null(objects[count - 1]);
    for (size_t i = 0; i < count; i++)
        free(objects[i]);
    assert_all_given_back();
}

static int some_function(void)
{
    return 1;
}

static void bad_frees_end_the_program(void** state)
{
    (void)state;
    int on_the_stack;
    char* small = malloc(32);
    char* other = malloc(32);
    char* eighty = malloc(80);
    char* large = malloc(20000);
    char* run = (char*)((uintptr_t)small & ~(uintptr_t)(BLOCK - 1));   /* a 32-byte run is one block */
    char* run80 = (char*)((uintptr_t)eighty & ~(uintptr_t)(BLOCK - 1));   /* so is an 80-byte run: 50 slots */

    expect_bad_free(small + 1);         /* interior */
    expect_bad_free(small + 16);        /* interior, 16-byte aligned */
    expect_bad_free(small - 16);        /* before the first slot: the bitmap */
    expect_bad_free(run);               /* the run's header */
    expect_bad_free(run + 16);
    expect_bad_free(run80 + BLOCK - 16); /* the tail after the last slot */
    expect_bad_free(other + 32);        /* a slot never handed out */
    expect_bad_free(large + 1);         /* interior of a large object */
    expect_bad_free(large + BLOCK);
    expect_bad_free(large - 16);        /* a large object's header */
    expect_bad_free(&on_the_stack);
    expect_bad_free((void*)(uintptr_t)some_function);
    expect_bad_free((void*)(uintptr_t)0x100000);   /* the kernel's address in the guest; unmapped here */
    expect_bad_free((void*)(uintptr_t)0x07000000); /* the kernel heap's range in the guest */
    expect_bad_free((void*)(uintptr_t)-16);
    expect_bad_free((void*)(uintptr_t)16);
    expect_bad_realloc(small + 8);
    expect_bad_realloc(&on_the_stack);

    /* Nothing changed: the objects are intact and free as usual. */
    fill(small, 32, 6);
    assert_pattern(small, 32, 6);
    free(small);
    free(other);
    free(eighty);
    free(large);
    assert_all_given_back();
}

static void double_frees_end_the_program(void** state)
{
    (void)state;
    char* keep = malloc(32);
    char* small = malloc(32);
    free(small);
    expect_bad_free(small);   /* the run is still there: its slot is free */

    char* large = malloc(20000);
    free(large);
    expect_bad_free(large);   /* the span went back to the kernel: unmapped */

    free(keep);               /* the run is kept while empty */
    expect_bad_free(keep);
    malloc_trim(0);           /* and now it is gone */
    expect_bad_free(keep);
    assert_all_given_back();
}

static void a_free_of_nothing_is_a_bad_free(void** state)
{
    (void)state;
    int local;
    expect_bad_free(&local);   /* the library holds no span at all */
    free(NULL);
    assert_all_given_back();
}

static void an_overwritten_run_header_is_reported(void** state)
{
    (void)state;
    char* small = malloc(64);
    uint32_t* run = (uint32_t*)((uintptr_t)small & ~(uintptr_t)(BLOCK - 1));
    uint32_t magic = run[0];
    run[0] = 0x12345678;

    jmp_buf jump;
    hosted_clear_printed();
    hosted_exit_jump = &jump;
    if (setjmp(jump) == 0) {
        free(small);
        hosted_exit_jump = NULL;
        fail_msg("free returned");
    }
    hosted_exit_jump = NULL;
    char expected[128];
    snprintf(expected, sizeof(expected), "malloc: heap corrupted: the header of the span at 0x%lx was overwritten\n",
             (unsigned long)(uintptr_t)run);
    assert_string_equal(hosted_printed(), expected);
    assert_int_equal(hosted_exit_status(), MALLOC_ABORT_STATUS);

    run[0] = magic;
    free(small);
    assert_all_given_back();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malloc_of_zero_is_null),
        cmocka_unit_test(every_small_size_gets_the_smallest_class_that_fits),
        cmocka_unit_test(boundary_sizes),
        cmocka_unit_test(a_large_object_is_one_span_of_its_own),
        cmocka_unit_test(huge_sizes_are_refused),
        cmocka_unit_test(every_pointer_is_16_byte_aligned),
        cmocka_unit_test(objects_never_overlap),
        cmocka_unit_test(calloc_zeroes_a_reused_slot),
        cmocka_unit_test(calloc_refuses_overflow_and_zero),
        cmocka_unit_test(realloc_of_null_is_malloc_and_of_zero_is_free),
        cmocka_unit_test(realloc_stays_in_place_when_it_fits),
        cmocka_unit_test(realloc_moves_to_grow_and_to_shrink_a_lot),
        cmocka_unit_test(realloc_failure_leaves_the_object_alone),
        cmocka_unit_test(malloc_returns_null_when_the_kernel_refuses),
        cmocka_unit_test(a_malloc_free_loop_does_not_call_the_kernel),
        cmocka_unit_test(empty_runs_go_back_to_the_kernel),
        cmocka_unit_test(many_small_objects_cost_little_more_than_their_bytes),
        cmocka_unit_test(the_span_table_grows_and_shrinks),
        cmocka_unit_test(the_span_table_cannot_grow),
        cmocka_unit_test(bad_frees_end_the_program),
        cmocka_unit_test(double_frees_end_the_program),
        cmocka_unit_test(a_free_of_nothing_is_a_bad_free),
        cmocka_unit_test(an_overwritten_run_header_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
