/* The boot data survived kheap_init, which wrote the heap table over QEMU's copy of it. */
#include "boot/bootinfo.h"
#include "config.h"
#include "ktest.h"
#include "lib/string.h"
#include "memory/memory.h"

static void boot_command_line_survives_heap_init(void)
{
    const struct boot_info* boot = boot_info_get();
    KTEST_EXPECT(boot->cmdline != NULL);
    KTEST_EXPECT(string_has_word(boot->cmdline, "ktest"));
    KTEST_EXPECT(boot_option("ktest"));
    KTEST_EXPECT(!boot_option("kte"));
}

static void boot_memory_map_covers_the_heap(void)
{
    const struct boot_info* boot = boot_info_get();
    KTEST_EXPECT(boot->region_count > 0);
    KTEST_EXPECT(boot_memory_is_usable(VANA_HEAP_ADDRESS, VANA_HEAP_ADDRESS + (uint64_t)VANA_HEAP_SIZE_BYTES));
    KTEST_EXPECT(!boot_memory_is_usable(0, 0x100000000ull));
    KTEST_EXPECT(boot_memory_usable_end() >= VANA_HEAP_ADDRESS + (uint64_t)VANA_HEAP_SIZE_BYTES);
}

/* tests/kernel/run.sh boots with one module whose text is known. */
static void boot_module_survives_and_lives_in_the_heap(void)
{
    static const char expected[] = "vana ktest module: the boot data survived\n";
    const struct boot_info* boot = boot_info_get();

    KTEST_EXPECT(boot->module_count == 1);
    if (boot->module_count != 1)
        return;
    const struct program_module* m = &boot->modules[0];
    KTEST_EXPECT(m->size == sizeof(expected) - 1);
    KTEST_EXPECT(m->size == sizeof(expected) - 1 && memcmp(m->data, expected, m->size) == 0);
    KTEST_EXPECT((uintptr_t)m->data >= VANA_HEAP_ADDRESS);
    KTEST_EXPECT((uintptr_t)m->data < VANA_HEAP_ADDRESS + VANA_HEAP_SIZE_BYTES);
    KTEST_EXPECT(strcmp(m->string, "ktest-module.txt arg1 arg2") == 0);
}

static const struct ktest_case boot_cases[] = {
    {"boot_command_line_survives_heap_init", boot_command_line_survives_heap_init},
    {"boot_memory_map_covers_the_heap", boot_memory_map_covers_the_heap},
    {"boot_module_survives_and_lives_in_the_heap", boot_module_survives_and_lives_in_the_heap},
};
KTEST_SUITE(boot_ktest, boot_cases);
