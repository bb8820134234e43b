#!/usr/bin/env bash
# Build the hosted unit tests with ASan and UBSan into build/hosted/, run
# them, and end with one line: "hosted: N passed, N failed".
# Exits non-zero if a test failed or a test binary failed to build.
set -euo pipefail
cd "$(dirname "$0")/../.."

HOSTED_CC=${HOSTED_CC:-clang}
HOSTED_OUT=build/hosted
HOSTED_CFLAGS=(-std=c11 -g -O1 -Wall -Wextra -Werror -Isrc -Itests/hosted
               "-fsanitize=address,undefined" -fno-sanitize-recover=all -fno-omit-frame-pointer)
# memory.c defines memset & co.; renamed, they can sit beside the C library's.
HOSTED_RENAMED=(-ffreestanding -Dmemset=vana_memset -Dmemcpy=vana_memcpy
                -Dmemcmp=vana_memcmp -Dmemmove=vana_memmove)
# lib/string.c defines strlen & co.; renamed the same way.
HOSTED_STRING_RENAMED=(-ffreestanding -Dstrlen=vana_strlen -Dstrnlen=vana_strnlen
                       -Dstrcmp=vana_strcmp -Dstrncmp=vana_strncmp -Dstrchr=vana_strchr
                       -Dstrrchr=vana_strrchr -Dstrcpy=vana_strcpy -Dstrcat=vana_strcat
                       -Dstrlcpy=vana_strlcpy)
# user/lib/malloc.c defines malloc & co.; renamed, they sit beside the C
# library's, and "stdlib.h" in its tests is user/lib's.
HOSTED_MALLOC_RENAMED=(-iquote user/lib -Dmalloc=vana_user_malloc -Dfree=vana_user_free
                       -Dcalloc=vana_user_calloc -Drealloc=vana_user_realloc
                       -Dmalloc_usable_size=vana_user_malloc_usable_size -Dmalloc_trim=vana_user_malloc_trim)
HOSTED_SUPPORT=(tests/hosted/support/kheap_hosted.c tests/hosted/support/paging_asm_hosted.c)

passed=0
failed=0
mkdir -p "$HOSTED_OUT"

# run_test NAME plain|renamed|string-renamed|malloc-renamed|user-renamed SOURCE...: build one binary and count its cases.
run_test() {
    local name=$1 extra=$2
    shift 2
    local binary=$HOSTED_OUT/$name log=$HOSTED_OUT/$name.log
    local -a flags=("${HOSTED_CFLAGS[@]}")
    if [[ $extra == renamed ]]; then
        flags+=("${HOSTED_RENAMED[@]}")
    elif [[ $extra == string-renamed ]]; then
        flags+=("${HOSTED_STRING_RENAMED[@]}")
    elif [[ $extra == malloc-renamed ]]; then
        flags+=("${HOSTED_MALLOC_RENAMED[@]}")
    elif [[ $extra == user-renamed ]]; then
        flags+=(-iquote user/lib "${HOSTED_RENAMED[@]}" "${HOSTED_STRING_RENAMED[@]}")
    fi

    if ! "$HOSTED_CC" "${flags[@]}" "$@" -lcmocka -o "$binary" >"$log" 2>&1; then
        cat "$log"
        echo "$name: build failed"
        failed=$((failed + 1))
        return
    fi

    local status=0
    CMOCKA_MESSAGE_OUTPUT=stdout "$binary" >"$log" 2>&1 || status=$?

    # A case counts as passed only if cmocka printed OK for it; announced
    # cases that never reported (a crash) count as failed.
    local announced ok
    announced=$(sed -n 's/^\[==========\] Running \([0-9]*\) test(s)\.$/\1/p' "$log")
    ok=$(grep -c '^\[       OK \]' "$log" || true)
    local bad=$(( ${announced:-0} - ok ))
    if (( status != 0 && bad == 0 )); then
        bad=1   # exited non-zero after every case passed: a sanitizer or leak report
    fi
    if (( bad > 0 )); then
        grep -E '^\[  (FAILED|ERROR)   ?\]|^\[   LINE   \]|^ERROR|runtime error|Sanitizer' "$log" || true
        echo "$name: see $log"
    fi
    echo "$name: $ok passed, $bad failed"
    passed=$((passed + ok))
    failed=$((failed + bad))
}

run_test heap_test plain tests/hosted/memory/heap_test.c src/memory/heap/heap.c src/memory/heap/heap_index.c
# The real kheap.c, its kmalloc and kzalloc renamed so that kheap_hosted.c can wrap them.
"$HOSTED_CC" "${HOSTED_CFLAGS[@]}" -Dkmalloc=kheap_real_kmalloc -Dkzalloc=kheap_real_kzalloc \
    -c src/memory/heap/kheap.c -o "$HOSTED_OUT/kheap.o"
run_test paging_test plain tests/hosted/memory/paging_test.c src/memory/paging/paging.c \
    src/memory/heap/heap.c src/memory/heap/heap_index.c "$HOSTED_OUT/kheap.o" "${HOSTED_SUPPORT[@]}"
run_test elf_test plain tests/hosted/task/elf_test.c src/task/elf.c
run_test memory_test renamed tests/hosted/memory/memory_test.c src/memory/memory.c
run_test string_test string-renamed tests/hosted/lib/string_test.c src/lib/string.c
run_test format_test plain tests/hosted/lib/format_test.c src/lib/format.c
run_test malloc_test malloc-renamed tests/hosted/user/malloc_test.c user/lib/malloc.c \
    tests/hosted/support/user_syscall_hosted.c
# user/lib/line.c over Vana's own string and memory functions, renamed; "string.h" is user/lib's.
run_test line_test user-renamed tests/hosted/user/line_test.c user/lib/line.c src/lib/string.c src/memory/memory.c

echo "hosted: $passed passed, $failed failed"
(( failed == 0 ))
