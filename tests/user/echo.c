/*
 * echo: report the command line as the program received it, so a test can
 * tell that a long one arrived whole: the number of words, their total
 * length, and the last word's last eight characters.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv)
{
    size_t total = 0;
    for (int i = 0; i < argc; i++)
        total += strlen(argv[i]);
    const char* last = argv[argc - 1];
    size_t length = strlen(last);
    printf("echo: %d words, %u characters, ending \"%s\"\n", argc, (unsigned)total,
           length > 8 ? last + length - 8 : last);
    return 0;
}
