/*
 * Two-level x86 paging without PAE (docs/memory.md, "Paging").
 *
 * A directory of 1024 entries each points to a page table of 1024 entries,
 * each of which maps one 4 KiB page: bits 31-22 of a virtual address pick
 * the directory entry, bits 21-12 the table entry (Intel SDM vol. 3A, 4.3).
 *
 * The kernel's directory (paging_new_4gb) owns all 1024 of its tables. A
 * process directory (paging_new_shared_4gb) starts as a copy of the
 * kernel's 1024 directory entries, so it shares the kernel's tables and
 * costs one page. The first change to a shared table copies it into a
 * table the directory owns; everything else stays shared. Page tables are
 * addressed through the identity map, so a table's physical address is its
 * pointer.
 *
 * No instruction here touches hardware: loading CR3 and flushing the TLB go
 * through the three assembly routines in paging.asm, which the hosted tests
 * replace.
 */
#include <limits.h>

#include "paging.h"
#include "memory/heap/kheap.h"
#include "memory/memory.h"
#include "status.h"

#define PAGING_FLAGS_MASK (PAGING_CACHE_DISABLED | PAGING_WRITE_THROUGH | PAGING_ACCESS_FROM_ALL | \
                           PAGING_IS_WRITEABLE | PAGING_IS_PRESENT)
#define PAGING_TABLE_BYTES (sizeof(uint32_t) * PAGING_TOTAL_ENTRIES_PER_TABLE)
/*
 * Bits 31-22 of an address index the directory, bits 21-12 the table:
 * paging_directory_index and paging_table_index divide rather than shift,
 * which is the same for unsigned numbers and what the prover can follow.
 */
#define PAGING_ADDRESS_LIMIT 0x100000000ull
#define PAGING_LARGE_PAGE_MASK 0xFFC00000u  /* the frame bits of a PS directory entry */

static struct paging_4gb_chunk* current_directory;

/*@
  // What paging_check_user_range and paging_copy_string_from_user are proved
  // to check (docs/proofs.md, "User pointers").

  // The page table a directory entry points to. Tables are identity-mapped,
  // so the physical address in the entry's top 20 bits is also its pointer.
  logic uint32_t* paging_table_of(uint32_t entry) = (uint32_t*)(uintptr_t)(entry & PAGING_ADDRESS_MASK);

  // An entry grants ring 3 a read (write != 0: a write) when it is present
  // and user-accessible (and writable).
  predicate paging_grants(integer entry, integer write) =
      (entry & PAGING_IS_PRESENT) != 0 && (entry & PAGING_ACCESS_FROM_ALL) != 0 &&
      (write != 0 ==> (entry & PAGING_IS_WRITEABLE) != 0);

  // Ring 3 may read (write) the byte at address a through directory: the
  // directory entry of a's page grants it, and so does the table entry,
  // unless the directory entry maps a whole 4 MiB page (PS), whose rights
  // are the directory entry's alone (Intel SDM vol. 3A, 4.6). The page
  // number a / 4096 is split into the directory index (its top 10 bits)
  // and the table index (its low 10 bits).
  predicate paging_user_may{L}(uint32_t* directory, integer a, integer write) =
      \let entry = directory[a / PAGING_PAGE_SIZE / PAGING_TOTAL_ENTRIES_PER_TABLE];
      paging_grants(entry, write) &&
      ((entry & PAGING_IS_4MB_PAGE) != 0 ||
       paging_grants(paging_table_of(entry)[a / PAGING_PAGE_SIZE % PAGING_TOTAL_ENTRIES_PER_TABLE], write));

  // Rights belong to pages: bytes on the same page share them. (Proved
  // like the code; it spares the provers that step in every goal.)
  lemma paging_user_may_same_page{L}: \forall uint32_t* directory, integer a, b, write;
      a / PAGING_PAGE_SIZE == b / PAGING_PAGE_SIZE ==>
      (paging_user_may(directory, a, write) <==> paging_user_may(directory, b, write));

  // Every byte of [start, start + size) lies below 4 GiB, and ring 3 may
  // read (write) it through directory.
  predicate paging_user_range{L}(uint32_t* directory, integer start, integer size, integer write) =
      start + size <= PAGING_ADDRESS_LIMIT &&
      \forall integer a; start <= a < start + size ==> paging_user_may(directory, a, write);

  // Assumed (docs/proofs.md): each present directory entry that is not a
  // 4 MiB page holds the address of a page table of 1024 entries that the
  // kernel can read at that address.
  predicate paging_tables_mapped{L}(uint32_t* directory) =
      \forall integer i; 0 <= i < PAGING_TOTAL_ENTRIES_PER_TABLE && (directory[i] & PAGING_IS_PRESENT) != 0 &&
          (directory[i] & PAGING_IS_4MB_PAGE) == 0 ==>
          \valid_read(paging_table_of(directory[i]) + (0 .. PAGING_TOTAL_ENTRIES_PER_TABLE - 1));
*/

