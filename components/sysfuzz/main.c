/*
 * sysfuzz: a system-call fuzzer that runs beside the other components
 * (sysfuzz.h has the victim's layout, victim.c its side).
 *
 * Config (its `config` ROM):
 *   <config seed="1" seeds="4" calls="250000"/>
 * runs `seeds` seeds from `seed` on, each for `calls` system calls, then
 * prints one summary line per seed and a final line.
 *
 * The fuzzer's own threads: the main EC calls the victim; E handles the
 * victim's events; EH answers the victim's calls to the fuzzer; a
 * watchdog thread kills a victim that makes no progress (blocked or
 * looping) so that the main EC's call returns.
 */
#include "sysfuzz.h"

#include <cairn/cpu.h>
#include <cairn/fmt.h>
#include <cairn/heap.h>
#include <cairn/log.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/time.h>
#include <cairn/xml.h>
#include <string.h>

#define FZ_BATCH      5000u    /* calls per call into the victim       */
#define FZ_RECYCLE    125000u  /* calls after which a victim is made anew */
#define FZ_PROGRESS   50000u   /* calls between progress lines         */
#define FZ_V_KMEM     (80u << 10) /* kernel memory of one victim        */
#define FZ_STRAYS     20000u   /* strays in one victim: make a new one */
#define FZ_EVT_LOOP   64u      /* events without a call: kill the victim */
#define FZ_WD_US      250000u  /* watchdog period                      */
#define FZ_WD_QUIET   4u       /* periods without progress: kill       */
#define FZ_ROM_WIN    0x380000000ull

static struct {
    struct fz_shared *sh;      /* the shared page, fuzzer's address    */
    void *stacks, *scratch;    /* the victim's memory, fuzzer's address */
    uint64_t blk;              /* 16 selectors for one victim's objects */
    uint64_t evt_pt[33];       /* portals to E (badge = event)          */
    uint64_t pt_direct, pt_echo;
    struct cairn_ec e, eh, wd;
    volatile uint64_t v_pd;    /* the victim's PD (0: none alive)      */
    volatile uint64_t in_call, wd_kills, e_kills;
    uint64_t lives, deaths;
} fz;

/* Selectors of one victim in the fuzzer's space, at fz.blk + these. */
enum { B_PD, B_H, B_H2, B_SM0, B_SM5, B_PARK, B_PT_H2, B_PT_H };

/* ---- the fuzzer's handlers --------------------------------------------------- */

static bool fz_in(uint64_t a, const char *lo, const char *hi)
{
    return a >= (uintptr_t)lo && a < (uintptr_t)hi;
}

/* E: an event of a victim EC. Resume a hostile sequence at its end,
 * send anything else to fz_bail; kill a victim that only faults. */
static void fz_event(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    struct fz_shared *sh = fz.sh;
    struct cairn_exc *x = (struct cairn_exc *)u->mr;
    uint64_t mtd = 0;

    if (badge == FZ_BADGE_DIRECT || u->untyped != sizeof(*x) / 8 || u->typed ||
        x->event != badge) { /* a plain call, not an event */
        u->untyped = u->typed = 0;
        cairn_reply(0);
    }
    sh->events[badge & 63]++;
    if (++sh->evt_since_call > FZ_EVT_LOOP && fz.v_pd) {
        fz.e_kills++;
        cairn_pd_kill(fz.v_pd);
    }
    if (badge == CAIRN_EVT_RECALL) {
        /* resume as it is: an event must keep every register */
    } else if (sh->in_hostile) {
        /* a recall may be pending; a #PF means the garbage revoked the
         * text (or the stack) the sequence runs from */
        if (sh->first_evt == ~0ull && badge != CAIRN_EVT_RECALL && badge != CAIRN_EVT_PF) {
            sh->first_evt = badge;
            if (sh->expect_evt != ~0ull && sh->expect_evt != badge)
                sh->mismatch_kinds |= 1ull << (sh->hostile_kind & 63);
            if (sh->expect_evt != ~0ull && sh->expect_evt != badge && !sh->mismatch++) {
                sh->mismatch_kind = sh->hostile_kind;
                sh->mismatch_evt = badge;
                sh->mismatch_want = sh->expect_evt;
            }
        }
        /* the 32-bit way back to 64-bit mode: E cannot see CS, the
         * sequences tell whether they left 64-bit mode */
        x->rip = sh->mode32 || fz_in(x->rip, fz_code32_start, fz_code32_end) ? (uintptr_t)fz_resume32
                                                              : (uintptr_t)fz_hostile_resume;
        x->rsp = sh->resume_sp;
        mtd = CAIRN_MTD_RIP | CAIRN_MTD_RSP | CAIRN_MTD_RFLAGS;
        if (sh->retry) { /* resume the EC as it is: it retries, whatever its RIP and RSP */
            sh->retry = 0;
            mtd = 0;
            if (sh->hostile_kind & 1) { /* for half the kinds with DF set */
                x->rflags = 0x602;
                mtd = CAIRN_MTD_RFLAGS;
            }
        }
    } else {
        sh->stray++;
        sh->stray_rip = x->rip;
        sh->stray_addr = x->qual[1];
        sh->stray_rsp = x->rsp;
        sh->stray_evt = badge;
        x->rip = x->rsp - FZ_V_STACK < FZ_STACK ? (uintptr_t)fz_bail_h : (uintptr_t)fz_bail;
        mtd = CAIRN_MTD_RIP | CAIRN_MTD_RFLAGS;
    }
    if (mtd != CAIRN_MTD_RFLAGS)
        x->rflags = 0x202;
    u->typed = 0;
    cairn_reply(mtd);
}

