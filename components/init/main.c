/*
 * init: starts the children its config names, with their RAM quotas and
 * priorities, and routes each session request a child makes as the config
 * says: to init's own parent, or to the child providing the service.
 * A request no route allows is denied and logged. init serves its
 * children's parent interface from one entrypoint, which never waits on a
 * child: sessions at a child's service are opened by a worker thread of
 * that server while the client is told to ask again (ERETRY), so a server
 * that does not answer stalls only its own clients. The main thread
 * watches for children that fault.
 */
#include <cairn/args.h>
#include <cairn/cpu.h>
#include <cairn/fmt.h>
#include <cairn/heap.h>
#include <cairn/lock.h>
#include <cairn/log.h>
#include <cairn/mem.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/time.h>
#include <string.h>
#include <cairn/init/config.h>
#include <cairn/init/route.h>

#define INIT_RESERVE (1ull << 20) /* RAM init keeps for itself beyond its image */
#define INIT_ROMCFG  1u           /* badge kind: a child's "config" ROM session */
#define INIT_MAX_FWD 16u          /* sessions from our parent a child holds */

/* A session request for a child's service. A client asks for one session
 * at a time and repeats the request until it is answered; a sub-init asks
 * on behalf of its children, for several at once. So a client has a few
 * request slots, one per (service, args) it waits for. */
enum { REQ_EMPTY, REQ_QUEUED, REQ_BUSY, REQ_DONE, REQ_ORPHAN /* busy, its client gone */ };
#define INIT_MAX_REQ 4u
struct request {
    unsigned state;
    unsigned server, k;                        /* the server and its service index */
    uint64_t portal;                           /* the server's service portal */
    char service[CONFIG_NAME_MAX], label[CONFIG_NAME_MAX * 2 + 8], args[256];
    uint64_t status, cap, id;                  /* REQ_DONE: the answer        */
    uint32_t instance;                         /* the server's, when queued   */
};

/* A session a child holds at a sibling's service: closed there when the
 * child is closed, unless the server has been restarted since (its
 * sessions went with it). */
#define INIT_MAX_SESS 16u
struct session {
    unsigned server, k;
    uint32_t instance;
    uint64_t id, sel;                          /* the server's id; our selector */
};

/* Sessions at a server to close, for its worker. */
#define INIT_MAX_CLOSE 16u

struct child {
    uint64_t pd_session;                       /* at our parent (core)         */
    uint64_t spare;                            /* selector for the next session from our parent */
    struct request req[INIT_MAX_REQ];
    struct session sess[INIT_MAX_SESS];        /* it holds at siblings' services */
    unsigned nsess;
    struct { uint64_t id; unsigned k; } closing[INIT_MAX_CLOSE]; /* a server's: to close */
    unsigned nclosing;
    uint32_t instance;                         /* counts its starts            */
    uint64_t parent_pt;                        /* its parent interface, here   */
    uint64_t service[CONFIG_MAX_PROVIDES];     /* announced portals, 0 if not  */
    uint64_t rom_pt;                           /* its "config" ROM session     */
    struct cairn_ec worker;                    /* a server's: opens its sessions */
    uint64_t work_sm;                          /* upped when a request waits   */
    bool started, gone;
    bool over;                                 /* gone for good: not restarted */
    uint32_t restarts;                         /* times started again          */
    uint64_t start_tsc;                        /* when it was last started     */
    uint64_t fwd[INIT_MAX_FWD];                /* its sessions from our parent (our selectors) */
    unsigned nfwd;
    uint32_t quick;                            /* ends within INIT_QUICK_MS in a row */
};

/* restart="yes" gives up on a child that ends this soon after its start
 * this many times in a row: it cannot start (a bad config, a VM placed
 * where it may not run), and restarting it would only loop. */
#define INIT_QUICK_MS  1000u
#define INIT_QUICK_MAX 3u

static struct init_config cfg;
static struct child children[CONFIG_MAX_CHILDREN];
static struct cairn_ec ep;
static struct cairn_inbox ep_inbox; /* where the entrypoint receives capabilities */
static uint64_t fault_sm;
static struct cairn_lock req_lock;

