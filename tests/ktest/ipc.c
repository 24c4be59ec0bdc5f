/*
 * Tests: call and reply, message sizes, badges, nested calls, deadlock
 * detection, and typed items (capabilities, memory, I/O ports) in calls
 * and replies.
 */
#define KTEST_AREA 2
#include "ktest.h"

#include <cairn/pd.h>

#define IPC_WIN_VA   (KT_SCRATCH + 0x100000ull) /* memory receive window in agents */
#define IPC_OBJ_WIN  96u                        /* object receive window: 96..103  */
#define IPC_PORT     0x80u                      /* POST port: harmless to write    */

/* One agent serves most IPC tests; made on first use. */
static struct kt_agent ipc_agent;

static struct kt_agent *ipc_get(void)
{
    static int made;

    if (!made && kt_agent_start(&ipc_agent, "ipc", KT_AGENT_EVT) == CAIRN_OK)
        made = 1;
    return made ? &ipc_agent : 0;
}

static uint64_t ipc_windows(struct kt_agent *a, uint64_t mem, uint64_t io, uint64_t obj)
{
    const uint64_t w[3] = { mem, io, obj };

    return kt_agent_op(a, KT_AG_WINDOWS, 3, w);
}

/* Call the agent with op KT_AG_TYPED, untyped `n` words and one item. */
static uint64_t ipc_send_item(struct kt_agent *a, uint64_t crd, uint64_t offset)
{
    struct cairn_utcb *u = cairn_utcb_main;

    u->mr[0] = KT_AG_TYPED;
    u->mr[1] = crd;
    u->mr[2] = offset;
    u->untyped = 1;
    u->typed = 1;
    return cairn_call(a->pt);
}

TEST(ipc_call_untyped)
{
    struct kt_agent *a = ipc_get();
    struct cairn_utcb *u = cairn_utcb_main;

    KT_CHECK(a, "no agent");
    for (unsigned i = 1; i < 6; i++)
        u->mr[i] = 1000 * i;
    KT_OK(kt_agent_op(a, KT_AG_ECHO, 5, &u->mr[1]));
    KT_EQ(u->untyped, 6);
    KT_EQ(u->typed, 0);
    KT_EQ(u->mr[0], 6);
    for (unsigned i = 1; i < 6; i++)
        KT_EQ(u->mr[i], 1000 * i + i);
}

/* Call may clobber what a C call may (docs/abi.md): RDX, RSI, RDI and
 * R8-R10 come back with values this EC had in them before (at the call,
 * or at its system call before), never the kernel's or the handler's;
 * RBX, RBP and R12-R15 survive. */
TEST(ipc_call_regs)
{
    struct kt_agent *a = ipc_get();
    struct cairn_utcb *u = cairn_utcb_main;
    static const char *const names[7] = { "rax", "rdi", "rsi", "rdx", "r10", "r8", "r9" };
    uint64_t before[13], in[13], out[13];

    KT_CHECK(a, "no agent");
    for (unsigned i = 0; i < 13; i++) {
        before[i] = 0x1111111111111111ull * (i + 1) ^ 0x8000000000000000ull;
        in[i] = 0x0102030405060708ull * (i + 3) ^ 0x4000000000000000ull;
    }
    before[0] = 200; /* no such call: ESYS, after the frame is stored */
    in[0] = CAIRN_SYS_CALL, in[1] = a->pt;
    u->mr[0] = KT_AG_ECHO;
    u->untyped = 1;
    u->typed = 0;
    kt_regs_syscall(before, out);
    KT_ST(out[0], CAIRN_ESYS);
    kt_regs_syscall(in, out);
    KT_OK(out[0]);
    KT_EQ(u->untyped, 1);
    for (unsigned i = 1; i < 7; i++)
        KT_CHECK(out[i] == in[i] || out[i] == before[i], "%s came back as %#lx", names[i], out[i]);
    for (unsigned i = 7; i < 13; i++)
        KT_EQ(out[i], in[i]);
}

