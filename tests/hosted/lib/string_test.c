/*
 * Hosted tests for src/lib/string.c, compared with the C library.
 *
 * string.c defines strlen & co. under the C library's names. It and this
 * file are built with -Dstrlen=vana_strlen (and so on for every function
 * string.c defines), so lib/string.h below declares Vana's functions as
 * vana_*. The macros are then dropped, and <string.h>, included after
 * that, declares the C library's functions under their own names: a test
 * calls vana_strlen for Vana's answer and strlen for the reference.
 *
 * glibc has no strlcpy before 2.38, so strlcpy is checked against the BSD
 * contract directly, as are string_next_word and string_has_word, which
 * have no C library counterpart.
 *
 * Strings are copied into heap blocks of exactly their size, so ASan
 * reports any read past the terminator (or past n where no terminator is
 * promised).
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */

#include "lib/string.h"
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strcpy
#undef strcat
#undef strlcpy

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Empty, short, long, with spaces and control bytes, and with bytes >= 0x80
   that differ in sign between char and unsigned char. */
static const char* const corpus[] = {
    "",
    "a",
    "b",
    "z",
    "ab",
    "abc",
    "abd",
    "abcd",
    "abc ",
    " abc",
    "aba",
    "hello, world",
    "a b a b",
    "\t\n\r",
    "\x01",
    "\x7f",
    "\x80",
    "\xff",
    "a\x80",
    "a\xff",
    "\xff\x01",
    "\x80\x7f\x80",
    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_",
};

/* A heap copy of s in a block of exactly strlen(s) + 1 bytes. */
static char* exact_copy(const char* s)
{
    size_t size = strlen(s) + 1;
    char* copy = malloc(size);
    assert_non_null(copy);
    memcpy(copy, s, size);
    return copy;
}

static int sign(int value)
{
    return (value > 0) - (value < 0);
}

/* A pattern that differs at every position, so a stray write shows. */
static void fill(char* buffer, size_t size)
{
    for (size_t i = 0; i < size; i++)
        buffer[i] = (char)(0xA5 ^ (i * 37u));
}

static void strlen_matches_libc_for_every_suffix(void** state)
{
    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(corpus); k++) {
        char* s = exact_copy(corpus[k]);
        for (size_t i = 0; i <= strlen(s); i++)
            assert_int_equal(vana_strlen(s + i), strlen(s + i));
        free(s);
    }
}

static void strnlen_matches_libc_for_every_suffix_and_max(void** state)
{
    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(corpus); k++) {
        char* s = exact_copy(corpus[k]);
        size_t length = strlen(s);
        for (size_t i = 0; i <= length; i++) {
            for (size_t max = 0; max <= length + 2; max++)
                assert_int_equal(vana_strnlen(s + i, max), strnlen(s + i, max));
            assert_int_equal(vana_strnlen(s + i, SIZE_MAX), strnlen(s + i, SIZE_MAX));
        }
        free(s);
    }
}

static void strnlen_reads_no_more_than_max_bytes(void** state)
{
    (void)state;
    /* No terminator: ASan reports a read of the byte after the block. */
    char* s = malloc(5);
    assert_non_null(s);
    memcpy(s, "hello", 5);
    assert_int_equal(vana_strnlen(s, 5), 5);
    assert_int_equal(vana_strnlen(s, 3), 3);
    assert_int_equal(vana_strnlen(s, 0), 0);
    free(s);
}

static void strcmp_matches_libc_sign_for_every_pair(void** state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(corpus); i++) {
        char* a = exact_copy(corpus[i]);
        for (size_t j = 0; j < ARRAY_SIZE(corpus); j++) {
            char* b = exact_copy(corpus[j]);
            assert_int_equal(sign(vana_strcmp(a, b)), sign(strcmp(a, b)));
            free(b);
        }
        free(a);
    }
}

static void strcmp_compares_as_unsigned_char(void** state)
{
    (void)state;
    /* As signed char, 0x80 and 0xff would sort before 'a'. */
    assert_true(vana_strcmp("\x80", "a") > 0);
    assert_true(vana_strcmp("a", "\xff") < 0);
    assert_true(vana_strcmp("\x7f", "\x80") < 0);
    assert_true(vana_strcmp("\xff", "\x80") > 0);
}

