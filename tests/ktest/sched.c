/*
 * Tests: semaphores (up, down, timeouts, zero, wakeup order), scheduling
 * (round robin, priorities, time donation through calls, consumed time),
 * recall, and FPU/SSE state kept apart between threads.
 *
 * Helper threads live in the root PD unless a test needs isolation; each
 * ends by parking so nothing keeps running after its test.
 */
#define KTEST_AREA 4
#include "ktest.h"

struct sched_spin {
    volatile uint64_t stop, count, done, saw_other;
    volatile uint64_t *other;
    uint64_t deadline;
    uint64_t gate;     /* sched_until: semaphore to pass first, 0 for none */
    uint64_t duration; /* sched_until: if set, deadline = gate passed + this */
};

struct sched_wait {
    uint64_t sm, deadline, id;
    volatile uint64_t started, woke, st;
    volatile uint64_t *log, *n;
};

static uint64_t sched_sm(uint64_t count)
{
    uint64_t s = kt_sel();

    return cairn_create_sm(s, CAIRN_ROOT_SEL_PD, count) == CAIRN_OK ? s : 0;
}

static void sched_spinner(void *arg, struct cairn_utcb *u)
{
    struct sched_spin *s = arg;

    while (!s->stop)
        s->count++;
    s->done = 1;
    kt_park();
}

/* Spin until the deadline, then note how far the other thread got. */
static void sched_until(void *arg, struct cairn_utcb *u)
{
    struct sched_spin *s = arg;

    if (s->gate)
        cairn_sm_down(s->gate, 0);
    if (s->duration)
        s->deadline = cairn_rdtsc() + s->duration;
    while (cairn_rdtsc() < s->deadline)
        s->count++;
    s->saw_other = *s->other;
    s->done = 1;
    kt_park();
}

static void sched_waiter(void *arg, struct cairn_utcb *u)
{
    struct sched_wait *w = arg;

    w->started = 1;
    w->st = cairn_sm_down(w->sm, w->deadline);
    if (w->log)
        w->log[(*w->n)++] = w->id;
    w->woke = 1;
    kt_park();
}

/* Wake two semaphores in a row without being preempted (highest prio). */
static void sched_conductor(void *arg, struct cairn_utcb *u)
{
    const uint64_t *sm = arg;

    cairn_sm_up(sm[0]);
    cairn_sm_up(sm[1]);
    kt_park();
}

TEST(sm_up_down)
{
    uint64_t sm = sched_sm(0);

    KT_CHECK(sm, "no semaphore");
    KT_OK(cairn_sm_up(sm));
    KT_OK(cairn_sm_down(sm, 0));
    for (unsigned i = 0; i < 3; i++)
        KT_OK(cairn_sm_up(sm));
    for (unsigned i = 0; i < 3; i++)
        KT_OK(cairn_sm_down(sm, cairn_deadline_us(1000)));
    KT_ST(cairn_sm_down(sm, 1), CAIRN_ETIMEOUT); /* deadline in the past */
}

TEST(sm_timeout)
{
    uint64_t sm = sched_sm(0), start = cairn_rdtsc(), dl = start + kt_ms(2);

    KT_CHECK(sm, "no semaphore");
    KT_ST(cairn_sm_down(sm, dl), CAIRN_ETIMEOUT);
    uint64_t now = cairn_rdtsc();
    KT_CHECK(now >= dl, "woke %lu ticks before the deadline", dl - now);
    KT_CHECK(now - dl < kt_ms(500), "woke %lu ms late", (now - dl) / kt_ms(1));
}

TEST(sm_zero)
{
    uint64_t sm = sched_sm(3);

    KT_CHECK(sm, "no semaphore");
    KT_OK(cairn_sm_zero(sm, 0));
    KT_ST(cairn_sm_down(sm, 1), CAIRN_ETIMEOUT);
    KT_ST(cairn_sm_zero(sm, cairn_deadline_us(2000)), CAIRN_ETIMEOUT);
    KT_OK(cairn_sm_up(sm));
    KT_OK(cairn_sm_up(sm));
    KT_OK(cairn_sm_zero(sm, cairn_deadline_us(2000)));
    KT_ST(cairn_sm_down(sm, 1), CAIRN_ETIMEOUT);
}

