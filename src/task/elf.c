/*
 * Validating a static ELF32 executable before a byte of it is loaded.
 *
 * The file comes from outside the kernel, so every offset and size in it
 * is checked against the file's real size and the address window a
 * program may occupy, in 64-bit arithmetic so that no sum can wrap. No
 * hardware and no kernel state: the hosted tests and the fuzzer run this
 * very file.
 */
#include "elf.h"
#include "memory/memory.h"
#include "status.h"

#define ELF_PAGE_SIZE 4096u

static uint32_t elf_page_down(uint32_t address)
{
    return address - address % ELF_PAGE_SIZE;
}

static int elf_refuse(const char** reason, const char* why)
{
    *reason = why;
    return -ENOEXEC;
}

/*
 * elf_loadable_segment - the program header at index if it is a PT_LOAD
 * segment with bytes in memory, else NULL.
 */
const struct elf32_program_header* elf_loadable_segment(const struct elf_program* program, uint16_t index)
{
    const struct elf32_program_header* header = &program->headers[index];
    if (header->type != ELF_SEGMENT_LOAD || header->memsz == 0)
        return NULL;
    return header;
}

static int elf_check_header(const struct elf32_header* header, size_t size, const char** reason)
{
    if (size < 4 || memcmp(header->ident, ELF_MAGIC, 4) != 0)
        return elf_refuse(reason, "bad magic: not an ELF file");
    if (size < sizeof(*header))
        return elf_refuse(reason, "truncated file: no complete ELF header");
    if (header->ident[4] != ELF_CLASS_32)
        return elf_refuse(reason, "wrong class: not a 32-bit ELF file");
    if (header->ident[5] != ELF_DATA_LITTLE_ENDIAN)
        return elf_refuse(reason, "wrong byte order: not little-endian");
    if (header->ident[6] != ELF_VERSION_CURRENT || header->version != ELF_VERSION_CURRENT)
        return elf_refuse(reason, "unknown ELF version");
    if (header->type != ELF_TYPE_EXECUTABLE)
        return elf_refuse(reason, "not a static executable (ET_EXEC)");
    if (header->machine != ELF_MACHINE_386)
        return elf_refuse(reason, "wrong machine: not i386");
    if (header->phnum == 0)
        return elf_refuse(reason, "no program headers");
    if (header->phnum > ELF_MAX_PROGRAM_HEADERS)
        return elf_refuse(reason, "too many program headers (more than 32)");
    if (header->phentsize != sizeof(struct elf32_program_header))
        return elf_refuse(reason, "unexpected program header size");
    if ((uint64_t)header->phoff + (uint64_t)header->phnum * header->phentsize > size)
        return elf_refuse(reason, "truncated file: program headers past its end");
    return 0;
}

/*
 * elf_parse - validate the ELF32 executable in data[0, size) for loading
 * into the address window [lowest, highest), and describe it in *program.
 * Every PT_LOAD segment must lie in the file and in the window, with
 * filesz <= memsz; there must be at least one, and the entry point must be
 * inside an executable one. At most ELF_MAX_PROGRAM_HEADERS headers, and
 * the pages from the lowest segment to the highest at most
 * ELF_MAX_SPAN_PER_CONTENT times the pages the segments cover (elf.h).
 * Return: 0, or -ENOEXEC with *reason saying what is wrong.
 */
int elf_parse(const void* data, size_t size, uint32_t lowest, uint32_t highest, struct elf_program* program,
              const char** reason)
{
    const struct elf32_header* header = data;
    int res = elf_check_header(header, size, reason);
    if (res < 0)
        return res;

    program->headers = (const struct elf32_program_header*)((const char*)data + header->phoff);
    program->header_count = header->phnum;
    program->entry = header->entry;
    program->low = UINT32_MAX;
    program->high = 0;

    int entry_found = 0;
    uint64_t content_pages = 0;  /* pages the segments cover, counted per segment */
    for (uint16_t i = 0; i < program->header_count; i++) {
        const struct elf32_program_header* segment = elf_loadable_segment(program, i);
        if (!segment)
            continue;
        uint64_t end = (uint64_t)segment->vaddr + segment->memsz;
        if (segment->filesz > segment->memsz)
            return elf_refuse(reason, "segment has more file bytes than memory bytes");
        if ((uint64_t)segment->offset + segment->filesz > size)
            return elf_refuse(reason, "truncated file: segment data past its end");
        if (segment->vaddr < lowest)
            return elf_refuse(reason, "segment below the program area (0x400000)");
        if (end > highest)
            return elf_refuse(reason, "segment overlaps the kernel heap or beyond");
        if (elf_page_down(segment->vaddr) < program->low)
            program->low = elf_page_down(segment->vaddr);
        uint32_t page_end = (uint32_t)((end + ELF_PAGE_SIZE - 1) / ELF_PAGE_SIZE * ELF_PAGE_SIZE);
        if (page_end > program->high)
            program->high = page_end;
        content_pages += (page_end - elf_page_down(segment->vaddr)) / ELF_PAGE_SIZE;
        if ((segment->flags & ELF_SEGMENT_EXECUTE) && header->entry >= segment->vaddr && header->entry < end)
            entry_found = 1;
    }
    if (program->high == 0)
        return elf_refuse(reason, "no loadable segment");
    if (!entry_found)
        return elf_refuse(reason, "entry point outside every executable segment");
    if ((program->high - program->low) / ELF_PAGE_SIZE > ELF_MAX_SPAN_PER_CONTENT * content_pages)
        return elf_refuse(reason, "segments too far apart (span over twice their pages)");
    return 0;
}
