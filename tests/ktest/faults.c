/*
 * Tests: faults and exceptions of threads in child PDs. Without a handler
 * the kernel kills the child's PD (its portals then answer EABORT); with a
 * handler portal in the root, the handler sees event, RIP, error code and
 * fault address, may change the thread's state and resumes it.
 */
#define KTEST_AREA 5
#include "ktest.h"

#include <cairn/pd.h>

#define FAULT_ADDR 0xdead0123ull /* unmapped in every child */

struct fault_run {
    volatile uint64_t flags[3]; /* before, after, value read (ktest.h) */
    uint64_t addr;
    uint64_t out[4];
};

/* The child of the running test: an agent (whose portal tells whether the
 * PD lives) plus a faulting thread. */
static struct kt_agent fault_agent;
static struct fault_run *fault_r;

static void fault_pf_thread(void *arg, struct cairn_utcb *u)
{
    struct fault_run *r = arg;

    kt_site_pf(r->flags, r->addr);
    kt_park();
}

static void fault_ud_thread(void *arg, struct cairn_utcb *u)
{
    kt_site_ud(((struct fault_run *)arg)->flags);
    kt_park();
}

static void fault_de_thread(void *arg, struct cairn_utcb *u)
{
    kt_site_de(((struct fault_run *)arg)->flags);
    kt_park();
}

static void fault_bp_thread(void *arg, struct cairn_utcb *u)
{
    kt_site_bp(((struct fault_run *)arg)->flags);
    kt_park();
}

static void fault_step_thread(void *arg, struct cairn_utcb *u)
{
    kt_site_step(((struct fault_run *)arg)->flags);
    kt_park();
}

static void fault_gpr_thread(void *arg, struct cairn_utcb *u)
{
    struct fault_run *r = arg;

    kt_site_gpr(r->flags, r->out);
    kt_park();
}

/* A new child for the test: an agent made with `flags` (ktest.h) whose
 * event handler `on` (0: kt_evt_recover) gets ctx, and a shared page. */
static uint64_t fault_child(const char *name, unsigned flags, kt_evt_fn on, void *ctx)
{
    fault_agent = (struct kt_agent){ .evt = { .on = on, .ctx = ctx } };
    uint64_t st = kt_agent_start(&fault_agent, name, flags);
    if (st != CAIRN_OK)
        return st;
    fault_r = kt_share(fault_agent.pd, 1);
    if (!fault_r)
        return CAIRN_ENOMEM;
    fault_r->addr = FAULT_ADDR;
    return CAIRN_OK;
}

/* Run fn in the child; wait until it got past its fault or stopped. */
static uint64_t fault_go(cairn_thread_fn fn)
{
    struct cairn_ec t;
    uint64_t st = kt_thread(&t, fault_agent.pd, fn, fault_r, 2);

    if (st == CAIRN_OK && KT_WAIT(fault_r->flags[0], 100))
        KT_WAIT(fault_r->flags[1], 20);
    return st;
}

static uint64_t fault_start(const char *name, unsigned flags, cairn_thread_fn fn, kt_evt_fn on,
                            void *ctx)
{
    uint64_t st = fault_child(name, flags, on, ctx);

    return st == CAIRN_OK ? fault_go(fn) : st;
}

/* The thread must have died at its fault and taken its PD along. */
static void fault_expect_killed(void)
{
    KT_CHECK(fault_r->flags[0], "thread did not run");
    KT_CHECK(!fault_r->flags[1], "thread survived its fault");
    KT_ST(kt_agent_op(&fault_agent, KT_AG_ECHO, 0, 0), CAIRN_EABORT);
}

static void fault_expect_handled(uint64_t event, const char *rip)
{
    KT_CHECK(fault_r->flags[1], "thread did not resume after the fault");
    KT_EQ(fault_agent.evt.count, 1);
    KT_EQ(fault_agent.evt.event, event);
    KT_EQ(fault_agent.evt.rip, (uintptr_t)rip);
    KT_EQ(fault_agent.evt.mtd & CAIRN_MTD_EC_ALL, CAIRN_MTD_EC_ALL);
    /* The PD lives on. */
    KT_OK(kt_agent_op(&fault_agent, KT_AG_ECHO, 0, 0));
}

TEST(fault_pf_kills)
{
    KT_OK(fault_start("pf-kill", 0, fault_pf_thread, 0, 0));
    fault_expect_killed();
}

TEST(fault_ud_kills)
{
    KT_OK(fault_start("ud-kill", 0, fault_ud_thread, 0, 0));
    fault_expect_killed();
}

TEST(fault_de_kills)
{
    KT_OK(fault_start("de-kill", 0, fault_de_thread, 0, 0));
    fault_expect_killed();
}

TEST(fault_pf_handler)
{
    KT_OK(fault_start("pf-hdl", KT_AGENT_EVT, fault_pf_thread, 0, 0));
    fault_expect_handled(CAIRN_EVT_PF, kt_site_pf_insn);
    KT_EQ(fault_agent.evt.addr, FAULT_ADDR);
    KT_EQ(fault_agent.evt.err & 7, 4); /* user read of a page not present */
    KT_EQ(fault_r->flags[2], KT_FAULT_MARK);
}

