/* The hosted stand-ins for paging.asm: record, never touch the CPU. */
#include "paging_asm_hosted.h"
#include "memory/paging/paging.h"

#include <string.h>

struct paging_asm_record paging_asm_record;

void paging_asm_record_reset(void)
{
    memset(&paging_asm_record, 0, sizeof(paging_asm_record));
}

void paging_load_directory(uint32_t* directory)
{
    paging_asm_record.load_directory_calls++;
    paging_asm_record.last_loaded_directory = directory;
}

void enable_paging(void)
{
    paging_asm_record.enable_paging_calls++;
}

void paging_invalidate_tlb_entry(void* virt)
{
    paging_asm_record.invalidate_calls++;
    paging_asm_record.last_invalidated = virt;
}
