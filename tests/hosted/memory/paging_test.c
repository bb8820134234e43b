/*
 * Hosted tests for src/memory/paging/paging.c: one case per contract.
 *
 * paging.c gets its tables from the hosted kernel heap (heap.c over memory
 * below 4 GiB, support/kheap_hosted.c), so every case can check that it
 * leaks no block. The stand-ins for paging.asm (support/paging_asm_hosted.c)
 * record CR3 loads and TLB flushes instead of doing them.
 */
#define _POSIX_C_SOURCE 200809L /* fork, waitpid */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "status.h"
#include "support/kheap_hosted.h"
#include "support/paging_asm_hosted.h"

#define PAGE PAGING_PAGE_SIZE
#define TABLE_SPAN (PAGE * PAGING_TOTAL_ENTRIES_PER_TABLE) /* 4 MiB: what one table maps */
#define TABLE_BYTES (sizeof(uint32_t) * PAGING_TOTAL_ENTRIES_PER_TABLE)
#define KERNEL_FLAGS (PAGING_IS_PRESENT | PAGING_IS_WRITEABLE)
#define USER_FLAGS (PAGING_IS_PRESENT | PAGING_IS_WRITEABLE | PAGING_ACCESS_FROM_ALL)

/* Loaded by every setup, so no test inherits a "current" directory from another. */
static struct paging_4gb_chunk nothing_loaded;

/* The kernel directory most cases work on, and the heap use before it was built. */
struct fixture
{
    struct paging_4gb_chunk* kernel;
    size_t blocks_before;
};

static int setup(void** state)
{
    static struct fixture f;
    kheap_hosted_init();
    paging_switch(&nothing_loaded);
    paging_asm_record_reset();
    f.blocks_before = kheap_hosted_blocks_in_use();
    f.kernel = paging_new_4gb(KERNEL_FLAGS);
    assert_non_null(f.kernel);
    *state = &f;
    return 0;
}

/* The owned bits of chunk's directory, counted: what paging_owned_tables keeps without a walk. */
static size_t count_owned_tables(struct paging_4gb_chunk* chunk)
{
    size_t owned = 0;
    for (int i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++)
        owned += (paging_4gb_chunk_get_directory(chunk)[i] & PAGING_TABLE_IS_OWNED) != 0;
    return owned;
}

static int teardown(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_owned_tables(f->kernel), count_owned_tables(f->kernel));
    paging_switch(&nothing_loaded);
    paging_free_4gb(f->kernel);
    /* Every case must give back whatever it took. */
    assert_int_equal(kheap_hosted_blocks_in_use(), f->blocks_before);
    return 0;
}

static void* va(uint64_t address)
{
    return (void*)(uintptr_t)address;
}

static uint32_t* dir(struct paging_4gb_chunk* chunk)
{
    return paging_4gb_chunk_get_directory(chunk);
}

static uint32_t* table_of(uint32_t directory_entry)
{
    return va(directory_entry & PAGING_ADDRESS_MASK);
}

static size_t dir_index(uint64_t address)
{
    return (size_t)(address / TABLE_SPAN);
}

/* A shared directory that the case must release itself. */
static struct paging_4gb_chunk new_shared(const struct fixture* f)
{
    struct paging_4gb_chunk shared = {0};
    assert_int_equal(paging_new_shared_4gb(&shared, f->kernel), 0);
    return shared;
}

/* ---- paging_new_4gb, paging_free_4gb ---- */

static void paging_new_4gb_identity_maps_sampled_addresses(void** state)
{
    struct fixture* f = *state;
    const uint64_t samples[] = {0, 0x1000, 0xB8000, 0x01000000, 0xFFFFF000};
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        assert_int_equal(paging_get(dir(f->kernel), va(samples[i])), samples[i] | KERNEL_FLAGS);
        assert_ptr_equal(paging_get_physical_address(dir(f->kernel), va(samples[i] + 0x123)), va(samples[i] + 0x123));
    }
}

static void paging_new_4gb_puts_flags_in_every_table_entry(void** state)
{
    (void)state;
    struct paging_4gb_chunk* user = paging_new_4gb(USER_FLAGS);
    assert_non_null(user);
    for (size_t d = 0; d < PAGING_TOTAL_ENTRIES_PER_TABLE; d += 97) {
        uint32_t* table = table_of(dir(user)[d]);
        for (size_t t = 0; t < PAGING_TOTAL_ENTRIES_PER_TABLE; t++)
            assert_int_equal(table[t], (d * TABLE_SPAN + t * PAGE) | USER_FLAGS);
    }
    paging_free_4gb(user);
}

static void paging_new_4gb_directory_entries_are_owned_present_and_writeable(void** state)
{
    (void)state;
    struct paging_4gb_chunk* read_only = paging_new_4gb(PAGING_IS_PRESENT);
    assert_non_null(read_only);
    uint32_t want = PAGING_IS_PRESENT | PAGING_IS_WRITEABLE | PAGING_TABLE_IS_OWNED;
    for (size_t d = 0; d < PAGING_TOTAL_ENTRIES_PER_TABLE; d++)
        assert_int_equal(dir(read_only)[d] & ~PAGING_ADDRESS_MASK, want);
    assert_int_equal(paging_get(dir(read_only), va(0x5000)), 0x5000 | PAGING_IS_PRESENT);
    paging_free_4gb(read_only);
}

static void paging_new_4gb_owns_all_1024_tables(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_owned_tables(f->kernel), PAGING_TOTAL_ENTRIES_PER_TABLE);
}

static void paging_free_4gb_returns_every_block(void** state)
{
    struct fixture* f = *state;
    size_t before = kheap_hosted_blocks_in_use();
    struct paging_4gb_chunk* chunk = paging_new_4gb(KERNEL_FLAGS);
    assert_non_null(chunk);
    assert_true(kheap_hosted_blocks_in_use() >= before + 1 + PAGING_TOTAL_ENTRIES_PER_TABLE);
    paging_free_4gb(chunk);
    assert_int_equal(kheap_hosted_blocks_in_use(), before);
    (void)f;
}

static void paging_new_4gb_out_of_memory_returns_null_and_leaks_nothing(void** state)
{
    (void)state;
    /* Fail the chunk, the directory, the first table, a middle table and the last table. */
    const size_t fail_at[] = {0, 1, 2, 3, 500, 1025};
    size_t before = kheap_hosted_blocks_in_use();
    for (size_t i = 0; i < sizeof(fail_at) / sizeof(fail_at[0]); i++) {
        kheap_hosted_fail_after(fail_at[i]);
        assert_null(paging_new_4gb(KERNEL_FLAGS));
        assert_int_equal(kheap_hosted_blocks_in_use(), before);
    }
    kheap_hosted_fail_after(SIZE_MAX);
}

/* ---- paging_new_shared_4gb, paging_release_4gb ---- */

static void paging_new_shared_4gb_points_at_kernel_tables_without_owning_them(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    for (size_t d = 0; d < PAGING_TOTAL_ENTRIES_PER_TABLE; d++)
        assert_int_equal(dir(&shared)[d], dir(f->kernel)[d] & ~PAGING_TABLE_IS_OWNED);
    assert_int_equal(paging_owned_tables(&shared), 0);
    assert_int_equal(paging_get(dir(&shared), va(0xB8000)), 0xB8000 | KERNEL_FLAGS);
    paging_release_4gb(&shared);
}

static void paging_new_shared_4gb_costs_one_block(void** state)
{
    struct fixture* f = *state;
    size_t before = kheap_hosted_blocks_in_use();
    struct paging_4gb_chunk shared = new_shared(f);
    assert_int_equal(kheap_hosted_blocks_in_use(), before + 1);
    paging_release_4gb(&shared);
    assert_int_equal(kheap_hosted_blocks_in_use(), before);
}