/*@ assigns \nothing;
    ensures \result == paging_table_of(entry);
*/
static uint32_t* paging_entry_table(uint32_t entry)
{
    return (uint32_t*)(uintptr_t)(entry & PAGING_ADDRESS_MASK);
}

static uint32_t paging_table_entry_address(const void* table)
{
    return (uint32_t)(uintptr_t)table;
}

/* Hosted builds have 64-bit pointers; a paged address must still fit in 32 bits. */
/*@ assigns \nothing;
    ensures \result <==> start + bytes <= PAGING_ADDRESS_LIMIT;
*/
static bool paging_is_32bit_range(uintptr_t start, uint64_t bytes)
{
    /* Written so that no sum can wrap, even with 64-bit start and bytes. */
    uint64_t first = start;
    return first <= PAGING_ADDRESS_LIMIT && bytes <= PAGING_ADDRESS_LIMIT - first;
}

/**
 * paging_new_4gb - build a directory that identity-maps all 4 GiB.
 * @flags: the PAGING_* flags of every page
 *
 * Every table entry gets flags; every directory entry gets flags, write
 * access (the tables decide) and the owned bit. This costs 1024 tables
 * (4 MiB); the kernel's own directory is built with 4 MiB pages instead
 * (paging_create_kernel_directory).
 * Return: the new chunk, or NULL (nothing leaked) when the heap is short.
 */
struct paging_4gb_chunk* paging_new_4gb(uint32_t flags)
{
    struct paging_4gb_chunk* chunk = kzalloc(sizeof(struct paging_4gb_chunk));
    uint32_t* directory = kzalloc(PAGING_TABLE_BYTES);
    if (!chunk || !directory)
        goto fail;
    chunk->directory_entry = directory;

    uint32_t offset = 0;
    for (int i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++) {
        /* Every entry is written just below: zeroing the table first would double the work. */
        uint32_t* table = kmalloc(PAGING_TABLE_BYTES);
        if (!table)
            goto fail;
        for (int b = 0; b < PAGING_TOTAL_ENTRIES_PER_TABLE; b++)
            table[b] = (offset + (uint32_t)b * PAGING_PAGE_SIZE) | flags;
        offset += PAGING_REGION_SIZE;
        directory[i] = paging_table_entry_address(table) | flags | PAGING_IS_WRITEABLE | PAGING_TABLE_IS_OWNED;
        chunk->owned_tables++;
    }
    return chunk;

fail:
    if (chunk && directory) {
        paging_free_4gb(chunk);
        return NULL;
    }
    kfree(directory);
    kfree(chunk);
    return NULL;
}

/**
 * paging_new_shared_4gb - make chunk a directory that maps what kernel maps.
 * @chunk: the chunk to set up; its old directory, if any, is not freed
 * @kernel: the directory to copy, whose tables are shared
 *
 * The copy shares the kernel's tables: it costs one page, until paging_set
 * copies a table.
 * Return: 0, or -ENOMEM.
 */
int paging_new_shared_4gb(struct paging_4gb_chunk* chunk, const struct paging_4gb_chunk* kernel)
{
    uint32_t* directory = kmalloc(PAGING_TABLE_BYTES);
    if (!directory)
        return -ENOMEM;
    for (int i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++)
        directory[i] = kernel->directory_entry[i] & ~PAGING_TABLE_IS_OWNED;
    chunk->directory_entry = directory;
    chunk->owned_tables = 0;
    return 0;
}

/**
 * paging_release_4gb - free the directory of chunk and the tables it owns.
 * @chunk: the chunk; itself not freed. A chunk already released is left alone.
 *
 * Context: chunk's directory must not be the one loaded in CR3.
 */
void paging_release_4gb(struct paging_4gb_chunk* chunk)
{
    uint32_t* directory = chunk->directory_entry;
    if (!directory)
        return;
    for (int i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++) {
        if (directory[i] & PAGING_TABLE_IS_OWNED)
            kfree(paging_entry_table(directory[i]));
    }
    kfree(directory);
    chunk->directory_entry = NULL;
    chunk->owned_tables = 0;
    /* Forget it, so that no later paging_set reads the freed directory. */
    if (chunk == current_directory)
        current_directory = NULL;
}

