/*
 * Sandbox: the children's parent interface (sandbox), served on one
 * entrypoint that never waits on a child. A session request is routed by
 * the config: to our own parent, tried once; or to the child providing
 * the service, whose worker thread opens the session while the client is
 * told to ask again (ERETRY), so a server that does not answer stalls
 * only its own clients. A child's "config" ROM is its <config> node.
 */
#include <cairn/init/route.h>
#include <cairn/init/sandbox.h>

#include <cairn/args.h>
#include <cairn/fmt.h>
#include <cairn/heap.h>
#include <cairn/mem.h>
#include <cairn/parent.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <string.h>

#include "internal.h"

/* ---- the "config" ROM of a child: its <config> node ---------------------- */

static void sandbox_romcfg_attach(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                                  struct cairn_utcb *u)
{
    struct sandbox *sb = s->data;
    unsigned i = (unsigned)(uint32_t)badge;
    const struct config_child *c = &sb->cfg->children[i];
    struct cairn_msg out;
    size_t pages = (c->config_len + 4095) / 4096;
    /* one copy per child, kept for its next instances (it never changes) */
    char *p = sb->children[i].rom_copy;
    if (!p && pages && (p = cairn_ram_alloc(pages * 4096))) {
        memcpy(p, c->config, c->config_len);
        sb->children[i].rom_copy = p;
    }
    if (!p) {
        cairn_rpc_status(u, c->config ? CAIRN_EQUOTA : CAIRN_ENOTFOUND);
        return;
    }
    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, c->config_len);
    cairn_msg_word(&out, 0); /* at the start of the receive window */
    /* split where our own mappings of the copy end, too */
    if (cairn_msg_mem_items(&out, p, pages * 4096, CAIRN_MEM_R, 0) != CAIRN_OK || out.bad)
        cairn_rpc_status(u, CAIRN_ENOMEM);
}

/* ---- session requests ------------------------------------------------------ */

/* Ask the server behind `pt` (a child's service portal) for a session;
 * the server names it by `id` for SERVICE_CLOSE. */
static uint64_t sandbox_service_create(struct cairn_utcb *u, uint64_t pt, const char *label,
                                       const char *args, uint64_t *cap, uint64_t *id)
{
    struct cairn_msg m;
    uint64_t sel = cairn_sel_alloc(0), st;
    if (!sel)
        return CAIRN_ENOMEM;
    u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, sel, 0, 0);
    cairn_msg_begin(&m, u, CAIRN_SERVICE_CREATE);
    cairn_msg_str(&m, label);
    cairn_msg_str(&m, args);
    st = cairn_rpc_call(pt, u);
    u->rcv_obj = 0;
    if (st == CAIRN_OK && (!cairn_msg_item_crd(u, 0) || u->untyped < 2))
        st = CAIRN_EABORT;
    *id = st == CAIRN_OK ? u->mr[1] : 0;
    if (st != CAIRN_OK) {
        sandbox_drop_sel(sel);
        sel = 0;
    }
    *cap = sel;
    return st;
}

/* Close the session `id` at the server behind `pt`. */
static void sandbox_service_close(struct cairn_utcb *u, uint64_t pt, uint64_t id)
{
    struct cairn_msg m;
    cairn_msg_begin(&m, u, CAIRN_SERVICE_CLOSE);
    cairn_msg_word(&m, id);
    cairn_rpc_call(pt, u); /* a server gone since has closed it itself */
}

void sandbox_close_later(struct sandbox *sb, unsigned server, unsigned k, uint32_t instance,
                         uint64_t id, uint64_t sel)
{
    struct sandbox_child *s = &sb->children[server];
    sandbox_drop_sel(sel);
    if (s->instance != instance || !s->started || s->gone)
        return; /* the session went with that instance of the server */
    if (s->nclosing < SANDBOX_MAX_CLOSE) {
        s->closing[s->nclosing].id = id;
        s->closing[s->nclosing++].k = k;
    }
    else
        printf("child '%s': too many sessions to close at once, one stays open\n",
               sb->cfg->children[server].name);
    cairn_sm_up(s->work_sm);
}

/* The answer to client c's request q, now done: the session's selector
 * into *cap (CAIRN_OK), or why not; under req_lock. */
