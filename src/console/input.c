/*
 * Console input: what is typed on COM1 and on the PS/2 keyboard, kept in
 * one small ring until a program reads it (system call 13, read).
 *
 * The interrupt handlers fill the ring, the reader empties it; the kernel
 * runs with interrupts off, so the two never run at once and the ring
 * needs no lock. The kernel does no echo and no line editing: a program
 * gets the characters as they came, and a shell (user/programs/vsh.c)
 * edits its own lines.
 *
 * When the ring is full the two sources behave differently. Keys pressed
 * on the keyboard are dropped (a person who typed CONSOLE_INPUT_SIZE
 * characters ahead of the reader sees them missing). Serial input is not
 * lost: the COM1 interrupt is paused while the ring is full, the UART's
 * own FIFO fills, and QEMU stops reading its side until the reader makes
 * room; then the interrupt comes back. A script piped into the console
 * arrives whole.
 */
#include "input.h"
#include "cpu/pic.h"
#include "keyboard.h"
#include "serial.h"

static char ring[CONSOLE_INPUT_SIZE];
static size_t ring_start, ring_count;
static struct keyboard_state keyboard;
static bool serial_paused;

static void ring_put(char c)
{
    ring[(ring_start + ring_count) % CONSOLE_INPUT_SIZE] = c;
    ring_count++;
}

/**
 * console_input_init - listen to COM1 and the keyboard.
 *
 * Drops what the keyboard sent before, turns on COM1's receive interrupt
 * and unmasks IRQ 4 (COM1) and IRQ 1 (the keyboard).
 * Context: after pic_init, before the first process runs.
 */
void console_input_init(void)
{
    keyboard_init();
    serial_receive_interrupt(SERIAL_COM1, true);
    pic_unmask(KEYBOARD_IRQ);
    pic_unmask(SERIAL_COM1_IRQ);
}

/* Move the bytes COM1 received into the ring, while it has room; pause COM1's interrupt when it has none. */
static void console_input_serial(void)
{
    while (ring_count < CONSOLE_INPUT_SIZE && serial_received(SERIAL_COM1))
        ring_put(serial_getc(SERIAL_COM1));
    if (ring_count == CONSOLE_INPUT_SIZE && serial_received(SERIAL_COM1)) {
        serial_receive_interrupt(SERIAL_COM1, false);
        serial_paused = true;
    }
}

/* Translate the keyboard's scancodes; text that does not fit whole is dropped, so no escape sequence is cut. */
static void console_input_keyboard(void)
{
    while (keyboard_has_scancode()) {
        char text[KEYBOARD_MAX_TEXT];
        size_t length = keyboard_translate(&keyboard, keyboard_read_scancode(), text);
        if (CONSOLE_INPUT_SIZE - ring_count < length)
            continue;
        for (size_t i = 0; i < length; i++)
            ring_put(text[i]);
    }
}

/**
 * console_input_irq - take what COM1 (IRQ 4) or the keyboard (IRQ 1) has.
 * @irq: the IRQ that came
 * Context: interrupt handler, interrupts off.
 * Return: true when the ring holds characters for a reader.
 */
bool console_input_irq(int irq)
{
    if (irq == SERIAL_COM1_IRQ)
        console_input_serial();
    else if (irq == KEYBOARD_IRQ)
        console_input_keyboard();
    else
        return false;
    return ring_count > 0;
}

/**
 * console_input_read - take up to max characters from the ring, oldest first.
 * @out: room for max characters
 * @max: the most to take
 * Context: interrupts off.
 * Return: how many were taken; 0 when the ring is empty.
 */
size_t console_input_read(char* out, size_t max)
{
    size_t taken = 0;
    while (taken < max && ring_count > 0) {
        out[taken++] = ring[ring_start];
        ring_start = (ring_start + 1) % CONSOLE_INPUT_SIZE;
        ring_count--;
    }
    if (taken > 0 && serial_paused) {
        serial_paused = false;
        serial_receive_interrupt(SERIAL_COM1, true); /* raised at once if bytes wait */
    }
    return taken;
}
