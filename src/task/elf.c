/*
 * Validating a static ELF32 executable before a byte of it is loaded.
 *
 * The file comes from outside the kernel, so every offset and size in it
 * is checked against the file's real size and the address window a
 * program may occupy, in 64-bit arithmetic so that no sum can wrap. No
 * hardware and no kernel state: the hosted tests and the fuzzer run this
 * very file.
 *
 * The headers are decoded byte by byte (little-endian, as the format says)
 * into local copies, never read through a pointer cast onto the file: the
 * file need not be aligned, and Frama-C's WP can follow every read. The
 * comments that start with '@' are ACSL contracts, proved by `make prove`
 * (docs/proofs.md).
 */
#include <stdbool.h>

#include "elf.h"
#include "status.h"

#define ELF_PAGE_SIZE 4096u
#define ELF_MAGIC_SIZE 4

_Static_assert(sizeof(ELF_MAGIC) - 1 == ELF_MAGIC_SIZE, "ELF_MAGIC is 4 bytes");

/*@
  // What elf_parse promises for a window of whole pages, which is what the loader asks for.
  predicate elf_window_aligned(integer lowest, integer highest) =
      lowest % ELF_PAGE_SIZE == 0 && highest % ELF_PAGE_SIZE == 0;
*/

/*@ assigns \nothing;
    ensures \result == address - address % ELF_PAGE_SIZE;
*/
static uint32_t elf_page_down(uint32_t address)
{
    return address - address % ELF_PAGE_SIZE;
}

/*@ requires \valid(reason);
    assigns *reason;
    ensures *reason == why && \result == -ENOEXEC;
*/
static int elf_refuse(const char** reason, const char* why)
{
    *reason = why;
    return -ENOEXEC;
}

/* The little-endian 16-bit field that starts at field[0]. */
/*@ requires \valid_read(field + (0 .. 1));
    assigns \nothing;
*/
static uint16_t elf_read_u16(const char* field)
{
    return (uint16_t)((uint32_t)(unsigned char)field[0] | (uint32_t)(unsigned char)field[1] << 8);
}

/* The little-endian 32-bit field that starts at field[0]. */
/*@ requires \valid_read(field + (0 .. 3));
    assigns \nothing;
*/
static uint32_t elf_read_u32(const char* field)
{
    return (uint32_t)(unsigned char)field[0] | (uint32_t)(unsigned char)field[1] << 8 |
           (uint32_t)(unsigned char)field[2] << 16 | (uint32_t)(unsigned char)field[3] << 24;
}

/* A field of a header that starts at bytes[0], by its name in elf.h. */
#define ELF_HEADER_U16(bytes, field) elf_read_u16((bytes) + offsetof(struct elf32_header, field))
#define ELF_HEADER_U32(bytes, field) elf_read_u32((bytes) + offsetof(struct elf32_header, field))
#define ELF_SEGMENT_U32(bytes, field) elf_read_u32((bytes) + offsetof(struct elf32_program_header, field))

/* Decode the ELF header in bytes[0, sizeof(*header)). */
/*@ requires \valid_read(bytes + (0 .. sizeof(struct elf32_header) - 1));
    requires \valid(header);
    assigns *header;
*/
static void elf_read_header(const char* bytes, struct elf32_header* header)
{
    /*@ loop invariant 0 <= i <= sizeof(header->ident);
        loop assigns i, header->ident[0 .. sizeof(header->ident) - 1];
        loop variant sizeof(header->ident) - i;
    */
    for (size_t i = 0; i < sizeof(header->ident); i++)
        header->ident[i] = (unsigned char)bytes[i];
    header->type = ELF_HEADER_U16(bytes, type);
    header->machine = ELF_HEADER_U16(bytes, machine);
    header->version = ELF_HEADER_U32(bytes, version);
    header->entry = ELF_HEADER_U32(bytes, entry);
    header->phoff = ELF_HEADER_U32(bytes, phoff);
    header->shoff = ELF_HEADER_U32(bytes, shoff);
    header->flags = ELF_HEADER_U32(bytes, flags);
    header->ehsize = ELF_HEADER_U16(bytes, ehsize);
    header->phentsize = ELF_HEADER_U16(bytes, phentsize);
    header->phnum = ELF_HEADER_U16(bytes, phnum);
    header->shentsize = ELF_HEADER_U16(bytes, shentsize);
    header->shnum = ELF_HEADER_U16(bytes, shnum);
    header->shstrndx = ELF_HEADER_U16(bytes, shstrndx);
}