TEST(fault_ud_handler)
{
    KT_OK(fault_start("ud-hdl", KT_AGENT_EVT, fault_ud_thread, 0, 0));
    fault_expect_handled(CAIRN_EVT_UD, kt_site_ud_insn);
}

TEST(fault_de_handler)
{
    KT_OK(fault_start("de-hdl", KT_AGENT_EVT, fault_de_thread, 0, 0));
    fault_expect_handled(CAIRN_EVT_DE, kt_site_de_insn);
}

/* int3 traps past itself; the handler resumes there. */
TEST(fault_bp_handler)
{
    KT_OK(fault_start("bp-hdl", KT_AGENT_EVT, fault_bp_thread, 0, 0));
    fault_expect_handled(CAIRN_EVT_BP, kt_site_bp_after);
}

struct fault_step {
    volatile uint64_t bp_rip, db, db_rip[4];
};

/* At #BP set TF: one instruction later #DB; there clear TF again. */
static uint64_t fault_step_on(struct kt_evt *e, struct cairn_exc *x)
{
    struct fault_step *s = e->ctx;

    if (x->event == CAIRN_EVT_BP) {
        s->bp_rip = x->rip;
        x->rflags |= 0x100;
        return CAIRN_MTD_RFLAGS;
    }
    if (x->event == CAIRN_EVT_DB) {
        if (s->db < 4)
            s->db_rip[s->db] = x->rip;
        s->db++;
        x->rflags &= ~0x100ull;
        return CAIRN_MTD_RFLAGS;
    }
    return kt_evt_recover(e, x);
}

TEST(fault_single_step)
{
    static struct fault_step s;

    s = (struct fault_step){ 0 };
    KT_OK(fault_start("step", KT_AGENT_EVT, fault_bp_thread, fault_step_on, &s));
    KT_CHECK(fault_r->flags[1], "thread did not finish");
    KT_EQ(s.bp_rip, (uintptr_t)kt_site_bp_after);
    KT_EQ(s.db, 1);
    KT_EQ(s.db_rip[0], (uintptr_t)kt_site_bp_next);
    KT_EQ(fault_agent.evt.count, 2);
    KT_EQ(fault_agent.evt.err & CAIRN_DR6_BS, CAIRN_DR6_BS); /* qual[0]: DR6 */
}

/* Step until kt_site_step_end, then clear TF. */
static uint64_t fault_step_until_on(struct kt_evt *e, struct cairn_exc *x)
{
    struct fault_step *s = e->ctx;

    if (x->event == CAIRN_EVT_BP) {
        s->bp_rip = x->rip;
        x->rflags |= 0x100;
        return CAIRN_MTD_RFLAGS;
    }
    if (x->event != CAIRN_EVT_DB)
        return kt_evt_recover(e, x);
    if (s->db < 4)
        s->db_rip[s->db] = x->rip;
    s->db++;
    if (x->rip == (uintptr_t)kt_site_step_end || s->db > 16)
        x->rflags &= ~0x100ull;
    return CAIRN_MTD_RFLAGS;
}

/* Single steps across a system call: the kernel neither traps itself nor
 * loses TF. */
TEST(fault_step_syscall)
{
    static struct fault_step s;

    s = (struct fault_step){ 0 };
    KT_OK(fault_start("step-sys", KT_AGENT_EVT, fault_step_thread, fault_step_until_on, &s));
    KT_CHECK(fault_r->flags[1], "thread did not finish");
    KT_ST(fault_r->flags[2], CAIRN_ESYS);
    KT_CHECK(s.db >= 2 && s.db <= 4, "%lu single steps over 3 instructions", s.db);
    KT_EQ(s.db_rip[s.db - 1], (uintptr_t)kt_site_step_end);
}

struct fault_pager {
    uint64_t pd, va;
    void *page;
    volatile uint64_t mapped;
};

/* A pager: map the missing page and let the thread retry. */
static uint64_t fault_pager_on(struct kt_evt *e, struct cairn_exc *x)
{
    struct fault_pager *p = e->ctx;

    if (x->event != CAIRN_EVT_PF || (x->qual[1] & ~0xfffull) != p->va)
        return kt_evt_recover(e, x);
    if (cairn_mem_share(p->pd, p->page, CAIRN_PAGE_SIZE, CAIRN_MEM_R, p->va) == CAIRN_OK)
        p->mapped++;
    return 0;
}

TEST(fault_pager)
{
    static struct fault_pager p;
    uint64_t *page = cairn_page_alloc(1);

    KT_CHECK(page, "no memory");
    page[0x120 / 8] = 0xfeedf00d;
    p = (struct fault_pager){ .va = FAULT_ADDR & ~0xfffull, .page = page };
    KT_OK(fault_child("pager", KT_AGENT_EVT, fault_pager_on, &p));
    p.pd = fault_agent.pd;
    fault_r->addr = p.va + 0x120;
    KT_OK(fault_go(fault_pf_thread));
    KT_CHECK(fault_r->flags[1], "thread did not finish");
    KT_EQ(p.mapped, 1);
    KT_EQ(fault_agent.evt.count, 1);
    KT_EQ(fault_r->flags[2], 0xfeedf00d);
}

