#ifndef USER_STDLIB_H
#define USER_STDLIB_H

#include <stddef.h>

void* malloc(size_t size);
void free(void* ptr);
void* calloc(size_t count, size_t size);
void* realloc(void* ptr, size_t size);
void exit(int status) __attribute__((noreturn));
int atoi(const char* s);

#endif
