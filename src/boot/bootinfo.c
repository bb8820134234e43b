/*
 * Copying the multiboot information out of the boot loader's memory.
 *
 * Everything is copied into this file's static storage before the heap
 * exists, so the bounds are fixed: a loader that passes more regions,
 * modules or string bytes than fit is told so on the console, and the
 * rest is ignored rather than written past the end.
 */
#include "bootinfo.h"
#include "config.h"
#include "console/console.h"
#include "lib/string.h"
#include "memory/heap/kheap.h"
#include "memory/memory.h"
#include "multiboot.h"
#include "status.h"

extern char _kernel_start[], _end[];

static struct boot_info boot;
static char string_pool[BOOT_STRING_POOL_SIZE];
static size_t string_pool_used;

/* A copy of the loader's string in the pool; "" when the pool is full. */
static const char* boot_copy_string(uint32_t address)
{
    const char* s = (const char*)(uintptr_t)address;
    size_t length = strlen(s);

    if (length + 1 > sizeof(string_pool) - string_pool_used) {
        kprintf("vana: boot: string pool full, dropped \"%s\"\n", s);
        return "";
    }
    char* copy = string_pool + string_pool_used;
    memcpy(copy, s, length + 1);
    string_pool_used += length + 1;
    return copy;
}

static void boot_add_region(uint64_t start, uint64_t length, uint32_t type)
{
    if (boot.region_count == BOOT_MAX_MEMORY_REGIONS) {
        kprintf("vana: boot: more than %d memory regions, ignoring the rest\n", BOOT_MAX_MEMORY_REGIONS);
        return;
    }
    boot.regions[boot.region_count++] = (struct boot_memory_region){start, length, type};
}

static void boot_capture_memory(const struct multiboot_info* info)
{
    if (info->flags & MULTIBOOT_INFO_MEM_MAP) {
        uint32_t address = info->mmap_addr, end = info->mmap_addr + info->mmap_length;
        while (address < end) {
            const struct multiboot_mmap_entry* entry = (const void*)(uintptr_t)address;
            boot_add_region(entry->addr, entry->len, entry->type);
            /* 'size' does not count itself. */
            address += entry->size + sizeof(entry->size);
        }
    } else if (info->flags & MULTIBOOT_INFO_MEMORY) {
        boot_add_region(0, (uint64_t)info->mem_lower * 1024, MULTIBOOT_MEMORY_AVAILABLE);
        boot_add_region(0x100000, (uint64_t)info->mem_upper * 1024, MULTIBOOT_MEMORY_AVAILABLE);
    }
}

static bool ranges_overlap(uintptr_t a_start, uintptr_t a_end, uintptr_t b_start, uintptr_t b_end)
{
    return a_start < b_end && b_start < a_end;
}

static void boot_capture_modules(const struct multiboot_info* info)
{
    if (!(info->flags & MULTIBOOT_INFO_MODS))
        return;
    const struct multiboot_module* modules = (const void*)(uintptr_t)info->mods_addr;
    uintptr_t table_start = VANA_HEAP_TABLE_ADDRESS;
    uintptr_t table_end = table_start + VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE;

    for (uint32_t i = 0; i < info->mods_count; i++) {
        const struct multiboot_module* module = &modules[i];
        if (boot.module_count == BOOT_MAX_MODULES) {
            kprintf("vana: boot: more than %d modules, ignoring the rest\n", BOOT_MAX_MODULES);
            return;
        }
        /* The heap table and the kernel are about to be written over this data. */
        if (module->mod_end < module->mod_start ||
            ranges_overlap(module->mod_start, module->mod_end, table_start, table_end) ||
            ranges_overlap(module->mod_start, module->mod_end, (uintptr_t)_kernel_start, (uintptr_t)_end)) {
            kprintf("vana: boot: module %u at 0x%x-0x%x overlaps the kernel or the heap table, ignored\n", i,
                    module->mod_start, module->mod_end);
            continue;
        }
        struct boot_module* m = &boot.modules[boot.module_count++];
        m->data = (const void*)(uintptr_t)module->mod_start;
        m->size = module->mod_end - module->mod_start;
        m->string = module->string ? boot_copy_string(module->string) : "";
    }
}