static void init_report(void *ctx, const char *msg) { printf("config: %s\n", msg); }

static struct cairn_utcb *ep_utcb(void) { return (struct cairn_utcb *)ep.utcb; }

static void init_drop_sel(uint64_t sel)
{
    if (!sel)
        return;
    cairn_revoke(CAIRN_SEL_PD, CAIRN_CRD(CAIRN_CRD_OBJ, sel, 0, 0), CAIRN_REV_F_SELF);
    cairn_sel_free(sel);
}

/* ---- the "config" ROM of a child: its <config> node ---------------------- */

static void init_romcfg_attach(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                               struct cairn_utcb *u)
{
    unsigned i = (unsigned)(uint32_t)badge;
    const struct config_child *c = &cfg.children[i];
    struct cairn_msg out;
    size_t pages = (c->config_len + 4095) / 4096;
    /* one copy per child, kept for its next instances (it never changes) */
    static char *copy[CONFIG_MAX_CHILDREN];
    char *p = copy[i];
    if (!p && pages && (p = cairn_ram_alloc(pages * 4096))) {
        memcpy(p, c->config, c->config_len);
        copy[i] = p;
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

static const char *event_name(unsigned e)
{
    static const char *const names[] = { "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                         "#DF", "?9", "#TS", "#NP", "#SS", "#GP", "#PF" };
    return e < sizeof(names) / sizeof(names[0]) ? names[e] : "exception";
}

/* Ask the server behind `pt` (a child's service portal) for a session;
 * the server names it by `id` for SERVICE_CLOSE. */
static uint64_t init_service_create(struct cairn_utcb *u, uint64_t pt, const char *label,
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
        init_drop_sel(sel);
        sel = 0;
    }
    *cap = sel;
    return st;
}

/* Close the session `id` at the server behind `pt`. */
static void init_service_close(struct cairn_utcb *u, uint64_t pt, uint64_t id)
{
    struct cairn_msg m;
    cairn_msg_begin(&m, u, CAIRN_SERVICE_CLOSE);
    cairn_msg_word(&m, id);
    cairn_rpc_call(pt, u); /* a server gone since has closed it itself */
}

/* Drop our selector `sel` for session `id` at service k of `server` and
 * have the server's worker close the session; under req_lock. */
static void init_close_later(unsigned server, unsigned k, uint32_t instance, uint64_t id,
                             uint64_t sel)
{
    struct child *s = &children[server];
    init_drop_sel(sel);
    if (s->instance != instance || !s->started || s->gone)
        return; /* the session went with that instance of the server */
    if (s->nclosing < INIT_MAX_CLOSE) {
        s->closing[s->nclosing].id = id;
        s->closing[s->nclosing++].k = k;
    }
    else
        printf("child '%s': too many sessions to close at once, one stays open\n",
               cfg.children[server].name);
    cairn_sm_up(s->work_sm);
}

/* A client's request for a child's service: answered once the worker has
 * opened the session; until then the client is told to ask again. */
static uint64_t init_defer(unsigned client, unsigned server, unsigned k, const char *service,
                           const char *label, const char *args, uint64_t *cap)
{
    struct child *c = &children[client], *s = &children[server];
    struct request *q, *slot = 0, *done = 0;
    uint64_t st = CAIRN_ERETRY;
    cairn_lock_take(&req_lock);
    for (q = c->req; q < c->req + INIT_MAX_REQ; q++) {
        if (q->state == REQ_EMPTY && !slot)
            slot = q;
        if (q->state == REQ_DONE && !done)
            done = q;
        if ((q->state == REQ_QUEUED || q->state == REQ_BUSY || q->state == REQ_DONE) &&
            q->server == server && !strcmp(q->service, service) && !strcmp(q->args, args))
            break;
    }
    if (q < c->req + INIT_MAX_REQ) {
        if (q->state == REQ_DONE) { /* the answer to this very request */
            st = q->status;
            q->state = REQ_EMPTY;
            if (q->instance != s->instance || s->gone) {
                init_drop_sel(q->cap); /* from an instance gone since: ask the next */
                st = CAIRN_ERETRY;
            } else if (st == CAIRN_OK && c->nsess == INIT_MAX_SESS) {
                printf("child '%s': more than %u sessions at children's services\n",
                       cfg.children[client].name, INIT_MAX_SESS);
                init_close_later(server, q->k, q->instance, q->id, q->cap);
                st = CAIRN_EQUOTA;
            } else if (st == CAIRN_OK) {
                c->sess[c->nsess++] = (struct session){ server, q->k, q->instance, q->id, q->cap };
                *cap = q->cap;
            }
        }
    } else {
        /* A new request; with every slot taken, one whose client never
         * came back for its answer gives way (its session is closed). */
        if (!slot && done) {
            if (done->status == CAIRN_OK)
                init_close_later(done->server, done->k, done->instance, done->id, done->cap);
            done->state = REQ_EMPTY;
            slot = done;
        }
        if (slot) {
            *slot = (struct request){ .state = REQ_QUEUED, .server = server, .k = k,
                                      .portal = s->service[k], .instance = s->instance };
            snprintf(slot->service, sizeof(slot->service), "%s", service);
            snprintf(slot->label, sizeof(slot->label), "%s", label);
            snprintf(slot->args, sizeof(slot->args), "%s", args);
            cairn_sm_up(s->work_sm);
        }
    }
    cairn_lock_give(&req_lock);
    return st;
}

/* A server's worker: closes and opens sessions at its services. A server
 * that does not answer stalls only this thread, never the entrypoint. */
static void init_worker(void *arg, struct cairn_utcb *u)
{
    unsigned server = (unsigned)(uintptr_t)arg;
    struct child *s = &children[server];
    for (;;) {
        cairn_sm_down(s->work_sm, 0);
        for (;;) { /* closes first: they free what the opens may need */
            uint64_t id = 0, pt = 0;
            cairn_lock_take(&req_lock);
            bool any = s->nclosing;
            if (any) {
                s->nclosing--;
                id = s->closing[s->nclosing].id;
                pt = s->service[s->closing[s->nclosing].k];
            }
            cairn_lock_give(&req_lock);
            if (!any)
                break;
            if (pt) /* 0: the server has ended since, and its sessions with it */
                init_service_close(u, pt, id);
        }
        for (unsigned i = 0; i < cfg.child_count; i++)
            for (struct request *q = children[i].req; q < children[i].req + INIT_MAX_REQ; q++) {
                struct request r;
                cairn_lock_take(&req_lock);
                int mine = q->state == REQ_QUEUED && q->server == server;
                if (mine) {
                    q->state = REQ_BUSY;
                    r = *q;
                }
                cairn_lock_give(&req_lock);
                if (!mine)
                    continue;
                uint64_t cap = 0, id = 0;
                uint64_t st = init_service_create(u, r.portal, r.label, r.args, &cap, &id);
                cairn_lock_take(&req_lock);
                if (q->state == REQ_ORPHAN) {
                    q->state = REQ_EMPTY;
                    if (st == CAIRN_OK)
                        init_close_later(server, r.k, r.instance, id, cap);
                } else {
                    q->status = st;
                    q->cap = cap;
                    q->id = id;
                    q->state = REQ_DONE;
                }
                cairn_lock_give(&req_lock);
            }
    }
}

/* Runs on the entrypoint, whose UTCB `u` is free once the request is read. */
static uint64_t init_forward(struct cairn_utcb *u, unsigned i, const char *service, const char *args,
                             uint64_t *cap)
{
    const struct config_child *c = &cfg.children[i];
    char label[CONFIG_NAME_MAX * 2 + 8], sub[CONFIG_NAME_MAX] = "", fwd[512];
    if (cairn_arg_str(args, "label", sub, sizeof(sub)) == CAIRN_OK && sub[0])
        snprintf(label, sizeof(label), "%s -> %s", c->name, sub);
    else
        snprintf(label, sizeof(label), "%s", c->name);
    /* The first label= wins (cairn/args.h): ours overrides the child's. */
    snprintf(fwd, sizeof(fwd), "label=\"%s\", %s", label, args);
    struct route_result r;
    route_resolve(&cfg, i, service, sub, &r);
    if (r.kind == ROUTE_DENIED) {
        printf("%s: denied\n", r.reason);
        return CAIRN_EDENIED;
    }
    if (r.kind == ROUTE_PARENT) {
        struct child *me = &children[i];
        if (!me->spare)
            me->spare = cairn_sel_alloc(0);
        *cap = me->spare;
        uint64_t st = cairn_session_try_u(u, service, fwd, cap);
        if (st == CAIRN_OK) {
            me->spare = 0;
            cairn_lock_take(&req_lock);
            if (me->nfwd < INIT_MAX_FWD)
                me->fwd[me->nfwd++] = *cap; /* else it stays taken after a restart */
            cairn_lock_give(&req_lock);
        }
        return st;
    }
    struct child *s = &children[r.child];
    const struct config_child *sc = &cfg.children[r.child];
    for (unsigned k = 0; k < sc->provides_count; k++)
        if (!strcmp(sc->provides[k], service))
            return s->service[k] ? init_defer(i, r.child, k, service, label, args, cap)
                                 : s->gone ? CAIRN_EABORT : CAIRN_ERETRY;
    return CAIRN_EDENIED;
}

static void init_session(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                         struct cairn_utcb *u)
{
    unsigned i = (unsigned)(uint32_t)badge;
    char service[CONFIG_NAME_MAX], args[256], name[CONFIG_NAME_MAX];
    uint64_t cap = 0, st;
    struct cairn_msg out;
    if (cairn_msg_get_str(in, service, sizeof(service)) != CAIRN_OK ||
        cairn_msg_get_str(in, args, sizeof(args)) != CAIRN_OK) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    if (!strcmp(service, "ROM") && cairn_arg_str(args, "name", name, sizeof(name)) == CAIRN_OK &&
        !strcmp(name, "config")) {
        /* A child's config comes from its <config> node, not from our parent. */
        st = cfg.children[i].config ? CAIRN_OK : CAIRN_ENOTFOUND;
        if (st == CAIRN_OK && !children[i].rom_pt)
            st = cairn_handler_portal(&ep, (uint64_t)INIT_ROMCFG << 32 | i, &children[i].rom_pt);
        cap = children[i].rom_pt;
    } else {
        st = init_forward(u, i, service, args, &cap);
    }
    cairn_msg_begin(&out, u, st);
    if (st == CAIRN_OK)
        cairn_msg_item(&out, CAIRN_CRD(CAIRN_CRD_OBJ, cap, 0, CAIRN_R_PT_CALL), 0);
}

static void init_announce(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                          struct cairn_utcb *u)
{
    unsigned i = (unsigned)(uint32_t)badge;
    const struct config_child *c = &cfg.children[i];
    char service[CONFIG_NAME_MAX];
    uint64_t st = CAIRN_EINVAL;
    if (cairn_msg_get_str(in, service, sizeof(service)) == CAIRN_OK) {
        st = CAIRN_EDENIED;
        for (unsigned k = 0; k < c->provides_count; k++)
            if (!strcmp(c->provides[k], service) && !children[i].service[k]) {
                children[i].service[k] = cairn_inbox_take(&ep_inbox, u);
                st = children[i].service[k] ? CAIRN_OK : CAIRN_EINVAL;
            }
        if (st == CAIRN_EDENIED)
            printf("child '%s' announces '%s', which its <provides> does not list\n", c->name, service);
    }
    cairn_rpc_status(u, st);
}

static void init_exit(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                      struct cairn_utcb *u)
{
    unsigned i = (unsigned)(uint32_t)badge;
    printf("child '%s' exited with %ld\n", cfg.children[i].name, (int64_t)cairn_msg_get(in));
    children[i].gone = true;
    cairn_sm_up(fault_sm); /* the main loop decides about a restart */
    cairn_rpc_status(u, CAIRN_OK);
}

/* The badge's lower half is a child's index. */
static int init_child_of(struct cairn_rpc_server *s, uint64_t badge, uint64_t op)
{
    return (uint32_t)badge < cfg.child_count;
}

/* The entrypoint: a child's parent portal (badge kind 0) and its
 * "config" ROM session (INIT_ROMCFG). */
static const cairn_rpc_fn init_parent_ops[] = { [CAIRN_PARENT_SESSION] = init_session,
                                                [CAIRN_PARENT_ANNOUNCE] = init_announce,
                                                [CAIRN_PARENT_EXIT] = init_exit };
static const cairn_rpc_fn init_romcfg_ops[] = { [CAIRN_ROM_ATTACH] = init_romcfg_attach };
static struct cairn_rpc_server init_parent = { CAIRN_RPC_OPS(init_parent_ops),
                                               .accept = init_child_of };
static struct cairn_rpc_server init_romcfg = { CAIRN_RPC_OPS(init_romcfg_ops),
                                               .accept = init_child_of };
static struct cairn_rpc_server *const init_servers[] = { [0] = &init_parent,
                                                         [INIT_ROMCFG] = &init_romcfg };
static struct cairn_rpc_ep init_rpc = { init_servers, sizeof(init_servers) / sizeof(init_servers[0]),
                                        0, &ep_inbox };

static void init_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    cairn_rpc_ep_serve(&init_rpc, u, badge);
}

/* ---- starting children -------------------------------------------------- */

static uint64_t init_pd_call(uint64_t pd_session, uint64_t op, const char *str, uint64_t item)
{
    struct cairn_utcb *u = cairn_utcb_main;
    struct cairn_msg m;
    cairn_msg_begin(&m, u, op);
    if (str)
        cairn_msg_str(&m, str);
    if (item)
        cairn_msg_item(&m, item, 0);
    return cairn_rpc_call(pd_session, u);
}

static uint64_t init_start(unsigned i)
{
    const struct config_child *c = &cfg.children[i];
    struct child *ch = &children[i];
    char args[224];
    uint64_t st, sm_crd = CAIRN_CRD(CAIRN_CRD_OBJ, fault_sm, 0, CAIRN_R_SM_UP);
    int n = snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, priority=%d, cpu=%u", c->name,
                     c->ram, (int)c->priority, c->cpu);
    if (c->cpu_pct)
        snprintf(args + n, sizeof(args) - (size_t)n, ", cpu_quota=%u, cpu_period=%u", c->cpu_pct,
                 c->cpu_period_us);
    st = cairn_session("PD", args, &ch->pd_session);
    if (st == CAIRN_OK)
        st = init_pd_call(ch->pd_session, CAIRN_PD_NOTIFY, 0, sm_crd);
    if (st == CAIRN_OK)
        st = init_pd_call(ch->pd_session, CAIRN_PD_LOAD, c->binary, 0);
    if (st == CAIRN_OK)
        st = cairn_handler_portal(&ep, i, &ch->parent_pt);
    if (st == CAIRN_OK)
        st = init_pd_call(ch->pd_session, CAIRN_PD_PARENT, 0,
                          CAIRN_CRD(CAIRN_CRD_OBJ, ch->parent_pt, 0, CAIRN_R_PT_CALL));
    if (st == CAIRN_OK)
        st = init_pd_call(ch->pd_session, CAIRN_PD_START, 0, 0);
    if (st != CAIRN_OK)
        printf("child '%s': cannot start: %s\n", c->name, cairn_status_name(st));
    ch->started = st == CAIRN_OK;
    ch->start_tsc = cairn_rdtsc();
    return st;
}