static uint64_t sandbox_answer(struct sandbox *sb, unsigned client, struct sandbox_request *q,
                               uint64_t *cap)
{
    struct sandbox_child *c = &sb->children[client], *s = &sb->children[q->server];
    uint64_t st = q->status;
    q->state = SANDBOX_REQ_EMPTY;
    if (q->instance != s->instance || s->gone) {
        sandbox_drop_sel(q->cap); /* from an instance gone since: ask the next */
        st = CAIRN_ERETRY;
    } else if (st == CAIRN_OK && c->nsess == SANDBOX_MAX_SESS) {
        printf("child '%s': more than %u sessions at children's services\n",
               sb->cfg->children[client].name, SANDBOX_MAX_SESS);
        sandbox_close_later(sb, q->server, q->k, q->instance, q->id, q->cap);
        st = CAIRN_EQUOTA;
    } else if (st == CAIRN_OK) {
        c->sess[c->nsess++] =
            (struct sandbox_session){ q->server, q->k, q->instance, q->id, q->cap };
        *cap = q->cap;
    }
    return st;
}

/* A client's request for a child's service: answered once the worker has
 * opened the session; until then the client is told to ask again. */
static uint64_t sandbox_defer(struct sandbox *sb, unsigned client, unsigned server, unsigned k,
                              const char *service, const char *label, const char *args,
                              uint64_t *cap)
{
    struct sandbox_child *c = &sb->children[client], *s = &sb->children[server];
    struct sandbox_request *q, *slot = 0, *done = 0;
    uint64_t st = CAIRN_ERETRY;
    cairn_lock_take(&sb->req_lock);
    for (q = c->req; q < c->req + SANDBOX_MAX_REQ; q++) {
        if (q->state == SANDBOX_REQ_EMPTY && !slot)
            slot = q;
        if (q->state == SANDBOX_REQ_DONE && !done)
            done = q;
        if ((q->state == SANDBOX_REQ_QUEUED || q->state == SANDBOX_REQ_BUSY ||
             q->state == SANDBOX_REQ_DONE) &&
            q->server == server && !strcmp(q->service, service) && !strcmp(q->args, args))
            break;
    }
    if (q < c->req + SANDBOX_MAX_REQ) {
        if (q->state == SANDBOX_REQ_DONE) /* the answer to this very request */
            st = sandbox_answer(sb, client, q, cap);
    } else {
        /* A new request; with every slot taken, one whose client never
         * came back for its answer gives way (its session is closed). */
        if (!slot && done) {
            if (done->status == CAIRN_OK)
                sandbox_close_later(sb, done->server, done->k, done->instance, done->id,
                                    done->cap);
            done->state = SANDBOX_REQ_EMPTY;
            slot = done;
        }
        if (slot) {
            *slot = (struct sandbox_request){ .state = SANDBOX_REQ_QUEUED, .server = server,
                                              .k = k, .portal = s->service[k],
                                              .instance = s->instance };
            snprintf(slot->service, sizeof(slot->service), "%s", service);
            snprintf(slot->label, sizeof(slot->label), "%s", label);
            snprintf(slot->args, sizeof(slot->args), "%s", args);
            cairn_sm_up(s->work_sm);
        }
    }
    cairn_lock_give(&sb->req_lock);
    return st;
}

/* The closes a server's worker has to do, first: they free what the opens
 * may need. */
static void sandbox_worker_closes(struct sandbox *sb, struct sandbox_child *s, struct cairn_utcb *u)
{
    for (;;) {
        uint64_t id = 0, pt = 0;
        cairn_lock_take(&sb->req_lock);
        bool any = s->nclosing;
        if (any) {
            s->nclosing--;
            id = s->closing[s->nclosing].id;
            pt = s->service[s->closing[s->nclosing].k];
        }
        cairn_lock_give(&sb->req_lock);
        if (!any)
            break;
        if (pt) /* 0: the server has ended since, and its sessions with it */
            sandbox_service_close(u, pt, id);
    }
}

