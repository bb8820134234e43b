/* Process memory seen from the kernel: directories, process_malloc, process_free. */
#include "config.h"
#include "kernel.h"
#include "ktest.h"
#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "status.h"
#include "task/process.h"

/* A flat binary that spins: jmp $ */
static const unsigned char spin[] = {0xEB, 0xFE};

static uint32_t* kernel_directory(void)
{
    return paging_4gb_chunk_get_directory(paging_kernel_directory());
}

/* The page directory of process p. */
static uint32_t* directory_of(struct process* p)
{
    return paging_4gb_chunk_get_directory(&p->chunk);
}

static struct process* load_spinner(void)
{
    struct process* process = NULL;
    KTEST_EXPECT(process_load("spin.bin a b", spin, sizeof(spin), &process) == 0);
    return process;
}

static void process_directory_costs_three_pages_for_a_small_program(void)
{
    struct process* p = load_spinner();
    if (!p)
        return;
    /* The directory plus private tables for 0-4 MiB (stack) and 4-8 MiB (program). */
    KTEST_EXPECT(paging_owned_tables(&p->chunk) == 2);
    process_destroy(p);
}

static void process_maps_program_stack_and_arguments_for_user_only_there(void)
{
    struct process* p = load_spinner();
    if (!p)
        return;
    uint32_t* directory = directory_of(p);
    KTEST_EXPECT(process_check_user(p, (void*)VANA_PROGRAM_VIRTUAL_ADDRESS, 2, true) == 0);
    KTEST_EXPECT(process_check_user(p, (void*)VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_END, VANA_USER_PROGRAM_STACK_SIZE,
                                    true) == 0);
    KTEST_EXPECT(process_check_user(p, (void*)VANA_PROGRAM_ARGUMENTS_ADDRESS, 16, false) == 0);
    KTEST_EXPECT(process_check_user(p, (void*)VANA_PROGRAM_ARGUMENTS_ADDRESS, 16, true) == -EFAULT);
    /* The guard page is not present at all. */
    KTEST_EXPECT(paging_get(directory, (void*)(VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_END - 4096)) == 0);
    /* The kernel, its heap table, VGA and the heap stay supervisor-only. */
    KTEST_EXPECT(process_check_user(p, (void*)0x100000, 4, false) == -EFAULT);
    KTEST_EXPECT(process_check_user(p, (void*)VANA_HEAP_TABLE_ADDRESS, 4, false) == -EFAULT);
    KTEST_EXPECT(process_check_user(p, (void*)0xB8000, 4, false) == -EFAULT);
    KTEST_EXPECT(process_check_user(p, (void*)VANA_HEAP_ADDRESS, 4, false) == -EFAULT);
    process_destroy(p);
}

static void process_malloc_maps_zeroed_blocks_at_their_own_address(void)
{
    struct process* p = load_spinner();
    if (!p)
        return;
    unsigned char* a = process_malloc(p, 5000);
    KTEST_EXPECT(a != NULL);
    KTEST_EXPECT(process_check_user(p, a, 8192, true) == 0);
    KTEST_EXPECT(paging_get_physical_address(directory_of(p), a) == a);
    KTEST_EXPECT(a[0] == 0 && a[8191] == 0);
    /* Only in this process: the kernel's own directory still says supervisor-only. */
    KTEST_EXPECT(!(paging_get(kernel_directory(), a) & PAGING_ACCESS_FROM_ALL));
    KTEST_EXPECT(process_malloc(p, 0) == NULL);
    KTEST_EXPECT(process_malloc(p, (size_t)-1) == NULL);
    process_destroy(p);
}

static void process_free_restores_the_kernel_entry(void)
{
    struct process* p = load_spinner();
    if (!p)
        return;
    char* a = process_malloc(p, 4096);
    uint32_t kernel_entry = paging_get(kernel_directory(), a);
    KTEST_EXPECT(process_free(p, a) == 0);
    KTEST_EXPECT(paging_get(directory_of(p), a) == kernel_entry);
    KTEST_EXPECT(process_check_user(p, a, 1, false) == -EFAULT);
    process_destroy(p);
}

