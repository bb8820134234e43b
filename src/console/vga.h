#ifndef VGA_H
#define VGA_H

void vga_init(void);
void vga_putc(char c);

#endif
