; void context_switch(struct context** save, struct context* load)
;
; Saves the callee-saved registers on the current stack, stores that stack
; pointer in *save, switches to the stack 'load' points at and pops the
; registers saved there. The final ret resumes whatever that stack was
; doing: a task in the middle of task_yield, the scheduler loop, or, for a
; task that never ran, trap_return with its first user-mode trapframe.
; The caller-saved registers (EAX, ECX, EDX) are the C compiler's to lose.
section .text
global context_switch
context_switch:
    mov eax, [esp+4]
    mov edx, [esp+8]
    push ebp
    push ebx
    push esi
    push edi
    mov [eax], esp
    mov esp, edx
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
