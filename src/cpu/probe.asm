; Memory accesses that may fault. The page-fault handler (probe_fixup in
; probe.c) recognises a fault at probe_read32_access or probe_write32_access
; and resumes at the matching recovery label with EAX = -EFAULT, instead of
; panicking. The same idea as an exception table in larger kernels.

%define EFAULT 4

section .text

global probe_read32, probe_read32_access, probe_read32_recover
; int probe_read32(const volatile void* address, uint32_t* value)
probe_read32:
    mov ecx, [esp+4]
probe_read32_access:
    mov eax, [ecx]
    mov ecx, [esp+8]
    mov [ecx], eax
    xor eax, eax
    ret
probe_read32_recover:
    mov eax, -EFAULT
    ret

global probe_write32, probe_write32_access, probe_write32_recover
; int probe_write32(volatile void* address, uint32_t value)
probe_write32:
    mov ecx, [esp+4]
    mov eax, [esp+8]
probe_write32_access:
    mov [ecx], eax
    xor eax, eax
    ret
probe_write32_recover:
    mov eax, -EFAULT
    ret
