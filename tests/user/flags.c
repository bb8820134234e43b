/*
 * flags: make system calls with odd EFLAGS states a program may set
 * itself: DF (std), NT and AC (popf), and VM, which popf in ring 3 must
 * ignore. The kernel must answer each call as usual, and the program's
 * flags must come back as it left them. Exits 0 when every answer was right.
 */
#include <string.h>
#include <vana.h>

#include "check.h"

#define EFLAGS_DIRECTION 0x00000400u
#define EFLAGS_NESTED_TASK 0x00004000u
#define EFLAGS_ALIGNMENT_CHECK 0x00040000u
#define EFLAGS_VIRTUAL_8086 0x00020000u

/* One system call with extra bits ORed into EFLAGS just before int 0x80; the flags after it in *after. */
static long call_with_flags(unsigned int extra, unsigned int* after, long command, long arg1)
{
    long result;
    unsigned int flags;
    __asm__ volatile("pushfl\n\t"
                     "pushfl\n\t"
                     "orl %[extra], (%%esp)\n\t"
                     "popfl\n\t"
                     "int $0x80\n\t"
                     "pushfl\n\t"
                     "popl %[flags]\n\t"
                     "popfl"
                     : "=a"(result), [flags] "=&r"(flags)
                     : "a"(command), "b"(arg1), "c"(0), "d"(0), [extra] "r"(extra)
                     : "memory", "cc");
    *after = flags;
    return result;
}

static void check_calls(unsigned int extra, const char* label)
{
    unsigned int after;
    static char message[64];
    unsigned int kept = extra & ~EFLAGS_VIRTUAL_8086;  /* popf in ring 3 leaves VM alone */

    strcpy(message, "flags: print with ");
    strcat(message, label);
    strcat(message, "\n");
    CHECK(call_with_flags(extra, &after, SYSCALL_PRINT, (long)message) == 0);
    CHECK((after & (kept | EFLAGS_VIRTUAL_8086)) == kept);

    CHECK(call_with_flags(extra, &after, SYSCALL_GETPID, 0) == vana_getpid());

    /* The kernel zeroes the blocks it hands out with string instructions: DF must not reach them. */
    unsigned char* block = (unsigned char*)call_with_flags(extra, &after, SYSCALL_MALLOC, 3 * 4096);
    CHECK(block != NULL);
    if (block) {
        for (unsigned int i = 0; i < 3 * 4096; i++) {
            if (block[i] != 0) {
                CHECK(block[i] == 0);
                break;
            }
        }
        memset(block, 0x5A, 3 * 4096);
        CHECK(call_with_flags(extra, &after, SYSCALL_FREE, (long)block) == 0);
    }
    struct vana_meminfo info;
    memset(&info, 0xFF, sizeof(info));
    CHECK(call_with_flags(extra, &after, SYSCALL_MEMINFO, (long)&info) == 0);
    CHECK(info.heap_blocks_total == 25600 && info.process_allocations == 0);
}

int main(void)
{
    check_calls(EFLAGS_DIRECTION, "DF set");
    check_calls(EFLAGS_NESTED_TASK, "NT set");
    check_calls(EFLAGS_ALIGNMENT_CHECK, "AC set");
    check_calls(EFLAGS_VIRTUAL_8086, "VM asked for");
    check_calls(EFLAGS_DIRECTION | EFLAGS_NESTED_TASK | EFLAGS_ALIGNMENT_CHECK | EFLAGS_VIRTUAL_8086, "all");
    printf("flags: %d unexpected answers\n", check_failures());
    return check_failures();
}
