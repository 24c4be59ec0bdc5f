/* Scheduling context (SC). */
#include "sc.h"
#include <cairn/abi.h>
#include "arch.h"
#include "ec.h"
#include "percpu.h"
#include "sched.h"
#include "slab.h"

static struct slab_cache sc_cache;

int sc_create(struct sc **out, struct ec *ec, unsigned prio, uint64_t quantum)
{
    if (!sc_cache.size)
        slab_init(&sc_cache, sizeof(struct sc), "sc");
    struct sc *sc = slab_alloc(&sc_cache);
    if (!sc)
        return CAIRN_ENOMEM;
    *sc = (struct sc){ .k = { KOBJ_SC }, .cpu = ec->cpu, .prio = prio, .ec = ec,
                       .quantum = quantum, .left = quantum };
    list_init(&sc->link);
    list_init(&sc->waiting);
    ec->sc = sc;
    kobj_get(&ec->k);
    sched_ready(sc);
    *out = sc;
    return CAIRN_OK;
}

void sc_set_budget(struct sc *sc, uint64_t budget, uint64_t period)
{
    sc->acct = sc;
    sc->budget = budget;
    sc->period = period;
    sc->avail = (int64_t)budget;
    sc->refill = arch_time() + period;
}

uint64_t sc_consumed(struct sc *sc)
{
    struct percpu *p = percpu_of(sc->cpu);
    uint64_t t = sc->consumed;
    if (p->cur_sc == sc)
        t += arch_time() - p->sc_start;
    return t;
}

void sc_share(struct sc *sc, struct sc *a)
{
    sc->acct = a;
    kobj_get(&a->k);
}

bool sc_destroy(struct sc *sc)
{
    if (!sc->ec->dead)
        return false;
    /* a handler still serving the dead EC's call runs on this SC until
     * it replies */
    if (sc->ec->callee && sc->ec->callee->caller == sc->ec)
        return false;
    for (unsigned i = 0; i < cpu_count; i++)
        if (percpu_of(i)->cur_sc == sc)
            return false;
    sched_forget(sc);
    if (sc->acct && sc->acct != sc)
        kobj_put(&sc->acct->k);
    if (sc->ec->sc == sc)
        sc->ec->sc = NULL;
    kobj_put(&sc->ec->k);
    slab_free(&sc_cache, sc);
    return true;
}
