#!/usr/bin/env python3
"""Write the crafted ELF files of the bigelf boot (tests/user/run.sh) into DIR.

headers-65535.elf  a header claiming 65,535 program headers (past the bound of 32)
far-apart.elf      two one-page segments 12 MiB apart (span far over the content)
largest.elf        the most work the loader accepts: 32 PT_LOAD headers, each
                   covering the whole 12 MiB program area and the whole file,
                   with code that calls exit(0)
"""
import struct
import sys

PT_LOAD, PF_X, PF_W, PF_R = 1, 1, 2, 4
BASE, AREA_END = 0x400000, 0x1000000
# mov eax, 9 (exit); xor ebx, ebx; int 0x80
EXIT_CODE = bytes([0xB8, 9, 0, 0, 0, 0x31, 0xDB, 0xCD, 0x80])


def elf_header(entry, phnum):
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    return ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, 52, 0, 0, 52, 32, phnum, 40, 0, 0)


def program_header(offset, vaddr, filesz, memsz, flags):
    return struct.pack("<IIIIIIII", PT_LOAD, offset, vaddr, vaddr, filesz, memsz, flags, 0x1000)


def image(headers, code_offset, size):
    data = bytearray(size)
    data[:len(headers)] = headers
    data[code_offset:code_offset + len(EXIT_CODE)] = EXIT_CODE
    return bytes(data)


def main(directory):
    with open(f"{directory}/headers-65535.elf", "wb") as f:
        f.write(image(elf_header(BASE + 0x1000, 65535), 0x1000, 0x2000))

    far = elf_header(BASE, 2)
    far += program_header(0x1000, BASE, 0x1000, 0x1000, PF_R | PF_X)
    far += program_header(0x1000, AREA_END - 0x1000, 0x1000, 0x1000, PF_R | PF_W)
    with open(f"{directory}/far-apart.elf", "wb") as f:
        f.write(image(far, 0x1000, 0x2000))

    size = 256 * 1024
    largest = elf_header(BASE + 0x1000, 32)
    for _ in range(32):
        largest += program_header(0, BASE, size, AREA_END - BASE, PF_R | PF_W | PF_X)
    with open(f"{directory}/largest.elf", "wb") as f:
        f.write(image(largest, 0x1000, size))


if __name__ == "__main__":
    main(sys.argv[1])
