#!/usr/bin/env bash
# make bench: every benchmark, on the wall clock, each figure beside its
# baseline measured in the same run and the ratio between them.
#
#   host   build/bench/heap_bench    the heap against the seed's first-fit scan and glibc
#          build/bench/memory_bench  memset & co. against the seed's byte loops and glibc
#   guest  QEMU boots (TCG): rdtsc cycles, best of several rounds
#          kbench         (kernel command line) kmalloc/process_malloc at 1,000 to 24,000
#                         live blocks; a process's creation against the seed's 4 GiB directory
#          syscallbench   a system-call round trip; spawn + wait of a minimal child;
#                         cycles from reset to the first user instruction
#          mallocbench    user malloc/free pairs against one system call per malloc; space
#
# docs/performance.md records a run of this script and the machine it ran on.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_CC=${BENCH_CC:-clang}
BENCH_OUT=build/bench
BENCH_CFLAGS=(-std=c11 -O2 -Wall -Wextra -Werror -Isrc -Ibench)
# The memory functions are built as kernel code: freestanding (no loop is
# turned into a libc call) and without SIMD registers, which the kernel does
# not use; otherwise the compiler would vectorise the seed's byte loops.
BENCH_KERNEL_FLAGS=(-ffreestanding -mgeneral-regs-only)
rename() { # rename PREFIX: -Dmemset=PREFIX_memset and so on
    printf -- "-D%s=$1_%s\n" memset memset memcpy memcpy memcmp memcmp memmove memmove
}
mapfile -t VANA_RENAMED < <(rename vana)
mapfile -t PREVIOUS_RENAMED < <(rename previous)
mkdir -p "$BENCH_OUT"

echo "== build"
"$BENCH_CC" "${BENCH_CFLAGS[@]}" bench/heap_bench.c bench/seed_heap.c src/memory/heap/heap.c \
    src/memory/heap/heap_index.c -o "$BENCH_OUT/heap_bench"
"$BENCH_CC" "${BENCH_CFLAGS[@]}" "${BENCH_KERNEL_FLAGS[@]}" "${VANA_RENAMED[@]}" \
    -c src/memory/memory.c -o "$BENCH_OUT/vana_memory.o"
"$BENCH_CC" "${BENCH_CFLAGS[@]}" "${BENCH_KERNEL_FLAGS[@]}" "${PREVIOUS_RENAMED[@]}" \
    -c bench/previous_memory.c -o "$BENCH_OUT/previous_memory.o"
"$BENCH_CC" "${BENCH_CFLAGS[@]}" "${BENCH_KERNEL_FLAGS[@]}" -c bench/seed_memory.c -o "$BENCH_OUT/seed_memory.o"
"$BENCH_CC" "${BENCH_CFLAGS[@]}" bench/memory_bench.c "$BENCH_OUT/vana_memory.o" "$BENCH_OUT/previous_memory.o" \
    "$BENCH_OUT/seed_memory.o" -o "$BENCH_OUT/memory_bench"
make -s all

echo
echo "== host: the kernel heap (wall clock, best of several runs, baselines interleaved)"
"$BENCH_OUT/heap_bench"
echo
echo "== host: memory routines (wall clock, best of several runs, baselines interleaved)"
"$BENCH_OUT/memory_bench"

# guest NAME CMDLINE INITRD: boot QEMU and print the benchmark lines.
guest() {
    (cd build/user && timeout 300 qemu-system-i386 -m 128 -display none -serial stdio -no-reboot -monitor none \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel ../vana.elf -append "$2" -initrd "$3" \
        </dev/null || true) | tr -d '\r' | grep -E "^($1|kbench|syscallbench|mallocbench):|kernel_main began"
}

echo
echo "== guest: QEMU $(qemu-system-i386 --version | head -n 1 | sed 's/.*version //'), TCG; rdtsc cycles, best of 7 rounds"
guest kbench "poweroff kbench" "hello.elf"
guest syscallbench "poweroff init=syscallbench.elf" "syscallbench.elf,child.elf"
guest mallocbench poweroff "mallocbench.elf"