/* EH: the victim calls into the fuzzer; answer with a word, never with
 * a capability. */
static void fz_echo(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    u->mr[0] = u->untyped;
    u->untyped = 1;
    u->typed = 0;
    cairn_reply(0);
}

/* The watchdog: a victim that makes no progress for a while is killed,
 * which ends the main EC's call with EABORT. */
static void fz_watchdog(void *arg, struct cairn_utcb *u)
{
    uint64_t last = ~0ull;
    unsigned quiet = 0;

    for (;;) {
        cairn_sleep_us(FZ_WD_US);
        uint64_t now = fz.sh->calls + fz.sh->hostile;
        if (!fz.in_call || now != last) {
            last = now;
            quiet = 0;
            continue;
        }
        if (++quiet >= FZ_WD_QUIET && fz.v_pd) {
            fz.wd_kills++;
            cairn_pd_kill(fz.v_pd);
            quiet = 0;
        }
    }
}

/* ---- making a victim -------------------------------------------------------- */

/* Delegate [va, va + bytes) of the fuzzer to dst_va in pd, page by page. */
static uint64_t fz_map(uint64_t pd, uintptr_t va, uint64_t bytes, unsigned rights, uint64_t dst_va)
{
    uint64_t st = CAIRN_OK;

    for (uint64_t off = 0; off < bytes && st == CAIRN_OK; off += 4096) {
        (void)*(volatile const char *)(va + off); /* core backs RAM at its first touch */
        st = cairn_delegate(CAIRN_SEL_PD, pd, CAIRN_CRD(CAIRN_CRD_MEM, (va + off) >> 12, 0, rights),
                            (dst_va + off) >> 12, 0);
    }
    return st;
}

static uint64_t fz_give(uint64_t pd, uint64_t sel, uint64_t dst)
{
    return cairn_delegate(CAIRN_SEL_PD, pd, CAIRN_CRD(CAIRN_CRD_OBJ, sel, 0, CAIRN_R_ALL), dst, 0);
}

/* A start frame { fn, arg, utcb, 0 } at the top of victim stack i;
 * returns the victim's stack pointer. */
static uint64_t fz_frame(unsigned i, void *fn, uint64_t utcb)
{
    uint64_t *f = (uint64_t *)((char *)fz.stacks + (i + 1) * FZ_STACK) - 4;

    f[0] = (uintptr_t)fn;
    f[1] = FZ_V_SHARED;
    f[2] = utcb;
    f[3] = 0;
    return FZ_V_STACK + (i + 1) * FZ_STACK - 32;
}

