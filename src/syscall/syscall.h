#ifndef SYSCALL_H
#define SYSCALL_H

#include <stdint.h>

struct trapframe;

int32_t syscall_dispatch(struct trapframe* frame);

#endif
