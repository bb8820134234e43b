#ifndef IDT_H
#define IDT_H

#include "trapframe.h"

/* Vectors: 0-31 CPU exceptions, 32-47 the remapped PIC's IRQs, 0x80 system calls. */
#define IDT_EXCEPTION_COUNT 32
#define IDT_IRQ_BASE 32
#define IDT_IRQ_COUNT 16
#define IDT_SYSCALL_VECTOR 0x80
#define IDT_VECTOR_COUNT 256

#define EXCEPTION_PAGE_FAULT 14

void idt_init(void);

/* isr.asm: resumes a trapframe; a new task's first context returns here. */
void trap_return(void);

#endif
