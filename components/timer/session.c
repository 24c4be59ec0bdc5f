/*
 * timer: the entrypoint. Badge 0 is the service portal (the parent asks
 * it for sessions); badge i + 1 is the portal of session i.
 *
 * A received capability lands in `timer_inbox`. The first semaphore a
 * session sends stays there and becomes the session's; the inbox moves
 * on to the next selector of a pool with one per session (cairn/rpc.h).
 * Later items are dropped.
 */
#include "timer.h"

#include <cairn/cpu.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/time.h>
#include <cairn/timer.h>

#define TIMER_LABEL 192

_Static_assert(TIMER_MAX_SESSIONS == 64, "selector blocks below are sized for 64 sessions");

static struct cairn_ec timer_ep;
static uint64_t timer_pt_base;  /* portal selectors, one per session  */
static uint64_t timer_sm_pool;  /* inbox selectors: one per session + a spare */
static unsigned timer_sm_used;  /* pool selectors handed out as inboxes so far */
static uint64_t timer_sm_free[TIMER_MAX_SESSIONS]; /* given back by closed sessions */
static unsigned timer_sm_nfree;

/* The next inbox: at most TIMER_MAX_SESSIONS selectors hold a session's
 * semaphore, so a spare of the pool is always left. */
static uint64_t timer_sm_next(void)
{
    return timer_sm_nfree ? timer_sm_free[--timer_sm_nfree] : timer_sm_pool + ++timer_sm_used;
}

static struct cairn_inbox timer_inbox = { .fresh = timer_sm_next };

/* CAIRN_SERVICE_CREATE: label, args -> id, session portal. */
static void timer_create(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                         struct cairn_utcb *u)
{
    char label[TIMER_LABEL], args[TIMER_LABEL];
    struct cairn_msg out;
    unsigned i;

    if (cairn_msg_get_str(in, label, sizeof(label)) != CAIRN_OK ||
        cairn_msg_get_str(in, args, sizeof(args)) != CAIRN_OK) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    for (i = 0; i < TIMER_MAX_SESSIONS && timer_sessions[i].used; i++)
        ;
    if (i == TIMER_MAX_SESSIONS) {
        cairn_rpc_status(u, CAIRN_EQUOTA);
        return;
    }
    struct timer_session *s = &timer_sessions[i];
    uint64_t pt = timer_pt_base + i;
    uint64_t st = cairn_create_pt(pt, CAIRN_SEL_PD, timer_ep.ec, 0, (uintptr_t)cairn_portal_entry,
                                  i + 1);
    if (st != CAIRN_OK) {
        cairn_rpc_status(u, st);
        return;
    }
    *s = (struct timer_session){ .used = true, .pt = pt };
    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, i + 1); /* its id for CAIRN_SERVICE_CLOSE */
    cairn_msg_item(&out, CAIRN_CRD(CAIRN_CRD_OBJ, pt, 0, CAIRN_R_PT_CALL), 0);
}

/* CAIRN_SERVICE_CLOSE: id. Once disarmed, the timer's worker no longer
 * touches the session; its portal and semaphore go, with every copy. */
static void timer_close(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                        struct cairn_utcb *u)
{
    uint64_t id = cairn_msg_get(in);

    if (in->bad || !id || id > TIMER_MAX_SESSIONS || !timer_sessions[id - 1].used) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    struct timer_session *s = &timer_sessions[id - 1];
    timer_disarm(s);
    cairn_revoke(CAIRN_SEL_PD, CAIRN_CRD(CAIRN_CRD_OBJ, s->pt, 0, 0), CAIRN_REV_F_SELF);
    if (s->sm) {
        cairn_revoke(CAIRN_SEL_PD, CAIRN_CRD(CAIRN_CRD_OBJ, s->sm, 0, 0), CAIRN_REV_F_SELF);
        timer_sm_free[timer_sm_nfree++] = s->sm;
    }
    *s = (struct timer_session){ 0 };
    cairn_rpc_status(u, CAIRN_OK);
}

