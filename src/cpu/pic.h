#ifndef PIC_H
#define PIC_H

#include <stdint.h>

void pic_init(void);
void pic_unmask(int irq);
void pic_end_of_interrupt(int irq);

#endif
