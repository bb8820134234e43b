/* The smallest useful program: greets, shows its arguments, exits 0. */
#include <stdio.h>
#include <vana.h>

int main(int argc, char** argv)
{
    printf("hello from process %d (%s), %d argument(s):", vana_getpid(), argv[0], argc - 1);
    for (int i = 1; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    return 0;
}
