#ifndef SERIAL_H
#define SERIAL_H

#include <stdbool.h>
#include <stdint.h>

/* The I/O ports of the PC's first two serial ports. */
#define SERIAL_COM1 0x3F8
#define SERIAL_COM2 0x2F8

void serial_init(uint16_t port);
void serial_putc(uint16_t port, char c);
bool serial_received(uint16_t port);
char serial_getc(uint16_t port);
void serial_receive_interrupt(uint16_t port, bool on);

/* COM1's interrupt line on the PIC. */
#define SERIAL_COM1_IRQ 4

#endif
