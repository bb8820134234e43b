#ifndef SERIAL_H
#define SERIAL_H

#include <stdint.h>

/* The I/O ports of the PC's first two serial ports. */
#define SERIAL_COM1 0x3F8
#define SERIAL_COM2 0x2F8

void serial_init(uint16_t port);
void serial_putc(uint16_t port, char c);

#endif
