# gdb script for `make debug`: Vana's symbols, QEMU's gdb stub, a breakpoint at kernel_main,
# and the commands that show memory from the halted kernel (scripts/gdb/vana.py).
set architecture i386
file build/vana.elf
target remote localhost:1234
source scripts/gdb/vana.py
break kernel_main
echo \nQEMU is halted at the reset vector. 'continue' boots to kernel_main.\n
echo Once programs run (Ctrl-C stops them): vana-heap [N], vana-ps, vana-pt PID [ADDR]; --json for the data. 'help vana-pt' says more.\n
