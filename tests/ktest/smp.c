/*
 * Tests: several CPUs. Threads bound to each CPU the HIP reports online
 * run there in parallel with the root, semaphores signal across CPUs
 * both ways, a portal handler serves callers on every CPU, and an EC cannot
 * be made for a CPU that is not online. With one CPU online the
 * cross-CPU tests have nothing to test and say so; the smp scenario runs
 * the suite with 2 and 4 CPUs.
 */
#define KTEST_AREA 8
#include "ktest.h"

#include <string.h>

#define SMP_ROUNDS 2000u

static unsigned smp_cpus(void) { return cairn_hip->cpu_online; }

static uint64_t smp_sm(void)
{
    uint64_t s = kt_sel();
    return cairn_create_sm(s, CAIRN_ROOT_SEL_PD, 0) == CAIRN_OK ? s : 0;
}

TEST(smp_cpus_online)
{
    KT_CHECK(smp_cpus() >= 1 && smp_cpus() <= cairn_hip->cpu_count, "%u of %u CPUs online",
             smp_cpus(), cairn_hip->cpu_count);
    if (smp_cpus() == 1)
        printf("one CPU online: the cross-CPU tests have nothing to do\n");
}

TEST(smp_no_such_cpu)
{
    uint64_t ec = kt_sel();
    KT_ST(cairn_create_ec(ec, CAIRN_ROOT_SEL_PD, smp_cpus(), cairn_utcb_va_alloc(), 0x1000, 0, 0x1000, 1),
          CAIRN_ECPU);
    KT_ST(cairn_create_ec(ec, CAIRN_ROOT_SEL_PD, 1000, cairn_utcb_va_alloc(), 0x1000, 0, 0x1000, 1),
          CAIRN_ECPU);
}

struct smp_pong {
    uint64_t ping, pong;
    volatile uint64_t rounds, done;
};

static void smp_ponger(void *arg, struct cairn_utcb *u)
{
    struct smp_pong *p = arg;
    for (unsigned i = 0; i < SMP_ROUNDS; i++) {
        if (cairn_sm_down(p->ping, 0) != CAIRN_OK)
            break;
        p->rounds++;
        cairn_sm_up(p->pong);
    }
    p->done = 1;
    kt_park();
}

/* Semaphores across CPUs, both ways, many times: each up wakes a thread
 * blocked on another CPU, which must be kicked to run it. */
TEST(smp_sm_ping_pong)
{
    for (unsigned cpu = 1; cpu < smp_cpus(); cpu++) {
        static struct cairn_ec t[64];
        static struct smp_pong p[64];
        p[cpu] = (struct smp_pong){ .ping = smp_sm(), .pong = smp_sm() };
        KT_CHECK(p[cpu].ping && p[cpu].pong, "no semaphores");
        KT_OK(cairn_thread_create_cpu(&t[cpu], cpu, CAIRN_ROOT_SEL_PD, 0, smp_ponger, &p[cpu], 2,
                                      KT_QUANTUM_US));
        for (unsigned i = 0; i < SMP_ROUNDS; i++) {
            KT_OK(cairn_sm_up(p[cpu].ping));
            KT_OK(cairn_sm_down(p[cpu].pong, cairn_deadline_us(1000000)));
        }
        KT_CHECK(KT_WAIT(p[cpu].done, 1000), "CPU %u: the ponger did not finish", cpu);
        KT_EQ(p[cpu].rounds, SMP_ROUNDS);
    }
}

struct smp_spin {
    volatile uint64_t count, stop;
};

static void smp_spinner(void *arg, struct cairn_utcb *u)
{
    struct smp_spin *s = arg;
    while (!s->stop)
        s->count++;
    kt_park();
}

/* A spinner on every other CPU makes progress while the root spins too:
 * the CPUs run at the same time, not in turns. */
TEST(smp_parallel)
{
    static struct cairn_ec t[64];
    static struct smp_spin s[64];
    unsigned n = smp_cpus();
    if (n < 2)
        return;
    for (unsigned cpu = 1; cpu < n; cpu++)
        KT_OK(cairn_thread_create_cpu(&t[cpu], cpu, CAIRN_ROOT_SEL_PD, 0, smp_spinner, &s[cpu], 1,
                                      KT_QUANTUM_US));
    for (unsigned cpu = 1; cpu < n; cpu++)
        KT_CHECK(KT_WAIT(s[cpu].count, 1000), "CPU %u: the spinner did not start", cpu);
    uint64_t before[64];
    for (unsigned cpu = 1; cpu < n; cpu++)
        before[cpu] = s[cpu].count;
    /* the root busy-waits (it does not sleep), up to 2 s: only another
     * CPU can run them meanwhile (the host may run our CPUs in turns) */
    uint64_t end = cairn_deadline_us(2000000);
    unsigned moved = 0;
    while (moved < n - 1 && cairn_rdtsc() < end) {
        moved = 0;
        for (unsigned cpu = 1; cpu < n; cpu++)
            moved += s[cpu].count > before[cpu];
    }
    for (unsigned cpu = 1; cpu < n; cpu++) {
        KT_CHECK(s[cpu].count > before[cpu], "CPU %u: no progress while the root ran", cpu);
        s[cpu].stop = 1;
    }
}

/* A handler computing with SSE: the square root of its argument, times
 * the badge, returned as the bits of a double. */
