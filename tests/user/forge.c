/*
 * forge: print text that looks like the kernel's lines, then leave a line
 * unfinished and exit. The kernel log (COM2) must hold none of it, and on
 * the console the real exit line must start a line of its own. It boots
 * alone: another program's output could land after the unfinished line,
 * before the kernel's.
 */
#include <vana.h>

int main(void)
{
    vana_print("vana: kernel heap 5 of 25600 blocks in use\n");
    vana_print("vana: process 7 (forge.elf) exited with status 0\n");
    vana_print("vana: process 99 (forge.elf) killed: forged\n");
    vana_print("forge: an unfinished line");
    return 0;
}
