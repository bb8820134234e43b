#!/usr/bin/env bash
# Every test layer, in order of speed: hosted unit tests, the kernel-doc
# check, a short fuzz run, the proofs (Frama-C WP), the in-kernel KTAP
# tests, the debugger's views and pictures (gdb against a halted QEMU) and
# the user-program tests under QEMU. Each layer
# ends with "LAYER: N passed, N failed"; the last line adds them up.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

FUZZ_SECONDS=${FUZZ_SECONDS:-15}
layers=("tests/hosted/run.sh" "scripts/check-kernel-doc.py" "tests/fuzz/run.sh $FUZZ_SECONDS" "scripts/prove.sh"
        "tests/kernel/run.sh" "tests/debug/run.sh" "tests/user/run.sh")
total_passed=0
total_failed=0
mkdir -p build

for layer in "${layers[@]}"; do
    echo "=== $layer"
    out=build/layer.out
    $layer 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    summary=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    if [ -z "$summary" ]; then
        echo "$layer printed no summary (exit status $rc): counted as one failure"
        total_failed=$((total_failed + 1))
        continue
    fi
    p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$summary")
    f=$(sed -E 's/.*, ([0-9]+) failed/\1/' <<<"$summary")
    # A layer that failed without saying which test failed still fails.
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
done

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
