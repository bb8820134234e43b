#ifndef PAGING_H
#define PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Page-directory and page-table entry flags (Intel SDM vol. 3A, 4.3). */
#define PAGING_CACHE_DISABLED 0b00010000
#define PAGING_WRITE_THROUGH 0b00001000
#define PAGING_ACCESS_FROM_ALL 0b00000100
#define PAGING_IS_WRITEABLE 0b00000010
#define PAGING_IS_PRESENT 0b00000001
/* Set by the CPU, never by Vana: the page was read (accessed) or written (dirty). */
#define PAGING_ACCESSED 0b00100000
#define PAGING_DIRTY 0b01000000

/*
 * Bit 9 is one of the three bits the CPU leaves to software. In a directory
 * entry Vana sets it when the directory owns the page table: the table was
 * allocated for this directory and is freed with it. A table without it is
 * shared with the kernel's directory and is copied before it is changed.
 */
#define PAGING_TABLE_IS_OWNED 0x200

/*
 * In a directory entry, PS (bit 7): the entry maps a whole 4 MiB page
 * itself, with no table below it (CR4.PSE; Intel SDM vol. 3A, 4.3). The
 * kernel's directory maps most of its identity map so; a table appears
 * only for a region where some page differs (paging_set splits the entry).
 */
#define PAGING_IS_4MB_PAGE 0x80

#define PAGING_TOTAL_ENTRIES_PER_TABLE 1024
#define PAGING_PAGE_SIZE 4096

/* What one directory entry maps: a table's 1024 pages, or one 4 MiB page. */
#define PAGING_REGION_SIZE ((uint64_t)PAGING_TOTAL_ENTRIES_PER_TABLE * PAGING_PAGE_SIZE)

/* The rights of a user page: ring 3 may read it (and write it). */
#define PAGING_USER_READ (PAGING_IS_PRESENT | PAGING_ACCESS_FROM_ALL)
#define PAGING_USER_READ_WRITE (PAGING_IS_PRESENT | PAGING_ACCESS_FROM_ALL | PAGING_IS_WRITEABLE)

/* The address bits of an entry; the low 12 bits are flags. */
#define PAGING_ADDRESS_MASK 0xFFFFF000

struct paging_4gb_chunk
{
    uint32_t* directory_entry; /* outside paging.c: paging_4gb_chunk_get_directory() */
    size_t owned_tables;       /* directory entries with PAGING_TABLE_IS_OWNED, kept as they change */
};

struct paging_4gb_chunk* paging_new_4gb(uint32_t flags);
void paging_free_4gb(struct paging_4gb_chunk* chunk);
int paging_new_shared_4gb(struct paging_4gb_chunk* chunk, const struct paging_4gb_chunk* kernel);
void paging_release_4gb(struct paging_4gb_chunk* chunk);
uint32_t* paging_4gb_chunk_get_directory(struct paging_4gb_chunk* chunk);
void paging_switch(struct paging_4gb_chunk* chunk);
struct paging_4gb_chunk* paging_current(void);
int paging_create_kernel_directory(void);
int paging_give_tables(struct paging_4gb_chunk* chunk, void* start, void* end);
struct paging_4gb_chunk* paging_kernel_directory(void);

bool paging_is_aligned(void* address);
void* paging_align_address(void* ptr);
void* paging_align_to_lower_page(void* address);

int paging_set(struct paging_4gb_chunk* chunk, void* virt, uint32_t entry);
int paging_map(struct paging_4gb_chunk* chunk, void* virt, void* phys, uint32_t flags);
int paging_map_range(struct paging_4gb_chunk* chunk, void* virt, void* phys, int count, uint32_t flags);
int paging_map_to(struct paging_4gb_chunk* chunk, void* virt, void* phys, void* phys_end, uint32_t flags);
int paging_unmap(struct paging_4gb_chunk* chunk, void* virt);

uint32_t paging_get(uint32_t* directory, void* virt);
void* paging_get_physical_address(uint32_t* directory, void* virt);
int paging_check_user_range(uint32_t* directory, const void* virt, size_t size, bool write);
int paging_copy_string_from_user(uint32_t* directory, const void* user, char* buffer, size_t size);
size_t paging_owned_tables(const struct paging_4gb_chunk* chunk);
int paging_share_unchanged_table(struct paging_4gb_chunk* chunk, const struct paging_4gb_chunk* kernel, void* virt);
bool paging_next_user_range(uint32_t* directory, uint64_t from, uint64_t* start, uint64_t* end, uint32_t* flags);

/* paging.asm (the hosted tests supply stand-ins) */
void paging_load_directory(uint32_t* directory);
void enable_paging(void);
void paging_invalidate_tlb_entry(void* virt);

#endif
