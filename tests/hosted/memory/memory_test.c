/*
 * Hosted tests for src/memory/memory.c, compared with the C library.
 *
 * This file and memory.c are built with -Dmemset=vana_memset (and so on),
 * so memory.h declares Vana's functions under vana_* names. The macros are
 * then dropped, and <string.h>, included after that, declares the C
 * library's functions: each test calls both and compares.
 *
 * Word-at-a-time code goes wrong at the ragged ends, so every function is
 * run over every length 0..70 at every source and destination alignment
 * 0..15, inside buffers whose bytes around the target must stay untouched.
 */
#include "memory/memory.h"
#undef memset
#undef memcpy
#undef memcmp
#undef memmove

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define MAX_LENGTH 70
#define MAX_ALIGN 16
#define MARGIN 32 /* untouched bytes on each side of the target range */
#define BUFFER_BYTES (MARGIN + MAX_ALIGN + MAX_LENGTH + MAX_ALIGN + MARGIN)

/* Word-aligned, so offset k means "k bytes past a word boundary". */
struct buffer
{
    _Alignas(16) unsigned char bytes[BUFFER_BYTES];
};

/* A pattern that differs at every position and for every seed. */
static void fill(struct buffer* b, unsigned seed)
{
    for (size_t i = 0; i < BUFFER_BYTES; i++)
        b->bytes[i] = (unsigned char)(i * 131u + seed * 29u + 7u);
}

static unsigned char* at(struct buffer* b, size_t align)
{
    return b->bytes + MARGIN + align;
}

static void vana_memset_matches_libc_for_every_length_and_alignment(void** state)
{
    (void)state;
    struct buffer vana, libc;
    for (size_t align = 0; align < MAX_ALIGN; align++) {
        for (size_t len = 0; len <= MAX_LENGTH; len++) {
            fill(&vana, 1);
            fill(&libc, 1);
            assert_ptr_equal(vana_memset(at(&vana, align), 0xC3, len), at(&vana, align));
            memset(at(&libc, align), 0xC3, len);
            assert_memory_equal(vana.bytes, libc.bytes, BUFFER_BYTES);
        }
    }
}

static void vana_memset_stores_value_converted_to_unsigned_char(void** state)
{
    (void)state;
    struct buffer vana, libc;
    const int values[] = {0, 0x7F, 0x80, 0xFF, 0x1AB, -1, -128, INT32_MIN};
    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
        fill(&vana, 2);
        fill(&libc, 2);
        vana_memset(at(&vana, 3), values[v], 40);
        memset(at(&libc, 3), values[v], 40);
        assert_memory_equal(vana.bytes, libc.bytes, BUFFER_BYTES);
    }
}

static void vana_memcpy_matches_libc_for_every_length_and_alignments(void** state)
{
    (void)state;
    struct buffer source, vana, libc;
    fill(&source, 3);
    for (size_t from = 0; from < MAX_ALIGN; from++) {
        for (size_t to = 0; to < MAX_ALIGN; to++) {
            for (size_t len = 0; len <= MAX_LENGTH; len++) {
                fill(&vana, 4);
                fill(&libc, 4);
                assert_ptr_equal(vana_memcpy(at(&vana, to), at(&source, from), len), at(&vana, to));
                memcpy(at(&libc, to), at(&source, from), len);
                assert_memory_equal(vana.bytes, libc.bytes, BUFFER_BYTES);
            }
        }
    }
}

static void vana_memmove_matches_libc_between_separate_buffers(void** state)
{
    (void)state;
    struct buffer source, vana, libc;
    fill(&source, 5);
    for (size_t from = 0; from < MAX_ALIGN; from++) {
        for (size_t to = 0; to < MAX_ALIGN; to++) {
            for (size_t len = 0; len <= MAX_LENGTH; len++) {
                fill(&vana, 6);
                fill(&libc, 6);
                assert_ptr_equal(vana_memmove(at(&vana, to), at(&source, from), len), at(&vana, to));
                memmove(at(&libc, to), at(&source, from), len);
                assert_memory_equal(vana.bytes, libc.bytes, BUFFER_BYTES);
            }
        }
    }
}

/*
 * Overlapping moves within one buffer: destination distance bytes below
 * (forward copy) or above (backward copy) the source, every alignment.
 */
static void check_overlapping_moves(int direction)
{
    struct buffer vana, libc;
    for (size_t distance = 1; distance < MAX_ALIGN; distance++) {
        for (size_t from = 0; from < MAX_ALIGN; from++) {
            for (size_t len = 0; len <= MAX_LENGTH; len++) {
                size_t low = from;
                size_t high = from + distance;
                size_t src = direction > 0 ? low : high;
                size_t dst = direction > 0 ? high : low;
                fill(&vana, 7);
                fill(&libc, 7);
                assert_ptr_equal(vana_memmove(at(&vana, dst), at(&vana, src), len), at(&vana, dst));
                memmove(at(&libc, dst), at(&libc, src), len);
                assert_memory_equal(vana.bytes, libc.bytes, BUFFER_BYTES);
            }
        }
    }
}

static void vana_memmove_handles_overlap_with_destination_below_source(void** state)
{
    (void)state;
    check_overlapping_moves(-1);
}

