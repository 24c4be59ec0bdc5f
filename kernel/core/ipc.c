/*
 * IPC: call, reply and events through portals.
 *
 * call(pt) switches straight to the portal's handler EC on the caller's
 * SC (donation, no scheduler decision); reply switches straight back. A
 * handler serves callers on any CPU, moving to the caller's CPU when free.
 * An event (fault, exception, recall) is a call the kernel makes on
 * behalf of the EC, carrying architectural state instead of a message.
 *
 * The Makefile compiles this file with every register caller-saved: no
 * function that code outside it calls may return (exports and the
 * continuations given to ec->cont are _Noreturn).
 */
#include "ipc.h"
#include <cairn/abi.h>
#include <cairn/utcb.h>
#include "arch.h"
#include "console.h"
#include "ec.h"
#include "ec_arch.h"
#include "pd.h"
#include "pt.h"
#include "sched.h"
#include "space.h"
#include "string.h"
#include "why.h"

/* A message is untyped words followed by typed items, inside mr[]. */
static int ipc_msg_ok(unsigned untyped, unsigned typed)
{
    return untyped + 2u * typed <= CAIRN_UTCB_MR;
}

static uint64_t ipc_window(const struct cairn_utcb *u, unsigned type)
{
    switch (type) {
    case CAIRN_CRD_MEM: return u->rcv_mem;
    case CAIRN_CRD_IO:  return u->rcv_io;
    case CAIRN_CRD_OBJ: return u->rcv_obj;
    default:            return 0;
    }
}

/* Delegate each typed item into dst's receive window; the receiver finds
 * the CRD it got (0 where the item could not be delegated). */
static void ipc_transfer_typed(struct ec *src, struct ec *dst, unsigned untyped, unsigned typed)
{
    struct cairn_utcb *s = src->utcb, *d = dst->utcb;
    for (unsigned i = 0; i < typed; i++) {
        uint64_t crd = s->mr[untyped + 2 * i], off = s->mr[untyped + 2 * i + 1], got = 0;
        uint64_t win = ipc_window(d, CAIRN_CRD_TYPE(crd));
        if (win && CAIRN_CRD_TYPE(win) == CAIRN_CRD_TYPE(crd))
            space_delegate(src->pd, dst->pd, crd, CAIRN_CRD_BASE(win) + off, false, win, &got);
        d->mr[untyped + 2 * i] = got;
        d->mr[untyped + 2 * i + 1] = off;
    }
}

/* The UTCB's untyped and typed counts as one word: untyped | typed << 16. */
_Static_assert(offsetof(struct cairn_utcb, untyped) == 0 && offsetof(struct cairn_utcb, typed) == 2,
               "cairn/utcb.h");
static inline uint32_t ipc_counts(const struct cairn_utcb *u)
{
    uint32_t w;
    __builtin_memcpy(&w, u, sizeof w);
    return w;
}

/* A message with typed items: check, copy, delegate. */
static __attribute__((noinline)) bool ipc_transfer_items(struct ec *src, struct ec *dst, uint32_t counts)
{
    unsigned untyped = counts & 0xffff, typed = counts >> 16;
    struct cairn_utcb *s = src->utcb, *d = dst->utcb;
    if (!ipc_msg_ok(untyped, typed))
        return false;
    for (unsigned i = 0; i < untyped; i++)
        d->mr[i] = s->mr[i];
    ipc_transfer_typed(src, dst, untyped, typed);
    d->untyped = (uint16_t)untyped;
    d->typed = (uint16_t)typed;
    return true;
}

/* Copy the message of `src` to `dst`: untyped words, then typed items;
 * false (and nothing copied) if it does not fit. A message of untyped
 * words only, the common case, takes one compare to check. */
static inline __attribute__((always_inline)) bool ipc_transfer(struct ec *src, struct ec *dst)
{
    struct cairn_utcb *s = src->utcb, *d = dst->utcb;
    uint32_t counts = ipc_counts(s);
    if (unlikely(counts > CAIRN_UTCB_MR))
        return ipc_transfer_items(src, dst, counts);
    for (unsigned i = 0; i < counts; i++)
        d->mr[i] = s->mr[i];
    __builtin_memcpy(d, &counts, sizeof counts); /* untyped, and typed 0 */
    return true;
}

/* A free handler runs where its caller runs: it has no SC of its own
 * and keeps no state between calls, so it moves to the caller's CPU
 * (its FPU registers, if another CPU holds them, are saved there first).
 * A handler busy on another CPU cannot be helped from here: the caller
 * retries until it is free (sched_chain_end does not cross CPUs). */