static void strcmp_orders_a_prefix_before_the_longer_string(void** state)
{
    (void)state;
    assert_true(vana_strcmp("ab", "abc") < 0);
    assert_true(vana_strcmp("abc", "ab") > 0);
    assert_true(vana_strcmp("", "a") < 0);
    assert_int_equal(vana_strcmp("", ""), 0);
    assert_int_equal(vana_strcmp("same", "same"), 0);
}

static void strncmp_matches_libc_sign_for_every_pair_and_n(void** state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(corpus); i++) {
        char* a = exact_copy(corpus[i]);
        for (size_t j = 0; j < ARRAY_SIZE(corpus); j++) {
            char* b = exact_copy(corpus[j]);
            size_t longest = strlen(a) > strlen(b) ? strlen(a) : strlen(b);
            for (size_t n = 0; n <= longest + 2; n++)
                assert_int_equal(sign(vana_strncmp(a, b, n)), sign(strncmp(a, b, n)));
            assert_int_equal(sign(vana_strncmp(a, b, SIZE_MAX)), sign(strncmp(a, b, SIZE_MAX)));
            free(b);
        }
        free(a);
    }
}

static void strncmp_compares_as_unsigned_char(void** state)
{
    (void)state;
    assert_true(vana_strncmp("x\x80", "xa", 2) > 0);
    assert_true(vana_strncmp("xa", "x\xff", 2) < 0);
    /* The difference lies past n, so it does not count. */
    assert_int_equal(vana_strncmp("x\x80", "xa", 1), 0);
}

static void strncmp_reads_no_more_than_n_bytes(void** state)
{
    (void)state;
    /* Unterminated blocks: ASan reports a read of the byte after either. */
    char* a = malloc(3);
    char* b = malloc(3);
    assert_non_null(a);
    assert_non_null(b);
    memcpy(a, "abc", 3);
    memcpy(b, "abc", 3);
    assert_int_equal(vana_strncmp(a, b, 3), 0);
    b[2] = 'd';
    assert_true(vana_strncmp(a, b, 3) < 0);
    assert_int_equal(vana_strncmp(a, b, 2), 0);
    assert_int_equal(vana_strncmp(a, b, 0), 0);
    free(a);
    free(b);
}

static void strncmp_stops_at_the_terminator(void** state)
{
    (void)state;
    /* Equal up to and including the terminator: what follows is not string. */
    assert_int_equal(vana_strncmp("ab\0x", "ab\0y", 4), 0);
    assert_int_equal(vana_strcmp("ab\0x", "ab\0y"), 0);
}

static void strchr_matches_libc_for_every_suffix_and_character(void** state)
{
    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(corpus); k++) {
        char* s = exact_copy(corpus[k]);
        for (size_t i = 0; i <= strlen(s); i++) {
            /* Beyond a char's range too: both convert c to char. */
            for (int c = -300; c <= 300; c++)
                assert_ptr_equal(vana_strchr(s + i, c), strchr(s + i, c));
        }
        free(s);
    }
}

static void strchr_finds_the_terminator(void** state)
{
    (void)state;
    const char* s = "abc";
    const char* empty = "";
    assert_ptr_equal(vana_strchr(s, '\0'), s + 3);
    assert_ptr_equal(vana_strchr(empty, '\0'), empty);
}

static void strchr_returns_the_first_occurrence(void** state)
{
    (void)state;
    const char* s = "banana";
    assert_ptr_equal(vana_strchr(s, 'a'), s + 1);
    assert_ptr_equal(vana_strchr(s, 'b'), s);
    assert_null(vana_strchr(s, 'x'));
}

static void strrchr_matches_libc_for_every_suffix_and_character(void** state)
{
    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(corpus); k++) {
        char* s = exact_copy(corpus[k]);
        for (size_t i = 0; i <= strlen(s); i++) {
            for (int c = -300; c <= 300; c++)
                assert_ptr_equal(vana_strrchr(s + i, c), strrchr(s + i, c));
        }
        free(s);
    }
}

