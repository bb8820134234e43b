/*
 * vsh: the Vana shell. It reads the console (system call 13), edits the
 * line (user/lib/line.c), and runs programs and shows the kernel's memory
 * from the views of system calls 14-20: the kernel hands over numbers,
 * vsh formats them. `help` lists the commands.
 *
 * Every buffer is bounded: a line of at most LINE_MAX characters (a longer
 * one is refused whole, never run cut short), at most VSH_MAX_WORDS words,
 * VSH_MAX_PROCESSES processes and VSH_MAX_MAPPINGS mappings shown (with a
 * count of the rest).
 */
#include <line.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vana.h>

#include "memory/paging/paging.h"
#include "status.h"

#define VSH_MAX_WORDS 32
#define VSH_MAX_PROCESSES 64
#define VSH_MAX_MAPPINGS 64
#define VSH_PROMPT "vsh> "
#define BLOCK_SIZE 4096u
#define MAP_COLUMNS 64
#define MAP_DEFAULT_BLOCKS_PER_CHARACTER 40 /* 25,600 blocks in 10 lines of 64 */

static struct line_editor editor;
static struct vana_process_info processes[VSH_MAX_PROCESSES];
static struct vana_mapping mappings[VSH_MAX_MAPPINGS];
static struct vana_directory directory;
static unsigned int owners[VANA_HEAPMAP_MAX];
static int my_pid;

/* The echo, gathered and printed once per batch of input rather than a system call per character. */
static char echo_buffer[1024];
static size_t echo_length;

static void echo_flush(void)
{
    if (echo_length == 0)
        return;
    echo_buffer[echo_length] = '\0';
    vana_print(echo_buffer);
    echo_length = 0;
}

static void echo_write(void* context, const char* text, size_t length)
{
    (void)context;
    for (size_t i = 0; i < length; i++) {
        if (echo_length == sizeof(echo_buffer) - 1)
            echo_flush();
        echo_buffer[echo_length++] = text[i];
    }
}

/* --- small helpers -------------------------------------------------------- */

/* Parse a decimal or 0x-prefixed hexadecimal number; false for anything else. */
static bool parse_number(const char* s, unsigned int* value)
{
    unsigned int base = 10, result = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned int digit;
        if (*s >= '0' && *s <= '9')
            digit = (unsigned int)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            digit = (unsigned int)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            digit = (unsigned int)(*s - 'A' + 10);
        else
            return false;
        if (result > (0xFFFFFFFFu - digit) / base)
            return false;
        result = result * base + digit;
    }
    *value = result;
    return true;
}

static bool parse_pid(const char* command, const char* s, int* pid)
{
    unsigned int value;
    if (!s || !parse_number(s, &value) || value == 0 || value > 0x7FFFFFFF) {
        printf("vsh: %s: not a process id: %s\n", command, s ? s : "(none)");
        return false;
    }
    *pid = (int)value;
    return true;
}

/* Append word to the string in buffer[size], as much of it as fits. */
static void strlcat_word(char* buffer, const char* word, size_t size)
{
    size_t used = strlen(buffer);
    if (used + 1 < size)
        strlcpy(buffer + used, word, size - used);
}