TEST(ipc_call_empty)
{
    struct kt_agent *a = ipc_get();
    struct cairn_utcb *u = cairn_utcb_main;
    uint64_t pt;

    KT_CHECK(a, "no agent");
    KT_OK(cairn_portal_create(&pt, &a->srv, 0, KT_BADGE_NULL, 0));
    u->untyped = 0;
    u->typed = 0;
    u->mr[0] = 0x5e5e;
    KT_OK(cairn_call(pt));
    KT_EQ(u->untyped, 0);
    KT_EQ(u->typed, 0);
    KT_EQ(u->mr[0], 0x5e5e); /* nothing was copied over it */
}

TEST(ipc_badge)
{
    struct kt_agent *a = ipc_get();
    uint64_t p1, p2;

    KT_CHECK(a, "no agent");
    KT_OK(cairn_portal_create(&p1, &a->srv, 0, 7, 0));
    KT_OK(cairn_portal_create(&p2, &a->srv, 0, 0xfedcba9876543210ull, 0));
    cairn_utcb_main->untyped = 1;
    cairn_utcb_main->typed = 0;
    KT_OK(cairn_call(p1));
    KT_EQ(cairn_utcb_main->mr[0], 7);
    cairn_utcb_main->untyped = 1;
    KT_OK(cairn_call(p2));
    KT_EQ(cairn_utcb_main->mr[0], 0xfedcba9876543210ull);
}

TEST(ipc_max_words)
{
    struct kt_agent *a = ipc_get();
    struct cairn_utcb *u = cairn_utcb_main;

    KT_CHECK(a, "no agent");
    u->mr[0] = KT_AG_ECHO;
    for (unsigned i = 1; i < CAIRN_UTCB_MR; i++)
        u->mr[i] = 3 * i;
    u->untyped = CAIRN_UTCB_MR;
    u->typed = 0;
    KT_OK(cairn_call(a->pt));
    KT_EQ(u->untyped, CAIRN_UTCB_MR);
    KT_EQ(u->mr[0], CAIRN_UTCB_MR);
    KT_EQ(u->mr[CAIRN_UTCB_MR - 1], 4 * (CAIRN_UTCB_MR - 1));
    u->untyped = CAIRN_UTCB_MR + 1;
    KT_ST(cairn_call(a->pt), CAIRN_EPAR);
    u->untyped = CAIRN_UTCB_MR - 1;
    u->typed = 1;
    KT_ST(cairn_call(a->pt), CAIRN_EPAR);
    u->untyped = 0xffff;
    u->typed = 0xffff;
    KT_ST(cairn_call(a->pt), CAIRN_EPAR);
}

TEST(ipc_reply_without_call)
{
    KT_ST(cairn_syscall6(CAIRN_SYS_REPLY, 0, 0, 0, 0, 0, 0, 0), CAIRN_EPAR);
    KT_ST(cairn_syscall6(CAIRN_SYS_REPLY, CAIRN_MTD_EC_ALL, 0, 0, 0, 0, 0, 0), CAIRN_EPAR);
}

/* The agent calls its own portal while serving us: it would wait for
 * itself. */
TEST(ipc_call_self_deadlock)
{
    static struct kt_agent a;
    const uint64_t args[2] = { KT_CSEL_FREE, 1 };

    KT_OK(kt_agent_start(&a, "ipc-dl", 0));
    KT_OK(cairn_obj_delegate(a.pd, a.pt, KT_CSEL_FREE, CAIRN_R_PT_CALL));
    KT_OK(kt_agent_op(&a, KT_AG_CALL, 2, args));
    KT_ST(cairn_utcb_main->mr[0], CAIRN_EDEADLK);
    /* The refused call left the agent able to serve. */
    KT_OK(kt_agent_op(&a, KT_AG_ECHO, 0, 0));
}