static __attribute__((noinline, cold)) void ipc_follow(struct ec *h, unsigned cpu)
{
    arch_ec_leave_cpu(h);
    h->cpu = cpu;
}

/* Make `h` serve `caller` (which waits for no busy handler: ipc_wait's
 * continuations cleared wait_handler before they called again) ... */
static inline __attribute__((always_inline)) void ipc_link(struct ec *caller, struct ec *h)
{
    h->caller = caller;
    caller->callee = h;
}

/* ... and run it from the portal's entry. */
static inline __attribute__((always_inline)) _Noreturn void ipc_go(struct ec *h, struct pt *pt)
{
    ec_arch_switch(h);
    ec_ret_handler(h, pt->ip, pt->badge);
}

static inline __attribute__((always_inline)) _Noreturn void ipc_enter(struct ec *caller, struct ec *h, struct pt *pt)
{
    ipc_link(caller, h);
    ipc_go(h, pt);
}

/* Does waiting for `h` wait for `ec` itself? */
static int ipc_would_deadlock(struct ec *ec, struct ec *h)
{
    for (struct ec *e = h; e; e = e->callee)
        if (e == ec)
            return 1;
    return 0;
}

/* Ticks a caller sleeps before it looks again at a handler busy on
 * another CPU (about 20 us at 2.5 GHz). */
#define IPC_RETRY_TICKS 50000u

/* `h` is busy: wait for it, lending our SC to its current call. A
 * handler busy on another CPU cannot take our SC: sleep briefly and try
 * again (leaving the kernel, and its lock, to the CPU that runs it). */
static _Noreturn void ipc_wait(struct ec *ec, struct ec *h, void (*retry)(struct ec *))
{
    ec->cont = retry;
    if (h->cpu != ec->cpu) {
        ec->retry_sleep = true;
        ec->blocked = true;
        timeout_add(ec, arch_time() + IPC_RETRY_TICKS);
        sched_dispatch();
    }
    ec->wait_handler = true;
    ec->callee = h;
    sched_dispatch();
}

static _Noreturn void ipc_call(struct ec *ec, uint64_t sel);

static _Noreturn void ipc_call_retry(struct ec *ec)
{
    ec->wait_handler = false;
    ec->callee = NULL;
    ec->cont = ec_cont_user;
    ipc_call(ec, ec->call_pt);
}

/* The call finds the handler busy, or on another CPU: wait, or move it. */
static __attribute__((noinline, cold)) void ipc_call_slow(struct ec *ec, struct ec *h, uint64_t sel)
{
    if (!h->caller) {
        ipc_follow(h, ec->cpu);
        return;
    }
    if (ipc_would_deadlock(ec, h))
        ec_sys_ret(ec, CAIRN_EDEADLK);
    ec->call_pt = sel;
    ipc_wait(ec, h, ipc_call_retry);
}

/* The selector names no portal we may call: say why. */
static __attribute__((noinline, cold)) _Noreturn void ipc_call_refused(struct ec *ec, uint64_t sel)
{
    int st = CAIRN_ECAP; /* pd_cap sets it: the lookup fails again */
    pd_cap(ec->pd, sel, KOBJ_PT, CAIRN_R_PT_CALL, &st);
    if (why_on)
        why_log(ec, st, "portal capability 0x%lx", sel);
    ec_sys_ret(ec, st);
}

static inline __attribute__((always_inline)) _Noreturn void ipc_call(struct ec *ec, uint64_t sel)
{
    struct pt *pt = (struct pt *)pd_cap_find(ec->pd, sel, KOBJ_PT, CAIRN_R_PT_CALL);
    if (unlikely(!pt))
        ipc_call_refused(ec, sel);
    struct ec *h = pt->ec;
    if (unlikely(h->dead))
        ec_sys_ret(ec, CAIRN_EABORT);
    if (unlikely(h->caller != NULL || h->cpu != ec->cpu))
        ipc_call_slow(ec, h, sel);
    if (unlikely(!ipc_transfer(ec, h)))
        ec_sys_ret(ec, CAIRN_EPAR);
    ipc_enter(ec, h, pt);
}

/* The call of `c` that `h` served is over; a caller killed while it
 * waited, or by its event's state, goes no further. */
