#ifndef PROGRAM_H
#define PROGRAM_H

#include <stddef.h>

struct process;

/* A program the kernel was given (a boot module): its image and its command line. */
struct program_module
{
    const void* data;
    size_t size;
    const char* string;  /* the program's name (first word) and arguments; at most
                            VANA_MAX_COMMAND_LINE + 1 characters are kept of a longer one */
};

void program_set_modules(const struct program_module* modules, size_t count);
const struct program_module* program_find(const char* name, size_t length);
int program_load(struct process* process, const char* command_line, const void* data, size_t size,
                 const char** reason);

#endif
