#ifndef PROBE_H
#define PROBE_H

#include <stdint.h>

struct trapframe;

/*
 * probe_read32 - read the 32-bit word at address, surviving a page fault.
 * Return: 0 with the word in *value, or -EFAULT if the read faulted.
 * The kernel's own tests use it to show that a page is not mapped.
 */
int probe_read32(const volatile void* address, uint32_t* value);
int probe_write32(volatile void* address, uint32_t value);

int probe_fixup(struct trapframe* frame);

#endif
