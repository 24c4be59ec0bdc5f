/* TLB flushes after a PD's mappings shrank (x86_64). */
#include "arch.h"
#include "cpu.h"
#include "paging.h"
#include "pd.h"
#include "smp.h"
#include "x86.h"

void pd_arch_flush(struct pd *pd, uint64_t va, uint64_t size)
{
    if (pd->vm) /* its vCPUs flush their guest TLB before they run on */
        __atomic_add_fetch(&pd->tlb_gen, 1, __ATOMIC_RELEASE);
    if (cpu_count > 1)
        smp_tlb_shootdown(); /* the PD may be loaded on another CPU (or its guest run there) */
    if (cpu_this()->space != pd)
        return; /* a PD not loaded here has no TLB entries here (no PCID) */
    if (size > 64 * PAGE_SIZE) {
        write_cr3(pd->cr3);
        return;
    }
    for (uint64_t a = va; a < va + size; a += PAGE_SIZE)
        invlpg(a);
}