/* root -> A -> B, all on the root's SC. */
TEST(ipc_nested)
{
    static struct kt_agent a, b;
    const uint64_t args[2] = { KT_CSEL_FREE, 41 };

    KT_OK(kt_agent_start(&a, "ipc-na", 0));
    KT_OK(kt_agent_start(&b, "ipc-nb", 0));
    KT_OK(cairn_obj_delegate(a.pd, b.pt, KT_CSEL_FREE, CAIRN_R_PT_CALL));
    KT_OK(kt_agent_op(&a, KT_AG_CALL, 2, args));
    KT_ST(cairn_utcb_main->mr[0], CAIRN_OK);
    KT_EQ(cairn_utcb_main->mr[1], 42);
    /* Without the CALL right. */
    KT_OK(cairn_obj_delegate(a.pd, b.pt, KT_CSEL_FREE + 1, CAIRN_R_ALL & ~CAIRN_R_PT_CALL));
    const uint64_t weak[2] = { KT_CSEL_FREE + 1, 0 };
    KT_OK(kt_agent_op(&a, KT_AG_CALL, 2, weak));
    KT_ST(cairn_utcb_main->mr[0], CAIRN_EPERM);
}

TEST(ipc_typed_obj)
{
    struct kt_agent *a = ipc_get();
    uint64_t sm = kt_sel(), sys = CAIRN_SYS_SM_CTRL;
    uint64_t win = CAIRN_CRD(CAIRN_CRD_OBJ, IPC_OBJ_WIN, 3, CAIRN_R_ALL);

    KT_CHECK(a, "no agent");
    KT_OK(cairn_create_sm(sm, CAIRN_ROOT_SEL_PD, 0));
    KT_OK(ipc_windows(a, 0, 0, win));
    KT_OK(ipc_send_item(a, CAIRN_CRD(CAIRN_CRD_OBJ, sm, 0, CAIRN_R_SM_UP), 2));
    KT_EQ(cairn_utcb_main->mr[0], 1);
    KT_EQ(cairn_utcb_main->mr[1], CAIRN_CRD(CAIRN_CRD_OBJ, IPC_OBJ_WIN + 2, 0, CAIRN_R_SM_UP));
    KT_ST(kt_agent_sys(a, sys, IPC_OBJ_WIN + 2, CAIRN_SM_UP, 0, 0, 0, 0, 0), CAIRN_OK);
    KT_OK(cairn_sm_down(sm, 1));
    KT_ST(kt_agent_sys(a, sys, IPC_OBJ_WIN + 2, CAIRN_SM_DOWN, 1, 0, 0, 0, 0), CAIRN_EPERM);
    /* The same slot again: taken, so the item arrives as 0. */
    KT_OK(ipc_send_item(a, CAIRN_CRD(CAIRN_CRD_OBJ, sm, 0, CAIRN_R_ALL), 2));
    KT_EQ(cairn_utcb_main->mr[0], 1);
    KT_EQ(cairn_utcb_main->mr[1], 0);
    KT_OK(ipc_windows(a, 0, 0, 0));
}

TEST(ipc_typed_mem)
{
    struct kt_agent *a = ipc_get();
    uint64_t *page = cairn_page_alloc(1);
    uint64_t p = (uintptr_t)page >> 12, w = IPC_WIN_VA >> 12;

    KT_CHECK(a && page, "setup");
    page[1] = 0x600dcafe;
    KT_OK(ipc_windows(a, CAIRN_CRD(CAIRN_CRD_MEM, w, 4, CAIRN_MEM_RWX), 0, 0));
    KT_OK(ipc_send_item(a, CAIRN_CRD(CAIRN_CRD_MEM, p, 0, CAIRN_MEM_R), 3));
    KT_EQ(cairn_utcb_main->mr[0], 1);
    KT_EQ(cairn_utcb_main->mr[1], CAIRN_CRD(CAIRN_CRD_MEM, w + 3, 0, CAIRN_MEM_R));
    KT_EQ(kt_agent_read(a, IPC_WIN_VA + 0x3008), 0x600dcafe);
    /* Read-only: the write faults. */
    KT_EQ(kt_agent_write(a, IPC_WIN_VA + 0x3008, 1), KT_FAULT_MARK);
    KT_EQ(a->evt.addr, IPC_WIN_VA + 0x3008);
    /* Offset beyond the 16-page window: refused. */
    KT_OK(ipc_send_item(a, CAIRN_CRD(CAIRN_CRD_MEM, p, 0, CAIRN_MEM_R), 16));
    KT_EQ(cairn_utcb_main->mr[1], 0);
    KT_OK(ipc_windows(a, 0, 0, 0));
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, CAIRN_CRD(CAIRN_CRD_MEM, p, 0, 0), 0));
}

