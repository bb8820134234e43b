/*
 * views [reader|waiter]: the calls added for the shell (read, kill and the
 * views, 13-20), with bad pointers and sizes, and with good ones whose
 * answers it checks against what it knows of itself. Exits 0 when every
 * answer was as docs/syscalls.md says.
 *   reader   read the console (blocks: the test boots with no input)
 *   waiter   spawn a child that sleeps, and wait for it (blocks)
 */
#include <stdio.h>
#include <string.h>
#include <vana.h>

#include "check.h"
#include "memory/paging/paging.h"
#include "status.h"

#define KERNEL_ADDRESS ((void*)0x100000)
#define TEXT ((void*)0x400000)
#define ARGUMENTS ((void*)0x3FF000)

static struct vana_process_info processes[64];

/* The state of process pid, from the list; -1 when it is not listed. */
static int state_of(int pid)
{
    int total = vana_processes(processes, 64);
    for (int i = 0; i < total && i < 64; i++) {
        if (processes[i].pid == pid)
            return (int)processes[i].state;
    }
    return -1;
}

static void check_read(void)
{
    char buffer[8];
    CHECK(vana_read(buffer, 0) == -EINVARG);
    CHECK(vana_read(NULL, 1) == -EFAULT);
    CHECK(vana_read(KERNEL_ADDRESS, 1) == -EFAULT);
    CHECK(vana_read(TEXT, 1) == -EFAULT); /* readable, not writable */
    CHECK(vana_read(ARGUMENTS, 16) == -EFAULT);
    CHECK(vana_read(buffer, 0x7FFFFFFF) == -EFAULT); /* runs off our memory */
    CHECK(vana_read(buffer, (size_t)-1) == -EFAULT); /* wraps past 4 GiB */
    char* page = vana_malloc(4096);
    CHECK(vana_read(page + 4000, 200) == -EFAULT); /* the end lies past our allocation */
    vana_free(page);
}

static void check_processes(void)
{
    int me = vana_getpid();
    int total = vana_processes(NULL, 0);
    CHECK(total >= 1);
    CHECK(vana_processes(processes, 64) == total);
    CHECK(state_of(me) == VANA_PROCESS_RUNNING);
    CHECK(vana_processes(NULL, 1) == -EFAULT);
    CHECK(vana_processes(KERNEL_ADDRESS, 1) == -EFAULT);
    CHECK(vana_processes(TEXT, 1) == -EFAULT);
    CHECK(vana_processes(processes, 0x7FFFFFFF) == -EFAULT); /* the size overflows */
    CHECK(vana_processes(processes, 65) == -EFAULT ||        /* one past our array: not ours, or */
          vana_processes(processes, 65) == total);           /* still ours (the next page of .bss) */

    struct vana_meminfo info;
    vana_meminfo(&info);
    vana_processes(processes, 64);
    for (int i = 0; i < total && i < 64; i++) {
        if (processes[i].pid == me) {
            CHECK(strcmp(processes[i].name, "views.elf") == 0);
            CHECK(processes[i].held_blocks > info.process_allocated_blocks + info.process_page_tables);
        }
    }
}

