#ifndef USER_STRING_H
#define USER_STRING_H

/* User programs use the kernel's own string and memory functions: one copy of each. */
#include "lib/string.h"
#include "memory/memory.h"

#endif
