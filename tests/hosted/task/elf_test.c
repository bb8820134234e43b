/* Hosted tests of src/task/elf.c: the validation of program images from outside the kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "status.h"
#include "task/elf.h"

#define LOWEST 0x400000u
#define HIGHEST 0x01000000u

/* A small valid executable: header, two program headers (text, data), then bytes. */
struct image
{
    struct elf32_header header;
    struct elf32_program_header segments[2];
    unsigned char bytes[256];
};

static struct image make_image(void)
{
    struct image image;
    memset(&image, 0, sizeof(image));
    memcpy(image.header.ident, ELF_MAGIC, 4);
    image.header.ident[4] = ELF_CLASS_32;
    image.header.ident[5] = ELF_DATA_LITTLE_ENDIAN;
    image.header.ident[6] = ELF_VERSION_CURRENT;
    image.header.type = ELF_TYPE_EXECUTABLE;
    image.header.machine = ELF_MACHINE_386;
    image.header.version = ELF_VERSION_CURRENT;
    image.header.entry = 0x400010;
    image.header.phoff = offsetof(struct image, segments);
    image.header.ehsize = sizeof(struct elf32_header);
    image.header.phentsize = sizeof(struct elf32_program_header);
    image.header.phnum = 2;

    image.segments[0] = (struct elf32_program_header){ELF_SEGMENT_LOAD, offsetof(struct image, bytes), 0x400000,
                                                      0x400000, 128, 128, ELF_SEGMENT_READ | ELF_SEGMENT_EXECUTE,
                                                      4096};
    image.segments[1] = (struct elf32_program_header){ELF_SEGMENT_LOAD, offsetof(struct image, bytes) + 128,
                                                      0x401000, 0x401000, 64, 0x2000,
                                                      ELF_SEGMENT_READ | ELF_SEGMENT_WRITE, 4096};
    return image;
}

static int parse(const struct image* image, size_t size, struct elf_program* program, const char** reason)
{
    return elf_parse(image, size, LOWEST, HIGHEST, program, reason);
}

static void expect_refused(const struct image* image, size_t size, const char* reason_part)
{
    struct elf_program program;
    const char* reason = NULL;
    assert_int_equal(parse(image, size, &program, &reason), -ENOEXEC);
    assert_non_null(reason);
    assert_non_null(strstr(reason, reason_part));
}

static void elf_parse_accepts_a_valid_executable(void** state)
{
    (void)state;
    struct image image = make_image();
    struct elf_program program;
    const char* reason = NULL;
    assert_int_equal(parse(&image, sizeof(image), &program, &reason), 0);
    assert_int_equal(program.entry, 0x400010);
    assert_int_equal(program.low, 0x400000);
    assert_int_equal(program.high, 0x403000);  /* 0x401000 + 0x2000, whole pages */
    assert_int_equal(program.header_count, 2);
    assert_non_null(elf_loadable_segment(&program, 0));
    assert_non_null(elf_loadable_segment(&program, 1));
}

static void elf_parse_rejects_bad_magic(void** state)
{
    (void)state;
    struct image image = make_image();
    image.header.ident[1] = 'X';
    expect_refused(&image, sizeof(image), "bad magic");
    expect_refused(&image, 3, "bad magic");
    expect_refused(&image, 0, "bad magic");
}

static void elf_parse_rejects_a_truncated_header(void** state)
{
    (void)state;
    struct image image = make_image();
    expect_refused(&image, sizeof(struct elf32_header) - 1, "truncated");
    expect_refused(&image, 4, "truncated");
}

static void elf_parse_rejects_wrong_class_byte_order_and_version(void** state)
{
    (void)state;
    struct image image = make_image();
    image.header.ident[4] = 2;
    expect_refused(&image, sizeof(image), "wrong class");
    image = make_image();
    image.header.ident[5] = 2;
    expect_refused(&image, sizeof(image), "byte order");
    image = make_image();
    image.header.version = 7;
    expect_refused(&image, sizeof(image), "version");
}

static void elf_parse_rejects_other_types_and_machines(void** state)
{
    (void)state;
    struct image image = make_image();
    image.header.type = 3;  /* ET_DYN */
    expect_refused(&image, sizeof(image), "ET_EXEC");
    image = make_image();
    image.header.machine = 62;  /* x86-64 */
    expect_refused(&image, sizeof(image), "wrong machine");
}

static void elf_parse_rejects_broken_program_header_tables(void** state)
{
    (void)state;
    struct image image = make_image();
    image.header.phnum = 0;
    expect_refused(&image, sizeof(image), "no program headers");
    image = make_image();
    image.header.phentsize = 20;
    expect_refused(&image, sizeof(image), "program header size");
    image = make_image();
    image.header.phoff = sizeof(image) - 10;
    expect_refused(&image, sizeof(image), "truncated");
    image = make_image();
    image.header.phoff = 0xFFFFFFF0u;  /* would wrap in 32-bit arithmetic */
    expect_refused(&image, sizeof(image), "truncated");
    image = make_image();
    expect_refused(&image, offsetof(struct image, segments) + sizeof(struct elf32_program_header), "truncated");
}