static void vana_memmove_handles_overlap_with_destination_above_source(void** state)
{
    (void)state;
    check_overlapping_moves(+1);
}

static void vana_memmove_onto_itself_changes_nothing(void** state)
{
    (void)state;
    struct buffer b, copy;
    fill(&b, 8);
    copy = b;
    for (size_t len = 0; len <= MAX_LENGTH; len++)
        assert_ptr_equal(vana_memmove(at(&b, 5), at(&b, 5), len), at(&b, 5));
    assert_memory_equal(b.bytes, copy.bytes, BUFFER_BYTES);
}

static int sign(int value)
{
    return (value > 0) - (value < 0);
}

/* Equal buffers that differ at one position, in both orders, for every length and alignment pair. */
static void vana_memcmp_matches_libc_sign_for_every_length_alignment_and_position(void** state)
{
    (void)state;
    struct buffer a, b;
    for (size_t from = 0; from < MAX_ALIGN; from++) {
        for (size_t to = 0; to < MAX_ALIGN; to++) {
            for (size_t len = 0; len <= MAX_LENGTH; len++) {
                fill(&a, 9);
                memcpy(at(&b, to), at(&a, from), len);
                assert_int_equal(vana_memcmp(at(&a, from), at(&b, to), len), 0);
                for (size_t diff = 0; diff < len; diff += 1 + diff / 8) {
                    unsigned char saved = at(&b, to)[diff];
                    at(&b, to)[diff] = (unsigned char)(saved + 1 + diff % 200);
                    int vana = vana_memcmp(at(&a, from), at(&b, to), len);
                    assert_int_equal(sign(vana), sign(memcmp(at(&a, from), at(&b, to), len)));
                    assert_int_equal(sign(vana_memcmp(at(&b, to), at(&a, from), len)), -sign(vana));
                    assert_int_not_equal(vana, 0);
                    at(&b, to)[diff] = saved;
                }
            }
        }
    }
}

static void vana_memcmp_compares_bytes_as_unsigned_char(void** state)
{
    (void)state;
    const unsigned char high[] = {'a', 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
    const unsigned char low[] = {'a', 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    assert_true(vana_memcmp(high, low, sizeof(high)) > 0);
    assert_true(vana_memcmp(low, high, sizeof(high)) < 0);

    const unsigned char ff[] = {0xFF};
    const unsigned char zero[] = {0x00};
    assert_true(vana_memcmp(ff, zero, 1) > 0);
    assert_true(vana_memcmp(zero, ff, 1) < 0);
}

static void vana_memcmp_decides_on_first_difference(void** state)
{
    (void)state;
    /* The first difference is in the first word; a later, opposite one must not win. */
    const unsigned char a[16] = {1, 2, 3, 4, 5, 6, 7, 0x10, 0, 0, 0, 0, 0, 0, 0, 0};
    const unsigned char b[16] = {1, 2, 3, 4, 5, 6, 7, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    assert_true(vana_memcmp(a, b, sizeof(a)) > 0);
    assert_true(vana_memcmp(b, a, sizeof(a)) < 0);
}

static void vana_memcmp_of_zero_bytes_is_zero(void** state)
{
    (void)state;
    const unsigned char a[] = {1};
    const unsigned char b[] = {2};
    assert_int_equal(vana_memcmp(a, b, 0), 0);
}

static void vana_functions_handle_page_sized_buffers(void** state)
{
    (void)state;
    static unsigned char vana[4096 + 64], libc[4096 + 64], source[4096 + 64];
    for (size_t i = 0; i < sizeof(source); i++)
        source[i] = (unsigned char)(i ^ (i >> 8));
    for (size_t align = 0; align < 8; align++) {
        memset(vana, 0x11, sizeof(vana));
        memset(libc, 0x11, sizeof(libc));
        vana_memcpy(vana + align, source + 7, 4096);
        memcpy(libc + align, source + 7, 4096);
        assert_memory_equal(vana, libc, sizeof(vana));
        assert_int_equal(vana_memcmp(vana + align, source + 7, 4096), 0);
        vana_memset(vana + align, 0, 4096);
        memset(libc + align, 0, 4096);
        assert_memory_equal(vana, libc, sizeof(vana));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vana_memset_matches_libc_for_every_length_and_alignment),
        cmocka_unit_test(vana_memset_stores_value_converted_to_unsigned_char),
        cmocka_unit_test(vana_memcpy_matches_libc_for_every_length_and_alignments),
        cmocka_unit_test(vana_memmove_matches_libc_between_separate_buffers),
        cmocka_unit_test(vana_memmove_handles_overlap_with_destination_below_source),
        cmocka_unit_test(vana_memmove_handles_overlap_with_destination_above_source),
        cmocka_unit_test(vana_memmove_onto_itself_changes_nothing),
        cmocka_unit_test(vana_memcmp_matches_libc_sign_for_every_length_alignment_and_position),
        cmocka_unit_test(vana_memcmp_compares_bytes_as_unsigned_char),
        cmocka_unit_test(vana_memcmp_decides_on_first_difference),
        cmocka_unit_test(vana_memcmp_of_zero_bytes_is_zero),
        cmocka_unit_test(vana_functions_handle_page_sized_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