static void process_free_gives_back_a_page_table_left_without_user_pages(void)
{
    struct process* p = load_spinner();
    if (!p)
        return;
    char* a = process_malloc(p, 3 * 4096);
    char* b = process_malloc(p, 4096);
    KTEST_EXPECT(paging_owned_tables(&p->chunk) == 3);
    KTEST_EXPECT(process_free(p, a) == 0);
    KTEST_EXPECT(paging_owned_tables(&p->chunk) == 3);  /* b still lives there */
    KTEST_EXPECT(process_free(p, b) == 0);
    KTEST_EXPECT(paging_owned_tables(&p->chunk) == 2);
    uint32_t index = (uint32_t)b >> 22;
    /* The kernel's table and rights, not owned; the CPU may have set the accessed bit in either entry. */
    uint32_t difference = directory_of(p)[index] ^ kernel_directory()[index];
    KTEST_EXPECT(difference == PAGING_TABLE_IS_OWNED || difference == (PAGING_TABLE_IS_OWNED | PAGING_ACCESSED));
    process_destroy(p);
}

static void process_free_rejects_what_it_did_not_allocate(void)
{
    struct process* p = load_spinner();
    struct process* q = load_spinner();
    if (!p || !q)
        return;
    char* a = process_malloc(p, 8192);
    char* b = process_malloc(q, 4096);
    KTEST_EXPECT(process_free(p, NULL) == 0);
    KTEST_EXPECT(process_free(p, a + 4096) == -EINVARG);
    KTEST_EXPECT(process_free(p, a + 1) == -EINVARG);
    KTEST_EXPECT(process_free(p, b) == -EINVARG);
    KTEST_EXPECT(process_free(p, (void*)0x100000) == -EINVARG);
    /* Heap allocations that are the process's own but not process_malloc's, by both their addresses. */
    KTEST_EXPECT(process_free(p, p->image) == -EINVARG);
    KTEST_EXPECT(process_free(p, p->stack) == -EINVARG);
    KTEST_EXPECT(process_free(p, p->task.kernel_stack) == -EINVARG);
    KTEST_EXPECT(process_free(p, (void*)VANA_PROGRAM_VIRTUAL_ADDRESS) == -EINVARG);
    KTEST_EXPECT(process_free(p, (void*)VANA_PROGRAM_VIRTUAL_STACK_ADDRESS_END) == -EINVARG);
    KTEST_EXPECT(process_free(p, a) == 0);
    KTEST_EXPECT(process_free(p, a) == -EINVARG);
    KTEST_EXPECT(process_check_user(q, b, 4096, true) == 0);
    process_destroy(q);
    process_destroy(p);
}

static void process_allocations_are_not_capped(void)
{
    struct process* p = load_spinner();
    if (!p)
        return;
    /* No table of records: any number of allocations, all found again by process_destroy. */
    size_t before = heap_blocks_in_use(kheap_get());
    size_t count = 1500;
    for (size_t i = 0; i < count; i++)
        KTEST_EXPECT(process_malloc(p, 1 + (i % 3) * 4096) != NULL);
    KTEST_EXPECT(p->allocation_count == count);
    KTEST_EXPECT(process_allocated_blocks(p) == count / 3 * (1 + 2 + 3));
    process_destroy(p);
    KTEST_EXPECT(heap_blocks_in_use(kheap_get()) < before);
}

static void process_destroy_returns_every_block(void)
{
    size_t before = heap_blocks_in_use(kheap_get());
    struct process* p = load_spinner();
    if (!p)
        return;
    process_malloc(p, 100000);
    process_malloc(p, 1);
    process_destroy(p);
    KTEST_EXPECT(heap_blocks_in_use(kheap_get()) == before);
}

