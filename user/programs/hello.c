/* The smallest useful program: greets, shows its arguments, exits 0. */
#include <stdio.h>
#include <string.h>
#include <vana.h>

int main(int argc, char** argv)
{
    /* One printf per line: one print system call, so the line arrives whole. */
    char words[256] = "";
    for (int i = 1; i < argc && strlen(words) + strlen(argv[i]) + 2 < sizeof(words); i++) {
        strcat(words, " ");
        strcat(words, argv[i]);
    }
    printf("hello from process %d (%s), %d argument(s):%s\n", vana_getpid(), argv[0], argc - 1, words);
    return 0;
}