static uint64_t fz_objects(uint64_t pd)
{
    uint64_t b = fz.blk, st;

    st = cairn_create_ec(b + B_H, pd, 0, FZ_V_UTCB, fz_frame(0, fz_victim_serve, FZ_V_UTCB), 0, 0, 0);
    if (st == CAIRN_OK)
        st = cairn_create_ec(b + B_H2, pd, 0, FZ_V_UTCB + 4096,
                             fz_frame(1, fz_victim_echo, FZ_V_UTCB + 4096), 0, 0, 0);
    fz_frame(3, fz_victim_echo, FZ_V_SCRATCH); /* for ECs the garbage makes */
    if (st == CAIRN_OK)
        st = cairn_create_sm(b + B_SM0, pd, 0);
    if (st == CAIRN_OK)
        st = cairn_create_sm(b + B_SM5, pd, 5);
    if (st == CAIRN_OK)
        st = cairn_create_sm(b + B_PARK, pd, 0);
    if (st == CAIRN_OK)
        st = cairn_create_pt(b + B_PT_H2, pd, b + B_H2, 0, (uintptr_t)cairn_portal_entry, 2);
    if (st == CAIRN_OK)
        st = cairn_create_pt(b + B_PT_H, pd, b + B_H, 0, (uintptr_t)cairn_portal_entry, 1);
    return st;
}

static uint64_t fz_caps(uint64_t pd)
{
    static const struct { uint8_t from, to; } own[] = {
        { B_PD, FZ_VS_PD },   { B_H, FZ_VS_H },         { B_H2, FZ_VS_H2 },
        { B_SM0, FZ_VS_SM0 }, { B_SM5, FZ_VS_SM5 },     { B_PARK, FZ_VS_PARK },
        { B_PT_H2, FZ_VS_PT_H2 }, { B_PT_H, FZ_VS_PT_H },
    };
    uint64_t st = CAIRN_OK;

    for (unsigned i = 0; i < sizeof(own) / sizeof(own[0]) && st == CAIRN_OK; i++)
        st = fz_give(pd, fz.blk + own[i].from, own[i].to);
    for (unsigned i = 0; i < 33 && st == CAIRN_OK; i++)
        st = fz_give(pd, fz.evt_pt[i], FZ_VS_EVT + i);
    if (st == CAIRN_OK)
        st = fz_give(pd, fz.pt_echo, FZ_VS_PT_ECHO);
    if (st == CAIRN_OK)
        st = fz_give(pd, fz.pt_direct, FZ_VS_PT_E);
    return st;
}

/* A fresh victim; the last one's selectors are emptied first (its
 * objects stay in the kernel, charged to its own quota). */
static uint64_t fz_victim(void)
{
    uint64_t pd = fz.blk + B_PD, st;

    cairn_revoke(CAIRN_SEL_PD, CAIRN_CRD(CAIRN_CRD_OBJ, fz.blk, 4, 0), CAIRN_REV_F_SELF);
    memset(fz.stacks, 0, 4 * FZ_STACK);
    st = cairn_create_pd_kmem(pd, CAIRN_SEL_PD, FZ_V_ORDER, "fzv", FZ_V_KMEM);
    if (st == CAIRN_OK)
        st = fz_map(pd, (uintptr_t)__text_start, __text_end - __text_start, CAIRN_MEM_R | CAIRN_MEM_X,
                    (uintptr_t)__text_start);
    if (st == CAIRN_OK)
        st = fz_map(pd, (uintptr_t)__rodata_start, __rodata_end - __rodata_start, CAIRN_MEM_R,
                    (uintptr_t)__rodata_start);
    if (st == CAIRN_OK)
        st = fz_map(pd, (uintptr_t)fz.sh, 4096, CAIRN_MEM_R | CAIRN_MEM_W, FZ_V_SHARED);
    if (st == CAIRN_OK)
        st = fz_map(pd, (uintptr_t)fz.stacks, 4 * FZ_STACK, CAIRN_MEM_R | CAIRN_MEM_W, FZ_V_STACK);
    if (st == CAIRN_OK)
        st = fz_map(pd, (uintptr_t)fz.scratch, FZ_SCRATCH_PAGES * 4096, CAIRN_MEM_R | CAIRN_MEM_W,
                    FZ_V_SCRATCH);
    const char *step = "memory";
    if (st == CAIRN_OK && fz.sh->ports && (step = "ports"))
        st = cairn_delegate(CAIRN_SEL_PD, pd, CAIRN_CRD(CAIRN_CRD_IO, FZ_PORT_BASE, FZ_PORT_ORDER,
                                                        CAIRN_IO_A), FZ_PORT_BASE, 0);
    if (st == CAIRN_OK && (step = "objects"))
        st = fz_objects(pd);
    if (st == CAIRN_OK && (step = "capabilities"))
        st = fz_caps(pd);
    if (st != CAIRN_OK) {
        printf("error: cannot make a victim (life %lu): %s: %s%s\n", fz.lives, step,
               cairn_status_name(st), st == CAIRN_ENOMEM ? " (each victim takes "
               "kernel memory for good: give sysfuzz more RAM, or fewer seeds)" : "");
        return st;
    }
    fz.lives++;
    fz.v_pd = pd;
    return CAIRN_OK;
}

