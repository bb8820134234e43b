#ifndef BOOTINFO_H
#define BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "task/program.h"

/*
 * What Vana keeps of the boot loader's multiboot information. The loader's
 * own structures may sit where the heap table goes (QEMU puts them at
 * 0x9000) or inside the heap (GRUB). So boot_info_capture, before
 * kheap_init, keeps the command line and the memory map (bounded: the
 * kernel needs them before it has a heap) and a copy of the table's range;
 * boot_modules_move_to_heap, right after kheap_init, copies every module
 * and its whole string into the heap, however many there are.
 */
#define BOOT_MAX_MEMORY_REGIONS 32

struct boot_memory_region
{
    uint64_t start;
    uint64_t length;
    uint32_t type;  /* 1 = usable RAM */
};

struct boot_info
{
    const char* cmdline;
    size_t region_count;
    struct boot_memory_region regions[BOOT_MAX_MEMORY_REGIONS];
    size_t module_count;
    struct program_module* modules;  /* module_count of them, in the kernel heap */
};

int boot_info_capture(uint32_t magic, uint32_t multiboot_info_address);
int boot_modules_move_to_heap(void);
const struct boot_info* boot_info_get(void);
bool boot_memory_is_usable(uint64_t start, uint64_t end);
uint64_t boot_memory_usable_bytes(void);
uint64_t boot_memory_usable_end(void);
bool boot_option(const char* word);
const char* boot_option_value(const char* name, size_t* length);

#endif
