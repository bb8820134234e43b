#ifndef USER_STDLIB_H
#define USER_STDLIB_H

#include <stddef.h>

/*
 * malloc.c: size classes carved out of kernel blocks. Every pointer is
 * 16-byte aligned; malloc(0) returns NULL. Freeing (or reallocating) a
 * pointer malloc did not return, or one freed already, prints
 * "malloc: free of 0x<address> that malloc did not return" and ends the
 * program with MALLOC_ABORT_STATUS.
 */
#define MALLOC_ABORT_STATUS 127

void* malloc(size_t size);
void free(void* ptr);
void* calloc(size_t count, size_t size);
void* realloc(void* ptr, size_t size);
size_t malloc_usable_size(void* ptr);
int malloc_trim(size_t pad);

/* stdlib.c */
void exit(int status) __attribute__((noreturn));
int atoi(const char* s);

#endif
