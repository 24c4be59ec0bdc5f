/*
 * GDB engine: running and stopping (vCont c s C S, Ctrl-C), stop replies,
 * and the target's events (gdb_stopped, gdb_exited).
 *
 * All-stop: a resume starts the threads its actions name and answers
 * nothing; the first event the target reports becomes the stop reply.
 * Events that come while gdb is not waiting (a second thread that hit a
 * breakpoint at the same time) wait in g->pending and answer the next
 * resume at once, without resuming anything, as gdbserver does.
 */
#include "internal.h"

#define GDB_ACTIONS_MAX 16

struct gdb_action {
    char op;           /* c s t */
    uint8_t sig;
    struct gdb_tid t;  /* which threads: GDB_ALL parts match any */
};

/* --- stop replies --------------------------------------------------------------- */

static void gdb_put_process(struct gdb *g, uint32_t pid)
{
    if (g->multiprocess) {
        gdb_put_str(g, ";process:");
        gdb_put_hex(g, pid);
    }
}

/* The reason after "T05thread:...;", empty if gdb did not ask for it. */
static void gdb_put_reason(struct gdb *g, const struct gdb_event *ev)
{
    static const char *const watch[] = {
        [GDB_STOP_WATCH] = "watch:", [GDB_STOP_RWATCH] = "rwatch:", [GDB_STOP_AWATCH] = "awatch:"};

    if (ev->kind == GDB_STOP_INT3 && g->gdb_swbreak)
        gdb_put_str(g, "swbreak:;");
    if (ev->kind == GDB_STOP_HWBREAK && g->gdb_hwbreak)
        gdb_put_str(g, "hwbreak:;");
    if (ev->kind >= GDB_STOP_WATCH && ev->kind <= GDB_STOP_AWATCH) {
        gdb_put_str(g, watch[ev->kind]);
        gdb_put_hex(g, ev->addr);
        gdb_put(g, ';');
    }
}

void gdb_stop_reply(struct gdb *g, const struct gdb_event *ev)
{
    gdb_begin(g);
    if (ev->kind == GDB_EV_EXIT || ev->kind == GDB_EV_TERM) {
        gdb_put(g, ev->kind == GDB_EV_EXIT ? 'W' : 'X');
        gdb_put_hex8(g, ev->kind == GDB_EV_EXIT ? (uint8_t)ev->code : ev->sig);
        gdb_put_process(g, ev->t.pid);
    } else {
        gdb_put(g, 'T');
        gdb_put_hex8(g, ev->sig);
        gdb_put_str(g, "thread:");
        gdb_put_tid(g, ev->t);
        gdb_put(g, ';');
        gdb_put_reason(g, ev);
    }
    gdb_end(g);
}

/* Answer the waiting gdb with ev, or keep ev for later. */
static void gdb_report(struct gdb *g, const struct gdb_event *ev)
{
    if (!g->running) {
        if (g->pending_count < GDB_PENDING_MAX)
            g->pending[g->pending_count++] = *ev;
        return;
    }
    g->running = false;
    g->stop = *ev;
    g->have_stop = true;
    if (ev->kind != GDB_EV_EXIT && ev->kind != GDB_EV_TERM)
        g->last = ev->t;
    gdb_stop_reply(g, ev);
}

/* Take the oldest pending event still worth reporting: a breakpoint
 * stop whose breakpoint gdb removed meanwhile is dropped (the thread,
 * rewound, runs the original instruction when resumed). */
static bool gdb_pending_pop(struct gdb *g, struct gdb_event *ev)
{
    while (g->pending_count) {
        *ev = g->pending[0];
        g->pending_count--;
        for (uint32_t i = 0; i < g->pending_count; i++)
            g->pending[i] = g->pending[i + 1];
        if (ev->kind != GDB_STOP_INT3 || gdb_break_at(g, ev->t.pid, ev->addr))
            return true;
    }
    return false;
}

/* --- events from the target ----------------------------------------------------------- */

/* An int3 at one of our breakpoints: put RIP back on it. */
static bool gdb_rewind(struct gdb *g, struct gdb_tid t, uint64_t rip)
{
    size_t off = gdb_reg_offset(GDB_REG_RIP);
    uint64_t at = rip - 1;

    if (!gdb_break_at(g, t.pid, at) || g->target->read_regs(g->ctx, t, g->regs) != CAIRN_OK)
        return false;
    for (int i = 0; i < 8; i++)
        g->regs[off + i] = (uint8_t)(at >> 8 * i);
    return g->target->write_regs(g->ctx, t, g->regs) == CAIRN_OK;
}

void gdb_stopped(struct gdb *g, struct gdb_tid t, enum gdb_stop why, int sig, uint64_t addr)
{
    struct gdb_event ev = {.kind = (uint8_t)why, .sig = GDB_SIGTRAP, .t = t, .addr = addr};

    if (why == GDB_STOP_INT3) {
        if (gdb_rewind(g, t, addr))
            ev.addr = addr - 1;
        else
            ev.kind = GDB_STOP_SIGNAL; /* an int3 of the program's own */
    }
    if (why == GDB_STOP_SIGNAL)
        ev.sig = (uint8_t)(sig > 0 && sig < 256 ? sig : GDB_SIGTRAP);
    if (why == GDB_STOP_INTERRUPT)
        ev.sig = GDB_SIGINT;
    gdb_report(g, &ev);
}

