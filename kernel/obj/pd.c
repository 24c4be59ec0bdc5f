/* Protection domain (PD). */
#include "pd.h"
#include <stdarg.h>
#include <cairn/abi.h>
#include "arch.h"
#include "console.h"
#include "ec.h"
#include "paging.h"
#include "percpu.h"
#include "smp.h"
#include "palloc.h"
#include "slab.h"
#include "space.h"

static struct slab_cache pd_cache;
struct pd pd_kernel_space = { .name = "kernel" };

uint64_t pd_kmem_size(unsigned cap_order)
{
    uint64_t top = ((1ull << cap_order) / CAP_LEAF_SLOTS + 1) * sizeof(void *);
    return sizeof(struct pd) + (top + 4095) / 4096 * 4096 + 4096;
}

int pd_create(struct pd **out, unsigned cap_order, uint64_t name, bool vm, struct pd *parent,
              uint64_t kmem)
{
    if (!pd_cache.size)
        slab_init(&pd_cache, sizeof(struct pd), "pd");
    struct pd *pd = slab_alloc(&pd_cache);
    if (!pd)
        return CAIRN_ENOMEM;
    int st = cap_space_init(&pd->caps, cap_order);
    if (st != CAIRN_OK) {
        slab_free(&pd_cache, pd);
        return st;
    }
    /* A VM's nested page table maps guest-physical memory only: no kernel half. */
    pd->pml4 = vm ? palloc_alloc(0) : paging_new_root();
    if (!pd->pml4) {
        slab_free(&pd_cache, pd); /* cap table leaks: out of memory anyway */
        return CAIRN_ENOMEM;
    }
    pd->cr3 = virt_to_phys(pd->pml4);
    pd->k.type = KOBJ_PD;
    pd->own.limit = kmem;
    pd->acct = !parent || kmem ? &pd->own : parent->acct;
    pd->vm = vm;
    if (vm) {
        static uint32_t next_asid;
        pd->asid = 1 + next_asid++ % 15; /* TLBs are flushed at every VMRUN here */
    }
    for (unsigned i = 0; i < 8; i++) {
        char c = (char)(name >> (8 * i));
        pd->name[i] = (c >= 0x20 && c < 0x7f) ? c : (c ? '?' : 0);
        if (!c)
            break;
    }
    *out = pd;
    return CAIRN_OK;
}

void pd_kill(struct pd *pd, const char *fmt, ...)
{
    if (pd->dead)
        return;
    pd->dead = true;
    va_list ap;
    kprintf("[kernel] killed PD '%s': ", pd->name);
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    for (struct ec *ec = pd->ecs; ec; ec = ec->pd_next)
        ec_kill(ec);
    space_revoke_all(pd);
    /* A CPU running one of its ECs stops now, not at its next tick, and
     * so lets go of the EC and the page table (kobj_reclaim waits for it). */
    for (unsigned i = 0; i < cpu_count; i++) {
        struct ec *cur = percpu_of(i)->cur;
        if (cur && cur->pd == pd)
            smp_kick(i);
    }
}

bool pd_destroy(struct pd *pd)
{
    if (pd_arch_in_use(pd))
        return false;
    pd->dead = true; /* it has no EC left: each held a reference */
    space_destroy(pd);
    if (pd->acct != &pd->own)
        pd_kmem_give(pd, pd->kmem_tables); /* its own account goes with it */
    slab_free(&pd_cache, pd);
    return true;
}