TEST(sm_wakeup)
{
    static struct cairn_ec t;
    static struct sched_wait w;

    w = (struct sched_wait){ .sm = sched_sm(0) };
    KT_CHECK(w.sm, "no semaphore");
    KT_OK(kt_thread(&t, CAIRN_ROOT_SEL_PD, sched_waiter, &w, 2));
    KT_CHECK(KT_WAIT(w.started, 100), "waiter did not start");
    cairn_sleep_us(2000);
    KT_EQ(w.woke, 0);
    KT_OK(cairn_sm_up(w.sm));
    KT_CHECK(KT_WAIT(w.woke, 100), "waiter not woken");
    KT_ST(w.st, CAIRN_OK);
}

/* A waiter that timed out does not take a later up. */
TEST(sm_timeout_waiter)
{
    static struct cairn_ec t;
    static struct sched_wait w;

    w = (struct sched_wait){ .sm = sched_sm(0), .deadline = cairn_deadline_us(5000) };
    KT_CHECK(w.sm, "no semaphore");
    KT_OK(kt_thread(&t, CAIRN_ROOT_SEL_PD, sched_waiter, &w, 2));
    KT_CHECK(KT_WAIT(w.woke, 200), "waiter never timed out");
    KT_ST(w.st, CAIRN_ETIMEOUT);
    KT_OK(cairn_sm_up(w.sm));
    KT_OK(cairn_sm_down(w.sm, 1));
}

/* Waiters of one priority wake in the order they blocked. */
TEST(sm_fifo)
{
    static struct cairn_ec t[3];
    static struct sched_wait w[3];
    static volatile uint64_t log[3], n;
    uint64_t sm = sched_sm(0);

    KT_CHECK(sm, "no semaphore");
    n = 0;
    for (unsigned i = 0; i < 3; i++) {
        w[i] = (struct sched_wait){ .sm = sm, .id = i + 1, .log = log, .n = &n };
        KT_OK(kt_thread(&t[i], CAIRN_ROOT_SEL_PD, sched_waiter, &w[i], 2));
        KT_CHECK(KT_WAIT(w[i].started, 100), "waiter %u did not start", i);
        cairn_sleep_us(1000);
    }
    for (unsigned i = 0; i < 3; i++)
        KT_OK(cairn_sm_up(sm));
    KT_CHECK(KT_WAIT(n == 3, 100), "%lu of 3 woke", n);
    KT_CHECK(log[0] == 1 && log[1] == 2 && log[2] == 3, "order %lu %lu %lu", log[0], log[1],
             log[2]);
}

TEST(sc_time)
{
    static struct cairn_ec t;
    uint64_t a, b, w0 = cairn_rdtsc(), ta, tb;

    KT_OK(cairn_sc_time(CAIRN_ROOT_SEL_SC, &a));
    while (cairn_rdtsc() < w0 + kt_ms(3))
        ;
    KT_OK(cairn_sc_time(CAIRN_ROOT_SEL_SC, &b));
    uint64_t wall = cairn_rdtsc() - w0;
    KT_CHECK(b - a >= kt_ms(1), "3 ms busy counted as %lu ticks", b - a);
    KT_CHECK(b - a <= wall + kt_ms(1), "%lu ticks counted in %lu", b - a, wall);
    /* A parked thread consumes nothing. */
    KT_OK(kt_thread(&t, CAIRN_ROOT_SEL_PD, kt_park_thread, 0, 2));
    cairn_sleep_us(1000);
    KT_OK(cairn_sc_time(t.sc, &ta));
    cairn_sleep_us(3000);
    KT_OK(cairn_sc_time(t.sc, &tb));
    KT_EQ(tb, ta);
}

/* Two threads of one priority share the CPU: each sees the other make
 * progress before its own deadline. */
