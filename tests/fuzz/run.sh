#!/usr/bin/env bash
# Build every libFuzzer target tests/fuzz/*_fuzz.c into build/fuzz/ and run
# each for SECONDS (default 60). A target names the sources it links in a
# first-lines comment: "// sources: src/a.c src/b.c", and may add compiler
# flags in another: "// flags: -Dname=other". Ends with one line:
# "fuzz: N passed, N failed" (a target passes when the fuzzer exits 0).
set -euo pipefail
cd "$(dirname "$0")/../.."

FUZZ_SECONDS=${1:-60}
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_OUT=build/fuzz
FUZZ_CFLAGS=(-std=c11 -g -O1 -Wall -Wextra -Werror -Isrc
             "-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all -fno-omit-frame-pointer)

passed=0
failed=0
mkdir -p "$FUZZ_OUT/corpus"

for target in tests/fuzz/*_fuzz.c; do
    name=$(basename "$target" .c)
    binary=$FUZZ_OUT/$name
    log=$FUZZ_OUT/$name.log
    corpus=$FUZZ_OUT/corpus/$name
    mkdir -p "$corpus"

    read -r -a sources <<<"$(sed -n 's|^// sources: *||p' "$target" | head -n 1)"
    read -r -a flags <<<"$(sed -n 's|^// flags: *||p' "$target" | head -n 1)"
    if ! "$FUZZ_CC" "${FUZZ_CFLAGS[@]}" "${flags[@]}" "$target" "${sources[@]}" -o "$binary" >"$log" 2>&1; then
        cat "$log"
        echo "$name: build failed"
        failed=$((failed + 1))
        continue
    fi

    # Crash inputs land in build/fuzz/, never in the work tree.
    if "$binary" -max_total_time="$FUZZ_SECONDS" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$FUZZ_OUT/$name-" "$corpus" >"$log" 2>&1; then
        echo "$name: passed ($(find "$corpus" -type f | wc -l) inputs in corpus)"
        passed=$((passed + 1))
    else
        tail -n 40 "$log"
        echo "$name: failed, see $log"
        failed=$((failed + 1))
    fi
done

echo "fuzz: $passed passed, $failed failed"
(( failed == 0 ))
