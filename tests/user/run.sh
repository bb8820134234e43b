#!/usr/bin/env bash
# User-program tests: boot Vana under QEMU with test programs as modules
# and check the lines the kernel and the programs print (the exit, kill and
# heap lines are the contract in docs/syscalls.md). Run from the repository
# root after `make`.
set -euo pipefail
source tests/lib.sh

exited_ok() { has_kernel_line "vana: process $1 ($2) exited with status 0"; }

# --- system calls, the C library, arguments, flat binaries ----------------
boot syscalls 128 poweroff "args.elf one two three,libc.elf,syscalls.elf,flat.bin hi,status.elf 0"
check "syscalls: main gets argc/argv from the command line" exited_ok 1 args.elf
check "syscalls: C library malloc/calloc/realloc/printf/strings" exited_ok 2 libc.elf
check "syscalls: every bad pointer, size and command is refused" exited_ok 3 syscalls.elf
check "syscalls: a flat binary runs from its first byte" has_line "hello from process 4 (flat.bin), 1 argument(s): hi"
check "syscalls: exit(0) through the C library" exited_ok 5 status.elf
check "syscalls: memmap prints the caller's mappings" has_kernel_line "vana: memory of process 3 (syscalls.elf): 12 KiB of page tables (directory + 2), 0 allocations of 0 blocks"
check "syscalls: memmap shows the stack" grep -qE '^  003fb000-003ff000 rw +16 KiB  stack$' "$klog"
check "syscalls: memmap shows read-only text" grep -qE '^  00400000-004[0-9a-f]{5} r- +[0-9]+ KiB  program$' "$klog"
check "syscalls: kernel heap back where it started" heap_lines_equal
check "syscalls: QEMU exit status 1 when every process exits 0" test "$status" -eq 1

# --- faults: each kills only its own process ------------------------------
faults=(read-kernel write-kernel write-heap-table read-vga read-kernel-heap write-text write-arguments null
    stack-overflow jump-kernel int cli io fpu divide vm86 ldt)
initrd=""
for f in "${faults[@]}"; do initrd+="fault.elf $f,"; done
boot faults 128 poweroff "${initrd}hello.elf"
killed() { has_kernel_line "vana: process $1 (fault.elf) killed: $2"; }
check "faults: reading the kernel image" killed 1 "page fault at 0x100000 (read, protection violation)"
check "faults: writing the kernel image" killed 2 "page fault at 0x100000 (write, protection violation)"
check "faults: writing the heap table at 0x7E00" killed 3 "page fault at 0x7e00 (write, protection violation)"
check "faults: reading VGA memory" killed 4 "page fault at 0xb8000 (read, protection violation)"
check "faults: reading the kernel heap" killed 5 "page fault at 0x1000000 (read, protection violation)"
check "faults: writing its own read-only text" killed 6 "page fault at 0x4"
check "faults: the text fault is a write" grep -qE "^vana: process 6 \(fault.elf\) killed: page fault at 0x4[0-9a-f]{5} \(write, protection" "$klog"
check "faults: writing the read-only argument page" killed 7 "page fault at 0x3ff000 (write, protection violation)"
check "faults: NULL dereference" killed 8 "page fault at 0x0 (read, not present)"
check "faults: stack overrun hits the guard page" killed 9 "page fault at 0x3fa"
check "faults: stack overrun is a write to a not-present page" grep -qE "^vana: process 9 \(fault.elf\) killed: page fault at 0x3fa[0-9a-f]{3} \(write, not present\)" "$klog"
check "faults: jumping into the kernel" killed 10 "page fault at 0x100000 (read, protection violation)"
check "faults: int 0x21 is not a user gate" killed 11 "general protection fault at eip 0x"
check "faults: cli is privileged" killed 12 "general protection fault at eip 0x"
check "faults: port I/O is privileged" killed 13 "general protection fault at eip 0x"
check "faults: the FPU is off" killed 14 "device not available at eip 0x"
check "faults: divide by zero" killed 15 "divide error at eip 0x"
check "faults: an IRET into virtual-8086 mode kills only that process" killed 16 ""
check "faults: LDT selectors fault (no LDT is loaded)" killed 17 "general protection fault at eip 0x"
check "faults: the other processes go on" exited_ok 18 hello.elf
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
    has_kernel_line "vana: process 1 (neighbour.elf) killed: page fault at ${secret:-none} (read, protection violation)"
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
refused() { has_kernel_line "vana: program $1 refused: $2"; }
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
check "malformed: QEMU exit status 3, as a refused program is a failure" test "$status" -eq 3

