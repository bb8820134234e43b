#ifndef TRAPFRAME_H
#define TRAPFRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "registers.h"

/*
 * What isr.asm leaves on the kernel stack for every interrupt, lowest
 * address first: the segment registers it saved, PUSHA's block, the
 * vector and error code (a zero where the CPU pushes none), and what the
 * CPU itself pushed. user_esp and user_ss exist only when the interrupt
 * came from ring 3 (Intel SDM vol. 3A, 6.12.1).
 */
struct trapframe
{
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, kernel_esp, ebx, edx, ecx, eax;
    uint32_t vector, error_code;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss;
};

/*
 * Did the interrupt arrive while user code ran? Ring 3 code has CPL 3 in
 * CS. But a frame with EFLAGS.VM set came from virtual-8086 mode, where CS
 * holds a real-mode segment whose low bits mean nothing (a ring-3 IRET
 * with VM set must not enter that mode, yet QEMU's emulator lets it), and
 * only user code can get there: Vana itself never sets VM.
 */
static inline bool trapframe_from_user(const struct trapframe* frame)
{
    return (frame->cs & 3) == 3 || (frame->eflags & EFLAGS_VIRTUAL_8086);
}

/* Did the interrupt arrive in virtual-8086 mode, which Vana never runs? */
static inline bool trapframe_from_virtual_8086(const struct trapframe* frame)
{
    return (frame->eflags & EFLAGS_VIRTUAL_8086) != 0;
}

#endif