static void fz_victim_kill(void)
{
    uint64_t pd = fz.v_pd;

    fz.v_pd = 0;
    if (pd)
        cairn_pd_kill(pd);
}

/* ---- setup ------------------------------------------------------------------ */

static uint64_t fz_setup(void)
{
    uint64_t st;

    fz.sh = cairn_ram_alloc(4096);
    fz.stacks = cairn_ram_alloc(4 * FZ_STACK);
    fz.scratch = cairn_ram_alloc(FZ_SCRATCH_PAGES * 4096);
    fz.blk = cairn_sel_alloc(4);
    if (!fz.sh || !fz.stacks || !fz.scratch || !fz.blk)
        return CAIRN_ENOMEM;
    if ((st = cairn_handler_start(&fz.e, fz_event, 0)) != CAIRN_OK ||
        (st = cairn_handler_start(&fz.eh, fz_echo, 0)) != CAIRN_OK)
        return st;
    for (unsigned i = 0; i < 33; i++) {
        fz.evt_pt[i] = cairn_sel_alloc(0);
        st = cairn_create_pt(fz.evt_pt[i], CAIRN_SEL_PD, fz.e.ec, CAIRN_MTD_EC_ALL,
                             (uintptr_t)cairn_portal_entry, i);
        if (st != CAIRN_OK)
            return st;
    }
    fz.pt_direct = cairn_sel_alloc(0);
    st = cairn_create_pt(fz.pt_direct, CAIRN_SEL_PD, fz.e.ec, CAIRN_MTD_EC_ALL,
                         (uintptr_t)cairn_portal_entry, FZ_BADGE_DIRECT);
    if (st == CAIRN_OK)
        st = cairn_handler_portal(&fz.eh, 0, &fz.pt_echo);
    if (st == CAIRN_OK)
        st = cairn_thread_start(&fz.wd, fz_watchdog, 0, 0);
    return st;
}

/* Ports for the victims, if init routes an IO_PORT session to core. */
static cairn_status_t fz_ports(void)
{
    struct cairn_utcb *u = cairn_utcb_main;
    uint64_t io, st;
    char args[48];

    snprintf(args, sizeof(args), "base=%#x, size=%u", FZ_PORT_BASE, 1u << FZ_PORT_ORDER);
    if ((st = cairn_session("IO_PORT", args, &io)) != CAIRN_OK)
        return st;
    u->rcv_io = CAIRN_CRD(CAIRN_CRD_IO, 0, 16, 0);
    struct cairn_msg m;
    cairn_msg_begin(&m, u, CAIRN_IO_ATTACH);
    st = cairn_rpc_call(io, u);
    u->rcv_io = 0;
    return st;
}

/* ---- config ----------------------------------------------------------------- */

struct fz_config {
    uint64_t seed, seeds, calls;
};

static void fz_config(struct fz_config *c)
{
    static struct xml_node nodes[4];
    struct xml_doc doc;
    struct cairn_utcb *u = cairn_utcb_main;
    uint64_t rom, v;

    *c = (struct fz_config){ .seed = 1, .seeds = 1, .calls = 100000 };
    if (cairn_session("ROM", "name=config", &rom) != CAIRN_OK)
        return;
    u->rcv_mem = CAIRN_CRD(CAIRN_CRD_MEM, FZ_ROM_WIN >> 12, 10, 0);
    struct cairn_msg m;
    cairn_msg_begin(&m, u, CAIRN_ROM_ATTACH);
    uint64_t st = cairn_rpc_call(rom, u);
    u->rcv_mem = 0;
    if (st != CAIRN_OK || u->untyped < 3 || u->mr[1] + u->mr[2] > (4096u << 10))
        return;
    const char *at = (const char *)(FZ_ROM_WIN + u->mr[2]);
    if (xml_parse(&doc, at, u->mr[1], nodes, 4, XML_TEXT_ERROR) != CAIRN_OK)
        return;
    const struct xml_node *root = xml_root(&doc);
    if (xml_attr_u64(&doc, root, "seed", &v) == CAIRN_OK)
        c->seed = v;
    if (xml_attr_u64(&doc, root, "seeds", &v) == CAIRN_OK && v)
        c->seeds = v;
    if (xml_attr_u64(&doc, root, "calls", &v) == CAIRN_OK && v)
        c->calls = v;
}