# --- odd flags across system calls; forged kernel lines -------------------
boot flags 128 poweroff "flags.elf"
check "flags: DF, NT, AC and VM states get the usual answers" exited_ok 1 flags.elf
check "flags: kernel heap back where it started" heap_lines_equal
# Alone: another program's output could land between the unfinished line and the kernel's.
boot forge 128 poweroff "forge.elf"
check "forge: the program's forged lines are not in the kernel log" \
    bash -c "! grep -q 'forged\|kernel heap 5 of\|process 7 (forge.elf)' '$klog'"
check "forge: the kernel log has only the kernel's own lines" bash -c "! grep -qv '^vana: \|^Vana: \|^  ' '$klog'"
check "forge: the real exit line is in the kernel log" exited_ok 1 forge.elf
check "forge: on the console the exit line starts a line of its own" \
    grep -qx "vana: process 1 (forge.elf) exited with status 0" "$log"
check "forge: the unfinished line is ended before the kernel's" grep -qx "forge: an unfinished line" "$log"
check "forge: kernel heap back where it started" heap_lines_equal

# --- names and command lines: decided whole, kept whole, refused past the bound ---
long=$(printf 'n%.0s' $(seq 60))
cp $dir/flat.bin "$dir/${long}.bin"                       # 64 characters, ".bin" cut off in the record
cp $dir/hello.elf "$dir/${long:0:59}.binary.elf"          # an ELF whose first 63 characters end in ".bin"
deep=$(printf 'd%.0s' $(seq 140))
mkdir -p "$dir/$deep"
cp $dir/echo.elf "$dir/$deep/echo.elf"
huge=$(printf 'x%.0s' $(seq 4074))   # "echo.elf " and this: 4,083 characters, the most whose argv fits a page
initrd="${long}.bin,${long:0:59}.binary.elf,echo.elf $huge,echo.elf $huge$huge"
for i in $(seq 36); do initrd+=",$deep/echo.elf $i"; done
boot names 128 poweroff "$initrd"
check "names: a 64-character .bin name runs as a flat binary" has_line "hello from process 1 (${long}.bin), 0 argument(s):"
check "names: an ELF whose name has .bin inside runs as an ELF" has_line "hello from process 2 (${long:0:59}.binary.elf)"
check "names: a 4083-character command line arrives whole" has_line 'echo: 2 words, 4082 characters, ending "xxxxxxxx"'
check "names: a line past 4095 characters is refused" refused echo.elf "command line too long"
check "names: 36 modules with 150-character paths all run" \
    test "$(grep -cE '^vana: process [0-9]+ \(d{63}\) exited with status 0$' "$klog")" -eq 36
check "names: each of them got its own arguments" has_line 'echo: 2 words, 151 characters, ending "36"'
check "names: kernel heap back where it started" heap_lines_equal
check "names: QEMU exit status 3 (one program refused)" test "$status" -eq 3

# --- bounded work with interrupts off: a huge memmap, a huge ELF ----------------
boot manymaps 128 poweroff "manymaps.elf 20000,ticker.elf 300"
check "manymaps: memmap of over 4000 mappings returns" exited_ok 1 manymaps.elf
check "manymaps: the report is cut to 32 lines and a count" grep -qE '^  \.\.\. and [0-9]{4} more ranges$' "$klog"
check "manymaps: no more than 32 mapping lines" test "$(grep -c '^  [0-9a-f]\{8\}-' "$klog")" -le 32
check "manymaps: another process kept running" exited_ok 2 ticker.elf
check "manymaps: kernel heap back where it started" heap_lines_equal
python3 tests/user/make_elf.py "$dir"
started=$SECONDS
boot bigelf 128 poweroff "headers-65535.elf,far-apart.elf,largest.elf,hello.elf after"
check "bigelf: 65535 program headers are refused" refused headers-65535.elf "too many program headers"
check "bigelf: segments 12 MiB apart are refused" refused far-apart.elf "segments too far apart"
check "bigelf: the largest accepted ELF (32 headers x 12 MiB) loads and runs" exited_ok 1 largest.elf
check "bigelf: the kernel goes on" has_line "hello from process 2 (hello.elf), 1 argument(s): after"
check "bigelf: the whole boot takes under 60 seconds" test $((SECONDS - started)) -lt 60
check "bigelf: kernel heap back where it started" heap_lines_equal
boot bigelf-spawn 128 poweroff "ticker.elf 300,family.elf run largest.elf,largest.elf"
check "bigelf: spawning the largest accepted ELF works" exited_ok 2 family.elf
check "bigelf: the spawn's load time is printed (bound: docs/syscalls.md)" \
    grep -qE '^family: spawn of largest.elf took [0-9]+ million cycles$' "$log"