static const char* state_name(unsigned int state)
{
    static const char* const names[] = {"ready", "running", "blocked", "ended"};
    return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

/* The processes now (at most VSH_MAX_PROCESSES of them in processes[]); returns how many there are in all. */
static int list_processes(void)
{
    int total = vana_processes(processes, VSH_MAX_PROCESSES);
    return total < 0 ? 0 : total;
}

static size_t shown(int total)
{
    return total < VSH_MAX_PROCESSES ? (size_t)total : VSH_MAX_PROCESSES;
}

static void print_status(int pid, const char* name, int status)
{
    if (VANA_WIFEXITED(status))
        printf("vsh: [%d] %s exited with status %d\n", pid, name, VANA_WEXITSTATUS(status));
    else if (VANA_WKILLVECTOR(status) == VANA_KILL_VECTOR)
        printf("vsh: [%d] %s was killed (kill)\n", pid, name);
    else
        printf("vsh: [%d] %s was killed by CPU exception %d\n", pid, name, VANA_WKILLVECTOR(status));
}

/* Wait for the children that have ended (background ones) and say how each ended; never blocks. */
static void reap_background(void)
{
    size_t count = shown(list_processes());
    for (size_t i = 0; i < count; i++) {
        if (processes[i].parent != my_pid || processes[i].state != VANA_PROCESS_ENDED)
            continue;
        int status;
        if (vana_wait(processes[i].pid, &status) == processes[i].pid)
            print_status(processes[i].pid, processes[i].name, status);
    }
}

/* --- commands ------------------------------------------------------------- */

static void command_help(void)
{
    printf("commands:\n"
           "  run PROG [ARGS] [&]  start a program and wait for it (& : leave it running)\n"
           "  ps                   processes: pid, parent, state, memory held\n"
           "  mem                  the kernel heap: used, free, largest free run, who holds what\n"
           "  heap [N]             a map of the heap's blocks, N blocks per character (default %d)\n"
           "  pt PID [ADDR]        a process's page tables, and the walk of one address\n"
           "  kill PID             end a program this shell started\n"
           "  help                 this list\n"
           "  exit [STATUS]        leave the shell\n"
           "keys: Backspace, Ctrl-U (clear the line), up and down arrows (history)\n",
           MAP_DEFAULT_BLOCKS_PER_CHARACTER);
}

/* Spawn line; for "hello ..." with no hello module, try "hello.elf ...". The name spawned goes to name. */
static int spawn_program(const char* line, const char* program, char* name, size_t name_size)
{
    strlcpy(name, program, name_size);
    int pid = vana_spawn(line);
    if (pid != -ENOENT || strchr(program, '.'))
        return pid;
    char with_suffix[LINE_MAX + 8];
    snprintf(with_suffix, sizeof(with_suffix), "%s.elf%s", program, line + strlen(program));
    snprintf(name, name_size, "%s.elf", program);
    return vana_spawn(with_suffix);
}

static const char* spawn_error(int res)
{
    switch (res) {
    case -ENOENT:
        return "no such program";
    case -ENOMEM:
        return "not enough memory";
    case -ENOEXEC:
        return "not a program Vana can load";
    case -E2BIG:
        return "command line too long";
    default:
        return "refused";
    }
}

/* run PROG [ARGS] [&]: words[1..count) joined by spaces is the child's command line. */
static void command_run(char** words, int count)
{
    bool background = count > 1 && strcmp(words[count - 1], "&") == 0;
    if (background)
        count--;
    if (count < 2) {
        printf("vsh: run: which program? (run PROG [ARGS] [&])\n");
        return;
    }
    /* The words came from one line of at most LINE_MAX characters, so they fit joined by single spaces. */
    char line[LINE_MAX + 1] = "";
    for (int i = 1; i < count; i++) {
        if (i > 1)
            strlcat_word(line, " ", sizeof(line));
        strlcat_word(line, words[i], sizeof(line));
    }
    char name[VANA_PROCESS_NAME_MAX];
    int pid = spawn_program(line, words[1], name, sizeof(name));
    if (pid < 0) {
        printf("vsh: run: %s: %s\n", words[1], spawn_error(pid));
        return;
    }
    if (background) {
        printf("vsh: [%d] %s started in the background\n", pid, name);
        return;
    }
    int status;
    if (vana_wait(pid, &status) == pid)
        print_status(pid, name, status);
}

static void command_ps(void)
{
    int total = list_processes();
    printf("  PID  PARENT  STATE    BLOCKS     KiB  NAME\n");
    for (size_t i = 0; i < shown(total); i++) {
        const struct vana_process_info* p = &processes[i];
        printf("%5d  %6d  %-7s  %6u  %6u  %s\n", p->pid, p->parent, state_name(p->state), p->held_blocks,
               p->held_blocks * (BLOCK_SIZE / 1024), p->name);
    }
    if ((size_t)total > shown(total))
        printf("  ... and %d more\n", total - VSH_MAX_PROCESSES);
}

static void print_blocks(const char* label, unsigned int blocks)
{
    printf("  %-18s %6u blocks %10u bytes\n", label, blocks, blocks * BLOCK_SIZE);
}

static void command_mem(void)
{
    struct vana_heapinfo heap;
    struct vana_meminfo meminfo;
    if (vana_heapinfo(&heap) < 0 || vana_meminfo(&meminfo) < 0) {
        printf("vsh: mem: the kernel refused\n");
        return;
    }
    int total = list_processes();
    printf("kernel heap: %u blocks of %u bytes\n", heap.total_blocks, BLOCK_SIZE);
    print_blocks("used", heap.used_blocks);
    print_blocks("free", heap.free_blocks);
    print_blocks("largest free run", heap.largest_free_run);
    /* 1 - largest / free, in hundredths of a percent: no floating point in Vana. */
    unsigned int basis_points = heap.free_blocks ? (unsigned int)((heap.free_blocks - heap.largest_free_run) *
                                                                  10000ull / heap.free_blocks)
                                                 : 0;
    printf("  fragmentation      %u.%02u%% (1 - largest free run / free)\n", basis_points / 100, basis_points % 100);
    print_blocks("kernel", heap.kernel_blocks);
    print_blocks("processes", heap.process_blocks);
    for (size_t i = 0; i < shown(total); i++) {
        if (processes[i].state == VANA_PROCESS_ENDED)
            continue;
        char label[32];
        snprintf(label, sizeof(label), "pid %d", processes[i].pid);
        printf("  %-18s %6u blocks %10u bytes  %s\n", label, processes[i].held_blocks,
               processes[i].held_blocks * BLOCK_SIZE, processes[i].name);
    }
    printf("meminfo: %u of %u blocks in use; this shell: %u allocations of %u blocks, %u page tables\n",
           meminfo.heap_blocks_used, meminfo.heap_blocks_total, meminfo.process_allocations,
           meminfo.process_allocated_blocks, meminfo.process_page_tables);
}

/* --- heap map ------------------------------------------------------------- */

/* Owners in the map: free, the kernel, each listed process, and any other pid (one that came since the list). */
#define OWNER_FREE 0
#define OWNER_KERNEL 1
#define OWNER_FIRST_PROCESS 2
#define OWNER_OTHER (OWNER_FIRST_PROCESS + VSH_MAX_PROCESSES)
#define OWNER_KINDS (OWNER_OTHER + 1)

static size_t owner_kind(unsigned int owner, size_t listed)
{
    if (owner == VANA_OWNER_FREE)
        return OWNER_FREE;
    if (owner == VANA_OWNER_KERNEL)
        return OWNER_KERNEL;
    for (size_t i = 0; i < listed; i++) {
        if ((unsigned int)processes[i].pid == owner)
            return OWNER_FIRST_PROCESS + i;
    }
    return OWNER_OTHER;
}

static char owner_letter(size_t kind)
{
    if (kind == OWNER_FREE)
        return '.';
    if (kind == OWNER_KERNEL)
        return '#';
    size_t i = kind - OWNER_FIRST_PROCESS;
    return i < 26 ? (char)('A' + i) : i < 52 ? (char)('a' + i - 26) : '?';
}

/* The map, MAP_COLUMNS characters a line; each character shows who owns most of its blocks. */
struct heap_picture
{
    unsigned int per_character;
    unsigned int cell[OWNER_KINDS]; /* blocks of the character being drawn, by owner */
    unsigned int in_cell;
    unsigned int totals[OWNER_KINDS]; /* blocks of the whole table, by owner */
    char row[MAP_COLUMNS + 1];
    size_t column;
    unsigned int row_first; /* the first block of the row */
};

static void picture_put_cell(struct heap_picture* picture)
{
    size_t best = 0;
    for (size_t kind = 1; kind < OWNER_KINDS; kind++) {
        if (picture->cell[kind] > picture->cell[best])
            best = kind;
    }
    memset(picture->cell, 0, sizeof(picture->cell));
    picture->in_cell = 0;
    picture->row[picture->column++] = owner_letter(best);
}

static void picture_end_row(struct heap_picture* picture)
{
    picture->row[picture->column] = '\0';
    printf("%6u %s\n", picture->row_first, picture->row);
    picture->row_first += (unsigned int)picture->column * picture->per_character;
    picture->column = 0;
}

static void picture_add(struct heap_picture* picture, size_t kind)
{
    picture->cell[kind]++;
    picture->totals[kind]++;
    if (++picture->in_cell == picture->per_character) {
        picture_put_cell(picture);
        if (picture->column == MAP_COLUMNS)
            picture_end_row(picture);
    }
}

static void command_heap(char** words, int count)
{
    static struct heap_picture picture;
    unsigned int per_character = MAP_DEFAULT_BLOCKS_PER_CHARACTER;
    if (count > 1 && (!parse_number(words[1], &per_character) || per_character == 0 || per_character > 25600)) {
        printf("vsh: heap: N is a number of blocks per character, 1 to 25600\n");
        return;
    }
    struct vana_heapinfo heap;
    if (vana_heapinfo(&heap) < 0)
        return;
    size_t listed = shown(list_processes());
    memset(&picture, 0, sizeof(picture));
    picture.per_character = per_character;

    printf("kernel heap: %u blocks, %u per character\n", heap.total_blocks, per_character);
    for (unsigned int first = 0; first < heap.total_blocks;) {
        int filled = vana_heapmap(owners, first, VANA_HEAPMAP_MAX);
        if (filled <= 0)
            break;
        for (int i = 0; i < filled; i++)
            picture_add(&picture, owner_kind(owners[i], listed));
        first += (unsigned int)filled;
    }
    if (picture.in_cell)
        picture_put_cell(&picture);
    if (picture.column)
        picture_end_row(&picture);

    printf("legend: . free %u blocks, # kernel %u blocks\n", picture.totals[OWNER_FREE], picture.totals[OWNER_KERNEL]);
    for (size_t i = 0; i < listed; i++) {
        if (picture.totals[OWNER_FIRST_PROCESS + i] || processes[i].state != VANA_PROCESS_ENDED)
            printf("        %c pid %d (%s) %u blocks\n", owner_letter(OWNER_FIRST_PROCESS + i), processes[i].pid,
                   processes[i].name, picture.totals[OWNER_FIRST_PROCESS + i]);
    }
    if (picture.totals[OWNER_OTHER])
        printf("        ? other processes %u blocks\n", picture.totals[OWNER_OTHER]);
}

/* --- page tables ---------------------------------------------------------- */

static const char* pt_error(int res)
{
    return res == -ENOENT ? "no such process" : res == -EPERM ? "not this shell's, nor started by it" : "refused";
}

static void print_rights(uint32_t flags)
{
    printf("%s%s%s", flags & PAGING_IS_PRESENT ? "present" : "not present",
           flags & PAGING_IS_WRITEABLE ? ", writable" : ", read-only",
           flags & PAGING_ACCESS_FROM_ALL ? ", user" : ", kernel only");
}

static void pt_translate(int pid, unsigned int address)
{
    struct vana_translation t;
    int res = vana_translate(pid, address, &t);
    if (res < 0) {
        printf("vsh: pt: %s\n", pt_error(res));
        return;
    }
    printf("address 0x%08x: directory index %u, table index %u, offset 0x%03x\n", t.address, t.directory_index,
           t.table_index, t.offset);
    printf("  directory entry %u = 0x%08x: ", t.directory_index, t.directory_entry);
    print_rights(t.directory_entry);
    if (!(t.directory_entry & PAGING_IS_PRESENT)) {
        printf("\n  not mapped\n");
        return;
    }
    if (t.directory_entry & PAGING_IS_4MB_PAGE) {
        printf(", a 4 MiB page at 0x%08x\n", t.directory_entry & 0xFFC00000u);
    } else {
        printf(", %s table at 0x%08x\n", t.directory_entry & PAGING_TABLE_IS_OWNED ? "owned" : "shared",
               t.directory_entry & PAGING_ADDRESS_MASK);
        printf("  table entry %u = 0x%08x: ", t.table_index, t.table_entry);
        print_rights(t.table_entry);
        if (t.table_entry & PAGING_IS_PRESENT)
            printf(", frame 0x%08x\n", t.table_entry & PAGING_ADDRESS_MASK);
        else
            printf("\n");
    }
    if (t.physical)
        printf("  physical address 0x%08x\n", t.physical);
    else
        printf("  not mapped\n");
}

/* The regions of a process's address space (docs/memory.md, "A process"), each up to its end (0: 4 GiB). */
static const struct
{
    unsigned int end;
    const char* name;
} regions[] = {
    {0x3FF000, "stack"},
    {0x400000, "arguments"},
    {0x1000000, "program"},
    {0, "malloc"},
};

/* Print a mapping, split where it crosses from one region into the next. */
static void print_mapping(const struct vana_mapping* m)
{
    unsigned int start = m->start;
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        unsigned int region_end = regions[i].end;
        if (region_end && start >= region_end)
            continue;
        /* end 0 is 4 GiB: it lies past every region end but the last */
        unsigned int end = region_end && (m->end == 0 || m->end > region_end) ? region_end : m->end;
        printf("    %08x-%08x %s %7u KiB  %s\n", start, end, m->flags & PAGING_IS_WRITEABLE ? "rw" : "r-",
               (end - start) / 1024, regions[i].name);
        start = end;
        if (start == m->end)
            break;
    }
}

