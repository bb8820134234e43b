/*
 * sysfuzz SEED ROUNDS: call the kernel with random commands and arguments,
 * and check that every bad one is answered with an error while the process
 * and its memory go on. Exits 0 when every answer was as documented in
 * docs/syscalls.md. The kernel's "kernel heap" lines then show nothing leaked.
 *
 * Each call is made with a random EFLAGS state a program can set itself:
 * DF (std), NT and AC, and VM, which popf in ring 3 must leave clear. The
 * answers must not depend on them.
 */
#include <stdlib.h>
#include <vana.h>

#include "check.h"
#include "status.h"

#define MAX_LIVE 64
#define BLOCK 4096u

struct allocation
{
    unsigned char* start;
    unsigned int size;
};

static unsigned int state;
static struct allocation live[MAX_LIVE];
static int live_count;

static unsigned int random_next(void)
{
    /* xorshift32 (Marsaglia 2003): plenty for picking test inputs. */
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

/* Could this process read address? Its stack, arguments and program, and its live blocks. */
static int is_ours(unsigned int address)
{
    if (address >= 0x3FB000 && address < 0x00800000)
        return 1;
    for (int i = 0; i < live_count; i++) {
        unsigned int start = (unsigned int)live[i].start;
        if (address >= start && address - start < (live[i].size + BLOCK - 1) / BLOCK * BLOCK)
            return 1;
    }
    return 0;
}

/* An address this process may not touch: the kernel, its heap, others' blocks, unmapped space. */
static unsigned int random_bad_address(void)
{
    static const unsigned int interesting[] = {0x0, 0x7E00, 0xB8000, 0x100000, 0x3FA000, 0x3FAFFF,
                                               0x01000000, 0x07400000, 0x80000000, 0xFFFFFFFF, 0xFFFFF000};
    unsigned int address;
    do
        address = (random_next() & 1) ? interesting[random_next() % 11] : random_next();
    while (is_ours(address));
    return address;
}

#define EFLAGS_DIRECTION 0x00000400u
#define EFLAGS_NESTED_TASK 0x00004000u
#define EFLAGS_VIRTUAL_8086 0x00020000u
#define EFLAGS_ALIGNMENT_CHECK 0x00040000u

/* A system call made with random extra EFLAGS bits set just before int 0x80, and cleared after. */
static long fuzz_syscall(long command, long arg1, long arg2, long arg3)
{
    static const unsigned int states[] = {0, EFLAGS_DIRECTION, EFLAGS_NESTED_TASK, EFLAGS_VIRTUAL_8086,
                                          EFLAGS_ALIGNMENT_CHECK,
                                          EFLAGS_DIRECTION | EFLAGS_NESTED_TASK | EFLAGS_VIRTUAL_8086};
    unsigned int extra = states[random_next() % (sizeof(states) / sizeof(states[0]))];
    long result;
    __asm__ volatile("pushfl\n\t"
                     "pushfl\n\t"
                     "orl %[extra], (%%esp)\n\t"
                     "popfl\n\t"
                     "int $0x80\n\t"
                     "popfl"
                     : "=a"(result)
                     : "a"(command), "b"(arg1), "c"(arg2), "d"(arg3), [extra] "r"(extra)
                     : "memory", "cc");
    return result;
}

static void* call_malloc(unsigned int size)
{
    return (void*)fuzz_syscall(SYSCALL_MALLOC, (long)size, 0, 0);
}

static int call_free(void* ptr)
{
    return (int)fuzz_syscall(SYSCALL_FREE, (long)ptr, 0, 0);
}

static unsigned int random_size(void)
{
    switch (random_next() % 4) {
    case 0:
        return random_next() % 64;
    case 1:
        return random_next() % (64 * 1024);
    case 2:
        return random_next();  /* mostly far more than the heap */
    default:
        return 0xFFFFFFFFu - random_next() % 8192;
    }
}

static void fuzz_malloc(void)
{
    unsigned int size = random_size();
    unsigned char* p = call_malloc(size);
    if (size == 0 || size > 200u * 1024 * 1024)
        CHECK(p == NULL);
    if (!p)
        return;
    CHECK((unsigned int)p % BLOCK == 0 && p[0] == 0 && p[size - 1] == 0);
    p[0] = 0xA5;
    if (live_count < MAX_LIVE)
        live[live_count++] = (struct allocation){p, size};
    else
        CHECK(call_free(p) == 0);
}

static void fuzz_free(void)
{
    if (live_count && random_next() % 2) {
        int i = (int)(random_next() % (unsigned int)live_count);
        struct allocation a = live[i];
        unsigned int blocks = (a.size + BLOCK - 1) / BLOCK;
        CHECK(a.start[0] == 0xA5);  /* nobody else wrote there */
        if (blocks > 1)
            CHECK(call_free(a.start + BLOCK * (1 + random_next() % (blocks - 1))) == -EINVARG);
        CHECK(call_free(a.start + 1 + random_next() % (BLOCK - 1)) == -EINVARG);
        CHECK(call_free(a.start) == 0);
        CHECK(call_free(a.start) == -EINVARG);
        live[i] = live[--live_count];
        return;
    }
    unsigned int address = random_bad_address();
    CHECK(call_free((void*)address) == (address ? -EINVARG : 0));
}

/* A count of at least 1 for an output array: small, huge, or one that makes the size wrap. */
static long random_count(void)
{
    return (long)(1 + random_next() % (random_next() % 2 ? 8 : 0xFFFFFFFEu));
}

/* Every call that writes through a pointer refuses a bad one, whatever the other arguments. */
static void fuzz_pointer_calls(void)
{
    long address = (long)random_bad_address();
    long me = fuzz_syscall(SYSCALL_GETPID, 0, 0, 0);
    switch (random_next() % 9) {
    case 0:
        CHECK(fuzz_syscall(SYSCALL_PRINT, address, 0, 0) == -EFAULT);
        break;
    case 1:
        CHECK(fuzz_syscall(SYSCALL_MEMINFO, address, 0, 0) == -EFAULT);
        break;
    case 2:  /* read checks before it waits for input, so this never blocks */
        CHECK(fuzz_syscall(SYSCALL_READ, address, random_count(), 0) == -EFAULT);
        break;
    case 3:
        CHECK(fuzz_syscall(SYSCALL_PROCESSES, address, random_count(), 0) == -EFAULT);
        break;
    case 4:
        CHECK(fuzz_syscall(SYSCALL_HEAPINFO, address, 0, 0) == -EFAULT);
        break;
    case 5:
        CHECK(fuzz_syscall(SYSCALL_HEAPMAP, address, random_next() % 25600, random_count()) == -EFAULT);
        break;
    case 6:
        CHECK(fuzz_syscall(SYSCALL_DIRECTORY, me, address, 0) == -EFAULT);
        break;
    case 7:
        CHECK(fuzz_syscall(SYSCALL_MAPPINGS, me, address, random_count()) == -EFAULT);
        break;
    default:
        CHECK(fuzz_syscall(SYSCALL_TRANSLATE, me, (long)random_next(), address) == -EFAULT);
        break;
    }
}

/* kill of anything but a running child of ours: refused. */
static void fuzz_kill(void)
{
    long pid = (long)random_next();
    if (random_next() % 2)
        pid = pid % 64;  /* pids that exist: ourselves, the other fuzzers, their children */
    CHECK(fuzz_syscall(SYSCALL_KILL, pid, 0, 0) == (pid > 0 ? -ECHILD : -EINVARG));
}

/*
 * spawn and wait (calls 11 and 12): bad lines and pointers, now and then a
 * real child, and waits for pids that are not ours. Children are reaped as
 * they go, so the heap lines still match.
 */
/* A bad address that is not NULL: wait takes NULL for "no status wanted". */
static unsigned int random_bad_pointer(void)
{
    unsigned int address;
    while ((address = random_bad_address()) == 0)
        ;
    return address;
}

static void fuzz_family(void)
{
    static char line[64];
    int status = 0x5A5A;
    switch (random_next() % 5) {
    case 0:
        CHECK(fuzz_syscall(SYSCALL_SPAWN, (long)random_bad_pointer(), 0, 0) == -EFAULT);
        break;
    case 1:  /* random words from our own memory: no program has such a name */
        for (unsigned int i = 0; i < sizeof(line) - 1; i++)
            line[i] = (char)('a' + random_next() % 26);
        line[sizeof(line) - 1] = '\0';
        CHECK(fuzz_syscall(SYSCALL_SPAWN, (long)line, 0, 0) == -ENOENT);
        break;
    case 2: {
        long pid = fuzz_syscall(SYSCALL_SPAWN, (long)"child.elf exit 5", 0, 0);
        CHECK(pid > 0);
        CHECK(fuzz_syscall(SYSCALL_WAIT, pid, (long)random_bad_pointer(), 0) == -EFAULT);
        CHECK(fuzz_syscall(SYSCALL_WAIT, pid, (long)&status, 0) == pid && status == 5 << 8);
        break;
    }
    case 3: {
        long pid = (long)random_next();
        long expected = pid == -1 || pid > 0 ? -ECHILD : -EINVARG;
        CHECK(fuzz_syscall(SYSCALL_WAIT, pid, (long)&status, 0) == expected);
        fuzz_kill();
        break;
    }
    default:
        CHECK(fuzz_syscall(SYSCALL_WAIT, -1, (long)random_bad_pointer(), 0) == -EFAULT);
        break;
    }
}

static void fuzz_unknown_command(void)
{
    long command = (long)random_next();
    if (command >= 0 && command <= SYSCALL_LAST)
        command = SYSCALL_LAST + 1 + (command & 0xFF);
    CHECK(fuzz_syscall(command, (long)random_next(), (long)random_next(), (long)random_next()) == -ENOSYS);
}

int main(int argc, char** argv)
{
    state = argc > 1 ? (unsigned int)atoi(argv[1]) : 1;
    int rounds = argc > 2 ? atoi(argv[2]) : 10000;
    if (state == 0)
        state = 1;

    for (int round = 0; round < rounds && check_failures() < 10; round++) {
        switch (random_next() % 5) {
        case 0:
            fuzz_malloc();
            break;
        case 1:
            fuzz_free();
            break;
        case 2:
            fuzz_pointer_calls();
            break;
        case 3:
            fuzz_family();
            break;
        default:
            fuzz_unknown_command();
            break;
        }
    }
    while (live_count)
        CHECK(call_free(live[--live_count].start) == 0);
    printf("sysfuzz: %d rounds, %d unexpected answers\n", rounds, check_failures());
    return check_failures();
}
