#!/usr/bin/env bash
# gdb-session.sh NAME CMDLINE INITRD [GDB ARGUMENTS...]: boot build/vana.elf
# halted under QEMU with the modules INITRD (strings as for -initrd, file
# names in build/user), attach gdb in batch mode with Vana's symbols and
# commands (scripts/gdb/vana.py) loaded, run the GDB ARGUMENTS (-ex ...,
# -x FILE), and end QEMU. gdb's output goes to stdout; the console (COM1)
# to build/test-logs/NAME.log and the kernel log (COM2) to
# build/test-logs/NAME.kernel.log, as tests/lib.sh's boot keeps them, and
# QEMU's own messages to build/test-logs/NAME.qemu.log.
#
# QEMU's gdb stub listens on a unix socket of this session's own rather
# than on TCP port 1234, so that sessions running at the same time (tests,
# make pictures, make debug) never meet. Used by tests/debug/run.sh and
# scripts/pictures.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

name=$1 cmdline=$2 initrd=$3
shift 3
logs=build/test-logs
mkdir -p "$logs"
socket=$(mktemp -u "${TMPDIR:-/tmp}/vana-gdb.XXXXXX")
log=$PWD/$logs/$name.log klog=$PWD/$logs/$name.kernel.log qemu_log=$PWD/$logs/$name.qemu.log

(cd build/user && exec timeout "${QEMU_TIMEOUT:-120}" qemu-system-i386 -m 128 -display none -no-reboot \
    -monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial "file:$log" -serial "file:$klog" \
    -gdb "unix:$socket,server=on,wait=off" -S -kernel ../vana.elf -append "$cmdline" -initrd "$initrd" \
    >"$qemu_log" 2>&1) &
qemu=$!
end_qemu() {
    kill "$qemu" 2>/dev/null || true
    wait "$qemu" 2>/dev/null || true
    rm -f "$socket"
}
trap end_qemu EXIT

for _ in $(seq 100); do
    [ -S "$socket" ] && break
    sleep 0.05
done
status=0
VANA_GDB_SOCKET=$socket timeout "${GDB_TIMEOUT:-60}" gdb -q -batch -nx -ex "set architecture i386" \
    -ex "file build/vana.elf" -x scripts/gdb/connect.py -ex "source scripts/gdb/vana.py" "$@" </dev/null 2>&1 ||
    status=$?
end_qemu
trap - EXIT
for file in "$log" "$klog"; do
    touch "$file"
    tr -d '\r' <"$file" >"$file.tmp" && mv "$file.tmp" "$file"
done
exit "$status"
