/* Byte-string functions for code with no C library: the kernel and user/. */
#include "string.h"

/**
 * strlen - the length of a string
 * @s: the string
 *
 * Return: the bytes before its terminator.
 */
size_t strlen(const char* s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/**
 * strnlen - the length of a string, reading at most max bytes
 * @s: the string, which need not be terminated within max bytes
 * @max: the most bytes to read
 *
 * Return: the bytes before its terminator, or max when none of the first max is one.
 */
size_t strnlen(const char* s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/**
 * strcmp - compare two strings
 * @a: the first string
 * @b: the second string
 *
 * Return: as strncmp with no limit.
 */
int strcmp(const char* a, const char* b)
{
    return strncmp(a, b, (size_t)-1);
}

/**
 * strncmp - compare two strings, at most n bytes
 * @a: the first string
 * @b: the second string
 * @n: the most bytes to compare
 *
 * Bytes compare as unsigned char; the first pair that differs decides.
 * Return: 0 when the strings are equal up to a terminator or n bytes, -1
 * when a sorts first, 1 when b does.
 */
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

/**
 * strchr - find the first c in a string
 * @s: the string
 * @c: the byte to find, converted to char; '\0' finds the terminator
 *
 * Return: the first c in s, or NULL when there is none.
 */
char* strchr(const char* s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char*)s;
        if (*s == '\0')
            return NULL;
    }
}

/**
 * strrchr - find the last c in a string
 * @s: the string
 * @c: the byte to find, converted to char; '\0' finds the terminator
 *
 * Return: the last c in s, or NULL when there is none.
 */
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

/**
 * strcpy - copy a string, terminator included
 * @dest: where to copy to, large enough for all of src
 * @src: the string
 *
 * Return: dest.
 */
char* strcpy(char* dest, const char* src)
{
    char* d = dest;
    while ((*d++ = *src++))
        ;
    return dest;
}

/**
 * strcat - append a string to another
 * @dest: the string to extend, with room for src after it
 * @src: the string to append
 *
 * Return: dest.
 */
char* strcat(char* dest, const char* src)
{
    strcpy(dest + strlen(dest), src);
    return dest;
}

/**
 * strlcpy - copy a string into a buffer of size bytes, always terminated
 * @dest: the buffer
 * @src: the string
 * @size: the buffer's bytes; 0 writes nothing
 *
 * The BSD contract: at most size - 1 bytes are copied, then a terminator.
 * Return: strlen(src), so a result of size or more means it was cut short.
 */
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

/**
 * string_next_word - find the next space-separated word
 * @s: where to start; spaces are skipped
 * @length: where the word's length goes
 *
 * Return: the start of the next word, or NULL when only spaces remain.
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

/**
 * string_has_word - does the space-separated list s contain word?
 * @s: the list
 * @word: the word, whole
 *
 * Return: true when one of the words of s is word.
 */
bool string_has_word(const char* s, const char* word)
{
    size_t length, wanted = strlen(word);
    for (const char* w = string_next_word(s, &length); w; w = string_next_word(w + length, &length)) {
        if (length == wanted && strncmp(w, word, length) == 0)
            return true;
    }
    return false;
}
