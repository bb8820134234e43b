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

void pit_init(uint32_t hz)
{
    uint32_t divisor = PIT_INPUT_HZ / hz;
    outb(PIT_COMMAND, PIT_CHANNEL0_RATE_GENERATOR);
    outb(PIT_CHANNEL0, divisor & 0xFF);
    outb(PIT_CHANNEL0, (divisor >> 8) & 0xFF);
    pic_unmask(PIT_IRQ);
}

void pit_tick(void)
{
    ticks++;
}

uint64_t pit_ticks(void)
{
    return ticks;
}
