/*
 * Sandbox (sandbox): the children of an init-style component, run as its
 * parsed config (cairn/init/config.h) says. init is a thin program over
 * it, and so is the monitor, which in addition debugs some children
 * (Genode's sandbox library is the model). The sandbox
 *
 *   - starts each child from its binary ROM in a PD session at our parent
 *     (core), with the RAM, caps, priority, CPU and CPU quota of its
 *     <start>, and gives it its parent portal;
 *   - serves the children's parent interface on one entrypoint: session
 *     requests routed by cairn/init/route.h (to our parent, or to a
 *     sibling's service through that server's worker thread, so the
 *     entrypoint never waits on a child), announcements of the services
 *     in a child's <provides>, exits, and the "config" ROM made of the
 *     child's own <config>;
 *   - notices children that exit or fault, and starts them again as
 *     their restart="..." allows; with <config leak_check="yes">, in
 *     rounds that compare core's figures after each.
 *
 * Use, from the component's main thread:
 *
 *   sandbox_init(&sb, &cfg, &hooks, ctx);   entrypoint, workers
 *   for each child i: sandbox_start(&sb, i);
 *   for (;;) sandbox_wait(&sb);             ends, faults, restarts
 *
 * The hooks are where a monitor differs from init; init passes none.
 * sb and cfg must stay alive (and cfg unchanged) as long as the children
 * run. One sandbox per component: the members below are the library's.
 */
#pragma once

#include <cairn/cpu.h>
#include <cairn/init/config.h>
#include <cairn/lock.h>
#include <cairn/rpc.h>

#include <stdbool.h>
#include <stdint.h>

struct sandbox;

/* How a child ended. */
struct sandbox_end {
    bool faulted;      /* else it exited                          */
    int64_t code;      /* exited: the value it gave               */
    unsigned event;    /* faulted: the exception's vector          */
    uint64_t rip, addr; /* faulted: where, and the faulting address */
};

/* Every hook is optional (0) and gets the ctx given to sandbox_init. */
struct sandbox_hooks {
    /*
     * The child's PD is loaded and has its parent portal; its first
     * thread has not run. true: start it now (as init does); false: it
     * stays stopped before its first instruction until sandbox_run. On
     * the main thread, at every start (restarts too).
     */
    bool (*created)(void *ctx, struct sandbox *sb, uint32_t child);
    /*
     * The child exited or faulted: once per end, on the main thread
     * (from sandbox_wait), after the sandbox reported it and before a
     * restart, while its PD session is still open.
     */
    void (*ended)(void *ctx, struct sandbox *sb, uint32_t child, const struct sandbox_end *how);
    /*
     * A session request of the child, before the sandbox looks at it
     * (args as the child sent them). true: the hook answered it with
     * *status and, if CAIRN_OK, the session's portal *cap (a selector
     * the hook keeps); false: the sandbox routes it. On the entrypoint,
     * which must not wait on a child.
     */
    bool (*session)(void *ctx, struct sandbox *sb, uint32_t child, const char *service,
                    const char *args, uint64_t *status, uint64_t *cap);
};

/* A session request for a child's service. A client asks for one session
 * at a time and repeats the request until it is answered; a sub-init asks
 * on behalf of its children, for several at once. So a client has a few
 * request slots, one per (service, args) it waits for. */
enum {
    SANDBOX_REQ_EMPTY,
    SANDBOX_REQ_QUEUED,
    SANDBOX_REQ_BUSY,
    SANDBOX_REQ_DONE,
    SANDBOX_REQ_ORPHAN, /* busy, its client gone */
};
#define SANDBOX_MAX_REQ 4u
struct sandbox_request {
    unsigned state;
    unsigned server, k;                        /* the server and its service index */
    uint64_t portal;                           /* the server's service portal */
    char service[CONFIG_NAME_MAX], label[CONFIG_NAME_MAX * 2 + 8], args[256];
    uint64_t status, cap, id;                  /* SANDBOX_REQ_DONE: the answer */
    uint32_t instance;                         /* the server's, when queued   */
};

/* A session a child holds at a sibling's service: closed there when the
 * child is closed, unless the server has been restarted since (its
 * sessions went with it). */