static void check_heap(void)
{
    struct vana_heapinfo heap;
    CHECK(vana_heapinfo(NULL) == -EFAULT);
    CHECK(vana_heapinfo(KERNEL_ADDRESS) == -EFAULT);
    CHECK(vana_heapinfo(TEXT) == -EFAULT);
    CHECK(vana_heapinfo(&heap) == 0);
    CHECK(heap.total_blocks == 25600 && heap.used_blocks + heap.free_blocks == heap.total_blocks);
    CHECK(heap.largest_free_run <= heap.free_blocks && heap.largest_free_run > 0);
    CHECK(heap.kernel_blocks + heap.process_blocks == heap.used_blocks);

    unsigned int* owners = vana_malloc(VANA_HEAPMAP_MAX * sizeof(unsigned int));
    CHECK(vana_heapmap(owners, 25600, 10) == 0); /* the end: nothing to fill */
    CHECK(vana_heapmap(owners, 25601, 1) == -EINVARG);
    CHECK(vana_heapmap(owners, 0xFFFFFFFF, 1) == -EINVARG);
    CHECK(vana_heapmap(NULL, 0, 1) == -EFAULT);
    CHECK(vana_heapmap(KERNEL_ADDRESS, 0, 1) == -EFAULT);
    CHECK(vana_heapmap(TEXT, 0, 1) == -EFAULT);
    CHECK(vana_heapmap(owners + 1, 0, VANA_HEAPMAP_MAX) == -EFAULT); /* one owner past the allocation */
    CHECK(vana_heapmap(owners, 25599, 4096) == 1);                   /* cut to the table's end */
    CHECK(vana_heapmap(owners, 0, 0xFFFFFFFF) == VANA_HEAPMAP_MAX);  /* cut to the most per call */

    /* The whole map: its counts are the figures, and our blocks are ours (nothing else runs meanwhile). */
    unsigned int free_blocks = 0, kernel_blocks = 0, mine = 0, me = (unsigned int)vana_getpid();
    CHECK(vana_heapinfo(&heap) == 0);
    for (unsigned int first = 0; first < 25600; first += VANA_HEAPMAP_MAX) {
        int filled = vana_heapmap(owners, first, VANA_HEAPMAP_MAX);
        CHECK(filled == (25600 - first < VANA_HEAPMAP_MAX ? (int)(25600 - first) : VANA_HEAPMAP_MAX));
        for (int i = 0; i < filled; i++) {
            free_blocks += owners[i] == VANA_OWNER_FREE;
            kernel_blocks += owners[i] == VANA_OWNER_KERNEL;
            mine += owners[i] == me;
        }
    }
    CHECK(free_blocks == heap.free_blocks);
    CHECK(kernel_blocks == heap.kernel_blocks);
    int total = vana_processes(processes, 64);
    for (int i = 0; i < total && i < 64; i++) {
        if ((unsigned int)processes[i].pid == me)
            CHECK(mine == processes[i].held_blocks);
    }
    unsigned int index = ((unsigned int)owners - 0x01000000u) / 4096; /* our own allocation's first block */
    CHECK(vana_heapmap(owners, index, 1) == 1 && owners[0] == me);
    vana_free(owners);
}

static void check_page_tables(void)
{
    int me = vana_getpid();
    static struct vana_directory directory;
    struct vana_mapping mappings[16];
    struct vana_translation t;

    CHECK(vana_directory(me, NULL) == -EFAULT);
    CHECK(vana_directory(me, KERNEL_ADDRESS) == -EFAULT);
    CHECK(vana_directory(me, TEXT) == -EFAULT);
    CHECK(vana_directory(0, &directory) == -ENOENT);
    CHECK(vana_directory(-5, &directory) == -ENOENT);
    CHECK(vana_directory(99999, &directory) == -ENOENT);
    CHECK(vana_directory(me, &directory) == 0);
    struct vana_meminfo info;
    vana_meminfo(&info);
    CHECK(directory.owned_tables == info.process_page_tables);
    unsigned int owned = 0;
    for (int i = 0; i < 1024; i++)
        owned += directory.kind[i] == VANA_DIRECTORY_OWNED;
    CHECK(owned == directory.owned_tables);
    CHECK(directory.kind[0] == VANA_DIRECTORY_OWNED && directory.kind[1] == VANA_DIRECTORY_OWNED);
    CHECK(directory.owned_tables + directory.shared_tables + directory.large_pages <= 1024);

    int total = vana_mappings(me, NULL, 0);
    CHECK(total >= 3); /* stack, arguments and text, data */
    CHECK(vana_mappings(me, NULL, 1) == -EFAULT);
    CHECK(vana_mappings(me, KERNEL_ADDRESS, 1) == -EFAULT);
    CHECK(vana_mappings(me, mappings, 0x7FFFFFFF) == -EFAULT);
    CHECK(vana_mappings(me, mappings, 16) == total);
    CHECK(mappings[0].start == 0x3FB000 && mappings[0].end == 0x3FF000 && (mappings[0].flags & PAGING_IS_WRITEABLE));

    CHECK(vana_translate(me, 0x401234, NULL) == -EFAULT);
    CHECK(vana_translate(me, 0x401234, TEXT) == -EFAULT);
    CHECK(vana_translate(0, 0x401234, &t) == -ENOENT);
    CHECK(vana_translate(me, 0x401234, &t) == 0);
    CHECK(t.directory_index == 1 && t.table_index == 1 && t.offset == 0x234);
    CHECK((t.directory_entry & PAGING_TABLE_IS_OWNED) && (t.table_entry & PAGING_IS_PRESENT));
    CHECK(t.physical == ((t.table_entry & PAGING_ADDRESS_MASK) | 0x234));
    CHECK(t.physical >= 0x01000000); /* the image is heap blocks */
    CHECK(vana_translate(me, 0, &t) == 0 && t.physical == 0 && !(t.table_entry & PAGING_IS_PRESENT));
    CHECK(vana_translate(me, 0x01000000, &t) == 0 && (t.directory_entry & PAGING_IS_4MB_PAGE) &&
          !(t.directory_entry & PAGING_ACCESS_FROM_ALL) && t.physical == 0x01000000);
    CHECK(vana_translate(me, 0xFFFFFFFF, &t) == 0 && t.directory_index == 1023 && t.offset == 0xFFF);

    /* A child may not read its parent's layout (a parent may read its child's: check_kill). */
    int child = vana_spawn("views.elf parent-check");
    CHECK(child > 0);
    int status = -1;
    CHECK(vana_wait(child, &status) == child && status == VANA_STATUS_EXITED(0));
}

