#!/usr/bin/env bash
# In-kernel tests: boot build/vana.elf with "ktest" and read the KTAP it
# prints on the serial port; every test case counts. Then boots that check
# how the kernel refuses to start. Run from the repository root after `make`.
set -euo pipefail
source tests/lib.sh

cp tests/kernel/ktest-module.txt build/user/
boot ktest 128 ktest "ktest-module.txt arg1 arg2"
cases_ok=$(grep -cE '^    ok [0-9]+ ' "$log" || true)
cases_failed=$(grep -cE '^    not ok [0-9]+ ' "$log" || true)
grep -E '^    (not )?ok [0-9]+ |^        #' "$log" | sed 's/^    //'
passed=$((passed + cases_ok))
failed=$((failed + cases_failed))
check "ktest: KTAP header" has_line "KTAP version 1"
check "ktest: every suite reported" test "$(grep -cE '^(not )?ok [0-9]+ ' "$log")" -eq "$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log")"
check "ktest: QEMU exit status 1 (all passed)" test "$status" -eq 1
check "ktest: a program refused for want of memory says so" \
    has_kernel_line "vana: program full-heap.elf refused: out of memory"

boot kernel-fault 128 "ktest ktest-panic" ""
check "kernel fault: names the exception and its error code" has_line "vana: kernel exception 14: page fault, error code 0x0"
check "kernel fault: CR2 and the kind of access" has_line "  cr2 00000000 (read, not present)"
check "kernel fault: EIP and a register dump" bash -c "grep -qE '^  eip [0-9a-f]{8}  cs 0008' '$log' && grep -qE '^  eax [0-9a-f]{8}  ebx' '$log'"
check "kernel fault: panics and says where" has_line "vana: panic: page fault in kernel mode at eip 0x"
check "kernel fault: leaves QEMU with status 3" test "$status" -eq 3

boot stack-overflow 128 "ktest ktest-stack-overflow" ""
check "kernel stack overflow: the double fault names the process" \
    has_kernel_line "vana: kernel stack overflow in process 1 (overflow.bin)"
check "kernel stack overflow: caught as a double fault, in the guard page" \
    bash -c "grep -qE '^  double fault at eip [0-9a-f]{8}, esp c[0-9a-f]{7}, cr2 c[0-9a-f]{7}; guard page c[0-9a-f]{7}-c[0-9a-f]{7}$' '$klog'"
check "kernel stack overflow: panics through the panic path" \
    has_kernel_line "vana: panic: kernel stack overflow in process 1 (overflow.bin) at eip 0x"
check "kernel stack overflow: leaves QEMU with status 3" test "$status" -eq 3
check "kernel stack overflow: no triple fault (one boot banner)" bash -c "[ \$(grep -c '^Vana: ' '$log') -eq 1 ]"

boot double-fault 128 "ktest ktest-double-fault" ""
check "double fault: reported as one, not as an overflow" \
    bash -c "grep -q '^vana: kernel exception 8: double fault, error code 0x0$' '$klog' && ! grep -q 'stack overflow' '$klog'"
check "double fault: the interrupted registers" bash -c "grep -qE '^  esi [0-9a-f]{8}  edi [0-9a-f]{8}  ebp [0-9a-f]{8}  esp 00001000$' '$klog'"
check "double fault: panics and says where" has_kernel_line "vana: panic: double fault in kernel mode at eip 0x"
check "double fault: leaves QEMU with status 3, no triple fault" \
    bash -c "[ $status -eq 3 ] && [ \$(grep -c '^Vana: ' '$log') -eq 1 ]"

boot low-memory 64 poweroff ""
check "low memory: says what it needs and what it found" \
    has_line "vana: not enough memory: the kernel heap needs usable RAM from 0x01000000 to 0x07400000 (116 MiB of RAM), but this machine has 63 MiB usable"
check "low memory: stops cleanly (exit status 3, no reboot loop)" test "$status" -eq 3
check "low memory: no triple fault" bash -c "[ \$(grep -c '^Vana: ' '$log') -eq 1 ]"

boot no-modules 128 poweroff ""
check "no modules: says why nothing runs" has_line "vana: no programs to run"
check "no modules: boots, reports the heap and powers off" test "$status" -eq 1

check "boot log: memory map, heap range and table, paging on" bash -c \
    "grep -q 'vana: memory map' '$log' && grep -q 'table at 0x00007e00-0x0000e200' '$log' && grep -q 'vana: paging on' '$log'"
check "boot log: the kmalloc/kfree demonstration" has_line "(leftmost fit reuses the hole)"

# --- the debug kernel (make DEBUG=1): scrubbed frees, checked on every call ---
if [ -f build/vana-debug.elf ]; then
    KERNEL_IMAGE=vana-debug.elf boot debug-churn 128 "poweroff init=family.elf" "family.elf churn 2 40,child.elf"
    check "debug heap: a churn runs with heap_check after every kmalloc and kfree" \
        grep -qE '^family: churn of 80 children: [0-9]+ exited, [0-9]+ killed, heap back after every wave$' "$log"
    check "debug heap: no panic" bash -c "! grep -q panic '$klog'"
    check "debug heap: kernel heap back where it started" heap_lines_equal
    KERNEL_IMAGE=vana-debug.elf boot debug-write-after-free 128 "ktest ktest-write-after-free" ""
    check "debug heap: a write after free is reported with its address" \
        grep -qE '^vana: panic: kmalloc: 0x[0-9a-f]+ was written after it was freed \(byte at 0x[0-9a-f]+ is 0x01\)$' "$klog"
    check "debug heap: and stops the machine (exit status 3)" test "$status" -eq 3
else
    fail "debug heap: build/vana-debug.elf was not built (make DEBUG=1 kernel)"
fi

# --- through GRUB: the same in-kernel tests from a GRUB image (scripts/make-iso.sh) booted with -cdrom ---
kernel_cases_ok=$cases_ok
BOOT_GRUB=1 boot grub-ktest 128 ktest "ktest-module.txt arg1 arg2"
grub_cases_ok=$(grep -cE '^    ok [0-9]+ ' "$log" || true)
grub_cases_failed=$(grep -cE '^    not ok [0-9]+ ' "$log" || true)
check "grub: every KTAP case ok, as many as under -kernel ($grub_cases_ok of $kernel_cases_ok)" \
    test "$grub_cases_failed" -eq 0 -a "$grub_cases_ok" -eq "$kernel_cases_ok" -a "$grub_cases_ok" -gt 0
check "grub: every suite reported" \
    test "$(grep -cE '^ok [0-9]+ ' "$log")" -eq "$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log")"
check "grub: QEMU exit status 1 (all passed)" test "$status" -eq 1
# GRUB loads modules one after another above the kernel: behind a 16 MiB one,
# the program lies inside the kernel heap's range, which the copy must step around.
head -c 16777216 /dev/zero >build/user/grub-pad.dat
BOOT_GRUB=1 boot grub-modules-in-heap 128 "poweroff init=hello.elf" "grub-pad.dat,hello.elf a b"
check "grub: a module loaded inside the heap's range is copied out whole" \
    has_line "hello from process 1 (hello.elf), 2 argument(s): a b"
check "grub: and the boot ends cleanly (exit status 1)" test "$status" -eq 1
check "grub: kernel heap back where it started" heap_lines_equal
rm -f build/user/grub-pad.dat build/iso/grub-modules-in-heap.iso build/iso/grub-modules-in-heap.iso.log
rm -rf build/iso/grub-modules-in-heap.iso.d

finish kernel
