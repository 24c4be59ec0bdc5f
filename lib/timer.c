/*
 * Timer session, client side (cairn/timer.h).
 */
#include <cairn/timer.h>

#include <cairn/cpu.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/time.h>

uint64_t cairn_timer_open(struct cairn_timer *t)
{
    uint64_t st;

    t->sm_sent = 0;
    t->sm = cairn_sel_alloc(0);
    if (!t->sm)
        return CAIRN_ENOMEM;
    st = cairn_create_sm(t->sm, CAIRN_SEL_PD, 0);
    if (st == CAIRN_OK)
        st = cairn_session_u(cairn_utcb_self(), "Timer", "", &t->session);
    return st;
}

uint64_t cairn_timer_now_us(struct cairn_timer *t, uint64_t *us)
{
    struct cairn_utcb *u = cairn_utcb_self();
    struct cairn_msg m;

    cairn_msg_begin(&m, u, CAIRN_TIMER_NOW);
    uint64_t st = cairn_rpc_call(t->session, u);
    if (st == CAIRN_OK && u->untyped < 2)
        st = CAIRN_EINVAL;
    *us = st == CAIRN_OK ? u->mr[1] : 0;
    return st;
}

/* ONESHOT or PERIODIC; the semaphore travels along until the timer has it. */
static uint64_t timer_arm(struct cairn_timer *t, uint64_t op, uint64_t us)
{
    struct cairn_utcb *u = cairn_utcb_self();
    struct cairn_msg m;

    cairn_msg_begin(&m, u, op);
    cairn_msg_word(&m, us);
    if (!t->sm_sent)
        cairn_msg_item(&m, CAIRN_CRD(CAIRN_CRD_OBJ, t->sm, 0, CAIRN_R_SM_UP), 0);
    uint64_t st = cairn_rpc_call(t->session, u);
    if (st == CAIRN_OK)
        t->sm_sent = 1;
    return st;
}

uint64_t cairn_timer_oneshot(struct cairn_timer *t, uint64_t us)
{
    return timer_arm(t, CAIRN_TIMER_ONESHOT, us);
}

uint64_t cairn_timer_periodic(struct cairn_timer *t, uint64_t us)
{
    return timer_arm(t, CAIRN_TIMER_PERIODIC, us);
}

uint64_t cairn_timer_wait(struct cairn_timer *t)
{
    return cairn_sm_down(t->sm, 0);
}

/* An up left over from an earlier timeout ends a wait early: wait again
 * until the local TSC has passed the end (the timer's deadline, taken
 * after ours, is never earlier). */
uint64_t cairn_timer_sleep_us(struct cairn_timer *t, uint64_t us)
{
    uint64_t end = cairn_deadline_us(us);
    uint64_t st = cairn_timer_oneshot(t, us);

    while (st == CAIRN_OK && cairn_rdtsc() < end)
        st = cairn_timer_wait(t);
    return st;
}

uint64_t cairn_timer_stop(struct cairn_timer *t)
{
    struct cairn_utcb *u = cairn_utcb_self();
    struct cairn_msg m;

    cairn_msg_begin(&m, u, CAIRN_TIMER_STOP);
    return cairn_rpc_call(t->session, u);
}
