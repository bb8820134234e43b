/*
 * Hosted tests for user/lib/line.c, the line editor of vsh: what each key
 * does to the line, and what it echoes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "line.h"

/* Everything the editor echoed since the last reset. */
static char echoed[16384];
static size_t echoed_length;

static void capture(void* context, const char* text, size_t length)
{
    (void)context;
    assert_true(echoed_length + length < sizeof(echoed));
    memcpy(echoed + echoed_length, text, length);
    echoed_length += length;
    echoed[echoed_length] = '\0';
}

static struct line_editor editor;

static int setup(void** state)
{
    (void)state;
    line_init(&editor, capture, NULL);
    echoed_length = 0;
    echoed[0] = '\0';
    return 0;
}

/* Feed text; return how many lines it ended (the last one stays in editor.text). */
static int feed(const char* text)
{
    int ended = 0;
    for (; *text; text++) {
        if (line_feed(&editor, *text)) {
            ended++;
            if (text[1])
                line_start(&editor);
        }
    }
    return ended;
}

static void line_typed_text_is_echoed_and_ends_at_enter(void** state)
{
    (void)state;
    assert_int_equal(feed("ps"), 0);
    assert_string_equal(echoed, "ps");
    assert_int_equal(feed("\r"), 1);
    assert_string_equal(editor.text, "ps");
    assert_false(editor.truncated);
    assert_string_equal(echoed, "ps\n");
}

static void line_crlf_ends_one_line(void** state)
{
    (void)state;
    assert_int_equal(feed("a\r\nb\n"), 2);
    assert_string_equal(editor.text, "b");
    assert_string_equal(echoed, "a\nb\n");
}

static void line_backspace_and_delete_erase_one_character(void** state)
{
    (void)state;
    feed("abc\b\177d\n");
    assert_string_equal(editor.text, "ad");
    assert_string_equal(echoed, "abc\b \b\b \bd\n");
}

static void line_backspace_on_an_empty_line_does_nothing(void** state)
{
    (void)state;
    feed("\b\b\x7fx\n");
    assert_string_equal(editor.text, "x");
    assert_string_equal(echoed, "x\n");
}

static void line_control_u_clears_the_line(void** state)
{
    (void)state;
    feed("kill 3\x15ps\n");
    assert_string_equal(editor.text, "ps");
    assert_string_equal(echoed, "kill 3\b \b\b \b\b \b\b \b\b \b\b \bps\n");
}

static void line_up_and_down_walk_the_history(void** state)
{
    (void)state;
    feed("one\ntwo\n");
    line_start(&editor);
    feed("\x1b[A");
    assert_string_equal(editor.text, "two");
    feed("\x1b[A");
    assert_string_equal(editor.text, "one");
    feed("\x1b[A"); /* past the oldest: stays */
    assert_string_equal(editor.text, "one");
    feed("\x1b[B");
    assert_string_equal(editor.text, "two");
    feed("\x1b[B"); /* below the newest: an empty line */
    assert_string_equal(editor.text, "");
    feed("\x1b[A\n");
    assert_string_equal(editor.text, "two");
}

static void line_history_keeps_the_newest_without_repeats(void** state)
{
    (void)state;
    char line[16];
    for (int i = 0; i < LINE_HISTORY + 4; i++) {
        snprintf(line, sizeof(line), "c%d\n", i);
        feed(line);
        line_start(&editor);
    }
    feed("c19\n"); /* the same as the newest: not kept twice */
    line_start(&editor);
    assert_int_equal(editor.history_count, LINE_HISTORY);
    assert_string_equal(editor.history[0], "c19");
    assert_string_equal(editor.history[1], "c18");
    assert_string_equal(editor.history[LINE_HISTORY - 1], "c4");
    for (int i = 0; i < LINE_HISTORY + 3; i++)
        feed("\x1b[A");
    assert_string_equal(editor.text, "c4");
}

static void line_longer_than_the_bound_is_truncated_and_marked(void** state)
{
    (void)state;
    char long_line[LINE_MAX + 100];
    memset(long_line, 'x', sizeof(long_line) - 1);
    long_line[sizeof(long_line) - 1] = '\0';
    feed(long_line);
    assert_int_equal(editor.length, LINE_MAX);
    assert_int_equal(echoed_length, LINE_MAX); /* what was dropped was not echoed */
    assert_int_equal(feed("\n"), 1);
    assert_true(editor.truncated);
    assert_int_equal(strlen(editor.text), LINE_MAX);
    assert_int_equal(editor.history_count, 0); /* a truncated line is not remembered */
    line_start(&editor);
    feed("ok\n");
    assert_false(editor.truncated);
}

static void line_other_escape_sequences_and_controls_are_swallowed(void** state)
{
    (void)state;
    feed("a\x1b[C\x1b[1;5Db\x01\x1bxc\td\n");
    /* ESC x: not a control sequence; x is swallowed with the ESC */
    assert_string_equal(editor.text, "abc d");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(line_typed_text_is_echoed_and_ends_at_enter, setup),
        cmocka_unit_test_setup(line_crlf_ends_one_line, setup),
        cmocka_unit_test_setup(line_backspace_and_delete_erase_one_character, setup),
        cmocka_unit_test_setup(line_backspace_on_an_empty_line_does_nothing, setup),
        cmocka_unit_test_setup(line_control_u_clears_the_line, setup),
        cmocka_unit_test_setup(line_up_and_down_walk_the_history, setup),
        cmocka_unit_test_setup(line_history_keeps_the_newest_without_repeats, setup),
        cmocka_unit_test_setup(line_longer_than_the_bound_is_truncated_and_marked, setup),
        cmocka_unit_test_setup(line_other_escape_sequences_and_controls_are_swallowed, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
