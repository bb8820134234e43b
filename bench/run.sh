#!/usr/bin/env bash
# Benchmark Vana's heap and memory functions against the seed's versions and
# glibc. Instruction counts from callgrind are exact and repeatable, unlike
# time on a shared machine; each count covers only the workload function.
# Prints a table, then one ratio line per comparison ("heap: vana/seed = 0.12").
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_CC=${BENCH_CC:-clang}
BENCH_OUT=build/bench
# DWARF 4: valgrind 3.19 cannot read clang 14's default DWARF 5.
BENCH_CFLAGS=(-std=c11 -O2 -gdwarf-4 -Wall -Wextra -Werror -Isrc -Ibench)
# The memory functions are built as kernel code: freestanding (no loop is
# turned into a libc call) and without SIMD registers, which a kernel does
# not use; otherwise the compiler would vectorise the seed's byte loops.
BENCH_KERNEL_FLAGS=(-ffreestanding -mgeneral-regs-only)
BENCH_RENAMED=(-Dmemset=vana_memset -Dmemcpy=vana_memcpy -Dmemcmp=vana_memcmp -Dmemmove=vana_memmove)
BENCH_REPEATS=16 # run_memory_workload's REPEATS
# callgrind counts every iteration of rep movsb/stosb as one instruction, so
# glibc's string-instruction paths would look slow here while they are fast
# on hardware; raising the thresholds makes glibc use its vector loops.
BENCH_GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=1073741824:glibc.cpu.x86_rep_stosb_threshold=1073741824

if ! command -v valgrind >/dev/null; then
    echo "bench: valgrind is not installed (apt-get install valgrind)" >&2
    exit 1
fi
mkdir -p "$BENCH_OUT"

"$BENCH_CC" "${BENCH_CFLAGS[@]}" bench/heap_bench.c bench/seed_heap.c src/memory/heap/heap.c \
    -o "$BENCH_OUT/heap_bench"
"$BENCH_CC" "${BENCH_CFLAGS[@]}" "${BENCH_KERNEL_FLAGS[@]}" "${BENCH_RENAMED[@]}" \
    -c src/memory/memory.c -o "$BENCH_OUT/vana_memory.o"
"$BENCH_CC" "${BENCH_CFLAGS[@]}" "${BENCH_KERNEL_FLAGS[@]}" -c bench/seed_memory.c -o "$BENCH_OUT/seed_memory.o"
"$BENCH_CC" "${BENCH_CFLAGS[@]}" bench/memory_bench.c "$BENCH_OUT/vana_memory.o" "$BENCH_OUT/seed_memory.o" \
    -o "$BENCH_OUT/memory_bench"

# instructions FUNCTION PROGRAM ARGS...: instructions executed inside FUNCTION.
instructions() {
    local function=$1 out
    shift
    out=$BENCH_OUT/callgrind.$(echo "$*" | tr -c 'a-z0-9\n' '_').out
    local total
    env GLIBC_TUNABLES="$BENCH_GLIBC_TUNABLES" valgrind --tool=callgrind --toggle-collect="$function" --callgrind-out-file="$out" "$@" \
        >/dev/null 2>"$out.log"
    total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out")
    if [[ -z $total || $total == 0 ]]; then
        echo "bench: no instructions counted in $function for $*, see $out.log" >&2
        exit 1
    fi
    echo "$total"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3g", a / b }'
}

ratios=()
printf '%-26s %12s %12s %12s %10s %11s\n' "workload" "vana" "seed" "glibc" "vana/seed" "vana/glibc"

for workload in mixed fill; do
    heap=()
    for variant in vana seed glibc; do
        heap+=("$(instructions run_heap_workload "$BENCH_OUT/heap_bench" "$variant" "$workload")")
    done
    printf '%-26s %12s %12s %12s %10s %11s\n' "heap $workload" "${heap[@]}" \
        "$(ratio "${heap[0]}" "${heap[1]}")" "$(ratio "${heap[0]}" "${heap[2]}")"
    ratios+=("heap $workload: vana/seed = $(ratio "${heap[0]}" "${heap[1]}")"
             "heap $workload: vana/glibc = $(ratio "${heap[0]}" "${heap[2]}")")
done

for operation in memset memcpy memcmp; do
    for bytes in 4096 65536; do
        counts=()
        for variant in vana seed glibc; do
            total=$(instructions run_memory_workload "$BENCH_OUT/memory_bench" "$variant" "$operation" "$bytes")
            counts+=("$((total / BENCH_REPEATS))")
        done
        label="$operation $((bytes / 1024)) KiB (per call)"
        printf '%-26s %12s %12s %12s %10s %11s\n' "$label" "${counts[@]}" \
            "$(ratio "${counts[0]}" "${counts[1]}")" "$(ratio "${counts[0]}" "${counts[2]}")"
        ratios+=("$operation $((bytes / 1024)) KiB: vana/seed = $(ratio "${counts[0]}" "${counts[1]}")"
                 "$operation $((bytes / 1024)) KiB: vana/glibc = $(ratio "${counts[0]}" "${counts[2]}")")
    done
done

echo
printf '%s\n' "${ratios[@]}"
