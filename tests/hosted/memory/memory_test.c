/*
 * Hosted tests for src/memory/memory.c, compared with the C library.
 *
 * This file and memory.c are built with -Dmemset=vana_memset (and so on),
 * so memory.h declares Vana's functions under vana_* names. The macros are
 * then dropped, and <string.h>, included after that, declares the C
 * library's functions: each test calls both and compares.
 *
 * Word-at-a-time code goes wrong at the ragged ends, and memory.c switches
 * to the string instructions at a length that depends on the word size,
 * so every function is run over every length 0..1024 at every source and
 * destination alignment 0..15, inside buffers whose bytes around the
 * target must stay untouched. (ASan does not see inside the REP MOVSB and
 * REP STOSB of inline assembly: the guard bytes are what catch a stray
 * write.) On a host with ERMS, lengths from 512 on take the string path
 * (and memcmp from 2 KiB on, with AMD's FSRC); the word loops are the same
 * code at every length, and the in-kernel tests run them at long lengths
 * under QEMU, whose default CPU reports neither.
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

#define MAX_LENGTH 1024
#define MAX_ALIGN 16
#define MARGIN 32 /* untouched bytes on each side of the target range */
/* Room for a source and an overlapping destination up to MAX_LENGTH apart. */
#define BUFFER_BYTES (MARGIN + MAX_ALIGN + 2 * MAX_LENGTH + MAX_ALIGN + MARGIN)

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

static unsigned char* at(struct buffer* b, size_t offset)
{
    return b->bytes + MARGIN + offset;
}

/* Vana's buffer must equal the C library's everywhere, guard bytes included. */
static void assert_same(const struct buffer* vana, const struct buffer* libc, const char* what, size_t len,
                        size_t first, size_t second)
{
    if (memcmp(vana->bytes, libc->bytes, BUFFER_BYTES) != 0)
        fail_msg("%s differs from the C library: length %zu, offsets %zu and %zu", what, len, first, second);
}

/* The bytes outside [offset, offset + len) must still hold the original pattern. */
static void assert_untouched_outside(struct buffer* b, const struct buffer* original, size_t offset, size_t len)
{
    size_t start = MARGIN + offset;
    if (memcmp(b->bytes, original->bytes, start) != 0 ||
        memcmp(b->bytes + start + len, original->bytes + start + len, BUFFER_BYTES - start - len) != 0)
        fail_msg("wrote outside [dest, dest + %zu) at offset %zu", len, offset);
}

static void vana_memset_matches_libc_for_every_length_and_alignment(void** state)
{
    (void)state;
    static struct buffer original, vana, libc;
    fill(&original, 1);
    for (size_t align = 0; align < MAX_ALIGN; align++) {
        for (size_t len = 0; len <= MAX_LENGTH; len++) {
            vana = original;
            libc = original;
            assert_ptr_equal(vana_memset(at(&vana, align), 0xC3, len), at(&vana, align));
            memset(at(&libc, align), 0xC3, len);
            assert_same(&vana, &libc, "memset", len, align, align);
            assert_untouched_outside(&vana, &original, align, len);
        }
    }
}

static void vana_memset_stores_value_converted_to_unsigned_char(void** state)
{
    (void)state;
    static struct buffer vana, libc;
    const int values[] = {0, 0x7F, 0x80, 0xFF, 0x1AB, -1, -128, INT32_MIN};
    const size_t lengths[] = {40, 700}; /* the word loop and the string path */
    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
        for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
            fill(&vana, 2);
            fill(&libc, 2);
            vana_memset(at(&vana, 3), values[v], lengths[l]);
            memset(at(&libc, 3), values[v], lengths[l]);
            assert_same(&vana, &libc, "memset", lengths[l], 3, 3);
        }
    }
}