/* Close a child that is gone: core takes back its PD session (its
 * threads, VMs, pages, sessions, quota); we drop our selectors for it
 * (its PD session, its parent portal, the sessions we got it). */
static uint64_t init_close(unsigned i)
{
    struct child *ch = &children[i];
    uint64_t st = init_pd_call(ch->pd_session, CAIRN_PD_CLOSE, 0, 0);
    if (st != CAIRN_OK) {
        printf("child '%s': cannot close it: %s\n", cfg.children[i].name, cairn_status_name(st));
        return st;
    }
    init_drop_sel(ch->pd_session);
    init_drop_sel(ch->parent_pt);
    ch->pd_session = ch->parent_pt = 0;
    cairn_lock_take(&req_lock);
    for (unsigned k = 0; k < ch->nfwd; k++)
        init_drop_sel(ch->fwd[k]);
    ch->nfwd = 0;
    /* As a client: its sessions at siblings' services are closed there,
     * and its requests dropped (one being opened is closed when done). */
    for (unsigned k = 0; k < ch->nsess; k++)
        init_close_later(ch->sess[k].server, ch->sess[k].k, ch->sess[k].instance, ch->sess[k].id,
                         ch->sess[k].sel);
    ch->nsess = 0;
    for (struct request *q = ch->req; q < ch->req + INIT_MAX_REQ; q++) {
        if (q->state == REQ_DONE && q->status == CAIRN_OK)
            init_close_later(q->server, q->k, q->instance, q->id, q->cap);
        q->state = q->state == REQ_BUSY ? REQ_ORPHAN : q->state == REQ_ORPHAN ? REQ_ORPHAN : REQ_EMPTY;
    }
    /* As a server: its sessions went with it; requests wait for the next
     * instance (one being opened now fails and is asked again). */
    ch->instance++;
    ch->nclosing = 0;
    for (unsigned c = 0; c < cfg.child_count; c++)
        for (struct request *q = children[c].req; q < children[c].req + INIT_MAX_REQ; q++)
            if (q->state == REQ_QUEUED && q->server == i)
                q->state = REQ_EMPTY;
    memset(ch->service, 0, sizeof(ch->service)); /* announced anew by the new instance */
    ch->started = ch->gone = false;
    cairn_lock_give(&req_lock);
    return CAIRN_OK;
}

