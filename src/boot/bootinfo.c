/*
 * Copying the multiboot information out of the boot loader's memory.
 *
 * Two steps, because the heap is built in between. Before kheap_init, the
 * kernel command line and the memory map go into this file's static
 * storage, and the bytes of the heap table's range, which heap_create is
 * about to overwrite, are copied aside whole: whatever the loader left
 * there (QEMU leaves its module list and strings) stays readable through
 * boot_read_byte. After kheap_init, every module and its string are copied
 * into the heap, so no bound limits how many there are.
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

#define TABLE_RANGE_START VANA_HEAP_TABLE_ADDRESS
#define TABLE_RANGE_END (VANA_HEAP_TABLE_ADDRESS + VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE)
#define HEAP_START VANA_HEAP_ADDRESS
#define HEAP_END (VANA_HEAP_ADDRESS + VANA_HEAP_SIZE_BYTES)

static struct boot_info boot;
static char kernel_command_line[VANA_MAX_COMMAND_LINE + 1];
static unsigned char table_range_copy[TABLE_RANGE_END - TABLE_RANGE_START];
static uint32_t loader_modules_address, loader_module_count;

static bool ranges_overlap(uintptr_t a_start, uintptr_t a_end, uintptr_t b_start, uintptr_t b_end)
{
    return a_start < b_end && b_start < a_end;
}

/* A byte of the loader's memory as the loader left it, even where the heap table now is. */
static char boot_read_byte(uint32_t address)
{
    if (address >= TABLE_RANGE_START && address < TABLE_RANGE_END)
        return (char)table_range_copy[address - TABLE_RANGE_START];
    return *(const volatile char*)(uintptr_t)address;
}

static void boot_read(void* out, uint32_t address, size_t size)
{
    for (size_t i = 0; i < size; i++)
        ((char*)out)[i] = boot_read_byte(address + (uint32_t)i);
}

