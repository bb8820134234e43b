/* Byte-string functions for code with no C library: the kernel and user/. */
#include "string.h"

size_t strlen(const char* s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char* s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char* a, const char* b)
{
    return strncmp(a, b, (size_t)-1);
}

int strncmp(const char* a, const char* b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        /* The C standard compares as unsigned char. */
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (ca == '\0')
            return 0;
    }
    return 0;
}

char* strchr(const char* s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char*)s;
        if (*s == '\0')
            return NULL;
    }
}

char* strrchr(const char* s, int c)
{
    const char* found = NULL;
    for (;; s++) {
        if (*s == (char)c)
            found = s;
        if (*s == '\0')
            return (char*)found;
    }
}

char* strcpy(char* dest, const char* src)
{
    char* d = dest;
    while ((*d++ = *src++))
        ;
    return dest;
}

char* strcat(char* dest, const char* src)
{
    strcpy(dest + strlen(dest), src);
    return dest;
}

size_t strlcpy(char* dest, const char* src, size_t size)
{
    size_t length = strlen(src);
    if (size > 0) {
        size_t n = length < size - 1 ? length : size - 1;
        for (size_t i = 0; i < n; i++)
            dest[i] = src[i];
        dest[n] = '\0';
    }
    return length;
}

/*
 * string_next_word - skip spaces in s and return the start of the next
 * word, storing its length; NULL when only spaces remain.
 */
const char* string_next_word(const char* s, size_t* length)
{
    while (*s == ' ')
        s++;
    if (*s == '\0')
        return NULL;
    size_t n = 0;
    while (s[n] && s[n] != ' ')
        n++;
    *length = n;
    return s;
}

/* string_has_word - does the space-separated list s contain word? */
bool string_has_word(const char* s, const char* word)
{
    size_t length, wanted = strlen(word);
    for (const char* w = string_next_word(s, &length); w; w = string_next_word(w + length, &length)) {
        if (length == wanted && strncmp(w, word, length) == 0)
            return true;
    }
    return false;
}
