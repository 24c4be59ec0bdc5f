/*
 * Sandbox (sandbox): setting up, starting and closing children, and
 * restarting them as their config allows; see cairn/init/sandbox.h.
 */
#include <cairn/init/sandbox.h>

#include <cairn/fmt.h>
#include <cairn/parent.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/time.h>
#include <string.h>

#include "internal.h"

/* restart="yes" gives up on a child that ends this soon after its start
 * this many times in a row: it cannot start (a bad config, a VM placed
 * where it may not run), and restarting it would only loop. */
#define SANDBOX_QUICK_MS  1000u
#define SANDBOX_QUICK_MAX 3u

void sandbox_drop_sel(uint64_t sel)
{
    if (!sel)
        return;
    cairn_revoke(CAIRN_SEL_PD, CAIRN_CRD(CAIRN_CRD_OBJ, sel, 0, 0), CAIRN_REV_F_SELF);
    cairn_sel_free(sel);
}

static const char *sandbox_event_name(unsigned e)
{
    static const char *const names[] = { "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                         "#DF", "?9", "#TS", "#NP", "#SS", "#GP", "#PF" };
    return e < sizeof(names) / sizeof(names[0]) ? names[e] : "exception";
}

cairn_status_t sandbox_init(struct sandbox *sb, const struct init_config *cfg,
                            const struct sandbox_hooks *hooks, void *ctx)
{
    static const struct sandbox_hooks none;
    sb->cfg = cfg;
    sb->hooks = hooks ? hooks : &none;
    sb->ctx = ctx;
    for (unsigned i = 0; i < CONFIG_MAX_CHILDREN; i++)
        sb->children[i].sb = sb;
    sandbox_serve_init(sb);
    sb->inbox.sel = cairn_sel_alloc(0);
    sb->event_sm = cairn_sel_alloc(0);
    cairn_status_t st = cairn_create_sm(sb->event_sm, CAIRN_SEL_PD, 0);
    if (st == CAIRN_OK)
        st = cairn_lock_init(&sb->req_lock);
    if (st == CAIRN_OK)
        st = cairn_handler_start(&sb->ep, sandbox_serve, sb);
    for (unsigned i = 0; st == CAIRN_OK && i < cfg->child_count; i++) {
        struct sandbox_child *ch = &sb->children[i];
        if (!cfg->children[i].provides_count)
            continue;
        ch->work_sm = cairn_sel_alloc(0);
        st = cairn_create_sm(ch->work_sm, CAIRN_SEL_PD, 0);
        if (st == CAIRN_OK)
            st = cairn_thread_start(&ch->worker, sandbox_worker, ch, 0);
    }
    if (st == CAIRN_OK)
        ((struct cairn_utcb *)sb->ep.utcb)->rcv_obj = cairn_inbox_crd(&sb->inbox);
    return st;
}

/* A call of PD session pd_session from the main thread. */
static uint64_t sandbox_pd_call(uint64_t pd_session, uint64_t op, const char *str, uint64_t item)
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

/* Child i's PD session, its binary loaded, its parent portal given. */
static uint64_t sandbox_create(struct sandbox *sb, uint32_t i)
{
    const struct config_child *c = &sb->cfg->children[i];
    struct sandbox_child *ch = &sb->children[i];
    char args[224];
    uint64_t st, sm_crd = CAIRN_CRD(CAIRN_CRD_OBJ, sb->event_sm, 0, CAIRN_R_SM_UP);
    int n = snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, priority=%d, cpu=%u", c->name,
                     c->ram, (int)c->priority, c->cpu);
    if (c->cpu_pct)
        snprintf(args + n, sizeof(args) - (size_t)n, ", cpu_quota=%u, cpu_period=%u", c->cpu_pct,
                 c->cpu_period_us);
    st = cairn_session("PD", args, &ch->pd_session);
    if (st == CAIRN_OK)
        st = sandbox_pd_call(ch->pd_session, CAIRN_PD_NOTIFY, 0, sm_crd);
    if (st == CAIRN_OK)
        st = sandbox_pd_call(ch->pd_session, CAIRN_PD_LOAD, c->binary, 0);
    if (st == CAIRN_OK)
        st = cairn_handler_portal(&sb->ep, i, &ch->parent_pt);
    if (st == CAIRN_OK)
        st = sandbox_pd_call(ch->pd_session, CAIRN_PD_PARENT, 0,
                             CAIRN_CRD(CAIRN_CRD_OBJ, ch->parent_pt, 0, CAIRN_R_PT_CALL));
    return st;
}

cairn_status_t sandbox_start(struct sandbox *sb, uint32_t i)
{
    struct sandbox_child *ch = &sb->children[i];
    uint64_t st = sandbox_create(sb, i);
    if (st == CAIRN_OK && (!sb->hooks->created || sb->hooks->created(sb->ctx, sb, i)))
        st = sandbox_pd_call(ch->pd_session, CAIRN_PD_START, 0, 0);
    if (st != CAIRN_OK)
        printf("child '%s': cannot start: %s\n", sb->cfg->children[i].name, cairn_status_name(st));
    ch->started = st == CAIRN_OK;
    ch->start_tsc = cairn_rdtsc();
    return st;
}

cairn_status_t sandbox_run(struct sandbox *sb, uint32_t i)
{
    struct sandbox_child *ch = &sb->children[i];
    if (i >= sb->cfg->child_count || !ch->started || ch->gone)
        return CAIRN_EINVAL;
    return sandbox_pd_call(ch->pd_session, CAIRN_PD_START, 0, 0);
}

uint64_t sandbox_child_pd(const struct sandbox *sb, uint32_t i)
{
    return i < sb->cfg->child_count ? sb->children[i].pd_session : 0;
}