/* The length of the loader's string at address, reading at most max bytes of it. */
static size_t boot_string_length(uint32_t address, size_t max)
{
    size_t length = 0;
    while (length < max && boot_read_byte(address + (uint32_t)length) != '\0')
        length++;
    return length;
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

/**
 * boot_info_capture - keep what Vana needs from the multiboot information.
 * @magic: EAX at entry, which a multiboot loader sets to its magic number
 * @multiboot_info_address: EBX at entry: where the loader's information is
 *
 * Keeps it before the heap exists: the command line (at
 * most VANA_MAX_COMMAND_LINE characters), the memory map, where the module
 * list is, and a copy of the heap table's range.
 * Return: 0, or -EINVARG when magic says no multiboot loader started us.
 * Context: before kheap_init writes the heap table.
 */
int boot_info_capture(uint32_t magic, uint32_t multiboot_info_address)
{
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        return -EINVARG;
    const struct multiboot_info* info = (const void*)(uintptr_t)multiboot_info_address;

    boot.cmdline = "";
    if (info->flags & MULTIBOOT_INFO_CMDLINE) {
        const char* line = (const char*)(uintptr_t)info->cmdline;
        if (strnlen(line, sizeof(kernel_command_line)) == sizeof(kernel_command_line))
            kprintf("vana: boot: kernel command line longer than %d characters, cut\n", VANA_MAX_COMMAND_LINE);
        strlcpy(kernel_command_line, line, sizeof(kernel_command_line));
        boot.cmdline = kernel_command_line;
    }
    boot_capture_memory(info);
    if (info->flags & MULTIBOOT_INFO_MODS) {
        loader_modules_address = info->mods_addr;
        loader_module_count = info->mods_count;
        /* More modules than the heap has blocks cannot all be copied; the bound keeps the sums below from wrapping. */
        if (loader_module_count > VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE) {
            kprintf("vana: boot: the loader lists %u modules; keeping the first %u\n", loader_module_count,
                    VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE);
            loader_module_count = VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE;
        }
    }
    memcpy(table_range_copy, (const void*)TABLE_RANGE_START, sizeof(table_range_copy));
    return 0;
}

/*
 * Hold (take as one-block allocations) or release every heap block that
 * overlaps [start, end), so that nothing the heap hands out lands on loader
 * data that is still to be read. Holding happens before anything else is
 * allocated, so every taken block in such a range is one of these; a block
 * two ranges share is held once and released once (heap_reserve and
 * heap_free refuse the second time).
 */
static void boot_hold_blocks(uintptr_t start, uintptr_t end, bool hold)
{
    struct heap* heap = kheap_get();
    if (!ranges_overlap(start, end, HEAP_START, HEAP_END))
        return;
    start = start < HEAP_START ? HEAP_START : start - start % VANA_HEAP_BLOCK_SIZE;
    end = end > HEAP_END ? HEAP_END : end;
    for (uintptr_t block = start; block < end; block += VANA_HEAP_BLOCK_SIZE) {
        if (hold)
            heap_reserve(heap, (void*)block, (void*)(block + VANA_HEAP_BLOCK_SIZE));
        else
            heap_free(heap, (void*)block);
    }
}

static void boot_reserve(uintptr_t start, uintptr_t end)
{
    boot_hold_blocks(start, end, true);
}

static void boot_release(uintptr_t start, uintptr_t end)
{
    boot_hold_blocks(start, end, false);
}

static bool boot_module_usable(const struct multiboot_module* module, uint32_t index)
{
    /* The heap table and the kernel have been written over this data. */
    if (module->mod_end < module->mod_start ||
        ranges_overlap(module->mod_start, module->mod_end, TABLE_RANGE_START, TABLE_RANGE_END) ||
        ranges_overlap(module->mod_start, module->mod_end, (uintptr_t)_kernel_start, (uintptr_t)_end)) {
        kprintf("vana: boot: module %u at 0x%x-0x%x overlaps the kernel or the heap table, ignored\n", index,
                module->mod_start, module->mod_end);
        return false;
    }
    return true;
}

/* The loader's data the copies must not land on: the module list, each string, each module. */
static void boot_for_each_loader_range(void (*visit)(uintptr_t start, uintptr_t end))
{
    uint32_t list_bytes = loader_module_count * (uint32_t)sizeof(struct multiboot_module);
    visit(loader_modules_address, (uintptr_t)loader_modules_address + list_bytes);
    for (uint32_t i = 0; i < loader_module_count; i++) {
        struct multiboot_module module;
        boot_read(&module, loader_modules_address + i * (uint32_t)sizeof(module), sizeof(module));
        if (module.string)
            visit(module.string, (uintptr_t)module.string + boot_string_length(module.string, VANA_MAX_COMMAND_LINE + 1) + 1);
        if (module.mod_end > module.mod_start)
            visit(module.mod_start, module.mod_end);
    }
}

/* Copy one module and its string (cut after VANA_MAX_COMMAND_LINE + 1 characters) into the heap. */
static int boot_copy_module(const struct multiboot_module* module, struct program_module* copy)
{
    size_t length = module->string ? boot_string_length(module->string, VANA_MAX_COMMAND_LINE + 1) : 0;
    char* string = kmalloc(length + 1);
    void* data = module->mod_end > module->mod_start ? kmalloc(module->mod_end - module->mod_start) : NULL;
    if (!string || (module->mod_end > module->mod_start && !data)) {
        kfree(string);
        kfree(data);
        return -ENOMEM;
    }
    boot_read(string, module->string, length);
    string[length] = '\0';
    copy->string = string;
    copy->size = module->mod_end - module->mod_start;
    copy->data = data;
    if (data)
        memcpy(data, (const void*)(uintptr_t)module->mod_start, copy->size);
    return 0;
}

/**
 * boot_modules_move_to_heap - copy every module and its string into the kernel heap.
 *
 * Loader data that lies inside the heap is held first, so no
 * copy lands on something still to be read. After this, module data is
 * reachable from every page directory, as all of the heap is.
 * Return: 0, or -ENOMEM (the modules not copied are dropped, and said so).
 * Context: right after kheap_init, before anything else is allocated.
 */
int boot_modules_move_to_heap(void)
{
    int res = 0;

    boot_for_each_loader_range(boot_reserve);
    boot.modules = loader_module_count ? kzalloc(loader_module_count * sizeof(struct program_module)) : NULL;
    if (loader_module_count && !boot.modules) {
        kprintf("vana: boot: no memory for the list of %u modules; none kept\n", loader_module_count);
        res = -ENOMEM;
    }
    for (uint32_t i = 0; boot.modules && i < loader_module_count; i++) {
        struct multiboot_module module;
        boot_read(&module, loader_modules_address + i * (uint32_t)sizeof(module), sizeof(module));
        if (!boot_module_usable(&module, i))
            continue;
        if (boot_copy_module(&module, &boot.modules[boot.module_count]) < 0) {
            kprintf("vana: boot: no memory for module %u (%u bytes) and those after it; dropped\n", i,
                    module.mod_end - module.mod_start);
            res = -ENOMEM;
            break;
        }
        boot.module_count++;
    }
    boot_for_each_loader_range(boot_release);
    return res;
}

/**
 * boot_info_get - what boot_info_capture kept, and the modules' copies.
 *
 * Return: the boot information; empty before boot_info_capture.
 */
const struct boot_info* boot_info_get(void)
{
    return &boot;
}

/**
 * boot_memory_is_usable - is all of [start, end) usable RAM by the memory map?
 * @start: the range's first byte
 * @end: the byte just past it
 *
 * Return: true when usable regions, adjacent ones chained, cover the range.
 */
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

/**
 * boot_memory_usable_bytes - the sum of the usable regions of the memory map.
 *
 * Return: their total length in bytes.
 */
uint64_t boot_memory_usable_bytes(void)
{
    uint64_t total = 0;
    for (size_t i = 0; i < boot.region_count; i++) {
        if (boot.regions[i].type == MULTIBOOT_MEMORY_AVAILABLE)
            total += boot.regions[i].length;
    }
    return total;
}

/**
 * boot_memory_usable_end - the end of the highest usable region of the memory map.
 *
 * Return: the address just past it; 0 when there is no usable region.
 */
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

/**
 * boot_option_value - the value of NAME=VALUE on the kernel command line.
 * @name: NAME
 * @length: where VALUE's length goes (it is not terminated)
 *
 * Return: a pointer to the first such VALUE, or NULL when there is none.
 */
const char* boot_option_value(const char* name, size_t* length)
{
    size_t name_length = strlen(name), word_length;
    for (const char* w = string_next_word(boot.cmdline, &word_length); w;
         w = string_next_word(w + word_length, &word_length)) {
        if (word_length > name_length && strncmp(w, name, name_length) == 0 && w[name_length] == '=') {
            *length = word_length - name_length - 1;
            return w + name_length + 1;
        }
    }
    return NULL;
}

/**
 * boot_option - is word one of the words of the kernel command line?
 * @word: the word, whole
 *
 * Return: true when it is; false before boot_info_capture.
 */
bool boot_option(const char* word)
{
    return boot.cmdline && string_has_word(boot.cmdline, word);
}
