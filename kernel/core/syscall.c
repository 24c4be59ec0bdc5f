/*
 * System calls: decode (look up every capability, check every argument),
 * then perform. Each handler ends the call itself (ec_sys_ret or a switch
 * to another EC); the table is indexed by the number in rax[7:0].
 */
#include <cairn/abi.h>
#include "arch.h"
#include "console.h"
#include "percpu.h"
#include "sched.h"
#include "ec.h"
#include "ipc.h"
#include "irq.h"
#include "vcpu.h"
#include "palloc.h"
#include "string.h"
#include "pd.h"
#include "pt.h"
#include "regs.h"
#include "sc.h"
#include "sm.h"
#include "space.h"
#include "why.h"

extern uint64_t hip_tsc_khz;

typedef void (*sys_fn)(struct ec *ec, struct regs *r);
extern const sys_fn sys_table[CAIRN_SYS_COUNT];

/* End the call with `st`, saying why when asked to (why.h). */
static __attribute__((noinline, cold)) _Noreturn void sys_refuse(struct ec *ec, int st, const char *check)
{
    if (why_on)
        why_log(ec, st, "%s", check);
    ec_sys_ret(ec, st);
}

/* Refuse the call with `st` if `cond` holds; the log names `cond`. */
#define REFUSE_IF(cond, st)                                                                      \
    do {                                                                                         \
        if (unlikely(cond))                                                                      \
            sys_refuse(ec, (st), #cond);                                                         \
    } while (0)

#define CHECK(expr)                                                                              \
    do {                                                                                         \
        int st_ = (expr);                                                                        \
        if (unlikely(st_ != CAIRN_OK))                                                           \
            sys_refuse(ec, st_, #expr);                                                          \
    } while (0)

/* Look up a capability of the caller or end the call with the reason. */
static void *sys_cap(struct ec *ec, uint64_t sel, unsigned type, unsigned rights)
{
    int st;
    struct kobj *o = pd_cap(ec->pd, sel, type, rights, &st);
    if (unlikely(!o)) {
        if (why_on)
            why_log(ec, st, "capability 0x%lx (want a %s with rights 0x%x)", sel,
                    (const char *[]){ "?", "PD", "EC", "SC", "PT", "SM" }[type <= KOBJ_SM ? type : 0],
                    rights);
        ec_sys_ret(ec, st);
    }
    return o;
}

/* Create an object charged to `owner`'s kernel memory: take, create, and
 * give back if the creation failed; the object `obj` (a struct kobj *)
 * remembers what it paid, to give it back when it is freed. */
#define CHARGED(owner, bytes, create, obj)                                                       \
    do {                                                                                         \
        uint64_t b_ = (bytes);                                                                   \
        CHECK(pd_kmem_take(owner, b_));                                                          \
        int s_ = (create);                                                                       \
        if (s_ != CAIRN_OK)                                                                      \
            pd_kmem_give(owner, b_);                                                             \
        CHECK(s_);                                                                               \
        kobj_paid(obj, owner, b_);                                                               \
    } while (0)

/* The new PD's capability: create and control, and of the rights to make
 * scheduling contexts and VMs only what the parent's capability has, so
 * no PD gets more priority or kinds of objects than its parent was given. */
static _Noreturn void sys_create_pd(struct ec *ec, struct regs *r)
{
    bool vm = SYS_FLAGS(r) & CAIRN_PD_F_VM, foreign = SYS_FLAGS(r) & CAIRN_PD_F_FOREIGN;
    struct pd *parent = sys_cap(ec, SYS_A2(r), KOBJ_PD, CAIRN_R_PD_CREATE | (vm ? CAIRN_R_PD_VM : 0));
    unsigned rights = CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL |
                      (cap_slot(&ec->pd->caps, SYS_A2(r), 0)->rights & (CAIRN_R_PD_SC | CAIRN_R_PD_VM));
    uint64_t kmem = SYS_A5(r) & ~0xfffull;
    CHECK(space_sel_free(ec->pd, SYS_A1(r)));
    REFUSE_IF(SYS_A3(r) < 1 || SYS_A3(r) > CAIRN_CAP_ORDER_MAX || (kmem && kmem < pd_kmem_size((unsigned)SYS_A3(r))), CAIRN_EPAR);
    struct pd *pd;
    REFUSE_IF(vm && foreign, CAIRN_EPAR);
    REFUSE_IF(vm && !vcpu_arch_available(), CAIRN_EFEAT);
    /* the new PD's own structures come out of its quota, if it has one */
    CHARGED(parent, kmem ? kmem : pd_kmem_size((unsigned)SYS_A3(r)),
            pd_create(&pd, (unsigned)SYS_A3(r), SYS_A4(r), vm, parent, kmem), &pd->k);
    if (kmem)
        pd->own.used = pd_kmem_size((unsigned)SYS_A3(r));
    pd->foreign = foreign;
    CHECK(space_install(ec->pd, SYS_A1(r), &pd->k, rights));
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_create_ec(struct ec *ec, struct regs *r)
{
    struct pd *pd = sys_cap(ec, SYS_A2(r), KOBJ_PD, CAIRN_R_PD_CREATE);
    uint64_t utcb = SYS_A3(r), ip = SYS_A6(r);
    bool global = SYS_FLAGS(r) & CAIRN_EC_F_GLOBAL, vcpu = SYS_FLAGS(r) & CAIRN_EC_F_VCPU;
    CHECK(space_sel_free(ec->pd, SYS_A1(r)));
    REFUSE_IF(SYS_CPU(r) >= cpu_count, CAIRN_ECPU);
    /* a VM PD holds vCPUs only; a vCPU has no UTCB (its state goes to its VMM) */
    REFUSE_IF(vcpu != pd->vm || (vcpu && (global || utcb)) || pd->dead, CAIRN_EPAR);
    /* a foreign-ABI PD has threads only: a handler could not even reply */
    REFUSE_IF(pd->foreign && !global, CAIRN_EPAR);
    REFUSE_IF(vcpu && !vcpu_arch_cpu_ok(SYS_CPU(r)), CAIRN_ECPU); /* a CPU the backend refuses */
    REFUSE_IF(!vcpu && ((utcb & 0xfff) || utcb >= CAIRN_USER_END || (global && ip >= CAIRN_USER_END)), CAIRN_EPAR);
    struct ec *n;
    CHARGED(pd, sizeof(struct ec) + 4096, /* + its UTCB or VMCB */
            vcpu ? ec_create_vcpu(&n, pd, SYS_CPU(r), SYS_A5(r))
                 : ec_create(&n, pd, SYS_CPU(r), utcb, SYS_A4(r), SYS_A5(r), ip, global),
            &n->k);
    CHECK(space_install(ec->pd, SYS_A1(r), &n->k, CAIRN_R_ALL));
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_create_sc(struct ec *ec, struct regs *r)
{
    struct pd *owner = sys_cap(ec, SYS_A2(r), KOBJ_PD, CAIRN_R_PD_CREATE | CAIRN_R_PD_SC);
    struct ec *t = sys_cap(ec, SYS_A3(r), KOBJ_EC, CAIRN_R_EC_SC);
    uint64_t prio = SYS_A4(r), us = SYS_A5(r);
    CHECK(space_sel_free(ec->pd, SYS_A1(r)));
    REFUSE_IF(!t->global || t->dead || prio < 1 || prio > CAIRN_PRIO_MAX || us < 100 || us > 10000000, CAIRN_EPAR);
    REFUSE_IF(t->sc, CAIRN_EEXIST);
    struct sc *sc;
    CHARGED(owner, sizeof(struct sc), sc_create(&sc, t, (unsigned)prio, us * hip_tsc_khz / 1000), &sc->k);
    CHECK(space_install(ec->pd, SYS_A1(r), &sc->k, CAIRN_R_ALL));
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_create_pt(struct ec *ec, struct regs *r)
{
    struct pd *owner = sys_cap(ec, SYS_A2(r), KOBJ_PD, CAIRN_R_PD_CREATE);
    struct ec *h = sys_cap(ec, SYS_A3(r), KOBJ_EC, CAIRN_R_EC_PT);
    CHECK(space_sel_free(ec->pd, SYS_A1(r)));
    REFUSE_IF(h->global || SYS_A5(r) >= CAIRN_USER_END, CAIRN_EPAR);
    struct pt *pt;
    CHARGED(owner, sizeof(struct pt), pt_create(&pt, h, SYS_A5(r), SYS_A6(r), SYS_A4(r)), &pt->k);
    CHECK(space_install(ec->pd, SYS_A1(r), &pt->k, CAIRN_R_ALL));
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_create_sm(struct ec *ec, struct regs *r)
{
    struct pd *owner = sys_cap(ec, SYS_A2(r), KOBJ_PD, CAIRN_R_PD_CREATE);
    CHECK(space_sel_free(ec->pd, SYS_A1(r)));
    struct sm *sm;
    CHARGED(owner, sizeof(struct sm), sm_create(&sm, SYS_A3(r)), &sm->k);
    CHECK(space_install(ec->pd, SYS_A1(r), &sm->k, CAIRN_R_ALL));
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_delegate(struct ec *ec, struct regs *r)
{
    bool host = SYS_FLAGS(r) & CAIRN_DEL_F_HOST;
    unsigned need = CAIRN_R_PD_CTRL | (host ? CAIRN_R_PD_HOST : 0);
    struct pd *src = sys_cap(ec, SYS_A1(r), KOBJ_PD, need);
    struct pd *dst = sys_cap(ec, SYS_A2(r), KOBJ_PD, CAIRN_R_PD_CTRL);
    uint64_t out;
    CHECK(space_delegate(src, dst, SYS_A3(r), SYS_A4(r), host, 0, &out));
    SYS_RESULT(r, out);
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_revoke(struct ec *ec, struct regs *r)
{
    struct pd *pd = sys_cap(ec, SYS_A1(r), KOBJ_PD, CAIRN_R_PD_CTRL);
    CHECK(space_revoke(pd, SYS_A2(r), SYS_FLAGS(r) & CAIRN_REV_F_SELF));
    kobj_reclaim();
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_lookup(struct ec *ec, struct regs *r)
{
    SYS_RESULT(r, space_lookup(ec->pd, SYS_A1(r)));
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_ec_ctrl(struct ec *ec, struct regs *r)
{
    struct ec *t = sys_cap(ec, SYS_A1(r), KOBJ_EC, CAIRN_R_EC_CTRL);
    uint64_t op = SYS_A2(r), mtd = SYS_A3(r) & CAIRN_MTD_THREAD_ALL;
    if (op == CAIRN_EC_RECALL) {
        t->attn |= EC_ATTN_RECALL;
        ec_sys_ret(ec, CAIRN_OK);
    }
    REFUSE_IF(op != CAIRN_EC_GET_STATE && op != CAIRN_EC_SET_STATE, CAIRN_ESYS);
    /* a thread's frame, while no CPU runs it (the kernel lock keeps it so) */
    REFUSE_IF(t == ec || t->vcpu || t->dead, CAIRN_EPAR);
    REFUSE_IF(ec_arch_running(t), CAIRN_EBUSY);
    struct cairn_exc *x = (struct cairn_exc *)ec->utcb->mr;
    if (op == CAIRN_EC_GET_STATE) {
        ec_arch_get_state(t, x, mtd);
        ec->utcb->untyped = (sizeof(struct cairn_exc) + (mtd & CAIRN_MTD_FPU ? CAIRN_EXC_FPU_SIZE : 0)) / 8;
        ec->utcb->typed = 0;
        ec_sys_ret(ec, CAIRN_OK);
    }
    struct {
        struct cairn_exc x;
        uint8_t fpu[CAIRN_EXC_FPU_SIZE]; /* MTD_FPU: after the record */
    } copy; /* read once: checked, then applied */
    copy.x = *x;
    memcpy(copy.fpu, x + 1, sizeof(copy.fpu));
    REFUSE_IF(ec_arch_set_state(t, &copy.x, mtd) != CAIRN_OK, CAIRN_EPAR);
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_sc_ctrl(struct ec *ec, struct regs *r)
{
    struct sc *sc = sys_cap(ec, SYS_A1(r), KOBJ_SC, CAIRN_R_SC_CTRL);
    uint64_t op = SYS_A2(r), a3 = SYS_A3(r), a4 = SYS_A4(r);
    if (op == CAIRN_SC_TIME) {
        SYS_RESULT(r, sc_consumed(sc));
        ec_sys_ret(ec, CAIRN_OK);
    }
    if (op == CAIRN_SC_BUDGET) { /* once: 100 us <= budget <= period <= 10 s */
        REFUSE_IF(a3 < 100 || a3 > a4 || a4 > 10000000, CAIRN_EPAR);
        REFUSE_IF(sc->acct, CAIRN_EEXIST);
        sc_set_budget(sc, a3 * hip_tsc_khz / 1000, a4 * hip_tsc_khz / 1000);
        ec_sys_ret(ec, CAIRN_OK);
    }
    if (op == CAIRN_SC_SHARE) { /* an SC without a budget joins one with its own, on its CPU */
        struct sc *a = sys_cap(ec, a3, KOBJ_SC, CAIRN_R_SC_CTRL);
        REFUSE_IF(a->acct != a || a->cpu != sc->cpu, CAIRN_EPAR);
        REFUSE_IF(sc->acct, CAIRN_EEXIST);
        sc_share(sc, a);
        ec_sys_ret(ec, CAIRN_OK);
    }
    sys_refuse(ec, CAIRN_ESYS, "no such sc_ctrl operation");
}

static _Noreturn void sys_sm_ctrl(struct ec *ec, struct regs *r)
{
    uint64_t op = SYS_A2(r);
    if (op > CAIRN_SM_ZERO) {
        sys_cap(ec, SYS_A1(r), KOBJ_SM, 0);
        sys_refuse(ec, CAIRN_ESYS, "no such sm_ctrl operation");
    }
    struct sm *sm = sys_cap(ec, SYS_A1(r), KOBJ_SM, op == CAIRN_SM_UP ? CAIRN_R_SM_UP : CAIRN_R_SM_DOWN);
    if (op == CAIRN_SM_UP) {
        CHECK(sm_up(sm));
        ec_sys_ret(ec, CAIRN_OK);
    }
    sm_down(sm, ec, SYS_A3(r), op == CAIRN_SM_ZERO);
    __builtin_unreachable();
}

static _Noreturn void sys_pd_ctrl(struct ec *ec, struct regs *r)
{
    struct pd *pd = sys_cap(ec, SYS_A1(r), KOBJ_PD, CAIRN_R_PD_CTRL);
    if (SYS_A2(r) == CAIRN_PD_KMEM) { /* the account's bytes in use (after freeing what can be) */
        kobj_get(&pd->k); /* the reclaim may free what held our capability to it */
        kobj_reclaim();
        SYS_RESULT(r, pd->acct ? pd->acct->used : 0);
        kobj_put(&pd->k);
        ec_sys_ret(ec, CAIRN_OK);
    }
    if (SYS_A2(r) == CAIRN_PD_POOL) {
        kobj_reclaim();
        SYS_RESULT(r, palloc_free_pages() * PALLOC_PAGE_SIZE);
        ec_sys_ret(ec, CAIRN_OK);
    }
    REFUSE_IF(SYS_A2(r) != CAIRN_PD_KILL, CAIRN_ESYS);
    pd_kill(pd, "killed by PD '%s'", ec->pd->name);
    kobj_reclaim();
    if (ec->dead)
        sched_dispatch(); /* it killed itself */
    ec_sys_ret(ec, CAIRN_OK);
}

static _Noreturn void sys_irq_ctrl(struct ec *ec, struct regs *r)
{
    struct sm *sm = sys_cap(ec, SYS_A1(r), KOBJ_SM, CAIRN_R_SM_UP | CAIRN_R_SM_DOWN);
    REFUSE_IF(SYS_A2(r) >= cpu_count, CAIRN_ECPU);
    CHECK(irq_assign(sm, (unsigned)SYS_A2(r)));
    ec_sys_ret(ec, CAIRN_OK);
}

/* entry.S calls sys_table[rax[7:0]](current EC, frame), or syscall_bad
 * for a number beyond it. */
const sys_fn sys_table[CAIRN_SYS_COUNT] = {
    [CAIRN_SYS_CALL] = sys_call,           [CAIRN_SYS_REPLY] = sys_reply, /* ipc.c */
    [CAIRN_SYS_CREATE_PD] = sys_create_pd, [CAIRN_SYS_CREATE_EC] = sys_create_ec,
    [CAIRN_SYS_CREATE_SC] = sys_create_sc, [CAIRN_SYS_CREATE_PT] = sys_create_pt,
    [CAIRN_SYS_CREATE_SM] = sys_create_sm, [CAIRN_SYS_DELEGATE] = sys_delegate,
    [CAIRN_SYS_REVOKE] = sys_revoke,       [CAIRN_SYS_LOOKUP] = sys_lookup,
    [CAIRN_SYS_EC_CTRL] = sys_ec_ctrl,     [CAIRN_SYS_SC_CTRL] = sys_sc_ctrl,
    [CAIRN_SYS_SM_CTRL] = sys_sm_ctrl,     [CAIRN_SYS_PD_CTRL] = sys_pd_ctrl,
    [CAIRN_SYS_IRQ_CTRL] = sys_irq_ctrl,
};

_Static_assert(CAIRN_SYS_COUNT == CAIRN_SYS_COUNT_ASM, "asm.h");
_Static_assert(CAIRN_SYS_CALL == 0 && CAIRN_SYS_REPLY == CAIRN_SYS_REPLY_ASM, "entry.S");

_Noreturn void syscall_bad(struct ec *ec, struct regs *r);
_Noreturn void syscall_bad(struct ec *ec, struct regs *r)
{
    unsigned nr = SYS_NR(r);
    REFUSE_IF(nr >= CAIRN_SYS_COUNT, CAIRN_ESYS);
    panic("syscall_bad: system call %u is in the table", nr);
}
