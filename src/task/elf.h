#ifndef ELF_H
#define ELF_H

#include <stddef.h>
#include <stdint.h>

/* The parts of the ELF32 format Vana reads (System V ABI, i386 supplement). */
#define ELF_MAGIC "\x7F" "ELF"
#define ELF_CLASS_32 1
#define ELF_DATA_LITTLE_ENDIAN 1
#define ELF_VERSION_CURRENT 1
#define ELF_TYPE_EXECUTABLE 2
#define ELF_MACHINE_386 3

#define ELF_SEGMENT_LOAD 1
#define ELF_SEGMENT_EXECUTE 0x1
#define ELF_SEGMENT_WRITE 0x2
#define ELF_SEGMENT_READ 0x4

/*
 * Bounds on what one executable may ask of the loader, so that loading is
 * linear in the image's size (docs/syscalls.md, "Starting a program").
 * Real static executables have fewer than a dozen program headers. The
 * image is one zeroed run of blocks from its lowest to its highest page,
 * so segments far apart would cost the heap for the gap between them:
 * the span may be at most twice the pages the segments themselves cover.
 */
#define ELF_MAX_PROGRAM_HEADERS 32
#define ELF_MAX_SPAN_PER_CONTENT 2

struct elf32_header
{
    unsigned char ident[16];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint32_t entry;
    uint32_t phoff;
    uint32_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
} __attribute__((packed));

struct elf32_program_header
{
    uint32_t type;
    uint32_t offset;
    uint32_t vaddr;
    uint32_t paddr;
    uint32_t filesz;
    uint32_t memsz;
    uint32_t flags;
    uint32_t align;
} __attribute__((packed));

/* A validated executable: where its loadable segments lie, in whole pages. */
struct elf_program
{
    const struct elf32_program_header* headers;
    uint16_t header_count;
    uint32_t entry;
    uint32_t low;   /* first byte of the first page of any segment */
    uint32_t high;  /* end of the last page of any segment */
};

int elf_parse(const void* data, size_t size, uint32_t lowest, uint32_t highest, struct elf_program* program,
              const char** reason);
const struct elf32_program_header* elf_loadable_segment(const struct elf_program* program, uint16_t index);

#endif