static void smp_handler(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    double x = (double)u->mr[0];
    __asm__ volatile("sqrtsd %1, %0" : "=x"(x) : "x"(x));
    x *= (double)badge;
    memcpy(&u->mr[0], &x, 8);
    u->untyped = 1;
    u->typed = 0;
    cairn_reply(0);
}

static uint64_t smp_call_pt;

static uint64_t smp_call_sqrt(struct cairn_utcb *u, uint64_t v, double *out)
{
    u->mr[0] = v;
    u->untyped = 1;
    u->typed = 0;
    uint64_t st = cairn_call(smp_call_pt);
    memcpy(out, &u->mr[0], 8);
    return st;
}

struct smp_caller_state {
    volatile uint64_t st, done, wrong;
    uint64_t go, back;
};

/* On another CPU: call the same handler as the root, in turns. */
static void smp_caller(void *arg, struct cairn_utcb *u)
{
    struct smp_caller_state *c = arg;
    for (unsigned i = 0; i < 200; i++) {
        if (cairn_sm_down(c->go, 0) != CAIRN_OK)
            break;
        double r;
        uint64_t st = smp_call_sqrt(u, (uint64_t)(i * i), &r);
        if (st != CAIRN_OK || r != 3.0 * i)
            c->wrong++, c->st = st;
        cairn_sm_up(c->back);
    }
    c->done = 1;
    kt_park();
}

/* A portal handler serves callers on any CPU: it moves to the caller's
 * CPU while free. Calls alternate between the root (CPU 0) and a thread
 * on the last CPU, and the handler uses the FPU on both. */
TEST(smp_call_follows_caller)
{
    unsigned n = smp_cpus();
    if (n < 2)
        return;
    static struct cairn_ec h, t;
    static struct smp_caller_state c;
    uint64_t pt = kt_sel();
    KT_OK(cairn_handler_create(&h, CAIRN_ROOT_SEL_PD, 0, smp_handler, 0));
    KT_OK(cairn_create_pt(pt, CAIRN_ROOT_SEL_PD, h.ec, 0, (uintptr_t)cairn_portal_entry, 3));
    smp_call_pt = pt;
    c = (struct smp_caller_state){ .go = smp_sm(), .back = smp_sm() };
    KT_CHECK(c.go && c.back, "no semaphores");
    KT_OK(cairn_thread_create_cpu(&t, n - 1, CAIRN_ROOT_SEL_PD, 0, smp_caller, &c, 2, KT_QUANTUM_US));
    double keep = 1.5; /* the root's own FPU state must survive */
    for (unsigned i = 0; i < 200; i++) {
        double r;
        KT_OK(smp_call_sqrt(cairn_utcb_main, (uint64_t)(i * i) * 4, &r));
        KT_CHECK(r == 6.0 * i, "call %u from CPU 0: %lu/1000", i, (uint64_t)(r * 1000));
        KT_OK(cairn_sm_up(c.go));
        KT_OK(cairn_sm_down(c.back, cairn_deadline_us(1000000)));
        keep = keep * 1.0 + 0.0;
    }
    KT_CHECK(KT_WAIT(c.done, 1000), "the caller on CPU %u did not finish", n - 1);
    KT_EQ(c.wrong, 0);
    KT_CHECK(keep == 1.5, "the root's FPU state changed");
}

#define SMP_PORT 0x2e8u /* COM4: nothing there */

struct smp_port_state {
    volatile uint64_t reads, stop;
};

static void smp_port_reader(void *arg, struct cairn_utcb *u)
{
    struct smp_port_state *s = arg;
    while (!s->stop) {
        uint8_t v;
        __asm__ volatile("inb %w1, %b0" : "=a"(v) : "d"(SMP_PORT));
        s->reads++;
    }
    kt_park();
}

/* A port revoked from a PD whose thread runs on another CPU is gone
 * there too: that CPU's TSS must not keep the PD's old port bitmap. The
 * thread's next inb faults (its PD, without a handler, dies). */
TEST(smp_port_revoke_other_cpu)
{
    unsigned n = smp_cpus();
    if (n < 2)
        return;
    static struct cairn_ec t;
    uint64_t pd, st = cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                                     CAIRN_CRD(CAIRN_CRD_IO, SMP_PORT, 0, CAIRN_IO_A), SMP_PORT,
                                     CAIRN_DEL_F_HOST);
    KT_CHECK(st == CAIRN_OK || st == CAIRN_EEXIST, "port to root: %s", kt_st(st));
    KT_OK(kt_child_create(&pd, "ports", 0));
    struct smp_port_state *s = kt_share(pd, 1);
    KT_CHECK(s, "no shared page");
    KT_OK(cairn_delegate(CAIRN_ROOT_SEL_PD, pd, CAIRN_CRD(CAIRN_CRD_IO, SMP_PORT, 0, CAIRN_IO_A),
                         SMP_PORT, 0));
    KT_OK(cairn_thread_create_cpu(&t, n - 1, pd, 0, smp_port_reader, s, 2, KT_QUANTUM_US));
    KT_CHECK(KT_WAIT(s->reads > 1000, 1000), "the reader on CPU %u does not read", n - 1);
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, CAIRN_CRD(CAIRN_CRD_IO, SMP_PORT, 0, 0), 0));
    uint64_t after = s->reads;
    cairn_sleep_us(20000);
    uint64_t later = s->reads;
    s->stop = 1;
    kt_child_kill(pd);
    KT_CHECK(later - after <= 1, "CPU %u still let the PD read a revoked port %lu times", n - 1,
             later - after);
}
