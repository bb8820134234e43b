/* The console's input side: PS/2 scancodes (set 1) become the text a serial terminal sends. */
#include "console/keyboard.h"
#include "ktest.h"
#include "lib/string.h"
#include "memory/memory.h"

/* Translate codes in order; the text they give, terminated, in out. */
static void translate(const uint8_t* codes, size_t count, char* out, size_t size)
{
    struct keyboard_state state = {0};
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        char text[KEYBOARD_MAX_TEXT];
        size_t length = keyboard_translate(&state, codes[i], text);
        for (size_t j = 0; j < length && used + 1 < size; j++)
            out[used++] = text[j];
    }
    out[used] = '\0';
}

static void keyboard_letters_digits_and_enter(void)
{
    /* p s space 1 Enter, each pressed and released */
    const uint8_t codes[] = {0x19, 0x99, 0x1F, 0x9F, 0x39, 0xB9, 0x02, 0x82, 0x1C, 0x9C};
    char out[16];
    translate(codes, sizeof(codes), out, sizeof(out));
    KTEST_EXPECT(strcmp(out, "ps 1\n") == 0);
}

static void keyboard_shift_gives_capitals_and_symbols_while_held(void)
{
    /* left Shift down, a, 1, right Shift down, left up, b, right up, c */
    const uint8_t codes[] = {0x2A, 0x1E, 0x02, 0x36, 0xAA, 0x30, 0xB6, 0x2E};
    char out[16];
    translate(codes, sizeof(codes), out, sizeof(out));
    KTEST_EXPECT(strcmp(out, "A!Bc") == 0);
}

static void keyboard_control_with_a_letter_is_its_control_code(void)
{
    /* Ctrl down, u, Ctrl up, u; then right Ctrl (0xE0 0x1D), c */
    const uint8_t codes[] = {0x1D, 0x16, 0x9D, 0x16, 0xE0, 0x1D, 0x2E};
    char out[16];
    translate(codes, sizeof(codes), out, sizeof(out));
    KTEST_EXPECT(strcmp(out, "\x15u\x03") == 0);
}

static void keyboard_arrows_are_terminal_escape_sequences(void)
{
    /* up, down (each 0xE0 then the code, and the release likewise), right, left */
    const uint8_t codes[] = {0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0x50, 0xE0, 0x4D, 0xE0, 0x4B};
    char out[16];
    translate(codes, sizeof(codes), out, sizeof(out));
    KTEST_EXPECT(strcmp(out, "\x1b[A\x1b[B\x1b[C\x1b[D") == 0);
}

static void keyboard_backspace_and_keys_without_text(void)
{
    /* Backspace, F1 (0x3B: no text), keypad 8 after 0xE0 is not an arrow... 0xE0 0x1C is keypad Enter */
    const uint8_t codes[] = {0x0E, 0x3B, 0x58, 0xE0, 0x1C, 0x7F};
    char out[16];
    translate(codes, sizeof(codes), out, sizeof(out));
    KTEST_EXPECT(strcmp(out, "\b") == 0);
}

static const struct ktest_case console_cases[] = {
    {"keyboard_letters_digits_and_enter", keyboard_letters_digits_and_enter},
    {"keyboard_shift_gives_capitals_and_symbols_while_held", keyboard_shift_gives_capitals_and_symbols_while_held},
    {"keyboard_control_with_a_letter_is_its_control_code", keyboard_control_with_a_letter_is_its_control_code},
    {"keyboard_arrows_are_terminal_escape_sequences", keyboard_arrows_are_terminal_escape_sequences},
    {"keyboard_backspace_and_keys_without_text", keyboard_backspace_and_keys_without_text},
};
KTEST_SUITE(console_ktest, console_cases);
