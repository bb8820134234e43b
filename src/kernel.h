#ifndef KERNEL_H
#define KERNEL_H

#include <stdbool.h>
#include <stdint.h>

struct paging_4gb_chunk;

void kernel_main(unsigned int magic, unsigned int multiboot_info_address);
void panic(const char* fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void kernel_poweroff(bool success);
struct paging_4gb_chunk* kernel_paging_chunk(void);
uint64_t kernel_boot_cycles(void);

/*
 * VERIFY - stop the machine at a broken kernel invariant, naming the
 * condition, file and line. For the kernel's own promises only: what a
 * user program can cause gets an error code instead.
 */
#define VERIFY(cond)                                                                  \
    do {                                                                              \
        if (!(cond))                                                                  \
            panic("VERIFY(%s) failed at %s:%d", #cond, __FILE__, __LINE__);           \
    } while (0)

#endif