static inline __attribute__((always_inline)) void ipc_unlink(struct ec *h, struct ec *c)
{
    h->caller = NULL;
    c->callee = NULL;
    if (unlikely(c->dead))
        sched_dispatch();
}

static inline __attribute__((always_inline)) _Noreturn void ipc_reply(struct ec *h, uint64_t mtd)
{
    struct ec *c = h->caller;
    if (unlikely(!c)) {
        if (why_on)
            why_log(h, CAIRN_EPAR, "no call to reply to");
        ec_sys_ret(h, CAIRN_EPAR);
    }
    if (c->in_event) {
        /* what is checked before it is applied is read once, from a copy;
         * the rest (most replies: GPRs and RIP) straight from the UTCB */
        const struct cairn_exc *x = (const struct cairn_exc *)h->utcb->mr;
        struct {
            struct cairn_exc x;
            uint8_t fpu[CAIRN_EXC_FPU_SIZE]; /* MTD_FPU: after the record */
        } copy;
        if (mtd & ec_arch_mtd_checked(c)) {
            copy.x = *x;
            if (mtd & CAIRN_MTD_FPU)
                memcpy(copy.fpu, x + 1, sizeof(copy.fpu));
            x = &copy.x;
        }
        if (ec_arch_set_state(c, x, mtd) != CAIRN_OK)
            pd_kill(c->pd, "EC %p: handler replied with an invalid state (rip=%lx rsp=%lx)",
                    (void *)c, x->rip, x->rsp);
        c->in_event = false;
        ipc_unlink(h, c);
        ec_arch_event_resume(c); /* a vCPU goes on in its run loop */
        ec_arch_switch(c);
        ec_ret_user(c);
    }
    if (unlikely(c->dead))
        ipc_unlink(h, c); /* and on to another EC */
    if (unlikely(!ipc_transfer(h, c)))
        ec_sys_ret(h, CAIRN_EPAR);
    SYS_STATUS(&c->regs, CAIRN_OK);
    h->caller = NULL;
    c->callee = NULL;
    ec_arch_switch(c);
    ec_ret_syscall(c); /* it blocked in its call: it entered by syscall */
}

_Noreturn void sys_call(struct ec *ec, struct regs *r)
{
    ipc_call(ec, SYS_A1(r));
}

_Noreturn void sys_reply(struct ec *h, struct regs *r)
{
    ipc_reply(h, SYS_A1(r));
}

_Noreturn void sys_ipc_call(struct ec *ec, uint64_t sel)
{
    ipc_call(ec, sel);
}

_Noreturn void sys_ipc_reply(struct ec *h, uint64_t mtd)
{
    ipc_reply(h, mtd);
}

/* ---- events ---------------------------------------------------------------- */

static _Noreturn void ec_event_retry(struct ec *ec)
{
    ec->wait_handler = false;
    ec->callee = NULL;
    ec->cont = ec_cont_user;
    ec_event(ec, ec->event);
}

static _Noreturn void ec_event_fail(struct ec *ec, unsigned evt, const char *why)
{
    if (evt == ec_recall_event(ec))
        ec_ret_user(ec); /* nobody listens for recalls: drop it */
    pd_kill(ec->pd, "EC %p %s at rip=%lx addr=%lx err=%lx: %s", (void *)ec,
            ec_arch_event_name(ec, evt), ec_arch_ip(ec), ec->qual[1], ec->qual[0], why);
    sched_dispatch();
}

_Noreturn void ec_event(struct ec *ec, unsigned evt)
{
    ec->event = evt;
    struct pt *pt = (struct pt *)pd_cap_find(ec->pd, ec->evt_base + evt, KOBJ_PT, 0);
    if (!pt)
        ec_event_fail(ec, evt, "no handler");
    struct ec *h = pt->ec;
    if (h->dead)
        ec_event_fail(ec, evt, "handler is dead");
    if (h->cpu != ec->cpu && !h->caller)
        ipc_follow(h, ec->cpu);
    if (h->caller) {
        if (ipc_would_deadlock(ec, h))
            ec_event_fail(ec, evt, "handler waits for the faulting EC");
        ipc_wait(ec, h, ec_event_retry);
    }
    struct cairn_utcb *u = h->utcb;
    u->untyped = sizeof(struct cairn_exc) / 8;
    u->typed = 0;
    ec->in_event = true;
    ipc_link(ec, h);
    ec_arch_get_state(ec, (struct cairn_exc *)u->mr, pt->mtd); /* last: little to keep across it */
    ipc_go(h, pt);
}
