/*
 * memdemo ID KIB: allocate KIB kilobytes in several pieces, fill each with
 * a pattern of its own, give the CPU away between steps so other processes
 * run meanwhile, check every byte, free it all, and report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <vana.h>

#define PIECES 4

int main(int argc, char** argv)
{
    int id = argc > 1 ? atoi(argv[1]) : 0;
    int kib = argc > 2 ? atoi(argv[2]) : 16;
    size_t piece_size = (size_t)kib * 1024 / PIECES;
    unsigned char* pieces[PIECES];

    for (int i = 0; i < PIECES; i++) {
        pieces[i] = malloc(piece_size);
        if (!pieces[i]) {
            printf("memdemo %d: malloc(%u) failed\n", id, (unsigned)piece_size);
            return 1;
        }
        for (size_t b = 0; b < piece_size; b++)
            pieces[i][b] = (unsigned char)(id * 31 + i * 7 + b);
        printf("memdemo %d: piece %d: %u bytes at %p, filled\n", id, i, (unsigned)piece_size, (void*)pieces[i]);
        vana_yield();
    }

    size_t bad = 0;
    for (int i = 0; i < PIECES; i++) {
        for (size_t b = 0; b < piece_size; b++)
            bad += pieces[i][b] != (unsigned char)(id * 31 + i * 7 + b);
        free(pieces[i]);
        vana_yield();
    }
    printf("memdemo %d: checked %d KiB, %u bad bytes, all freed\n", id, kib, (unsigned)bad);
    return bad != 0;
}
