/*
 * COM1, the console that tests and people read: QEMU connects it to the
 * terminal (-serial stdio). A 16550 UART at I/O port 0x3F8.
 */
#include "serial.h"
#include "cpu/io.h"

#define COM1 0x3F8
#define UART_DATA 0              /* transmit holding register (DLAB=0) */
#define UART_INTERRUPT_ENABLE 1
#define UART_DIVISOR_LOW 0       /* with DLAB=1 */
#define UART_DIVISOR_HIGH 1
#define UART_FIFO_CONTROL 2
#define UART_LINE_CONTROL 3
#define UART_MODEM_CONTROL 4
#define UART_LINE_STATUS 5

#define LINE_DLAB 0x80
#define LINE_8N1 0x03
#define LINE_STATUS_TX_EMPTY 0x20

void serial_init(void)
{
    outb(COM1 + UART_INTERRUPT_ENABLE, 0);          /* we poll; no UART interrupts */
    outb(COM1 + UART_LINE_CONTROL, LINE_DLAB);
    outb(COM1 + UART_DIVISOR_LOW, 1);               /* 115200 / 1 = 115200 baud */
    outb(COM1 + UART_DIVISOR_HIGH, 0);
    outb(COM1 + UART_LINE_CONTROL, LINE_8N1);
    outb(COM1 + UART_FIFO_CONTROL, 0xC7);           /* enable and clear FIFOs */
    outb(COM1 + UART_MODEM_CONTROL, 0x03);          /* DTR and RTS */
}

void serial_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    while (!(inb(COM1 + UART_LINE_STATUS) & LINE_STATUS_TX_EMPTY))
        ;
    outb(COM1 + UART_DATA, (uint8_t)c);
}