/**
 * paging_free_4gb - free a chunk from paging_new_4gb: its tables, directory and itself.
 * @chunk: the chunk
 *
 * Context: chunk's directory must not be the one loaded in CR3.
 */
void paging_free_4gb(struct paging_4gb_chunk* chunk)
{
    paging_release_4gb(chunk);
    kfree(chunk);
}

/**
 * paging_4gb_chunk_get_directory - the page directory of chunk.
 * @chunk: the chunk
 *
 * Code outside paging.c reads the directory through this function.
 * Return: the directory's 1024 entries, the value CR3 takes to load it
 * (the identity map makes its physical address its pointer); NULL once
 * released.
 */
uint32_t* paging_4gb_chunk_get_directory(struct paging_4gb_chunk* chunk)
{
    return chunk->directory_entry;
}

/**
 * paging_switch - load the directory of chunk into CR3.
 * @chunk: the chunk to load
 *
 * The CPU drops every cached translation that is not global when CR3 is
 * written, so no invlpg is needed.
 */
void paging_switch(struct paging_4gb_chunk* chunk)
{
    paging_load_directory(chunk->directory_entry);
    current_directory = chunk;
}

/**
 * paging_current - the chunk last installed by paging_switch.
 *
 * Return: that chunk, or NULL before the first switch or once it was released.
 */
struct paging_4gb_chunk* paging_current(void)
{
    return current_directory;
}

/**
 * paging_is_aligned - whether address is on a page boundary.
 * @address: any address
 *
 * Return: true when address is a multiple of PAGING_PAGE_SIZE.
 */
bool paging_is_aligned(void* address)
{
    return ((uintptr_t)address % PAGING_PAGE_SIZE) == 0;
}

/**
 * paging_align_address - round an address up to a page boundary.
 * @ptr: any address
 *
 * One of the seed's helpers, kept for callers that compute mapping ranges.
 * Return: ptr itself when page-aligned, else the next page boundary; NULL
 * when that would pass the top of the address space.
 */
void* paging_align_address(void* ptr)
{
    uintptr_t address = (uintptr_t)ptr;
    if (address % PAGING_PAGE_SIZE == 0)
        return ptr;
    if (address > UINTPTR_MAX - PAGING_PAGE_SIZE)
        return NULL;
    return (void*)(address - address % PAGING_PAGE_SIZE + PAGING_PAGE_SIZE);
}

/**
 * paging_align_to_lower_page - round an address down to a page boundary.
 * @address: any address
 * Return: the start of the page that holds address.
 */
void* paging_align_to_lower_page(void* address)
{
    return (void*)((uintptr_t)address - (uintptr_t)address % PAGING_PAGE_SIZE);
}

/*@ assigns \nothing;
    ensures \result == virt / PAGING_PAGE_SIZE / PAGING_TOTAL_ENTRIES_PER_TABLE;
*/
static uint32_t paging_directory_index(uintptr_t virt)
{
    return (uint32_t)(virt / PAGING_PAGE_SIZE / PAGING_TOTAL_ENTRIES_PER_TABLE);
}

/*@ assigns \nothing;
    ensures \result == virt / PAGING_PAGE_SIZE % PAGING_TOTAL_ENTRIES_PER_TABLE;
*/
static uint32_t paging_table_index(uintptr_t virt)
{
    return (uint32_t)(virt / PAGING_PAGE_SIZE % PAGING_TOTAL_ENTRIES_PER_TABLE);
}

/*
 * The table entry that page index of the 4 MiB page a PS directory entry
 * maps would have: the same rights, the page's own frame.
 */
static uint32_t paging_large_page_entry(uint32_t directory_entry, uint32_t index)
{
    return ((directory_entry & PAGING_LARGE_PAGE_MASK) + index * PAGING_PAGE_SIZE) | (directory_entry & PAGING_FLAGS_MASK);
}

/* Does a directory or table entry let ring 3 read (write: and write) its pages? */
/*@ assigns \nothing;
    ensures \result <==> paging_grants(entry, write);
*/
static bool paging_grants_user(uint32_t entry, bool write)
{
    return (entry & PAGING_IS_PRESENT) && (entry & PAGING_ACCESS_FROM_ALL) && (!write || (entry & PAGING_IS_WRITEABLE));
}

