/*
 * GDB engine: general queries and settings (q, Q) and the v packets but
 * vCont's actions: qSupported, qXfer (target.xml, the thread list),
 * the thread lists, QStartNoAckMode, vKill.
 *
 * What the engine does not offer gets the empty reply, which gdb reads as
 * "not supported" (qOffsets: the code runs where it was linked; qTStatus:
 * no tracepoints).
 */
#include "internal.h"

#include <string.h>

/* --- qSupported ------------------------------------------------------------------ */

/* gdb's features, "name+;name-;name=value;...": note the ones we use. */
static const char *gdb_supported(struct gdb *g, struct gdb_in *in)
{
    if (g->no_ack) { /* a new gdb on the line expects acknowledgments again */
        g->target->write(g->ctx, "+", 1);
        g->no_ack = false;
    }
    g->multiprocess = g->gdb_swbreak = g->gdb_hwbreak = false;
    while (gdb_in_eat(in, ':') || gdb_in_eat(in, ';')) {
        if (gdb_in_prefix(in, "multiprocess+"))
            g->multiprocess = true;
        else if (gdb_in_prefix(in, "swbreak+"))
            g->gdb_swbreak = true;
        else if (gdb_in_prefix(in, "hwbreak+"))
            g->gdb_hwbreak = true;
        while (!gdb_in_done(in) && *in->p != ';')
            in->p++;
    }
    gdb_begin(g);
    gdb_put_str(g, "PacketSize=");
    gdb_put_hex(g, GDB_PACKET_SIZE);
    gdb_put_str(g, ";qXfer:features:read+;qXfer:threads:read+;vContSupported+"
                   ";swbreak+;hwbreak+;QStartNoAckMode+");
    if (g->multiprocess)
        gdb_put_str(g, ";multiprocess+");
    gdb_end(g);
    return 0;
}

/* --- thread lists ------------------------------------------------------------------- */

/* qfThreadInfo / qsThreadInfo: "m" and ids while they fit, "l" at the end. */
static const char *gdb_thread_info(struct gdb *g, bool first)
{
    if (first) {
        gdb_refresh(g);
        g->thread_next = 0;
    }
    if (g->thread_next >= g->nthreads)
        return "l";
    gdb_begin(g);
    gdb_put(g, 'm');
    while (g->thread_next < g->nthreads && gdb_room(g) > 24) {
        if (g->tx[g->tx_len - 1] != 'm')
            gdb_put(g, ',');
        gdb_put_tid(g, g->threads[g->thread_next++].id);
    }
    gdb_end(g);
    return 0;
}

/* qThreadExtraInfo,id: the thread's name, hex encoded. */
static const char *gdb_thread_extra(struct gdb *g, struct gdb_in *in)
{
    struct gdb_tid t, live;

    if (!gdb_in_tid(in, &t) || !gdb_in_done(in))
        return GDB_E_INVAL;
    if (!gdb_find(g, t, &live))
        return GDB_E_THREAD;
    for (size_t i = 0; i < g->nthreads; i++)
        if (g->threads[i].id.tid == live.tid) {
            gdb_begin(g);
            gdb_put_bytes(g, (const uint8_t *)g->threads[i].name, strlen(g->threads[i].name));
            gdb_end(g);
            break;
        }
    return 0;
}

/* --- qXfer -----------------------------------------------------------------------------
 * qXfer:object:read:annex:offset,length -> "m" data (more follows) or
 * "l" data (the end), data escaped binary. */

static void gdb_doc_hex(struct gdb_doc *d, uint64_t v)
{
    int shift = 60;

    while (shift > 0 && !(v >> shift))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        gdb_doc_char(d, "0123456789abcdef"[(v >> shift) & 15]);
}

/* A name as attribute text: markup escaped, control characters '?'. */
static void gdb_doc_attr(struct gdb_doc *d, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': gdb_doc_str(d, "&amp;"); break;
        case '<': gdb_doc_str(d, "&lt;"); break;
        case '>': gdb_doc_str(d, "&gt;"); break;
        case '"': gdb_doc_str(d, "&quot;"); break;
        case '\'': gdb_doc_str(d, "&apos;"); break;
        default: gdb_doc_char(d, (uint8_t)*s < 0x20 || *s == 0x7f ? '?' : *s);
        }
    }
}

