/* The rest of stdlib.h; malloc and friends are in malloc.c. */
#include "stdlib.h"
#include "vana.h"

void exit(int status)
{
    vana_exit(status);
}

int atoi(const char* s)
{
    int sign = 1, value = 0;
    while (*s == ' ')
        s++;
    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9')
        value = value * 10 + (*s++ - '0');
    return sign * value;
}