/* The table the loaded directory uses for directory entry index, or NULL. */
static uint32_t* paging_loaded_table(uint32_t index)
{
    if (!current_directory || !current_directory->directory_entry)
        return NULL;
    return paging_entry_table(current_directory->directory_entry[index]);
}

/*
 * Return the table behind directory entry index, owned by chunk: a shared
 * table is copied first, and a 4 MiB page is split into a table of its
 * 1024 pages. NULL when the table cannot be allocated.
 */
static uint32_t* paging_owned_table(struct paging_4gb_chunk* chunk, uint32_t index)
{
    uint32_t* directory = chunk->directory_entry;
    uint32_t entry = directory[index];

    if (entry & PAGING_TABLE_IS_OWNED)
        return paging_entry_table(entry);

    uint32_t* table = kzalloc(PAGING_TABLE_BYTES);
    if (!table)
        return NULL;
    if ((entry & PAGING_IS_PRESENT) && (entry & PAGING_IS_4MB_PAGE)) {
        for (uint32_t i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++)
            table[i] = paging_large_page_entry(entry, i);
    } else if (entry & PAGING_IS_PRESENT) {
        memcpy(table, paging_entry_table(entry), PAGING_TABLE_BYTES);
    }
    directory[index] = paging_table_entry_address(table) | (entry & PAGING_FLAGS_MASK) | PAGING_IS_PRESENT |
                       PAGING_TABLE_IS_OWNED;
    chunk->owned_tables++;
    /* The whole 4 MiB region now translates through another table. */
    if (chunk == current_directory)
        paging_load_directory(directory);
    return table;
}

/**
 * paging_set - write entry as the table entry for the page at virt in chunk.
 * @chunk: the directory to change
 * @virt: the page, page-aligned and below 4 GiB
 * @entry: the table entry: a frame and its PAGING_* flags, or 0 (not present)
 *
 * A shared table is copied first, and a 4 MiB page split into a table.
 * The directory entry gains the user and write rights the entry asks for,
 * so the table entry alone decides. If the loaded directory translates
 * virt through the changed table, the stale translation is flushed.
 * Return: 0, -EINVARG for an unaligned or out-of-range virt, -ENOMEM.
 */
int paging_set(struct paging_4gb_chunk* chunk, void* virt, uint32_t entry)
{
    uintptr_t address = (uintptr_t)virt;
    if (!chunk || !paging_is_aligned(virt) || !paging_is_32bit_range(address, PAGING_PAGE_SIZE))
        return -EINVARG;

    uint32_t index = paging_directory_index(address);
    uint32_t* table = paging_owned_table(chunk, index);
    if (!table)
        return -ENOMEM;
    chunk->directory_entry[index] |= entry & (PAGING_ACCESS_FROM_ALL | PAGING_IS_WRITEABLE);
    table[paging_table_index(address)] = entry;
    /*
     * The CPU may have cached the old entry if the loaded directory reaches
     * virt through this table: because chunk is loaded, or because the
     * loaded directory shares the table (the kernel's, seen from a process).
     */
    if (paging_loaded_table(index) == table)
        paging_invalidate_tlb_entry(virt);
    return 0;
}

/**
 * paging_map - map the page at virt to the frame at phys with flags.
 * @chunk: the directory to change
 * @virt: the page, page-aligned and below 4 GiB
 * @phys: the frame, page-aligned and below 4 GiB
 * @flags: PAGING_* flags (paging.h) only
 *
 * Return: 0, -EINVARG, or -ENOMEM when a table copy cannot be allocated.
 */
int paging_map(struct paging_4gb_chunk* chunk, void* virt, void* phys, uint32_t flags)
{
    return paging_map_range(chunk, virt, phys, 1, flags);
}

/**
 * paging_map_range - map count pages from virt to the frames from phys.
 * @chunk: the directory to change
 * @virt: the first page, page-aligned
 * @phys: the first frame, page-aligned
 * @count: pages to map, at least 0; both ranges must end at or below 4 GiB
 * @flags: PAGING_* flags (paging.h) only
 *
 * Every argument is checked before anything is mapped; on -ENOMEM the
 * pages before the failing one stay mapped.
 * Return: 0, -EINVARG, or -ENOMEM.
 */
