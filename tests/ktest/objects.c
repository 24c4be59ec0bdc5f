/*
 * Tests: system-call entry, object creation, capabilities and rights,
 * lookup, object delegation and revocation.
 */
#define KTEST_AREA 1
#include "ktest.h"

#include <cairn/pd.h>

#define OBJ_CRD(sel, order, rights) CAIRN_CRD(CAIRN_CRD_OBJ, sel, order, rights)

static uint64_t obj_sm(uint64_t count)
{
    uint64_t s = kt_sel();

    return cairn_create_sm(s, CAIRN_ROOT_SEL_PD, count) == CAIRN_OK ? s : 0;
}

/* A copy of the root's capability `sel` with only `rights`. */
static uint64_t obj_weak(uint64_t sel, unsigned rights)
{
    uint64_t s = kt_sel();

    return cairn_obj_delegate(CAIRN_ROOT_SEL_PD, sel, s, rights) == CAIRN_OK ? s : 0;
}

TEST(sys_bad_number)
{
    KT_ST(cairn_syscall6(CAIRN_SYS_COUNT, 0, 0, 0, 0, 0, 0, 0), CAIRN_ESYS);
    KT_ST(cairn_syscall6(0x80, 1, 2, 3, 4, 5, 6, 0), CAIRN_ESYS);
    KT_ST(cairn_syscall6(0xff, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, 0), CAIRN_ESYS);
}

TEST(sys_bad_op)
{
    uint64_t sm = obj_sm(0);

    KT_CHECK(sm, "no semaphore");
    KT_ST(cairn_syscall(CAIRN_SYS_EC_CTRL, 0, CAIRN_ROOT_SEL_EC, 7, 0, 0, 0, 0), CAIRN_ESYS);
    KT_ST(cairn_syscall(CAIRN_SYS_SC_CTRL, 0, CAIRN_ROOT_SEL_SC, 7, 0, 0, 0, 0), CAIRN_ESYS);
    KT_ST(cairn_syscall(CAIRN_SYS_SM_CTRL, 0, sm, 3, 0, 0, 0, 0), CAIRN_ESYS);
    KT_ST(cairn_syscall(CAIRN_SYS_SM_CTRL, 0, sm, ~0ull, 0, 0, 0, 0), CAIRN_ESYS);
}

/* Every register but rax, rcx, r11 (and rsi where a call returns a word)
 * must survive a system call, successful or not. */
static const char *const obj_reg_names[13] = { "rax", "rdi", "rsi", "rdx", "r10", "r8", "r9",
                                               "rbx", "rbp", "r12", "r13", "r14", "r15" };

static int obj_regs_check(uint64_t rax, uint64_t rdi, uint64_t rsi, int rsi_result,
                          uint64_t want)
{
    uint64_t in[13], out[13];

    for (unsigned i = 0; i < 13; i++)
        in[i] = 0x0101010101010101ull * (i + 1) ^ 0x8000000000000000ull;
    in[0] = rax, in[1] = rdi, in[2] = rsi, in[3] = 0;
    kt_regs_syscall(in, out);
    if (out[0] != want) {
        kt_fail(__FILE__, __LINE__, "nr %lu: %s, want %s", rax & 0xff, kt_st(out[0]),
                kt_st(want));
        return 0;
    }
    for (unsigned i = 1; i < 13; i++) {
        if ((i == 2 && rsi_result) || out[i] == in[i])
            continue;
        kt_fail(__FILE__, __LINE__, "nr %lu: %s changed to %#lx", rax & 0xff, obj_reg_names[i],
                out[i]);
        return 0;
    }
    return 1;
}

TEST(sys_regs_preserved)
{
    uint64_t sm = obj_sm(0);

    KT_CHECK(sm, "no semaphore");
    KT_CHECK(obj_regs_check(CAIRN_SYS_SM_CTRL, sm, CAIRN_SM_UP, 0, CAIRN_OK), "sm_up");
    KT_CHECK(obj_regs_check(200, 1, 2, 0, CAIRN_ESYS), "bad number");
    KT_CHECK(obj_regs_check(CAIRN_SYS_SM_CTRL, 1u << 20, CAIRN_SM_UP, 0, CAIRN_ECAP), "ECAP");
    KT_CHECK(obj_regs_check(CAIRN_SYS_LOOKUP, OBJ_CRD(sm, 0, 0), 0, 1, CAIRN_OK), "lookup");
    KT_CHECK(obj_regs_check(CAIRN_SYS_SC_CTRL, CAIRN_ROOT_SEL_SC, 0, 1, CAIRN_OK), "sc_ctrl");
}

TEST(cap_bad_selector)
{
    uint64_t empty = kt_sel();

    KT_ST(cairn_sm_up(empty), CAIRN_ECAP);
    KT_ST(cairn_sm_up(1ull << CAIRN_ROOT_CAP_ORDER), CAIRN_ECAP);
    KT_ST(cairn_sm_up(1ull << 40), CAIRN_ECAP);
    KT_ST(cairn_sm_up(~0ull), CAIRN_ECAP);
    KT_ST(cairn_call(empty), CAIRN_ECAP);
    KT_ST(cairn_call(~0ull), CAIRN_ECAP);
    KT_ST(cairn_create_sm(kt_sel(), empty, 0), CAIRN_ECAP);
    KT_ST(cairn_ec_recall(empty), CAIRN_ECAP);
    KT_ST(cairn_delegate(empty, CAIRN_ROOT_SEL_PD, OBJ_CRD(CAIRN_ROOT_SEL_EC, 0, 1), kt_sel(), 0),
          CAIRN_ECAP);
}