static void malformed_program_is_refused_without_leaks(void)
{
    static const unsigned char not_elf[] = "this is not an ELF file at all, not even close....";
    size_t before = heap_blocks_in_use(kheap_get());
    struct process* p = NULL;
    KTEST_EXPECT(process_load("bad.elf", not_elf, sizeof(not_elf), &p) == -ENOEXEC);
    KTEST_EXPECT(process_load("empty.bin", not_elf, 0, &p) == -ENOEXEC);
    KTEST_EXPECT(heap_blocks_in_use(kheap_get()) == before);
}

/* With the heap full, a program is still refused aloud (tests/kernel/run.sh reads the line). */
static void program_is_refused_aloud_when_the_heap_is_full(void)
{
    static const unsigned char not_elf[] = "no memory to even look at this";
    size_t before = heap_blocks_in_use(kheap_get());
    void* held = NULL;
    void* block;
    /* Chain every free block through its own first word, so the test needs no memory of its own. */
    while ((block = kmalloc(1))) {
        *(void**)block = held;
        held = block;
    }
    struct process* p = NULL;
    KTEST_EXPECT(process_load("full-heap.elf", not_elf, sizeof(not_elf), &p) == -ENOMEM);
    KTEST_EXPECT(!task_all_succeeded());
    while (held) {
        block = held;
        held = *(void**)block;
        kfree(block);
    }
    KTEST_EXPECT(heap_blocks_in_use(kheap_get()) == before);
}

static void copy_string_from_user_checks_every_page(void)
{
    struct process* p = load_spinner();
    if (!p)
        return;
    char buffer[16];
    char* a = process_malloc(p, 4096);
    KTEST_EXPECT(process_copy_string_from_user(p, (void*)0x100000, buffer, sizeof(buffer)) == -EFAULT);
    KTEST_EXPECT(process_copy_string_from_user(p, NULL, buffer, sizeof(buffer)) == -EFAULT);
    for (int i = 0; i < 4096; i++)
        a[i] = 'x';
    /* Unterminated up to the end of its last page: the next page is not the process's. */
    KTEST_EXPECT(process_copy_string_from_user(p, a + 4090, buffer, sizeof(buffer)) == -EFAULT);
    KTEST_EXPECT(process_copy_string_from_user(p, a, buffer, sizeof(buffer)) == -E2BIG);
    a[3] = '\0';
    KTEST_EXPECT(process_copy_string_from_user(p, a, buffer, sizeof(buffer)) == 3);
    process_destroy(p);
}

static const struct ktest_case process_cases[] = {
    {"process_directory_costs_three_pages_for_a_small_program",
     process_directory_costs_three_pages_for_a_small_program},
    {"process_maps_program_stack_and_arguments_for_user_only_there",
     process_maps_program_stack_and_arguments_for_user_only_there},
    {"process_malloc_maps_zeroed_blocks_at_their_own_address", process_malloc_maps_zeroed_blocks_at_their_own_address},
    {"process_free_restores_the_kernel_entry", process_free_restores_the_kernel_entry},
    {"process_free_gives_back_a_page_table_left_without_user_pages",
     process_free_gives_back_a_page_table_left_without_user_pages},
    {"process_free_rejects_what_it_did_not_allocate", process_free_rejects_what_it_did_not_allocate},
    {"process_allocations_are_not_capped", process_allocations_are_not_capped},
    {"process_destroy_returns_every_block", process_destroy_returns_every_block},
    {"malformed_program_is_refused_without_leaks", malformed_program_is_refused_without_leaks},
    {"program_is_refused_aloud_when_the_heap_is_full", program_is_refused_aloud_when_the_heap_is_full},
    {"copy_string_from_user_checks_every_page", copy_string_from_user_checks_every_page},
};
KTEST_SUITE(process_ktest, process_cases);
