/* status N: exit with status N, through exit() rather than returning. */
#include <stdlib.h>

int main(int argc, char** argv)
{
    exit(argc > 1 ? atoi(argv[1]) : 0);
}