TEST(cap_wrong_type)
{
    uint64_t sm = obj_sm(0), t;

    KT_CHECK(sm, "no semaphore");
    KT_ST(cairn_sm_up(CAIRN_ROOT_SEL_PD), CAIRN_ETYPE);
    KT_ST(cairn_call(CAIRN_ROOT_SEL_EC), CAIRN_ETYPE);
    KT_ST(cairn_call(sm), CAIRN_ETYPE);
    KT_ST(cairn_sc_time(CAIRN_ROOT_SEL_EC, &t), CAIRN_ETYPE);
    KT_ST(cairn_ec_recall(CAIRN_ROOT_SEL_SC), CAIRN_ETYPE);
    KT_ST(cairn_create_sm(kt_sel(), CAIRN_ROOT_SEL_EC, 0), CAIRN_ETYPE);
    KT_ST(cairn_create_sc(kt_sel(), CAIRN_ROOT_SEL_PD, sm, 1, 1000), CAIRN_ETYPE);
    KT_ST(cairn_create_pt(kt_sel(), CAIRN_ROOT_SEL_PD, sm, 0, 0x400000, 0), CAIRN_ETYPE);
    KT_ST(cairn_revoke(sm, OBJ_CRD(sm, 0, 0), 0), CAIRN_ETYPE);
}

TEST(cap_dst_in_use)
{
    KT_ST(cairn_create_sm(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, 0), CAIRN_EEXIST);
    KT_ST(cairn_create_sm(CAIRN_ROOT_SEL_SC, CAIRN_ROOT_SEL_PD, 0), CAIRN_EEXIST);
    KT_ST(cairn_create_pd(CAIRN_ROOT_SEL_EC, CAIRN_ROOT_SEL_PD, 4, "x"), CAIRN_EEXIST);
    KT_ST(cairn_create_sm(KT_SEL_PARK, CAIRN_ROOT_SEL_PD, 0), CAIRN_EEXIST);
    /* Out of the space: a selector out of range. */
    KT_ST(cairn_create_sm(1ull << CAIRN_ROOT_CAP_ORDER, CAIRN_ROOT_SEL_PD, 0), CAIRN_ECAP);
    KT_ST(cairn_create_sm(~0ull, CAIRN_ROOT_SEL_PD, 0), CAIRN_ECAP);
}

TEST(create_sm)
{
    uint64_t sm = obj_sm(2), c;

    KT_CHECK(sm, "create_sm failed");
    KT_OK(cairn_lookup(OBJ_CRD(sm, 0, 0), &c));
    KT_EQ(CAIRN_CRD_TYPE(c), CAIRN_CRD_OBJ);
    KT_EQ(CAIRN_CRD_RIGHTS(c), CAIRN_R_ALL);
    KT_OK(cairn_sm_down(sm, 1));
    KT_OK(cairn_sm_down(sm, 1));
    KT_ST(cairn_sm_down(sm, 1), CAIRN_ETIMEOUT);
}

TEST(create_pd)
{
    uint64_t pd = kt_sel(), c;

    KT_OK(cairn_create_pd(pd, CAIRN_ROOT_SEL_PD, 4, "t-pd"));
    KT_OK(cairn_lookup(OBJ_CRD(pd, 0, 0), &c));
    /* CREATE and CTRL, but never HOST: that stays with the root's PD. */
    KT_EQ(CAIRN_CRD_RIGHTS(c) & (CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL | CAIRN_R_PD_HOST),
          CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL);
    KT_ST(cairn_create_pd(kt_sel(), CAIRN_ROOT_SEL_PD, 0, "x"), CAIRN_EPAR);
    KT_ST(cairn_create_pd(kt_sel(), CAIRN_ROOT_SEL_PD, CAIRN_CAP_ORDER_MAX + 1, "x"), CAIRN_EPAR);
    KT_ST(cairn_create_pd(kt_sel(), CAIRN_ROOT_SEL_PD, 64, "x"), CAIRN_EPAR);
    KT_OK(cairn_create_pd(kt_sel(), CAIRN_ROOT_SEL_PD, 1, "tiny"));
    /* A PD capability carries CREATE: objects may be made in the child. */
    KT_OK(cairn_create_pd(kt_sel(), pd, 2, "nested"));
    KT_OK(cairn_create_sm(kt_sel(), pd, 0));
}