int paging_map_range(struct paging_4gb_chunk* chunk, void* virt, void* phys, int count, uint32_t flags)
{
    uint64_t bytes = (uint64_t)(count < 0 ? 0 : count) * PAGING_PAGE_SIZE;

    if (count < 0 || (flags & ~PAGING_FLAGS_MASK) != 0)
        return -EINVARG;
    if (!paging_is_aligned(virt) || !paging_is_aligned(phys))
        return -EINVARG;
    if (!paging_is_32bit_range((uintptr_t)virt, bytes) || !paging_is_32bit_range((uintptr_t)phys, bytes))
        return -EINVARG;

    uint32_t frame = (uint32_t)(uintptr_t)phys;
    for (int i = 0; i < count; i++) {
        void* page = (void*)((uintptr_t)virt + (size_t)i * PAGING_PAGE_SIZE);  /* virt may be NULL */
        int res = paging_set(chunk, page, (frame + (uint32_t)i * PAGING_PAGE_SIZE) | flags);
        if (res < 0)
            return res;
    }
    return 0;
}

/**
 * paging_map_to - map the frames [phys, phys_end) at virt onwards.
 * @chunk: the directory to change
 * @virt: the first page, page-aligned
 * @phys: the first frame, page-aligned
 * @phys_end: the end of the frames, page-aligned
 * @flags: PAGING_* flags (paging.h) only
 *
 * Return: as paging_map_range; -EINVARG also when phys_end is below phys
 * or not aligned.
 */
int paging_map_to(struct paging_4gb_chunk* chunk, void* virt, void* phys, void* phys_end, uint32_t flags)
{
    if ((uintptr_t)phys_end < (uintptr_t)phys || !paging_is_aligned(phys_end))
        return -EINVARG;
    uint64_t pages = ((uintptr_t)phys_end - (uintptr_t)phys) / PAGING_PAGE_SIZE;
    if (pages > PAGING_TOTAL_ENTRIES_PER_TABLE * PAGING_TOTAL_ENTRIES_PER_TABLE)
        return -EINVARG;
    return paging_map_range(chunk, virt, phys, (int)pages, flags);
}

/**
 * paging_unmap - make the page at virt not present.
 * @chunk: the directory to change
 * @virt: the page, page-aligned and below 4 GiB
 *
 * Return: as paging_set.
 */
int paging_unmap(struct paging_4gb_chunk* chunk, void* virt)
{
    return paging_set(chunk, virt, 0);
}

/**
 * paging_get - the table entry that maps virt.
 * @directory: a page directory
 * @virt: any address
 *
 * For a 4 MiB page, the entry its table would hold: the same rights, the
 * page's own frame.
 * Return: the entry (its flags in the low bits), or 0 when the directory
 * entry for virt is not present or virt is past 4 GiB.
 */
uint32_t paging_get(uint32_t* directory, void* virt)
{
    uintptr_t address = (uintptr_t)virt;
    if (!paging_is_32bit_range(address, 1))
        return 0;
    uint32_t directory_entry = directory[paging_directory_index(address)];
    if (!(directory_entry & PAGING_IS_PRESENT))
        return 0;
    if (directory_entry & PAGING_IS_4MB_PAGE)
        return paging_large_page_entry(directory_entry, paging_table_index(address));
    return paging_entry_table(directory_entry)[paging_table_index(address)];
}

/**
 * paging_get_physical_address - the physical address virt translates to.
 * @directory: a page directory
 * @virt: any address
 *
 * Vana never maps frame 0, so NULL is unambiguous.
 * Return: the address, offset within the page included; NULL when virt is
 * not mapped (directory or table entry not present).
 */
void* paging_get_physical_address(uint32_t* directory, void* virt)
{
    uint32_t entry = paging_get(directory, virt);
    if (!(entry & PAGING_IS_PRESENT))
        return NULL;
    return (void*)(uintptr_t)((entry & PAGING_ADDRESS_MASK) | ((uintptr_t)virt % PAGING_PAGE_SIZE));
}

/**
 * paging_check_user_range - may ring 3 read (or write) all of [virt, virt + size)?
 * @directory: the process's page directory
 * @virt: the range's first byte
 * @size: its length in bytes; 0 is always allowed
 * @write: whether ring 3 must also be able to write it
 *
 * Both levels (the directory entry alone for a 4 MiB page) must grant
 * present and user access, and write access when write is set.
 * Return: 0, or -EFAULT (also for a range that wraps past 4 GiB).
 *
 * Proved (docs/proofs.md): 0 exactly when every byte of the range is below
 * 4 GiB on a page that both levels grant, assuming that each present
 * directory entry that is not a 4 MiB page points to a readable page table.
 */
