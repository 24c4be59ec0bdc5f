/*
 * Threads and portal handlers made by the root task.
 */
#include <cairn/ec.h>

#include <cairn/mem.h>
#include <cairn/sel.h>
#include <cairn/sys.h>

static uintptr_t ec_utcb_next = CAIRN_UTCB_WINDOW;

uintptr_t cairn_utcb_va_alloc(void)
{
    uintptr_t va = ec_utcb_next;

    ec_utcb_next += CAIRN_PAGE_SIZE;
    return va;
}

/* Allocate the stack, write the start frame, share it with pd; returns
 * the initial stack pointer or 0. */
static uint64_t ec_stack_prepare(struct cairn_ec *e, uint64_t pd, void *fn, void *arg)
{
    e->stack_size = CAIRN_EC_STACK_PAGES * CAIRN_PAGE_SIZE;
    e->stack = (uintptr_t)cairn_page_alloc(CAIRN_EC_STACK_PAGES);
    if (!e->stack)
        return 0;
    e->pd = pd;
    e->utcb = cairn_utcb_va_alloc();

    uint64_t *frame = (uint64_t *)(e->stack + e->stack_size) - 4;
    frame[0] = (uintptr_t)fn;
    frame[1] = (uintptr_t)arg;
    frame[2] = e->utcb;
    frame[3] = 0;
    if (pd != CAIRN_ROOT_SEL_PD &&
        cairn_mem_share(pd, (void *)e->stack, e->stack_size, CAIRN_MEM_R | CAIRN_MEM_W,
                        e->stack) != CAIRN_OK)
        return 0;
    return (uintptr_t)frame;
}

static uint64_t ec_create(struct cairn_ec *e, uint64_t pd, uint64_t evt_base, void *fn,
                          void *arg, int global, unsigned cpu)
{
    uint64_t sp = ec_stack_prepare(e, pd, fn, arg);
    uint64_t ip = global ? (uintptr_t)cairn_thread_entry : 0;

    e->ec = cairn_sel_alloc(0);
    e->sc = 0;
    if (!sp || !e->ec)
        return CAIRN_ENOMEM;
    return cairn_create_ec(e->ec, pd, cpu, e->utcb, sp, evt_base, ip, global);
}

uint64_t cairn_thread_bind(struct cairn_ec *t, unsigned prio, unsigned quantum_us)
{
    uint64_t sc = cairn_sel_alloc(0);

    if (!sc)
        return CAIRN_ENOMEM;
    uint64_t st = cairn_create_sc(sc, t->pd, t->ec, prio, quantum_us);
    if (st == CAIRN_OK)
        t->sc = sc;
    return st;
}

uint64_t cairn_thread_create(struct cairn_ec *t, uint64_t pd, uint64_t evt_base,
                             cairn_thread_fn fn, void *arg, unsigned prio, unsigned quantum_us)
{
    return cairn_thread_create_cpu(t, 0, pd, evt_base, fn, arg, prio, quantum_us);
}

uint64_t cairn_thread_create_cpu(struct cairn_ec *t, unsigned cpu, uint64_t pd, uint64_t evt_base,
                                 cairn_thread_fn fn, void *arg, unsigned prio, unsigned quantum_us)
{
    uint64_t st = ec_create(t, pd, evt_base, (void *)fn, arg, 1, cpu);

    if (st != CAIRN_OK || !prio)
        return st;
    return cairn_thread_bind(t, prio, quantum_us);
}

uint64_t cairn_handler_create(struct cairn_ec *h, uint64_t pd, uint64_t evt_base,
                              cairn_handler_fn fn, void *arg)
{
    return ec_create(h, pd, evt_base, (void *)fn, arg, 0, 0);
}

uint64_t cairn_portal_create(uint64_t *pt, const struct cairn_ec *h, uint64_t mtd,
                             uint64_t badge, uint64_t ip)
{
    uint64_t sel = cairn_sel_alloc(0);

    if (!sel)
        return CAIRN_ENOMEM;
    uint64_t st = cairn_create_pt(sel, h->pd, h->ec, mtd, ip ? ip : (uintptr_t)cairn_portal_entry,
                                  badge);
    *pt = st == CAIRN_OK ? sel : 0;
    return st;
}
