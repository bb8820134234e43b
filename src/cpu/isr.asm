; Interrupt entry stubs. The CPU pushes an error code for some exceptions
; only (8, 10-14, 17, 21; Intel SDM vol. 3A, 6.13); the others push a zero
; in its place so that every vector leaves the same trapframe
; (src/cpu/trapframe.h) for trap_dispatch.

%define KERNEL_DATA_SELECTOR 0x10

section .text
extern trap_dispatch

%macro ISR_NO_ERROR 1
global isr_%1
isr_%1:
    push dword 0
    push dword %1
    jmp isr_common
%endmacro

%macro ISR_ERROR 1
global isr_%1
isr_%1:
    push dword %1
    jmp isr_common
%endmacro

isr_common:
    ; The System V ABI that C code is compiled for assumes DF = 0 at every
    ; call, and a user program may enter with DF = 1 (std). Interrupt gates
    ; clear IF, TF, NT, RF and VM but leave DF alone (Intel SDM vol. 3A,
    ; 6.12.1.3), so clear it here before any kernel C code runs; iretd
    ; restores the user's own EFLAGS, DF included.
    cld
    pushad
    push ds
    push es
    push fs
    push gs
    mov ax, KERNEL_DATA_SELECTOR
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    push esp                    ; struct trapframe*
    call trap_dispatch
    add esp, 4

global trap_return
trap_return:
    pop gs
    pop fs
    pop es
    pop ds
    popad
    add esp, 8                  ; vector and error code
    iretd

%assign vector 0
%rep 256
  %if vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21
    ISR_ERROR vector
  %else
    ISR_NO_ERROR vector
  %endif
  %assign vector vector + 1
%endrep

section .rodata
global isr_table
isr_table:
%assign vector 0
%rep 256
    dd isr_ %+ vector
  %assign vector vector + 1
%endrep
