#!/usr/bin/env bash
# User-program tests: boot Vana under QEMU with test programs as modules
# and check the lines the kernel and the programs print (the exit, kill and
# heap lines are the contract in docs/syscalls.md). Run from the repository
# root after `make`.
set -euo pipefail
source tests/lib.sh

exited_ok() { has_line "vana: process $1 ($2) exited with status 0"; }

# --- system calls, the C library, arguments, flat binaries ----------------
boot syscalls 128 poweroff "args.elf one two three,libc.elf,syscalls.elf,flat.bin hi,status.elf 0"
check "syscalls: main gets argc/argv from the command line" exited_ok 1 args.elf
check "syscalls: C library malloc/calloc/realloc/printf/strings" exited_ok 2 libc.elf
check "syscalls: every bad pointer, size and command is refused" exited_ok 3 syscalls.elf
check "syscalls: a flat binary runs from its first byte" has_line "hello from process 4 (flat.bin), 1 argument(s): hi"
check "syscalls: exit(0) through the C library" exited_ok 5 status.elf
check "syscalls: memmap prints the caller's mappings" has_line "vana: memory of process 3 (syscalls.elf): 12 KiB of page tables (directory + 2), 0 allocations of 0 blocks"
check "syscalls: memmap shows the stack" grep -qE '^  003fb000-003ff000 rw +16 KiB  stack$' "$log"
check "syscalls: memmap shows read-only text" grep -qE '^  00400000-004[0-9a-f]{5} r- +[0-9]+ KiB  program$' "$log"
check "syscalls: kernel heap back where it started" heap_lines_equal
check "syscalls: QEMU exit status 1 when every process exits 0" test "$status" -eq 1

# --- faults: each kills only its own process ------------------------------
faults=(read-kernel write-kernel write-heap-table read-vga read-kernel-heap write-text write-arguments null
    stack-overflow jump-kernel int cli io fpu divide)
initrd=""
for f in "${faults[@]}"; do initrd+="fault.elf $f,"; done
boot faults 128 poweroff "${initrd}hello.elf"
killed() { has_line "vana: process $1 (fault.elf) killed: $2"; }
check "faults: reading the kernel image" killed 1 "page fault at 0x100000 (read, protection violation)"
check "faults: writing the kernel image" killed 2 "page fault at 0x100000 (write, protection violation)"
check "faults: writing the heap table at 0x7E00" killed 3 "page fault at 0x7e00 (write, protection violation)"
check "faults: reading VGA memory" killed 4 "page fault at 0xb8000 (read, protection violation)"
check "faults: reading the kernel heap" killed 5 "page fault at 0x1000000 (read, protection violation)"
check "faults: writing its own read-only text" killed 6 "page fault at 0x4"
check "faults: the text fault is a write" grep -qE "process 6 \(fault.elf\) killed: page fault at 0x4[0-9a-f]{5} \(write, protection" "$log"
check "faults: writing the read-only argument page" killed 7 "page fault at 0x3ff000 (write, protection violation)"
check "faults: NULL dereference" killed 8 "page fault at 0x0 (read, not present)"
check "faults: stack overrun hits the guard page" killed 9 "page fault at 0x3fa"
check "faults: stack overrun is a write to a not-present page" grep -qE "process 9 \(fault.elf\) killed: page fault at 0x3fa[0-9a-f]{3} \(write, not present\)" "$log"
check "faults: jumping into the kernel" killed 10 "page fault at 0x100000 (read, protection violation)"
check "faults: int 0x21 is not a user gate" killed 11 "general protection fault at eip 0x"
check "faults: cli is privileged" killed 12 "general protection fault at eip 0x"
check "faults: port I/O is privileged" killed 13 "general protection fault at eip 0x"
check "faults: the FPU is off" killed 14 "device not available at eip 0x"
check "faults: divide by zero" killed 15 "divide error at eip 0x"
check "faults: the other processes go on" exited_ok 16 hello.elf
check "faults: no kernel panic" bash -c "! grep -q panic '$log'"
check "faults: kernel heap back where it started" heap_lines_equal
check "faults: QEMU exit status 3 when a process was killed" test "$status" -eq 3

# --- one process cannot reach another's memory -----------------------------
# Alone, so that no other process's exit leaves a lower hole in the heap.
boot neighbours 128 poweroff "neighbour.elf snoop,neighbour.elf holder"
probe=$(sed -n 's/^neighbour: snoop probe block at \(0x[0-9a-f]*\)$/\1/p' "$log")
secret=$(sed -n 's/^neighbour: holder secret at \(0x[0-9a-f]*\)$/\1/p' "$log")
check "neighbours: the holder got the block the snoop gave back" test -n "$probe" -a "$probe" = "$secret"
check "neighbours: reading another process's allocation kills the reader" \
    has_line "vana: process 1 (neighbour.elf) killed: page fault at ${secret:-none} (read, protection violation)"
