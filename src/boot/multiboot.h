#ifndef MULTIBOOT_H
#define MULTIBOOT_H

#include <stdint.h>

/* The multiboot (v1) structures the boot loader hands over (Multiboot Specification 0.6.96, 3.3). */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

#define MULTIBOOT_INFO_MEMORY 0x001
#define MULTIBOOT_INFO_CMDLINE 0x004
#define MULTIBOOT_INFO_MODS 0x008
#define MULTIBOOT_INFO_MEM_MAP 0x040

#define MULTIBOOT_MEMORY_AVAILABLE 1

struct multiboot_info
{
    uint32_t flags;
    uint32_t mem_lower;  /* KiB below 1 MiB */
    uint32_t mem_upper;  /* KiB from 1 MiB up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
} __attribute__((packed));

/* A memory map entry; 'size' counts the bytes after itself, so entries can grow. */
struct multiboot_mmap_entry
{
    uint32_t size;
    uint64_t addr;
    uint64_t len;
    uint32_t type;
} __attribute__((packed));

struct multiboot_module
{
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t string;
    uint32_t reserved;
} __attribute__((packed));

#endif
