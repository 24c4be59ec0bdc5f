/*
 * Threads and portal handlers of a component (cairn/cpu.h).
 *
 * A thread's UTCB address is known only when core's CPU session replies,
 * but the thread may already run then. So it starts in cpu_thread_boot,
 * which waits on a semaphore until its creator has filled in the UTCB.
 * The boot record lives above the start frame on the thread's stack:
 *
 *   stack top ->  +----------------------+
 *                 | boot: fn arg utcb go |
 *                 +----------------------+
 *                 | 0                    |
 *                 | utcb (0)             |
 *                 | arg = &boot          |
 *   sp        ->  | cpu_thread_boot      |
 */
#include <cairn/cpu.h>

#include <cairn/heap.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>

#define CPU_PAGE 4096u

struct cpu_boot {
    cairn_thread_fn fn;
    void *arg;
    struct cairn_utcb *utcb;
    uint64_t go; /* semaphore: upped once utcb is valid */
};
_Static_assert(sizeof(struct cpu_boot) % 16 == 0, "the start frame must stay 16-aligned");

/* Stack ranges of the ECs made here, for cairn_utcb_self. */
static struct {
    uintptr_t lo, hi;
    struct cairn_utcb *utcb;
} cpu_ecs[CAIRN_CPU_MAX_ECS];
static unsigned cpu_count;
static uintptr_t cpu_utcb_next = CAIRN_CPU_UTCB_LOCAL;
static uint64_t cpu_session;

struct cairn_utcb *cairn_utcb_self(void)
{
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

    for (unsigned i = 0; i < cpu_count; i++)
        if (sp >= cpu_ecs[i].lo && sp < cpu_ecs[i].hi)
            return cpu_ecs[i].utcb;
    return cairn_utcb_main;
}

/* A stack of `size` bytes for e with the start frame { fn, arg, utcb, 0 }
 * `extra` bytes below its top; returns the initial stack pointer or 0. */
static uint64_t cpu_stack(struct cairn_ec *e, size_t size, size_t extra, void *fn, void *arg)
{
    if (cpu_count == CAIRN_CPU_MAX_ECS)
        return 0;
    e->stack_size = size;
    e->stack = (uintptr_t)cairn_ram_alloc(size);
    if (!e->stack)
        return 0;
    uint64_t *frame = (uint64_t *)(e->stack + size - extra) - 4;
    frame[0] = (uintptr_t)fn;
    frame[1] = (uintptr_t)arg;
    frame[2] = e->utcb;
    frame[3] = 0;
    return (uintptr_t)frame;
}

static void cpu_register(const struct cairn_ec *e)
{
    cpu_ecs[cpu_count].lo = e->stack;
    cpu_ecs[cpu_count].hi = e->stack + e->stack_size;
    cpu_ecs[cpu_count].utcb = (struct cairn_utcb *)e->utcb;
    cpu_count++;
}

uint64_t cairn_handler_start(struct cairn_ec *h, cairn_handler_fn fn, void *arg)
{
    h->pd = CAIRN_SEL_PD;
    h->sc = 0;
    h->utcb = cpu_utcb_next;
    h->ec = cairn_sel_alloc(0);
    uint64_t sp = cpu_stack(h, CAIRN_HANDLER_STACK, 0, (void *)fn, arg);
    if (!sp || !h->ec)
        return CAIRN_ENOMEM;
    uint64_t st = cairn_create_ec(h->ec, CAIRN_SEL_PD, 0, h->utcb, sp, 0, 0, 0);
    if (st != CAIRN_OK)
        return st;
    cpu_utcb_next += CPU_PAGE;
    cpu_register(h);
    return CAIRN_OK;
}

uint64_t cairn_handler_portal(const struct cairn_ec *h, uint64_t badge, uint64_t *pt)
{
    uint64_t sel = cairn_sel_alloc(0), st = CAIRN_ENOMEM;

    if (sel)
        st = cairn_create_pt(sel, CAIRN_SEL_PD, h->ec, 0, (uintptr_t)cairn_portal_entry, badge);
    *pt = st == CAIRN_OK ? sel : 0;
    return st;
}

static void cpu_thread_boot(void *arg, struct cairn_utcb *unused)
{
    struct cpu_boot *b = arg;

    while (cairn_sm_down(b->go, 0) != CAIRN_OK)
        ;
    b->fn(b->arg, b->utcb);
    for (;;)
        cairn_sm_down(b->go, 0);
}

/* CAIRN_CPU_THREAD: ip, sp, prio, selector for the EC -> status, utcb. */
static uint64_t cpu_thread_rpc(uint64_t sp, unsigned prio, uint64_t sel, uintptr_t *utcb)
{
    struct cairn_utcb *u = cairn_utcb_self();
    struct cairn_msg m;

    cairn_msg_begin(&m, u, CAIRN_CPU_THREAD);
    cairn_msg_word(&m, (uintptr_t)cairn_thread_entry);
    cairn_msg_word(&m, sp);
    cairn_msg_word(&m, prio);
    cairn_msg_word(&m, sel);
    uint64_t st = cairn_rpc_call(cpu_session, u);
    if (st == CAIRN_OK && u->untyped < 2)
        st = CAIRN_EINVAL;
    *utcb = st == CAIRN_OK ? u->mr[1] : 0;
    return st;
}

uint64_t cairn_thread_start(struct cairn_ec *t, cairn_thread_fn fn, void *arg, unsigned prio)
{
    uint64_t st;

    if (!cpu_session &&
        (st = cairn_session_u(cairn_utcb_self(), "CPU", "", &cpu_session)) != CAIRN_OK)
        return st;
    t->pd = CAIRN_SEL_PD;
    t->sc = 0;
    t->utcb = 0;
    t->ec = cairn_sel_alloc(0);
    uint64_t go = cairn_sel_alloc(0);
    uint64_t sp = cpu_stack(t, CAIRN_THREAD_STACK, sizeof(struct cpu_boot),
                            (void *)cpu_thread_boot, 0);
    if (!sp || !t->ec || !go)
        return CAIRN_ENOMEM;
    struct cpu_boot *b = (struct cpu_boot *)(t->stack + t->stack_size) - 1;
    *b = (struct cpu_boot){ .fn = fn, .arg = arg, .go = go };
    ((uint64_t *)sp)[1] = (uintptr_t)b;
    if ((st = cairn_create_sm(go, CAIRN_SEL_PD, 0)) != CAIRN_OK ||
        (st = cpu_thread_rpc(sp, prio, t->ec, &t->utcb)) != CAIRN_OK)
        return st;
    b->utcb = (struct cairn_utcb *)t->utcb;
    cpu_register(t);
    return cairn_sm_up(go);
}
