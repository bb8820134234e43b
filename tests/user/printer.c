/* printer LETTER: print lines of one letter, yielding between them, to show that prints never split. */
#include <stdio.h>
#include <string.h>
#include <vana.h>

#define LINES 30
#define WIDTH 300

int main(int argc, char** argv)
{
    char line[WIDTH + 2];
    memset(line, argc > 1 ? argv[1][0] : '?', WIDTH);
    line[WIDTH] = '\n';
    line[WIDTH + 1] = '\0';
    for (int i = 0; i < LINES; i++) {
        vana_print(line);
        if (i % 3 == 0)
            vana_yield();
    }
    return 0;
}