/*
 * boot_info_capture - copy what Vana needs from the multiboot information
 * at multiboot_info_address: the command line, the memory map and the
 * module list. Must run before kheap_init writes the heap table.
 * Return: 0, or -EINVARG when magic says no multiboot loader started us.
 */
int boot_info_capture(uint32_t magic, uint32_t multiboot_info_address)
{
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        return -EINVARG;
    const struct multiboot_info* info = (const void*)(uintptr_t)multiboot_info_address;

    boot.cmdline = (info->flags & MULTIBOOT_INFO_CMDLINE) ? boot_copy_string(info->cmdline) : "";
    boot_capture_memory(info);
    boot_capture_modules(info);
    return 0;
}

/*
 * boot_modules_move_to_heap - copy every module into the kernel heap. A
 * module the loader put inside the heap is reserved first, so no copy
 * lands on top of one that is still to be read. After this, module data
 * is reachable from every page directory, as all of the heap is.
 * Return: 0, or -ENOMEM (the modules not yet moved are dropped).
 */
int boot_modules_move_to_heap(void)
{
    struct heap* heap = kheap_get();
    uintptr_t heap_start = VANA_HEAP_ADDRESS, heap_end = heap_start + VANA_HEAP_SIZE_BYTES;
    void* reserved[BOOT_MAX_MODULES] = {0};

    for (size_t i = 0; i < boot.module_count; i++) {
        uintptr_t start = (uintptr_t)boot.modules[i].data, end = start + boot.modules[i].size;
        if (boot.modules[i].size == 0 || !ranges_overlap(start, end, heap_start, heap_end))
            continue;
        start = start < heap_start ? heap_start : start;
        end = end > heap_end ? heap_end : end;
        if (heap_reserve(heap, (void*)start, (void*)end) == 0)
            reserved[i] = (void*)(start - start % VANA_HEAP_BLOCK_SIZE);
    }

    int res = 0;
    for (size_t i = 0; i < boot.module_count; i++) {
        struct boot_module* m = &boot.modules[i];
        void* copy = m->size ? kmalloc(m->size) : NULL;
        if (m->size && !copy) {
            kprintf("vana: boot: no memory for module %zu (%zu bytes); dropped\n", i, m->size);
            boot.module_count = i;
            res = -ENOMEM;
            break;
        }
        if (copy)
            memcpy(copy, m->data, m->size);
        m->data = copy;
    }
    for (size_t i = 0; i < BOOT_MAX_MODULES; i++)
        kfree(reserved[i]);
    return res;
}

const struct boot_info* boot_info_get(void)
{
    return &boot;
}

/* boot_memory_is_usable - is all of [start, end) usable RAM by the memory map? */
bool boot_memory_is_usable(uint64_t start, uint64_t end)
{
    /* Advance through regions that cover the current point; adjacent regions chain. */
    for (size_t pass = 0; pass <= boot.region_count && start < end; pass++) {
        for (size_t i = 0; i < boot.region_count; i++) {
            const struct boot_memory_region* r = &boot.regions[i];
            if (r->type == MULTIBOOT_MEMORY_AVAILABLE && r->start <= start && start < r->start + r->length)
                start = r->start + r->length;
        }
    }
    return start >= end;
}

/* boot_memory_usable_bytes - the sum of the usable regions. */
uint64_t boot_memory_usable_bytes(void)
{
    uint64_t total = 0;
    for (size_t i = 0; i < boot.region_count; i++) {
        if (boot.regions[i].type == MULTIBOOT_MEMORY_AVAILABLE)
            total += boot.regions[i].length;
    }
    return total;
}

/* boot_memory_usable_end - the end of the highest usable region. */
uint64_t boot_memory_usable_end(void)
{
    uint64_t end = 0;
    for (size_t i = 0; i < boot.region_count; i++) {
        const struct boot_memory_region* r = &boot.regions[i];
        if (r->type == MULTIBOOT_MEMORY_AVAILABLE && r->start + r->length > end)
            end = r->start + r->length;
    }
    return end;
}

/* boot_option - is word one of the words of the kernel command line? */
bool boot_option(const char* word)
{
    return boot.cmdline && string_has_word(boot.cmdline, word);
}