/*@ requires directory: \valid_read(directory + (0 .. PAGING_TOTAL_ENTRIES_PER_TABLE - 1));
    requires assumed_tables_mapped: paging_tables_mapped(directory);
    assigns \nothing;
    ensures result: \result == 0 || \result == -EFAULT;
    ensures user_range: \result == 0 <==> paging_user_range(directory, (uintptr_t)virt, size, write);
*/
int paging_check_user_range(uint32_t* directory, const void* virt, size_t size, bool write)
{
    uintptr_t start = (uintptr_t)virt;
    uint64_t end = (uint64_t)start + size;  /* 2^32 for a range that ends at the top */

    if (size == 0)
        return 0;
    if (!paging_is_32bit_range(start, size))
        return -EFAULT;
    /*@ loop invariant page % PAGING_PAGE_SIZE == 0 && start - start % PAGING_PAGE_SIZE <= page;
        loop invariant page < end + PAGING_PAGE_SIZE;
        loop invariant checked: \forall integer a; start <= a < page && a < end ==> paging_user_may(directory, a, write);
        loop assigns page;
        loop variant end - page;
    */
    for (uint64_t page = start - start % PAGING_PAGE_SIZE; page < end; page += PAGING_PAGE_SIZE) {
        uint32_t directory_entry = directory[paging_directory_index(page)];
        /* A 4 MiB page has no table: its directory entry alone decides. */
        bool granted = paging_grants_user(directory_entry, write) &&
                       ((directory_entry & PAGING_IS_4MB_PAGE) ||
                        paging_grants_user(paging_entry_table(directory_entry)[paging_table_index(page)], write));
        /* For the proof that -EFAULT is right: the range has a byte on this page. */
        //@ assert byte_on_page: \let a = \max(start, page); start <= a < end && a / PAGING_PAGE_SIZE == page / PAGING_PAGE_SIZE;
        if (!granted)
            return -EFAULT;
    }
    return 0;
}

/* May ring 3 read the byte at address (below 4 GiB) through directory? */
/*@ requires directory: \valid_read(directory + (0 .. PAGING_TOTAL_ENTRIES_PER_TABLE - 1));
    requires assumed_tables_mapped: paging_tables_mapped(directory);
    assigns \nothing;
    ensures \result ==> address < PAGING_ADDRESS_LIMIT && paging_user_may(directory, address, 0);
*/
static bool paging_user_may_read(uint32_t* directory, uint64_t address)
{
    return address < PAGING_ADDRESS_LIMIT &&
           paging_check_user_range(directory, (const void*)(uintptr_t)address, 1, false) == 0;
}

/**
 * paging_copy_string_from_user - copy a string from user memory.
 * @directory: the process's page directory
 * @user: the string's user address
 * @buffer: where the string goes, terminator included
 * @size: the bytes buffer holds, at most INT_MAX
 *
 * Copies the string at user into buffer[0, size), checking through
 * directory that ring 3 may read each page before reading from it.
 * Context: directory is loaded in CR3, so that the kernel reaches the
 * process's pages at their user addresses.
 * Return: the string's length, -EFAULT when it runs into memory ring 3 may
 * not read (or past 4 GiB), or -E2BIG when it has no terminator within
 * size bytes.
 *
 * Proved (docs/proofs.md): it reads only bytes that ring 3 may read, and a
 * length n means buffer[0, n] is a string of n bytes, all of them read
 * from [user, user + n] after the check.
 */