#define SANDBOX_MAX_SESS 16u
struct sandbox_session {
    unsigned server, k;
    uint32_t instance;
    uint64_t id, sel;                          /* the server's id; our selector */
};

#define SANDBOX_MAX_CLOSE 16u /* sessions at a server to close, for its worker */
#define SANDBOX_MAX_FWD   16u /* sessions from our parent a child holds */

struct sandbox_child {
    struct sandbox *sb;
    uint64_t pd_session;                       /* at our parent (core)         */
    uint64_t spare;                            /* selector for the next session from our parent */
    struct sandbox_request req[SANDBOX_MAX_REQ];
    struct sandbox_session sess[SANDBOX_MAX_SESS]; /* it holds at siblings' services */
    unsigned nsess;
    struct { uint64_t id; unsigned k; } closing[SANDBOX_MAX_CLOSE]; /* a server's: to close */
    unsigned nclosing;
    uint32_t instance;                         /* counts its starts            */
    uint64_t parent_pt;                        /* its parent interface, here   */
    uint64_t service[CONFIG_MAX_PROVIDES];     /* announced portals, 0 if not  */
    uint64_t rom_pt;                           /* its "config" ROM session     */
    char *rom_copy;                            /* its <config>, kept for every instance */
    struct cairn_ec worker;                    /* a server's: opens its sessions */
    uint64_t work_sm;                          /* upped when a request waits   */
    bool started, gone;
    bool over;                                 /* gone for good: not restarted */
    bool told;                                 /* the ended hook has been called */
    struct sandbox_end end;                    /* how it ended, once gone      */
    uint32_t restarts;                         /* times started again          */
    uint64_t start_tsc;                        /* when it was last started     */
    uint64_t fwd[SANDBOX_MAX_FWD];             /* its sessions from our parent (our selectors) */
    unsigned nfwd;
    uint32_t quick;                            /* ends within SANDBOX_QUICK_MS in a row */
};

/* What a restart must give back, read from core after each round. */
struct sandbox_usage {
    uint64_t kmem, pool, core_ram, quota, own_kmem; /* own_kmem: our kernel account */
};

struct sandbox {
    const struct init_config *cfg;
    const struct sandbox_hooks *hooks;
    void *ctx;
    struct sandbox_child children[CONFIG_MAX_CHILDREN];
    struct cairn_ec ep;
    struct cairn_inbox inbox; /* where the entrypoint receives capabilities */
    uint64_t event_sm;        /* upped by core on a fault, by the entrypoint on an exit */
    struct cairn_lock req_lock; /* requests, sessions and closings of all children */
    struct cairn_rpc_server parent, romcfg;
    struct cairn_rpc_server *servers[2];
    struct cairn_rpc_ep rpc;
    struct { /* <config leak_check="yes"> */
        unsigned round, leaks;
        struct sandbox_usage first;
        uint64_t wait_sm;
    } leak;
};

/*
 * Set up the sandbox for the parsed, error-free cfg: the entrypoint and a
 * worker thread for every child that provides services. hooks may be 0.
 * Returns the status of the first step that failed; the caller reports it.
 */
cairn_status_t sandbox_init(struct sandbox *sb, const struct init_config *cfg,
                            const struct sandbox_hooks *hooks, void *ctx);

/* Start child i (main thread); a failure is reported and fails it only. */
cairn_status_t sandbox_start(struct sandbox *sb, uint32_t i);

/* Let child i run that the created hook held before its first instruction. */
cairn_status_t sandbox_run(struct sandbox *sb, uint32_t i);

/* Wait until a child ends or faults, then handle every child that did:
 * report it, call the ended hook, restart it or not (main thread). */
void sandbox_wait(struct sandbox *sb);

/*
 * The capabilities we hold for child i, 0 while it is not started: its
 * PD session at our parent (core; its ops in cairn/session.h: STATE,
 * CLOSE, ...), through which core keeps its threads, and the parent
 * portal it calls us by.
 */
uint64_t sandbox_child_pd(const struct sandbox *sb, uint32_t i);
uint64_t sandbox_child_parent_portal(const struct sandbox *sb, uint32_t i);