static size_t gdb_xml_threads(struct gdb *g, uint64_t off, uint64_t len, uint64_t *total)
{
    struct gdb_doc d = {.g = g, .off = off, .len = len};

    if (off == 0) /* later chunks continue the same list */
        gdb_refresh(g);
    gdb_doc_str(&d, "<?xml version=\"1.0\"?>\n<threads>\n");
    for (size_t i = 0; i < g->nthreads; i++) {
        struct gdb_tid t = g->threads[i].id;
        gdb_doc_str(&d, "<thread id=\"");
        if (g->multiprocess) {
            gdb_doc_char(&d, 'p');
            gdb_doc_hex(&d, t.pid);
            gdb_doc_char(&d, '.');
        }
        gdb_doc_hex(&d, t.tid);
        gdb_doc_str(&d, "\" name=\"");
        gdb_doc_attr(&d, g->threads[i].name);
        gdb_doc_str(&d, "\"/>\n");
    }
    gdb_doc_str(&d, "</threads>\n");
    *total = d.pos;
    return d.copied;
}

static const char *gdb_xfer(struct gdb *g, struct gdb_in *in)
{
    size_t (*doc)(struct gdb *, uint64_t, uint64_t, uint64_t *);
    uint64_t off, len, total;
    size_t copied;

    if (gdb_in_prefix(in, "features:read:")) {
        if (!gdb_in_prefix(in, "target.xml:"))
            return GDB_E_INVAL;
        doc = gdb_xml_target;
    } else if (gdb_in_prefix(in, "threads:read::")) {
        doc = gdb_xml_threads;
    } else {
        return "";
    }
    if (!gdb_in_hex(in, &off) || !gdb_in_eat(in, ',') || !gdb_in_hex(in, &len) ||
        !gdb_in_done(in))
        return GDB_E_INVAL;
    gdb_begin(g);
    gdb_put(g, 'l');
    copied = doc(g, off, len, &total);
    if (off < total && total - off > copied)
        g->tx[1] = 'm';
    gdb_end(g);
    return 0;
}

/* --- q Q v ------------------------------------------------------------------------------- */

static bool gdb_is(struct gdb_in *in, const char *s)
{
    return (size_t)(in->end - in->p) == strlen(s) && gdb_in_prefix(in, s);
}

const char *gdb_query(struct gdb *g, struct gdb_in *in)
{
    struct gdb_tid t;

    if (gdb_in_prefix(in, "Supported"))
        return gdb_supported(g, in);
    if (gdb_in_prefix(in, "Xfer:"))
        return gdb_xfer(g, in);
    if (gdb_is(in, "fThreadInfo"))
        return gdb_thread_info(g, true);
    if (gdb_is(in, "sThreadInfo"))
        return gdb_thread_info(g, false);
    if (gdb_in_prefix(in, "ThreadExtraInfo,"))
        return gdb_thread_extra(g, in);
    if (gdb_is(in, "C")) {
        if (!gdb_current(g, false, &t))
            return GDB_E_THREAD;
        gdb_begin(g);
        gdb_put_str(g, "QC");
        gdb_put_tid(g, t);
        gdb_end(g);
        return 0;
    }
    if (gdb_is(in, "Attached") || gdb_in_prefix(in, "Attached:"))
        return "1"; /* gdb attached: it detaches, not kills, when it quits */
    if (gdb_is(in, "Symbol::"))
        return "OK"; /* no symbols wanted */
    return "";
}

const char *gdb_set(struct gdb *g, struct gdb_in *in)
{
    if (gdb_is(in, "StartNoAckMode")) {
        gdb_reply(g, "OK"); /* the last packet acknowledged */
        g->no_ack = true;
        return 0;
    }
    return "";
}

const char *gdb_v(struct gdb *g, struct gdb_in *in)
{
    uint64_t pid;

    if (gdb_is(in, "Cont?"))
        return "vCont;c;C;s;S;t";
    if (gdb_in_prefix(in, "Cont;"))
        return gdb_cmd_vcont(g, in);
    if (gdb_in_prefix(in, "Kill;")) {
        if (!gdb_in_hex(in, &pid) || !gdb_in_done(in) || pid >= 1u << 31)
            return GDB_E_INVAL;
        gdb_kill(g, (uint32_t)pid);
        return "OK";
    }
    return "";
}