TEST(create_ec)
{
    uint64_t pd, u = cairn_utcb_va_alloc(), sm = obj_sm(0);

    KT_OK(kt_child_create(&pd, "t-ec", 0));
    KT_OK(cairn_create_ec(kt_sel(), pd, 0, u, KT_SCRATCH, 0, 0, 0));
    /* The UTCB range must be free in the PD. */
    KT_ST(cairn_create_ec(kt_sel(), pd, 0, u, KT_SCRATCH, 0, 0, 0), CAIRN_EEXIST);
    KT_ST(cairn_create_ec(kt_sel(), pd, 0, (uintptr_t)__text_start, 0, 0, 0, 0), CAIRN_EEXIST);
    KT_ST(cairn_create_ec(kt_sel(), pd, 0, cairn_utcb_va_alloc() + 8, 0, 0, 0, 0), CAIRN_EPAR);
    KT_ST(cairn_create_ec(kt_sel(), pd, 0, CAIRN_USER_END, 0, 0, 0, 0), CAIRN_EPAR);
    KT_ST(cairn_create_ec(kt_sel(), pd, 0, 0xffff800000000000ull, 0, 0, 0, 0), CAIRN_EPAR);
    KT_ST(cairn_create_ec(kt_sel(), pd, 0xfff0, cairn_utcb_va_alloc(), 0, 0, 0, 0), CAIRN_ECPU);
    KT_ST(cairn_create_ec(kt_sel(), sm, 0, cairn_utcb_va_alloc(), 0, 0, 0, 0), CAIRN_ETYPE);
    KT_OK(cairn_create_ec(kt_sel(), pd, 0, cairn_utcb_va_alloc(), KT_SCRATCH, 0,
                          (uintptr_t)kt_park_thread, 1));
}

TEST(create_sc)
{
    static struct cairn_ec t;
    uint64_t sm = obj_sm(0), local = kt_sel();

    KT_OK(kt_thread(&t, CAIRN_ROOT_SEL_PD, kt_park_thread, 0, 0));
    KT_ST(cairn_create_sc(kt_sel(), CAIRN_ROOT_SEL_PD, t.ec, 0, 1000), CAIRN_EPAR);
    KT_ST(cairn_create_sc(kt_sel(), CAIRN_ROOT_SEL_PD, t.ec, CAIRN_PRIO_MAX + 1, 1000),
          CAIRN_EPAR);
    KT_ST(cairn_create_sc(kt_sel(), CAIRN_ROOT_SEL_PD, t.ec, 1, 99), CAIRN_EPAR);
    KT_ST(cairn_create_sc(kt_sel(), CAIRN_ROOT_SEL_PD, sm, 1, 1000), CAIRN_ETYPE);
    KT_OK(cairn_create_sc(kt_sel(), CAIRN_ROOT_SEL_PD, t.ec, 1, 1000));
    /* An EC takes at most one SC. */
    KT_ST(cairn_create_sc(kt_sel(), CAIRN_ROOT_SEL_PD, t.ec, 1, 1000), CAIRN_EEXIST);
    /* A local EC (portal handler) never gets an SC. */
    KT_OK(cairn_create_ec(local, CAIRN_ROOT_SEL_PD, 0, cairn_utcb_va_alloc(), 0, 0, 0, 0));
    KT_CHECK(cairn_create_sc(kt_sel(), CAIRN_ROOT_SEL_PD, local, 1, 1000) != CAIRN_OK,
             "SC bound to a local EC");
    /* Without the EC's SC right. */
    uint64_t weak = obj_weak(t.ec, CAIRN_R_EC_CTRL | CAIRN_R_EC_PT);
    KT_ST(cairn_create_sc(kt_sel(), CAIRN_ROOT_SEL_PD, weak, 1, 1000), CAIRN_EPERM);
}

static void obj_nop_handler(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    u->untyped = u->typed = 0;
    cairn_reply(0);
}

TEST(create_pt)
{
    static struct cairn_ec h, t;
    uint64_t pt = kt_sel();

    KT_OK(cairn_handler_create(&h, CAIRN_ROOT_SEL_PD, 0, obj_nop_handler, 0));
    KT_OK(cairn_create_pt(pt, CAIRN_ROOT_SEL_PD, h.ec, 0, (uintptr_t)cairn_portal_entry, 5));
    cairn_utcb_main->untyped = 0;
    KT_OK(cairn_call(pt));
    /* Portals lead to local ECs only. */
    KT_OK(kt_thread(&t, CAIRN_ROOT_SEL_PD, kt_park_thread, 0, 0));
    KT_CHECK(cairn_create_pt(kt_sel(), CAIRN_ROOT_SEL_PD, t.ec, 0, 0x400000, 0) != CAIRN_OK,
             "portal to a global EC");
    uint64_t weak = obj_weak(h.ec, CAIRN_R_EC_CTRL | CAIRN_R_EC_SC);
    KT_ST(cairn_create_pt(kt_sel(), CAIRN_ROOT_SEL_PD, weak, 0, 0x400000, 0), CAIRN_EPERM);
    /* A portal capability without CALL. */
    KT_ST(cairn_call(obj_weak(pt, 0x1e)), CAIRN_EPERM);
}