static void paging_new_shared_4gb_out_of_memory_returns_enomem(void** state)
{
    struct fixture* f = *state;
    size_t before = kheap_hosted_blocks_in_use();
    struct paging_4gb_chunk shared = {0};
    kheap_hosted_fail_after(0);
    assert_int_equal(paging_new_shared_4gb(&shared, f->kernel), -ENOMEM);
    kheap_hosted_fail_after(SIZE_MAX);
    assert_int_equal(kheap_hosted_blocks_in_use(), before);
}

static void paging_map_on_shared_directory_copies_the_table(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    const uint64_t virt = 0x00403000;
    size_t d = dir_index(virt);
    uint32_t* kernel_table = table_of(dir(f->kernel)[d]);
    uint32_t kernel_copy[PAGING_TOTAL_ENTRIES_PER_TABLE];
    memcpy(kernel_copy, kernel_table, TABLE_BYTES);
    size_t before = kheap_hosted_blocks_in_use();

    assert_int_equal(paging_map(&shared, va(virt), va(0x00900000), USER_FLAGS), 0);

    assert_true(dir(&shared)[d] & PAGING_TABLE_IS_OWNED);
    uint32_t* copy = table_of(dir(&shared)[d]);
    assert_ptr_not_equal(copy, kernel_table);
    assert_memory_equal(kernel_table, kernel_copy, TABLE_BYTES);
    for (size_t t = 0; t < PAGING_TOTAL_ENTRIES_PER_TABLE; t++) {
        if (t != (virt % TABLE_SPAN) / PAGE)
            assert_int_equal(copy[t], kernel_copy[t]);
    }
    assert_int_equal(paging_get(dir(&shared), va(virt)), 0x00900000 | USER_FLAGS);
    assert_int_equal(paging_get(dir(f->kernel), va(virt)), virt | KERNEL_FLAGS);
    assert_int_equal(paging_owned_tables(&shared), 1);
    assert_int_equal(kheap_hosted_blocks_in_use(), before + 1);
    paging_release_4gb(&shared);
}

static void paging_map_on_shared_directory_copies_each_table_once(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    size_t before = kheap_hosted_blocks_in_use();
    assert_int_equal(paging_map(&shared, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_map(&shared, va(0x00401000), va(0x00901000), USER_FLAGS), 0);
    assert_int_equal(paging_unmap(&shared, va(0x007FF000)), 0);
    assert_int_equal(paging_owned_tables(&shared), 1);
    assert_int_equal(kheap_hosted_blocks_in_use(), before + 1);
    paging_release_4gb(&shared);
}

static void paging_set_out_of_memory_returns_enomem_and_keeps_sharing(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    uint32_t entry_before = dir(&shared)[1];
    kheap_hosted_fail_after(0);
    assert_int_equal(paging_map(&shared, va(0x00400000), va(0x00900000), USER_FLAGS), -ENOMEM);
    kheap_hosted_fail_after(SIZE_MAX);
    assert_int_equal(dir(&shared)[1], entry_before);
    assert_int_equal(paging_owned_tables(&shared), 0);
    paging_release_4gb(&shared);
}

static void paging_release_4gb_frees_owned_tables_only(void** state)
{
    struct fixture* f = *state;
    size_t before = kheap_hosted_blocks_in_use();
    struct paging_4gb_chunk shared = new_shared(f);
    assert_int_equal(paging_map(&shared, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_map(&shared, va(0x40000000), va(0x00901000), USER_FLAGS), 0);

    paging_release_4gb(&shared);   /* kfree of a kernel table would fail the case */
    assert_null(dir(&shared));
    assert_int_equal(kheap_hosted_blocks_in_use(), before);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00400000)), 0x00400000 | KERNEL_FLAGS);
    assert_int_equal(paging_owned_tables(f->kernel), PAGING_TOTAL_ENTRIES_PER_TABLE);
}

/* ---- argument checks: nothing may change, not even a table copy ---- */

struct unchanged_check
{
    uint32_t directory[PAGING_TOTAL_ENTRIES_PER_TABLE];
    size_t blocks;
    struct paging_asm_record record;
};

static void remember(struct unchanged_check* c, struct paging_4gb_chunk* chunk)
{
    memcpy(c->directory, dir(chunk), TABLE_BYTES);
    c->blocks = kheap_hosted_blocks_in_use();
    c->record = paging_asm_record;
}

static void assert_nothing_changed(const struct unchanged_check* c, struct paging_4gb_chunk* chunk)
{
    assert_memory_equal(c->directory, dir(chunk), TABLE_BYTES);
    assert_int_equal(c->blocks, kheap_hosted_blocks_in_use());
    assert_memory_equal(&c->record, &paging_asm_record, sizeof(c->record));
}

/* The shared directory is loaded too, so any write would copy a table or flush. */
#define EXPECT_EINVARG(f, call)                      \
    do {                                             \
        struct paging_4gb_chunk shared = new_shared(f); \
        paging_switch(&shared);                      \
        struct unchanged_check check;                \
        remember(&check, &shared);                   \
        struct paging_4gb_chunk* chunk = &shared;    \
        assert_int_equal((call), -EINVARG);          \
        assert_nothing_changed(&check, &shared);     \
        paging_switch(&nothing_loaded);              \
        paging_release_4gb(&shared);                 \
    } while (0)

static void paging_map_rejects_unaligned_virt(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_map(chunk, va(0x00400001), va(0x00900000), USER_FLAGS));
    EXPECT_EINVARG(f, paging_map(chunk, va(0x00400FFF), va(0x00900000), USER_FLAGS));
}

static void paging_map_rejects_unaligned_phys(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_map(chunk, va(0x00400000), va(0x00900800), USER_FLAGS));
}

static void paging_map_rejects_unknown_flags(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_map(chunk, va(0x00400000), va(0x00900000), USER_FLAGS | 0x20));
    EXPECT_EINVARG(f, paging_map(chunk, va(0x00400000), va(0x00900000), USER_FLAGS | 0x80));
    EXPECT_EINVARG(f, paging_map(chunk, va(0x00400000), va(0x00900000), USER_FLAGS | PAGING_TABLE_IS_OWNED));
    EXPECT_EINVARG(f, paging_map(chunk, va(0x00400000), va(0x00900000), -1));
}

static void paging_map_rejects_null_directory(void** state)
{
    (void)state;
    assert_int_equal(paging_map(NULL, va(0x00400000), va(0x00900000), USER_FLAGS), -EINVARG);
}

static void paging_map_range_rejects_negative_count(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_map_range(chunk, va(0x00400000), va(0x00900000), -1, USER_FLAGS));
    EXPECT_EINVARG(f, paging_map_range(chunk, va(0x00400000), va(0x00900000), INT32_MIN, USER_FLAGS));
}

static void paging_map_range_rejects_range_past_4gib(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_map_range(chunk, va(0xFFFFF000), va(0x00900000), 2, USER_FLAGS));
    EXPECT_EINVARG(f, paging_map_range(chunk, va(0x00400000), va(0xFFFFF000), 2, USER_FLAGS));
    EXPECT_EINVARG(f, paging_map(chunk, va(0x100000000), va(0x00900000), USER_FLAGS));
    EXPECT_EINVARG(f, paging_map(chunk, va(0x00400000), va(0x100000000), USER_FLAGS));
}

static void paging_map_range_checks_every_argument_before_mapping(void** state)
{
    struct fixture* f = *state;
    /* The first pages are fine; only the end of the range is out of bounds. */
    EXPECT_EINVARG(f, paging_map_range(chunk, va(0xFFFF0000), va(0x00900000), 17, USER_FLAGS));
}

static void paging_map_to_rejects_end_below_phys(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_map_to(chunk, va(0x00400000), va(0x00902000), va(0x00901000), USER_FLAGS));
}

static void paging_map_to_rejects_unaligned_end(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_map_to(chunk, va(0x00400000), va(0x00900000), va(0x00901001), USER_FLAGS));
}

