/* Recovery from faults at the two instructions in probe.asm. */
#include "probe.h"
#include "trapframe.h"

extern const char probe_read32_access[], probe_read32_recover[];
extern const char probe_write32_access[], probe_write32_recover[];

/*
 * probe_fixup - if frame is a fault at a probe's access instruction,
 * redirect it to the probe's recovery path and return 1; else return 0.
 */
int probe_fixup(struct trapframe* frame)
{
    if (frame->eip == (uint32_t)probe_read32_access) {
        frame->eip = (uint32_t)probe_read32_recover;
        return 1;
    }
    if (frame->eip == (uint32_t)probe_write32_access) {
        frame->eip = (uint32_t)probe_write32_recover;
        return 1;
    }
    return 0;
}
