/*
 * The two cascaded 8259A interrupt controllers. At power-on they deliver
 * IRQs 0-15 on vectors 8-15 and 0x70-0x77, on top of the CPU's exception
 * vectors; remapping moves them to 32-47. Every IRQ starts masked and is
 * unmasked by the driver that handles it.
 */
#include "pic.h"
#include "idt.h"
#include "io.h"

#define PIC1_COMMAND 0x20
#define PIC1_DATA 0x21
#define PIC2_COMMAND 0xA0
#define PIC2_DATA 0xA1

#define ICW1_INIT_WITH_ICW4 0x11
#define ICW4_8086_MODE 0x01
#define PIC_END_OF_INTERRUPT 0x20
#define PIC_CASCADE_IRQ 2

/**
 * pic_init - remap the two 8259As to vectors 32-47 and mask every IRQ.
 *
 * Only the master's IRQ 2, where the slave hangs, stays unmasked; each
 * driver unmasks its own IRQ with pic_unmask.
 * Context: once, at boot, with interrupts off, after idt_init.
 */
void pic_init(void)
{
    /* Initialisation: ICW1, then the vector base, the cascade wiring and the mode on the data port. */
    outb(PIC1_COMMAND, ICW1_INIT_WITH_ICW4);
    io_wait();
    outb(PIC2_COMMAND, ICW1_INIT_WITH_ICW4);
    io_wait();
    outb(PIC1_DATA, IDT_IRQ_BASE);
    io_wait();
    outb(PIC2_DATA, IDT_IRQ_BASE + 8);
    io_wait();
    outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ);  /* the slave hangs on the master's IRQ 2 */
    io_wait();
    outb(PIC2_DATA, PIC_CASCADE_IRQ);        /* the slave's cascade identity */
    io_wait();
    outb(PIC1_DATA, ICW4_8086_MODE);
    io_wait();
    outb(PIC2_DATA, ICW4_8086_MODE);
    io_wait();

    outb(PIC1_DATA, (uint8_t)~(1 << PIC_CASCADE_IRQ));
    outb(PIC2_DATA, 0xFF);
}

/**
 * pic_unmask - let one IRQ through.
 * @irq: the IRQ line, 0-15; 8-15 are the slave's
 */
void pic_unmask(int irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    outb(port, inb(port) & (uint8_t) ~(1 << (irq % 8)));
}

/**
 * pic_end_of_interrupt - acknowledge an IRQ, so that its line may raise the next.
 * @irq: the IRQ line, 0-15
 *
 * An IRQ from the slave (8-15) is acknowledged to both controllers: it
 * reached the CPU through the master's IRQ 2.
 * Context: the handler of that IRQ.
 */
void pic_end_of_interrupt(int irq)
{
    if (irq >= 8)
        outb(PIC2_COMMAND, PIC_END_OF_INTERRUPT);
    outb(PIC1_COMMAND, PIC_END_OF_INTERRUPT);
}
