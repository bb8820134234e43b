#!/usr/bin/env bash
# The debugger layer: gdb in batch mode against a halted QEMU.
#
# 1. The views (scripts/gdb/vana.py): Vana boots with programs that stay
#    alive a while (three hold.elf of different sizes, a ticker, family.elf
#    blocked waiting for the child it spawned), stops at a breakpoint in the
#    meminfo system call once every hold.elf holds its allocation, and gdb
#    runs vana-heap, vana-ps and vana-pt, in text and as JSON;
#    tests/debug/check_views.py checks them against the kernel's log
#    (COM2), the programs' known behaviour and the ELF file.
# 2. The pictures (scripts/pictures.sh): the fragmenting scenario is
#    captured and drawn, and tests/debug/check_pictures.py counts each
#    picture's pixels per colour against the capture's own counts.
#
# Run after `make all`; prints "debug: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib.sh
source tests/lib.sh

# --- the views against a running system ------------------------------------
views_out=$LOG_DIR/debug-views.out
# Each hold.elf calls meminfo once per turn after its allocation; by the
# sixth call every process has had two turns at least (round robin).
set +e
scripts/gdb-session.sh debug-views poweroff \
    "hold.elf 3 256,hold.elf 3 512,ticker.elf 300,family.elf run child.elf sleep 1000,child.elf exit 0,hold.elf 3 128" \
    -ex "break syscall_meminfo" -ex "ignore 1 5" -ex "continue" \
    -ex "echo @@ heap\n" -ex "vana-heap 16" \
    -ex "echo @@ ps\n" -ex "vana-ps" \
    -ex "echo @@ pt\n" -ex "vana-pt 1" \
    -ex "echo @@ walk\n" -ex "vana-pt 1 0x400000" \
    -ex "echo @@ walk2\n" -ex "vana-pt 1 0x00401234" \
    -ex "echo @@ guard\n" -ex "vana-pt 1 0x3fa000" \
    -ex "echo @@ kernelpage\n" -ex "vana-pt 1 0x100000" \
    -ex "echo @@ bad\n" -ex "vana-pt 99" \
    -ex "echo @@ heapjson\n" -ex "vana-heap --json" \
    -ex "echo @@ psjson\n" -ex "vana-ps --json" \
    -ex "echo @@ ptjson\n" -ex "vana-pt --json 1" \
    -ex "echo @@ walkjson\n" -ex "vana-pt --json 1 0x400000" \
    -ex "echo @@ frame\n" \
    -ex 'python walk = json.loads(gdb.execute("vana-pt --json 1 0x400000", to_string=True)); print("frame-bytes", bytes(gdb.selected_inferior().read_memory(walk["frame"], 16)).hex())' \
    >"$views_out" 2>&1
session_status=$?
set -e
check "views: the gdb session ran and stopped in syscall_meminfo" \
    bash -c "[ $session_status -eq 0 ] && grep -q '^Breakpoint 1, syscall_meminfo' '$views_out'"
count_checks views < <(python3 tests/debug/check_views.py "$views_out" "$LOG_DIR/debug-views.kernel.log" \
    build/user/hold.elf 2>&1)

# --- the pictures, counted against their captures ------------------------------
pictures_dir=build/test-pictures
rm -rf "$pictures_dir"
if scripts/pictures.sh "$pictures_dir/capture" "$pictures_dir/png" >"$LOG_DIR/debug-pictures.out" 2>&1; then
    pass "pictures: the scenario was captured at four stages and drawn"
else
    fail "pictures: the scenario was captured at four stages and drawn"
    cat "$LOG_DIR/debug-pictures.out"
fi
python=$(scripts/python-with-pil.sh) || python=python3
count_checks pictures < <("$python" tests/debug/check_pictures.py "$pictures_dir/capture" "$pictures_dir/png" \
    "$LOG_DIR/pictures.kernel.log" 2>&1)

finish debug
