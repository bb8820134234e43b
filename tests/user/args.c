/* args one two three: main gets the module's command line as argc/argv. */
#include <string.h>

#include "check.h"

int main(int argc, char** argv)
{
    CHECK(argc == 4);
    CHECK(strcmp(argv[0], "args.elf") == 0);
    CHECK(strcmp(argv[1], "one") == 0);
    CHECK(strcmp(argv[2], "two") == 0);
    CHECK(strcmp(argv[3], "three") == 0);
    CHECK(argv[4] == NULL);
    /* The argument page is read-only: the pointer is where docs/syscalls.md says. */
    CHECK((unsigned long)argv == 0x3FF000);
    printf("args: %d arguments checked\n", argc);
    return check_failures();
}
