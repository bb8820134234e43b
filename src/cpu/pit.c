/*
 * The 8253/8254 programmable interval timer, channel 0, wired to IRQ 0.
 * Its input clock runs at 1.193182 MHz; the divisor sets the tick rate.
 */
#include "pit.h"
#include "io.h"
#include "pic.h"

#define PIT_CHANNEL0 0x40
#define PIT_COMMAND 0x43
#define PIT_CHANNEL0_RATE_GENERATOR 0x34  /* channel 0, low then high byte, mode 2 */
#define PIT_INPUT_HZ 1193182

static volatile uint64_t ticks;

/**
 * pit_init - make channel 0 interrupt hz times a second, and unmask IRQ 0.
 * @hz: ticks per second, 19 to 1193182: the divisor of the 1.193182 MHz clock is 16 bits
 *
 * Context: after pic_init; interrupts come once the kernel enables them.
 */
void pit_init(uint32_t hz)
{
    uint32_t divisor = PIT_INPUT_HZ / hz;
    outb(PIT_COMMAND, PIT_CHANNEL0_RATE_GENERATOR);
    outb(PIT_CHANNEL0, divisor & 0xFF);
    outb(PIT_CHANNEL0, (divisor >> 8) & 0xFF);
    pic_unmask(PIT_IRQ);
}

/**
 * pit_tick - count one tick.
 *
 * Context: the IRQ 0 handler.
 */
void pit_tick(void)
{
    ticks++;
}

/**
 * pit_ticks - the ticks counted since pit_init.
 *
 * Return: the count.
 */
uint64_t pit_ticks(void)
{
    return ticks;
}