struct fault_gpr {
    volatile uint64_t rdi, rsi;
};

static uint64_t fault_gpr_on(struct kt_evt *e, struct cairn_exc *x)
{
    struct fault_gpr *g = e->ctx;

    if (x->rip != (uintptr_t)kt_site_gpr_insn)
        return kt_evt_recover(e, x);
    g->rdi = x->rdi, g->rsi = x->rsi;
    x->rax = 0x1111, x->rbx = 0x2222, x->r12 = 0x3333;
    x->rip = (uintptr_t)kt_site_gpr_resume;
    return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB | CAIRN_MTD_GPR_R8_R15;
}

/* The handler's reply writes registers back into the thread. */
TEST(fault_state_writeback)
{
    static struct fault_gpr g;

    g = (struct fault_gpr){ 0 };
    KT_OK(fault_start("gpr", KT_AGENT_EVT, fault_gpr_thread, fault_gpr_on, &g));
    fault_expect_handled(CAIRN_EVT_UD, kt_site_gpr_insn);
    KT_EQ(g.rdi, (uintptr_t)fault_r->flags);
    KT_EQ(g.rsi, (uintptr_t)fault_r->out);
    KT_EQ(fault_r->out[0], 0x1111);
    KT_EQ(fault_r->out[1], 0x2222);
    KT_EQ(fault_r->out[2], 0x3333);
    KT_EQ(fault_r->out[3], (uintptr_t)fault_r->flags); /* rdi untouched */
}

static uint64_t fault_bad_rip_on(struct kt_evt *e, struct cairn_exc *x)
{
    x->rip = 0x0000800000000000ull;
    return CAIRN_MTD_RIP;
}

static uint64_t fault_bad_rsp_on(struct kt_evt *e, struct cairn_exc *x)
{
    x->rip = (uintptr_t)kt_site_ud_resume;
    x->rsp = 0xffff800000001000ull;
    return CAIRN_MTD_RIP | CAIRN_MTD_RSP;
}

/* A reply with a non-canonical RIP or RSP kills the thread, once. */
TEST(fault_bad_rip_kills)
{
    KT_OK(fault_start("bad-rip", KT_AGENT_EVT, fault_ud_thread, fault_bad_rip_on, 0));
    cairn_sleep_us(2000);
    KT_CHECK(!fault_r->flags[1], "thread ran on");
    KT_EQ(fault_agent.evt.count, 1);
}

TEST(fault_bad_rsp_kills)
{
    KT_OK(fault_start("bad-rsp", KT_AGENT_EVT, fault_ud_thread, fault_bad_rsp_on, 0));
    cairn_sleep_us(2000);
    KT_CHECK(!fault_r->flags[1], "thread ran on");
    KT_EQ(fault_agent.evt.count, 1);
}

/* The event portal leads into a PD that died: the faulting PD dies too. */
TEST(fault_handler_dead)
{
    static struct kt_agent h;
    static struct cairn_ec hec;
    struct cairn_ec t;
    uint64_t pt;

    KT_OK(kt_agent_start(&h, "hdl-pd", 0));
    KT_OK(cairn_handler_create(&hec, h.pd, 0, kt_agent_serve, 0));
    KT_OK(cairn_portal_create(&pt, &hec, CAIRN_MTD_EC_ALL, 0, 0));
    /* Kill the handler's PD by a fault of its own. */
    struct fault_run *hr = kt_share(h.pd, 1);
    KT_CHECK(hr, "no memory");
    KT_OK(kt_thread(&t, h.pd, fault_ud_thread, hr, 2));
    KT_CHECK(KT_WAIT(hr->flags[0], 100), "killer thread did not run");
    cairn_sleep_us(1000);
    KT_ST(kt_agent_op(&h, KT_AG_ECHO, 0, 0), CAIRN_EABORT);
    /* Now a child whose #UD portal is that dead handler. */
    KT_OK(fault_child("orphan", 0, 0, 0));
    KT_OK(cairn_obj_delegate(fault_agent.pd, pt, CAIRN_EVT_UD, CAIRN_R_ALL));
    KT_OK(fault_go(fault_ud_thread));
    fault_expect_killed();
}

static void fault_compat_thread(void *arg, struct cairn_utcb *u)
{
    kt_site_compat(((struct fault_run *)arg)->flags);
    kt_park();
}

static void fault_sysenter_thread(void *arg, struct cairn_utcb *u)
{
    kt_site_sysenter(((struct fault_run *)arg)->flags);
    kt_park();
}

static void fault_std_thread(void *arg, struct cairn_utcb *u)
{
    kt_site_std(((struct fault_run *)arg)->flags, 20000000);
    kt_park();
}