/* Open the session of request q if it is queued for `server`. */
static void sandbox_worker_open(struct sandbox *sb, unsigned server, struct sandbox_request *q,
                                struct cairn_utcb *u)
{
    struct sandbox_request r;
    cairn_lock_take(&sb->req_lock);
    bool mine = q->state == SANDBOX_REQ_QUEUED && q->server == server;
    if (mine) {
        q->state = SANDBOX_REQ_BUSY;
        r = *q;
    }
    cairn_lock_give(&sb->req_lock);
    if (!mine)
        return;
    uint64_t cap = 0, id = 0;
    uint64_t st = sandbox_service_create(u, r.portal, r.label, r.args, &cap, &id);
    cairn_lock_take(&sb->req_lock);
    if (q->state == SANDBOX_REQ_ORPHAN) {
        q->state = SANDBOX_REQ_EMPTY;
        if (st == CAIRN_OK)
            sandbox_close_later(sb, server, r.k, r.instance, id, cap);
    } else {
        q->status = st;
        q->cap = cap;
        q->id = id;
        q->state = SANDBOX_REQ_DONE;
    }
    cairn_lock_give(&sb->req_lock);
}

/* A server's worker: closes and opens sessions at its services. A server
 * that does not answer stalls only this thread, never the entrypoint. */
void sandbox_worker(void *arg, struct cairn_utcb *u)
{
    struct sandbox_child *s = arg;
    struct sandbox *sb = s->sb;
    unsigned server = (unsigned)(s - sb->children);
    for (;;) {
        cairn_sm_down(s->work_sm, 0);
        sandbox_worker_closes(sb, s, u);
        for (unsigned i = 0; i < sb->cfg->child_count; i++)
            for (struct sandbox_request *q = sb->children[i].req;
                 q < sb->children[i].req + SANDBOX_MAX_REQ; q++)
                sandbox_worker_open(sb, server, q, u);
    }
}

/* A session from our own parent for child i, tried once. */
static uint64_t sandbox_from_parent(struct sandbox *sb, struct cairn_utcb *u, unsigned i,
                                    const char *service, const char *fwd, uint64_t *cap)
{
    struct sandbox_child *me = &sb->children[i];
    if (!me->spare)
        me->spare = cairn_sel_alloc(0);
    *cap = me->spare;
    uint64_t st = cairn_session_try_u(u, service, fwd, cap);
    if (st == CAIRN_OK) {
        me->spare = 0;
        cairn_lock_take(&sb->req_lock);
        if (me->nfwd < SANDBOX_MAX_FWD)
            me->fwd[me->nfwd++] = *cap; /* else it stays taken after a restart */
        cairn_lock_give(&sb->req_lock);
    }
    return st;
}

/* Runs on the entrypoint, whose UTCB `u` is free once the request is read. */
static uint64_t sandbox_forward(struct sandbox *sb, struct cairn_utcb *u, unsigned i,
                                const char *service, const char *args, uint64_t *cap)
{
    const struct config_child *c = &sb->cfg->children[i];
    char label[CONFIG_NAME_MAX * 2 + 8], sub[CONFIG_NAME_MAX] = "", fwd[512];
    if (cairn_arg_str(args, "label", sub, sizeof(sub)) == CAIRN_OK && sub[0])
        snprintf(label, sizeof(label), "%s -> %s", c->name, sub);
    else
        snprintf(label, sizeof(label), "%s", c->name);
    /* The first label= wins (cairn/args.h): ours overrides the child's. */
    snprintf(fwd, sizeof(fwd), "label=\"%s\", %s", label, args);
    struct route_result r;
    route_resolve(sb->cfg, i, service, sub, &r);
    if (r.kind == ROUTE_DENIED) {
        printf("%s: denied\n", r.reason);
        return CAIRN_EDENIED;
    }
    if (r.kind == ROUTE_PARENT)
        return sandbox_from_parent(sb, u, i, service, fwd, cap);
    struct sandbox_child *s = &sb->children[r.child];
    const struct config_child *sc = &sb->cfg->children[r.child];
    for (unsigned k = 0; k < sc->provides_count; k++)
        if (!strcmp(sc->provides[k], service))
            return s->service[k] ? sandbox_defer(sb, i, r.child, k, service, label, args, cap)
                                 : s->gone ? CAIRN_EABORT : CAIRN_ERETRY;
    return CAIRN_EDENIED;
}

/* ---- the parent interface ------------------------------------------------ */