check "bigelf: another process kept running and finished" exited_ok 1 ticker.elf
check "bigelf: kernel heap back where it started (spawn)" heap_lines_equal

# --- the life cycle: spawn and wait --------------------------------------
cp $dir/bad-magic.elf $dir/bad.elf
cp $dir/hog.elf $dir/late.elf
boot family 128 "poweroff init=family.elf" "family.elf basic,child.elf,bad.elf,hello.elf not started"
check "family: spawn, wait, status words and every bad argument" exited_ok 1 family.elf
check "family: init= starts only the named module" bash -c "! grep -q 'hello from' '$log'"
check "family: a child killed by a page fault is reported" \
    has_kernel_line "vana: process 3 (child.elf) killed: page fault at 0x0 (read, not present)"
check "family: kernel heap back where it started" heap_lines_equal
check "family: QEMU exit status 3 (a child was killed)" test "$status" -eq 3

boot orphans 128 "poweroff init=family.elf" "family.elf orphans,child.elf"
check "orphans: the parent exits before its children" exited_ok 1 family.elf
check "orphans: the running child goes on and exits" exited_ok 2 child.elf
check "orphans: no record is left behind" heap_lines_equal

boot thousand-children 128 "poweroff init=family.elf" "family.elf many 1000,child.elf"
check "thousand: 1000 children of one parent alive at once" has_line "family: 1000 children alive at once"
check "thousand: all 1000 waited for, each exited 0" has_line "family: 1000 children waited for, all exited 0"
check "thousand: kernel heap back where it started" heap_lines_equal
check "thousand: QEMU exit status 1" test "$status" -eq 1

initrd=""
for i in $(seq 1000); do initrd+="hello.elf $i,"; done
boot thousand-modules 128 poweroff "${initrd%,}"
check "thousand: 1000 modules boot and run at once" \
    test "$(grep -cE '^vana: process [0-9]+ \(hello.elf\) exited with status 0$' "$klog")" -eq 1000
check "thousand: the last module got its own arguments" has_line "hello from process 1000 (hello.elf), 1 argument(s): 1000"
check "thousand: kernel heap back where it started" heap_lines_equal

boot churn 128 "poweroff init=family.elf" "family.elf churn 10 100,child.elf"
check "churn: 1000 children in waves, random allocations, one in ten killed" \
    grep -qE '^family: churn of 1000 children: [0-9]+ exited, [0-9]+ killed, heap back after every wave$' "$log"
check "churn: every status word as expected" exited_ok 1 family.elf
check "churn: no kernel panic" bash -c "! grep -q panic '$klog'"
check "churn: kernel heap back where it started" heap_lines_equal

# --- memory limits and running out ----------------------------------------
boot limit 128 poweroff "hog.elf 10"
check "limit: a process stops at 32 MiB, everything counted" \
    grep -qE '^hog 1: refused after 31 MiB and [0-9]+ blocks; holds 81[0-9]{2} blocks of allocations' "$log"
check "limit: it goes on after the refusal" exited_ok 1 hog.elf
boot limits 128 poweroff "hog.elf 400,hog.elf 400,late.elf 200,child.elf"
check "limits: two processes at their limit" test "$(grep -cE '^hog [12]: refused after 31 MiB' "$log")" -eq 2
check "limits: a late process can still allocate and spawn" has_line "late: allocated 1 MiB and spawned a child while others sat at their limit: yes"
check "limits: kernel heap back where it started" heap_lines_equal
boot exhaustion 128 poweroff "hog.elf 300,hog.elf 300,hog.elf 300,hog.elf 300,child.elf"
check "exhaustion: four hogs run the heap out, each is refused and goes on" \
    test "$(grep -cE '^vana: process [1-4] \(hog.elf\) exited with status 0$' "$klog")" -eq 4
check "exhaustion: not all four reached 31 MiB (the heap ran out first)" \
    test "$(grep -cE '^hog [1-4]: refused after 31 MiB' "$log")" -lt 4
check "exhaustion: no kernel panic" bash -c "! grep -q panic '$klog'"
check "exhaustion: everything comes back" heap_lines_equal