/*@ requires directory: \valid_read(directory + (0 .. PAGING_TOTAL_ENTRIES_PER_TABLE - 1));
    requires assumed_tables_mapped: paging_tables_mapped(directory);
    requires assumed_user_pages_readable: \forall integer a; 0 <= a < PAGING_ADDRESS_LIMIT &&
        paging_user_may(directory, a, 0) ==> \valid_read((char*)a);
    requires buffer: \valid(buffer + (0 .. size - 1));
    requires buffer_apart: \forall integer a; 0 <= a < PAGING_ADDRESS_LIMIT && paging_user_may(directory, a, 0) ==>
        \separated((char*)a, buffer + (0 .. size - 1));
    requires size <= INT_MAX;
    assigns buffer[0 .. size - 1];
    ensures result: \result == -EFAULT || \result == -E2BIG || 0 <= \result < size;
    ensures string: \result >= 0 ==> buffer[\result] == 0 && (\forall integer k; 0 <= k < \result ==> buffer[k] != 0);
    ensures checked: \result >= 0 ==> paging_user_range(directory, (uintptr_t)user, \result + 1, 0);
    ensures copied: \result >= 0 ==> \forall integer k; 0 <= k <= \result ==>
        buffer[k] == \old(*(char*)((uintptr_t)user + k));
*/
int paging_copy_string_from_user(uint32_t* directory, const void* user, char* buffer, size_t size)
{
    uintptr_t start = (uintptr_t)user;
    /*@ loop invariant 0 <= i <= size;
        loop invariant checked: paging_user_range(directory, start, i, 0);
        loop invariant last_checked: 0 < i ==> paging_user_may(directory, start + i - 1, 0);
        loop invariant string: \forall integer k; 0 <= k < i ==> buffer[k] != 0;
        loop invariant copied: \forall integer k; 0 <= k < i ==> buffer[k] == \at(*(char*)((uintptr_t)user + k), Pre);
        loop assigns i, buffer[0 .. size - 1];
        loop variant size - i;
    */
    for (size_t i = 0; i < size; i++) {
        uint64_t address = (uint64_t)start + i;  /* exact: 2^32 and above is past the top */
        /* At a new page: it must lie below 4 GiB, and ring 3 must be allowed to read it. */
        if ((i == 0 || address % PAGING_PAGE_SIZE == 0) && !paging_user_may_read(directory, address))
            return -EFAULT;
        //@ assert readable: address < PAGING_ADDRESS_LIMIT && paging_user_may(directory, address, 0);
        buffer[i] = *(const char*)(uintptr_t)address;
        //@ assert copied: \let k = i; buffer[k] == \at(*(char*)((uintptr_t)user + k), Pre);
        if (buffer[i] == '\0')
            return (int)i;
    }
    return -E2BIG;
}

/**
 * paging_share_unchanged_table - give back a table that no longer differs from the kernel's.
 * @chunk: a process's directory
 * @kernel: the kernel's directory, which chunk was copied from
 * @virt: any address in the 4 MiB region to look at
 *
 * If the table chunk owns for the region of virt has become identical to
 * kernel's table for that region (every user page in it was unmapped
 * again), free it and share kernel's table once more.
 * Return: 1 when the table was given back, 0 when there was nothing to do
 * (shared already, or still different), -EINVARG for virt past 4 GiB.
 */
int paging_share_unchanged_table(struct paging_4gb_chunk* chunk, const struct paging_4gb_chunk* kernel, void* virt)
{
    if (!paging_is_32bit_range((uintptr_t)virt, 1))
        return -EINVARG;
    uint32_t index = paging_directory_index((uintptr_t)virt);
    uint32_t entry = chunk->directory_entry[index];
    uint32_t kernel_entry = kernel->directory_entry[index];

    if (chunk == kernel || !(entry & PAGING_TABLE_IS_OWNED) || !(kernel_entry & PAGING_IS_PRESENT))
        return 0;
    const uint32_t* table = paging_entry_table(entry);
    for (uint32_t i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++) {
        uint32_t kernel_page = (kernel_entry & PAGING_IS_4MB_PAGE) ? paging_large_page_entry(kernel_entry, i)
                                                                  : paging_entry_table(kernel_entry)[i];
        /* The CPU sets the accessed and dirty bits in either copy as pages are used. */
        if ((table[i] ^ kernel_page) & ~(uint32_t)(PAGING_ACCESSED | PAGING_DIRTY))
            return 0;
    }
    chunk->directory_entry[index] = kernel_entry & ~PAGING_TABLE_IS_OWNED;
    chunk->owned_tables--;
    /*
     * The CPU also caches directory entries, and only a CR3 write (or an
     * invlpg of each page) drops them: do that before the old table's
     * memory can be handed out again (Intel SDM vol. 3A, 4.10.4.1).
     */
    if (chunk == current_directory)
        paging_load_directory(chunk->directory_entry);
    kfree(paging_entry_table(entry));
    return 1;
}

/**
 * paging_next_user_range - find the next run of user pages with the same rights.
 * @directory: the page directory to walk
 * @from: where to start looking; the page that holds it is the first looked at
 * @start: where the run's first address goes
 * @end: where the address just past the run goes
 * @flags: where the run's table-entry flags go
 *
 * Finds the first run of pages at or above from that ring 3 can reach
 * through directory, all with the same rights. Regions whose directory
 * entry grants ring 3 nothing are skipped whole.
 * Return: true with the run in [*start, *end) and its table-entry flags in
 * *flags, or false when there is none.
 */