static void sandbox_session(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                            struct cairn_utcb *u)
{
    struct sandbox *sb = s->data;
    unsigned i = (unsigned)(uint32_t)badge;
    char service[CONFIG_NAME_MAX], args[256], name[CONFIG_NAME_MAX];
    uint64_t cap = 0, st;
    struct cairn_msg out;
    if (cairn_msg_get_str(in, service, sizeof(service)) != CAIRN_OK ||
        cairn_msg_get_str(in, args, sizeof(args)) != CAIRN_OK) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    if (sb->hooks->session && sb->hooks->session(sb->ctx, sb, i, service, args, &st, &cap)) {
        /* answered by the hook */
    } else if (!strcmp(service, "ROM") &&
               cairn_arg_str(args, "name", name, sizeof(name)) == CAIRN_OK &&
               !strcmp(name, "config")) {
        /* A child's config comes from its <config> node, not from our parent. */
        struct sandbox_child *ch = &sb->children[i];
        st = sb->cfg->children[i].config ? CAIRN_OK : CAIRN_ENOTFOUND;
        if (st == CAIRN_OK && !ch->rom_pt)
            st = cairn_handler_portal(&sb->ep, (uint64_t)SANDBOX_ROMCFG << 32 | i, &ch->rom_pt);
        cap = ch->rom_pt;
    } else {
        st = sandbox_forward(sb, u, i, service, args, &cap);
    }
    cairn_msg_begin(&out, u, st);
    if (st == CAIRN_OK)
        cairn_msg_item(&out, CAIRN_CRD(CAIRN_CRD_OBJ, cap, 0, CAIRN_R_PT_CALL), 0);
}

static void sandbox_announce(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                             struct cairn_utcb *u)
{
    struct sandbox *sb = s->data;
    unsigned i = (unsigned)(uint32_t)badge;
    const struct config_child *c = &sb->cfg->children[i];
    struct sandbox_child *ch = &sb->children[i];
    char service[CONFIG_NAME_MAX];
    uint64_t st = CAIRN_EINVAL;
    if (cairn_msg_get_str(in, service, sizeof(service)) == CAIRN_OK) {
        st = CAIRN_EDENIED;
        for (unsigned k = 0; k < c->provides_count; k++)
            if (!strcmp(c->provides[k], service) && !ch->service[k]) {
                ch->service[k] = cairn_inbox_take(&sb->inbox, u);
                st = ch->service[k] ? CAIRN_OK : CAIRN_EINVAL;
            }
        if (st == CAIRN_EDENIED)
            printf("child '%s' announces '%s', which its <provides> does not list\n", c->name, service);
    }
    cairn_rpc_status(u, st);
}

static void sandbox_exit(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                         struct cairn_utcb *u)
{
    struct sandbox *sb = s->data;
    unsigned i = (unsigned)(uint32_t)badge;
    struct sandbox_child *ch = &sb->children[i];
    ch->end = (struct sandbox_end){ .code = (int64_t)cairn_msg_get(in) };
    printf("child '%s' exited with %ld\n", sb->cfg->children[i].name, ch->end.code);
    ch->gone = true;
    cairn_sm_up(sb->event_sm); /* the main thread decides about a restart */
    cairn_rpc_status(u, CAIRN_OK);
}

/* The badge's lower half is a child's index. */
static int sandbox_child_of(struct cairn_rpc_server *s, uint64_t badge, uint64_t op)
{
    const struct sandbox *sb = s->data;
    return (uint32_t)badge < sb->cfg->child_count;
}

/* The entrypoint: a child's parent portal (badge kind 0) and its
 * "config" ROM session (SANDBOX_ROMCFG). */
static const cairn_rpc_fn sandbox_parent_ops[] = { [CAIRN_PARENT_SESSION] = sandbox_session,
                                                   [CAIRN_PARENT_ANNOUNCE] = sandbox_announce,
                                                   [CAIRN_PARENT_EXIT] = sandbox_exit };
static const cairn_rpc_fn sandbox_romcfg_ops[] = { [CAIRN_ROM_ATTACH] = sandbox_romcfg_attach };

void sandbox_serve_init(struct sandbox *sb)
{
    sb->parent = (struct cairn_rpc_server){ CAIRN_RPC_OPS(sandbox_parent_ops), .data = sb,
                                            .accept = sandbox_child_of };
    sb->romcfg = (struct cairn_rpc_server){ CAIRN_RPC_OPS(sandbox_romcfg_ops), .data = sb,
                                            .accept = sandbox_child_of };
    sb->servers[0] = &sb->parent;
    sb->servers[SANDBOX_ROMCFG] = &sb->romcfg;
    sb->rpc = (struct cairn_rpc_ep){ sb->servers, 2, 0, &sb->inbox };
}

void sandbox_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    struct sandbox *sb = arg;
    cairn_rpc_ep_serve(&sb->rpc, u, badge);
}
