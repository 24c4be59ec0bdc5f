/*
 * Sandbox: the leak check (sandbox). With <config leak_check="yes">,
 * children that may restart are restarted in rounds: once every one of
 * them has ended, all are closed and core's figures read; each round
 * must give the first round's figures back.
 */
#include <cairn/init/sandbox.h>

#include <cairn/fmt.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/time.h>
#include <string.h>

#include "internal.h"

static cairn_status_t sandbox_usage_read(struct sandbox_usage *f)
{
    struct cairn_utcb *u = cairn_utcb_main;
    struct cairn_msg m;
    cairn_msg_begin(&m, u, CAIRN_PD_USAGE);
    cairn_status_t st = cairn_rpc_call(CAIRN_SEL_PD_SESSION, u);
    if (st != CAIRN_OK)
        return st;
    if (u->untyped < 5)
        return CAIRN_EINVAL; /* a short reply */
    *f = (struct sandbox_usage){ u->mr[1], u->mr[2], u->mr[3], u->mr[4], 0 };
    return cairn_pd_kmem(CAIRN_SEL_PD, &f->own_kmem);
}

/* The figures; while they differ from `want`, ask again a few times over
 * 50 ms: a child's EC or page table another CPU still held when it was
 * closed is freed once that CPU has moved on. */
static cairn_status_t sandbox_usage(struct sandbox *sb, struct sandbox_usage *f,
                                    const struct sandbox_usage *want)
{
    cairn_status_t st;
    uint64_t *wait_sm = &sb->leak.wait_sm;
    if (!*wait_sm && (!(*wait_sm = cairn_sel_alloc(0)) ||
                      cairn_create_sm(*wait_sm, CAIRN_SEL_PD, 0) != CAIRN_OK))
        *wait_sm = 0;
    for (unsigned try = 0; (st = sandbox_usage_read(f)) == CAIRN_OK; try++) {
        if (!want || !memcmp(f, want, sizeof(*f)) || try == 10 || !*wait_sm)
            return CAIRN_OK;
        cairn_sm_down(*wait_sm, cairn_rdtsc() + 5 * cairn_tsc_khz()); /* 5 ms */
    }
    return st;
}

static void sandbox_usage_print(const char *what, const struct sandbox_usage *f)
{
    printf("%skernel memory in use %lu KiB (init's own %lu), kernel pool %lu KiB free, core free"
           " RAM %lu KiB, init's quota %lu KiB left\n", what, f->kmem >> 10, f->own_kmem >> 10,
           f->pool >> 10, f->core_ram >> 10, f->quota >> 10);
}

/* After a round: keep the first figures, or compare with them. */
static void sandbox_leak_compare(struct sandbox *sb, const struct sandbox_usage *now)
{
    char what[64];
    if (++sb->leak.round == 1) {
        sb->leak.first = *now;
        sandbox_usage_print("leak check: after round 1: ", &sb->leak.first);
    } else if (memcmp(now, &sb->leak.first, sizeof(*now))) {
        sb->leak.leaks++;
        snprintf(what, sizeof(what), "leak: after round %u: ", sb->leak.round);
        sandbox_usage_print(what, now);
    }
}

/* Once every started child has ended, close them all, read the figures
 * (the first round's are the reference), and start again those that may
 * restart; when none may, say whether every round gave the first
 * figures back. */
void sandbox_leak_round(struct sandbox *sb)
{
    const struct init_config *cfg = sb->cfg;
    struct sandbox_child *ch = sb->children;
    bool closed[CONFIG_MAX_CHILDREN] = { 0 }, any = false;
    struct sandbox_usage now;
    /* The rounds are of the children that restart; the others (servers
     * the restarted use) run on, and must give back what the restarted
     * took from them when those close their sessions. */
    for (unsigned i = 0; i < cfg->child_count; i++)
        if (ch[i].started && !ch[i].gone && cfg->children[i].restarts)
            return; /* some still runs */
    for (unsigned i = 0; i < cfg->child_count; i++)
        if (ch[i].started && ch[i].gone)
            any = closed[i] = sandbox_close(sb, i) == CAIRN_OK;
    if (!any || sandbox_usage(sb, &now, sb->leak.round ? &sb->leak.first : 0) != CAIRN_OK)
        return;
    sandbox_leak_compare(sb, &now);
    any = false;
    for (unsigned i = 0; i < cfg->child_count; i++)
        if (closed[i] && sandbox_may_restart(sb, i)) {
            if (sandbox_start(sb, i) == CAIRN_OK)
                any = true;
            else
                ch[i].over = true;
        }
    if (any)
        return;
    if (sb->leak.leaks)
        printf("leak check failed: %u of %u rounds did not give the first figures back\n",
               sb->leak.leaks, sb->leak.round);
    else
        printf("no leak: kernel pool %lu KiB, kernel memory in use %lu KiB (init's own %lu),"
               " core free RAM %lu KiB, quota %lu KiB equal to the first after %u rounds\n",
               now.pool >> 10, now.kmem >> 10, now.own_kmem >> 10, now.core_ram >> 10,
               now.quota >> 10, sb->leak.round);
}
