#ifndef PROGRAM_H
#define PROGRAM_H

#include <stddef.h>

struct process;

int program_load(struct process* process, const char* command_line, const void* data, size_t size,
                 const char** reason);

#endif