static void check_kill(void)
{
    int me = vana_getpid();
    CHECK(vana_kill(0) == -EINVARG);
    CHECK(vana_kill(-1) == -EINVARG);
    CHECK(vana_kill(me) == -ECHILD);
    CHECK(vana_kill(99999) == -ECHILD);

    int status = 0;
    /* A child that is ready (it yields), one blocked reading the console, one blocked in wait. */
    const char* lines[] = {"child.elf sleep 100000", "views.elf reader", "views.elf waiter"};
    for (int i = 0; i < 3; i++) {
        int pid = vana_spawn(lines[i]);
        CHECK(pid > 0);
        for (int turn = 0; turn < 50 && i > 0 && state_of(pid) != VANA_PROCESS_BLOCKED; turn++)
            vana_yield();
        CHECK(i == 0 || state_of(pid) == VANA_PROCESS_BLOCKED);
        static struct vana_directory directory;
        CHECK(vana_directory(pid, &directory) == 0); /* a parent may read its child's layout */
        CHECK(vana_kill(pid) == 0);
        CHECK(vana_kill(pid) == -ECHILD); /* ended already */
        CHECK(vana_wait(pid, &status) == pid);
        CHECK(status == VANA_STATUS_KILLED(VANA_KILL_VECTOR) && status == 0xff);
        CHECK(VANA_WIFKILLED(status) && VANA_WKILLVECTOR(status) == VANA_KILL_VECTOR);
        CHECK(vana_kill(pid) == -ECHILD); /* reaped */
        CHECK(state_of(pid) == -1);
    }
}

/* A child of the main test: its parent's layout is not its to read, nor is killing it. */
static int parent_check(void)
{
    static struct vana_directory directory;
    struct vana_translation t;
    int parent = -1, me = vana_getpid();
    int total = vana_processes(processes, 64);
    for (int i = 0; i < total && i < 64; i++) {
        if (processes[i].pid == me)
            parent = processes[i].parent;
    }
    CHECK(parent > 0);
    CHECK(vana_directory(parent, &directory) == -EPERM);
    CHECK(vana_mappings(parent, NULL, 0) == -EPERM);
    CHECK(vana_translate(parent, 0x401234, &t) == -EPERM);
    CHECK(vana_kill(parent) == -ECHILD);
    return check_failures();
}

int main(int argc, char** argv)
{
    if (argc > 1 && strcmp(argv[1], "reader") == 0) {
        char c;
        vana_read(&c, 1);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "waiter") == 0) {
        int pid = vana_spawn("child.elf sleep 20000");
        return vana_wait(pid, NULL) == pid ? 0 : 1;
    }
    if (argc > 1 && strcmp(argv[1], "parent-check") == 0)
        return parent_check();
    check_read();
    check_processes();
    check_heap();
    check_page_tables();
    check_kill();
    printf("views: bad pointers and sizes refused, answers as documented, process alive\n");
    return check_failures();
}