static void command_pt(char** words, int count)
{
    int pid;
    unsigned int address;
    if (count < 2 || count > 3) {
        printf("vsh: pt: pt PID [ADDR]\n");
        return;
    }
    if (!parse_pid("pt", words[1], &pid))
        return;
    if (count == 3 && !parse_number(words[2], &address)) {
        printf("vsh: pt: not an address: %s\n", words[2]);
        return;
    }
    int res = vana_directory(pid, &directory);
    if (res < 0) {
        printf("vsh: pt: process %d: %s\n", pid, pt_error(res));
        return;
    }
    if (count == 3) {
        pt_translate(pid, address);
        return;
    }
    printf("process %d: directory at 0x%08x; %u page tables owned, %u shared with the kernel, %u 4 MiB pages\n", pid,
           directory.directory_address, directory.owned_tables, directory.shared_tables, directory.large_pages);
    printf("  owned tables (directory index: the 4 MiB it maps):\n");
    for (unsigned int i = 0; i < sizeof(directory.kind); i++) {
        if (directory.kind[i] == VANA_DIRECTORY_OWNED)
            printf("    %4u: %08x-%08x\n", i, i << 22, (i << 22) + 0x3FFFFF);
    }
    int total = vana_mappings(pid, mappings, VSH_MAX_MAPPINGS);
    if (total < 0) {
        printf("vsh: pt: %s\n", pt_error(total));
        return;
    }
    printf("  user mappings (%d ranges):\n", total);
    for (int i = 0; i < total && i < VSH_MAX_MAPPINGS; i++)
        print_mapping(&mappings[i]);
    if (total > VSH_MAX_MAPPINGS)
        printf("    ... and %d more\n", total - VSH_MAX_MAPPINGS);
}