TEST(perm_pd)
{
    uint64_t weak = obj_weak(CAIRN_ROOT_SEL_PD, CAIRN_R_PD_CTRL);
    uint64_t sm = obj_sm(0);

    KT_CHECK(weak && sm, "setup");
    KT_ST(cairn_create_sm(kt_sel(), weak, 0), CAIRN_EPERM);
    KT_ST(cairn_create_pd(kt_sel(), weak, 2, "x"), CAIRN_EPERM);
    /* Delegating needs CTRL on both PDs. */
    uint64_t nctrl = obj_weak(CAIRN_ROOT_SEL_PD, CAIRN_R_PD_CREATE);
    KT_ST(cairn_delegate(nctrl, CAIRN_ROOT_SEL_PD, OBJ_CRD(sm, 0, CAIRN_R_ALL), kt_sel(), 0),
          CAIRN_EPERM);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, nctrl, OBJ_CRD(sm, 0, CAIRN_R_ALL), kt_sel(), 0),
          CAIRN_EPERM);
    KT_ST(cairn_revoke(nctrl, OBJ_CRD(sm, 0, 0), 0), CAIRN_EPERM);
    KT_OK(cairn_delegate(weak, weak, OBJ_CRD(sm, 0, CAIRN_R_ALL), kt_sel(), 0));
}

TEST(perm_sm_sc_ec)
{
    uint64_t sm = obj_sm(0), t;
    uint64_t up = obj_weak(sm, CAIRN_R_SM_UP), down = obj_weak(sm, CAIRN_R_SM_DOWN);

    KT_CHECK(up && down, "setup");
    KT_OK(cairn_sm_up(up));
    KT_ST(cairn_sm_down(up, 1), CAIRN_EPERM);
    KT_ST(cairn_sm_zero(up, 1), CAIRN_EPERM);
    KT_ST(cairn_sm_up(down), CAIRN_EPERM);
    KT_OK(cairn_sm_down(down, 1));
    KT_ST(cairn_sc_time(obj_weak(CAIRN_ROOT_SEL_SC, 0x1e), &t), CAIRN_EPERM);
    KT_ST(cairn_ec_recall(obj_weak(CAIRN_ROOT_SEL_EC, CAIRN_R_EC_SC | CAIRN_R_EC_PT)),
          CAIRN_EPERM);
    /* Rights only shrink: a weak copy of a weak copy stays weak. */
    uint64_t again = kt_sel(), c;
    KT_OK(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, OBJ_CRD(up, 0, CAIRN_R_ALL), again,
                         0));
    KT_OK(cairn_lookup(OBJ_CRD(again, 0, 0), &c));
    KT_EQ(CAIRN_CRD_RIGHTS(c), CAIRN_R_SM_UP);
    KT_ST(cairn_sm_down(again, 1), CAIRN_EPERM);
}

TEST(lookup_obj)
{
    uint64_t c = 1;

    KT_OK(cairn_lookup(OBJ_CRD(CAIRN_ROOT_SEL_PD, 0, 0), &c));
    KT_EQ(CAIRN_CRD_TYPE(c), CAIRN_CRD_OBJ);
    KT_CHECK(CAIRN_CRD_BASE(c) <= CAIRN_ROOT_SEL_PD &&
                 CAIRN_ROOT_SEL_PD < CAIRN_CRD_BASE(c) + (1ull << CAIRN_CRD_ORDER(c)),
             "crd %#lx does not hold the selector", c);
    KT_EQ(CAIRN_CRD_RIGHTS(c), CAIRN_R_ALL);
    c = 1;
    KT_OK(cairn_lookup(OBJ_CRD(kt_sel(), 0, 0), &c));
    KT_EQ(c, 0);
    c = 1;
    KT_OK(cairn_lookup(OBJ_CRD(1ull << 30, 0, 0), &c));
    KT_EQ(c, 0);
}

TEST(lookup_mem)
{
    uint64_t c, page = (uintptr_t)__text_start >> 12;

    KT_OK(cairn_lookup(CAIRN_CRD(CAIRN_CRD_MEM, page, 0, 0), &c));
    KT_EQ(CAIRN_CRD_TYPE(c), CAIRN_CRD_MEM);
    KT_CHECK(CAIRN_CRD_BASE(c) <= page && page < CAIRN_CRD_BASE(c) + (1ull << CAIRN_CRD_ORDER(c)),
             "crd %#lx does not hold page %#lx", c, page);
    KT_CHECK((CAIRN_CRD_RIGHTS(c) & (CAIRN_MEM_R | CAIRN_MEM_X)) == (CAIRN_MEM_R | CAIRN_MEM_X),
             "text rights %#x", CAIRN_CRD_RIGHTS(c));
    KT_CHECK(!(CAIRN_CRD_RIGHTS(c) & CAIRN_MEM_W), "text is writable");
    KT_OK(cairn_lookup(CAIRN_CRD(CAIRN_CRD_MEM, (uintptr_t)__data_start >> 12, 0, 0), &c));
    KT_CHECK(CAIRN_CRD_RIGHTS(c) & CAIRN_MEM_W, "data rights %#x", CAIRN_CRD_RIGHTS(c));
    KT_OK(cairn_lookup(CAIRN_CRD(CAIRN_CRD_MEM, (uintptr_t)__rodata_start >> 12, 0, 0), &c));
    KT_CHECK(!(CAIRN_CRD_RIGHTS(c) & CAIRN_MEM_W), "rodata is writable");
    KT_OK(cairn_lookup(CAIRN_CRD(CAIRN_CRD_MEM, 1, 0, 0), &c));
    KT_EQ(c, 0);
    KT_OK(cairn_lookup(CAIRN_CRD(CAIRN_CRD_MEM, CAIRN_ROOT_HIP >> 12, 0, 0), &c));
    KT_CHECK(c && !(CAIRN_CRD_RIGHTS(c) & CAIRN_MEM_W), "HIP crd %#lx", c);
    /* COM1, delegated to the root by cairn_log_init. */
    KT_OK(cairn_lookup(CAIRN_CRD(CAIRN_CRD_IO, 0x3f9, 0, 0), &c));
    KT_EQ(CAIRN_CRD_TYPE(c), CAIRN_CRD_IO);
}

