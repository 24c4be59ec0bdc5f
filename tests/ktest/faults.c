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