/* User land cannot reach compatibility mode (where `syscall` would enter
 * the kernel through MSR_CSTAR): the 32-bit code descriptor is absent. */
TEST(fault_compat_segment)
{
    KT_OK(fault_start("compat", KT_AGENT_EVT, fault_compat_thread, 0, 0));
    KT_EQ(fault_agent.evt.addr, 0);
    KT_EQ(fault_agent.evt.rip, (uintptr_t)kt_site_compat_insn);
    fault_expect_handled(CAIRN_EVT_NP, kt_site_compat_insn);
    KT_EQ(fault_agent.evt.err, 0x18);
}

/* sysenter has no kernel entry: a fault of the thread, not of the kernel. */
TEST(fault_sysenter)
{
    KT_OK(fault_start("sysenter", KT_AGENT_EVT, fault_sysenter_thread, 0, 0));
    KT_CHECK(fault_r->flags[1], "thread did not resume after sysenter");
    KT_CHECK(fault_agent.evt.event == CAIRN_EVT_GP || fault_agent.evt.event == CAIRN_EVT_UD,
             "sysenter gave event %lu", fault_agent.evt.event);
    KT_EQ(fault_agent.evt.rip, (uintptr_t)kt_site_sysenter_insn);
}

/* A thread that sets the direction flag and then enters the kernel by an
 * exception and by interrupts (a long loop: timer ticks, switches to the
 * root and back) leaves the kernel's copies intact: the event carries the
 * right state, the thread resumes with its own DF, the kernel lives on. */
TEST(fault_direction_flag)
{
    KT_OK(fault_child("std", KT_AGENT_EVT, 0, 0));
    struct cairn_ec t;
    KT_OK(kt_thread(&t, fault_agent.pd, fault_std_thread, fault_r, 2));
    KT_CHECK(KT_WAIT(fault_r->flags[1], 5000), "thread did not get through its loop");
    KT_EQ(fault_agent.evt.count, 1);
    KT_EQ(fault_agent.evt.event, CAIRN_EVT_UD);
    KT_EQ(fault_agent.evt.rip, (uintptr_t)kt_site_std_insn);
    KT_EQ(fault_r->flags[2] & 0x400, 0x400); /* DF is the thread's own */
    KT_OK(kt_agent_op(&fault_agent, KT_AG_ECHO, 0, 0));
}

/* ---- debug registers (MTD_DR) ---------------------------------------------- */

struct fault_dbg {
    uint64_t dr[4], dr7;       /* set at the first #BP                  */
    uint64_t dr7_db, rf_db;    /* the #DB's reply: DR7, RFLAGS.RF       */
    volatile uint64_t bp, db;  /* events seen                           */
    struct cairn_exc at_db;    /* the state at the first #DB            */
};

#define FAULT_RF 0x10000ull

/* At the first #BP set the breakpoints; at a #DB note the state and
 * reply with dr7_db (and RF if asked); any other #BP just resumes. */
static uint64_t fault_dbg_on(struct kt_evt *e, struct cairn_exc *x)
{
    struct fault_dbg *d = e->ctx;

    if (x->event == CAIRN_EVT_BP) {
        if (d->bp++)
            return 0;
        for (unsigned i = 0; i < 4; i++)
            x->dr[i] = d->dr[i];
        x->dr6 = 0;
        x->dr7 = d->dr7;
        return CAIRN_MTD_DR;
    }
    if (x->event != CAIRN_EVT_DB)
        return kt_evt_recover(e, x);
    if (!d->db++)
        d->at_db = *x;
    x->dr7 = d->db > 4 ? 0 : d->dr7_db;
    x->rflags |= d->rf_db;
    return CAIRN_MTD_DR | CAIRN_MTD_RFLAGS;
}

static void fault_dbg_thread(void *arg, struct cairn_utcb *u)
{
    struct fault_run *r = arg;

    kt_site_dbg(r->flags, &r->out[0]);
    kt_park();
}

/* An execution breakpoint: #DB at the instruction, DR6 naming breakpoint
 * 0; the state reads back as set (breakpoints 1-3 only described, not
 * enabled); clearing DR7 in the reply lets the thread go on. */
TEST(fault_dbg_exec)
{
    static struct fault_dbg d;
    const uint64_t dr7 = CAIRN_DR7_L(0) | CAIRN_DR7_RW(1, CAIRN_DR_WRITE) |
                         CAIRN_DR7_LEN(1, CAIRN_DR_LEN4) | CAIRN_DR7_RW(2, CAIRN_DR_RDWR) |
                         CAIRN_DR7_LEN(2, CAIRN_DR_LEN8) | CAIRN_DR7_RW(3, CAIRN_DR_WRITE);

    d = (struct fault_dbg){ .dr = { (uintptr_t)kt_site_dbg_insn, 0x1000, 0x2008, CAIRN_USER_END - 8 },
                            .dr7 = dr7 };
    KT_OK(fault_start("dbg-exec", KT_AGENT_EVT, fault_dbg_thread, fault_dbg_on, &d));
    KT_CHECK(fault_r->flags[1], "thread did not finish");
    KT_EQ(d.bp, 1);
    KT_EQ(d.db, 1);
    KT_EQ(d.at_db.rip, (uintptr_t)kt_site_dbg_insn);
    KT_EQ(d.at_db.qual[0] & 0xf, CAIRN_DR6_B(0));
    KT_EQ(d.at_db.mtd & CAIRN_MTD_DR, CAIRN_MTD_DR);
    for (unsigned i = 0; i < 4; i++)
        KT_EQ(d.at_db.dr[i], d.dr[i]);
    KT_EQ(d.at_db.dr7, dr7);
    KT_EQ(d.at_db.dr6, d.at_db.qual[0]);
    KT_EQ(fault_r->flags[2], 0x5a);
}