# --- many processes at once, each holding 1 MiB ---------------------------
initrd=""
for _ in $(seq 40); do initrd+="hold.elf 40 1024,"; done
boot many 128 poweroff "${initrd%,}"
check "many: 40 processes started" test "$(count_kernel_lines "vana: started process")" -eq 40
check "many: all 40 exited with status 0" test "$(grep -cE '^vana: process [0-9]+ \(hold.elf\) exited with status 0$' "$klog")" -eq 40
check "many: all 40 held 1 MiB at the same time" test "$(count_lines "(all 40 held: yes)")" -eq 40
check "many: kernel heap back where it started" heap_lines_equal
check "many: QEMU exit status 1" test "$status" -eq 1

# --- random system calls from three processes at once -----------------------
boot sysfuzz 128 poweroff "sysfuzz.elf 1 50000,sysfuzz.elf 2 50000,sysfuzz.elf 3 50000,child.elf"
check "sysfuzz: 150000 random calls, every answer as documented" \
    test "$(count_lines "sysfuzz: 50000 rounds, 0 unexpected answers")" -eq 3
check "sysfuzz: all three exit 0" test "$(grep -cE '^vana: process [0-9] \(sysfuzz.elf\) exited with status 0$' "$klog")" -eq 3
check "sysfuzz: no kernel panic" bash -c "! grep -q panic '$log'"
check "sysfuzz: kernel heap back where it started" heap_lines_equal

# --- output of one print is never split by another process -----------------
boot printers 128 poweroff "printer.elf A,printer.elf B,printer.elf C"
whole_lines() { [ "$(grep -cE '^(A{300}|B{300}|C{300})$' "$log")" -eq 90 ]; }
check "print: 90 lines of 300 characters arrive whole" whole_lines
check "print: no line mixes two processes" bash -c "! grep -qE '^[ABC]*(A[BC]|B[AC]|C[AB])' '$log'"

# --- exit status reaches QEMU ----------------------------------------------
boot status 128 poweroff "status.elf 3,hello.elf"
check "status: the exit line carries the status" has_kernel_line "vana: process 1 (status.elf) exited with status 3"
check "status: QEMU exit status 3 when a process exits non-zero" test "$status" -eq 3

# --- without poweroff the kernel idles instead of leaving QEMU --------------
QEMU_TIMEOUT=15 boot idle 128 "" "hello.elf"
check "idle: without poweroff QEMU keeps running" test "$status" -eq 124
check "idle: the kernel says it is idle" has_kernel_line "vana: idle (no processes left)"

# --- the user malloc: size classes, space, bad frees -----------------------
bad_frees=(interior double metadata tail large trimmed stack text kernel unowned)
initrd="malloc.elf"
for mode in "${bad_frees[@]}"; do initrd+=",badfree.elf $mode"; done
boot malloc 128 poweroff "$initrd"
check "malloc: mixed sizes, realloc, calloc, 100000 objects: every check passed" exited_ok 1 malloc.elf
check "malloc: 100000 live 32-byte objects in at most 125% of their bytes" \
    has_line "malloctest: 100000 x 32 bytes within 125%: yes"
check "malloc: every block back to the kernel after free and malloc_trim" \
    has_line "malloctest: all freed: 0 allocations, 0 blocks"
# bad_free_reported MODE PID: the program named the address, the library the same one, the kernel status 127.
bad_free_reported() {
    local address
    address=$(sed -n "s/^badfree: $1: free(\(0x[0-9a-f]*\))\$/\1/p" "$log")
    [ -n "$address" ] && has_line "malloc: free of $address that malloc did not return" &&
        has_kernel_line "vana: process $2 (badfree.elf) exited with status 127"
}
pid=2
for mode in "${bad_frees[@]}"; do
    check "malloc: a bad free ($mode) prints the line and exits with status 127" bad_free_reported "$mode" $pid
    pid=$((pid + 1))
done
check "malloc: no bad free goes on or faults" bash -c "! grep -qE 'free returned|badfree.elf\) killed' '$log' '$klog'"
check "malloc: kernel heap back where it started" heap_lines_equal
check "malloc: QEMU exit status 3 (the bad frees exit non-zero)" test "$status" -eq 3

# --- the shell and the calls it stands on ------------------------------------
source tests/user/shell.sh

# --- an external oracle: QEMU's own page walk, sampled during churn -----------
# tests/user/oracle.py boots a churn with a QMP socket, stops the CPU every
# 100 ms and checks every user page QEMU finds (info mem, gva2gpa, xp).
run_checker oracle python3 tests/user/oracle.py
samples=$(sed -n 's/^oracle: \([0-9]*\) samples .*/\1/p' "$checker_out")
check "oracle: no user page is the kernel's, another's, or page 0 (${samples:-0} samples)" test "$checker_status" -eq 0

finish user
