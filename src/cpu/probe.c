/* Recovery from faults at the two instructions in probe.asm. */
#include "probe.h"
#include "trapframe.h"

extern const char probe_read32_access[], probe_read32_recover[];
extern const char probe_write32_access[], probe_write32_recover[];

/**
 * probe_fixup - send a fault at a probe's access instruction to its recovery path.
 * @frame: the faulting context; its EIP is changed when it was a probe's
 *
 * Return: 1 when frame was a probe's fault and now resumes at its recovery
 * path, else 0.
 * Context: the page-fault handler.
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