/* ---- the run ---------------------------------------------------------------- */

static void fz_summary(uint64_t seed)
{
    const struct fz_shared *sh = fz.sh;
    char line[512];
    int n = snprintf(line, sizeof(line), "seed %lu: %lu calls, statuses:", seed, sh->calls);

    for (unsigned s = 0; s < CAIRN_STATUS_COUNT; s++)
        if (sh->hist[s])
            n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %lu", cairn_status_name(s),
                          sh->hist[s]);
    n += snprintf(line + n, sizeof(line) - (size_t)n, " undefined %lu", sh->hist[CAIRN_STATUS_COUNT]);
    printf("%s\n", line);
    uint64_t events = 0;
    n = snprintf(line, sizeof(line), "seed %lu: events by number:", seed);
    for (unsigned e = 0; e < 64; e++) {
        events += sh->events[e];
        if (sh->events[e])
            n += snprintf(line + n, sizeof(line) - (size_t)n, " %u:%lu", e, sh->events[e]);
    }
    printf("%s\n", line);
    printf("seed %lu: %lu hostile sequences, %lu events, %lu strays, %lu victims (%lu died, "
           "%lu killed by the watchdog, %lu for looping)\n",
           seed, sh->hostile, events, sh->stray, fz.lives, fz.deaths, fz.wd_kills, fz.e_kills);
    if (sh->stray)
        printf("seed %lu: last stray: event %lu at rip=%#lx rsp=%#lx addr=%#lx\n", seed,
               sh->stray_evt, sh->stray_rip, sh->stray_rsp, sh->stray_addr);
}

/* Report what must not happen; returns the number of problems. */
static unsigned fz_check(uint64_t seed)
{
    const struct fz_shared *sh = fz.sh;
    unsigned bad = 0;

    if (sh->hist[CAIRN_STATUS_COUNT]) {
        printf("FAILED: seed %lu: %lu calls returned an undefined status, first call %lu: rax=%#lx "
               "returned %#lx\n", seed, sh->hist[CAIRN_STATUS_COUNT], sh->bad_call, sh->bad_rax,
               sh->bad_status);
        bad++;
    }
    if (sh->hostile_bad) {
        printf("FAILED: seed %lu: %lu hostile system calls returned an undefined status\n", seed,
               sh->hostile_bad);
        bad++;
    }
    if (sh->regs_bad) {
        printf("FAILED: seed %lu: %lu system calls changed registers they must keep\n", seed,
               sh->regs_bad);
        bad++;
    }
    if (sh->mismatch) {
        printf("FAILED: seed %lu: %lu hostile sequences gave the wrong event, first kind %lu: "
               "event %lu, want %lu (kinds %#lx)\n", seed, sh->mismatch, sh->mismatch_kind,
               sh->mismatch_evt, sh->mismatch_want, sh->mismatch_kinds);
        bad++;
    }
    if (sh->calls < sh->target) {
        printf("FAILED: seed %lu: stopped after %lu calls\n", seed, sh->calls);
        return bad + 1;
    }
    for (unsigned nr = 0; nr < CAIRN_SYS_COUNT; nr++)
        if (!sh->per_sys[nr]) {
            printf("FAILED: seed %lu: system call %u never made\n", seed, nr);
            bad++;
        }
    return bad;
}

