/* Paging on the real CPU: CR0, CR3, the identity map, and page 0. */
#include "config.h"
#include "cpu/probe.h"
#include "cpu/registers.h"
#include "kernel.h"
#include "ktest.h"
#include "memory/heap/kheap.h"
#include "memory/paging/paging.h"
#include "status.h"

static void paging_is_enabled_with_write_protect(void)
{
    KTEST_EXPECT(cpu_read_cr0() & CR0_PAGING);
    KTEST_EXPECT(cpu_read_cr0() & CR0_WRITE_PROTECT);
}

static void cr3_holds_the_kernel_directory(void)
{
    KTEST_EXPECT(cpu_read_cr3() == (uint32_t)paging_4gb_chunk_get_directory(paging_kernel_directory()));
    KTEST_EXPECT(paging_current() == paging_kernel_directory());
}

static void kernel_directory_maps_identity_at_sampled_addresses(void)
{
    static const uint32_t samples[] = {0x1000, 0x7E00, 0xB8000, 0x100000, 0x3FF000, 0x400000, VANA_HEAP_ADDRESS,
                                       VANA_HEAP_ADDRESS + VANA_HEAP_SIZE_BYTES - 1, 0x80000123, 0xFFFFF000};
    uint32_t* directory = paging_4gb_chunk_get_directory(paging_kernel_directory());
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        KTEST_EXPECT(paging_get_physical_address(directory, (void*)samples[i]) == (void*)samples[i]);
        uint32_t entry = paging_get(directory, (void*)samples[i]);
        KTEST_EXPECT((entry & PAGING_ACCESS_FROM_ALL) == 0);
        KTEST_EXPECT(entry & PAGING_IS_WRITEABLE);
    }
}

static void identity_map_reaches_real_memory(void)
{
    volatile uint32_t* p = kmalloc(PAGING_PAGE_SIZE);
    uint32_t value = 0;
    *p = 0xC0FFEE11;
    KTEST_EXPECT(probe_read32(p, &value) == 0 && value == 0xC0FFEE11);
    kfree((void*)p);
}

static void page_zero_faults(void)
{
    uint32_t value = 0x12345678;
    uint32_t* directory = paging_4gb_chunk_get_directory(paging_kernel_directory());
    KTEST_EXPECT(paging_get_physical_address(directory, (void*)0) == NULL);
    KTEST_EXPECT(probe_read32((void*)0, &value) == -EFAULT);
    KTEST_EXPECT(value == 0x12345678);
    KTEST_EXPECT(probe_write32((void*)0xFFC, 1) == -EFAULT);
    /* Page 1 is mapped: the probe is not simply failing. */
    KTEST_EXPECT(probe_read32((void*)0x1000, &value) == 0);
}

static void unmapping_a_page_of_the_loaded_directory_takes_effect_at_once(void)
{
    struct paging_4gb_chunk* kernel = paging_kernel_directory();
    volatile uint32_t* page = kmalloc(PAGING_PAGE_SIZE);
    uint32_t value;
    *page = 7;
    KTEST_EXPECT(probe_read32(page, &value) == 0);  /* the translation is now in the TLB */
    KTEST_EXPECT(paging_unmap(kernel, (void*)page) == 0);
    KTEST_EXPECT(probe_read32(page, &value) == -EFAULT);
    KTEST_EXPECT(paging_map(kernel, (void*)page, (void*)page, PAGING_IS_PRESENT | PAGING_IS_WRITEABLE) == 0);
    KTEST_EXPECT(probe_read32(page, &value) == 0 && value == 7);
    kfree((void*)page);
}

static void mapping_functions_reject_bad_arguments(void)
{
    struct paging_4gb_chunk* kernel = paging_kernel_directory();
    KTEST_EXPECT(paging_map(kernel, (void*)0x1001, (void*)0x1000, PAGING_IS_PRESENT) == -EINVARG);
    KTEST_EXPECT(paging_map(kernel, (void*)0x1000, (void*)0x1001, PAGING_IS_PRESENT) == -EINVARG);
    KTEST_EXPECT(paging_map(kernel, (void*)0x1000, (void*)0x1000, 0x1000) == -EINVARG);
    KTEST_EXPECT(paging_map_range(kernel, (void*)0x1000, (void*)0x1000, -1, PAGING_IS_PRESENT) == -EINVARG);
    KTEST_EXPECT(paging_map_to(kernel, (void*)0x1000, (void*)0x2000, (void*)0x1000, PAGING_IS_PRESENT) == -EINVARG);
    KTEST_EXPECT(paging_get_physical_address(paging_4gb_chunk_get_directory(kernel), (void*)0x1000) == (void*)0x1000);
}

static const struct ktest_case paging_cases[] = {
    {"paging_is_enabled_with_write_protect", paging_is_enabled_with_write_protect},
    {"cr3_holds_the_kernel_directory", cr3_holds_the_kernel_directory},
    {"kernel_directory_maps_identity_at_sampled_addresses", kernel_directory_maps_identity_at_sampled_addresses},
    {"identity_map_reaches_real_memory", identity_map_reaches_real_memory},
    {"page_zero_faults", page_zero_faults},
    {"unmapping_a_page_of_the_loaded_directory_takes_effect_at_once",
     unmapping_a_page_of_the_loaded_directory_takes_effect_at_once},
    {"mapping_functions_reject_bad_arguments", mapping_functions_reject_bad_arguments},
};
KTEST_SUITE(paging_ktest, paging_cases);
