#ifndef IDT_H
#define IDT_H

#include "trapframe.h"

/* Vectors: 0-31 CPU exceptions, 32-47 the remapped PIC's IRQs, 0x80 system calls. */
#define IDT_EXCEPTION_COUNT 32
#define IDT_IRQ_BASE 32
#define IDT_IRQ_COUNT 16
#define IDT_SYSCALL_VECTOR 0x80
#define IDT_VECTOR_COUNT 256

#define EXCEPTION_DOUBLE_FAULT 8
#define EXCEPTION_PAGE_FAULT 14

void idt_init(void);
void idt_use_double_fault_task(uint32_t kernel_directory);

/* isr.asm: resumes a trapframe; a new task's first context returns here. */
void trap_return(void);

/* trap.c: what the double-fault task runs. */
void trap_double_fault(void) __attribute__((noreturn));

#endif
