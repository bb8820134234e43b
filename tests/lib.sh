# shellcheck shell=bash disable=SC2034
# Shared by the QEMU test scripts: boot Vana, then check what it printed.
# Each check prints "ok - NAME" or "not ok - NAME" and is counted; finish
# prints "LAYER: N passed, N failed" and sets the exit status.

QEMU_TIMEOUT=${QEMU_TIMEOUT:-180}
LOG_DIR=build/test-logs
mkdir -p "$LOG_DIR"
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }
check() { # check NAME COMMAND...: pass if the command succeeds
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

# boot NAME MEMORY_MIB CMDLINE INITRD: run QEMU from build/user (module
# strings are file names there); the serial log goes to $LOG_DIR/NAME.log,
# QEMU's exit status to $status.
boot() {
    local name=$1 memory=$2 cmdline=$3 initrd=$4
    log="$LOG_DIR/$name.log"
    local args=(-m "$memory" -display none -serial stdio -no-reboot -monitor none
        -device "isa-debug-exit,iobase=0xf4,iosize=0x04" -kernel ../vana.elf -append "$cmdline")
    [ -n "$initrd" ] && args+=(-initrd "$initrd")
    set +e
    (cd build/user && timeout "$QEMU_TIMEOUT" qemu-system-i386 "${args[@]}" </dev/null) >"$log" 2>&1
    status=$?
    set -e
    tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
}

has_line() { grep -qF -- "$1" "$log"; }
count_lines() { grep -cF -- "$1" "$log" || true; }

# The two "kernel heap" lines (before the first process, after the last) must be equal.
heap_lines_equal() {
    local lines
    lines=$(grep -E '^vana: kernel heap [0-9]+ of [0-9]+ blocks in use$' "$log" | sort -u | wc -l)
    [ "$(grep -cE '^vana: kernel heap [0-9]+ of [0-9]+ blocks in use$' "$log")" -eq 2 ] && [ "$lines" -eq 1 ]
}

finish() {
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