/* May the child that ended start again? Says so either way. */
static bool init_may_restart(unsigned i)
{
    const struct config_child *c = &cfg.children[i];
    struct child *ch = &children[i];
    if (ch->restarts >= c->restarts) {
        if (c->restarts)
            printf("child '%s' is not restarted again: restart=\"%u\" is used up\n", c->name,
                   c->restarts);
        ch->over = true;
        return false;
    }
    if (c->restarts == CONFIG_RESTART_ALWAYS) {
        bool quick = cairn_rdtsc() - ch->start_tsc < (uint64_t)INIT_QUICK_MS * cairn_tsc_khz();
        ch->quick = quick ? ch->quick + 1 : 0;
        if (ch->quick >= INIT_QUICK_MAX) {
            printf("child '%s' is not restarted again: it ended within %u ms of its start %u times"
                   " in a row\n", c->name, INIT_QUICK_MS, INIT_QUICK_MAX);
            ch->over = true;
            return false;
        }
    }
    ch->restarts++;
    if (c->restarts == CONFIG_RESTART_ALWAYS)
        printf("restarting child '%s' (restart %u)\n", c->name, ch->restarts);
    else
        printf("restarting child '%s' (restart %u of %u)\n", c->name, ch->restarts, c->restarts);
    return true;
}

