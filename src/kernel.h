#ifndef KERNEL_H
#define KERNEL_H

#include <stdbool.h>
#include <stdint.h>

void kernel_main(unsigned int magic, unsigned int multiboot_info_address);

#endif