static void fz_seed(uint64_t seed, uint64_t calls, int ports)
{
    struct fz_shared *sh = fz.sh;
    uint64_t next_progress = FZ_PROGRESS, since = 0, life_strays = 0;

    memset(sh, 0, sizeof(*sh));
    sh->seed = seed;
    sh->rng = seed * 0x9e3779b97f4a7c15ull | 1;
    sh->tsc_khz = cairn_tsc_khz();
    sh->text_lo = (uintptr_t)__text_start;
    sh->text_hi = (uintptr_t)__text_end;
    sh->rodata_lo = (uintptr_t)__rodata_start;
    sh->rodata_hi = (uintptr_t)__rodata_end;
    sh->ports = ports;
    fz.lives = fz.deaths = fz.wd_kills = fz.e_kills = 0;
    while (sh->calls < calls) {
        if (!fz.v_pd && fz_victim() != CAIRN_OK) {
            sh->target = calls; /* fz_check reports the stop */
            return;
        }
        uint64_t before = sh->calls, wd = fz.wd_kills;
        sh->target = sh->calls + FZ_BATCH < calls ? sh->calls + FZ_BATCH : calls;
        cairn_utcb_main->untyped = cairn_utcb_main->typed = 0;
        fz.in_call = 1;
        uint64_t st = cairn_call(fz.blk + B_PT_H);
        fz.in_call = 0;
        since += sh->calls - before;
        if (st == CAIRN_EABORT || !fz.v_pd) {
            if (fz.wd_kills != wd && fz.wd_kills <= 3)
                printf("seed %lu: victim stuck at call %lu (in a hostile sequence: %lu, kind %lu): "
                       "rax=%#lx args %#lx %#lx %#lx %#lx %#lx %#lx\n", seed, sh->calls,
                       sh->in_hostile, sh->hostile_kind, sh->last_rax, sh->last_args[0],
                       sh->last_args[1], sh->last_args[2], sh->last_args[3], sh->last_args[4],
                       sh->last_args[5]);
            fz.v_pd = 0;
            fz.deaths++;
            since = 0;
            life_strays = sh->stray;
        } else if (st != CAIRN_OK) {
            printf("FAILED: seed %lu: the call into the victim returned %s\n", seed,
                   cairn_status_name(st));
            return;
        }
        /* Garbage can livelock in the victim (a thread whose fault goes
         * to a portal whose handler faults, on and on): a new victim. */
        if (since >= FZ_RECYCLE || sh->stray - life_strays > FZ_STRAYS) {
            life_strays = sh->stray;
            fz_victim_kill();
            since = 0;
        }
        if (sh->calls >= next_progress) {
            printf("seed %lu: %lu calls\n", seed, sh->calls);
            next_progress += FZ_PROGRESS;
        }
    }
    fz_victim_kill();
}

/* After the fuzzing: the kernel still does what it should. */
static unsigned fz_kernel_ok(void)
{
    uint64_t sm = cairn_sel_alloc(0), rsi = 0;
    struct cairn_utcb *u = cairn_utcb_main;

    if (cairn_create_sm(sm, CAIRN_SEL_PD, 1) != CAIRN_OK || cairn_sm_down(sm, 0) != CAIRN_OK ||
        cairn_sm_down(sm, cairn_deadline_us(1000)) != CAIRN_ETIMEOUT)
        return 1;
    u->untyped = 3;
    u->typed = 0;
    if (cairn_call(fz.pt_echo) != CAIRN_OK || u->untyped != 1 || u->mr[0] != 3)
        return 2;
    if (cairn_lookup(CAIRN_CRD(CAIRN_CRD_OBJ, sm, 0, 0), &rsi) != CAIRN_OK ||
        CAIRN_CRD_BASE(rsi) != sm)
        return 3;
    return 0;
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    struct fz_config c;
    uint64_t st, total = 0;
    unsigned bad = 0;

    cairn_log_init("sysfuzz");
    fz_config(&c);
    if ((st = fz_setup()) != CAIRN_OK) {
        printf("error: setup failed: %s\n", cairn_status_name(st));
        return 1;
    }
    int ports = fz_ports() == CAIRN_OK;
    printf("seeds %lu..%lu, %lu calls each%s\n", c.seed, c.seed + c.seeds - 1, c.calls,
           ports ? ", with I/O ports" : "");
    uint64_t t0 = cairn_rdtsc();
    for (uint64_t s = c.seed; s < c.seed + c.seeds; s++) {
        fz_seed(s, c.calls, ports);
        fz_summary(s);
        bad += fz_check(s);
        total += fz.sh->calls;
    }
    uint64_t ms = (cairn_rdtsc() - t0) / cairn_tsc_khz();
    unsigned k = fz_kernel_ok();
    if (k) {
        printf("FAILED: the kernel misbehaves after the fuzzing (check %u)\n", k);
        bad++;
    }
    printf("done: %lu calls in %lu ms (%lu calls/s), %u problems\n", total, ms,
           ms ? total * 1000 / ms : 0, bad);
    return bad ? 1 : 0;
}