/* RF in the reply resumes at an execution breakpoint without removing it. */
TEST(fault_dbg_exec_rf)
{
    static struct fault_dbg d;

    d = (struct fault_dbg){ .dr = { (uintptr_t)kt_site_dbg_insn }, .dr7 = CAIRN_DR7_G(0),
                            .dr7_db = CAIRN_DR7_G(0), .rf_db = FAULT_RF };
    KT_OK(fault_start("dbg-rf", KT_AGENT_EVT, fault_dbg_thread, fault_dbg_on, &d));
    KT_CHECK(fault_r->flags[1], "thread did not finish");
    KT_EQ(d.db, 1);
    KT_EQ(d.at_db.rip, (uintptr_t)kt_site_dbg_insn);
}

/* A write watchpoint: #DB after the writing instruction, DR6 naming it. */
TEST(fault_dbg_watch)
{
    static struct fault_dbg d;

    d = (struct fault_dbg){ .dr7 = CAIRN_DR7_L(1) | CAIRN_DR7_RW(1, CAIRN_DR_WRITE) |
                                   CAIRN_DR7_LEN(1, CAIRN_DR_LEN8) };
    KT_OK(fault_child("dbg-watch", KT_AGENT_EVT, fault_dbg_on, &d));
    d.dr[1] = (uintptr_t)&fault_r->out[0];
    KT_OK(fault_go(fault_dbg_thread));
    KT_CHECK(fault_r->flags[1], "thread did not finish");
    KT_EQ(d.db, 1);
    KT_EQ(d.at_db.rip, (uintptr_t)kt_site_dbg_written);
    KT_EQ(d.at_db.qual[0] & 0xf, CAIRN_DR6_B(1));
    KT_EQ(fault_r->flags[2], 0x5a);
}

static uint64_t fault_dbg_bad_on(struct kt_evt *e, struct cairn_exc *x)
{
    const uint64_t *bad = e->ctx;

    x->dr[0] = bad[0];
    x->dr[1] = x->dr[2] = x->dr[3] = x->dr6 = 0;
    x->dr7 = bad[1];
    return CAIRN_MTD_DR;
}

/* Debug state user land may not set: the reply is refused as a bad RIP
 * is (the thread's PD dies, the thread never runs on). */
TEST(fault_dbg_refused)
{
    static const uint64_t bad[][2] = {
        { 0xffffffff80000000ull, CAIRN_DR7_L(0) },                     /* kernel address */
        { CAIRN_USER_END, 0 },                                         /* beyond user space */
        { 0x1000, CAIRN_DR7_L(0) | CAIRN_DR7_RW(0, 2) },               /* I/O breakpoint */
        { 0x1000, 1ull << 13 },                                        /* GD */
        { 0x1000, 1ull << 8 },                                         /* LE */
        { 0x1000, 1ull << 32 },                                        /* reserved */
        { 0x1000, CAIRN_DR7_L(0) | CAIRN_DR7_LEN(0, CAIRN_DR_LEN4) }, /* execution, 4 bytes */
    };

    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        KT_OK(fault_start("dbg-bad", KT_AGENT_EVT, fault_dbg_thread, fault_dbg_bad_on,
                          (void *)bad[i]));
        cairn_sleep_us(2000);
        KT_CHECK(!fault_r->flags[1], "state %u accepted", i);
        KT_EQ(fault_agent.evt.count, 1);
        KT_ST(kt_agent_op(&fault_agent, KT_AG_ECHO, 0, 0), CAIRN_EABORT);
    }
}

/* int3 (its handler sets a breakpoint), spin until out[3] is set (or the
 * TSC passes out[2]), then kt_site_dbg. */
static void fault_dbg_spin_thread(void *arg, struct cairn_utcb *u)
{
    struct fault_run *r = arg;

    __asm__ volatile("int3");
    r->out[1] = 1;
    while (!((volatile uint64_t *)r->out)[3] && cairn_rdtsc() < r->out[2])
        __asm__ volatile("pause");
    kt_site_dbg(r->flags, &r->out[0]);
    kt_park();
}

/* Resumes at an int3; anything else kills (kt_evt_recover). */
static uint64_t fault_dbg_bp_only_on(struct kt_evt *e, struct cairn_exc *x)
{
    return x->event == CAIRN_EVT_BP ? 0 : kt_evt_recover(e, x);
}

