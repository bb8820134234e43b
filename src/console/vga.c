/*
 * The VGA text screen at physical 0xB8000: 80x25 cells of (character,
 * attribute). A mirror of the serial console for people watching the
 * QEMU window; the kernel reaches it through the identity map.
 */
#include "vga.h"
#include "memory/memory.h"

#include <stdint.h>

#define VGA_BUFFER ((volatile uint16_t*)0xB8000)
#define VGA_WIDTH 80
#define VGA_HEIGHT 25
#define VGA_LIGHT_GREY_ON_BLACK 0x07

static int row, column;

static uint16_t vga_cell(char c)
{
    return (uint16_t)(unsigned char)c | (uint16_t)(VGA_LIGHT_GREY_ON_BLACK << 8);
}

static void vga_scroll(void)
{
    for (int i = 0; i < (VGA_HEIGHT - 1) * VGA_WIDTH; i++)
        VGA_BUFFER[i] = VGA_BUFFER[i + VGA_WIDTH];
    for (int i = 0; i < VGA_WIDTH; i++)
        VGA_BUFFER[(VGA_HEIGHT - 1) * VGA_WIDTH + i] = vga_cell(' ');
    row = VGA_HEIGHT - 1;
}

/**
 * vga_init - clear the screen and put the cursor at the top left.
 *
 * Every cell becomes a light grey space on black.
 */
void vga_init(void)
{
    for (int i = 0; i < VGA_WIDTH * VGA_HEIGHT; i++)
        VGA_BUFFER[i] = vga_cell(' ');
    row = column = 0;
}

/**
 * vga_putc - write one character at the cursor and move it on.
 * @c: the character; '\n' starts the next row, '\b' moves back one column
 * (not past the row's start) without erasing
 *
 * A full row wraps to the next; a character past the last row scrolls the
 * screen up by one.
 */
void vga_putc(char c)
{
    if (c == '\n') {
        column = 0;
        row++;
    } else if (c == '\b') {
        if (column > 0)
            column--;
    } else {
        VGA_BUFFER[row * VGA_WIDTH + column] = vga_cell(c);
        if (++column == VGA_WIDTH) {
            column = 0;
            row++;
        }
    }
    if (row == VGA_HEIGHT)
        vga_scroll();
}