/* Decode the program header in bytes[0, sizeof(*segment)). */
/*@ requires \valid_read(bytes + (0 .. sizeof(struct elf32_program_header) - 1));
    requires \valid(segment);
    assigns *segment;
*/
static void elf_read_program_header(const char* bytes, struct elf32_program_header* segment)
{
    segment->type = ELF_SEGMENT_U32(bytes, type);
    segment->offset = ELF_SEGMENT_U32(bytes, offset);
    segment->vaddr = ELF_SEGMENT_U32(bytes, vaddr);
    segment->paddr = ELF_SEGMENT_U32(bytes, paddr);
    segment->filesz = ELF_SEGMENT_U32(bytes, filesz);
    segment->memsz = ELF_SEGMENT_U32(bytes, memsz);
    segment->flags = ELF_SEGMENT_U32(bytes, flags);
    segment->align = ELF_SEGMENT_U32(bytes, align);
}

/* Does the program header describe a PT_LOAD segment with bytes in memory? */
/*@ requires \valid_read(header);
    assigns \nothing;
    ensures \result <==> header->type == ELF_SEGMENT_LOAD && header->memsz != 0;
*/
static bool elf_is_loadable(const struct elf32_program_header* header)
{
    return header->type == ELF_SEGMENT_LOAD && header->memsz != 0;
}

/**
 * elf_loadable_segment - the program header at index, if it is one to load.
 * @program: a program elf_parse accepted
 * @index: below program->header_count
 *
 * Return: the header if it is a PT_LOAD segment with bytes in memory,
 * else NULL.
 */
/*@ requires \valid_read(program);
    requires \valid_read(program->headers + index);
    assigns \nothing;
    ensures \result == \null || \result == program->headers + index;
*/
const struct elf32_program_header* elf_loadable_segment(const struct elf_program* program, uint16_t index)
{
    const struct elf32_program_header* header = &program->headers[index];
    if (!elf_is_loadable(header))
        return NULL;
    return header;
}

/*@ requires \valid_read(bytes + (0 .. ELF_MAGIC_SIZE - 1));
    assigns \nothing;
*/
static bool elf_has_magic(const char* bytes)
{
    /* ELF_MAGIC byte by byte: WP reads arrays, not string literals. */
    const char magic[ELF_MAGIC_SIZE] = {'\x7F', 'E', 'L', 'F'};

    /*@ loop invariant 0 <= i <= ELF_MAGIC_SIZE;
        loop assigns i;
        loop variant ELF_MAGIC_SIZE - i;
    */
    for (size_t i = 0; i < ELF_MAGIC_SIZE; i++) {
        if (bytes[i] != magic[i])
            return false;
    }
    return true;
}

/*
 * Check the ELF header of the file bytes[0, size) and decode it into
 * *header. Return: 0, or -ENOEXEC with *reason saying what is wrong.
 */
