; The entry point of every user program. The kernel enters here in ring 3
; with ESP = 0x3FF000 (the top of the stack), EAX = argc and EBX = argv
; (docs/syscalls.md). main's return value becomes the exit status.
section .text.start
global _start
extern main
extern exit
_start:
    and esp, -16                ; the i386 System V ABI wants 16-byte alignment at calls
    sub esp, 8
    push ebx
    push eax
    call main
    push eax
    call exit
