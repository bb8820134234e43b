; Multiboot (v1) entry point. The boot loader (QEMU's -kernel or GRUB) finds
; the header below in the first 8 KiB of the image, loads the ELF segments,
; and jumps to _start in 32-bit protected mode with paging off, EAX holding
; the multiboot magic and EBX the physical address of the information block
; (Multiboot Specification 0.6.96, 3.2 and 3.3).

MULTIBOOT_MAGIC         equ 0x1BADB002
MULTIBOOT_PAGE_ALIGN    equ 1 << 0      ; load modules on 4 KiB boundaries
MULTIBOOT_MEMORY_INFO   equ 1 << 1      ; we need mem_* and the memory map
MULTIBOOT_FLAGS         equ MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO
BOOT_STACK_SIZE         equ 16384

section .multiboot
align 4
    dd MULTIBOOT_MAGIC
    dd MULTIBOOT_FLAGS
    dd -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

section .bss
align 16
global boot_stack_top
boot_stack_bottom:
    resb BOOT_STACK_SIZE
boot_stack_top:

section .text
global _start
extern kernel_main
_start:
    ; The loader leaves ESP undefined and interrupts off; keep them off
    ; until the IDT is loaded.
    cli
    mov esp, boot_stack_top
    xor ebp, ebp                ; ends the frame chain for backtraces in gdb
    push ebx
    push eax
    call kernel_main
.halt:
    cli
    hlt
    jmp .halt