static void strrchr_returns_the_last_occurrence(void** state)
{
    (void)state;
    const char* s = "banana";
    assert_ptr_equal(vana_strrchr(s, 'a'), s + 5);
    assert_ptr_equal(vana_strrchr(s, 'b'), s);
    assert_ptr_equal(vana_strrchr(s, '\0'), s + 6);
    assert_null(vana_strrchr(s, 'x'));
}

static void strcpy_matches_libc_for_every_string_and_offset(void** state)
{
    (void)state;
    char vana[128], libc[128];
    for (size_t k = 0; k < ARRAY_SIZE(corpus); k++) {
        for (size_t offset = 0; offset < 8; offset++) {
            fill(vana, sizeof(vana));
            fill(libc, sizeof(libc));
            assert_ptr_equal(vana_strcpy(vana + offset, corpus[k]), vana + offset);
            strcpy(libc + offset, corpus[k]);
            assert_memory_equal(vana, libc, sizeof(vana));
        }
    }
}

static void strcpy_writes_exactly_length_plus_one_bytes(void** state)
{
    (void)state;
    /* A block of exactly the size needed: ASan reports a write past it. */
    for (size_t k = 0; k < ARRAY_SIZE(corpus); k++) {
        char* src = exact_copy(corpus[k]);
        char* dest = malloc(strlen(src) + 1);
        assert_non_null(dest);
        assert_ptr_equal(vana_strcpy(dest, src), dest);
        assert_string_equal(dest, src);
        free(dest);
        free(src);
    }
}

static void strcat_matches_libc_for_every_pair(void** state)
{
    (void)state;
    char vana[256], libc[256];
    for (size_t i = 0; i < ARRAY_SIZE(corpus); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(corpus); j++) {
            fill(vana, sizeof(vana));
            fill(libc, sizeof(libc));
            strcpy(vana + 1, corpus[i]);
            strcpy(libc + 1, corpus[i]);
            assert_ptr_equal(vana_strcat(vana + 1, corpus[j]), vana + 1);
            strcat(libc + 1, corpus[j]);
            assert_memory_equal(vana, libc, sizeof(vana));
        }
    }
}

static void strcat_onto_empty_string_copies(void** state)
{
    (void)state;
    char dest[8] = "";
    assert_ptr_equal(vana_strcat(dest, "abc"), dest);
    assert_string_equal(dest, "abc");
    assert_ptr_equal(vana_strcat(dest, ""), dest);
    assert_string_equal(dest, "abc");
}

static void strlcpy_follows_the_bsd_contract_for_every_size(void** state)
{
    (void)state;
    char dest[128], before[128];
    for (size_t k = 0; k < ARRAY_SIZE(corpus); k++) {
        const char* src = corpus[k];
        size_t length = strlen(src);
        for (size_t size = 0; size <= length + 3; size++) {
            fill(dest, sizeof(dest));
            memcpy(before, dest, sizeof(dest));
            assert_int_equal(vana_strlcpy(dest, src, size), length);
            if (size == 0) {
                assert_memory_equal(dest, before, sizeof(dest));
                continue;
            }
            /* The longest prefix that fits, terminated; nothing after. */
            size_t copied = length < size - 1 ? length : size - 1;
            assert_memory_equal(dest, src, copied);
            assert_int_equal(dest[copied], '\0');
            assert_memory_equal(dest + copied + 1, before + copied + 1, sizeof(dest) - copied - 1);
        }
    }
}

static void strlcpy_returns_source_length_when_truncating(void** state)
{
    (void)state;
    char dest[4];
    assert_int_equal(vana_strlcpy(dest, "hello", sizeof(dest)), 5);
    assert_string_equal(dest, "hel");
}

static void strlcpy_always_terminates_when_size_is_positive(void** state)
{
    (void)state;
    char dest[1] = {'x'};
    assert_int_equal(vana_strlcpy(dest, "abc", 1), 3);
    assert_int_equal(dest[0], '\0');
}

static void strlcpy_writes_nothing_when_size_is_zero(void** state)
{
    (void)state;
    char dest[2] = {'x', 'y'};
    assert_int_equal(vana_strlcpy(dest, "abc", 0), 3);
    assert_int_equal(dest[0], 'x');
    assert_int_equal(dest[1], 'y');
}