/* Thread A (PD a) has an execution breakpoint at kt_site_dbg_insn and
 * spins; thread B (PD b), on the same CPU and priority, runs the same
 * code at the same address meanwhile without a #DB; then A hits its
 * breakpoint, which it kept across the switches. */
TEST(fault_dbg_other_pd)
{
    static struct fault_dbg d;
    static struct kt_agent b;
    struct cairn_ec ta, tb;

    d = (struct fault_dbg){ .dr = { (uintptr_t)kt_site_dbg_insn }, .dr7 = CAIRN_DR7_L(0) };
    KT_OK(fault_child("dbg-a", KT_AGENT_EVT, fault_dbg_on, &d));
    struct fault_run *ra = fault_r;
    ra->out[2] = cairn_deadline_us(2000000);
    KT_OK(kt_thread(&ta, fault_agent.pd, fault_dbg_spin_thread, ra, 1));
    KT_CHECK(KT_WAIT(ra->out[1], 200), "A did not get its breakpoint");
    b = (struct kt_agent){ .evt = { .on = fault_dbg_bp_only_on } };
    KT_OK(kt_agent_start(&b, "dbg-b", KT_AGENT_EVT));
    struct fault_run *rb = kt_share(b.pd, 1);
    KT_CHECK(rb, "no memory");
    KT_OK(kt_thread(&tb, b.pd, fault_dbg_thread, rb, 1));
    KT_CHECK(KT_WAIT(rb->flags[1], 500), "B did not get past the address");
    KT_EQ(b.evt.count, 1);
    KT_EQ(b.evt.event, CAIRN_EVT_BP);
    KT_CHECK(!ra->flags[0], "A stopped spinning too early");
    ((volatile uint64_t *)ra->out)[3] = 1;
    KT_CHECK(KT_WAIT(ra->flags[1], 500), "A did not finish");
    KT_EQ(d.db, 1);
    KT_EQ(d.at_db.rip, (uintptr_t)kt_site_dbg_insn);
    KT_EQ(d.at_db.qual[0] & 0xf, CAIRN_DR6_B(0));
}

static void fault_movss_thread(void *arg, struct cairn_utcb *u)
{
    struct fault_run *r = arg;

    kt_site_movss(r->flags, &r->out[0]);
    kt_park();
}

/* A watchpoint hit by MOV SS just before int3 or syscall: the CPU
 * delivers its #DB at the kernel's entry, with the user's GS still
 * loaded. The kernel drops it and goes on; the thread finishes. (An
 * emulator may deliver the #DB to the thread instead, at once.) */
TEST(fault_dbg_movss)
{
    static struct fault_dbg d;
    const uint64_t dr7 = CAIRN_DR7_L(0) | CAIRN_DR7_RW(0, CAIRN_DR_RDWR) |
                         CAIRN_DR7_LEN(0, CAIRN_DR_LEN2);

    d = (struct fault_dbg){ .dr7 = dr7, .dr7_db = dr7 };
    KT_OK(fault_child("dbg-movss", KT_AGENT_EVT, fault_dbg_on, &d));
    d.dr[0] = (uintptr_t)&fault_r->out[0];
    KT_OK(fault_go(fault_movss_thread));
    KT_CHECK(fault_r->flags[1], "thread did not finish");
    KT_ST(fault_r->flags[2], CAIRN_ESYS);
    KT_EQ(d.bp, 2);
    KT_CHECK(d.db <= 2, "%lu #DB events", d.db);
    KT_OK(kt_agent_op(&fault_agent, KT_AG_ECHO, 0, 0));
}

/* ---- foreign-ABI PDs --------------------------------------------------- */

/* A thread of a PD made with CAIRN_PD_F_FOREIGN: its syscalls are events
 * (CAIRN_EVT_SYSCALL) with the registers as the instruction left them,
 * never Cairn calls, not even a call of a portal it holds. */
static struct kt_evt fsys_evt;
static struct cairn_exc fsys_seen[2];
static uint64_t fsys_hold; /* the third event's handler waits on it */

static void fault_fsys_thread(void *arg, struct cairn_utcb *u)
{
    struct fault_run *r = arg;

    r->flags[0] = 1;
    r->out[0] = kt_site_fsys(39, 0x11);               /* Linux's getpid */
    r->out[2] = kt_read_fs0(); /* its handler set FS's base: TLS */
    r->out[1] = kt_site_fsys(CAIRN_SYS_CALL, CAIRN_EVT_UD); /* a portal it has */
    r->flags[1] = 1;
    kt_site_fsys(CAIRN_SYS_REPLY, 0); /* its handler ends it here */
    r->flags[2] = 1;
    for (;;)
        ;
}

