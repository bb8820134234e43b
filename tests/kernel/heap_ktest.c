/* The kernel heap on the real machine: at 0x01000000, its table at 0x7E00. */
#include "config.h"
#include "ktest.h"
#include "memory/heap/kheap.h"
#include "memory/memory.h"

#define HEAP_END (VANA_HEAP_ADDRESS + VANA_HEAP_SIZE_BYTES)

static void kheap_table_is_at_the_seed_address(void)
{
    struct heap* heap = kheap_get();
    KTEST_EXPECT((uintptr_t)heap->table->entries == VANA_HEAP_TABLE_ADDRESS);
    KTEST_EXPECT(heap->table->total == VANA_HEAP_SIZE_BYTES / VANA_HEAP_BLOCK_SIZE);
    KTEST_EXPECT((uintptr_t)heap->saddr == VANA_HEAP_ADDRESS);
    KTEST_EXPECT(heap_check(heap) == 0);
}

static void kmalloc_returns_blocks_inside_the_heap(void)
{
    char* p = kmalloc(1);
    char* q = kmalloc(VANA_HEAP_BLOCK_SIZE * 3);
    KTEST_EXPECT(p && q);
    KTEST_EXPECT((uintptr_t)p >= VANA_HEAP_ADDRESS && (uintptr_t)p < HEAP_END);
    KTEST_EXPECT((uintptr_t)p % VANA_HEAP_BLOCK_SIZE == 0);
    KTEST_EXPECT((uintptr_t)q + 3 * VANA_HEAP_BLOCK_SIZE <= HEAP_END);
    /* The memory is real and writable through the identity map. */
    memset(q, 0x5A, 3 * VANA_HEAP_BLOCK_SIZE);
    KTEST_EXPECT(q[0] == 0x5A && q[3 * VANA_HEAP_BLOCK_SIZE - 1] == 0x5A);
    kfree(q);
    kfree(p);
}

static void kmalloc_marks_the_table_at_0x7e00(void)
{
    volatile unsigned char* table = (volatile unsigned char*)VANA_HEAP_TABLE_ADDRESS;
    char* p = kmalloc(3 * VANA_HEAP_BLOCK_SIZE);
    size_t index = ((uintptr_t)p - VANA_HEAP_ADDRESS) / VANA_HEAP_BLOCK_SIZE;

    KTEST_EXPECT(table[index] == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_IS_FIRST | HEAP_BLOCK_HAS_NEXT));
    KTEST_EXPECT(table[index + 1] == (HEAP_BLOCK_TABLE_ENTRY_TAKEN | HEAP_BLOCK_HAS_NEXT));
    KTEST_EXPECT(table[index + 2] == HEAP_BLOCK_TABLE_ENTRY_TAKEN);
    kfree(p);
    KTEST_EXPECT(table[index] == 0 && table[index + 1] == 0 && table[index + 2] == 0);
}

static void kzalloc_zeroes_every_block(void)
{
    unsigned char* dirty = kmalloc(2 * VANA_HEAP_BLOCK_SIZE);
    memset(dirty, 0xAB, 2 * VANA_HEAP_BLOCK_SIZE);
    kfree(dirty);
    /* Leftmost fit hands the same blocks back. */
    unsigned char* clean = kzalloc(VANA_HEAP_BLOCK_SIZE + 1);
    KTEST_EXPECT(clean == dirty);
    size_t nonzero = 0;
    for (size_t i = 0; i < 2 * VANA_HEAP_BLOCK_SIZE; i++)
        nonzero += clean[i] != 0;
    KTEST_EXPECT(nonzero == 0);
    kfree(clean);
}

static void kfree_returns_every_block(void)
{
    struct heap* heap = kheap_get();
    size_t before = heap_blocks_in_use(heap);
    void* p[8];
    for (int i = 0; i < 8; i++)
        p[i] = kmalloc((size_t)(i + 1) * 1000);
    KTEST_EXPECT(heap_blocks_in_use(heap) > before);
    for (int i = 7; i >= 0; i--)
        kfree(p[i]);
    KTEST_EXPECT(heap_blocks_in_use(heap) == before);
    KTEST_EXPECT(heap_check(heap) == 0);
}

static void kmalloc_refuses_zero_and_huge_sizes(void)
{
    KTEST_EXPECT(kmalloc(0) == NULL);
    KTEST_EXPECT(kmalloc(VANA_HEAP_SIZE_BYTES + 1) == NULL);
    KTEST_EXPECT(kmalloc((size_t)-1) == NULL);
    KTEST_EXPECT(kzalloc((size_t)-1) == NULL);
}

static const struct ktest_case heap_cases[] = {
    {"kheap_table_is_at_the_seed_address", kheap_table_is_at_the_seed_address},
    {"kmalloc_returns_blocks_inside_the_heap", kmalloc_returns_blocks_inside_the_heap},
    {"kmalloc_marks_the_table_at_0x7e00", kmalloc_marks_the_table_at_0x7e00},
    {"kzalloc_zeroes_every_block", kzalloc_zeroes_every_block},
    {"kfree_returns_every_block", kfree_returns_every_block},
    {"kmalloc_refuses_zero_and_huge_sizes", kmalloc_refuses_zero_and_huge_sizes},
};
KTEST_SUITE(heap_ktest, heap_cases);