static void paging_map_to_rejects_unaligned_or_out_of_range_addresses(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_map_to(chunk, va(0x00400010), va(0x00900000), va(0x00901000), USER_FLAGS));
    EXPECT_EINVARG(f, paging_map_to(chunk, va(0xFFFFF000), va(0x00900000), va(0x00902000), USER_FLAGS));
    EXPECT_EINVARG(f, paging_map_to(chunk, va(0x00400000), va(0xFFFFF000), va(0x100001000), USER_FLAGS));
    EXPECT_EINVARG(f, paging_map_to(chunk, va(0x00400000), va(0x00900000), va(0x00901000), 0x100));
}

static void paging_unmap_rejects_unaligned_virt(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_unmap(chunk, va(0x00400004)));
    EXPECT_EINVARG(f, paging_unmap(chunk, va(0x100000000)));
}

/*
 * Run body in a child process and fail unless it exits with 0. For calls
 * that, if broken, would crash or trip a sanitizer: only the child dies,
 * and the other cases of this binary still run.
 */
static void assert_child_succeeds(int (*body)(struct fixture*), struct fixture* f, const char* what)
{
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        signal(SIGSEGV, SIG_DFL);   /* let a wild access kill the child, not longjmp into cmocka */
        signal(SIGBUS, SIG_DFL);
        _exit(body(f));
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("%s (child %s %d)", what, WIFEXITED(status) ? "exited with" : "killed by signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

static int map_top_of_host_address_space(struct fixture* f)
{
    void* top_page = (void*)(UINTPTR_MAX - PAGE + 1);
    return paging_map(f->kernel, top_page, va(0x00900000), USER_FLAGS) == -EINVARG ? 0 : 1;
}

/* On a 64-bit host an address near the top of the address space is above 4 GiB too. */
static void paging_map_rejects_virt_at_top_of_host_address_space(void** state)
{
    assert_child_succeeds(map_top_of_host_address_space, *state,
                          "paging_map(virt = UINTPTR_MAX - 4095) must return -EINVARG");
}

static int map_virtual_page_zero(struct fixture* f)
{
    if (paging_map(f->kernel, NULL, va(0x00900000), USER_FLAGS) != 0)
        return 1;
    return paging_get(dir(f->kernel), NULL) == (0x00900000 | USER_FLAGS) ? 0 : 1;
}

/* Page 0 is page-aligned and below 4 GiB, so the contract allows it (and it must not be UB). */
static void paging_map_accepts_virtual_page_zero(void** state)
{
    assert_child_succeeds(map_virtual_page_zero, *state, "paging_map(virt = NULL) must map page 0 without UB");
}

/* ---- mapping ---- */

static void paging_map_maps_frame_with_flags(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00400000)), 0x00900000 | USER_FLAGS);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00401000)), 0x00401000 | KERNEL_FLAGS);
}

static void paging_map_range_maps_consecutive_frames_across_tables(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map_range(f->kernel, va(0x003FE000), va(0x00900000), 4, USER_FLAGS), 0);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(paging_get(dir(f->kernel), va(0x003FE000 + i * PAGE)), (0x00900000 + i * PAGE) | USER_FLAGS);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00402000)), 0x00402000 | KERNEL_FLAGS);
}

static void paging_map_range_accepts_range_ending_at_4gib(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map_range(f->kernel, va(0xFFFFE000), va(0x00900000), 2, USER_FLAGS), 0);
    assert_int_equal(paging_get(dir(f->kernel), va(0xFFFFF000)), 0x00901000 | USER_FLAGS);
    assert_int_equal(paging_map_range(f->kernel, va(0x00400000), va(0xFFFFF000), 1, USER_FLAGS), 0);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00400000)), 0xFFFFF000 | USER_FLAGS);
}

static void paging_map_range_of_zero_pages_changes_nothing(void** state)
{
    struct fixture* f = *state;
    struct unchanged_check check;
    remember(&check, f->kernel);
    assert_int_equal(paging_map_range(f->kernel, va(0x00400000), va(0x00900000), 0, USER_FLAGS), 0);
    assert_nothing_changed(&check, f->kernel);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00400000)), 0x00400000 | KERNEL_FLAGS);
}

static void paging_map_range_out_of_memory_keeps_pages_already_mapped(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    kheap_hosted_fail_after(1);   /* the copy of table 0 succeeds, the copy of table 1 fails */
    assert_int_equal(paging_map_range(&shared, va(0x003FF000), va(0x00900000), 2, USER_FLAGS), -ENOMEM);
    kheap_hosted_fail_after(SIZE_MAX);
    assert_int_equal(paging_get(dir(&shared), va(0x003FF000)), 0x00900000 | USER_FLAGS);
    assert_int_equal(paging_get(dir(&shared), va(0x00400000)), 0x00400000 | KERNEL_FLAGS);
    paging_release_4gb(&shared);
}

static void paging_map_to_maps_frames_up_to_end(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map_to(f->kernel, va(0x00400000), va(0x00900000), va(0x00903000), USER_FLAGS), 0);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00402000)), 0x00902000 | USER_FLAGS);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00403000)), 0x00403000 | KERNEL_FLAGS);
    assert_int_equal(paging_map_to(f->kernel, va(0x00500000), va(0x00900000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00500000)), 0x00500000 | KERNEL_FLAGS);
}

static void paging_unmap_makes_only_that_page_not_present(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_unmap(f->kernel, va(0x00401000)), 0);
    assert_null(paging_get_physical_address(dir(f->kernel), va(0x00401000)));
    assert_ptr_equal(paging_get_physical_address(dir(f->kernel), va(0x00400000)), va(0x00400000));
    assert_ptr_equal(paging_get_physical_address(dir(f->kernel), va(0x00402000)), va(0x00402000));
}

static void paging_map_user_and_write_flags_reach_directory_entry(void** state)
{
    struct fixture* f = *state;
    size_t d = dir_index(0x00400000);
    assert_int_equal(dir(f->kernel)[d] & PAGING_ACCESS_FROM_ALL, 0);
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(dir(f->kernel)[d] & USER_FLAGS, USER_FLAGS);

    /* A directory entry that was cleared by hand has neither right until a mapping asks. */
    struct paging_4gb_chunk shared = new_shared(f);
    dir(&shared)[d] = 0;
    assert_int_equal(paging_map(&shared, va(0x00400000), va(0x00900000), PAGING_IS_PRESENT), 0);
    assert_int_equal(dir(&shared)[d] & USER_FLAGS, PAGING_IS_PRESENT);
    assert_int_equal(paging_map(&shared, va(0x00401000), va(0x00901000), USER_FLAGS), 0);
    assert_int_equal(dir(&shared)[d] & USER_FLAGS, USER_FLAGS);
    paging_release_4gb(&shared);
}

static void paging_set_on_not_present_directory_entry_starts_an_empty_table(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    size_t d = dir_index(0x00400000);
    dir(&shared)[d] = 0;
    assert_int_equal(paging_map(&shared, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_true(dir(&shared)[d] & PAGING_TABLE_IS_OWNED);
    assert_int_equal(paging_get(dir(&shared), va(0x00401000)), 0);
    assert_int_equal(paging_get(dir(&shared), va(0x00400000)), 0x00900000 | USER_FLAGS);
    paging_release_4gb(&shared);
}

static void paging_set_writes_the_entry_verbatim(void** state)
{
    struct fixture* f = *state;
    const uint32_t entry = 0x00ABC000 | PAGING_WRITE_THROUGH | PAGING_IS_WRITEABLE;  /* not present */
    assert_int_equal(paging_set(f->kernel, va(0x00400000), entry), 0);
    assert_int_equal(paging_get(dir(f->kernel), va(0x00400000)), entry);
    assert_null(paging_get_physical_address(dir(f->kernel), va(0x00400000)));
}

static void paging_set_rejects_unaligned_or_out_of_range_virt(void** state)
{
    struct fixture* f = *state;
    EXPECT_EINVARG(f, paging_set(chunk, va(0x00400800), 0x00900000 | USER_FLAGS));
    EXPECT_EINVARG(f, paging_set(chunk, va(0x100000000), 0x00900000 | USER_FLAGS));
    assert_int_equal(paging_set(NULL, va(0x00400000), 0), -EINVARG);
}

/* ---- lookups ---- */

static void paging_get_physical_address_returns_frame_plus_offset(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x01234000), USER_FLAGS), 0);
    assert_ptr_equal(paging_get_physical_address(dir(f->kernel), va(0x00400ABC)), va(0x01234ABC));
    assert_ptr_equal(paging_get_physical_address(dir(f->kernel), va(0x00400FFF)), va(0x01234FFF));
    assert_ptr_equal(paging_get_physical_address(dir(f->kernel), va(0x00400000)), va(0x01234000));
}

