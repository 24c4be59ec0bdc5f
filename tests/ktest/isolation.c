/*
 * Tests: isolation between PDs. A child reaches only the memory, ports and
 * capabilities it was given, cannot use host delegation, and its death
 * leaves other children running while it takes along everything it
 * delegated onward.
 */
#define KTEST_AREA 6
#include "ktest.h"

#include <cairn/pd.h>

#define ISO_VA (KT_SCRATCH + 0x400000ull)

static volatile uint64_t iso_root_word = 0x600d;

static struct kt_agent *iso_agent(void)
{
    static struct kt_agent a;
    static int made;

    if (!made && kt_agent_start(&a, "iso", KT_AGENT_EVT | KT_CHILD_SELF) == CAIRN_OK)
        made = 1;
    return made ? &a : 0;
}

/* Reading addr in the agent faults, and the handler sees that address. */
static int iso_read_faults(struct kt_agent *a, uint64_t addr)
{
    uint64_t n = a->evt.count;

    return kt_agent_read(a, addr) == KT_FAULT_MARK && a->evt.count == n + 1 &&
           a->evt.addr == addr && a->evt.event == CAIRN_EVT_PF;
}

TEST(iso_root_memory)
{
    struct kt_agent *a = iso_agent();
    volatile uint64_t local = 1;

    KT_CHECK(a, "no agent");
    KT_CHECK(iso_read_faults(a, (uintptr_t)&iso_root_word), "read the root's data");
    KT_CHECK(iso_read_faults(a, (uintptr_t)&local), "read the root's stack");
    KT_CHECK(iso_read_faults(a, CAIRN_ROOT_HIP), "read the HIP");
    KT_CHECK(iso_read_faults(a, CAIRN_ROOT_UTCB), "read the root's UTCB");
    KT_CHECK(iso_read_faults(a, (uintptr_t)cairn_utcb_main + 8), "read the root's UTCB");
    /* Shared text is read-only in the child. */
    KT_EQ(kt_agent_write(a, (uintptr_t)kt_agent_serve, 0), KT_FAULT_MARK);
    KT_EQ(a->evt.addr, (uintptr_t)kt_agent_serve);
    KT_EQ(a->evt.err & 7, 7); /* present, write, user */
    KT_EQ(iso_root_word, 0x600d);
    KT_EQ(local, 1);
}

TEST(iso_other_child)
{
    static struct kt_agent b;
    struct kt_agent *a = iso_agent();
    uint64_t *p = cairn_page_alloc(1);

    KT_CHECK(a && p, "setup");
    KT_OK(kt_agent_start(&b, "iso-b", KT_AGENT_EVT));
    p[0] = 0xa;
    KT_OK(cairn_mem_share(a->pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R | CAIRN_MEM_W, ISO_VA));
    KT_EQ(kt_agent_read(a, ISO_VA), 0xa);
    KT_CHECK(iso_read_faults(&b, ISO_VA), "b read a's page");
    /* Nor does b reach a's stack, though it runs the same code. */
    KT_CHECK(iso_read_faults(&b, a->srv.stack), "b read a's stack");
}

TEST(iso_caps_not_given)
{
    static struct kt_agent a;
    uint64_t rsi = 1;

    KT_OK(kt_agent_start(&a, "iso-cap", 0));
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_CREATE_SM, KT_CSEL_FREE, KT_CSEL_SELF, 0, 0, 0, 0, 0),
          CAIRN_ECAP);
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_CALL, CAIRN_ROOT_SEL_EC, 0, 0, 0, 0, 0, 0), CAIRN_ECAP);
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_SM_CTRL, KT_CSEL_FREE + 20, CAIRN_SM_UP, 0, 0, 0, 0, 0),
          CAIRN_ECAP);
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_EC_CTRL, CAIRN_ROOT_SEL_EC, CAIRN_EC_RECALL, 0, 0, 0, 0, 0),
          CAIRN_ECAP);
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_SC_CTRL, CAIRN_ROOT_SEL_SC, CAIRN_SC_TIME, 0, 0, 0, 0, 0),
          CAIRN_ECAP);
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_REVOKE, CAIRN_ROOT_SEL_PD,
                       CAIRN_CRD(CAIRN_CRD_MEM, 0x400, 10, 0), 0, 0, 0, 0, 0),
          CAIRN_ECAP);
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_DELEGATE, CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                       CAIRN_CRD(CAIRN_CRD_OBJ, KT_SEL_PARK, 0, CAIRN_R_ALL), 100, 0, 0, 0),
          CAIRN_ECAP);
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_LOOKUP, CAIRN_CRD(CAIRN_CRD_OBJ, KT_CSEL_SELF, 0, 0), 0, 0,
                       0, 0, 0, &rsi),
          CAIRN_OK);
    KT_EQ(rsi, 0);
    /* The park semaphore came with DOWN only. */
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_SM_CTRL, KT_SEL_PARK, CAIRN_SM_UP, 0, 0, 0, 0, 0),
          CAIRN_EPERM);
}

