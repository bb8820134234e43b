/*
 * Every system call with bad arguments: each must return an error and the
 * process must go on. Raw calls (vana_*) here, not the C library.
 */
#include <string.h>
#include <vana.h>

#include "check.h"
#include "status.h"

#define KERNEL_ADDRESS ((void*)0x100000)
#define HEAP_TABLE ((void*)0x7E00)
#define VGA ((void*)0xB8000)
#define KERNEL_HEAP ((void*)0x01000000)

static void check_malloc_and_free(void)
{
    char* a = vana_malloc(8192);
    CHECK(a != NULL && (unsigned long)a % 4096 == 0);
    CHECK(a[0] == 0 && a[8191] == 0);  /* zeroed: no stale kernel data */
    a[0] = 1;
    a[8191] = 2;
    CHECK(vana_free(a + 4096) == -EINVARG);  /* interior */
    CHECK(vana_free(a + 1) == -EINVARG);     /* unaligned */
    CHECK(vana_free(KERNEL_ADDRESS) == -EINVARG);
    CHECK(vana_free(KERNEL_HEAP) == -EINVARG);
    CHECK(a[0] == 1 && a[8191] == 2);        /* still ours after the refusals */
    CHECK(vana_free(a) == 0);
    CHECK(vana_free(a) == -EINVARG);          /* double free */
    CHECK(vana_free(NULL) == 0);

    CHECK(vana_malloc(0) == NULL);
    CHECK(vana_malloc((size_t)-1) == NULL);
    CHECK(vana_malloc(0x7FFFFFFF) == NULL);
    CHECK(vana_malloc(200u * 1024 * 1024) == NULL);  /* more than the whole heap */
}

static void check_print(void)
{
    CHECK(vana_print("syscalls: print works\n") == 0);
    CHECK(vana_print(NULL) == -EFAULT);
    CHECK(vana_print(KERNEL_ADDRESS) == -EFAULT);
    CHECK(vana_print(HEAP_TABLE) == -EFAULT);
    CHECK(vana_print(VGA) == -EFAULT);
    CHECK(vana_print((const char*)0xFFFFFFF0) == -EFAULT);

    /* A string that runs off the end of our allocation into memory that is not ours. */
    char* page = vana_malloc(4096);
    memset(page, 'x', 4096);
    CHECK(vana_print(page + 100) == -EFAULT);
    /* One longer than the bound, all ours: refused as too long, not printed in part. */
    char* big = vana_malloc(3 * 4096);
    memset(big, 'y', 3 * 4096 - 1);
    CHECK(vana_print(big) == -E2BIG);
    vana_free(big);
    vana_free(page);
}

static void check_meminfo(void)
{
    struct vana_meminfo info;
    CHECK(vana_meminfo(&info) == 0);
    CHECK(info.heap_blocks_total == 25600);
    CHECK(info.heap_blocks_used > 0 && info.heap_blocks_used < info.heap_blocks_total);
    CHECK(vana_meminfo(NULL) == -EFAULT);
    CHECK(vana_meminfo(KERNEL_ADDRESS) == -EFAULT);
    CHECK(vana_meminfo(HEAP_TABLE) == -EFAULT);
    /* Our own text is readable but not writable: the kernel must not write there for us. */
    CHECK(vana_meminfo((struct vana_meminfo*)0x400000) == -EFAULT);
    /* The argument page is read-only too. */
    CHECK(vana_meminfo((struct vana_meminfo*)0x3FF000) == -EFAULT);
}

static void check_unknown_commands(void)
{
    CHECK(vana_syscall(0, 0, 0, 0) == -ENOSYS);
    CHECK(vana_syscall(2, 0, 0, 0) == -ENOSYS);
    CHECK(vana_syscall(1000, 0, 0, 0) == -ENOSYS);
    CHECK(vana_syscall(-1, 0, 0, 0) == -ENOSYS);
    CHECK(vana_syscall(0x7FFFFFFF, 1, 2, 3) == -ENOSYS);
}

static void check_small_calls(void)
{
    CHECK(vana_memmap() == 0);
    CHECK(vana_getpid() > 0);
    CHECK(vana_yield() == 0);
    CHECK(vana_putchar('\n') == '\n');
}

int main(void)
{
    check_malloc_and_free();
    check_print();
    check_meminfo();
    check_unknown_commands();
    check_small_calls();
    printf("syscalls: bad arguments to every system call refused, process alive\n");
    return check_failures();
}