static void paging_get_physical_address_returns_null_for_not_present_table_entry(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x00900000), USER_FLAGS & ~PAGING_IS_PRESENT), 0);
    assert_null(paging_get_physical_address(dir(f->kernel), va(0x00400010)));
}

static void paging_get_physical_address_returns_null_for_not_present_directory_entry(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    dir(&shared)[dir_index(0x00800000)] &= ~PAGING_IS_PRESENT;
    assert_null(paging_get_physical_address(dir(&shared), va(0x00800123)));
    assert_int_equal(paging_get(dir(&shared), va(0x00800000)), 0);
    paging_release_4gb(&shared);
}

static void paging_align_address_keeps_aligned_address(void** state)
{
    (void)state;
    assert_ptr_equal(paging_align_address(va(0)), va(0));
    assert_ptr_equal(paging_align_address(va(0x00400000)), va(0x00400000));
    assert_ptr_equal(paging_align_address(va(UINTPTR_MAX - PAGE + 1)), va(UINTPTR_MAX - PAGE + 1));
}

static void paging_align_address_rounds_up_to_next_page(void** state)
{
    (void)state;
    assert_ptr_equal(paging_align_address(va(1)), va(PAGE));
    assert_ptr_equal(paging_align_address(va(0x00400001)), va(0x00401000));
    assert_ptr_equal(paging_align_address(va(0x00400FFF)), va(0x00401000));
    assert_ptr_equal(paging_align_address(va(0xFFFFE001)), va(0xFFFFF000));
}

static void paging_align_address_returns_null_on_overflow(void** state)
{
    (void)state;
    assert_null(paging_align_address(va(UINTPTR_MAX)));
    assert_null(paging_align_address(va(UINTPTR_MAX - PAGE + 2)));
    assert_ptr_equal(paging_align_address(va(UINTPTR_MAX - PAGE)), va(UINTPTR_MAX - PAGE + 1));
}

static void paging_align_to_lower_page_rounds_down(void** state)
{
    (void)state;
    assert_ptr_equal(paging_align_to_lower_page(va(0)), va(0));
    assert_ptr_equal(paging_align_to_lower_page(va(0x00400000)), va(0x00400000));
    assert_ptr_equal(paging_align_to_lower_page(va(0x00400001)), va(0x00400000));
    assert_ptr_equal(paging_align_to_lower_page(va(0x00400FFF)), va(0x00400000));
    assert_ptr_equal(paging_align_to_lower_page(va(UINTPTR_MAX)), va(UINTPTR_MAX - PAGE + 1));
}
static void paging_is_aligned_accepts_only_page_boundaries(void** state)
{
    (void)state;
    assert_true(paging_is_aligned(va(0)));
    assert_true(paging_is_aligned(va(0x7000)));
    assert_false(paging_is_aligned(va(0x7001)));
    assert_false(paging_is_aligned(va(0x7800)));
}

/* ---- paging_check_user_range ---- */

/*
 * In the 4 MiB region at 0x00400000 (directory entry with user rights):
 * a user page, a read-only user page, a supervisor page, an unmapped page
 * and another user page.
 */
static void map_user_test_pages(struct fixture* f)
{
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_map(f->kernel, va(0x00401000), va(0x00901000), PAGING_IS_PRESENT | PAGING_ACCESS_FROM_ALL), 0);
    assert_int_equal(paging_map(f->kernel, va(0x00402000), va(0x00902000), KERNEL_FLAGS), 0);
    assert_int_equal(paging_unmap(f->kernel, va(0x00403000)), 0);
    assert_int_equal(paging_map(f->kernel, va(0x00404000), va(0x00904000), USER_FLAGS), 0);
}

static void paging_check_user_range_accepts_user_page(void** state)
{
    struct fixture* f = *state;
    map_user_test_pages(f);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00400000), PAGE, true), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00400010), 16, false), 0);
}

static void paging_check_user_range_rejects_supervisor_page(void** state)
{
    struct fixture* f = *state;
    map_user_test_pages(f);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00402000), 1, false), -EFAULT);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00401FFF), 2, false), -EFAULT);
}

static void paging_check_user_range_rejects_write_to_read_only_page(void** state)
{
    struct fixture* f = *state;
    map_user_test_pages(f);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00401000), 8, false), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00401000), 8, true), -EFAULT);
}

static void paging_check_user_range_rejects_range_crossing_into_unmapped_page(void** state)
{
    struct fixture* f = *state;
    map_user_test_pages(f);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00404000), 16, true), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00403FFF), 2, false), -EFAULT);
}

static void paging_check_user_range_checks_every_page_of_long_range(void** state)
{
    struct fixture* f = *state;
    map_user_test_pages(f);
    assert_int_equal(paging_map_range(f->kernel, va(0x00600000), va(0x00900000), 5, USER_FLAGS), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00600000), 5 * PAGE, true), 0);
    assert_int_equal(paging_map(f->kernel, va(0x00602000), va(0x00902000), KERNEL_FLAGS), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00600000), 5 * PAGE, false), -EFAULT);
}

static void paging_check_user_range_requires_user_in_directory_entry(void** state)
{
    struct fixture* f = *state;
    map_user_test_pages(f);
    struct paging_4gb_chunk shared = new_shared(f);
    dir(&shared)[dir_index(0x00400000)] &= ~PAGING_ACCESS_FROM_ALL;
    assert_int_equal(paging_check_user_range(dir(&shared), va(0x00400000), 1, false), -EFAULT);
    paging_release_4gb(&shared);
}

static void paging_check_user_range_of_size_zero_is_allowed(void** state)
{
    struct fixture* f = *state;
    map_user_test_pages(f);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00403000), 0, true), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0xFFFFFFFF), 0, true), 0);
}

static void paging_check_user_range_rejects_range_wrapping_past_4gib(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0xFFFFF000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0xFFFFF000), 2 * PAGE, false), -EFAULT);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0xFFFFFFFF), 2, false), -EFAULT);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0xFFFFF000), UINT32_MAX, false), -EFAULT);
}

/* A size near SIZE_MAX wraps the 64-bit sum start + size on a 64-bit host. */
static void paging_check_user_range_rejects_size_max(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00400000), SIZE_MAX, false), -EFAULT);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0x00400000), SIZE_MAX - 0xFFF, false), -EFAULT);
}

static void paging_check_user_range_accepts_range_ending_exactly_at_4gib(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0xFFFFF000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0xFFFFF000), PAGE, true), 0);
    assert_int_equal(paging_check_user_range(dir(f->kernel), va(0xFFFFFFFF), 1, true), 0);
}

/* ---- paging_switch, paging_current, TLB maintenance ---- */

static void paging_switch_loads_directory_and_becomes_current(void** state)
{
    struct fixture* f = *state;
    paging_switch(f->kernel);
    assert_int_equal(paging_asm_record.load_directory_calls, 1);
    assert_ptr_equal(paging_asm_record.last_loaded_directory, dir(f->kernel));
    assert_ptr_equal(paging_current(), f->kernel);

    struct paging_4gb_chunk shared = new_shared(f);
    paging_switch(&shared);
    assert_ptr_equal(paging_asm_record.last_loaded_directory, dir(&shared));
    assert_ptr_equal(paging_current(), &shared);
    paging_switch(&nothing_loaded);
    paging_release_4gb(&shared);
}

