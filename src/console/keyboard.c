/*
 * The PS/2 keyboard behind the 8042 controller: scancodes in, text out.
 *
 * The controller hands each byte the keyboard sends to port 0x60, and
 * raises IRQ 1. The firmware leaves it translating to scancode set 1
 * (IBM PC/XT codes): a key's press is its code, its release the code with
 * bit 7 set, and the keys added later (arrows, right Ctrl) come after an
 * 0xE0 prefix. keyboard_translate turns them into the text a serial
 * terminal would send for the same keys, so that a program reading the
 * console cannot tell the two apart: Enter is '\n', Backspace '\b', Ctrl
 * with a letter its control code (Ctrl-U: 0x15), the arrows "ESC [ A"
 * to "ESC [ D".
 */
#include "keyboard.h"
#include "cpu/io.h"

#define KEYBOARD_DATA 0x60
#define KEYBOARD_STATUS 0x64
#define STATUS_OUTPUT_FULL 0x01 /* a byte waits at KEYBOARD_DATA */

#define SCANCODE_RELEASED 0x80
#define SCANCODE_EXTENDED 0xE0
#define SCANCODE_CONTROL 0x1D
#define SCANCODE_SHIFT_LEFT 0x2A
#define SCANCODE_SHIFT_RIGHT 0x36
#define SCANCODE_UP 0x48
#define SCANCODE_LEFT 0x4B
#define SCANCODE_RIGHT 0x4D
#define SCANCODE_DOWN 0x50

#define ESCAPE '\x1b'

/* Set 1 press codes 0x00-0x39 (a US layout), without and with Shift, sixteen a row; 0: no text. */
// clang-format off
static const char plain[] = {
    0,    ESCAPE, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
    'q',  'w',    'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0,   'a', 's',
    'd',  'f',    'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0,  '\\', 'z', 'x', 'c', 'v',
    'b',  'n',    'm', ',', '.', '/', 0,   '*', 0,   ' ',
};
static const char shifted[] = {
    0,    ESCAPE, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
    'Q',  'W',    'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0,   'A', 'S',
    'D',  'F',    'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0,   '|', 'Z', 'X', 'C', 'V',
    'B',  'N',    'M', '<', '>', '?', 0,   '*', 0,   ' ',
};
// clang-format on
_Static_assert(sizeof(plain) == sizeof(shifted), "one entry per scancode in both tables");

/**
 * keyboard_init - drop whatever the keyboard sent before the kernel listened.
 *
 * Reads port 0x60 until the controller's output buffer is empty.
 */
void keyboard_init(void)
{
    while (keyboard_has_scancode())
        keyboard_read_scancode();
}

/**
 * keyboard_has_scancode - whether a byte from the keyboard waits at the controller.
 *
 * Return: true when the 8042's status (port 0x64) says its output buffer is full.
 */
bool keyboard_has_scancode(void)
{
    return inb(KEYBOARD_STATUS) & STATUS_OUTPUT_FULL;
}

/**
 * keyboard_read_scancode - take the byte waiting at the controller.
 *
 * Context: keyboard_has_scancode said one waits.
 * Return: the byte at port 0x60: a set 1 scancode or the 0xE0 prefix.
 */
uint8_t keyboard_read_scancode(void)
{
    return inb(KEYBOARD_DATA);
}

/* The escape sequence of an arrow key (after 0xE0), or 0. */
static char arrow_letter(uint8_t code)
{
    switch (code) {
    case SCANCODE_UP:
        return 'A';
    case SCANCODE_DOWN:
        return 'B';
    case SCANCODE_RIGHT:
        return 'C';
    case SCANCODE_LEFT:
        return 'D';
    default:
        return 0;
    }
}

/**
 * keyboard_translate - the text one scancode adds, given the keys held.
 * @state: the modifiers and prefix so far; updated
 * @scancode: the next byte from the keyboard (set 1)
 * @text: room for KEYBOARD_MAX_TEXT characters
 * Return: how many characters were stored in text (0 for a release, a
 * modifier, a prefix or a key without text).
 */
size_t keyboard_translate(struct keyboard_state* state, uint8_t scancode, char text[KEYBOARD_MAX_TEXT])
{
    bool extended = state->extended;
    bool released = scancode & SCANCODE_RELEASED;
    uint8_t code = scancode & (uint8_t)~SCANCODE_RELEASED;

    state->extended = scancode == SCANCODE_EXTENDED;
    if (state->extended)
        return 0;
    if (code == SCANCODE_CONTROL) { /* left Ctrl, or right Ctrl after 0xE0 */
        state->control = !released;
        return 0;
    }
    if (code == SCANCODE_SHIFT_LEFT && !extended) {
        state->shift_left = !released;
        return 0;
    }
    if (code == SCANCODE_SHIFT_RIGHT && !extended) {
        state->shift_right = !released;
        return 0;
    }
    if (released)
        return 0;
    if (extended) {
        char letter = arrow_letter(code);
        if (!letter)
            return 0;
        text[0] = ESCAPE;
        text[1] = '[';
        text[2] = letter;
        return 3;
    }
    if (code >= sizeof(plain) || !plain[code])
        return 0;
    char c = (state->shift_left || state->shift_right) ? shifted[code] : plain[code];
    if (state->control && c >= '@' && c <= '~')
        c &= 0x1F; /* Ctrl-A is 0x01, Ctrl-U 0x15: the ASCII control codes */
    text[0] = c;
    return 1;
}