static void command_kill(char** words, int count)
{
    int pid;
    if (count != 2 || !parse_pid("kill", words[1], &pid))
        return;
    int res = vana_kill(pid);
    if (res < 0)
        printf("vsh: kill: process %d is not a running program of this shell\n", pid);
    else
        printf("vsh: killed process %d\n", pid);
}

/* --- the loop ------------------------------------------------------------- */

/* Split line into words in place; false when there are more than max. */
static bool split_words(char* line, char** words, int max, int* count)
{
    *count = 0;
    for (char* p = line; *p;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        if (*count == max)
            return false;
        words[(*count)++] = p;
        while (*p && *p != ' ')
            p++;
    }
    return true;
}

/* Run one line; returns false for exit, with the status in *status. */
static bool execute(char* line, int* status)
{
    char* words[VSH_MAX_WORDS];
    int count;
    if (!split_words(line, words, VSH_MAX_WORDS, &count)) {
        printf("vsh: more than %d words\n", VSH_MAX_WORDS);
        return true;
    }
    if (count == 0)
        return true;
    const char* command = words[0];
    if (strcmp(command, "exit") == 0) {
        *status = count > 1 ? atoi(words[1]) : 0;
        return false;
    }
    if (strcmp(command, "help") == 0)
        command_help();
    else if (strcmp(command, "run") == 0)
        command_run(words, count);
    else if (strcmp(command, "ps") == 0)
        command_ps();
    else if (strcmp(command, "mem") == 0)
        command_mem();
    else if (strcmp(command, "heap") == 0)
        command_heap(words, count);
    else if (strcmp(command, "pt") == 0)
        command_pt(words, count);
    else if (strcmp(command, "kill") == 0)
        command_kill(words, count);
    else
        printf("vsh: unknown command: %s (help lists them)\n", command);
    return true;
}

int main(void)
{
    char input[64];
    int status = 0;

    my_pid = vana_getpid();
    line_init(&editor, echo_write, NULL);
    printf("vsh: the Vana shell, process %d; help lists the commands\n", my_pid);
    printf(VSH_PROMPT);
    for (;;) {
        int count = vana_read(input, sizeof(input));
        if (count < 0) {
            printf("vsh: read failed (%d)\n", count);
            return 1;
        }
        for (int i = 0; i < count; i++) {
            if (!line_feed(&editor, input[i]))
                continue;
            echo_flush();
            if (editor.truncated) {
                printf("vsh: line longer than %d characters, ignored\n", LINE_MAX);
            } else if (!execute(editor.text, &status)) {
                printf("vsh: exit\n");
                return status;
            }
            line_start(&editor);
            reap_background();
            printf(VSH_PROMPT);
        }
        echo_flush();
    }
}
