#ifndef TRAPFRAME_H
#define TRAPFRAME_H

#include <stdint.h>

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

static inline int trapframe_from_user(const struct trapframe* frame)
{
    return (frame->cs & 3) == 3;
}

#endif