TEST(delegate_obj)
{
    static struct kt_agent a;
    uint64_t sm = obj_sm(0);

    KT_OK(kt_agent_start(&a, "t-del", 0));
    KT_OK(cairn_obj_delegate(a.pd, sm, KT_CSEL_FREE, CAIRN_R_SM_UP));
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_SM_CTRL, KT_CSEL_FREE, CAIRN_SM_UP, 0, 0, 0, 0, 0), CAIRN_OK);
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_SM_CTRL, KT_CSEL_FREE, CAIRN_SM_DOWN, 1, 0, 0, 0, 0),
          CAIRN_EPERM);
    KT_OK(cairn_sm_down(sm, 1)); /* the child's up arrived */
    /* Destination taken; source range misaligned; source empty. */
    KT_ST(cairn_obj_delegate(a.pd, sm, KT_CSEL_FREE, CAIRN_R_ALL), CAIRN_EEXIST);
    uint64_t blk = cairn_sel_alloc(1);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, OBJ_CRD(blk + 1, 1, CAIRN_R_ALL),
                         KT_CSEL_FREE + 2, 0),
          CAIRN_EPAR);
    /* An empty source slot. */
    KT_ST(cairn_obj_delegate(a.pd, kt_sel(), KT_CSEL_FREE + 3, CAIRN_R_ALL), CAIRN_ECAP);
    /* A destination PD that is not a PD. */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, sm, OBJ_CRD(sm, 0, CAIRN_R_ALL), 0, 0), CAIRN_ETYPE);
}

TEST(revoke_obj)
{
    static struct kt_agent a;
    uint64_t sm = obj_sm(0);

    KT_OK(kt_agent_start(&a, "t-rev", 0));
    KT_OK(cairn_obj_delegate(a.pd, sm, KT_CSEL_FREE, CAIRN_R_ALL));
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_SM_CTRL, KT_CSEL_FREE, CAIRN_SM_UP, 0, 0, 0, 0, 0), CAIRN_OK);
    KT_ST(cairn_revoke(CAIRN_ROOT_SEL_PD, OBJ_CRD(sm, 0, CAIRN_R_ALL), 0), CAIRN_EPAR);
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, OBJ_CRD(sm, 0, 0), 0));
    /* The child's copy is gone, the root's stays. */
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_SM_CTRL, KT_CSEL_FREE, CAIRN_SM_UP, 0, 0, 0, 0, 0),
          CAIRN_ECAP);
    KT_OK(cairn_sm_up(sm));
    /* The slot is free again in the child. */
    KT_OK(cairn_obj_delegate(a.pd, sm, KT_CSEL_FREE, CAIRN_R_ALL));
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, OBJ_CRD(sm, 0, 0), CAIRN_REV_F_SELF));
    KT_ST(cairn_sm_up(sm), CAIRN_ECAP);
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_SM_CTRL, KT_CSEL_FREE, CAIRN_SM_UP, 0, 0, 0, 0, 0),
          CAIRN_ECAP);
}

/* root -> A -> B: revoking at the root removes B's copy too. */
TEST(revoke_obj_transitive)
{
    static struct kt_agent a, b;
    uint64_t sm = obj_sm(0), up = CAIRN_SYS_SM_CTRL;

    KT_OK(kt_agent_start(&a, "t-reva", KT_CHILD_SELF));
    KT_OK(kt_agent_start(&b, "t-revb", 0));
    KT_OK(cairn_obj_delegate(a.pd, sm, KT_CSEL_FREE, CAIRN_R_ALL));
    KT_OK(cairn_obj_delegate(a.pd, b.pd, KT_CSEL_FREE + 1, CAIRN_R_PD_CTRL));
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_DELEGATE, KT_CSEL_SELF, KT_CSEL_FREE + 1,
                       OBJ_CRD(KT_CSEL_FREE, 0, CAIRN_R_ALL), KT_CSEL_FREE, 0, 0, 0),
          CAIRN_OK);
    KT_ST(kt_agent_sys(&b, up, KT_CSEL_FREE, CAIRN_SM_UP, 0, 0, 0, 0, 0), CAIRN_OK);
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, OBJ_CRD(sm, 0, 0), 0));
    KT_ST(kt_agent_sys(&b, up, KT_CSEL_FREE, CAIRN_SM_UP, 0, 0, 0, 0, 0), CAIRN_ECAP);
    KT_ST(kt_agent_sys(&a, up, KT_CSEL_FREE, CAIRN_SM_UP, 0, 0, 0, 0, 0), CAIRN_ECAP);
}

