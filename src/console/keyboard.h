#ifndef KEYBOARD_H
#define KEYBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The PS/2 keyboard's interrupt line on the PIC. */
#define KEYBOARD_IRQ 1

/* The longest text one scancode becomes: an arrow key's escape sequence. */
#define KEYBOARD_MAX_TEXT 3

/* The modifier keys held down, and whether an 0xE0 prefix came last. */
struct keyboard_state
{
    bool shift_left, shift_right, control, extended;
};

void keyboard_init(void);
bool keyboard_has_scancode(void);
uint8_t keyboard_read_scancode(void);
size_t keyboard_translate(struct keyboard_state* state, uint8_t scancode, char text[KEYBOARD_MAX_TEXT]);

#endif
