/*
 * ticker ROUNDS: count to ROUNDS, giving the CPU away after each count and
 * printing every hundredth, so a test can see that this process went on
 * running while another made long system calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <vana.h>

int main(int argc, char** argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 1000;
    for (int i = 1; i <= rounds; i++) {
        if (i % 100 == 0)
            printf("ticker: %d\n", i);
        vana_yield();
    }
    return 0;
}
