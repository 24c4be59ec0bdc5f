/*
 * Tests: several CPUs. Threads bound to each CPU the HIP reports online
 * run there in parallel with the root, semaphores signal across CPUs
 * both ways, a portal handler on another CPU is refused, and an EC cannot
 * be made for a CPU that is not online. With one CPU online the
 * cross-CPU tests have nothing to test and say so; the smp scenario runs
 * the suite with 2 and 4 CPUs.
 */
#define KTEST_AREA 8
#include "ktest.h"

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

static void smp_handler(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    cairn_reply(0);
}

static uint64_t smp_call_pt;

static void smp_caller(void *arg, struct cairn_utcb *u)
{
    volatile uint64_t *st = arg;
    u->untyped = u->typed = 0;
    *st = cairn_call(smp_call_pt);
    kt_park();
}

/* Portal calls stay on one CPU: a handler on another CPU is refused. */
TEST(smp_call_other_cpu)
{
    if (smp_cpus() < 2)
        return;
    static struct cairn_ec h;
    uint64_t pt = kt_sel();
    KT_OK(cairn_handler_create(&h, CAIRN_ROOT_SEL_PD, 0, smp_handler, 0));
    KT_OK(cairn_create_pt(pt, CAIRN_ROOT_SEL_PD, h.ec, 0, (uintptr_t)cairn_portal_entry, 0));
    static struct cairn_ec t;
    static volatile uint64_t st = ~0ull;
    smp_call_pt = pt;
    KT_OK(cairn_thread_create_cpu(&t, 1, CAIRN_ROOT_SEL_PD, 0, smp_caller, (void *)&st, 2,
                                  KT_QUANTUM_US));
    KT_CHECK(KT_WAIT(st != ~0ull, 1000), "the caller on CPU 1 did not return");
    KT_EQ(st, CAIRN_ECPU);
}