/* A PD with a 2-selector space: both slots fill, nothing fits beyond. */
TEST(cap_space_full)
{
    uint64_t pd = kt_sel(), sm = obj_sm(0);

    KT_OK(cairn_create_pd(pd, CAIRN_ROOT_SEL_PD, 1, "tiny"));
    KT_OK(cairn_obj_delegate(pd, sm, 0, CAIRN_R_ALL));
    KT_OK(cairn_obj_delegate(pd, sm, 1, CAIRN_R_ALL));
    KT_ST(cairn_obj_delegate(pd, sm, 0, CAIRN_R_ALL), CAIRN_EEXIST);
    /* Selectors beyond the capability space: ECAP. */
    KT_ST(cairn_obj_delegate(pd, sm, 2, CAIRN_R_ALL), CAIRN_ECAP);
    KT_ST(cairn_obj_delegate(pd, sm, 1ull << 17, CAIRN_R_ALL), CAIRN_ECAP);
    uint64_t blk = cairn_sel_alloc(1);
    KT_OK(cairn_create_sm(blk, CAIRN_ROOT_SEL_PD, 0));
    KT_OK(cairn_create_sm(blk + 1, CAIRN_ROOT_SEL_PD, 0));
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, pd, OBJ_CRD(blk, 1, CAIRN_R_ALL), 2, 0), CAIRN_ECAP);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, pd, OBJ_CRD(blk, 1, CAIRN_R_ALL), 0, 0), CAIRN_EEXIST);
    /* Objects created in it need a destination in the caller's space,
     * so the full child space does not matter for them. */
    KT_OK(cairn_create_sm(kt_sel(), pd, 0));
}

/* A delegation chain 1000 deep (root to root, each copy from the last):
 * revoking its start removes all of it. */
TEST(revoke_obj_deep)
{
    uint64_t sm = kt_sel(), first = 0, prev = sm, last = 0;

    KT_OK(cairn_create_sm(sm, CAIRN_ROOT_SEL_PD, 0));
    for (unsigned i = 0; i < 1000; i++) {
        uint64_t s = kt_sel();
        KT_CHECK(s, "out of selectors");
        KT_OK(cairn_obj_delegate(CAIRN_ROOT_SEL_PD, prev, s, CAIRN_R_ALL));
        first = first ? first : s;
        prev = last = s;
    }
    KT_OK(cairn_sm_up(last));
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, OBJ_CRD(first, 0, 0), 0));
    KT_OK(cairn_sm_up(first));
    KT_ST(cairn_sm_up(first + 1), CAIRN_ECAP);
    KT_ST(cairn_sm_up(last), CAIRN_ECAP);
    KT_OK(cairn_sm_down(sm, 1));
}

TEST(pd_ctrl_kill)
{
    static struct kt_agent a;
    uint64_t weak;

    KT_OK(kt_agent_start(&a, "victim", 0));
    KT_OK(kt_agent_op(&a, KT_AG_ECHO, 0, 0));
    weak = obj_weak(a.pd, CAIRN_R_PD_CREATE);
    KT_CHECK(weak, "setup");
    KT_ST(cairn_pd_kill(weak), CAIRN_EPERM);
    KT_ST(cairn_syscall(CAIRN_SYS_PD_CTRL, 0, a.pd, 7, 0, 0, 0, 0), CAIRN_ESYS);
    KT_ST(cairn_pd_kill(kt_sel()), CAIRN_ECAP);
    KT_ST(cairn_pd_kill(CAIRN_ROOT_SEL_SC), CAIRN_ETYPE);
    KT_OK(cairn_pd_kill(a.pd));
    /* Its server is gone: calls abort; a second kill is harmless. */
    KT_ST(kt_agent_op(&a, KT_AG_ECHO, 0, 0), CAIRN_EABORT);
    KT_OK(cairn_pd_kill(a.pd));
}

TEST(perm_pd_sc)
{
    struct cairn_ec t;
    uint64_t pd, nosc;

    KT_OK(kt_child_create(&pd, "no-sc", 0));
    nosc = obj_weak(pd, CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL);
    KT_CHECK(nosc, "setup");
    /* Threads may be made with CREATE, but their time needs PD_SC. */
    KT_OK(kt_thread(&t, pd, kt_park_thread, 0, 0));
    KT_ST(cairn_create_sc(kt_sel(), nosc, t.ec, 1, KT_QUANTUM_US), CAIRN_EPERM);
    KT_OK(cairn_create_sc(kt_sel(), pd, t.ec, 1, KT_QUANTUM_US));
}

/* A PD made through a capability without PD_SC or PD_VM gets neither:
 * no component makes itself priorities or VMs its parent did not give. */
