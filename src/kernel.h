#ifndef KERNEL_H
#define KERNEL_H

#include <stdbool.h>

struct paging_4gb_chunk;

void kernel_main(unsigned int magic, unsigned int multiboot_info_address);
void panic(const char* fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void kernel_poweroff(bool success);
struct paging_4gb_chunk* kernel_paging_chunk(void);

#endif