static void strlcpy_writes_no_more_than_size_bytes(void** state)
{
    (void)state;
    /* Blocks of exactly size bytes: ASan reports a write past them. */
    for (size_t size = 1; size <= 12; size++) {
        char* dest = malloc(size);
        assert_non_null(dest);
        assert_int_equal(vana_strlcpy(dest, "hello world", size), 11);
        assert_int_equal(strlen(dest), size - 1 < 11 ? size - 1 : 11);
        free(dest);
    }
}

/* string_next_word */

static void string_next_word_returns_null_for_empty_string(void** state)
{
    (void)state;
    size_t length = 99;
    assert_null(string_next_word("", &length));
}

static void string_next_word_returns_null_when_only_spaces_remain(void** state)
{
    (void)state;
    size_t length = 99;
    assert_null(string_next_word(" ", &length));
    assert_null(string_next_word("     ", &length));
}

static void string_next_word_returns_first_word_and_its_length(void** state)
{
    (void)state;
    const char* s = "hello world";
    size_t length = 0;
    assert_ptr_equal(string_next_word(s, &length), s);
    assert_int_equal(length, 5);
}

static void string_next_word_skips_leading_spaces(void** state)
{
    (void)state;
    const char* s = "   ktest";
    size_t length = 0;
    assert_ptr_equal(string_next_word(s, &length), s + 3);
    assert_int_equal(length, 5);
}

static void string_next_word_ends_a_word_at_the_terminator(void** state)
{
    (void)state;
    const char* s = "single";
    size_t length = 0;
    assert_ptr_equal(string_next_word(s, &length), s);
    assert_int_equal(length, 6);
    assert_null(string_next_word(s + length, &length));
}

static void string_next_word_walks_every_word_across_multiple_spaces(void** state)
{
    (void)state;
    const char* s = "  a bb   ccc    dddd  ";
    const char* const words[] = {"a", "bb", "ccc", "dddd"};
    size_t count = 0, length;
    for (const char* w = string_next_word(s, &length); w; w = string_next_word(w + length, &length)) {
        assert_true(count < ARRAY_SIZE(words));
        assert_int_equal(length, strlen(words[count]));
        assert_memory_equal(w, words[count], length);
        count++;
    }
    assert_int_equal(count, ARRAY_SIZE(words));
}

static void string_next_word_separates_only_on_space(void** state)
{
    (void)state;
    /* Tabs and newlines are part of a word; only ' ' separates. */
    const char* s = "a\tb\nc d";
    size_t length = 0;
    assert_ptr_equal(string_next_word(s, &length), s);
    assert_int_equal(length, 5);
    const char* tab_first = "\tword";
    assert_ptr_equal(string_next_word(tab_first, &length), tab_first);
    assert_int_equal(length, 5);
}

/* string_has_word */

static void string_has_word_finds_first_middle_and_last_word(void** state)
{
    (void)state;
    const char* list = "quiet ktest debug";
    assert_true(string_has_word(list, "quiet"));
    assert_true(string_has_word(list, "ktest"));
    assert_true(string_has_word(list, "debug"));
}

static void string_has_word_finds_the_only_word(void** state)
{
    (void)state;
    assert_true(string_has_word("ktest", "ktest"));
}

static void string_has_word_ignores_leading_trailing_and_repeated_spaces(void** state)
{
    (void)state;
    const char* list = "   quiet    ktest  debug   ";
    assert_true(string_has_word(list, "quiet"));
    assert_true(string_has_word(list, "ktest"));
    assert_true(string_has_word(list, "debug"));
}

static void string_has_word_does_not_match_a_prefix_of_a_word(void** state)
{
    (void)state;
    assert_false(string_has_word("ktest", "kte"));
    assert_false(string_has_word("quiet ktest", "k"));
    assert_false(string_has_word("ktest quiet", "kte"));
}

static void string_has_word_does_not_match_a_suffix_of_a_word(void** state)
{
    (void)state;
    assert_false(string_has_word("ktest", "test"));
    assert_false(string_has_word("quiet ktest", "est"));
}

static void string_has_word_does_not_match_a_word_longer_than_any_listed(void** state)
{
    (void)state;
    assert_false(string_has_word("ktest", "ktests"));
    assert_false(string_has_word("kte ktest", "ktest2"));
}