TEST(perm_pd_inherit)
{
    uint64_t weak = obj_weak(CAIRN_ROOT_SEL_PD, CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL);
    uint64_t child = kt_sel(), strong = kt_sel(), c;

    KT_CHECK(weak, "setup");
    KT_OK(cairn_create_pd(child, weak, 4, "t-weak"));
    KT_OK(cairn_lookup(OBJ_CRD(child, 0, 0), &c));
    KT_EQ(CAIRN_CRD_RIGHTS(c), CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL);
    KT_ST(cairn_create_sc(kt_sel(), child, CAIRN_ROOT_SEL_EC, 127, KT_QUANTUM_US), CAIRN_EPERM);
    KT_ST(cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_VM, kt_sel(), weak, 4,
                        cairn_name_pack("t-vm"), 0, 0),
          CAIRN_EPERM);
    KT_ST(cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_VM, kt_sel(), child, 4,
                        cairn_name_pack("t-vm"), 0, 0),
          CAIRN_EPERM);
    /* its own children inherit no more */
    KT_OK(cairn_create_pd(kt_sel(), child, 2, "t-grand"));
    /* through the root's own capability the rights are passed on */
    KT_OK(cairn_create_pd(strong, CAIRN_ROOT_SEL_PD, 4, "t-strong"));
    KT_OK(cairn_lookup(OBJ_CRD(strong, 0, 0), &c));
    KT_EQ(CAIRN_CRD_RIGHTS(c), CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL | CAIRN_R_PD_SC | CAIRN_R_PD_VM);
}

TEST(irq_ctrl)
{
    uint64_t gsi = CAIRN_ROOT_SEL_GSI + 5, weak, sm = obj_sm(0);

    KT_CHECK(cairn_hip->gsi_count > 5, "only %u GSIs", cairn_hip->gsi_count);
    weak = obj_weak(gsi, CAIRN_R_SM_DOWN);
    KT_CHECK(weak && sm, "setup");
    KT_ST(cairn_irq_ctrl(sm, 0), CAIRN_EPAR);          /* not an interrupt's semaphore */
    KT_ST(cairn_irq_ctrl(gsi, 99), CAIRN_ECPU);
    KT_ST(cairn_irq_ctrl(weak, 0), CAIRN_EPERM);        /* waiting is not routing */
    KT_ST(cairn_irq_ctrl(kt_sel(), 0), CAIRN_ECAP);
    KT_ST(cairn_irq_ctrl(CAIRN_ROOT_SEL_GSI + cairn_hip->gsi_count, 0), CAIRN_ECAP);
    KT_ST(cairn_irq_ctrl(CAIRN_ROOT_SEL_SC, 0), CAIRN_ETYPE);
    KT_OK(cairn_irq_ctrl(gsi, 0));                      /* GSI 5: no device, stays quiet */
    KT_ST(cairn_sm_down(weak, cairn_deadline_us(1000)), CAIRN_ETIMEOUT);
}

/* A VM PD holds vCPUs only, and a vCPU lives only in a VM PD. */
TEST(create_vm_vcpu)
{
    uint64_t vm = kt_sel(), pd = kt_sel(), sm = obj_sm(0);

    KT_CHECK(sm, "setup");
    if (!kt_vcpus()) { /* a CPU without virtualization: no VM PDs at all */
        KT_ST(cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_VM, vm, CAIRN_ROOT_SEL_PD, 4,
                            cairn_name_pack("t-vm"), 0, 0), CAIRN_EFEAT);
        return;
    }
    KT_OK(cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_VM, vm, CAIRN_ROOT_SEL_PD, 4,
                        cairn_name_pack("t-vm"), 0, 0));
    KT_OK(cairn_create_pd(pd, CAIRN_ROOT_SEL_PD, 4, "t-novm"));
    /* vCPU in an ordinary PD, thread in a VM, vCPU with a UTCB or as GLOBAL */
    KT_ST(cairn_syscall(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU, kt_sel(), pd, 0, 0, 0, 0), CAIRN_EPAR);
    KT_ST(cairn_syscall(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_GLOBAL, kt_sel(), vm, 0x10000, 0x1000, 0,
                        0x1000),
          CAIRN_EPAR);
    KT_ST(cairn_syscall(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU, kt_sel(), vm, 0x10000, 0, 0, 0),
          CAIRN_EPAR);
    KT_ST(cairn_syscall(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU | CAIRN_EC_F_GLOBAL, kt_sel(), vm, 0,
                        0, 0, 0),
          CAIRN_EPAR);
    KT_ST(cairn_syscall(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU, kt_sel(), sm, 0, 0, 0, 0), CAIRN_ETYPE);
    /* A vCPU made right; without an SC it never runs, so no STARTUP event.
     * Under QEMU's TCG with several CPUs, CPU 0 takes none (svm.c). */
    if (cairn_hip->features & CAIRN_HIP_F_VCPU_CPU0_OFF) {
        KT_CHECK(cairn_hip->cpu_online > 1, "the CPU 0 erratum with one CPU");
        KT_ST(cairn_syscall(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU, kt_sel(), vm, 0, 0, 0, 0),
              CAIRN_ECPU);
        KT_OK(cairn_syscall6(CAIRN_SYS_RAX(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU, 1), kt_sel(), vm,
                             0, 0, 0, 0, 0));
    } else {
        KT_OK(cairn_syscall(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU, kt_sel(), vm, 0, 0, 0, 0));
    }
}