TEST(sched_round_robin)
{
    static struct cairn_ec ta, tb;
    static struct sched_spin a, b;
    uint64_t dl = cairn_deadline_us(40000);

    a = (struct sched_spin){ .other = &b.count, .deadline = dl };
    b = (struct sched_spin){ .other = &a.count, .deadline = dl };
    KT_OK(kt_thread(&ta, CAIRN_ROOT_SEL_PD, sched_until, &a, 1));
    KT_OK(kt_thread(&tb, CAIRN_ROOT_SEL_PD, sched_until, &b, 1));
    KT_CHECK(KT_WAIT(a.done && b.done, 500), "threads did not finish");
    KT_CHECK(a.count && b.count, "counts %lu %lu", a.count, b.count);
    KT_CHECK(a.saw_other && b.saw_other, "no interleaving: a saw %lu, b saw %lu", a.saw_other,
             b.saw_other);
}

/* Released together, the higher-priority waiter runs first. */
TEST(sched_priority)
{
    static struct cairn_ec tl, th, tc;
    static struct sched_wait wl, wh;
    static volatile uint64_t log[2], n;
    static uint64_t sms[2];

    n = 0;
    sms[0] = sched_sm(0), sms[1] = sched_sm(0);
    KT_CHECK(sms[0] && sms[1], "no semaphores");
    wl = (struct sched_wait){ .sm = sms[0], .id = 2, .log = log, .n = &n };
    wh = (struct sched_wait){ .sm = sms[1], .id = 3, .log = log, .n = &n };
    KT_OK(kt_thread(&tl, CAIRN_ROOT_SEL_PD, sched_waiter, &wl, 2));
    KT_OK(kt_thread(&th, CAIRN_ROOT_SEL_PD, sched_waiter, &wh, 3));
    KT_CHECK(KT_WAIT(wl.started && wh.started, 100), "waiters did not start");
    cairn_sleep_us(1000);
    KT_OK(kt_thread(&tc, CAIRN_ROOT_SEL_PD, sched_conductor, sms, 4));
    KT_CHECK(KT_WAIT(n == 2, 100), "%lu of 2 ran", n);
    KT_CHECK(log[0] == 3 && log[1] == 2, "order %lu %lu, want 3 2", log[0], log[1]);
}

/* A higher-priority thread that spins keeps a lower one off the CPU
 * until it is done; both are released at once by the conductor. */
TEST(sched_preempt)
{
    static struct cairn_ec tl, th, tc;
    static struct sched_spin l, h;
    static uint64_t sms[2];

    sms[0] = sched_sm(0), sms[1] = sched_sm(0);
    KT_CHECK(sms[0] && sms[1], "no semaphores");
    l = (struct sched_spin){ .gate = sms[0], .other = &h.count, .duration = kt_ms(10) };
    h = (struct sched_spin){ .gate = sms[1], .other = &l.count, .duration = kt_ms(10) };
    KT_OK(kt_thread(&tl, CAIRN_ROOT_SEL_PD, sched_until, &l, 2));
    KT_OK(kt_thread(&th, CAIRN_ROOT_SEL_PD, sched_until, &h, 3));
    cairn_sleep_us(1000);
    KT_OK(kt_thread(&tc, CAIRN_ROOT_SEL_PD, sched_conductor, sms, 4));
    KT_CHECK(KT_WAIT(l.done && h.done, 300), "threads did not finish");
    KT_CHECK(h.count && l.count, "counts %lu %lu", h.count, l.count);
    KT_EQ(h.saw_other, 0); /* the low thread never ran while the high one spun */
}

/* A call runs the handler on the caller's SC: the caller is charged. */
TEST(sched_donation)
{
    static struct kt_agent a;
    uint64_t t0, t1;

    KT_OK(kt_agent_start(&a, "donate", 0));
    KT_OK(cairn_sc_time(CAIRN_ROOT_SEL_SC, &t0));
    uint64_t w0 = cairn_rdtsc(), dl = w0 + kt_ms(20);
    KT_OK(kt_agent_op(&a, KT_AG_SPIN, 1, &dl));
    uint64_t w1 = cairn_rdtsc();
    KT_OK(cairn_sc_time(CAIRN_ROOT_SEL_SC, &t1));
    KT_CHECK(w1 >= dl, "returned before the handler's deadline");
    KT_CHECK(t1 - t0 >= (w1 - w0) / 2, "charged %lu of %lu ticks", t1 - t0, w1 - w0);
}