static void elf_parse_rejects_segment_data_outside_the_file(void** state)
{
    (void)state;
    struct image image = make_image();
    image.segments[0].filesz = 4096;
    image.segments[0].memsz = 4096;
    expect_refused(&image, sizeof(image), "truncated");
    image = make_image();
    image.segments[1].offset = 0xFFFFFFFFu;
    expect_refused(&image, sizeof(image), "truncated");
    image = make_image();
    image.segments[0].filesz = 200;  /* more file bytes than memory bytes */
    expect_refused(&image, sizeof(image), "more file bytes");
}

static void elf_parse_rejects_segments_outside_the_program_area(void** state)
{
    (void)state;
    struct image image = make_image();
    image.segments[0].vaddr = 0x100000;  /* the kernel */
    expect_refused(&image, sizeof(image), "below the program area");
    image = make_image();
    image.segments[0].vaddr = LOWEST - 1;
    expect_refused(&image, sizeof(image), "below the program area");
    image = make_image();
    image.segments[1].vaddr = HIGHEST - 0x1000;  /* runs into the kernel heap */
    expect_refused(&image, sizeof(image), "kernel heap");
    image = make_image();
    image.segments[1].vaddr = 0xFFFFF000u;  /* vaddr + memsz wraps in 32 bits */
    expect_refused(&image, sizeof(image), "kernel heap");
}

static void elf_parse_accepts_a_segment_ending_exactly_at_the_limit(void** state)
{
    (void)state;
    struct image image = make_image();
    /* Both segments move up, so the span stays within twice their pages. */
    image.segments[0].vaddr = HIGHEST - 0x3000;
    image.header.entry = HIGHEST - 0x3000 + 0x10;
    image.segments[1].vaddr = HIGHEST - 0x2000;
    struct elf_program program;
    const char* reason;
    assert_int_equal(parse(&image, sizeof(image), &program, &reason), 0);
    assert_int_equal(program.high, HIGHEST);
}

static void elf_parse_refuses_more_than_32_program_headers(void** state)
{
    (void)state;
    struct image image = make_image();
    image.header.phnum = ELF_MAX_PROGRAM_HEADERS + 1;
    expect_refused(&image, sizeof(image), "too many program headers");
    image.header.phnum = 65535;
    expect_refused(&image, sizeof(image), "too many program headers");
}

static void elf_parse_refuses_segments_far_apart(void** state)
{
    (void)state;
    struct image image = make_image();
    /* One page of text and two of data, 12 MiB apart: a span of 3,072 pages for 3. */
    image.segments[1].vaddr = HIGHEST - 0x2000;
    expect_refused(&image, sizeof(image), "segments too far apart");
    /* A gap as large as the contents is still fine. */
    image = make_image();
    image.segments[1].vaddr = 0x403000;
    struct elf_program program;
    const char* reason;
    assert_int_equal(parse(&image, sizeof(image), &program, &reason), 0);
}

static void elf_parse_requires_a_loadable_segment(void** state)
{
    (void)state;
    struct image image = make_image();
    image.segments[0].type = 4;  /* PT_NOTE */
    image.segments[1].memsz = 0;  /* loads nothing */
    image.segments[1].filesz = 0;
    expect_refused(&image, sizeof(image), "no loadable segment");
}

static void elf_parse_requires_the_entry_in_an_executable_segment(void** state)
{
    (void)state;
    struct image image = make_image();
    image.header.entry = 0x500000;
    expect_refused(&image, sizeof(image), "entry point");
    image = make_image();
    image.header.entry = 0x401000;  /* inside the writable data segment only */
    expect_refused(&image, sizeof(image), "entry point");
    image = make_image();
    image.header.entry = 0x400080;  /* one past the end of the text segment */
    expect_refused(&image, sizeof(image), "entry point");
}

static void elf_loadable_segment_skips_other_and_empty_headers(void** state)
{
    (void)state;
    struct image image = make_image();
    image.segments[1].type = 6;  /* PT_PHDR */
    struct elf_program program;
    const char* reason;
    assert_int_equal(parse(&image, sizeof(image), &program, &reason), 0);
    assert_non_null(elf_loadable_segment(&program, 0));
    assert_null(elf_loadable_segment(&program, 1));
    assert_int_equal(program.high, 0x401000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(elf_parse_accepts_a_valid_executable),
        cmocka_unit_test(elf_parse_rejects_bad_magic),
        cmocka_unit_test(elf_parse_rejects_a_truncated_header),
        cmocka_unit_test(elf_parse_rejects_wrong_class_byte_order_and_version),
        cmocka_unit_test(elf_parse_rejects_other_types_and_machines),
        cmocka_unit_test(elf_parse_rejects_broken_program_header_tables),
        cmocka_unit_test(elf_parse_rejects_segment_data_outside_the_file),
        cmocka_unit_test(elf_parse_rejects_segments_outside_the_program_area),
        cmocka_unit_test(elf_parse_accepts_a_segment_ending_exactly_at_the_limit),
        cmocka_unit_test(elf_parse_refuses_more_than_32_program_headers),
        cmocka_unit_test(elf_parse_refuses_segments_far_apart),
        cmocka_unit_test(elf_parse_requires_a_loadable_segment),
        cmocka_unit_test(elf_parse_requires_the_entry_in_an_executable_segment),
        cmocka_unit_test(elf_loadable_segment_skips_other_and_empty_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
