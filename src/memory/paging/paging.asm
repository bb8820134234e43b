; The three instructions paging needs, as the seed gives them, plus invlpg.
section .text

global paging_load_directory
; void paging_load_directory(uint32_t* directory)
; Writing CR3 also flushes every non-global TLB entry (Intel SDM vol. 3A, 4.10.4.1).
paging_load_directory:
    push ebp
    mov ebp, esp
    mov eax, [ebp+8]
    mov cr3, eax
    pop ebp
    ret

global enable_paging
; void enable_paging(void)
; Sets CR0.PG, and CR0.WP (bit 16) too: without WP the kernel could write
; through read-only user mappings, and a user program's read-only text
; would not be read-only to the system calls acting for it (SDM 4.1.3).
; First CR4.PSE (bit 4), so that directory entries with PS set map 4 MiB
; pages: the kernel's identity map is made of them (SDM 4.3).
enable_paging:
    push ebp
    mov ebp, esp
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80010000
    mov cr0, eax
    pop ebp
    ret

global paging_invalidate_tlb_entry
; void paging_invalidate_tlb_entry(void* virt)
paging_invalidate_tlb_entry:
    mov eax, [esp+4]
    invlpg [eax]
    ret