static uint64_t sched_resume_on(struct kt_evt *e, struct cairn_exc *x)
{
    return 0; /* resume as it was */
}

/* A budget bounds a higher-priority spinner: in each 10 ms period it runs
 * for 2 ms, and a lower one gets the rest. Then two spinners sharing one
 * budget get that much together. The spinners pass a gate each and spin
 * until a common deadline 100 ms on; their SCs say what they consumed. */
static void sched_budget_spinners(struct cairn_ec *th, unsigned nh, struct cairn_ec *tl,
                                  struct sched_spin *s)
{
    static volatile uint64_t none;
    for (unsigned i = 0; i <= nh; i++) {
        s[i] = (struct sched_spin){ .gate = sched_sm(0), .other = &none };
        struct cairn_ec *t = i < nh ? &th[i] : tl;
        *t = (struct cairn_ec){ 0 };
        kt_thread(t, CAIRN_ROOT_SEL_PD, sched_until, &s[i], i < nh ? 3 : 2);
    }
}

/* Open the gates; the spinners run until `wall` ticks from now. */
static void sched_budget_go(unsigned n, struct sched_spin *s, uint64_t wall)
{
    uint64_t dl = cairn_rdtsc() + wall;
    for (unsigned i = 0; i < n; i++)
        s[i].deadline = dl;
    for (unsigned i = 0; i < n; i++)
        cairn_sm_up(s[i].gate);
}

/* Ticks consumed by the first n SCs together. */
static uint64_t sched_budget_used(const struct cairn_ec *t, unsigned n)
{
    uint64_t sum = 0, v;
    for (unsigned i = 0; i < n; i++)
        if (cairn_sc_time(t[i].sc, &v) == CAIRN_OK)
            sum += v;
    return sum;
}

TEST(sc_budget)
{
    static struct cairn_ec th[2], tl;
    static struct sched_spin s[3];
    uint64_t hc, lc, wall = kt_ms(100);

    sched_budget_spinners(th, 1, &tl, s);
    KT_CHECK(s[0].gate && s[1].gate && th[0].sc && tl.sc, "no spinners");
    KT_OK(cairn_sc_budget(th[0].sc, 2000, 10000));
    sched_budget_go(2, s, wall);
    KT_CHECK(KT_WAIT(s[0].done && s[1].done, 300), "spinners did not finish");
    hc = sched_budget_used(th, 1), lc = sched_budget_used(&tl, 1);
    KT_CHECK(hc <= wall * 3 / 10, "budgeted spinner ran %lu of %lu ticks (budget 20%%)", hc, wall);
    KT_CHECK(hc >= wall / 10, "budgeted spinner ran only %lu of %lu ticks", hc, wall);
    KT_CHECK(lc >= wall / 2, "the lower spinner ran only %lu of %lu ticks", lc, wall);

    sched_budget_spinners(th, 2, &tl, s);
    KT_CHECK(s[0].gate && s[1].gate && s[2].gate && th[1].sc && tl.sc, "no spinners");
    KT_OK(cairn_sc_budget(th[0].sc, 2000, 10000));
    KT_OK(cairn_sc_share(th[1].sc, th[0].sc));
    sched_budget_go(3, s, wall);
    KT_CHECK(KT_WAIT(s[0].done && s[1].done && s[2].done, 300), "spinners did not finish");
    hc = sched_budget_used(th, 2), lc = sched_budget_used(&tl, 1);
    KT_CHECK(hc <= wall * 3 / 10, "two spinners sharing a 20%% budget ran %lu of %lu ticks", hc, wall);
    KT_CHECK(hc >= wall / 10, "two budgeted spinners ran only %lu of %lu ticks", hc, wall);
    KT_CHECK(lc >= wall / 2, "the lower spinner ran only %lu of %lu ticks", lc, wall);
}