uint64_t sandbox_child_parent_portal(const struct sandbox *sb, uint32_t i)
{
    return i < sb->cfg->child_count ? sb->children[i].parent_pt : 0;
}

/* Close a child that is gone: core takes back its PD session (its
 * threads, VMs, pages, sessions, quota); we drop our selectors for it
 * (its PD session, its parent portal, the sessions we got it). */
cairn_status_t sandbox_close(struct sandbox *sb, unsigned i)
{
    const struct init_config *cfg = sb->cfg;
    struct sandbox_child *ch = &sb->children[i];
    uint64_t st = sandbox_pd_call(ch->pd_session, CAIRN_PD_CLOSE, 0, 0);
    if (st != CAIRN_OK) {
        printf("child '%s': cannot close it: %s\n", cfg->children[i].name, cairn_status_name(st));
        return st;
    }
    sandbox_drop_sel(ch->pd_session);
    sandbox_drop_sel(ch->parent_pt);
    ch->pd_session = ch->parent_pt = 0;
    cairn_lock_take(&sb->req_lock);
    for (unsigned k = 0; k < ch->nfwd; k++)
        sandbox_drop_sel(ch->fwd[k]);
    ch->nfwd = 0;
    /* As a client: its sessions at siblings' services are closed there,
     * and its requests dropped (one being opened is closed when done). */
    for (unsigned k = 0; k < ch->nsess; k++)
        sandbox_close_later(sb, ch->sess[k].server, ch->sess[k].k, ch->sess[k].instance,
                            ch->sess[k].id, ch->sess[k].sel);
    ch->nsess = 0;
    for (struct sandbox_request *q = ch->req; q < ch->req + SANDBOX_MAX_REQ; q++) {
        if (q->state == SANDBOX_REQ_DONE && q->status == CAIRN_OK)
            sandbox_close_later(sb, q->server, q->k, q->instance, q->id, q->cap);
        q->state = q->state == SANDBOX_REQ_BUSY ? SANDBOX_REQ_ORPHAN
                   : q->state == SANDBOX_REQ_ORPHAN ? SANDBOX_REQ_ORPHAN
                                                    : SANDBOX_REQ_EMPTY;
    }
    /* As a server: its sessions went with it; requests wait for the next
     * instance (one being opened now fails and is asked again). */
    ch->instance++;
    ch->nclosing = 0;
    for (unsigned c = 0; c < cfg->child_count; c++)
        for (struct sandbox_request *q = sb->children[c].req;
             q < sb->children[c].req + SANDBOX_MAX_REQ; q++)
            if (q->state == SANDBOX_REQ_QUEUED && q->server == i)
                q->state = SANDBOX_REQ_EMPTY;
    memset(ch->service, 0, sizeof(ch->service)); /* announced anew by the new instance */
    ch->started = ch->gone = ch->told = false;
    cairn_lock_give(&sb->req_lock);
    return CAIRN_OK;
}

bool sandbox_may_restart(struct sandbox *sb, unsigned i)
{
    const struct config_child *c = &sb->cfg->children[i];
    struct sandbox_child *ch = &sb->children[i];
    if (ch->restarts >= c->restarts) {
        if (c->restarts)
            printf("child '%s' is not restarted again: restart=\"%u\" is used up\n", c->name,
                   c->restarts);
        ch->over = true;
        return false;
    }
    if (c->restarts == CONFIG_RESTART_ALWAYS) {
        bool quick = cairn_rdtsc() - ch->start_tsc < (uint64_t)SANDBOX_QUICK_MS * cairn_tsc_khz();
        ch->quick = quick ? ch->quick + 1 : 0;
        if (ch->quick >= SANDBOX_QUICK_MAX) {
            printf("child '%s' is not restarted again: it ended within %u ms of its start %u times"
                   " in a row\n", c->name, SANDBOX_QUICK_MS, SANDBOX_QUICK_MAX);
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
static void sandbox_restart(struct sandbox *sb, unsigned i)
{
    struct sandbox_child *ch = &sb->children[i];
    if (!sandbox_may_restart(sb, i))
        return;
    if (sandbox_close(sb, i) != CAIRN_OK || sandbox_start(sb, i) != CAIRN_OK)
        ch->over = true;
}

/* A child's PD session says it faulted: report it once; a child that is
 * gone is told to the ended hook and may be restarted. */
static void sandbox_check(struct sandbox *sb, unsigned i)
{
    struct sandbox_child *ch = &sb->children[i];
    struct cairn_utcb *u = cairn_utcb_main;
    if (ch->over || !ch->started)
        return;
    if (!ch->gone && sandbox_pd_call(ch->pd_session, CAIRN_PD_STATE, 0, 0) == CAIRN_OK &&
        u->mr[1] == CAIRN_PD_FAULTED) {
        ch->end = (struct sandbox_end){ .faulted = true, .event = (unsigned)u->mr[2],
                                        .rip = u->mr[3], .addr = u->mr[4] };
        ch->gone = true;
        printf("child '%s' faulted: %s at rip %#lx, address %#lx; it is stopped\n",
               sb->cfg->children[i].name, sandbox_event_name(ch->end.event), ch->end.rip,
               ch->end.addr);
    }
    if (ch->gone && !ch->told) {
        ch->told = true;
        if (sb->hooks->ended)
            sb->hooks->ended(sb->ctx, sb, i, &ch->end);
    }
    if (ch->gone && !sb->cfg->leak_check)
        sandbox_restart(sb, i);
}

void sandbox_wait(struct sandbox *sb)
{
    cairn_sm_down(sb->event_sm, 0);
    for (unsigned i = 0; i < sb->cfg->child_count; i++)
        sandbox_check(sb, i);
    if (sb->cfg->leak_check)
        sandbox_leak_round(sb);
}
