// sources: src/task/elf.c
/*
 * libFuzzer target for the ELF validator: whatever the bytes, elf_parse
 * must either refuse them with a reason or describe a program that the
 * loader can copy without reading outside the file or writing outside the
 * image. The copy below does what src/task/program.c does, so ASan sees
 * any read past the input. An accepted program also keeps the loader's
 * work linear (elf.h): at most ELF_MAX_PROGRAM_HEADERS headers, so at most
 * that many copies of the file, and a span of at most
 * ELF_MAX_SPAN_PER_CONTENT times the pages its segments cover.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "task/elf.h"

#define LOWEST 0x400000u
#define HIGHEST 0x01000000u

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    struct elf_program program;
    const char* reason = NULL;

    int res = elf_parse(data, size, LOWEST, HIGHEST, &program, &reason);
    if (res < 0) {
        assert(res == -ENOEXEC && reason != NULL);
        return 0;
    }
    assert(program.low >= LOWEST && program.low % 4096 == 0);
    assert(program.high <= HIGHEST && program.high % 4096 == 0 && program.high > program.low);
    assert(program.entry >= program.low && program.entry < program.high);

    assert(program.header_count >= 1 && program.header_count <= ELF_MAX_PROGRAM_HEADERS);

    unsigned char* image = calloc(1, program.high - program.low);
    assert(image);
    uint64_t content_pages = 0, copied = 0;
    for (uint16_t i = 0; i < program.header_count; i++) {
        const struct elf32_program_header* segment = elf_loadable_segment(&program, i);
        if (!segment)
            continue;
        assert(segment->vaddr >= program.low);
        assert((uint64_t)segment->vaddr + segment->memsz <= program.high);
        assert(segment->filesz <= segment->memsz);
        assert((uint64_t)segment->offset + segment->filesz <= size);
        memcpy(image + (segment->vaddr - program.low), data + segment->offset, segment->filesz);
        copied += segment->filesz;
        content_pages += ((uint64_t)segment->vaddr + segment->memsz + 4095) / 4096 - segment->vaddr / 4096;
    }
    assert(copied <= (uint64_t)ELF_MAX_PROGRAM_HEADERS * size);
    assert((program.high - program.low) / 4096 <= ELF_MAX_SPAN_PER_CONTENT * content_pages);
    free(image);
    return 0;
}
