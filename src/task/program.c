/*
 * Loading a program into a new process: its image, its stack, its
 * arguments, and the task that will enter it.
 *
 * All memory comes from the kernel heap and is mapped into the process's
 * directory only; the kernel's directory keeps seeing it through the
 * identity map, supervisor-only. Failure at any step leaves what was
 * allocated in the process, for process_destroy to free.
 */
#include "program.h"
#include "config.h"
#include "elf.h"
#include "lib/string.h"
#include "memory/heap/heap.h"
#include "memory/heap/kheap.h"
#include "memory/memory.h"
#include "memory/paging/paging.h"
#include "process.h"
#include "status.h"

#define PROGRAM_AREA_SIZE (VANA_PROGRAM_VIRTUAL_ADDRESS_END - VANA_PROGRAM_VIRTUAL_ADDRESS)
#define FLAT_BINARY_SUFFIX ".bin"

static const struct program_module* program_modules;
static size_t program_module_count;

/**
 * program_set_modules - the programs spawn can start.
 * @modules: the modules, which must stay in place
 * @count: how many there are
 */
void program_set_modules(const struct program_module* modules, size_t count)
{
    program_modules = modules;
    program_module_count = count;
}

/**
 * program_find - the module whose name is name[0, length).
 * @name: the name, not necessarily terminated
 * @length: its length
 *
 * A module's name is the first word of its string with any directory part
 * ("dir/") removed.
 * Return: the module, or NULL when no module has that name.
 */
const struct program_module* program_find(const char* name, size_t length)
{
    for (size_t i = 0; i < program_module_count; i++) {
        size_t word_length;
        const char* word = string_next_word(program_modules[i].string, &word_length);
        if (!word)
            continue;
        for (size_t j = word_length; j > 0; j--) {
            if (word[j - 1] == '/') {
                word_length -= j;
                word += j;
                break;
            }
        }
        if (word_length == length && strncmp(word, name, length) == 0)
            return &program_modules[i];
    }
    return NULL;
}

/*
 * Is the program's name, the first word of its command line, one that ends
 * in ".bin"? Decided from the whole word: the process record keeps only
 * PROCESS_NAME_MAX - 1 characters of it, for display.
 */
static bool program_is_flat_binary(const char* command_line)
{
    size_t length, suffix = strlen(FLAT_BINARY_SUFFIX);
    const char* name = string_next_word(command_line, &length);
    return name && length >= suffix && strncmp(name + length - suffix, FLAT_BINARY_SUFFIX, suffix) == 0;
}

/* A flat binary is its own image: loaded at the program address, entered at its first byte. */
static int program_load_flat(struct process* process, const void* data, size_t size, uint32_t* entry,
                             const char** reason)
{
    if (size == 0 || size > PROGRAM_AREA_SIZE) {
        *reason = size ? "larger than the program area" : "empty program";
        return -ENOEXEC;
    }
    process->image = kzalloc(size);
    if (!process->image)
        return -ENOMEM;
    memcpy(process->image, data, size);
    /* The image's blocks, one page each. */
    size_t pages = heap_size_to_blocks(size);
    *entry = VANA_PROGRAM_VIRTUAL_ADDRESS;
    return paging_map_range(&process->chunk, (void*)VANA_PROGRAM_VIRTUAL_ADDRESS, process->image, (int)pages,
                            PAGING_USER_READ_WRITE);
}

/*
 * Map the pages of one segment of an image loaded at program->low. A page
 * that an earlier segment mapped already keeps its rights and gains this
 * segment's, so a page shared by text and data is writable. The work is
 * the segment's pages, and elf_parse bounds the segments' number and span,
 * so loading stays linear in the image's size.
 */
static int program_map_segment(struct process* process, const struct elf_program* program, char* image,
                               const struct elf32_program_header* segment)
{
    /* elf_parse checked that the segment ends inside the program area: no sum here wraps. */
    uint32_t first = segment->vaddr - segment->vaddr % PAGING_PAGE_SIZE, end = segment->vaddr + segment->memsz;
    for (uint32_t page = first; page < end; page += PAGING_PAGE_SIZE) {
        uint32_t flags = PAGING_USER_READ;
        if (segment->flags & ELF_SEGMENT_WRITE)
            flags |= PAGING_IS_WRITEABLE;
        uint32_t mapped = paging_get(paging_4gb_chunk_get_directory(&process->chunk), (void*)page);
        if (mapped & PAGING_ACCESS_FROM_ALL)
            flags |= mapped & PAGING_IS_WRITEABLE;
        int res = paging_map(&process->chunk, (void*)page, image + (page - program->low), flags);
        if (res < 0)
            return res;
    }
    return 0;
}

