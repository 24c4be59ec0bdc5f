/* RPC over portals: messages in the UTCB, client call, server dispatch. */
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <string.h>

void cairn_msg_begin(struct cairn_msg *m, struct cairn_utcb *u, uint64_t first)
{
    m->utcb = u;
    m->pos = 1;
    m->bad = 0;
    u->mr[0] = first;
    u->untyped = 1;
    u->typed = 0;
}

void cairn_msg_word(struct cairn_msg *m, uint64_t w)
{
    if (m->pos + 2u * m->utcb->typed >= CAIRN_UTCB_MR) {
        m->bad = 1;
        return;
    }
    m->utcb->mr[m->pos++] = w;
    m->utcb->untyped = (uint16_t)m->pos;
}

void cairn_msg_str(struct cairn_msg *m, const char *s)
{
    size_t n = strlen(s);
    cairn_msg_word(m, n);
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = 0;
        memcpy(&w, s + i, n - i < 8 ? n - i : 8);
        cairn_msg_word(m, w);
    }
}

void cairn_msg_item(struct cairn_msg *m, uint64_t crd, uint64_t offset)
{
    struct cairn_utcb *u = m->utcb;
    unsigned at = u->untyped + 2u * u->typed;
    if (at + 2 > CAIRN_UTCB_MR) {
        m->bad = 1;
        return;
    }
    u->mr[at] = crd;
    u->mr[at + 1] = offset;
    u->typed++;
}

void cairn_msg_read(struct cairn_msg *m, struct cairn_utcb *u)
{
    m->utcb = u;
    m->pos = 1;
    m->bad = 0;
}

uint64_t cairn_msg_get(struct cairn_msg *m)
{
    if (m->pos >= m->utcb->untyped) {
        m->bad = 1;
        return 0;
    }
    return m->utcb->mr[m->pos++];
}

cairn_status_t cairn_msg_get_str(struct cairn_msg *m, char *buf, size_t size)
{
    uint64_t n = cairn_msg_get(m);
    if (m->bad || n >= size || (n + 7) / 8 > (uint64_t)(m->utcb->untyped - m->pos)) {
        m->bad = 1;
        buf[0] = 0;
        return CAIRN_EINVAL;
    }
    memcpy(buf, &m->utcb->mr[m->pos], n);
    buf[n] = 0;
    m->pos += (unsigned)((n + 7) / 8);
    return CAIRN_OK;
}

uint64_t cairn_msg_item_crd(const struct cairn_utcb *u, unsigned i)
{
    if (i >= u->typed || u->untyped + 2u * i + 1 >= CAIRN_UTCB_MR)
        return 0;
    return u->mr[u->untyped + 2u * i];
}

uint64_t cairn_rpc_call(uint64_t pt, struct cairn_utcb *u)
{
    uint64_t st = cairn_call(pt);
    if (st != CAIRN_OK)
        return st;
    return u->untyped ? u->mr[0] : CAIRN_EINVAL;
}

void cairn_rpc_status(struct cairn_utcb *u, uint64_t status)
{
    struct cairn_msg m;
    cairn_msg_begin(&m, u, status);
}

/* Run the handler of the call in u (or reply CAIRN_EINVAL); s may be 0. */
static void rpc_dispatch(struct cairn_rpc_server *s, struct cairn_utcb *u, uint64_t badge)
{
    struct cairn_msg in;
    uint64_t op = u->untyped ? u->mr[0] : 0;
    cairn_rpc_fn fn = 0;

    if (s)
        fn = s->any ? s->any : op < s->nops ? s->ops[op] : 0;
    cairn_msg_read(&in, u);
    if (fn && (!s->accept || s->accept(s, badge, op)))
        fn(s, badge, &in, u);
    else
        cairn_rpc_status(u, CAIRN_EINVAL);
}

void cairn_rpc_serve(struct cairn_rpc_server *s, struct cairn_utcb *u, uint64_t badge)
{
    rpc_dispatch(s, u, badge);
    cairn_reply(0);
    __builtin_unreachable();
}

/* Did the capability of the call in u arrive at the inbox? */
static int inbox_got(const struct cairn_inbox *b, const struct cairn_utcb *u)
{
    uint64_t crd = cairn_msg_item_crd(u, 0);

    return CAIRN_CRD_TYPE(crd) == CAIRN_CRD_OBJ && CAIRN_CRD_BASE(crd) == b->sel;
}

uint64_t cairn_inbox_take(struct cairn_inbox *b, const struct cairn_utcb *u)
{
    uint64_t sel = b->sel, next;

    if (!inbox_got(b, u))
        return 0;
    next = b->fresh ? b->fresh() : cairn_sel_alloc(0);
    if (!next)
        return 0;
    b->sel = next;
    return sel;
}

uint64_t cairn_inbox_crd(const struct cairn_inbox *b)
{
    return CAIRN_CRD(CAIRN_CRD_OBJ, b->sel, 0, 0);
}

void cairn_rpc_ep_serve(struct cairn_rpc_ep *ep, struct cairn_utcb *u, uint64_t badge)
{
    struct cairn_inbox *b = ep->inbox;
    uint64_t inbox = b ? b->sel : 0;
    int got = b && inbox_got(b, u); /* read before the reply overwrites it */
    unsigned kind = ep->kind ? ep->kind(badge) : (unsigned)(badge >> 32);

    rpc_dispatch(kind < ep->nservers ? ep->servers[kind] : 0, u, badge);
    if (b) {
        /* An item no handler took must not block the inbox for the next. */
        if (got && b->sel == inbox)
            cairn_revoke(cairn_self_pd(), CAIRN_CRD(CAIRN_CRD_OBJ, inbox, 0, 0), CAIRN_REV_F_SELF);
        u->rcv_obj = cairn_inbox_crd(b);
    }
    cairn_reply(0);
    __builtin_unreachable();
}
