/*
 * GDB engine: command dispatch, thread ids and the commands about
 * threads and the session (H T ? D k).
 *
 * An unknown command gets the empty reply, the protocol's "not
 * supported"; a known one with bad arguments gets an error reply.
 */
#include "internal.h"

#include <string.h>

/* --- thread ids --------------------------------------------------------------
 * "-1" is all (GDB_ALL), "0" any; with the multiprocess extension gdb
 * writes "p<pid>.<tid>" or "p<pid>" (all of pid's threads). */

static bool gdb_in_id(struct gdb_in *in, uint32_t *id)
{
    uint64_t v;

    if (gdb_in_prefix(in, "-1")) {
        *id = GDB_ALL;
        return true;
    }
    if (!gdb_in_hex(in, &v) || v >= 1u << 31)
        return false;
    *id = (uint32_t)v;
    return true;
}

bool gdb_in_tid(struct gdb_in *in, struct gdb_tid *t)
{
    if (!gdb_in_eat(in, 'p')) {
        t->pid = 0;
        return gdb_in_id(in, &t->tid);
    }
    if (!gdb_in_id(in, &t->pid))
        return false;
    t->tid = GDB_ALL;
    return !gdb_in_eat(in, '.') || gdb_in_id(in, &t->tid);
}

void gdb_put_tid(struct gdb *g, struct gdb_tid t)
{
    if (g->multiprocess) {
        gdb_put(g, 'p');
        gdb_put_hex(g, t.pid);
        gdb_put(g, '.');
    }
    gdb_put_hex(g, t.tid);
}

void gdb_refresh(struct gdb *g)
{
    size_t n = g->target->threads(g->ctx, g->threads, GDB_THREADS_MAX);

    g->nthreads = n < GDB_THREADS_MAX ? n : GDB_THREADS_MAX;
    for (size_t i = 0; i < g->nthreads; i++)
        g->threads[i].name[GDB_NAME_MAX - 1] = 0;
}

static bool gdb_match(uint32_t want, uint32_t have)
{
    return want == 0 || want == GDB_ALL || want == have;
}

bool gdb_find(struct gdb *g, struct gdb_tid t, struct gdb_tid *out)
{
    gdb_refresh(g);
    for (size_t i = 0; i < g->nthreads; i++) {
        struct gdb_tid h = g->threads[i].id;
        if (gdb_match(t.pid, h.pid) && gdb_match(t.tid, h.tid)) {
            *out = h;
            return true;
        }
    }
    return false;
}

/* "Any" prefers the thread that stopped last. */
bool gdb_current(struct gdb *g, bool cont, struct gdb_tid *out)
{
    struct gdb_tid t = cont ? g->cont : g->gen;

    if (t.tid == 0 || t.tid == GDB_ALL) {
        if (g->have_stop && gdb_match(t.pid, g->last.pid) && gdb_find(g, g->last, out))
            return true;
    }
    return gdb_find(g, t, out);
}

/* --- H T ? D k ------------------------------------------------------------------ */

static const char *gdb_cmd_h(struct gdb *g, struct gdb_in *in)
{
    char op = gdb_in_done(in) ? 0 : *in->p++;
    struct gdb_tid t, live;

    if ((op != 'g' && op != 'c') || !gdb_in_tid(in, &t) || !gdb_in_done(in))
        return GDB_E_INVAL;
    if (t.tid != GDB_ALL && t.tid != 0 && !gdb_find(g, t, &live))
        return GDB_E_THREAD;
    *(op == 'g' ? &g->gen : &g->cont) = t;
    return "OK";
}

static const char *gdb_cmd_alive(struct gdb *g, struct gdb_in *in)
{
    struct gdb_tid t, live;

    if (!gdb_in_tid(in, &t) || !gdb_in_done(in))
        return GDB_E_INVAL;
    return t.tid && t.tid != GDB_ALL && gdb_find(g, t, &live) ? "OK" : GDB_E_THREAD;
}

/* '?': the last stop again; at first, the first thread, as if trapped. */
static const char *gdb_cmd_status(struct gdb *g)
{
    struct gdb_event ev = {.kind = GDB_STOP_SIGNAL, .sig = GDB_SIGTRAP};
    struct gdb_tid any = {0, 0};

    if (g->have_stop) {
        gdb_stop_reply(g, &g->stop);
        return 0;
    }
    if (!gdb_find(g, any, &ev.t))
        ev.kind = GDB_EV_EXIT;
    g->last = ev.t;
    gdb_stop_reply(g, &ev);
    return 0;
}

/* Call fn for every process (pid GDB_ALL) or one. */
static void gdb_each_process(struct gdb *g, uint32_t pid, void (*fn)(void *, uint32_t))
{
    gdb_refresh(g);
    for (size_t i = 0; i < g->nthreads; i++) {
        uint32_t p = g->threads[i].id.pid;
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= g->threads[j].id.pid == p;
        if (!seen && (pid == GDB_ALL || pid == p) && fn)
            fn(g->ctx, p);
    }
}

/* D, D;pid: breakpoints out, the target runs on. */
static const char *gdb_cmd_detach(struct gdb *g, struct gdb_in *in)
{
    uint64_t pid = GDB_ALL;

    if (gdb_in_eat(in, ';') && (!gdb_in_hex(in, &pid) || pid >= 1u << 31))
        return GDB_E_INVAL;
    if (!gdb_in_done(in))
        return GDB_E_INVAL;
    gdb_break_clear(g, (uint32_t)pid);
    gdb_each_process(g, (uint32_t)pid, g->target->detach);
    if (pid == GDB_ALL) {
        g->running = false;
        g->have_stop = false;
        g->pending_count = 0;
    }
    return "OK";
}

/* k: no reply (gdb does not wait for one). */
static const char *gdb_cmd_kill(struct gdb *g)
{
    gdb_kill(g, GDB_ALL);
    g->running = false;
    g->pending_count = 0;
    return 0;
}

void gdb_kill(struct gdb *g, uint32_t pid)
{
    gdb_break_clear(g, pid);
    gdb_each_process(g, pid, g->target->kill);
}

/* --- dispatch ----------------------------------------------------------------------- */

static const char *gdb_command(struct gdb *g, struct gdb_in *in, char cmd)
{
    switch (cmd) {
    case '?': return gdb_cmd_status(g);
    case 'H': return gdb_cmd_h(g, in);
    case 'T': return gdb_cmd_alive(g, in);
    case 'D': return gdb_cmd_detach(g, in);
    case 'k': return gdb_cmd_kill(g);
    case 'q': return gdb_query(g, in);
    case 'Q': return gdb_set(g, in);
    case 'v': return gdb_v(g, in);
    case 'c': case 's': case 'C': case 'S': return gdb_cmd_resume(g, in, cmd);
    case 'g': case 'G': case 'p': case 'P': return gdb_cmd_regs(g, in, cmd);
    case 'm': case 'M': case 'X': return gdb_cmd_mem(g, in, cmd);
    case 'Z': return gdb_cmd_break(g, in, true);
    case 'z': return gdb_cmd_break(g, in, false);
    default: return "";
    }
}

void gdb_dispatch(struct gdb *g, const char *pkt, size_t len)
{
    struct gdb_in in = {pkt + 1, pkt + len};
    const char *reply = len ? gdb_command(g, &in, pkt[0]) : "";

    if (reply)
        gdb_reply(g, reply);
}

bool gdb_running(const struct gdb *g)
{
    return g->running;
}