/* A child that exited or faulted: start it again if its restart="..."
 * allows (core closes the old one), else leave it stopped. */
static void init_restart(unsigned i)
{
    struct child *ch = &children[i];
    if (!init_may_restart(i))
        return;
    if (init_close(i) != CAIRN_OK || init_start(i) != CAIRN_OK)
        ch->over = true;
}

/* ---- leak check: restarts in rounds --------------------------------------- */

/* What a restart must give back, read from core after each round. */
struct init_usage {
    uint64_t kmem, pool, core_ram, quota, own_kmem; /* own_kmem: init's kernel account */
};

static cairn_status_t init_usage_read(struct init_usage *f)
{
    struct cairn_utcb *u = cairn_utcb_main;
    struct cairn_msg m;
    cairn_msg_begin(&m, u, CAIRN_PD_USAGE);
    cairn_status_t st = cairn_rpc_call(CAIRN_SEL_PD_SESSION, u);
    if (st != CAIRN_OK)
        return st;
    if (u->untyped < 5)
        return CAIRN_EINVAL; /* a short reply */
    *f = (struct init_usage){ u->mr[1], u->mr[2], u->mr[3], u->mr[4], 0 };
    return cairn_pd_kmem(CAIRN_SEL_PD, &f->own_kmem);
}

