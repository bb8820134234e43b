/* The user C library: malloc/free/calloc/realloc, printf, the string functions. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void check_malloc_family(void)
{
    char* a = malloc(10);
    CHECK(a != NULL);
    CHECK((unsigned long)a % 16 == 0);
    strcpy(a, "vana");
    CHECK(strcmp(a, "vana") == 0);

    char* b = realloc(a, 16);  /* fits its 16-byte size class: stays */
    CHECK(b == a && strcmp(b, "vana") == 0);
    char* c = realloc(b, 20000);  /* must move */
    CHECK(c != NULL && strcmp(c, "vana") == 0);
    c[19999] = 'z';
    free(c);

    unsigned char* z = calloc(1000, 10);
    CHECK(z != NULL);
    int nonzero = 0;
    for (int i = 0; i < 10000; i++)
        nonzero += z[i] != 0;
    CHECK(nonzero == 0);
    free(z);

    CHECK(malloc(0) == NULL);
    CHECK(calloc((size_t)-1, 16) == NULL);
    CHECK(malloc((size_t)-1) == NULL);
    CHECK(realloc(NULL, 8) != NULL);
}

static void check_strings_and_format(void)
{
    char buffer[64];
    CHECK(strlen("12345") == 5);
    CHECK(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 && strcmp("x", "x") == 0);
    CHECK(strncmp("abcdef", "abcxyz", 3) == 0);
    CHECK(strchr("hello", 'l') != NULL && *strrchr("hello", 'l') == 'l');
    CHECK(memcmp("\x80", "\x01", 1) > 0);
    snprintf(buffer, sizeof(buffer), "%d|%5u|%-3x|%08X|%s|%c|%%", -42, 7u, 0xab, 0xBEEFu, "str", 'q');
    CHECK(strcmp(buffer, "-42|    7|ab |0000BEEF|str|q|%") == 0);
    CHECK(snprintf(buffer, 4, "%s", "truncated") == 9 && strcmp(buffer, "tru") == 0);
    CHECK(atoi("-123") == -123 && atoi("77") == 77);
}

int main(void)
{
    check_malloc_family();
    check_strings_and_format();
    puts("libc: malloc, calloc, realloc, printf and string functions checked");
    return check_failures();
}