static uint64_t fault_fsys_on(struct kt_evt *e, struct cairn_exc *x)
{
    struct fault_run *r = e->ctx;

    if (e->count < 2 && x->event == CAIRN_EVT_SYSCALL) {
        fsys_seen[e->count] = *x;
        x->rax = 4242 + e->count;
        x->fs.base = (uintptr_t)&r->out[3];
        x->gs.base = 0x1000;
        return CAIRN_MTD_GPR_ACDB | CAIRN_MTD_FS_GS;
    }
    cairn_sm_down(fsys_hold, 0); /* no reply meanwhile: only that thread waits */
    x->fs.base = 0xffff800000000000ull; /* refused (not a user address): PD killed */
    return CAIRN_MTD_FS_GS;
}

TEST(foreign_syscall_event)
{
    uint64_t pd = kt_sel();
    struct fault_run *r;
    struct cairn_ec t;

    fsys_evt = (struct kt_evt){ .on = fault_fsys_on };
    fsys_hold = kt_sel();
    KT_OK(cairn_create_sm(fsys_hold, CAIRN_ROOT_SEL_PD, 0));
    KT_OK(cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_FOREIGN, pd, CAIRN_ROOT_SEL_PD,
                        KT_CHILD_ORDER, cairn_name_pack("foreign"), 0, 0));
    KT_OK(cairn_pd_share_image(pd, 0));
    KT_OK(kt_evt_attach(&fsys_evt, pd, 0, KT_EVT_CPU | 1ull << CAIRN_EVT_SYSCALL));
    r = kt_share(pd, 1);
    KT_CHECK(r, "no page shared with the foreign PD");
    r->out[3] = 0x5eed5eed;
    fsys_evt.ctx = r;
    KT_OK(kt_thread(&t, pd, fault_fsys_thread, r, 2));
    KT_CHECK(KT_WAIT(r->flags[1], 2000), "the thread did not get past its syscalls");
    /* its third syscall's handler does not reply: the thread waits, the
     * rest (this test) runs on */
    KT_CHECK(!KT_WAIT(fsys_evt.count == 3 || r->flags[2], 100), "the third event was answered");
    KT_OK(cairn_sm_up(fsys_hold));
    KT_CHECK(KT_WAIT(fsys_evt.count == 3, 2000), "no third event");
    KT_EQ(r->out[0], 4242);
    KT_EQ(r->out[1], 4243);
    for (unsigned i = 0; i < 2; i++) {
        const struct cairn_exc *x = &fsys_seen[i];
        KT_EQ(x->event, CAIRN_EVT_SYSCALL);
        KT_EQ(x->rip, (uintptr_t)kt_site_fsys_insn + 2); /* after the instruction */
        KT_EQ(x->rcx, x->rip);                           /* as syscall leaves them */
        KT_EQ(x->r11, x->rflags);
        KT_EQ(x->rsi, 0x22);
        KT_EQ(x->rdx, 0x33);
        KT_EQ(x->r10, 0x44);
        KT_EQ(x->r8, 0x55);
        KT_EQ(x->r9, 0x66);
    }
    KT_EQ(r->out[2], 0x5eed5eed);
    KT_EQ(fsys_seen[0].fs.base, 0);
    KT_EQ(fsys_seen[1].fs.base, (uintptr_t)&r->out[3]);
    KT_EQ(fsys_seen[1].gs.base, 0x1000);
    KT_EQ(fsys_seen[0].rax, 39);
    KT_EQ(fsys_seen[0].rdi, 0x11);
    KT_EQ(fsys_seen[1].rax, CAIRN_SYS_CALL);
    KT_EQ(fsys_seen[1].rdi, CAIRN_EVT_UD);
    /* the third, a reply of no call, was an event too; its reply's FS
     * base is refused and the PD killed */
    KT_EQ(fsys_evt.event, CAIRN_EVT_SYSCALL);
    KT_CHECK(!KT_WAIT(r->flags[2], 100), "the thread ran on after its PD was killed");
}

TEST(foreign_refuses_handlers)
{
    uint64_t pd = kt_sel(), ec = kt_sel();

    KT_OK(cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_FOREIGN, pd, CAIRN_ROOT_SEL_PD,
                        KT_CHILD_ORDER, cairn_name_pack("foreign"), 0, 0));
    /* a local EC (a portal's handler) could not even reply */
    KT_ST(cairn_create_ec(ec, pd, 0, 0x100000, 0x200000, 0, 0x400000, 0), CAIRN_EPAR);
    KT_ST(cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_FOREIGN | CAIRN_PD_F_VM, kt_sel(),
                        CAIRN_ROOT_SEL_PD, KT_CHILD_ORDER, 0, 0, 0),
          CAIRN_EPAR);
}

/* ---- a thread's state while it does not run (ec_ctrl GET/SET_STATE) ------ */

struct state_run {
    uint64_t in[13], out[13]; /* kt_regs_syscall's: rax rdi rsi rdx r10 r8 r9 rbx rbp r12-r15 */
    uint32_t mxcsr;           /* after the call */
    volatile uint64_t done;
};

static void state_thread(void *arg, struct cairn_utcb *u)
{
    struct state_run *r = arg;

    kt_regs_syscall(r->in, r->out); /* sm_down: blocks */
    __asm__ volatile("stmxcsr %0" : "=m"(r->mxcsr));
    r->done = 1;
    kt_park();
}