check "neighbours: the other process's memory is intact" has_line "neighbour: holder secret intact"
check "neighbours: kernel heap back where it started" heap_lines_equal

# --- malformed programs are refused; the kernel goes on -------------------
dir=build/user
printf 'this is not an ELF file, just some text long enough to hold a header.\n' >$dir/bad-magic.elf
head -c 40 $dir/hello.elf >$dir/truncated-header.elf
head -c 300 $dir/hello.elf >$dir/truncated-data.elf
patch_byte() { cp $dir/hello.elf "$dir/$1"; printf "%b" "$3" | dd of="$dir/$1" bs=1 seek="$2" conv=notrunc status=none; }
patch_byte wrong-class.elf 4 '\x02'
patch_byte wrong-machine.elf 18 '\x3e'
patch_byte not-executable.elf 16 '\x03'
# The first program header's p_vaddr is at 52 + 8 (user.ld puts the text segment first).
patch_byte low-segment.elf 60 '\x00\x00\x10\x00'
patch_byte heap-segment.elf 60 '\x00\x00\x00\x01'
printf '' >$dir/empty.bin
boot malformed 128 poweroff "bad-magic.elf,truncated-header.elf,truncated-data.elf,wrong-class.elf,wrong-machine.elf,not-executable.elf,low-segment.elf,heap-segment.elf,empty.bin,hello.elf still here"
refused() { has_line "vana: program $1 refused: $2"; }
check "malformed: bad magic" refused bad-magic.elf "bad magic"
check "malformed: truncated header" refused truncated-header.elf "truncated file"
check "malformed: truncated segment data" refused truncated-data.elf "truncated file"
check "malformed: wrong class" refused wrong-class.elf "wrong class"
check "malformed: wrong machine" refused wrong-machine.elf "wrong machine"
check "malformed: not ET_EXEC" refused not-executable.elf "not a static executable"
check "malformed: segment below 0x400000" refused low-segment.elf "segment below the program area"
check "malformed: segment over the kernel heap" refused heap-segment.elf "segment overlaps the kernel heap"
check "malformed: empty flat binary" refused empty.bin "empty program"
check "malformed: the kernel goes on" has_line "hello from process 1 (hello.elf), 2 argument(s): still here"
check "malformed: kernel heap back where it started" heap_lines_equal
check "malformed: QEMU exit status 1" test "$status" -eq 1

# --- many processes at once, each holding 1 MiB ---------------------------
initrd=""
for _ in $(seq 40); do initrd+="hold.elf 40 1024,"; done
boot many 128 poweroff "${initrd%,}"
check "many: 40 processes started" test "$(count_lines "vana: started process")" -eq 40
check "many: all 40 exited with status 0" test "$(grep -cE '^vana: process [0-9]+ \(hold.elf\) exited with status 0$' "$log")" -eq 40
check "many: all 40 held 1 MiB at the same time" test "$(count_lines "(all 40 held: yes)")" -eq 40
check "many: kernel heap back where it started" heap_lines_equal
check "many: QEMU exit status 1" test "$status" -eq 1

# --- random system calls from three processes at once -----------------------
boot sysfuzz 128 poweroff "sysfuzz.elf 1 50000,sysfuzz.elf 2 50000,sysfuzz.elf 3 50000"
check "sysfuzz: 150000 random calls, every answer as documented" \
    test "$(count_lines "sysfuzz: 50000 rounds, 0 unexpected answers")" -eq 3
check "sysfuzz: all three exit 0" test "$(grep -cE '^vana: process [0-9] \(sysfuzz.elf\) exited with status 0$' "$log")" -eq 3
check "sysfuzz: no kernel panic" bash -c "! grep -q panic '$log'"
check "sysfuzz: kernel heap back where it started" heap_lines_equal

# --- output of one print is never split by another process -----------------
boot printers 128 poweroff "printer.elf A,printer.elf B,printer.elf C"
whole_lines() { [ "$(grep -cE '^(A{300}|B{300}|C{300})$' "$log")" -eq 90 ]; }
check "print: 90 lines of 300 characters arrive whole" whole_lines
check "print: no line mixes two processes" bash -c "! grep -qE '^[ABC]*(A[BC]|B[AC]|C[AB])' '$log'"

# --- exit status reaches QEMU ----------------------------------------------
boot status 128 poweroff "status.elf 3,hello.elf"
check "status: the exit line carries the status" has_line "vana: process 1 (status.elf) exited with status 3"
check "status: QEMU exit status 3 when a process exits non-zero" test "$status" -eq 3

# --- without poweroff the kernel idles instead of leaving QEMU --------------
QEMU_TIMEOUT=15 boot idle 128 "" "hello.elf"
check "idle: without poweroff QEMU keeps running" test "$status" -eq 124
check "idle: the kernel says it is idle" has_line "vana: idle (no processes left)"

finish user
