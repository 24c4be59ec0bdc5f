/* Scheduler: per-CPU fixed-priority round robin with donation (sched.h). */
#include "sched.h"
#include <cairn/abi.h>
#include "arch.h"
#include "ec.h"
#include "percpu.h"
#include "regs.h"
#include "sc.h"
#include "sm.h"
#include "smp.h"

void sched_init_cpu(unsigned cpu)
{
    struct percpu *p = percpu_of(cpu);
    for (unsigned i = 0; i < PRIO_LEVELS; i++)
        list_init(&p->rq[i]);
}

static struct sc *sched_first(struct percpu *p)
{
    for (int w = 1; w >= 0; w--)
        if (p->prio_mask[w]) {
            unsigned prio = (unsigned)w * 64 + 63 - (unsigned)__builtin_clzll(p->prio_mask[w]);
            return container_of(p->rq[prio].next, struct sc, link);
        }
    return NULL;
}

void sched_ready(struct sc *sc)
{
    if (sc->queued || sc->throttled) /* a throttled SC returns at its refill */
        return;
    struct percpu *p = percpu_of(sc->cpu);
    list_add_tail(&p->rq[sc->prio], &sc->link);
    p->prio_mask[sc->prio / 64] |= 1ull << (sc->prio % 64);
    sc->queued = true;
    if (!p->cur_sc || sc->prio > p->cur_sc->prio) {
        p->attn |= CPU_ATTN_RESCHED;
        smp_kick(sc->cpu); /* another CPU's queue: make it look */
    }
}

void sched_remove(struct sc *sc)
{
    if (!sc->queued)
        return;
    struct percpu *p = percpu_of(sc->cpu);
    list_del(&sc->link);
    if (list_empty(&p->rq[sc->prio]))
        p->prio_mask[sc->prio / 64] &= ~(1ull << (sc->prio % 64));
    sc->queued = false;
}

void sched_forget(struct sc *sc)
{
    struct percpu *p = percpu_of(sc->cpu);
    struct sc *a = sc->throttled ? sc->acct : NULL;
    if (sc->queued)
        sched_remove(sc);
    else
        list_del(&sc->link); /* parked on an EC or throttled: or alone, a no-op */
    sc->throttled = false;
    if (!a || !list_empty(&a->waiting))
        return;
    /* an account is listed exactly while it has throttled SCs */
    for (struct sc **pp = &p->refills; *pp; pp = &(*pp)->refill_next)
        if (*pp == a) {
            *pp = a->refill_next;
            a->refill_next = NULL;
            break;
        }
}

/* The EC an SC runs: follow calls to the handler serving them. A caller
 * waiting for a busy handler helps it; once the handler is free, the
 * caller itself runs (and retries). */
static struct ec *sched_chain_end(struct ec *ec)
{
    while (ec->callee && !ec->callee->dead) {
        /* Free: run the caller, which retries. Moved to another CPU (it
         * was freed and called from there) and busy: it runs there, not
         * here; the caller retries and finds it so. */
        if (ec->wait_handler && (!ec->callee->caller || ec->callee->cpu != ec->cpu))
            break;
        ec = ec->callee;
    }
    return ec;
}

/* Budgets: an account gains its budget at each new period, up to the
 * budget itself; periods follow each other without gaps. What an SC ran
 * past its budget (the timer that should have stopped it came late, as
 * under emulation on a busy host) is a debt the next periods pay, so over
 * several periods the account gets its share and no more. */
static inline int64_t max_i64(int64_t a, int64_t b) { return a > b ? a : b; }

static void budget_refresh(struct sc *a, uint64_t now)
{
    if (now < a->refill)
        return;
    uint64_t k = (now - a->refill) / a->period + 1, missing = (uint64_t)((int64_t)a->budget - a->avail);
    a->refill += k * a->period;
    a->avail = k * a->budget >= missing ? (int64_t)a->budget : a->avail + (int64_t)(k * a->budget);
}

static void sched_account(struct percpu *p, uint64_t now)
{
    struct sc *sc = p->cur_sc;
    if (sc) {
        uint64_t used = now - p->sc_start;
        sc->consumed += used;
        sc->left = sc->left > used ? sc->left - used : 0;
        if (sc->acct) { /* a period that began meanwhile pays it all: never more than the budget */
            struct sc *a = sc->acct;
            budget_refresh(a, now);
            a->avail -= (int64_t)used;
            if (a->avail < -(int64_t)a->budget)
                a->avail = -(int64_t)a->budget;
        }
    }
    p->sc_start = now;
}