static void paging_set_on_loaded_directory_invalidates_tlb_entry(void** state)
{
    struct fixture* f = *state;
    paging_switch(f->kernel);
    paging_asm_record_reset();
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_asm_record.invalidate_calls, 1);
    assert_ptr_equal(paging_asm_record.last_invalidated, va(0x00400000));

    assert_int_equal(paging_unmap(f->kernel, va(0x00401000)), 0);
    assert_int_equal(paging_asm_record.invalidate_calls, 2);
    assert_ptr_equal(paging_asm_record.last_invalidated, va(0x00401000));
}

static void paging_map_range_on_loaded_directory_invalidates_every_page(void** state)
{
    struct fixture* f = *state;
    paging_switch(f->kernel);
    paging_asm_record_reset();
    assert_int_equal(paging_map_range(f->kernel, va(0x00400000), va(0x00900000), 3, USER_FLAGS), 0);
    assert_int_equal(paging_asm_record.invalidate_calls, 3);
    assert_ptr_equal(paging_asm_record.last_invalidated, va(0x00402000));
}

static void paging_table_copy_in_loaded_directory_reaches_the_cpu(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    paging_switch(&shared);
    paging_asm_record_reset();
    assert_int_equal(paging_map(&shared, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    /* The page's own entry must be flushed; the copy may also reload CR3. */
    assert_int_equal(paging_asm_record.invalidate_calls, 1);
    assert_ptr_equal(paging_asm_record.last_invalidated, va(0x00400000));
    if (paging_asm_record.load_directory_calls > 0)
        assert_ptr_equal(paging_asm_record.last_loaded_directory, dir(&shared));
    paging_switch(&nothing_loaded);
    paging_release_4gb(&shared);
}

static void paging_set_on_directory_not_loaded_does_not_flush(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    paging_switch(f->kernel);
    paging_asm_record_reset();
    assert_int_equal(paging_map(&shared, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_unmap(&shared, va(0x00401000)), 0);
    assert_int_equal(paging_asm_record.invalidate_calls, 0);
    assert_int_equal(paging_asm_record.load_directory_calls, 0);
    paging_release_4gb(&shared);
}

/* ---- accounting ---- */

static void paging_owned_tables_counts_copied_tables(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    assert_int_equal(paging_owned_tables(&shared), 0);
    assert_int_equal(paging_map(&shared, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_map(&shared, va(0x00800000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_map(&shared, va(0x00801000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_owned_tables(&shared), 2);
    paging_release_4gb(&shared);
}

static void paging_4gb_chunk_get_directory_returns_the_directory(void** state)
{
    struct fixture* f = *state;
    assert_ptr_equal(paging_4gb_chunk_get_directory(f->kernel), f->kernel->directory_entry);
}

/* ---- paging_share_unchanged_table ---- */

/* Put the kernel's own entry for virt back into chunk, as process_unmap_blocks does. */
static void restore_kernel_entry(const struct fixture* f, struct paging_4gb_chunk* chunk, uint64_t virt)
{
    assert_int_equal(paging_set(chunk, va(virt), paging_get(dir(f->kernel), va(virt))), 0);
}

/* Map a user page at virt in chunk, which copies its table, then take the mapping back. */
static void map_then_restore(const struct fixture* f, struct paging_4gb_chunk* chunk, uint64_t virt)
{
    assert_int_equal(paging_map(chunk, va(virt), va(0x00900000), USER_FLAGS), 0);
    restore_kernel_entry(f, chunk, virt);
}

static void paging_share_unchanged_table_frees_restored_table_and_shares_again(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    const uint64_t virt = 0x00403000;
    size_t d = dir_index(virt);
    map_then_restore(f, &shared, virt);
    assert_int_equal(paging_owned_tables(&shared), 1);
    assert_ptr_not_equal(table_of(dir(&shared)[d]), table_of(dir(f->kernel)[d]));
    size_t blocks = kheap_hosted_blocks_in_use();

    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(virt)), 1);
    assert_int_equal(paging_owned_tables(&shared), 0);
    assert_int_equal(kheap_hosted_blocks_in_use(), blocks - 1);
    assert_int_equal(dir(&shared)[d], dir(f->kernel)[d] & ~PAGING_TABLE_IS_OWNED);
    assert_int_equal(paging_get(dir(&shared), va(virt)), virt | KERNEL_FLAGS);

    /* Shared again, so the next change copies the table again. */
    assert_int_equal(paging_map(&shared, va(virt), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_owned_tables(&shared), 1);
    assert_int_equal(kheap_hosted_blocks_in_use(), blocks);
    assert_int_equal(paging_get(dir(f->kernel), va(virt)), virt | KERNEL_FLAGS);
    paging_release_4gb(&shared);
}

static void paging_share_unchanged_table_keeps_table_that_still_differs(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    assert_int_equal(paging_map(&shared, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_map(&shared, va(0x00401000), va(0x00901000), USER_FLAGS), 0);
    restore_kernel_entry(f, &shared, 0x00400000);   /* 0x00401000 is still the user's */

    struct unchanged_check check;
    remember(&check, &shared);
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 0);
    assert_nothing_changed(&check, &shared);
    assert_int_equal(paging_get(dir(&shared), va(0x00401000)), 0x00901000 | USER_FLAGS);

    /* A kernel page unmapped in the copy is a difference too. */
    restore_kernel_entry(f, &shared, 0x00401000);
    assert_int_equal(paging_unmap(&shared, va(0x00402000)), 0);
    remember(&check, &shared);
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 0);
    assert_nothing_changed(&check, &shared);

    restore_kernel_entry(f, &shared, 0x00402000);
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 1);
    assert_int_equal(paging_owned_tables(&shared), 0);
    paging_release_4gb(&shared);
}

/* The CPU sets accessed and dirty in either table; any other bit is a real difference. */
static void paging_share_unchanged_table_ignores_only_accessed_and_dirty_bits(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    size_t d = dir_index(0x00400000);
    map_then_restore(f, &shared, 0x00400000);
    uint32_t* copy = table_of(dir(&shared)[d]);
    uint32_t* kernel_table = table_of(dir(f->kernel)[d]);

    const uint32_t differences[] = {PAGING_IS_PRESENT, PAGING_IS_WRITEABLE, PAGING_ACCESS_FROM_ALL,
                                    PAGING_WRITE_THROUGH, PAGING_CACHE_DISABLED, 0x80, 0x100,
                                    PAGING_TABLE_IS_OWNED, 0x1000, 0x80000000};
    for (size_t i = 0; i < sizeof(differences) / sizeof(differences[0]); i++) {
        copy[9] ^= differences[i];
        struct unchanged_check check;
        remember(&check, &shared);
        assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 0);
        assert_nothing_changed(&check, &shared);
        copy[9] ^= differences[i];
    }

    copy[0] |= PAGING_ACCESSED | PAGING_DIRTY;
    copy[1] |= PAGING_ACCESSED;
    kernel_table[2] |= PAGING_ACCESSED | PAGING_DIRTY;
    kernel_table[0] |= PAGING_DIRTY;
    size_t blocks = kheap_hosted_blocks_in_use();
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 1);
    assert_int_equal(paging_owned_tables(&shared), 0);
    assert_int_equal(kheap_hosted_blocks_in_use(), blocks - 1);
    assert_int_equal(dir(&shared)[d], dir(f->kernel)[d] & ~PAGING_TABLE_IS_OWNED);
    paging_release_4gb(&shared);
}

static void paging_share_unchanged_table_leaves_shared_entry_alone(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    paging_switch(&shared);
    struct unchanged_check check;
    remember(&check, &shared);
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 0);
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0)), 0);
    assert_nothing_changed(&check, &shared);

    /* Given back once, there is nothing left to give back. */
    map_then_restore(f, &shared, 0x00400000);
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 1);
    remember(&check, &shared);
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 0);
    assert_nothing_changed(&check, &shared);
    paging_switch(&nothing_loaded);
    paging_release_4gb(&shared);
}