/* ONESHOT / PERIODIC: us; optional typed item: the semaphore, kept as
 * the session's if it has none yet. */
static uint64_t timer_set(struct timer_session *s, bool periodic, struct cairn_msg *in,
                          const struct cairn_utcb *u)
{
    uint64_t us = cairn_msg_get(in);

    if (in->bad || us > CAIRN_TIMER_MAX_US || (periodic && !us))
        return CAIRN_EINVAL;
    if (!s->sm)
        s->sm = cairn_inbox_take(&timer_inbox, u);
    if (!s->sm)
        return CAIRN_EINVAL;
    timer_arm(s, cairn_deadline_us(us), periodic ? cairn_us_to_tsc(us) : 0);
    return CAIRN_OK;
}

static void timer_now(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                      struct cairn_utcb *u)
{
    struct cairn_msg out;

    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, timer_now_us());
}

static void timer_oneshot(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                          struct cairn_utcb *u)
{
    cairn_rpc_status(u, timer_set(&timer_sessions[badge - 1], false, in, u));
}

static void timer_periodic(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                           struct cairn_utcb *u)
{
    cairn_rpc_status(u, timer_set(&timer_sessions[badge - 1], true, in, u));
}

static void timer_stop(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                       struct cairn_utcb *u)
{
    timer_disarm(&timer_sessions[badge - 1]);
    cairn_rpc_status(u, CAIRN_OK);
}

static int timer_session_open(struct cairn_rpc_server *srv, uint64_t badge, uint64_t op)
{
    return badge <= TIMER_MAX_SESSIONS && timer_sessions[badge - 1].used;
}

static const cairn_rpc_fn timer_service_ops[] = { [CAIRN_SERVICE_CREATE] = timer_create,
                                                   [CAIRN_SERVICE_CLOSE] = timer_close };
static const cairn_rpc_fn timer_session_ops[] = { [CAIRN_TIMER_NOW] = timer_now,
                                                   [CAIRN_TIMER_ONESHOT] = timer_oneshot,
                                                   [CAIRN_TIMER_PERIODIC] = timer_periodic,
                                                   [CAIRN_TIMER_STOP] = timer_stop };
static struct cairn_rpc_server timer_service = { CAIRN_RPC_OPS(timer_service_ops) };
static struct cairn_rpc_server timer_session = { CAIRN_RPC_OPS(timer_session_ops),
                                                 .accept = timer_session_open };
static struct cairn_rpc_server *const timer_servers[] = { &timer_service, &timer_session };

/* Kind 0: the service portal (badge 0); kind 1: a session's (id + 1). */
static unsigned timer_kind(uint64_t badge) { return badge != 0; }

static struct cairn_rpc_ep timer_rpc = { timer_servers, 2, timer_kind, &timer_inbox };

static void timer_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    cairn_rpc_ep_serve(&timer_rpc, u, badge);
}

uint64_t timer_service_start(void)
{
    uint64_t st, service = cairn_sel_alloc(0);

    timer_pt_base = cairn_sel_alloc(6);
    timer_sm_pool = cairn_sel_alloc(7);
    timer_inbox.sel = timer_sm_pool;
    if (!service || !timer_pt_base || !timer_sm_pool)
        return CAIRN_ENOMEM;
    st = cairn_handler_start(&timer_ep, timer_serve, 0);
    if (st != CAIRN_OK)
        return st;
    ((struct cairn_utcb *)timer_ep.utcb)->rcv_obj = cairn_inbox_crd(&timer_inbox);
    st = cairn_create_pt(service, CAIRN_SEL_PD, timer_ep.ec, 0, (uintptr_t)cairn_portal_entry, 0);
    if (st != CAIRN_OK)
        return st;
    return cairn_announce("Timer", service);
}