/* A debugger reads and changes the registers of a thread blocked in a
 * system call; they take effect when it returns. */
TEST(ec_state_blocked)
{
    static struct state_run r;
    struct cairn_utcb *u = cairn_utcb_main;
    struct cairn_exc *x = (struct cairn_exc *)u->mr;
    uint64_t sm = kt_sel(), weak;
    struct cairn_ec t;

    KT_OK(cairn_create_sm(sm, CAIRN_ROOT_SEL_PD, 0));
    for (unsigned i = 0; i < 13; i++)
        r.in[i] = 0x0101010101010101ull * (i + 1);
    r.in[0] = CAIRN_SYS_SM_CTRL, r.in[1] = sm, r.in[2] = CAIRN_SM_DOWN, r.in[3] = 0;
    r.done = 0;
    KT_OK(kt_thread(&t, CAIRN_ROOT_SEL_PD, state_thread, &r, 2));
    cairn_sleep_us(20000); /* it runs (priority 2) once this thread sleeps, and blocks */
    KT_CHECK(!r.done, "the thread did not block");
    KT_OK(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, t.ec, CAIRN_EC_GET_STATE, CAIRN_MTD_THREAD_ALL, 0,
                        0, 0));
    KT_EQ(u->untyped, (sizeof(struct cairn_exc) + CAIRN_EXC_FPU_SIZE) / 8);
    KT_EQ(x->rdi, sm);
    KT_EQ(x->rsi, CAIRN_SM_DOWN);
    KT_EQ(x->rbx, r.in[7]);
    KT_EQ(x->r15, r.in[12]);
    KT_CHECK(x->rip > 0 && x->rip < CAIRN_USER_END, "rip %#lx", x->rip);
    uint8_t *fpu = cairn_exc_fpu(x);
    uint32_t mxcsr;
    __builtin_memcpy(&mxcsr, fpu + 24, 4);
    KT_EQ(mxcsr & 0xffff, 0x1f80); /* the reset value: nothing masked off, round to nearest */
    x->rbx = 0xfeedull;
    x->r12 = 0xbeefull;
    mxcsr = 0x7f80; /* round toward zero */
    __builtin_memcpy(fpu + 24, &mxcsr, 4);
    KT_OK(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, t.ec, CAIRN_EC_SET_STATE,
                        CAIRN_MTD_GPR_ACDB | CAIRN_MTD_GPR_R8_R15 | CAIRN_MTD_FPU, 0, 0, 0));
    /* MXCSR with a reserved bit: FXRSTOR would fault; refused */
    KT_OK(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, t.ec, CAIRN_EC_GET_STATE, CAIRN_MTD_FPU, 0, 0, 0));
    __builtin_memcpy(&mxcsr, fpu + 24, 4);
    KT_EQ(mxcsr, 0x7f80);
    mxcsr = 0x80000000u;
    __builtin_memcpy(fpu + 24, &mxcsr, 4);
    KT_ST(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, t.ec, CAIRN_EC_SET_STATE, CAIRN_MTD_FPU, 0, 0, 0),
          CAIRN_EPAR);
    /* refused: a bad state changes nothing, nor do a bad op, itself, a weak capability */
    KT_OK(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, t.ec, CAIRN_EC_GET_STATE, CAIRN_MTD_RIP, 0, 0, 0));
    uint64_t rip = x->rip;
    x->rip = CAIRN_USER_END;
    KT_ST(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, t.ec, CAIRN_EC_SET_STATE, CAIRN_MTD_RIP, 0, 0, 0),
          CAIRN_EPAR);
    KT_ST(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, t.ec, 7, 0, 0, 0, 0), CAIRN_ESYS);
    KT_ST(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, CAIRN_ROOT_SEL_EC, CAIRN_EC_GET_STATE,
                        CAIRN_MTD_RIP, 0, 0, 0),
          CAIRN_EPAR);
    weak = kt_sel();
    KT_OK(cairn_obj_delegate(CAIRN_ROOT_SEL_PD, t.ec, weak, CAIRN_R_EC_SC));
    KT_ST(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, weak, CAIRN_EC_GET_STATE, CAIRN_MTD_RIP, 0, 0, 0),
          CAIRN_EPERM);
    KT_OK(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, t.ec, CAIRN_EC_GET_STATE, CAIRN_MTD_RIP, 0, 0, 0));
    KT_EQ(x->rip, rip);
    KT_OK(cairn_sm_up(sm));
    KT_CHECK(KT_WAIT(r.done, 2000), "the thread did not wake");
    KT_OK(r.out[0]);
    KT_EQ(r.out[7], 0xfeed);  /* rbx, as set */
    KT_EQ(r.out[9], 0xbeef);  /* r12 */
    KT_EQ(r.out[8], r.in[8]); /* rbp, untouched */
    KT_EQ(r.out[12], r.in[12]);
    KT_EQ(r.mxcsr, 0x7f80); /* the FPU registers, as set */
}