bool paging_next_user_range(uint32_t* directory, uint64_t from, uint64_t* start, uint64_t* end, uint32_t* flags)
{
    const uint32_t user = PAGING_USER_READ;
    bool found = false;

    for (uint64_t page = from - from % PAGING_PAGE_SIZE; page < PAGING_ADDRESS_LIMIT; page += PAGING_PAGE_SIZE) {
        uint32_t directory_entry = directory[paging_directory_index((uintptr_t)page)];
        uint32_t entry = 0;
        if ((directory_entry & user) == user)
            entry = paging_get(directory, (void*)(uintptr_t)page) & PAGING_FLAGS_MASK;
        else if (!found)
            page += PAGING_REGION_SIZE - PAGING_PAGE_SIZE - page % PAGING_REGION_SIZE;  /* skip the region */

        bool reachable = (entry & user) == user;
        if (found && (!reachable || entry != *flags)) {
            *end = page;
            return true;
        }
        if (reachable && !found) {
            found = true;
            *start = page;
            *flags = entry;
        }
    }
    if (found)
        *end = PAGING_ADDRESS_LIMIT;
    return found;
}

/**
 * paging_owned_tables - how many page tables chunk owns (the measure of its cost).
 * @chunk: the chunk
 *
 * Kept as tables are copied and given back, so this walks nothing.
 * Return: the number of directory entries with PAGING_TABLE_IS_OWNED.
 */
size_t paging_owned_tables(const struct paging_4gb_chunk* chunk)
{
    return chunk->owned_tables;
}

static struct paging_4gb_chunk* kernel_directory;

/**
 * paging_create_kernel_directory - build the kernel's own directory.
 *
 * All 4 GiB identity-mapped, supervisor-only and writable, but page 0, which
 * is not present so that a NULL dereference faults instead of reading the
 * real-mode interrupt table. Every process directory starts as a copy of it.
 * The identity map is made of 4 MiB pages: 1,024 directory entries to
 * write instead of the million table entries of paging_new_4gb, and one
 * page of memory instead of 4 MiB. Only the first region gets a table, to
 * unmap page 0. Needs CR4.PSE, which enable_paging sets.
 * Return: 0, or -ENOMEM.
 * Context: once, at boot, after kheap_init.
 */
int paging_create_kernel_directory(void)
{
    kernel_directory = kzalloc(sizeof(struct paging_4gb_chunk));
    uint32_t* directory = kmalloc(PAGING_TABLE_BYTES);
    if (!kernel_directory || !directory) {
        kfree(directory);
        kfree(kernel_directory);
        kernel_directory = NULL;
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < PAGING_TOTAL_ENTRIES_PER_TABLE; i++)
        directory[i] = (uint32_t)(i * PAGING_REGION_SIZE) | PAGING_IS_PRESENT | PAGING_IS_WRITEABLE | PAGING_IS_4MB_PAGE;
    kernel_directory->directory_entry = directory;
    return paging_unmap(kernel_directory, 0);
}

/**
 * paging_give_tables - make chunk own a page table for every 4 MiB region of a range.
 * @chunk: the directory
 * @start: the range's first byte
 * @end: the address just past the range, above start
 *
 * Gives chunk a table of its own for every region that [start, end) overlaps, splitting 4 MiB pages and copying shared
 * tables, so that later paging_set calls there allocate nothing. The
 * kernel does this at boot for the regions whose pages it changes later:
 * a process directory copies the kernel's directory entries when it is
 * made, so a split that came after would not reach it.
 * Return: 0, -EINVARG for a range past 4 GiB, or -ENOMEM.
 */
int paging_give_tables(struct paging_4gb_chunk* chunk, void* start, void* end)
{
    uintptr_t first = (uintptr_t)start, last = (uintptr_t)end;
    if (last <= first || !paging_is_32bit_range(first, last - first))
        return -EINVARG;
    for (uint64_t region = first - first % PAGING_REGION_SIZE; region < last; region += PAGING_REGION_SIZE) {
        if (!paging_owned_table(chunk, paging_directory_index((uintptr_t)region)))
            return -ENOMEM;
    }
    return 0;
}

/**
 * paging_kernel_directory - the kernel's own directory.
 *
 * Return: the chunk paging_create_kernel_directory built; NULL before it.
 */
struct paging_4gb_chunk* paging_kernel_directory(void)
{
    return kernel_directory;
}
