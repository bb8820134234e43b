#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stdbool.h>
#include <stddef.h>

/*
 * String functions shared by the kernel and the user C library: both link
 * this one file. They follow the C standard's contracts; strlcpy follows
 * the BSD one (always terminates, returns strlen(src)).
 */
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strchr(const char* s, int c);
char* strrchr(const char* s, int c);
char* strcpy(char* dest, const char* src);
char* strcat(char* dest, const char* src);
size_t strlcpy(char* dest, const char* src, size_t size);
bool string_has_word(const char* s, const char* word);
const char* string_next_word(const char* s, size_t* length);

#endif