/* The kernel's table is identical to itself; freeing it would take it from every process. */
static void paging_share_unchanged_table_never_frees_kernel_tables(void** state)
{
    struct fixture* f = *state;
    paging_switch(f->kernel);
    struct unchanged_check check;
    remember(&check, f->kernel);
    assert_int_equal(paging_share_unchanged_table(f->kernel, f->kernel, va(0x00400000)), 0);
    assert_int_equal(paging_share_unchanged_table(f->kernel, f->kernel, va(0xFFFFF000)), 0);
    assert_nothing_changed(&check, f->kernel);
    assert_int_equal(paging_owned_tables(f->kernel), PAGING_TOTAL_ENTRIES_PER_TABLE);
}

/* 0x100000000 and 0x100400000 would alias regions 0 and 1, both given back if they were let in. */
static void paging_share_unchanged_table_rejects_virt_past_4gib(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    map_then_restore(f, &shared, 0x00001000);
    map_then_restore(f, &shared, 0x00400000);
    paging_switch(&shared);
    struct unchanged_check check;
    remember(&check, &shared);

    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x100000000)), -EINVARG);
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x100400000)), -EINVARG);
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(UINTPTR_MAX - PAGE + 1)), -EINVARG);
    assert_nothing_changed(&check, &shared);
    assert_int_equal(paging_owned_tables(&shared), 2);
    /* The last byte below 4 GiB is in range: its region is shared, so nothing to do. */
    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0xFFFFFFFF)), 0);

    paging_switch(&nothing_loaded);
    paging_release_4gb(&shared);
}

/*
 * The CPU may still cache the old directory entry, so CR3 is reloaded. That
 * it happens before the kfree is not visible to the recording stand-in.
 */
static void paging_share_unchanged_table_on_loaded_directory_reloads_cr3(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    paging_switch(&shared);
    map_then_restore(f, &shared, 0x00400000);
    paging_asm_record_reset();
    size_t blocks = kheap_hosted_blocks_in_use();

    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 1);
    assert_int_equal(paging_asm_record.load_directory_calls, 1);
    assert_ptr_equal(paging_asm_record.last_loaded_directory, dir(&shared));
    assert_ptr_equal(paging_current(), &shared);
    assert_int_equal(kheap_hosted_blocks_in_use(), blocks - 1);
    paging_switch(&nothing_loaded);
    paging_release_4gb(&shared);
}

static void paging_share_unchanged_table_on_directory_not_loaded_does_not_reload(void** state)
{
    struct fixture* f = *state;
    struct paging_4gb_chunk shared = new_shared(f);
    paging_switch(f->kernel);
    map_then_restore(f, &shared, 0x00400000);
    paging_asm_record_reset();

    assert_int_equal(paging_share_unchanged_table(&shared, f->kernel, va(0x00400000)), 1);
    assert_int_equal(paging_asm_record.load_directory_calls, 0);
    assert_ptr_equal(paging_current(), f->kernel);
    paging_release_4gb(&shared);
}

/* ---- paging_next_user_range ---- */

static void assert_user_range(uint32_t* directory, uint64_t from, uint64_t start, uint64_t end, uint32_t flags)
{
    uint64_t got_start = 0, got_end = 0;
    uint32_t got_flags = 0;
    assert_true(paging_next_user_range(directory, from, &got_start, &got_end, &got_flags));
    assert_int_equal(got_start, start);
    assert_int_equal(got_end, end);
    assert_int_equal(got_flags, flags);
}

static void assert_no_user_range(uint32_t* directory, uint64_t from)
{
    uint64_t start = 0, end = 0;
    uint32_t flags = 0;
    assert_false(paging_next_user_range(directory, from, &start, &end, &flags));
}

#define READ_ONLY_USER_FLAGS (PAGING_IS_PRESENT | PAGING_ACCESS_FROM_ALL)

static void paging_next_user_range_finds_none_in_kernel_only_directory(void** state)
{
    struct fixture* f = *state;
    assert_no_user_range(dir(f->kernel), 0);
    assert_no_user_range(dir(f->kernel), 0x00400000);
    struct paging_4gb_chunk shared = new_shared(f);
    assert_no_user_range(dir(&shared), 0);
    paging_release_4gb(&shared);
}

static void paging_next_user_range_returns_single_user_page(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0x00402000), va(0x00900000), USER_FLAGS), 0);
    assert_user_range(dir(f->kernel), 0, 0x00402000, 0x00403000, USER_FLAGS);
    assert_user_range(dir(f->kernel), 0x00402000, 0x00402000, 0x00403000, USER_FLAGS);
    assert_no_user_range(dir(f->kernel), 0x00403000);
}

/* Rights make a run, not frames: these three frames are not consecutive. */
static void paging_next_user_range_merges_adjacent_pages_with_same_flags(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_map(f->kernel, va(0x00401000), va(0x00905000), USER_FLAGS), 0);
    assert_int_equal(paging_map(f->kernel, va(0x00402000), va(0x00902000), USER_FLAGS), 0);
    assert_user_range(dir(f->kernel), 0, 0x00400000, 0x00403000, USER_FLAGS);
}

static void paging_next_user_range_splits_where_rights_change(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    assert_int_equal(paging_map_range(f->kernel, va(0x00401000), va(0x00901000), 2, READ_ONLY_USER_FLAGS), 0);
    assert_int_equal(paging_map(f->kernel, va(0x00403000), va(0x00903000), USER_FLAGS | PAGING_WRITE_THROUGH), 0);
    assert_int_equal(paging_map(f->kernel, va(0x00404000), va(0x00904000), USER_FLAGS | PAGING_CACHE_DISABLED), 0);

    assert_user_range(dir(f->kernel), 0, 0x00400000, 0x00401000, USER_FLAGS);
    assert_user_range(dir(f->kernel), 0x00401000, 0x00401000, 0x00403000, READ_ONLY_USER_FLAGS);
    assert_user_range(dir(f->kernel), 0x00403000, 0x00403000, 0x00404000, USER_FLAGS | PAGING_WRITE_THROUGH);
    assert_user_range(dir(f->kernel), 0x00404000, 0x00404000, 0x00405000, USER_FLAGS | PAGING_CACHE_DISABLED);
    assert_no_user_range(dir(f->kernel), 0x00405000);
}

/* The CPU sets accessed and dirty as pages are used; they split no run and are not reported. */
static void paging_next_user_range_ignores_accessed_and_dirty_bits(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map_range(f->kernel, va(0x00400000), va(0x00900000), 3, USER_FLAGS), 0);
    uint32_t* table = table_of(dir(f->kernel)[dir_index(0x00400000)]);
    table[0] |= PAGING_ACCESSED;
    table[1] |= PAGING_ACCESSED | PAGING_DIRTY;
    assert_user_range(dir(f->kernel), 0, 0x00400000, 0x00403000, USER_FLAGS);
}

static void paging_next_user_range_run_crosses_4mib_boundary(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map_range(f->kernel, va(0x007FE000), va(0x00900000), 4, USER_FLAGS), 0);
    assert_int_equal(dir_index(0x00801000), dir_index(0x007FE000) + 1);   /* two pages in each of two tables */
    assert_user_range(dir(f->kernel), 0, 0x007FE000, 0x00802000, USER_FLAGS);
}

