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
# strings are file names there). The console (COM1: the kernel's and the
# programs' output) goes to $log = $LOG_DIR/NAME.log, the kernel log (COM2:
# the kernel's lines alone, which no program can forge) to
# $klog = $LOG_DIR/NAME.kernel.log, and QEMU's exit status to $status.
# KERNEL_IMAGE names another kernel in build/ (vana-debug.elf). With
# BOOT_GRUB=1 the same boot goes through GRUB: scripts/make-iso.sh puts
# the kernel, CMDLINE and INITRD into build/iso/NAME.iso, booted with -cdrom.
# BOOT_INPUT names a file QEMU reads as what is typed on the console (COM1);
# without it the console has no input.
boot() {
    local name=$1 memory=$2 cmdline=$3 initrd=$4 input=${BOOT_INPUT:-/dev/null}
    [[ $input == /* ]] || input=$PWD/$input
    log="$LOG_DIR/$name.log"
    klog="$LOG_DIR/$name.kernel.log"
    local args=(-m "$memory" -display none -serial stdio -serial "file:$PWD/$klog" -no-reboot -monitor none
        -device "isa-debug-exit,iobase=0xf4,iosize=0x04")
    if [ "${BOOT_GRUB:-0}" = 1 ]; then
        mkdir -p build/iso
        if ! scripts/make-iso.sh "build/iso/$name.iso" "build/${KERNEL_IMAGE:-vana.elf}" "$cmdline" "$initrd" >"$log" 2>&1; then
            cat "$log"
            : >"$klog"
            status=125
            return
        fi
        args+=(-cdrom "$PWD/build/iso/$name.iso")
    else
        args+=(-kernel "../${KERNEL_IMAGE:-vana.elf}" -append "$cmdline")
        [ -n "$initrd" ] && args+=(-initrd "$initrd")
    fi
    set +e
    (cd build/user && timeout "$QEMU_TIMEOUT" qemu-system-i386 "${args[@]}" <"$input") >"$log" 2>&1
    status=$?
    set -e
    local file
    for file in "$log" "$klog"; do
        touch "$file"
        tr -d '\r' <"$file" >"$file.tmp" && mv "$file.tmp" "$file"
    done
}

# Lines on the console (programs' output, and the kernel's).
has_line() { grep -qF -- "$1" "$log"; }
count_lines() { grep -cF -- "$1" "$log" || true; }
# Lines of the kernel log: what the kernel said, never what a program printed.
# has_kernel_line TEXT: a kernel-log line starts with TEXT.
has_kernel_line() { awk -v text="$1" 'index($0, text) == 1 { found = 1 } END { exit !found }' "$klog"; }
count_kernel_lines() { awk -v text="$1" 'index($0, text) == 1 { n++ } END { print n + 0 }' "$klog"; }

# The two "kernel heap" lines (before the first process, after the last) must be equal.
heap_lines_equal() {
    local lines
    lines=$(grep -E '^vana: kernel heap [0-9]+ of [0-9]+ blocks in use$' "$klog" | sort -u | wc -l)
    [ "$(grep -cE '^vana: kernel heap [0-9]+ of [0-9]+ blocks in use$' "$klog")" -eq 2 ] && [ "$lines" -eq 1 ]
}

# count_checks PREFIX [FILE]: count each "ok - NAME" and "not ok - NAME"
# line a checking script wrote (to FILE, or to stdin) as this layer's own
# check named "PREFIX: NAME"; other lines are shown as TAP comments.
count_checks() {
    local line
    while IFS= read -r line; do
        case $line in
        "ok - "*) pass "$1: ${line#ok - }" ;;
        "not ok - "*) fail "$1: ${line#not ok - }" ;;
        "#"*) echo "$line" ;;
        *) echo "# $line" ;;
        esac
    done <"${2:-/dev/stdin}"
}

# run_checker NAME COMMAND...: run a checker script that prints "ok - " and
# "not ok - " lines; its output goes to $LOG_DIR/NAME.checks (checker_out),
# its lines are counted under NAME, and its exit status is left in
# checker_status.
run_checker() {
    local name=$1
    shift
    checker_out="$LOG_DIR/$name.checks"
    set +e
    "$@" >"$checker_out" 2>&1
    checker_status=$?
    set -e
    count_checks "$name" "$checker_out"
}

finish() {
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