static void vana_memcpy_matches_libc_for_every_length_and_alignments(void** state)
{
    (void)state;
    static struct buffer source, original, vana, libc;
    fill(&source, 3);
    fill(&original, 4);
    for (size_t from = 0; from < MAX_ALIGN; from++) {
        for (size_t to = 0; to < MAX_ALIGN; to++) {
            for (size_t len = 0; len <= MAX_LENGTH; len++) {
                vana = original;
                libc = original;
                assert_ptr_equal(vana_memcpy(at(&vana, to), at(&source, from), len), at(&vana, to));
                memcpy(at(&libc, to), at(&source, from), len);
                assert_same(&vana, &libc, "memcpy", len, from, to);
                assert_untouched_outside(&vana, &original, to, len);
            }
        }
    }
}

static void vana_memmove_matches_libc_between_separate_buffers(void** state)
{
    (void)state;
    static struct buffer source, original, vana, libc;
    fill(&source, 5);
    fill(&original, 6);
    for (size_t from = 0; from < MAX_ALIGN; from++) {
        for (size_t to = 0; to < MAX_ALIGN; to++) {
            for (size_t len = 0; len <= MAX_LENGTH; len++) {
                vana = original;
                libc = original;
                assert_ptr_equal(vana_memmove(at(&vana, to), at(&source, from), len), at(&vana, to));
                memmove(at(&libc, to), at(&source, from), len);
                assert_same(&vana, &libc, "memmove", len, from, to);
            }
        }
    }
}

/*
 * One overlapping move within one buffer: the destination distance bytes
 * above (direction > 0, a backward copy) or below (a forward copy) the
 * source, the lower of the two at offset low.
 */
static void check_overlapping_move(const struct buffer* original, int direction, size_t low, size_t distance,
                                   size_t len)
{
    static struct buffer vana, libc;
    size_t high = low + distance;
    size_t src = direction > 0 ? low : high;
    size_t dst = direction > 0 ? high : low;
    vana = *original;
    libc = *original;
    assert_ptr_equal(vana_memmove(at(&vana, dst), at(&vana, src), len), at(&vana, dst));
    memmove(at(&libc, dst), at(&libc, src), len);
    assert_same(&vana, &libc, "overlapping memmove", len, src, dst);
}