/*@ requires \valid_read(bytes + (0 .. size - 1));
    requires \valid(header) && \valid(reason);
    assigns *header, *reason;
    ensures \result == 0 || (\result == -ENOEXEC && *reason != \null);
    ensures program_headers_in_file: \result == 0 ==>
        1 <= header->phnum <= ELF_MAX_PROGRAM_HEADERS &&
        header->phoff + header->phnum * sizeof(struct elf32_program_header) <= size;
*/
static int elf_check_header(const char* bytes, size_t size, struct elf32_header* header, const char** reason)
{
    if (size < ELF_MAGIC_SIZE || !elf_has_magic(bytes))
        return elf_refuse(reason, "bad magic: not an ELF file");
    if (size < sizeof(*header))
        return elf_refuse(reason, "truncated file: no complete ELF header");
    elf_read_header(bytes, header);
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
 * Check that a loadable segment lies in the file of size bytes and in the
 * window [lowest, highest). Return: 0, or -ENOEXEC with *reason.
 */
/*@ requires \valid_read(segment) && \valid(reason);
    assigns *reason;
    ensures \result == 0 || (\result == -ENOEXEC && *reason != \null);
    ensures \result == 0 ==> segment->filesz <= segment->memsz && segment->offset + segment->filesz <= size &&
        lowest <= segment->vaddr && segment->vaddr + segment->memsz <= highest;
*/
static int elf_check_segment(const struct elf32_program_header* segment, size_t size, uint32_t lowest,
                             uint32_t highest, const char** reason)
{
    if (segment->filesz > segment->memsz)
        return elf_refuse(reason, "segment has more file bytes than memory bytes");
    if ((uint64_t)segment->offset + segment->filesz > size)
        return elf_refuse(reason, "truncated file: segment data past its end");
    if (segment->vaddr < lowest)
        return elf_refuse(reason, "segment below the program area (0x400000)");
    if ((uint64_t)segment->vaddr + segment->memsz > highest)
        return elf_refuse(reason, "segment overlaps the kernel heap or beyond");
    return 0;
}

/**
 * elf_parse - validate an ELF32 executable for loading, and describe it.
 * @data: the file
 * @size: its length in bytes
 * @lowest: the first address of the window the program must load into
 * @highest: the address just past the window
 * @program: where the description goes
 * @reason: where to store what is wrong, for -ENOEXEC
 *
 * Validates the ELF32 executable in data[0, size) for loading into the
 * address window [lowest, highest), and describes it in *program.
 * Every PT_LOAD segment must lie in the file and in the window, with
 * filesz <= memsz; there must be at least one, and the entry point must be
 * inside an executable one. At most ELF_MAX_PROGRAM_HEADERS headers, and
 * the pages from the lowest segment to the highest at most
 * ELF_MAX_SPAN_PER_CONTENT times the pages the segments cover (elf.h).
 * Return: 0, or -ENOEXEC with *reason saying what is wrong.
 *
 * Proved (docs/proofs.md): no read outside data[0, size) and no undefined
 * behaviour, whatever the bytes; the result is 0 or -ENOEXEC with a reason;
 * an accepted program has 1 to ELF_MAX_PROGRAM_HEADERS headers and, for a
 * window of whole pages, whole pages inside the window with the entry
 * point among them.
 */
/*@ requires file: \valid_read((const char*)data + (0 .. size - 1));
    requires \valid(program) && \valid(reason);
    assigns *program, *reason;
    ensures result: \result == 0 || (\result == -ENOEXEC && *reason != \null);
    ensures header_count: \result == 0 ==> 1 <= program->header_count <= ELF_MAX_PROGRAM_HEADERS;
    ensures inside_window: \result == 0 && elf_window_aligned(lowest, highest) ==>
        lowest <= program->low < program->high <= highest &&
        program->low % ELF_PAGE_SIZE == 0 && program->high % ELF_PAGE_SIZE == 0 &&
        program->low <= program->entry < program->high;
*/
int elf_parse(const void* data, size_t size, uint32_t lowest, uint32_t highest, struct elf_program* program,
              const char** reason)
{
    const char* bytes = data;
    struct elf32_header header;
    int res = elf_check_header(bytes, size, &header, reason);
    if (res < 0)
        return res;

    program->headers = (const struct elf32_program_header*)(bytes + header.phoff);
    program->header_count = header.phnum;
    program->entry = header.entry;
    program->low = UINT32_MAX;
    program->high = 0;

    int entry_found = 0;
    uint64_t content_pages = 0;  /* pages the segments cover, counted per segment */
    /*@ loop invariant 0 <= i <= header.phnum;
        loop invariant program->header_count == header.phnum && program->entry == header.entry;
        loop invariant elf_window_aligned(lowest, highest) ==>
            (program->high == 0 && program->low == UINT32_MAX && entry_found == 0) ||
            (lowest <= program->low < program->high <= highest &&
             program->low % ELF_PAGE_SIZE == 0 && program->high % ELF_PAGE_SIZE == 0);
        loop invariant elf_window_aligned(lowest, highest) && entry_found != 0 ==>
            program->low <= program->entry < program->high;
        loop assigns i, res, program->low, program->high, entry_found, content_pages, *reason;
        loop variant header.phnum - i;
    */
    for (uint16_t i = 0; i < header.phnum; i++) {
        struct elf32_program_header segment;
        elf_read_program_header(bytes + header.phoff + (size_t)i * sizeof(segment), &segment);
        if (!elf_is_loadable(&segment))
            continue;
        res = elf_check_segment(&segment, size, lowest, highest, reason);
        if (res < 0)
            return res;
        uint64_t end = (uint64_t)segment.vaddr + segment.memsz;
        if (elf_page_down(segment.vaddr) < program->low)
            program->low = elf_page_down(segment.vaddr);
        uint32_t page_end = (uint32_t)((end + ELF_PAGE_SIZE - 1) / ELF_PAGE_SIZE * ELF_PAGE_SIZE);
        if (page_end > program->high)
            program->high = page_end;
        content_pages += (page_end - elf_page_down(segment.vaddr)) / ELF_PAGE_SIZE;
        if ((segment.flags & ELF_SEGMENT_EXECUTE) && header.entry >= segment.vaddr && header.entry < end)
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