static void string_has_word_finds_a_word_after_a_longer_one_it_prefixes(void** state)
{
    (void)state;
    /* "kte" first fails against "ktest", then matches its own entry. */
    assert_true(string_has_word("ktest kte", "kte"));
}

static void string_has_word_finds_nothing_in_an_empty_list(void** state)
{
    (void)state;
    assert_false(string_has_word("", "ktest"));
    assert_false(string_has_word("    ", "ktest"));
}

static void string_has_word_never_finds_the_empty_word(void** state)
{
    (void)state;
    assert_false(string_has_word("", ""));
    assert_false(string_has_word("a b", ""));
    assert_false(string_has_word("  ", ""));
}

static void string_has_word_is_case_sensitive(void** state)
{
    (void)state;
    assert_false(string_has_word("KTest", "ktest"));
    assert_true(string_has_word("KTest", "KTest"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strlen_matches_libc_for_every_suffix),
        cmocka_unit_test(strnlen_matches_libc_for_every_suffix_and_max),
        cmocka_unit_test(strnlen_reads_no_more_than_max_bytes),
        cmocka_unit_test(strcmp_matches_libc_sign_for_every_pair),
        cmocka_unit_test(strcmp_compares_as_unsigned_char),
        cmocka_unit_test(strcmp_orders_a_prefix_before_the_longer_string),
        cmocka_unit_test(strncmp_matches_libc_sign_for_every_pair_and_n),
        cmocka_unit_test(strncmp_compares_as_unsigned_char),
        cmocka_unit_test(strncmp_reads_no_more_than_n_bytes),
        cmocka_unit_test(strncmp_stops_at_the_terminator),
        cmocka_unit_test(strchr_matches_libc_for_every_suffix_and_character),
        cmocka_unit_test(strchr_finds_the_terminator),
        cmocka_unit_test(strchr_returns_the_first_occurrence),
        cmocka_unit_test(strrchr_matches_libc_for_every_suffix_and_character),
        cmocka_unit_test(strrchr_returns_the_last_occurrence),
        cmocka_unit_test(strcpy_matches_libc_for_every_string_and_offset),
        cmocka_unit_test(strcpy_writes_exactly_length_plus_one_bytes),
        cmocka_unit_test(strcat_matches_libc_for_every_pair),
        cmocka_unit_test(strcat_onto_empty_string_copies),
        cmocka_unit_test(strlcpy_follows_the_bsd_contract_for_every_size),
        cmocka_unit_test(strlcpy_returns_source_length_when_truncating),
        cmocka_unit_test(strlcpy_always_terminates_when_size_is_positive),
        cmocka_unit_test(strlcpy_writes_nothing_when_size_is_zero),
        cmocka_unit_test(strlcpy_writes_no_more_than_size_bytes),
        cmocka_unit_test(string_next_word_returns_null_for_empty_string),
        cmocka_unit_test(string_next_word_returns_null_when_only_spaces_remain),
        cmocka_unit_test(string_next_word_returns_first_word_and_its_length),
        cmocka_unit_test(string_next_word_skips_leading_spaces),
        cmocka_unit_test(string_next_word_ends_a_word_at_the_terminator),
        cmocka_unit_test(string_next_word_walks_every_word_across_multiple_spaces),
        cmocka_unit_test(string_next_word_separates_only_on_space),
        cmocka_unit_test(string_has_word_finds_first_middle_and_last_word),
        cmocka_unit_test(string_has_word_finds_the_only_word),
        cmocka_unit_test(string_has_word_ignores_leading_trailing_and_repeated_spaces),
        cmocka_unit_test(string_has_word_does_not_match_a_prefix_of_a_word),
        cmocka_unit_test(string_has_word_does_not_match_a_suffix_of_a_word),
        cmocka_unit_test(string_has_word_does_not_match_a_word_longer_than_any_listed),
        cmocka_unit_test(string_has_word_finds_a_word_after_a_longer_one_it_prefixes),
        cmocka_unit_test(string_has_word_finds_nothing_in_an_empty_list),
        cmocka_unit_test(string_has_word_never_finds_the_empty_word),
        cmocka_unit_test(string_has_word_is_case_sensitive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