/* A PD with its own kernel memory quota: objects made in it are charged
 * there, and running out stops only it. */
TEST(kmem_quota)
{
    uint64_t pd = kt_sel(), st = CAIRN_OK, n = 0;

    KT_ST(cairn_create_pd_kmem(kt_sel(), CAIRN_ROOT_SEL_PD, 4, "t-tiny", 4096), CAIRN_EPAR);
    KT_ST(cairn_create_pd_kmem(kt_sel(), CAIRN_ROOT_SEL_PD, 4, "t-huge", 1ull << 40), CAIRN_ENOMEM);
    KT_OK(cairn_create_pd_kmem(pd, CAIRN_ROOT_SEL_PD, 4, "t-kmem", 64 * 1024));
    while (n < 100000 && (st = cairn_create_sm(kt_sel(), pd, 0)) == CAIRN_OK)
        n++;
    KT_ST(st, CAIRN_ENOMEM);
    KT_CHECK(n > 100 && n < 64 * 1024 / 16, "%lu semaphores fit in 64 KiB", n);
    /* The root's own account is untouched by that. */
    KT_OK(cairn_create_sm(kt_sel(), CAIRN_ROOT_SEL_PD, 0));
}

/* A PD with its own account, an EC and a semaphore in it, a portal of the
 * root's to that EC, a semaphore of the root's, a copy of the PD's
 * capability (a child of the first in the MDB). The same
 * selectors each time: a first use of a selector may take a capability
 * leaf, which stays. */
static uint64_t obj_sels[6];

static void obj_set(void)
{
    uint64_t *sel = obj_sels;
    for (unsigned i = 0; i < 6 && !sel[i]; i++)
        sel[i] = kt_sel();
    KT_OK(cairn_create_pd_kmem(sel[0], CAIRN_ROOT_SEL_PD, 4, "t-free", 64 * 1024));
    KT_OK(cairn_create_sm(sel[1], sel[0], 0));
    KT_OK(cairn_create_ec(sel[2], sel[0], 0, 0x10000, 0, 0, 0, 0));
    KT_OK(cairn_create_pt(sel[3], CAIRN_ROOT_SEL_PD, sel[2], 0, 0x1000, 0));
    KT_OK(cairn_create_sm(sel[4], CAIRN_ROOT_SEL_PD, 0));
    KT_OK(cairn_obj_delegate(CAIRN_ROOT_SEL_PD, sel[0], sel[5], CAIRN_R_PD_CTRL));
}

static void obj_drop(uint64_t sel)
{
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, OBJ_CRD(sel, 0, 0), CAIRN_REV_F_SELF));
}

/* The set once, dropped: the slab caches and capability leaves it needs
 * are there; the root account's use after it. */
static uint64_t obj_warm(void)
{
    uint64_t used = 0;
    obj_set();
    for (unsigned i = 0; i < 6; i++)
        cairn_revoke(CAIRN_ROOT_SEL_PD, OBJ_CRD(obj_sels[i], 0, 0), CAIRN_REV_F_SELF);
    cairn_pd_kmem(CAIRN_ROOT_SEL_PD, &used);
    return used;
}

/* Objects go with their last capability, their bytes back to the account
 * that paid, their memory back to the kernel's pool. */
TEST(free_last_cap)
{
    uint64_t *sel = obj_sels, used0 = obj_warm(), pool0, used, pool;

    KT_OK(cairn_pd_pool(CAIRN_ROOT_SEL_PD, &pool0));
    obj_set();
    KT_OK(cairn_pd_kmem(CAIRN_ROOT_SEL_PD, &used));
    KT_CHECK(used >= used0 + 64 * 1024, "root account %lu, was %lu", used, used0);
    /* The portal keeps the EC, the EC its PD: nothing goes yet. */
    obj_drop(sel[0]);
    obj_drop(sel[5]);
    obj_drop(sel[2]);
    KT_OK(cairn_pd_kmem(CAIRN_ROOT_SEL_PD, &used));
    KT_CHECK(used >= used0 + 64 * 1024, "PD freed while a portal holds its EC");
    obj_drop(sel[3]);
    obj_drop(sel[1]);
    obj_drop(sel[4]);
    KT_OK(cairn_pd_kmem(CAIRN_ROOT_SEL_PD, &used));
    KT_OK(cairn_pd_pool(CAIRN_ROOT_SEL_PD, &pool));
    KT_EQ(used, used0);
    KT_EQ(pool, pool0);
}

/* A killed PD goes once its last capability does, not before. */
TEST(free_killed_pd)
{
    uint64_t *sel = obj_sels, used0 = obj_warm(), used;

    obj_set();
    KT_OK(cairn_pd_kill(sel[0]));
    for (unsigned i = 1; i < 6; i++)
        obj_drop(sel[i]);
    KT_OK(cairn_pd_kmem(CAIRN_ROOT_SEL_PD, &used));
    KT_CHECK(used >= used0 + 64 * 1024, "PD freed while a capability is left");
    obj_drop(sel[0]);
    KT_OK(cairn_pd_kmem(CAIRN_ROOT_SEL_PD, &used));
    KT_EQ(used, used0);
}
