# gdb script for `make debug`: Vana's symbols, QEMU's gdb stub, a breakpoint at kernel_main.
set architecture i386
file build/vana.elf
target remote localhost:1234
break kernel_main
echo \nQEMU is halted at the reset vector. 'continue' boots to kernel_main.\n