/* A child holding its own PD capability still has no host access. */
TEST(iso_no_host)
{
    struct kt_agent *a = iso_agent();
    uint64_t *p = cairn_page_alloc(1), rsi = 0;

    KT_CHECK(a && p, "setup");
    KT_ST(kt_agent_sys(a, CAIRN_SYS_LOOKUP, CAIRN_CRD(CAIRN_CRD_OBJ, KT_CSEL_SELF, 0, 0), 0, 0,
                       0, 0, 0, &rsi),
          CAIRN_OK);
    KT_CHECK(rsi && !(CAIRN_CRD_RIGHTS(rsi) & CAIRN_R_PD_HOST), "own PD crd %#lx", rsi);
    uint64_t rax = CAIRN_SYS_RAX(CAIRN_SYS_DELEGATE, CAIRN_DEL_F_HOST, 0);
    KT_ST(kt_agent_sys(a, rax, KT_CSEL_SELF, KT_CSEL_SELF,
                       CAIRN_CRD(CAIRN_CRD_MEM, cairn_page_phys(p) >> 12, 0, CAIRN_MEM_RWX),
                       (ISO_VA >> 12) + 16, 0, 0, 0),
          CAIRN_EPERM);
    KT_ST(kt_agent_sys(a, rax, KT_CSEL_SELF, KT_CSEL_SELF,
                       CAIRN_CRD(CAIRN_CRD_IO, 0x3f8, 3, CAIRN_IO_A), 0x3f8, 0, 0, 0),
          CAIRN_EPERM);
    KT_EQ(kt_agent_outb(a, 0x3f8, 'X'), KT_FAULT_MARK);
    /* What it may do: make objects in its own PD. */
    KT_ST(kt_agent_sys(a, CAIRN_SYS_CREATE_SM, KT_CSEL_FREE + 30, KT_CSEL_SELF, 1, 0, 0, 0, 0),
          CAIRN_OK);
    KT_ST(kt_agent_sys(a, CAIRN_SYS_SM_CTRL, KT_CSEL_FREE + 30, CAIRN_SM_DOWN, 0, 0, 0, 0, 0),
          CAIRN_OK);
}

struct iso_run {
    volatile uint64_t flags[3];
    uint64_t addr;
    volatile uint64_t stop, count, done;
};

static void iso_counter(void *arg, struct cairn_utcb *u)
{
    struct iso_run *r = arg;

    while (!r->stop)
        r->count++;
    r->done = 1;
    kt_park();
}

static void iso_crasher(void *arg, struct cairn_utcb *u)
{
    struct iso_run *r = arg;

    kt_site_pf(r->flags, r->addr);
    kt_park();
}

