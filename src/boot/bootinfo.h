#ifndef BOOTINFO_H
#define BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What Vana keeps of the boot loader's multiboot information. The loader's
 * own structures may sit where the heap table goes (QEMU puts them at
 * 0x9000) or inside the heap (GRUB), so boot_info_capture copies them into
 * the kernel image before kheap_init, and boot_modules_move_to_heap moves
 * the modules' contents into the heap right after.
 */
#define BOOT_MAX_MEMORY_REGIONS 32
#define BOOT_MAX_MODULES 64
#define BOOT_STRING_POOL_SIZE 4096

struct boot_memory_region
{
    uint64_t start;
    uint64_t length;
    uint32_t type;  /* 1 = usable RAM */
};

struct boot_module
{
    const void* data;
    size_t size;
    const char* string;  /* command line: the program's name and arguments */
};

struct boot_info
{
    const char* cmdline;
    size_t region_count;
    struct boot_memory_region regions[BOOT_MAX_MEMORY_REGIONS];
    size_t module_count;
    struct boot_module modules[BOOT_MAX_MODULES];
};

int boot_info_capture(uint32_t magic, uint32_t multiboot_info_address);
int boot_modules_move_to_heap(void);
const struct boot_info* boot_info_get(void);
bool boot_memory_is_usable(uint64_t start, uint64_t end);
uint64_t boot_memory_usable_bytes(void);
uint64_t boot_memory_usable_end(void);
bool boot_option(const char* word);

#endif
