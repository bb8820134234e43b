#ifndef CONSOLE_INPUT_H
#define CONSOLE_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/* Characters the console keeps for readers: a few lines' worth. */
#define CONSOLE_INPUT_SIZE 256

void console_input_init(void);
bool console_input_irq(int irq);
size_t console_input_read(char* out, size_t max);

#endif