/* Child A dies of a fault; child B keeps counting. */
TEST(iso_fault_neighbour)
{
    struct cairn_ec ta, tb;
    uint64_t pa, pb;
    struct iso_run *ra, *rb;

    KT_OK(kt_child_create(&pa, "crasher", 0));
    KT_OK(kt_child_create(&pb, "counter", 0));
    ra = kt_share(pa, 1), rb = kt_share(pb, 1);
    KT_CHECK(ra && rb, "no memory");
    ra->addr = 0xdead0000;
    KT_OK(kt_thread(&tb, pb, iso_counter, rb, 1));
    KT_CHECK(KT_WAIT(rb->count, 100), "counter did not start");
    KT_OK(kt_thread(&ta, pa, iso_crasher, ra, 2));
    KT_CHECK(KT_WAIT(ra->flags[0], 100), "crasher did not run");
    cairn_sleep_us(2000);
    KT_EQ(ra->flags[1], 0);
    uint64_t c = rb->count;
    cairn_sleep_us(5000);
    KT_CHECK(rb->count > c, "counter stopped when its neighbour died");
    rb->stop = 1;
    KT_CHECK(KT_WAIT(rb->done, 100), "counter did not stop");
}

/* A dead PD's mappings are revoked, with everything delegated from them. */
TEST(iso_kill_revokes)
{
    static struct kt_agent a, b;
    struct cairn_ec t;
    uint64_t *p = cairn_page_alloc(1);

    KT_CHECK(p, "no memory");
    KT_OK(kt_agent_start(&a, "iso-ka", KT_CHILD_SELF));
    KT_OK(kt_agent_start(&b, "iso-kb", KT_AGENT_EVT));
    KT_OK(cairn_obj_delegate(a.pd, b.pd, KT_CSEL_FREE, CAIRN_R_PD_CTRL));
    p[0] = 0x42;
    KT_OK(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R, ISO_VA));
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_DELEGATE, KT_CSEL_SELF, KT_CSEL_FREE,
                       CAIRN_CRD(CAIRN_CRD_MEM, ISO_VA >> 12, 0, CAIRN_MEM_R), ISO_VA >> 12, 0, 0,
                       0),
          CAIRN_OK);
    KT_EQ(kt_agent_read(&b, ISO_VA), 0x42);
    struct iso_run *r = kt_share(a.pd, 1);
    KT_CHECK(r, "no memory");
    r->addr = 0xdead0000;
    KT_OK(kt_thread(&t, a.pd, iso_crasher, r, 2));
    KT_CHECK(KT_WAIT(r->flags[0], 100), "crasher did not run");
    cairn_sleep_us(1000);
    KT_ST(kt_agent_op(&a, KT_AG_ECHO, 0, 0), CAIRN_EABORT);
    KT_CHECK(iso_read_faults(&b, ISO_VA), "b kept memory delegated by a dead PD");
    /* The root's own page is untouched. */
    KT_EQ(p[0], 0x42);
}

struct iso_waiter {
    volatile uint64_t started, woke;
};

static void iso_waiter(void *arg, struct cairn_utcb *u)
{
    struct iso_waiter *w = arg;

    w->started = 1;
    cairn_sm_down(KT_CSEL_FREE, 0);
    w->woke = 1;
    kt_park();
}

/* A thread of a killed PD that waited on a shared semaphore is gone from
 * it: the next up is not lost to it. */
TEST(iso_kill_sm_waiter)
{
    struct cairn_ec tw, tc;
    uint64_t pd, sm = kt_sel();

    KT_OK(cairn_create_sm(sm, CAIRN_ROOT_SEL_PD, 0));
    KT_OK(kt_child_create(&pd, "waiter", 0));
    KT_OK(cairn_obj_delegate(pd, sm, KT_CSEL_FREE, CAIRN_R_SM_DOWN));
    struct iso_waiter *w = kt_share(pd, 1);
    struct iso_run *r = kt_share(pd, 1);
    KT_CHECK(w && r, "no memory");
    KT_OK(kt_thread(&tw, pd, iso_waiter, w, 2));
    KT_CHECK(KT_WAIT(w->started, 100), "waiter did not start");
    r->addr = 0xdead0000;
    KT_OK(kt_thread(&tc, pd, iso_crasher, r, 2));
    KT_CHECK(KT_WAIT(r->flags[0], 100), "crasher did not run");
    cairn_sleep_us(1000);
    KT_OK(cairn_sm_up(sm));
    KT_OK(cairn_sm_down(sm, cairn_deadline_us(2000)));
    KT_EQ(w->woke, 0);
}
