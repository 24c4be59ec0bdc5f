/*
 * The agent: a portal server in a child PD that performs operations for
 * the root (system calls, memory and port accesses, nested calls) so a
 * test can act as the child and observe what the child is allowed to do.
 *
 * kt_agent_serve and its helpers run in the child: they use only their
 * stack and UTCB, never the root's globals.
 */
#include "ktest.h"

#include <cairn/pd.h>

static unsigned agent_echo(struct cairn_utcb *u)
{
    unsigned n = u->untyped;

    u->mr[0] = n;
    for (unsigned i = 1; i < n; i++)
        u->mr[i] += i;
    return n ? n : 1;
}

/* Report the typed items that came with this call. */
static unsigned agent_typed(struct cairn_utcb *u)
{
    unsigned base = u->untyped, n = u->typed;
    uint64_t crd[8];

    for (unsigned i = 0; i < n && i < 8; i++)
        crd[i] = u->mr[base + 2 * i];
    u->mr[0] = n;
    for (unsigned i = 0; i < n && i < 8; i++)
        u->mr[1 + i] = crd[i];
    return 1 + (n < 8 ? n : 8);
}

static unsigned agent_call(struct cairn_utcb *u)
{
    uint64_t pt = u->mr[1], word = u->mr[2];

    u->untyped = 2;
    u->typed = 0;
    u->mr[0] = KT_AG_ECHO;
    u->mr[1] = word;
    uint64_t st = cairn_call(pt);
    u->mr[0] = st; /* mr[1]: the nested reply's word */
    return 2;
}

static uint64_t agent_exec(uint64_t ip)
{
    return ((uint64_t (*)(void))ip)();
}

void kt_agent_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    uint64_t *mr = u->mr;
    unsigned n = 1, typed = 0;

    if (badge == KT_BADGE_NULL) { /* reply at once, no words */
        u->untyped = u->typed = 0;
        cairn_reply(0);
    }
    /* Other badged portals only report their badge. */
    switch (badge ? ~0ull : mr[0]) {
    case KT_AG_ECHO: n = agent_echo(u); break;
    case KT_AG_SYSCALL:
        mr[0] = cairn_syscall6(mr[1], mr[2], mr[3], mr[4], mr[5], mr[6], mr[7], &mr[1]);
        n = 2;
        break;
    case KT_AG_READ: mr[0] = kt_probe_read(mr[1]); break;
    case KT_AG_WRITE: mr[0] = kt_probe_write(mr[1], mr[2]); break;
    case KT_AG_INB: mr[0] = kt_probe_inb(mr[1]); break;
    case KT_AG_OUTB: mr[0] = kt_probe_outb(mr[1], mr[2]); break;
    case KT_AG_SPIN:
        while (cairn_rdtsc() < mr[1])
            __asm__ volatile("pause");
        mr[0] = 0;
        break;
    case KT_AG_WINDOWS:
        u->rcv_mem = mr[1], u->rcv_io = mr[2], u->rcv_obj = mr[3];
        mr[0] = 0;
        break;
    case KT_AG_TYPED: n = agent_typed(u); break;
    case KT_AG_CALL: n = agent_call(u); break;
    case KT_AG_GIVE: /* no untyped words: the item sits at mr[0..1] */
        mr[0] = mr[1], mr[1] = mr[2];
        n = 0, typed = 1;
        break;
    case KT_AG_EXEC: mr[0] = agent_exec(mr[1]); break;
    default: mr[0] = badge; break;
    }
    u->untyped = (uint16_t)n;
    u->typed = (uint16_t)typed;
    cairn_reply(0);
}

uint64_t kt_agent_start(struct kt_agent *a, const char *name, unsigned flags)
{
    uint64_t st = kt_child_create(&a->pd, name, flags);

    if (st == CAIRN_OK)
        st = cairn_handler_create(&a->srv, a->pd, 0, kt_agent_serve, 0);
    if (st == CAIRN_OK)
        st = cairn_portal_create(&a->pt, &a->srv, 0, 0, 0);
    if (st == CAIRN_OK && (flags & KT_AGENT_EVT))
        st = kt_evt_attach(&a->evt, a->pd, 0, KT_EVT_CPU);
    return st;
}

uint64_t kt_agent_op(struct kt_agent *a, uint64_t op, unsigned n, const uint64_t *args)
{
    struct cairn_utcb *u = cairn_utcb_main;

    u->mr[0] = op;
    for (unsigned i = 0; i < n; i++)
        u->mr[1 + i] = args[i];
    u->untyped = (uint16_t)(1 + n);
    u->typed = 0;
    return cairn_call(a->pt);
}

/* One result word, or KT_CALL_FAILED. */
static uint64_t agent_op1(struct kt_agent *a, uint64_t op, unsigned n, const uint64_t *args)
{
    uint64_t st = kt_agent_op(a, op, n, args);

    return st == CAIRN_OK ? cairn_utcb_main->mr[0] : KT_CALL_FAILED(st);
}

uint64_t kt_agent_sys(struct kt_agent *a, uint64_t rax, uint64_t a1, uint64_t a2, uint64_t a3,
                      uint64_t a4, uint64_t a5, uint64_t a6, uint64_t *rsi)
{
    const uint64_t args[7] = { rax, a1, a2, a3, a4, a5, a6 };
    uint64_t st = agent_op1(a, KT_AG_SYSCALL, 7, args);

    if (rsi)
        *rsi = cairn_utcb_main->mr[1];
    return st;
}

uint64_t kt_agent_read(struct kt_agent *a, uint64_t addr)
{
    return agent_op1(a, KT_AG_READ, 1, &addr);
}

uint64_t kt_agent_write(struct kt_agent *a, uint64_t addr, uint64_t value)
{
    const uint64_t args[2] = { addr, value };

    return agent_op1(a, KT_AG_WRITE, 2, args);
}

uint64_t kt_agent_inb(struct kt_agent *a, uint16_t port)
{
    const uint64_t arg = port;

    return agent_op1(a, KT_AG_INB, 1, &arg);
}

uint64_t kt_agent_outb(struct kt_agent *a, uint16_t port, uint8_t value)
{
    const uint64_t args[2] = { port, value };

    return agent_op1(a, KT_AG_OUTB, 2, args);
}

uint64_t kt_agent_exec(struct kt_agent *a, uint64_t ip)
{
    return agent_op1(a, KT_AG_EXEC, 1, &ip);
}