/*
 * An ELF image: one zeroed run of blocks spanning its segments' pages, so
 * .bss and the gaps are zero, with each segment's file bytes copied in.
 */
static int program_load_elf(struct process* process, const void* data, size_t size, uint32_t* entry,
                            const char** reason)
{
    struct elf_program program;
    int res = elf_parse(data, size, VANA_PROGRAM_VIRTUAL_ADDRESS, VANA_PROGRAM_VIRTUAL_ADDRESS_END, &program,
                        reason);
    if (res < 0)
        return res;

    char* image = kzalloc(program.high - program.low);
    if (!image)
        return -ENOMEM;
    process->image = image;
    for (uint16_t i = 0; i < program.header_count; i++) {
        const struct elf32_program_header* segment = elf_loadable_segment(&program, i);
        if (segment)
            memcpy(image + (segment->vaddr - program.low), (const char*)data + segment->offset, segment->filesz);
    }
    for (uint16_t i = 0; i < program.header_count; i++) {
        const struct elf32_program_header* segment = elf_loadable_segment(&program, i);
        res = segment ? program_map_segment(process, &program, image, segment) : 0;
        if (res < 0)
            return res;
    }
    *entry = program.entry;
    return 0;
}

/*
 * The argument page: argv[0..argc-1], a NULL, then the strings, with
 * pointers as the program sees them. Returns argc, or -E2BIG.
 */
static int program_build_arguments(char* page, const char* command_line)
{
    size_t argc = 0, string_bytes = 0, length;
    for (const char* w = string_next_word(command_line, &length); w; w = string_next_word(w + length, &length)) {
        argc++;
        string_bytes += length + 1;
    }
    size_t pointer_bytes = (argc + 1) * sizeof(uint32_t);
    if (pointer_bytes + string_bytes > PAGING_PAGE_SIZE)
        return -E2BIG;

    uint32_t* argv = (uint32_t*)page;
    char* strings = page + pointer_bytes;
    size_t i = 0;
    for (const char* w = string_next_word(command_line, &length); w; w = string_next_word(w + length, &length)) {
        argv[i++] = VANA_PROGRAM_ARGUMENTS_ADDRESS + (uint32_t)(strings - page);
        memcpy(strings, w, length);
        strings[length] = '\0';
        strings += length + 1;
    }
    argv[i] = 0;
    return (int)argc;
}

static int program_map_stack_and_arguments(struct process* process, const char* command_line, int* argc)
{
    process->stack = kzalloc(VANA_USER_PROGRAM_STACK_SIZE);
    process->arguments = kzalloc(PAGING_PAGE_SIZE);
    if (!process->stack || !process->arguments)
        return -ENOMEM;
    *argc = program_build_arguments(process->arguments, command_line);
    if (*argc < 0)
        return *argc;

    int res = paging_map_range(&process->chunk, (void*)VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_END, process->stack,
                               VANA_USER_PROGRAM_STACK_SIZE / PAGING_PAGE_SIZE, PAGING_USER_READ_WRITE);
    if (res == 0)
        res = paging_map(&process->chunk, (void*)VANA_PROGRAM_ARGUMENTS_ADDRESS, process->arguments,
                         PAGING_USER_READ);
    /* The guard page: a stack overrun faults instead of running into whatever lies below. */
    if (res == 0)
        res = paging_unmap(&process->chunk, (void*)(VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_END - PAGING_PAGE_SIZE));
    return res;
}

/**
 * program_load - load a program into process and prepare its task.
 * @process: the process, whose directory exists
 * @command_line: the program's name (first word) and arguments
 * @data: the program's file
 * @size: its length in bytes
 * @reason: where to store what is wrong with a malformed program
 *
 * A name (the command line's first word, whole) ending in ".bin" is a flat
 * binary; anything else must be an ELF32 executable. On failure, what was
 * allocated stays in the process, for process_destroy to free.
 * Return: 0; -ENOEXEC with *reason for a malformed program; -ENOMEM;
 * -E2BIG for a command line that does not fit the argument page.
 */
int program_load(struct process* process, const char* command_line, const void* data, size_t size,
                 const char** reason)
{
    uint32_t entry;
    int argc;
    int res = program_is_flat_binary(command_line) ? program_load_flat(process, data, size, &entry, reason)
                                                    : program_load_elf(process, data, size, &entry, reason);
    if (res == 0)
        res = program_map_stack_and_arguments(process, command_line, &argc);
    if (res == 0)
        res = task_init(&process->task, process, entry, VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_START, (uint32_t)argc,
                        VANA_PROGRAM_ARGUMENTS_ADDRESS);
    return res;
}