/* The figures; while they differ from `want`, ask again a few times over
 * 50 ms: a child's EC or page table another CPU still held when it was
 * closed is freed once that CPU has moved on. */
static cairn_status_t init_usage(struct init_usage *f, const struct init_usage *want)
{
    cairn_status_t st;
    static uint64_t wait_sm;
    if (!wait_sm && (!(wait_sm = cairn_sel_alloc(0)) ||
                     cairn_create_sm(wait_sm, CAIRN_SEL_PD, 0) != CAIRN_OK))
        wait_sm = 0;
    for (unsigned try = 0; (st = init_usage_read(f)) == CAIRN_OK; try++) {
        if (!want || !memcmp(f, want, sizeof(*f)) || try == 10 || !wait_sm)
            return CAIRN_OK;
        cairn_sm_down(wait_sm, cairn_rdtsc() + 5 * cairn_tsc_khz()); /* 5 ms */
    }
    return st;
}

static void init_usage_print(const char *what, const struct init_usage *f)
{
    printf("%skernel memory in use %lu KiB (init's own %lu), kernel pool %lu KiB free, core free"
           " RAM %lu KiB, init's quota %lu KiB left\n", what, f->kmem >> 10, f->own_kmem >> 10,
           f->pool >> 10, f->core_ram >> 10, f->quota >> 10);
}