void gdb_exited(struct gdb *g, uint32_t pid, int code, int sig)
{
    struct gdb_event ev = {.kind = sig ? GDB_EV_TERM : GDB_EV_EXIT, .sig = (uint8_t)sig,
                           .t = {pid, 0}, .code = code};

    /* Its memory is gone: forget its breakpoints, write nothing. */
    for (size_t i = 0; i < GDB_BREAKS_MAX; i++)
        if (g->breaks[i].pid == pid)
            g->breaks[i].used = false;
    gdb_report(g, &ev);
}

void gdb_interrupt(struct gdb *g)
{
    if (g->running)
        g->target->interrupt(g->ctx);
}

/* --- resuming ---------------------------------------------------------------------------- */

static bool gdb_matches(struct gdb_tid want, struct gdb_tid t)
{
    return (want.pid == 0 || want.pid == GDB_ALL || want.pid == t.pid) &&
           (want.tid == 0 || want.tid == GDB_ALL || want.tid == t.tid);
}

/* Start every thread the first matching action names. */
static const char *gdb_go(struct gdb *g, const struct gdb_action *act, size_t n)
{
    struct gdb_event ev;
    bool any = false;

    if (gdb_pending_pop(g, &ev)) {
        g->running = true;
        gdb_report(g, &ev);
        return 0;
    }
    gdb_refresh(g);
    g->running = true;
    for (size_t i = 0; i < g->nthreads && g->running; i++) {
        struct gdb_tid t = g->threads[i].id;
        size_t a = 0;
        while (a < n && !gdb_matches(act[a].t, t))
            a++;
        if (a == n || act[a].op == 't')
            continue;
        any = true;
        g->target->resume(g->ctx, t, act[a].op == 's', act[a].sig);
    }
    if (any || !g->running)
        return 0;
    g->running = false;
    return GDB_E_THREAD;
}

/* vCont;action[:thread]... with actions c, Cxx, s, Sxx, t. */
const char *gdb_cmd_vcont(struct gdb *g, struct gdb_in *in)
{
    struct gdb_action act[GDB_ACTIONS_MAX];
    size_t n = 0;
    uint64_t sig;

    do {
        char op = gdb_in_done(in) ? 0 : *in->p++;
        struct gdb_action *a = &act[n];
        if (n == GDB_ACTIONS_MAX)
            return GDB_E_INVAL;
        a->sig = 0;
        a->t = (struct gdb_tid){GDB_ALL, GDB_ALL};
        if (op == 'C' || op == 'S') {
            if (!gdb_in_hex(in, &sig) || sig > 255)
                return GDB_E_INVAL;
            a->sig = (uint8_t)sig;
            op = (char)(op - 'A' + 'a');
        }
        if (op != 'c' && op != 's' && op != 't')
            return GDB_E_INVAL;
        a->op = op;
        if (gdb_in_eat(in, ':') && !gdb_in_tid(in, &a->t))
            return GDB_E_INVAL;
        if (a->t.pid == 0) /* a bare tid: any process */
            a->t.pid = GDB_ALL;
        n++;
    } while (gdb_in_eat(in, ';'));
    if (!gdb_in_done(in))
        return GDB_E_INVAL;
    return g->running ? GDB_E_STATE : gdb_go(g, act, n);
}

/* Old style: c [addr], C sig[;addr], s [addr], S sig[;addr]. 'c' runs all
 * threads, the signal going to the Hc one; 's' steps the Hc thread only. */
const char *gdb_cmd_resume(struct gdb *g, struct gdb_in *in, char cmd)
{
    struct gdb_action act[2];
    uint64_t sig = 0, addr;
    bool has_addr;

    if ((cmd == 'C' || cmd == 'S') && (!gdb_in_hex(in, &sig) || sig > 255))
        return GDB_E_INVAL;
    if (cmd == 'C' || cmd == 'S')
        has_addr = gdb_in_eat(in, ';');
    else
        has_addr = !gdb_in_done(in);
    if ((has_addr && !gdb_in_hex(in, &addr)) || !gdb_in_done(in))
        return GDB_E_INVAL;
    if (g->running)
        return GDB_E_STATE;
    act[0] = (struct gdb_action){cmd == 'c' || cmd == 'C' ? 'c' : 's', (uint8_t)sig, {0, 0}};
    act[1] = (struct gdb_action){'c', 0, {GDB_ALL, GDB_ALL}};
    if (!gdb_current(g, true, &act[0].t))
        return GDB_E_THREAD;
    if (has_addr) {
        size_t off = gdb_reg_offset(GDB_REG_RIP);
        if (g->target->read_regs(g->ctx, act[0].t, g->regs) != CAIRN_OK)
            return GDB_E_TARGET;
        for (int i = 0; i < 8; i++)
            g->regs[off + i] = (uint8_t)(addr >> 8 * i);
        if (g->target->write_regs(g->ctx, act[0].t, g->regs) != CAIRN_OK)
            return GDB_E_TARGET;
    }
    return gdb_go(g, act, act[0].op == 'c' ? 2 : 1);
}
