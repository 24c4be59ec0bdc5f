/* Semaphore (SM). */
#include "sm.h"
#include <cairn/abi.h>
#include "ec.h"
#include "irq.h"
#include "sched.h"
#include "slab.h"

static struct slab_cache sm_cache;

int sm_create(struct sm **out, uint64_t count)
{
    if (!sm_cache.size)
        slab_init(&sm_cache, sizeof(struct sm), "sm");
    struct sm *sm = slab_alloc(&sm_cache);
    if (!sm)
        return CAIRN_ENOMEM;
    sm->k.type = KOBJ_SM;
    sm->gsi = -1;
    sm->count = count;
    list_init(&sm->waiters);
    *out = sm;
    return CAIRN_OK;
}

int sm_up(struct sm *sm)
{
    if (!list_empty(&sm->waiters)) {
        struct ec *ec = container_of(sm->waiters.next, struct ec, sm_link);
        sm_cancel(ec);
        timeout_del(ec);
        sched_wake(ec, CAIRN_OK);
        return CAIRN_OK;
    }
    if (sm->count == UINT64_MAX)
        return CAIRN_EPAR;
    sm->count++;
    return CAIRN_OK;
}

void sm_down(struct sm *sm, struct ec *ec, uint64_t deadline, int zero)
{
    irq_rearm(sm);
    if (sm->count) {
        sm->count = zero ? 0 : sm->count - 1;
        ec_sys_ret(ec, CAIRN_OK);
    }
    ec->sm = sm;
    list_add_tail(&sm->waiters, &ec->sm_link);
    if (deadline)
        timeout_add(ec, deadline);
    sched_block(ec);
}

void sm_cancel(struct ec *ec)
{
    if (ec->sm) {
        list_del(&ec->sm_link);
        ec->sm = NULL;
    }
}

void sm_destroy(struct sm *sm)
{
    while (!list_empty(&sm->waiters)) {
        struct ec *ec = container_of(sm->waiters.next, struct ec, sm_link);
        sm_cancel(ec);
        timeout_del(ec);
        sched_wake(ec, CAIRN_EABORT);
    }
    slab_free(&sm_cache, sm);
}
