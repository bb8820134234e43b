# shellcheck shell=bash
# The shell, vsh, driven through the serial console, and the system calls
# it stands on (13-20) attacked by a program. Sourced by tests/user/run.sh,
# after tests/lib.sh.

# --- the calls: bad pointers and sizes, answers checked by the program itself ---
boot views 128 "poweroff init=views.elf" "views.elf,child.elf"
check "views: read, kill and the views refuse every bad pointer and size" exited_ok 1 views.elf
check "views: a child blocked in read is killed" \
    has_kernel_line "vana: process 4 (views.elf) killed: kill from process 1 (views.elf)"
check "views: a child blocked in wait is killed, and its own child goes on" \
    bash -c "grep -q '^vana: process 5 (views.elf) killed: kill from process 1 (views.elf)$' '$klog' &&
             grep -q '^vana: process 6 (child.elf) exited with status 0$' '$klog'"
check "views: no kernel panic" bash -c "! grep -q panic '$log'"
check "views: kernel heap back where it started" heap_lines_equal
check "views: QEMU exit status 3 (children were killed)" test "$status" -eq 3

# --- vsh: every command, checked against the kernel's figures ---------------
# tests/user/shell_check.py holds the commands, writes them as the console's
# input, and checks the console log and the kernel log afterwards.
shell_input=build/test-logs/shell.input
python3 tests/user/shell_check.py input "$shell_input"
BOOT_INPUT=$shell_input boot shell 128 "poweroff init=vsh.elf" "vsh.elf,hello.elf,holes.elf,ticker.elf"
run_checker shell python3 tests/user/shell_check.py check "$log" "$klog"
check "shell: init=vsh.elf starts the shell alone" has_kernel_line "vana: started process 1 (vsh.elf)"
check "shell: no kernel panic" bash -c "! grep -q panic '$log'"
check "shell: kernel heap back where it started" heap_lines_equal
check "shell: QEMU exit status 3 (a child was killed)" test "$status" -eq 3

# --- make run's own modules: vsh as init with the demonstration programs -----
# make_variable NAME: the value user/user.mk gives NAME.
make_variable() { make -s --no-print-directory -f user/user.mk -f - <<<"print: ; @echo \$($1)" print; }
printf 'run memdemo 1 64\nrun memstat\nexit 0\n' >build/test-logs/run.input
BOOT_INPUT=build/test-logs/run.input boot make-run 128 "poweroff $(make_variable RUN_CMDLINE)" "$(make_variable DEMO_INITRD)"
check "make run: boots into vsh" has_line "vsh: the Vana shell, process 1; help lists the commands"
check "make run: vsh runs the demonstration programs" \
    bash -c "grep -q '^vsh: \[2\] memdemo.elf exited with status 0$' '$log' && grep -q '^vsh: \[3\] memstat.elf exited with status 0$' '$log'"
check "make run: kernel heap back where it started" heap_lines_equal
check "make run: QEMU exit status 1" test "$status" -eq 1

# --- the PS/2 keyboard: keys pressed through QMP, the path of IRQ 1 ---------
run_checker keyboard python3 tests/user/keyboard.py
check "keyboard: the script ran to its end" test "$checker_status" -eq 0