TEST(ipc_typed_io)
{
    struct kt_agent *a = ipc_get();
    uint64_t st = cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                                 CAIRN_CRD(CAIRN_CRD_IO, IPC_PORT, 0, CAIRN_IO_A), IPC_PORT,
                                 CAIRN_DEL_F_HOST);

    KT_CHECK(a, "no agent");
    KT_CHECK(st == CAIRN_OK || st == CAIRN_EEXIST, "port to root: %s", kt_st(st));
    KT_EQ(kt_agent_outb(a, IPC_PORT, 1), KT_FAULT_MARK); /* not yet */
    KT_EQ(a->evt.event, CAIRN_EVT_GP);
    /* I/O ports keep their numbers: a window over all ports, offset = port. */
    KT_OK(ipc_windows(a, 0, CAIRN_CRD(CAIRN_CRD_IO, 0, 16, CAIRN_IO_A), 0));
    KT_OK(ipc_send_item(a, CAIRN_CRD(CAIRN_CRD_IO, IPC_PORT, 0, CAIRN_IO_A), IPC_PORT));
    KT_EQ(cairn_utcb_main->mr[1], CAIRN_CRD(CAIRN_CRD_IO, IPC_PORT, 0, CAIRN_IO_A));
    KT_EQ(kt_agent_outb(a, IPC_PORT, 2), 0);
    KT_OK(ipc_windows(a, 0, 0, 0));
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, CAIRN_CRD(CAIRN_CRD_IO, IPC_PORT, 0, 0), 0));
    KT_EQ(kt_agent_outb(a, IPC_PORT, 3), KT_FAULT_MARK);
}

/* Items that cannot be delegated arrive as 0; the call still succeeds. */
TEST(ipc_typed_refused)
{
    struct kt_agent *a = ipc_get();
    uint64_t sm = kt_sel(), empty = kt_sel();
    uint64_t win = CAIRN_CRD(CAIRN_CRD_OBJ, IPC_OBJ_WIN, 3, CAIRN_R_ALL);

    KT_CHECK(a, "no agent");
    KT_OK(cairn_create_sm(sm, CAIRN_ROOT_SEL_PD, 0));
    KT_OK(ipc_windows(a, 0, 0, 0));
    KT_OK(ipc_send_item(a, CAIRN_CRD(CAIRN_CRD_OBJ, sm, 0, CAIRN_R_ALL), 0)); /* no window */
    KT_EQ(cairn_utcb_main->mr[0], 1);
    KT_EQ(cairn_utcb_main->mr[1], 0);
    KT_OK(ipc_windows(a, 0, 0, win));
    KT_OK(ipc_send_item(a, CAIRN_CRD(CAIRN_CRD_OBJ, empty, 0, CAIRN_R_ALL), 1)); /* empty */
    KT_EQ(cairn_utcb_main->mr[1], 0);
    KT_OK(ipc_send_item(a, CAIRN_CRD(CAIRN_CRD_OBJ, sm, 0, CAIRN_R_ALL), 8)); /* outside */
    KT_EQ(cairn_utcb_main->mr[1], 0);
    KT_OK(ipc_send_item(a, CAIRN_CRD(CAIRN_CRD_MEM, 0x400, 0, CAIRN_MEM_R), 0)); /* type */
    KT_EQ(cairn_utcb_main->mr[1], 0);
    KT_OK(ipc_windows(a, 0, 0, 0));
}