/* Every distance below 16 puts the two ends at every relative alignment. */
static void check_overlapping_moves(int direction)
{
    static struct buffer original;
    fill(&original, 7);
    for (size_t distance = 1; distance < MAX_ALIGN; distance++) {
        for (size_t from = 0; from < MAX_ALIGN; from++) {
            for (size_t len = 0; len <= MAX_LENGTH; len++)
                check_overlapping_move(&original, direction, from, distance, len);
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

/* Every length, every distance at which source and destination overlap, both ways. */
static void vana_memmove_handles_every_overlap_distance(void** state)
{
    (void)state;
    static struct buffer original;
    fill(&original, 10);
    for (size_t len = 1; len <= MAX_LENGTH; len++) {
        for (size_t distance = 1; distance < len; distance++) {
            size_t low = (len + distance) % MAX_ALIGN; /* alignments vary from case to case */
            check_overlapping_move(&original, -1, low, distance, len);
            check_overlapping_move(&original, +1, low, distance, len);
        }
    }
}

static void vana_memmove_onto_itself_changes_nothing(void** state)
{
    (void)state;
    static struct buffer b, copy;
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

/* Make b differ from a at pos (bytes on both sides of 0x80), compare, restore. */
static void check_difference_at(const unsigned char* a, unsigned char* b, size_t len, size_t pos)
{
    unsigned char saved = b[pos];
    b[pos] = (unsigned char)(saved ^ (0x80 | (pos % 0x7F)));
    int vana = vana_memcmp(a, b, len);
    if (vana == 0 || sign(vana) != sign(memcmp(a, b, len)) || sign(vana_memcmp(b, a, len)) != -sign(vana))
        fail_msg("memcmp: wrong sign for length %zu, difference at %zu", len, pos);
    b[pos] = saved;
}

/*
 * x and y equal, then differing at one position, in both orders. The
 * positions: the first and last byte, the middle, the last word and one
 * that moves with the offsets.
 */
static void check_memcmp(const unsigned char* x, unsigned char* y, size_t len, size_t from, size_t to)
{
    memcpy(y, x, len);
    if (vana_memcmp(x, y, len) != 0)
        fail_msg("memcmp: equal arrays of length %zu (offsets %zu, %zu) compare unequal", len, from, to);
    if (len == 0)
        return;
    check_difference_at(x, y, len, 0);
    check_difference_at(x, y, len, len - 1);
    check_difference_at(x, y, len, len / 2);
    check_difference_at(x, y, len, len - 1 - (from + to) % (len < 8 ? len : 8));
    check_difference_at(x, y, len, (from * 31 + to * 17 + len * 7) % len);
}

static void vana_memcmp_matches_libc_sign_for_every_length_alignment_and_position(void** state)
{
    (void)state;
    static struct buffer a, b;
    fill(&a, 9);
    for (size_t from = 0; from < MAX_ALIGN; from++) {
        for (size_t to = 0; to < MAX_ALIGN; to++) {
            for (size_t len = 0; len <= MAX_LENGTH; len++)
                check_memcmp(at(&a, from), at(&b, to), len, from, to);
        }
    }
}

/* memory.c compares with REPE CMPSB from 2 KiB up on some CPUs: lengths around that, and longer. */
static void vana_memcmp_matches_libc_sign_for_long_arrays(void** state)
{
    (void)state;
    static const size_t lengths[] = {1023, 1024, 1025, 2047, 2048, 2049, 2048 + 63, 4096 + 7, 8192};
    static unsigned char a[8192 + MAX_ALIGN], b[8192 + MAX_ALIGN];
    for (size_t i = 0; i < sizeof(a); i++)
        a[i] = (unsigned char)(i * 131u + 7u);
    for (size_t from = 0; from < MAX_ALIGN; from++) {
        for (size_t to = 0; to < MAX_ALIGN; to++) {
            for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++)
                check_memcmp(a + from, b + to, lengths[l], from, to);
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

/*
 * a sorts first at position first (0x7F < 0x80 as unsigned char), b at
 * each of the next 16 positions: the first difference must decide.
 */
static void check_first_difference_decides(size_t len, size_t first)
{
    static unsigned char a[4096], b[4096];
    for (size_t later = first + 1; later <= first + 16 && later < len; later++) {
        memset(a, 0x55, len);
        memset(b, 0x55, len);
        a[first] = 0x7F;
        b[first] = 0x80;
        a[later] = 0xFF;
        b[later] = 0x00;
        if (vana_memcmp(a, b, len) >= 0 || vana_memcmp(b, a, len) <= 0)
            fail_msg("memcmp of %zu bytes: first difference at %zu lost to the one at %zu", len, first, later);
    }
}

/*
 * Every position of a 160-byte array (eight-word blocks, then single words
 * and bytes), and positions of a 2100-byte one (the REPE CMPSB path on a
 * CPU with FSRC): near its start, its middle and its end.
 */
static void vana_memcmp_decides_on_first_difference_at_every_position(void** state)
{
    (void)state;
    for (size_t first = 0; first < 160; first++)
        check_first_difference_decides(160, first);
    for (size_t first = 0; first < 2100; first += first < 40 || first >= 2060 ? 1 : 97)
        check_first_difference_decides(2100, first);
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
        vana_memmove(vana + align, vana + align + 40, 4000);
        memmove(libc + align, libc + align + 40, 4000);
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
        cmocka_unit_test(vana_memmove_handles_every_overlap_distance),
        cmocka_unit_test(vana_memmove_onto_itself_changes_nothing),
        cmocka_unit_test(vana_memcmp_matches_libc_sign_for_every_length_alignment_and_position),
        cmocka_unit_test(vana_memcmp_matches_libc_sign_for_long_arrays),
        cmocka_unit_test(vana_memcmp_compares_bytes_as_unsigned_char),
        cmocka_unit_test(vana_memcmp_decides_on_first_difference),
        cmocka_unit_test(vana_memcmp_decides_on_first_difference_at_every_position),
        cmocka_unit_test(vana_memcmp_of_zero_bytes_is_zero),
        cmocka_unit_test(vana_functions_handle_page_sized_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