/* Walk the runs as process_report_memory does: each search starts at the previous end. */
static void paging_next_user_range_iterates_from_end_of_one_run_to_next(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map_range(f->kernel, va(0x00400000), va(0x00900000), 2, USER_FLAGS), 0);
    assert_int_equal(paging_map(f->kernel, va(0x00C03000), va(0x00902000), READ_ONLY_USER_FLAGS), 0);
    assert_int_equal(paging_map_range(f->kernel, va(0x80000000), va(0x00903000), 3, USER_FLAGS), 0);
    const struct
    {
        uint64_t start, end;
        uint32_t flags;
    } want[] = {
        {0x00400000, 0x00402000, USER_FLAGS},
        {0x00C03000, 0x00C04000, READ_ONLY_USER_FLAGS},
        {0x80000000, 0x80003000, USER_FLAGS},
    };

    uint64_t start = 0, end = 0;
    uint32_t flags = 0;
    size_t runs = 0;
    while (paging_next_user_range(dir(f->kernel), end, &start, &end, &flags)) {
        assert_true(runs < sizeof(want) / sizeof(want[0]));
        assert_int_equal(start, want[runs].start);
        assert_int_equal(end, want[runs].end);
        assert_int_equal(flags, want[runs].flags);
        runs++;
    }
    assert_int_equal(runs, sizeof(want) / sizeof(want[0]));
}

static void paging_next_user_range_from_inside_run_returns_rest_of_it(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map_range(f->kernel, va(0x00400000), va(0x00900000), 4, USER_FLAGS), 0);
    assert_user_range(dir(f->kernel), 0x00402000, 0x00402000, 0x00404000, USER_FLAGS);
    assert_user_range(dir(f->kernel), 0x00401ABC, 0x00401000, 0x00404000, USER_FLAGS);
    assert_user_range(dir(f->kernel), 0x00403FFF, 0x00403000, 0x00404000, USER_FLAGS);
}

static void paging_next_user_range_requires_user_in_directory_entry(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0x00400000), va(0x00900000), USER_FLAGS), 0);
    dir(f->kernel)[dir_index(0x00400000)] &= ~PAGING_ACCESS_FROM_ALL;
    assert_no_user_range(dir(f->kernel), 0);

    /* A directory entry without user rights also ends a run at its region. */
    assert_int_equal(paging_map_range(f->kernel, va(0x00BFF000), va(0x00901000), 2, USER_FLAGS), 0);
    dir(f->kernel)[dir_index(0x00C00000)] &= ~PAGING_ACCESS_FROM_ALL;
    assert_user_range(dir(f->kernel), 0, 0x00BFF000, 0x00C00000, USER_FLAGS);
    assert_no_user_range(dir(f->kernel), 0x00C00000);

    /* So does one that is not present, and a table entry that is not present is no user page. */
    dir(f->kernel)[dir_index(0x00C00000)] |= PAGING_ACCESS_FROM_ALL;
    dir(f->kernel)[dir_index(0x00C00000)] &= ~PAGING_IS_PRESENT;
    assert_user_range(dir(f->kernel), 0, 0x00BFF000, 0x00C00000, USER_FLAGS);
    assert_int_equal(paging_map(f->kernel, va(0x00BFE000), va(0x00902000), USER_FLAGS & ~PAGING_IS_PRESENT), 0);
    assert_user_range(dir(f->kernel), 0x00BFE000, 0x00BFF000, 0x00C00000, USER_FLAGS);
}

static void paging_next_user_range_at_top_page_ends_at_4gib(void** state)
{
    struct fixture* f = *state;
    assert_int_equal(paging_map(f->kernel, va(0xFFFFF000), va(0x00900000), USER_FLAGS), 0);
    assert_user_range(dir(f->kernel), 0, 0xFFFFF000, 0x100000000, USER_FLAGS);
    assert_user_range(dir(f->kernel), 0xFFFFFFFF, 0xFFFFF000, 0x100000000, USER_FLAGS);
    assert_no_user_range(dir(f->kernel), 0x100000000);

    assert_int_equal(paging_map(f->kernel, va(0xFFFFE000), va(0x00901000), USER_FLAGS), 0);
    assert_user_range(dir(f->kernel), 0xFFC00000, 0xFFFFE000, 0x100000000, USER_FLAGS);
}


/* ---- the kernel's own directory: 4 MiB pages, tables only where a page differs ---- */

static void paging_kernel_directory_maps_4gb_in_4mb_pages(void** state)
{
    (void)state;
    assert_int_equal(paging_create_kernel_directory(), 0);
    struct paging_4gb_chunk* kernel = paging_kernel_directory();
    /* One table: the first region's, split to unmap page 0. */
    assert_int_equal(paging_owned_tables(kernel), 1);
    assert_int_equal(paging_get(dir(kernel), va(0)) & PAGING_IS_PRESENT, 0);
    assert_int_equal(paging_get(dir(kernel), va(0x1000)), 0x1000 | KERNEL_FLAGS);
    for (uint32_t i = 1; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++)
        assert_int_equal(dir(kernel)[i], (i << 22) | KERNEL_FLAGS | PAGING_IS_4MB_PAGE);
    assert_int_equal(paging_get(dir(kernel), va(0x12345678)), 0x12345000 | KERNEL_FLAGS);
    assert_int_equal(paging_get(dir(kernel), va(0xFFFFF000)), 0xFFFFF000 | KERNEL_FLAGS);
    assert_ptr_equal(paging_get_physical_address(dir(kernel), va(0x07400123)), va(0x07400123));
    paging_free_4gb(kernel);
}

static void paging_set_splits_a_4mb_page_into_its_pages(void** state)
{
    (void)state;
    assert_int_equal(paging_create_kernel_directory(), 0);
    struct paging_4gb_chunk* kernel = paging_kernel_directory();
    struct paging_4gb_chunk process;
    assert_int_equal(paging_new_shared_4gb(&process, kernel), 0);

    assert_int_equal(paging_map(&process, va(0x01001000), va(0x01001000), USER_FLAGS), 0);
    assert_int_equal(paging_owned_tables(&process), 1);
    uint32_t* table = table_of(dir(&process)[4]);
    for (uint32_t i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++) {
        uint32_t expected = (0x01000000 + i * PAGING_PAGE_SIZE) | (i == 1 ? USER_FLAGS : KERNEL_FLAGS);
        assert_int_equal(table[i], expected);
    }
    /* The kernel's own entry is untouched: still one 4 MiB page. */
    assert_int_equal(dir(kernel)[4], 0x01000000 | KERNEL_FLAGS | PAGING_IS_4MB_PAGE);

    /* Giving the page back the kernel's entry makes the table equal to the 4 MiB page again. */
    assert_int_equal(paging_set(&process, va(0x01001000), paging_get(dir(kernel), va(0x01001000))), 0);
    assert_int_equal(paging_share_unchanged_table(&process, kernel, va(0x01001000)), 1);
    assert_int_equal(dir(&process)[4], dir(kernel)[4]);
    assert_int_equal(paging_owned_tables(&process), 0);
    paging_release_4gb(&process);
    paging_free_4gb(kernel);
}

/* A 4 MiB page with the user bit (Vana makes none, the CPU honours them): the directory entry alone decides. */
static void paging_user_checks_read_a_4mb_page_from_its_directory_entry(void** state)
{
    (void)state;
    assert_int_equal(paging_create_kernel_directory(), 0);
    struct paging_4gb_chunk* kernel = paging_kernel_directory();
    uint32_t saved = dir(kernel)[8];
    dir(kernel)[8] = 0x02000000 | PAGING_IS_PRESENT | PAGING_ACCESS_FROM_ALL | PAGING_IS_4MB_PAGE;
    assert_int_equal(paging_check_user_range(dir(kernel), va(0x02000000), 0x400000, false), 0);
    assert_int_equal(paging_check_user_range(dir(kernel), va(0x02000000), 1, true), -EFAULT);
    assert_int_equal(paging_check_user_range(dir(kernel), va(0x023FF000), 0x2000, false), -EFAULT);
    uint64_t start, end;
    uint32_t flags;
    assert_true(paging_next_user_range(dir(kernel), 0, &start, &end, &flags));
    assert_int_equal(start, 0x02000000);
    assert_int_equal(end, 0x02400000);
    assert_int_equal(flags, PAGING_IS_PRESENT | PAGING_ACCESS_FROM_ALL);
    dir(kernel)[8] = saved;
    paging_free_4gb(kernel);
}