/* The handler delegates a capability back in its reply. */
TEST(ipc_reply_typed)
{
    struct kt_agent *a = ipc_get();
    struct cairn_utcb *u = cairn_utcb_main;
    uint64_t sm = kt_sel(), win = cairn_sel_alloc(1);
    const uint64_t args[2] = { CAIRN_CRD(CAIRN_CRD_OBJ, KT_CSEL_FREE + 8, 0, CAIRN_R_ALL), 1 };

    KT_CHECK(a && win, "setup");
    KT_OK(cairn_create_sm(sm, CAIRN_ROOT_SEL_PD, 0));
    KT_OK(cairn_obj_delegate(a->pd, sm, KT_CSEL_FREE + 8, CAIRN_R_SM_DOWN));
    u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, win, 1, CAIRN_R_ALL);
    KT_OK(kt_agent_op(a, KT_AG_GIVE, 2, args));
    u->rcv_obj = 0;
    KT_EQ(u->untyped, 0);
    KT_EQ(u->typed, 1);
    /* The capability has the sender's rights (DOWN), though it asked for all. */
    KT_OK(cairn_sm_up(sm));
    KT_OK(cairn_sm_down(win + 1, 1));
    KT_ST(cairn_sm_up(win + 1), CAIRN_EPERM);
    /* ... and the receiver is told so. */
    KT_EQ(u->mr[0], CAIRN_CRD(CAIRN_CRD_OBJ, win + 1, 0, CAIRN_R_SM_DOWN));
}

struct ipc_busy {
    uint64_t pt, duration;
    volatile uint64_t deadline, started, st, done;
};

/* A thread that keeps the agent busy: one long KT_AG_SPIN call. */
static void ipc_busy_thread(void *arg, struct cairn_utcb *u)
{
    struct ipc_busy *b = arg;

    b->deadline = cairn_rdtsc() + b->duration;
    u->mr[0] = KT_AG_SPIN;
    u->mr[1] = b->deadline;
    u->untyped = 2;
    u->typed = 0;
    b->started = 1;
    b->st = cairn_call(b->pt);
    b->done = 1;
    kt_park();
}

/* A call to a handler serving someone else waits for it, then runs. */
TEST(ipc_busy_handler)
{
    static struct kt_agent a;
    static struct cairn_ec t;
    static struct ipc_busy b;

    KT_OK(kt_agent_start(&a, "ipc-busy", 0));
    b = (struct ipc_busy){ .pt = a.pt, .duration = kt_ms(100) };
    /* Same priority as the root: once the root runs again, the thread's
     * quantum ran out inside its call. */
    KT_OK(kt_thread(&t, CAIRN_ROOT_SEL_PD, ipc_busy_thread, &b, 1));
    KT_CHECK(KT_WAIT(b.started, 100), "thread did not start");
    KT_EQ(b.done, 0);
    cairn_utcb_main->mr[1] = 5;
    KT_OK(kt_agent_op(&a, KT_AG_ECHO, 1, &cairn_utcb_main->mr[1]));
    KT_EQ(cairn_utcb_main->mr[1], 6);
    KT_CHECK(cairn_rdtsc() >= b.deadline, "served before the busy call ended");
    KT_CHECK(KT_WAIT(b.done, 100), "the first call did not end");
    KT_ST(b.st, CAIRN_OK);
}

/* The handler's PD dies during the call: the caller gets EABORT, and so
 * does every later call. */
TEST(ipc_abort_on_death)
{
    static struct kt_agent a;

    KT_OK(kt_agent_start(&a, "ipc-die", 0));
    uint64_t addr = 0xdead0000;
    KT_ST(kt_agent_op(&a, KT_AG_READ, 1, &addr), CAIRN_EABORT);
    KT_ST(kt_agent_op(&a, KT_AG_ECHO, 0, 0), CAIRN_EABORT);
}
