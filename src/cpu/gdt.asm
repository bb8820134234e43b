; Loading the GDT takes a far jump to reload CS; the data segment
; registers are reloaded by hand (Intel SDM vol. 3A, 3.4.3).
section .text

global gdt_load
; void gdt_load(const void* descriptor, uint32_t code_selector, uint32_t data_selector)
gdt_load:
    mov eax, [esp+4]
    lgdt [eax]
    mov eax, [esp+12]
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    ; A far return pops EIP then CS: push the selector, then the address.
    mov eax, [esp+8]
    pop ecx                     ; our return address
    push eax
    push ecx
    retf

global tss_load
; void tss_load(uint32_t selector)
tss_load:
    mov eax, [esp+4]
    ltr ax
    ret