/* <config leak_check="yes">: once every started child has ended, close
 * them all, read the figures (the first round's are the reference), and
 * start again those that may restart; when none may, say whether every
 * round gave the first figures back. */
static void init_round(void)
{
    static unsigned round, leaks;
    static struct init_usage first;
    bool closed[CONFIG_MAX_CHILDREN] = { 0 }, any = false;
    struct init_usage now;
    /* The rounds are of the children that restart; the others (servers
     * the restarted use) run on, and must give back what the restarted
     * took from them when those close their sessions. */
    for (unsigned i = 0; i < cfg.child_count; i++)
        if (children[i].started && !children[i].gone && cfg.children[i].restarts)
            return; /* some still runs */
    for (unsigned i = 0; i < cfg.child_count; i++)
        if (children[i].started && children[i].gone)
            any = closed[i] = init_close(i) == CAIRN_OK;
    if (!any || init_usage(&now, round ? &first : 0) != CAIRN_OK)
        return;
    char what[64];
    if (++round == 1) {
        first = now;
        init_usage_print("leak check: after round 1: ", &first);
    } else if (memcmp(&now, &first, sizeof(now))) {
        leaks++;
        snprintf(what, sizeof(what), "leak: after round %u: ", round);
        init_usage_print(what, &now);
    }
    any = false;
    for (unsigned i = 0; i < cfg.child_count; i++)
        if (closed[i] && init_may_restart(i)) {
            if (init_start(i) == CAIRN_OK)
                any = true;
            else
                children[i].over = true;
        }
    if (any)
        return;
    if (leaks)
        printf("leak check failed: %u of %u rounds did not give the first figures back\n", leaks, round);
    else
        printf("no leak: kernel pool %lu KiB, kernel memory in use %lu KiB (init's own %lu),"
               " core free RAM %lu KiB, quota %lu KiB equal to the first after %u rounds\n",
               now.pool >> 10, now.kmem >> 10, now.own_kmem >> 10, now.core_ram >> 10,
               now.quota >> 10, round);
}

