#!/usr/bin/env bash
# check-format.sh: the files listed below match .clang-format exactly
# (clang-format --dry-run --Werror); make format-check runs it. These are
# the files that matched when .clang-format was written; a file joins the
# list once it matches (scripts/check-format.sh --candidates lists those
# that match and are not listed yet). Ends with "format: N passed, N failed".
# Needs clang-format 14 (Debian 12's): other versions break lines differently.
set -euo pipefail
cd "$(dirname "$0")/.."

CLANG_FORMAT=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format || echo clang-format)}

files=(
    bench/guest/syscallbench.c
    bench/kernel/kernel_bench.h
    bench/previous_memory.c
    bench/seed_heap.c
    bench/seed_heap.h
    bench/seed_memory.c
    bench/seed_memory.h
    src/console/console.c
    src/console/console.h
    src/console/input.c
    src/console/input.h
    src/console/keyboard.c
    src/console/keyboard.h
    src/console/serial.h
    src/console/vga.c
    src/console/vga.h
    src/cpu/gdt.h
    src/cpu/idt.h
    src/cpu/io.h
    src/cpu/pic.h
    src/cpu/pit.h
    src/cpu/probe.c
    src/cpu/probe.h
    src/cpu/trapframe.h
    src/kernel.h
    src/lib/array.h
    src/lib/format.h
    src/lib/string.c
    src/lib/string.h
    src/memory/heap/heap_index.h
    src/memory/heap/kheap.h
    src/memory/memory.h
    src/memory/paging/paging.h
    src/panic.c
    src/syscall/syscall.h
    src/task/heap_view.c
    src/task/kernel_stack.c
    src/task/kernel_stack.h
    src/task/process_input.c
    src/task/process_view.c
    src/task/spawn.c
    src/task/task.c
    tests/fuzz/elf_fuzz.c
    tests/hosted/lib/string_test.c
    tests/hosted/memory/memory_test.c
    tests/hosted/support/kheap_hosted.c
    tests/hosted/support/kheap_hosted.h
    tests/hosted/support/paging_asm_hosted.c
    tests/hosted/support/paging_asm_hosted.h
    tests/hosted/support/user_syscall_hosted.h
    tests/hosted/user/line_test.c
    tests/kernel/boot_ktest.c
    tests/kernel/console_ktest.c
    tests/kernel/cpu_ktest.c
    tests/kernel/heap_ktest.c
    tests/user/args.c
    tests/user/child.c
    tests/user/echo.c
    tests/user/forge.c
    tests/user/hog.c
    tests/user/hold.c
    tests/user/neighbour.c
    tests/user/printer.c
    tests/user/status.c
    tests/user/ticker.c
    tests/user/views.c
    user/lib/line.c
    user/lib/line.h
    user/lib/stdio.c
    user/lib/stdio.h
    user/lib/stdlib.c
    user/lib/stdlib.h
    user/lib/string.h
    user/lib/syscall.c
    user/lib/vana.h
    user/programs/hello.c
    user/programs/fragment.c
    user/programs/holes.c
    user/programs/memdemo.c
    user/programs/vsh.c
)

if [ "${1:-}" = --candidates ]; then
    for file in $(git ls-files '*.c' '*.h'); do
        [[ " ${files[*]} " == *" $file "* ]] && continue
        "$CLANG_FORMAT" --dry-run --Werror "$file" >/dev/null 2>&1 && echo "$file"
    done
    exit 0
fi

version=$("$CLANG_FORMAT" --version 2>/dev/null | sed -n 's/.*version \([0-9]*\).*/\1/p')
[ "$version" = 14 ] || echo "$0: $CLANG_FORMAT is version ${version:-unknown}, not 14: differences may be the version's" >&2

passed=0
failed=0
for file in "${files[@]}"; do
    if [ ! -f "$file" ]; then
        echo "not ok - $file: listed, but it is gone (take it out of scripts/check-format.sh)"
        failed=$((failed + 1))
    elif "$CLANG_FORMAT" --dry-run --Werror "$file" 2>/dev/null; then
        passed=$((passed + 1))
    else
        echo "not ok - $file: differs from .clang-format; clang-format -i $file, then read the diff"
        "$CLANG_FORMAT" "$file" | diff -u "$file" - | head -n 20 || true
        failed=$((failed + 1))
    fi
done
echo "format: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