TEST(sc_budget_bad)
{
    static struct cairn_ec a, b;
    KT_OK(kt_thread(&a, CAIRN_ROOT_SEL_PD, kt_park_thread, 0, 2));
    KT_OK(kt_thread(&b, CAIRN_ROOT_SEL_PD, kt_park_thread, 0, 2));
    KT_ST(cairn_sc_budget(a.sc, 99, 10000), CAIRN_EPAR);          /* below 100 us */
    KT_ST(cairn_sc_budget(a.sc, 2000, 1000), CAIRN_EPAR);         /* more than the period */
    KT_ST(cairn_sc_budget(a.sc, 2000, 10000001), CAIRN_EPAR);     /* period over 10 s */
    KT_ST(cairn_sc_budget(a.sc, ~0ull, ~0ull), CAIRN_EPAR);
    KT_ST(cairn_sc_share(b.sc, a.sc), CAIRN_EPAR);                /* a has no budget */
    KT_ST(cairn_sc_share(b.sc, b.sc), CAIRN_EPAR);
    KT_OK(cairn_sc_budget(a.sc, 1000, 1000));                     /* the whole period */
    KT_ST(cairn_sc_budget(a.sc, 1000, 2000), CAIRN_EEXIST);       /* once */
    KT_OK(cairn_sc_share(b.sc, a.sc));
    KT_ST(cairn_sc_share(b.sc, a.sc), CAIRN_EEXIST);
    KT_ST(cairn_sc_share(a.sc, a.sc), CAIRN_EEXIST);
    KT_ST(cairn_sc_budget(b.sc, 1000, 2000), CAIRN_EEXIST);       /* it shares a's */
    KT_ST(cairn_sc_share(a.sc, KT_SEL_PARK), CAIRN_ETYPE);        /* not an SC */
    KT_ST(cairn_syscall(CAIRN_SYS_SC_CTRL, 0, a.sc, 7, 0, 0, 0, 0), CAIRN_ESYS);
}

TEST(ec_recall)
{
    static struct cairn_ec t;
    static struct sched_spin s;
    static struct kt_evt evt;
    uint64_t base = cairn_sel_alloc(6);

    s = (struct sched_spin){ 0 };
    evt.on = sched_resume_on;
    KT_OK(kt_evt_attach(&evt, CAIRN_ROOT_SEL_PD, base, 1ull << CAIRN_EVT_RECALL));
    KT_OK(cairn_thread_create(&t, CAIRN_ROOT_SEL_PD, base, sched_spinner, &s, 1, KT_QUANTUM_US));
    KT_CHECK(KT_WAIT(s.count, 100), "spinner did not run");
    KT_EQ(evt.count, 0);
    KT_OK(cairn_ec_recall(t.ec));
    KT_CHECK(KT_WAIT(evt.count, 100), "no RECALL event");
    KT_EQ(evt.event, CAIRN_EVT_RECALL);
    KT_CHECK(evt.rip >= (uintptr_t)sched_spinner && evt.rip < (uintptr_t)__text_end,
             "rip %#lx", evt.rip);
    KT_CHECK(evt.mtd & CAIRN_MTD_RIP, "mtd %#lx", evt.mtd);
    uint64_t c = s.count;
    KT_CHECK(KT_WAIT(s.count > c, 100), "spinner stopped after the recall");
    KT_EQ(evt.count, 1);
    s.stop = 1;
    KT_CHECK(KT_WAIT(s.done, 100), "spinner did not stop");
}

/* A recall of a blocked EC is taken when it next leaves the kernel. */
TEST(ec_recall_blocked)
{
    static struct cairn_ec t;
    static struct sched_wait w;
    static struct kt_evt evt;
    uint64_t base = cairn_sel_alloc(6);

    w = (struct sched_wait){ .sm = sched_sm(0) };
    evt.on = sched_resume_on;
    KT_OK(kt_evt_attach(&evt, CAIRN_ROOT_SEL_PD, base, 1ull << CAIRN_EVT_RECALL));
    KT_OK(cairn_thread_create(&t, CAIRN_ROOT_SEL_PD, base, sched_waiter, &w, 2, KT_QUANTUM_US));
    KT_CHECK(KT_WAIT(w.started, 100), "waiter did not start");
    KT_OK(cairn_ec_recall(t.ec));
    cairn_sleep_us(2000);
    KT_EQ(evt.count, 0);
    KT_EQ(w.woke, 0);
    KT_OK(cairn_sm_up(w.sm));
    KT_CHECK(KT_WAIT(w.woke, 100), "waiter not woken");
    KT_EQ(evt.count, 1);
    KT_ST(w.st, CAIRN_OK);
}