/* `sc`'s account is used up: off the run queue until the next period. */
static void sched_throttle(struct percpu *p, struct sc *sc)
{
    struct sc *a = sc->acct, **pp = &p->refills;
    bool listed = !list_empty(&a->waiting); /* then a is on p->refills already */
    sched_remove(sc);
    sc->throttled = true;
    list_add_tail(&a->waiting, &sc->link);
    if (listed)
        return;
    while (*pp && (*pp)->refill <= a->refill)
        pp = &(*pp)->refill_next;
    a->refill_next = *pp;
    *pp = a;
}

static void sched_switch_sc(struct percpu *p, struct sc *sc)
{
    uint64_t now = arch_time(), deadline = 0;
    sched_account(p, now);
    p->cur_sc = sc;
    if (sc) {
        deadline = now + sc->left;
        /* an SC sharing the account may have just used it up: then now */
        if (sc->acct && now + (uint64_t)max_i64(sc->acct->avail, 0) < deadline)
            deadline = now + (uint64_t)max_i64(sc->acct->avail, 0);
    }
    if (p->timeouts && (!deadline || p->timeouts->deadline < deadline))
        deadline = p->timeouts->deadline;
    if (p->refills && (!deadline || p->refills->refill < deadline))
        deadline = p->refills->refill;
    arch_timer_set(deadline);
}

_Noreturn void sched_dispatch_fresh(void);
_Noreturn void sched_dispatch_fresh(void)
{
    struct percpu *p = percpu();
    struct sc *sc;
    p->attn &= (uint8_t)~CPU_ATTN_RESCHED;
    while ((sc = sched_first(p))) {
        if (sc->acct) {
            struct sc *a = sc->acct;
            if (p->cur_sc == sc)
                sched_account(p, arch_time()); /* what it used so far counts */
            else
                budget_refresh(a, arch_time());
            if (a->avail <= 0) {
                sched_throttle(p, sc);
                continue;
            }
        }
        struct ec *ec = sched_chain_end(sc->ec);
        if (ec->dead) {
            sched_remove(sc); /* its thread died: the SC is done */
            continue;
        }
        if (ec->blocked) {
            sched_remove(sc);
            list_add_tail(&ec->parked, &sc->link);
            continue;
        }
        if (p->cur_sc != sc)
            sched_switch_sc(p, sc);
        ec_arch_switch(ec);
        ec->cont(ec);
    }
    sched_switch_sc(p, NULL);
    cpu_arch_idle();
}

_Noreturn void sched_timer(void)
{
    struct percpu *p = percpu();
    uint64_t now = arch_time();
    sched_account(p, now);
    struct sc *sc = p->cur_sc;
    if (sc && !sc->left) {
        sc->left = sc->quantum;
        if (sc->queued) {
            sched_remove(sc);
            sched_ready(sc);
        }
    }
    while (p->refills && p->refills->refill <= now) { /* new periods */
        struct sc *a = p->refills;
        p->refills = a->refill_next;
        a->refill_next = NULL;
        budget_refresh(a, now);
        while (!list_empty(&a->waiting)) {
            struct sc *t = container_of(a->waiting.next, struct sc, link);
            list_del(&t->link);
            t->throttled = false;
            sched_ready(t);
        }
    }
    while (p->timeouts && p->timeouts->deadline <= now) {
        struct ec *ec = p->timeouts;
        timeout_del(ec);
        if (ec->retry_sleep) { /* ipc_wait: retry the call, status untouched */
            ec->retry_sleep = false;
            ec->blocked = false;
            sched_unpark(ec);
            continue;
        }
        sm_cancel(ec);
        sched_wake(ec, CAIRN_ETIMEOUT);
    }
    p->cur_sc = NULL; /* re-arm the timer on dispatch */
    sched_dispatch();
}

_Noreturn void sched_block(struct ec *ec)
{
    ec->blocked = true;
    sched_dispatch();
}

void sched_wake(struct ec *ec, int status)
{
    ec->blocked = false;
    SYS_STATUS(&ec->regs, (uint64_t)status);
    sched_unpark(ec);
}

void sched_unpark(struct ec *ec)
{
    while (!list_empty(&ec->parked)) {
        struct sc *sc = container_of(ec->parked.next, struct sc, link);
        list_del(&sc->link);
        sched_ready(sc);
    }
}

void timeout_add(struct ec *ec, uint64_t deadline)
{
    struct ec **pp = &percpu_of(ec->cpu)->timeouts;
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->to_next;
    ec->deadline = deadline;
    ec->to_next = *pp;
    *pp = ec;
}

void timeout_del(struct ec *ec)
{
    if (!ec->deadline)
        return;
    struct ec **pp = &percpu_of(ec->cpu)->timeouts;
    while (*pp && *pp != ec)
        pp = &(*pp)->to_next;
    if (*pp)
        *pp = ec->to_next;
    ec->deadline = 0;
    ec->to_next = NULL;
}