/* A child's PD session says it faulted: report it once; a child that is
 * gone may be restarted. */
static void init_check(unsigned i)
{
    struct child *ch = &children[i];
    struct cairn_utcb *u = cairn_utcb_main;
    if (ch->over || !ch->started)
        return;
    if (!ch->gone && init_pd_call(ch->pd_session, CAIRN_PD_STATE, 0, 0) == CAIRN_OK &&
        u->mr[1] == CAIRN_PD_FAULTED) {
        ch->gone = true;
        printf("child '%s' faulted: %s at rip %#lx, address %#lx; it is stopped\n",
               cfg.children[i].name, event_name((unsigned)u->mr[2]), u->mr[3], u->mr[4]);
    }
    if (ch->gone && !cfg.leak_check)
        init_restart(i);
}

static const char *init_config_rom(size_t *len)
{
    struct cairn_utcb *u = cairn_utcb_main;
    struct cairn_msg m;
    uint64_t rom;
    if (cairn_session("ROM", "name=config", &rom) != CAIRN_OK)
        return 0;
    u->rcv_mem = CAIRN_CRD(CAIRN_CRD_MEM, CAIRN_ROM_AREA >> 12, 18, 0);
    cairn_msg_begin(&m, u, CAIRN_ROM_ATTACH);
    uint64_t st = cairn_rpc_call(rom, u);
    u->rcv_mem = 0;
    if (st != CAIRN_OK || u->untyped < 3 || u->mr[2] >= (4u << 20))
        return 0;
    *len = u->mr[1];
    return (const char *)(CAIRN_ROM_AREA + u->mr[2]);
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    size_t len = 0;
    cairn_log_init("init");
    const char *xml = init_config_rom(&len);
    if (!xml) {
        printf("error: no config ROM\n");
        return 1;
    }
    struct config_budget budget = { .ram = cairn_env->ram_quota > INIT_RESERVE * 4
                                               ? cairn_env->ram_quota - INIT_RESERVE * 4 : 0,
                                    .cpus = cairn_env->cpus };
    unsigned errors = config_parse(&cfg, xml, len, &budget, init_report, 0);
    if (errors) {
        printf("config has %u error%s: starting nothing\n", errors, errors == 1 ? "" : "s");
        cairn_block_forever();
    }
    ep_inbox.sel = cairn_sel_alloc(0);
    fault_sm = cairn_sel_alloc(0);
    uint64_t st = cairn_create_sm(fault_sm, CAIRN_SEL_PD, 0);
    if (st == CAIRN_OK)
        st = cairn_lock_init(&req_lock);
    if (st == CAIRN_OK)
        st = cairn_handler_start(&ep, init_serve, 0);
    for (unsigned i = 0; st == CAIRN_OK && i < cfg.child_count; i++) {
        if (!cfg.children[i].provides_count)
            continue;
        children[i].work_sm = cairn_sel_alloc(0);
        st = cairn_create_sm(children[i].work_sm, CAIRN_SEL_PD, 0);
        if (st == CAIRN_OK)
            st = cairn_thread_start(&children[i].worker, init_worker, (void *)(uintptr_t)i, 0);
    }
    if (st != CAIRN_OK) {
        printf("error: cannot create the entrypoint: %s\n", cairn_status_name(st));
        return 1;
    }
    ep_utcb()->rcv_obj = cairn_inbox_crd(&ep_inbox);
    for (unsigned i = 0; i < cfg.child_count; i++)
        init_start(i);
    if (cfg.verbose || cairn_env->label[0] == 0 || !strcmp(cairn_env->label, "init"))
        printf("BENCH boot_to_init_ready %lu ticks\n", cairn_rdtsc() - cairn_env->boot_tsc);
    if (cfg.verbose)
        printf("started %u children\n", cfg.child_count);
    for (;;) {
        cairn_sm_down(fault_sm, 0);
        for (unsigned i = 0; i < cfg.child_count; i++)
            init_check(i);
        if (cfg.leak_check)
            init_round();
    }
}