/* Without a RECALL portal the recall is dropped; the thread goes on. */
TEST(ec_recall_no_portal)
{
    static struct cairn_ec t;
    static struct sched_spin s;
    uint64_t base = cairn_sel_alloc(6);

    s = (struct sched_spin){ 0 };
    KT_OK(cairn_thread_create(&t, CAIRN_ROOT_SEL_PD, base, sched_spinner, &s, 1, KT_QUANTUM_US));
    KT_CHECK(KT_WAIT(s.count, 100), "spinner did not run");
    KT_OK(cairn_ec_recall(t.ec));
    cairn_sleep_us(2000);
    uint64_t c = s.count;
    KT_CHECK(KT_WAIT(s.count > c, 100), "spinner stopped after the recall");
    s.stop = 1;
    KT_CHECK(KT_WAIT(s.done, 100), "spinner did not stop");
}

struct sched_xmm {
    volatile uint64_t stop, count, bad, done;
    uint64_t pattern;
};

static void sched_xmm_thread(void *arg, struct cairn_utcb *u)
{
    struct sched_xmm *x = arg;

    kt_site_xmm(&x->stop, x->pattern, &x->count, &x->bad);
    x->done = 1;
    kt_park();
}

/* Two threads in two PDs keep different values in xmm0 while time
 * slicing; neither may see the other's. */
TEST(fpu_isolation)
{
    static struct cairn_ec t[2];
    struct sched_xmm *x[2];
    uint64_t pd[2];

    for (unsigned i = 0; i < 2; i++) {
        KT_OK(kt_child_create(&pd[i], i ? "xmm-b" : "xmm-a", 0));
        x[i] = kt_share(pd[i], 1);
        KT_CHECK(x[i], "no memory");
        x[i]->pattern = i ? 0x5555aaaa5555aaaaull : 0x0123456789abcdefull;
    }
    for (unsigned i = 0; i < 2; i++)
        KT_OK(kt_thread(&t[i], pd[i], sched_xmm_thread, x[i], 1));
    cairn_sleep_us(30000);
    x[0]->stop = x[1]->stop = 1;
    KT_CHECK(KT_WAIT(x[0]->done && x[1]->done, 200), "threads did not stop (SSE fault?)");
    KT_CHECK(x[0]->count && x[1]->count, "counts %lu %lu", x[0]->count, x[1]->count);
    KT_CHECK(!x[0]->bad && !x[1]->bad, "xmm0 lost %lu and %lu times", x[0]->bad, x[1]->bad);
}

static void sched_regs_thread(void *arg, struct cairn_utcb *u)
{
    struct kt_regs_run *r = arg;

    kt_site_regs(r);
    r->done = 1;
    kt_park();
}

/* Two threads in two PDs hold values in all general registers while
 * preempted again and again: none may change. */
TEST(sched_regs_preempt)
{
    static struct cairn_ec t[2];
    struct kt_regs_run *r[2];
    uint64_t pd[2];

    for (unsigned i = 0; i < 2; i++) {
        KT_OK(kt_child_create(&pd[i], i ? "regs-b" : "regs-a", 0));
        r[i] = kt_share(pd[i], 1);
        KT_CHECK(r[i], "no memory");
        for (unsigned k = 0; k < 14; k++)
            r[i]->vals[k] = 0x0101010101010101ull * (k + 1) ^ (i ? ~0ull : 0);
    }
    for (unsigned i = 0; i < 2; i++)
        KT_OK(kt_thread(&t[i], pd[i], sched_regs_thread, r[i], 1));
    cairn_sleep_us(30000);
    r[0]->stop = r[1]->stop = 1;
    KT_CHECK(KT_WAIT(r[0]->done && r[1]->done, 200), "threads did not stop");
    KT_CHECK(r[0]->count && r[1]->count, "counts %lu %lu", r[0]->count, r[1]->count);
    KT_CHECK(!r[0]->bad && !r[1]->bad, "registers changed %lu and %lu times", r[0]->bad,
             r[1]->bad);
}
