/*
 * timer: the Timer service (timer.h); the main EC is the worker.
 */
#include "timer.h"

#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>
#include <cairn/time.h>

struct timer_session timer_sessions[TIMER_MAX_SESSIONS];

static struct timer_session *timer_armed; /* sorted by deadline */
static uint64_t timer_lock_sm;            /* mutex over timer_armed, count 1 when free */
static uint64_t timer_wake_sm;            /* worker: re-evaluate the earliest deadline */

static void timer_lock(void)
{
    while (cairn_sm_down(timer_lock_sm, 0) != CAIRN_OK)
        ;
}

static void timer_unlock(void)
{
    cairn_sm_up(timer_lock_sm);
}

/* us = tsc * 1000 / khz, without overflowing the product. */
uint64_t timer_now_us(void)
{
    uint64_t tsc = cairn_rdtsc(), khz = cairn_tsc_khz();

    return tsc / khz * 1000 + tsc % khz * 1000 / khz;
}

/* Insert s in deadline order, after timeouts with the same deadline.
 * Caller holds the lock. */
static void timer_insert(struct timer_session *s)
{
    struct timer_session **pp = &timer_armed;

    while (*pp && (*pp)->deadline <= s->deadline)
        pp = &(*pp)->next;
    s->next = *pp;
    *pp = s;
    s->armed = true;
}

static void timer_unlink(struct timer_session *s)
{
    struct timer_session **pp = &timer_armed;

    while (*pp && *pp != s)
        pp = &(*pp)->next;
    if (*pp)
        *pp = s->next;
    s->next = 0;
    s->armed = false;
}

void timer_arm(struct timer_session *s, uint64_t deadline, uint64_t period)
{
    timer_lock();
    if (s->armed)
        timer_unlink(s);
    s->deadline = deadline;
    s->period = period;
    timer_insert(s);
    bool first = timer_armed == s;
    timer_unlock();
    if (first)
        cairn_sm_up(timer_wake_sm);
}

void timer_disarm(struct timer_session *s)
{
    timer_lock();
    if (s->armed)
        timer_unlink(s);
    timer_unlock();
}

/* Up every expired session; periodic ones go back in at their next
 * period after now (missed periods are skipped). Caller holds the lock. */
static void timer_expire(uint64_t now)
{
    struct timer_session *s;

    while ((s = timer_armed) && s->deadline <= now) {
        timer_unlink(s);
        cairn_sm_up(s->sm);
        if (!s->period)
            continue;
        s->deadline += s->period;
        if (s->deadline <= now)
            s->deadline += ((now - s->deadline) / s->period + 1) * s->period;
        timer_insert(s);
    }
}

static __attribute__((noreturn)) void timer_worker(void)
{
    for (;;) {
        timer_lock();
        timer_expire(cairn_rdtsc());
        uint64_t next = timer_armed ? timer_armed->deadline : 0;
        timer_unlock();
        /* An up since the unlock (a new earliest timeout) ends this at once. */
        cairn_sm_zero(timer_wake_sm, next);
    }
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    uint64_t st;

    cairn_log_init("timer");
    timer_lock_sm = cairn_sel_alloc(0);
    timer_wake_sm = cairn_sel_alloc(0);
    if (!timer_lock_sm || !timer_wake_sm ||
        (st = cairn_create_sm(timer_lock_sm, CAIRN_SEL_PD, 1)) != CAIRN_OK ||
        (st = cairn_create_sm(timer_wake_sm, CAIRN_SEL_PD, 0)) != CAIRN_OK) {
        printf("error: cannot create semaphores\n");
        return 1;
    }
    st = timer_service_start();
    if (st != CAIRN_OK) {
        printf("error: cannot start the service: %s\n", cairn_status_name(st));
        return 1;
    }
    printf("Timer service: TSC %lu kHz, timeouts by kernel semaphore deadlines\n",
           cairn_tsc_khz());
    timer_worker();
}
