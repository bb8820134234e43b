/*
 * The serial ports: 16550 UARTs. COM1 (0x3F8) is the console people read;
 * QEMU connects it to the terminal (-serial stdio). COM2 (0x2F8) carries
 * the kernel's lines alone (console.c); QEMU connects it to a second
 * -serial, or to nothing.
 *
 * Output is polled. Input on COM1 comes by interrupt (IRQ 4), once
 * serial_receive_enable is called: console_input.c drains the receiver
 * into its ring, and pauses the interrupt while the ring is full, so that
 * the UART's receiver fills and QEMU stops reading its side: nothing typed
 * or piped in is lost, not even what arrives before the kernel starts
 * (serial_init).
 */
#include "serial.h"
#include "cpu/io.h"

#include <stdbool.h>

#define UART_DATA 0              /* transmit holding register (DLAB=0) */
#define UART_INTERRUPT_ENABLE 1
#define UART_DIVISOR_LOW 0       /* with DLAB=1 */
#define UART_DIVISOR_HIGH 1
#define UART_FIFO_CONTROL 2       /* written */
#define UART_INTERRUPT_IDENTIFICATION 2  /* read */
#define UART_LINE_CONTROL 3
#define UART_MODEM_CONTROL 4
#define UART_LINE_STATUS 5

#define LINE_DLAB 0x80
#define LINE_8N1 0x03
#define LINE_STATUS_DATA_READY 0x01
#define LINE_STATUS_TX_EMPTY 0x20
#define INTERRUPT_RECEIVED_DATA 0x01  /* interrupt enable: a byte waits in the receive FIFO */

/*
 * FIFO control: FIFOs on, with an interrupt at every received byte. The
 * identification register's top two bits are set while they are on.
 */
#define FIFO_ENABLE_TRIGGER_1 0x01
#define IDENTIFICATION_FIFOS_ON 0xC0

#define UART_SCRATCH 7

/* Ports with a UART behind them; writes to the others are dropped. */
static bool com1_present, com2_present;

static bool *serial_present(uint16_t port)
{
    return port == SERIAL_COM1 ? &com1_present : &com2_present;
}

/**
 * serial_init - set up a UART for 115200 baud, 8N1, polled.
 * @port: SERIAL_COM1 or SERIAL_COM2
 *
 * A port where no UART answers (its scratch register does not keep a byte)
 * is left alone, and serial_putc to it does nothing: an absent port may
 * read as 0 or as 0xFF, and waiting on its status register could hang
 * forever. Its interrupt stays off until serial_receive_interrupt.
 */
void serial_init(uint16_t port)
{
    outb(port + UART_SCRATCH, 0xA5);
    *serial_present(port) = inb(port + UART_SCRATCH) == 0xA5;
    if (!*serial_present(port))
        return;
    outb(port + UART_INTERRUPT_ENABLE, 0);          /* none until serial_receive_interrupt */
    outb(port + UART_LINE_CONTROL, LINE_DLAB);
    outb(port + UART_DIVISOR_LOW, 1);               /* 115200 / 1 = 115200 baud */
    outb(port + UART_DIVISOR_HIGH, 0);
    outb(port + UART_LINE_CONTROL, LINE_8N1);
    /*
     * The FIFOs stay as the firmware left them. Turning them on or off
     * empties the receiver (the FIFO-enable bit changing clears both
     * FIFOs, on QEMU's 16550 as on the chip), and input piped in before
     * the kernel started waits there: turned on here, "ps" arrived as
     * "s". QEMU's firmware leaves them off: one byte waits in the receiver
     * and QEMU sends the next once it is read. Left on, they are set to
     * interrupt at every byte, which changes no enable bit.
     */
    if ((inb(port + UART_INTERRUPT_IDENTIFICATION) & IDENTIFICATION_FIFOS_ON) == IDENTIFICATION_FIFOS_ON)
        outb(port + UART_FIFO_CONTROL, FIFO_ENABLE_TRIGGER_1);
    outb(port + UART_MODEM_CONTROL, 0x0B);          /* DTR, RTS, and OUT2, which gates the IRQ line on a PC */
}

/**
 * serial_putc - send one character once the transmitter is empty.
 * @port: SERIAL_COM1 or SERIAL_COM2
 * @c: the character; a line feed is sent as a carriage return and a line feed
 *
 * Polled: it waits for the transmit holding register to empty. Nothing
 * happens on a port where serial_init found no UART.
 */
void serial_putc(uint16_t port, char c)
{
    if (!*serial_present(port))
        return;
    if (c == '\n')
        serial_putc(port, '\r');
    while (!(inb(port + UART_LINE_STATUS) & LINE_STATUS_TX_EMPTY))
        ;
    outb(port + UART_DATA, (uint8_t)c);
}

/**
 * serial_received - whether a received byte waits at a port.
 * @port: SERIAL_COM1 or SERIAL_COM2
 *
 * Return: true when the line status says data is ready; false on a port
 * with no UART.
 */
bool serial_received(uint16_t port)
{
    return *serial_present(port) && (inb(port + UART_LINE_STATUS) & LINE_STATUS_DATA_READY);
}

/**
 * serial_getc - take the next received byte from a port.
 * @port: SERIAL_COM1 or SERIAL_COM2
 *
 * Context: serial_received(port) said one waits.
 * Return: the byte.
 */
char serial_getc(uint16_t port)
{
    return (char)inb(port + UART_DATA);
}

/**
 * serial_receive_interrupt - turn a port's receive interrupt on or off.
 * @port: SERIAL_COM1 or SERIAL_COM2
 * @on: true to raise the interrupt (IRQ 4 for COM1) while a received byte
 * waits, false never to raise it
 *
 * A UART raises it at once if a byte waits when it is turned on.
 */
void serial_receive_interrupt(uint16_t port, bool on)
{
    if (*serial_present(port))
        outb(port + UART_INTERRUPT_ENABLE, on ? INTERRUPT_RECEIVED_DATA : 0);
}
