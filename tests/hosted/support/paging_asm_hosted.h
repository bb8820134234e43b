#ifndef PAGING_ASM_HOSTED_H
#define PAGING_ASM_HOSTED_H

#include <stddef.h>
#include <stdint.h>

/*
 * Recording stand-ins for the three routines of paging.asm. Instead of
 * touching CR3, CR0 or the TLB they count their calls and keep their last
 * argument, so tests can assert which flushes paging.c asked for.
 */
struct paging_asm_record
{
    size_t load_directory_calls;
    uint32_t* last_loaded_directory;
    size_t enable_paging_calls;
    size_t invalidate_calls;
    void* last_invalidated;
};

extern struct paging_asm_record paging_asm_record;

/* Forget every recorded call. */
void paging_asm_record_reset(void);

#endif
