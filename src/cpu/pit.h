#ifndef PIT_H
#define PIT_H

#include <stdint.h>

#define PIT_IRQ 0

void pit_init(uint32_t hz);
void pit_tick(void);
uint64_t pit_ticks(void);

#endif