static void paging_give_tables_owns_every_region_of_a_range(void** state)
{
    (void)state;
    assert_int_equal(paging_create_kernel_directory(), 0);
    struct paging_4gb_chunk* kernel = paging_kernel_directory();
    assert_int_equal(paging_give_tables(kernel, va(0xC0000000), va(0xC0800001)), 0);
    assert_int_equal(paging_owned_tables(kernel), 1 + 3);
    /* A split region maps exactly what its 4 MiB page did. */
    assert_int_equal(paging_get(dir(kernel), va(0xC0456000)), 0xC0456000 | KERNEL_FLAGS);
    assert_int_equal(paging_give_tables(kernel, va(0xC0000000), va(0xC0000000)), -EINVARG);
    assert_int_equal(paging_give_tables(kernel, va(0xFFC00000), va(0)), -EINVARG);
    assert_int_equal(paging_owned_tables(kernel), 4);
    paging_free_4gb(kernel);
}

#define PAGING_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        PAGING_TEST(paging_kernel_directory_maps_4gb_in_4mb_pages),
        PAGING_TEST(paging_set_splits_a_4mb_page_into_its_pages),
        PAGING_TEST(paging_give_tables_owns_every_region_of_a_range),
        PAGING_TEST(paging_user_checks_read_a_4mb_page_from_its_directory_entry),
        PAGING_TEST(paging_new_4gb_identity_maps_sampled_addresses),
        PAGING_TEST(paging_new_4gb_puts_flags_in_every_table_entry),
        PAGING_TEST(paging_new_4gb_directory_entries_are_owned_present_and_writeable),
        PAGING_TEST(paging_new_4gb_owns_all_1024_tables),
        PAGING_TEST(paging_free_4gb_returns_every_block),
        PAGING_TEST(paging_new_4gb_out_of_memory_returns_null_and_leaks_nothing),
        PAGING_TEST(paging_new_shared_4gb_points_at_kernel_tables_without_owning_them),
        PAGING_TEST(paging_new_shared_4gb_costs_one_block),
        PAGING_TEST(paging_new_shared_4gb_out_of_memory_returns_enomem),
        PAGING_TEST(paging_map_on_shared_directory_copies_the_table),
        PAGING_TEST(paging_map_on_shared_directory_copies_each_table_once),
        PAGING_TEST(paging_set_out_of_memory_returns_enomem_and_keeps_sharing),
        PAGING_TEST(paging_release_4gb_frees_owned_tables_only),
        PAGING_TEST(paging_map_rejects_unaligned_virt),
        PAGING_TEST(paging_map_rejects_unaligned_phys),
        PAGING_TEST(paging_map_rejects_unknown_flags),
        PAGING_TEST(paging_map_rejects_null_directory),
        PAGING_TEST(paging_map_range_rejects_negative_count),
        PAGING_TEST(paging_map_range_rejects_range_past_4gib),
        PAGING_TEST(paging_map_range_checks_every_argument_before_mapping),
        PAGING_TEST(paging_map_to_rejects_end_below_phys),
        PAGING_TEST(paging_map_to_rejects_unaligned_end),
        PAGING_TEST(paging_map_to_rejects_unaligned_or_out_of_range_addresses),
        PAGING_TEST(paging_unmap_rejects_unaligned_virt),
        PAGING_TEST(paging_map_rejects_virt_at_top_of_host_address_space),
        PAGING_TEST(paging_map_accepts_virtual_page_zero),
        PAGING_TEST(paging_map_maps_frame_with_flags),
        PAGING_TEST(paging_map_range_maps_consecutive_frames_across_tables),
        PAGING_TEST(paging_map_range_accepts_range_ending_at_4gib),
        PAGING_TEST(paging_map_range_of_zero_pages_changes_nothing),
        PAGING_TEST(paging_map_range_out_of_memory_keeps_pages_already_mapped),
        PAGING_TEST(paging_map_to_maps_frames_up_to_end),
        PAGING_TEST(paging_unmap_makes_only_that_page_not_present),
        PAGING_TEST(paging_map_user_and_write_flags_reach_directory_entry),
        PAGING_TEST(paging_set_on_not_present_directory_entry_starts_an_empty_table),
        PAGING_TEST(paging_set_writes_the_entry_verbatim),
        PAGING_TEST(paging_set_rejects_unaligned_or_out_of_range_virt),
        PAGING_TEST(paging_get_physical_address_returns_frame_plus_offset),
        PAGING_TEST(paging_get_physical_address_returns_null_for_not_present_table_entry),
        PAGING_TEST(paging_get_physical_address_returns_null_for_not_present_directory_entry),
        PAGING_TEST(paging_align_address_keeps_aligned_address),
        PAGING_TEST(paging_align_address_rounds_up_to_next_page),
        PAGING_TEST(paging_align_address_returns_null_on_overflow),
        PAGING_TEST(paging_align_to_lower_page_rounds_down),
        PAGING_TEST(paging_is_aligned_accepts_only_page_boundaries),
        PAGING_TEST(paging_check_user_range_accepts_user_page),
        PAGING_TEST(paging_check_user_range_rejects_supervisor_page),
        PAGING_TEST(paging_check_user_range_rejects_write_to_read_only_page),
        PAGING_TEST(paging_check_user_range_rejects_range_crossing_into_unmapped_page),
        PAGING_TEST(paging_check_user_range_checks_every_page_of_long_range),
        PAGING_TEST(paging_check_user_range_requires_user_in_directory_entry),
        PAGING_TEST(paging_check_user_range_of_size_zero_is_allowed),
        PAGING_TEST(paging_check_user_range_rejects_range_wrapping_past_4gib),
        PAGING_TEST(paging_check_user_range_rejects_size_max),
        PAGING_TEST(paging_check_user_range_accepts_range_ending_exactly_at_4gib),
        PAGING_TEST(paging_switch_loads_directory_and_becomes_current),
        PAGING_TEST(paging_set_on_loaded_directory_invalidates_tlb_entry),
        PAGING_TEST(paging_map_range_on_loaded_directory_invalidates_every_page),
        PAGING_TEST(paging_table_copy_in_loaded_directory_reaches_the_cpu),
        PAGING_TEST(paging_set_on_directory_not_loaded_does_not_flush),
        PAGING_TEST(paging_owned_tables_counts_copied_tables),
        PAGING_TEST(paging_4gb_chunk_get_directory_returns_the_directory),
        PAGING_TEST(paging_share_unchanged_table_frees_restored_table_and_shares_again),
        PAGING_TEST(paging_share_unchanged_table_keeps_table_that_still_differs),
        PAGING_TEST(paging_share_unchanged_table_ignores_only_accessed_and_dirty_bits),
        PAGING_TEST(paging_share_unchanged_table_leaves_shared_entry_alone),
        PAGING_TEST(paging_share_unchanged_table_never_frees_kernel_tables),
        PAGING_TEST(paging_share_unchanged_table_rejects_virt_past_4gib),
        PAGING_TEST(paging_share_unchanged_table_on_loaded_directory_reloads_cr3),
        PAGING_TEST(paging_share_unchanged_table_on_directory_not_loaded_does_not_reload),
        PAGING_TEST(paging_next_user_range_finds_none_in_kernel_only_directory),
        PAGING_TEST(paging_next_user_range_returns_single_user_page),
        PAGING_TEST(paging_next_user_range_merges_adjacent_pages_with_same_flags),
        PAGING_TEST(paging_next_user_range_splits_where_rights_change),
        PAGING_TEST(paging_next_user_range_ignores_accessed_and_dirty_bits),
        PAGING_TEST(paging_next_user_range_run_crosses_4mib_boundary),
        PAGING_TEST(paging_next_user_range_iterates_from_end_of_one_run_to_next),
        PAGING_TEST(paging_next_user_range_from_inside_run_returns_rest_of_it),
        PAGING_TEST(paging_next_user_range_requires_user_in_directory_entry),
        PAGING_TEST(paging_next_user_range_at_top_page_ends_at_4gib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
