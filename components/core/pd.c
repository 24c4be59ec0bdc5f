/* core: PD sessions (a component's address space, RAM quota, main thread),
 * CPU sessions (its further threads) and faults. */
#include "core.h"
#include <cairn/args.h>
#include <cairn/ec.h>
#include <cairn/fmt.h>
#include <cairn/mem.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>
#include <cairn/time.h>
#include <string.h>
#include "elf.h"

#define PAGE 4096ull

struct core_pd core_pds[CORE_MAX_PDS];

static uint64_t pd_pages(uint64_t bytes) { return (bytes + PAGE - 1) / PAGE; }

/* Fresh zeroed RAM of session `s`, mapped in core; 0 when over quota. */
static uint8_t *pd_ram(struct core_pd *s, uint64_t pages)
{
    if (pages * PAGE > s->quota - s->ram)
        return 0;
    uint8_t *p = cairn_page_alloc(pages);
    if (p)
        s->ram += pages * PAGE;
    return p;
}

/* The PD session that pays for a new one: the PD whose label is the new
 * label's parent ("init -> sub" for "init -> sub -> x"), else the one
 * that asked. Quotas thus nest like the tree. */
int core_payer(int from, const char *label)
{
    const char *last = 0;
    for (const char *c = strstr(label, " -> "); c; c = strstr(c + 4, " -> "))
        last = c;
    if (!last)
        return from;
    size_t n = (size_t)(last - label);
    for (int i = 0; i < CORE_MAX_PDS; i++)
        if (core_pds[i].used && !core_pds[i].closed && !strncmp(core_pds[i].label, label, n) &&
            !core_pds[i].label[n])
            return i;
    return from;
}

cairn_status_t core_pd_of(const char *label, int *id)
{
    for (int i = 0; i < CORE_MAX_PDS; i++)
        if (core_pds[i].used && !core_pds[i].closed && !strcmp(core_pds[i].label, label)) {
            *id = i;
            return CAIRN_OK;
        }
    return CAIRN_ENOTFOUND;
}

uint64_t core_pd_create(int from, const char *label, const char *args, uint64_t *pt)
{
    int payer = from < 0 ? -1 : core_payer(from, label);
    uint64_t quota = cairn_arg_num(args, "ram_quota", 0) & ~(PAGE - 1);
    int64_t prio = cairn_arg_int(args, "priority", 0);
    uint64_t cpu = cairn_arg_num(args, "cpu", 0);
    struct core_pd *p = payer >= 0 ? &core_pds[payer] : 0;
    unsigned i;
    for (i = 0; i < CORE_MAX_PDS && core_pds[i].used; i++)
        ;
    if (i == CORE_MAX_PDS)
        return CAIRN_ENOMEM;
    if (cpu >= cairn_hip->cpu_online) {
        printf("%s: no CPU %lu (%u online)\n", label, cpu, cairn_hip->cpu_online);
        return CAIRN_EINVAL;
    }
    if (p && quota > p->quota - p->ram) {
        printf("%s: RAM quota of %lu KiB exceeds the %lu KiB %s has left\n", label, quota >> 10,
               (p->quota - p->ram) >> 10, p->label);
        return CAIRN_EQUOTA;
    }
    /* CPU quota: cpu_quota percent of every cpu_period microseconds. A
     * child of a budgeted parent gets at most the parent's share. */
    uint64_t pct = cairn_arg_num(args, "cpu_quota", 0), period = cairn_arg_num(args, "cpu_period", 10000);
    if (pct > 100 || period < 100 || period > 10000000 || (pct && period * pct / 100 < 100)) {
        printf("%s: bad CPU quota %lu%% of %lu us (1-100%% of 100 us to 10 s, at least 100 us)\n",
               label, pct, period);
        return CAIRN_EINVAL;
    }
    if (p && p->cpu_pct && pct > p->cpu_pct) {
        printf("%s: CPU quota of %lu%% exceeds the %u%% of %s\n", label, pct, p->cpu_pct, p->label);
        return CAIRN_EQUOTA;
    }
    if (p && p->cpu_pct && !pct)
        pct = p->cpu_pct, period = p->cpu_period;
    struct core_pd *s = &core_pds[i];
    *s = (struct core_pd){ .used = true, .payer = payer, .quota = quota, .cpu = (unsigned)cpu,
                           .cpu_pct = (unsigned)pct, .cpu_period = period,
                           .heap_next = CAIRN_HEAP_BASE };
    uint64_t map_bytes = quota / PAGE * sizeof(uint32_t);
    s->frame_pages = pd_pages(map_bytes ? map_bytes : 1);
    s->frame = cairn_page_alloc(s->frame_pages);
    if (!s->frame) {
        s->used = false;
        return CAIRN_ENOMEM;
    }
    unsigned base = p ? p->max_prio : CORE_PRIO_INIT;
    s->max_prio = prio < 0 && (uint64_t)-prio < base ? base + (unsigned)prio : prio < 0 ? 1 : base;
    snprintf(s->label, sizeof(s->label), "%s", label);
    s->pt = core_portal(CORE_BADGE(CORE_PD, i));
    s->child_pt = core_portal(CORE_BADGE(CORE_PD_CHILD, i));
    core_own((int)i, s->child_pt); /* s->pt: as every session portal (parent.c) */
    if (!s->pt || !s->child_pt) {
        s->used = false;
        return CAIRN_ENOMEM;
    }
    if (p)
        p->ram += quota;
    *pt = s->pt;
    return CAIRN_OK;
}

/* Delegate `pages` of core's RAM at p to the component at va, from the
 * host frames rather than core's own read-write view, so program text
 * can be executable. */
static uint64_t pd_give(struct core_pd *s, uint64_t va, const uint8_t *p, uint64_t pages,
                        unsigned rights)
{
    struct cairn_mem_chunk c = cairn_mem_chunks(cairn_page_phys(p) >> 12, va >> 12, pages, 20);
    while (cairn_mem_chunk_next(&c)) {
        uint64_t st = cairn_delegate(CAIRN_ROOT_SEL_PD, s->pd,
                                     CAIRN_CRD(CAIRN_CRD_MEM, c.a, c.order, rights), c.b,
                                     CAIRN_DEL_F_HOST);
        if (st != CAIRN_OK)
            return st;
    }
    return CAIRN_OK;
}

/* Reserve [start, start + bytes) of the component, charged to its quota
 * now, backed page by page when first touched. Adjacent plain RAM ranges
 * merge into one region. */
static uint64_t pd_region(struct core_pd *s, uint64_t start, uint64_t bytes, const uint8_t *src,
                          uint64_t src_off, uint64_t src_len, unsigned rights)
{
    uint64_t end = (start + bytes + PAGE - 1) & ~(PAGE - 1);
    if (end - start > s->quota - s->ram)
        return CAIRN_EQUOTA;
    struct core_region *last = s->nregions ? &s->region[s->nregions - 1] : 0;
    if (last && !src && !last->src && last->end == start && last->rights == rights) {
        last->end = end; /* its page indices are the last ones: they continue */
    } else if (s->nregions == CORE_MAX_REGIONS) {
        return CAIRN_ENOMEM;
    } else {
        s->region[s->nregions++] = (struct core_region){ start, end, s->pages, src, src_off,
                                                         src_len, rights };
    }
    s->pages += (end - start) / PAGE;
    s->ram += end - start;
    return CAIRN_OK;
}

static uint64_t pd_load_segments(struct core_pd *s, const struct core_rom *rom,
                                 const struct elf_image *img)
{
    for (unsigned i = 0; i < img->count; i++) {
        const struct elf_segment *g = &img->seg[i];
        uint64_t start = g->vaddr & ~(PAGE - 1);
        uint64_t st = pd_region(s, start, g->vaddr + g->memsz - start, rom->data + g->offset,
                                g->vaddr - start, g->filesz, g->rights);
        if (st != CAIRN_OK)
            return st;
    }
    return CAIRN_OK;
}

/* A page fault at `addr`: back it if it lies in a region (CAIRN_OK: resume
 * the component). CAIRN_EFAULT if no region holds it or the page is
 * present (a protection fault), CAIRN_ENOMEM if core has no page left. */
static cairn_status_t pd_demand(struct core_pd *s, uint64_t addr, uint64_t err)
{
    if (err & 1)
        return CAIRN_EFAULT; /* present: a protection fault, not a missing page */
    for (unsigned i = 0; i < s->nregions; i++) {
        const struct core_region *r = &s->region[i];
        if (addr < r->start || addr >= r->end)
            continue;
        uint64_t page = addr & ~(PAGE - 1), idx = r->first + (page - r->start) / PAGE;
        /* Backed before: another thread's fault got there first, or the
         * component revoked the page itself. Resume; it costs only the
         * component's own time, never more memory. */
        if (s->frame[idx])
            return CAIRN_OK;
        uint8_t *p = cairn_page_alloc(1);
        if (!p)
            return CAIRN_ENOMEM;
        s->frame[idx] = (uint32_t)(cairn_page_phys(p) >> 12);
        /* the part of the file bytes [src_off, src_off + src_len) on this page */
        uint64_t lo = page - r->start, hi = lo + PAGE;
        uint64_t a = lo > r->src_off ? lo : r->src_off;
        uint64_t b = hi < r->src_off + r->src_len ? hi : r->src_off + r->src_len;
        if (r->src && a < b)
            memcpy(p + (a - lo), r->src + (a - r->src_off), b - a);
        s->faults++;
        return pd_give(s, page, p, 1, r->rights);
    }
    return CAIRN_EFAULT;
}

static uint64_t pd_env(struct core_pd *s)
{
    uint8_t *p = pd_ram(s, 1);
    if (!p)
        return CAIRN_EQUOTA;
    struct cairn_env *env = (struct cairn_env *)p;
    s->env = p;
    env->magic = CAIRN_ENV_MAGIC;
    env->ram_quota = s->quota;
    env->cpus = cairn_hip->cpu_online;
    env->tsc_khz = cairn_tsc_khz();
    env->boot_tsc = cairn_hip->boot_tsc;
    snprintf(env->label, sizeof(env->label), "%s", s->label);
    return pd_give(s, CAIRN_ENV_ADDR, p, 1, CAIRN_MEM_R);
}

/* Capabilities every component starts with (cairn/session.h). */
static uint64_t pd_caps(struct core_pd *s, unsigned id)
{
    uint64_t fault = core_fault_portal(id), st;
    if (!fault)
        return CAIRN_ENOMEM;
    core_own((int)id, fault);
    for (unsigned e = 0; e < 32; e++) {
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, s->pd, CAIRN_CRD(CAIRN_CRD_OBJ, fault, 0, CAIRN_R_ALL), e, 0);
        if (st != CAIRN_OK)
            return st;
    }
    st = cairn_delegate(CAIRN_ROOT_SEL_PD, s->pd,
                        CAIRN_CRD(CAIRN_CRD_OBJ, s->pd, 0, CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL),
                        CAIRN_SEL_PD, 0);
    if (st == CAIRN_OK)
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, s->pd,
                            CAIRN_CRD(CAIRN_CRD_OBJ, s->child_pt, 0, CAIRN_R_PT_CALL),
                            CAIRN_SEL_PD_SESSION, 0);
    if (st == CAIRN_OK)
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, s->pd,
                            CAIRN_CRD(CAIRN_CRD_OBJ, s->main_ec, 0, CAIRN_R_EC_CTRL), CAIRN_SEL_EC, 0);
    return st;
}

static uint64_t pd_load(struct core_pd *s, unsigned id, const char *name)
{
    struct elf_image img;
    const struct core_rom *rom = core_rom_find(name);
    const char *err;
    if (s->pd)
        return CAIRN_EEXIST;
    if (!rom) {
        printf("%s: no ROM module '%s'\n", s->label, name);
        return CAIRN_ENOTFOUND;
    }
    if (elf_parse(rom->data, rom->size, 0x1000, CAIRN_HEAP_BASE, &img, &err) != CAIRN_OK) {
        printf("%s: ROM '%s' is not a usable program: %s\n", s->label, name, err);
        return CAIRN_EINVAL;
    }
    const char *last = s->label;
    for (const char *c = strstr(last, " -> "); c; c = strstr(last, " -> "))
        last = c + 4;
    /* The kernel memory of the component (objects, page tables, capability
     * leaves) is its own account, paid from its RAM quota. */
    uint64_t kmem = s->quota / 16;
    kmem = kmem < CORE_KMEM_MIN ? CORE_KMEM_MIN : kmem > CORE_KMEM_MAX ? CORE_KMEM_MAX : kmem & ~(PAGE - 1);
    if (kmem > s->quota - s->ram) {
        printf("%s: cannot load '%s': a RAM quota of %lu KiB does not hold its %lu KiB of kernel memory\n",
               s->label, name, s->quota >> 10, kmem >> 10);
        return CAIRN_EQUOTA;
    }
    uint64_t pd = cairn_sel_alloc(0), ec = cairn_sel_alloc(0), st;
    core_own((int)id, pd);
    core_own((int)id, ec);
    st = cairn_create_pd_kmem(pd, CAIRN_ROOT_SEL_PD, CAIRN_COMPONENT_CAP_ORDER, last, kmem);
    if (st != CAIRN_OK)
        return st;
    s->ram += kmem;
    s->pd = pd;
    st = pd_load_segments(s, rom, &img);
    if (st == CAIRN_OK)
        st = pd_region(s, CAIRN_STACK_TOP - CAIRN_STACK_SIZE, CAIRN_STACK_SIZE, 0, 0, 0,
                       CAIRN_MEM_R | CAIRN_MEM_W);
    if (st == CAIRN_OK)
        st = pd_env(s);
    if (st == CAIRN_OK)
        st = cairn_create_ec(ec, pd, s->cpu, CAIRN_ENV_UTCB, CAIRN_STACK_TOP, 0, img.entry, 1);
    s->main_ec = ec;
    if (st == CAIRN_OK)
        st = pd_caps(s, id);
    if (st != CAIRN_OK) {
        printf("%s: cannot load '%s': %s\n", s->label, name, cairn_status_name(st));
        cairn_pd_kill(pd);
    }
    return st;
}

static uint64_t pd_start(struct core_pd *s)
{
    if (!s->pd || s->state != CAIRN_PD_RUNNING || s->started)
        return CAIRN_EINVAL;
    uint64_t sc = cairn_sel_alloc(0);
    if (!sc)
        return CAIRN_ENOMEM;
    core_own((int)(s - core_pds), sc);
    uint64_t st = cairn_create_sc(sc, CAIRN_ROOT_SEL_PD, s->main_ec, s->max_prio, CORE_QUANTUM_US);
    if (st == CAIRN_OK && s->cpu_pct) { /* the account all its SCs draw from */
        st = cairn_sc_budget(sc, s->cpu_period * s->cpu_pct / 100, s->cpu_period);
        s->acct_sc = sc;
    }
    s->started = st == CAIRN_OK;
    return st;
}

static uint64_t pd_ram_op(struct core_pd *s, uint64_t bytes, uint64_t *va)
{
    uint64_t pages = pd_pages(bytes);
    if (!s->pd || !pages || pages > (CAIRN_UTCB_AREA - s->heap_next) / PAGE)
        return CAIRN_EINVAL;
    *va = s->heap_next;
    uint64_t st = pd_region(s, *va, pages * PAGE, 0, 0, 0, CAIRN_MEM_R | CAIRN_MEM_W);
    if (st == CAIRN_OK)
        s->heap_next += pages * PAGE;
    return st;
}

/* The component's pages back to core: those backed on demand, its
 * environment, the frame table. */
static void pd_free_pages(struct core_pd *s)
{
    for (uint64_t i = 0; i < s->pages; i++)
        if (s->frame[i])
            cairn_page_free((void *)(uintptr_t)(CAIRN_MEM_WINDOW + ((uint64_t)s->frame[i] << 12)), 1);
    cairn_page_free(s->env, 1);
    cairn_page_free(s->frame, s->frame_pages);
}

/* PD_CLOSE: kill the component, its children and its VMs; give its
 * quota back to its parent and all it had back to core: its pages (guest
 * RAM is kept for the next VM), its kernel objects (core revokes every
 * selector it made for it, and the kernel frees what they named), its
 * LOG and CPU session slots and the session slot itself. Revoking the
 * session's portals takes every capability to them, so no stale call
 * finds the slot taken by another session. */
static void pd_close(int id)
{
    struct core_pd *s = &core_pds[id];
    if (s->closed)
        return;
    s->closed = true;
    for (int j = 0; j < CORE_MAX_PDS; j++)
        if (core_pds[j].used && core_pds[j].payer == id)
            pd_close(j);
    core_vm_close(id);
    if (s->pd)
        cairn_pd_kill(s->pd);
    if (s->payer >= 0)
        core_pds[s->payer].ram -= s->quota;
    core_log_close(id);
    core_cpu_close(id);
    core_disown(id);
    pd_free_pages(s);
    s->used = false;
}

/* PD_USAGE: the figures that show whether anything leaks. */
static void pd_usage(struct core_pd *s, struct cairn_utcb *u)
{
    struct cairn_msg out;
    uint64_t kmem = 0, pool = 0;
    cairn_pd_kmem(CAIRN_ROOT_SEL_PD, &kmem);
    cairn_pd_pool(CAIRN_ROOT_SEL_PD, &pool);
    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, kmem);
    cairn_msg_word(&out, pool);
    cairn_msg_word(&out, cairn_page_avail());
    cairn_msg_word(&out, s->quota - s->ram);
}

/* The calls on a PD session, by its parent (core_pd_server) or by the
 * component itself (core_pd_child_server: RAM, STATE and USAGE only; it
 * may not load, start, re-notify or close itself). Each replies a status,
 * unless it says otherwise. */
static struct core_pd *pd_of(uint64_t badge) { return &core_pds[CORE_ID(badge)]; }

static void pd_op_close(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                        struct cairn_utcb *u)
{
    pd_close((int)CORE_ID(badge));
    cairn_rpc_status(u, CAIRN_OK);
}

static void pd_op_load(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                       struct cairn_utcb *u)
{
    char name[64];
    uint64_t st = CAIRN_EINVAL;
    if (cairn_msg_get_str(in, name, sizeof(name)) == CAIRN_OK)
        st = pd_load(pd_of(badge), CORE_ID(badge), name);
    cairn_rpc_status(u, st);
}

/* The received portal stays at the inbox selector it arrived at, owned
 * by the session; the component gets a copy as its parent portal. */
static void pd_op_parent(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                         struct cairn_utcb *u)
{
    struct core_pd *s = pd_of(badge);
    uint64_t sel = s->pd ? cairn_inbox_take(&core_inbox, u) : 0, st = CAIRN_EINVAL;
    if (sel) {
        core_own((int)CORE_ID(badge), sel);
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, s->pd, CAIRN_CRD(CAIRN_CRD_OBJ, sel, 0, CAIRN_R_ALL),
                            CAIRN_SEL_PARENT, 0);
    }
    cairn_rpc_status(u, st);
}

/* Replies the usage (pd_usage). */
static void pd_op_usage(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                        struct cairn_utcb *u)
{
    pd_usage(pd_of(badge), u);
}

static void pd_op_start(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                        struct cairn_utcb *u)
{
    cairn_rpc_status(u, pd_start(pd_of(badge)));
}

/* Replies the status and, on success, the RAM's address. */
static void pd_op_ram(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                      struct cairn_utcb *u)
{
    struct cairn_msg out;
    uint64_t va = 0, st = pd_ram_op(pd_of(badge), cairn_msg_get(in), &va);
    cairn_msg_begin(&out, u, st);
    if (st == CAIRN_OK)
        cairn_msg_word(&out, va);
}

/* The semaphore stays at the inbox selector it arrived at. */
static void pd_op_notify(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                         struct cairn_utcb *u)
{
    struct core_pd *s = pd_of(badge);
    uint64_t sel = s->notify ? 0 : cairn_inbox_take(&core_inbox, u); /* set once, by the parent */
    if (sel) {
        s->notify = sel;
        core_own((int)CORE_ID(badge), sel);
    }
    cairn_rpc_status(u, sel ? CAIRN_OK : CAIRN_EINVAL);
}

/* Replies state, event, rip, addr and pages backed on demand. */
static void pd_op_state(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                        struct cairn_utcb *u)
{
    struct core_pd *s = pd_of(badge);
    struct cairn_msg out;
    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, s->state);
    cairn_msg_word(&out, s->event);
    cairn_msg_word(&out, s->rip);
    cairn_msg_word(&out, s->addr);
    cairn_msg_word(&out, s->faults);
}

/* A closed session answers STATE only. */
static int pd_accept(struct cairn_rpc_server *srv, uint64_t badge, uint64_t op)
{
    return !pd_of(badge)->closed || op == CAIRN_PD_STATE;
}

static const cairn_rpc_fn pd_ops[] = {
    [CAIRN_PD_LOAD] = pd_op_load,     [CAIRN_PD_PARENT] = pd_op_parent,
    [CAIRN_PD_START] = pd_op_start,   [CAIRN_PD_RAM] = pd_op_ram,
    [CAIRN_PD_STATE] = pd_op_state,   [CAIRN_PD_NOTIFY] = pd_op_notify,
    [CAIRN_PD_CLOSE] = pd_op_close,   [CAIRN_PD_USAGE] = pd_op_usage,
};
static const cairn_rpc_fn pd_child_ops[] = {
    [CAIRN_PD_RAM] = pd_op_ram, [CAIRN_PD_STATE] = pd_op_state, [CAIRN_PD_USAGE] = pd_op_usage,
};
struct cairn_rpc_server core_pd_server = { CAIRN_RPC_OPS(pd_ops), .accept = pd_accept };
struct cairn_rpc_server core_pd_child_server = { CAIRN_RPC_OPS(pd_child_ops), .accept = pd_accept };

void core_pd_fault(unsigned id, const struct cairn_exc *x)
{
    struct core_pd *s = &core_pds[id];
    if (id >= CORE_MAX_PDS || !s->used || s->state != CAIRN_PD_RUNNING)
        return;
    if (x->event == CAIRN_EVT_PF && pd_demand(s, x->qual[1], x->qual[0]) == CAIRN_OK)
        return; /* resume: the instruction finds its page now */
    s->state = CAIRN_PD_FAULTED;
    s->event = (unsigned)x->event;
    s->rip = x->rip;
    s->addr = x->qual[1];
    cairn_pd_kill(s->pd);
    if (s->payer < 0)
        printf("%s faulted (event %u at rip %#lx, address %#lx)\n", s->label, s->event, s->rip, s->addr);
    if (s->notify)
        cairn_sm_up(s->notify);
}

/* ---- CPU sessions: threads in the PD of the same label --------------------- */

static int cpu_pds[CORE_MAX_LOGS]; /* PD session of each CPU session, -1: free */
static unsigned cpu_count;           /* slots ever used */

uint64_t core_cpu_create(const char *label, uint64_t *pt)
{
    int i;
    unsigned c = 0;
    while (c < cpu_count && cpu_pds[c] >= 0)
        c++;
    if (core_pd_of(label, &i) == CAIRN_OK && c < CORE_MAX_LOGS) {
        *pt = core_portal(CORE_BADGE(CORE_CPU, c));
        if (!*pt)
            return CAIRN_ENOMEM;
        cpu_pds[c] = i;
        if (c == cpu_count)
            cpu_count++;
        return CAIRN_OK;
    }
    printf("%s: CPU session without a PD of that label\n", label);
    return CAIRN_ENOTFOUND;
}

void core_cpu_close(int owner)
{
    for (unsigned c = 0; c < cpu_count; c++)
        if (cpu_pds[c] == owner)
            cpu_pds[c] = -1;
}

/* CAIRN_CPU_THREAD: ip, sp, priority (0: the most allowed), selector in
 * the component for the new EC. */
static void core_cpu_thread(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                            struct cairn_utcb *u)
{
    unsigned id = CORE_ID(badge);
    if (id >= cpu_count || cpu_pds[id] < 0) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    struct core_pd *s = &core_pds[cpu_pds[id]];
    uint64_t ip = cairn_msg_get(in), sp = cairn_msg_get(in), prio = cairn_msg_get(in);
    uint64_t dst = cairn_msg_get(in), ec, sc, st;
    if (in->bad || !s->pd || s->state != CAIRN_PD_RUNNING || s->closed ||
        s->threads >= 1024 || ip >= CAIRN_USER_END || dst >> CAIRN_COMPONENT_CAP_ORDER) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    ec = cairn_sel_alloc(0);
    sc = cairn_sel_alloc(0);
    core_own(cpu_pds[id], ec);
    core_own(cpu_pds[id], sc);
    if (!prio || prio > s->max_prio)
        prio = s->max_prio;
    uint64_t utcb = CAIRN_UTCB_AREA + PAGE * s->threads++;
    st = cairn_create_ec(ec, s->pd, s->cpu, utcb, sp, 0, ip, 1);
    if (st == CAIRN_OK)
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, s->pd, CAIRN_CRD(CAIRN_CRD_OBJ, ec, 0, CAIRN_R_EC_CTRL), dst, 0);
    if (st == CAIRN_OK)
        st = cairn_create_sc(sc, CAIRN_ROOT_SEL_PD, ec, prio, CORE_QUANTUM_US);
    if (st == CAIRN_OK && s->acct_sc)
        st = cairn_sc_share(sc, s->acct_sc);
    struct cairn_msg out;
    cairn_msg_begin(&out, u, st);
    cairn_msg_word(&out, utcb);
}

static const cairn_rpc_fn core_cpu_ops[] = { [CAIRN_CPU_THREAD] = core_cpu_thread };
struct cairn_rpc_server core_cpu_server = { CAIRN_RPC_OPS(core_cpu_ops) };

/* ---- init ---------------------------------------------------------------- */

void core_start_init(uint64_t ram)
{
    uint64_t pt, st;
    char args[64];
    snprintf(args, sizeof(args), "ram_quota=%lu", ram);
    st = core_pd_create(-1, "init", args, &pt);
    if (st == CAIRN_OK)
        st = pd_load(&core_pds[0], 0, "init");
    uint64_t parent = core_portal(CORE_BADGE(CORE_PARENT, 0));
    if (st == CAIRN_OK)
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, core_pds[0].pd,
                            CAIRN_CRD(CAIRN_CRD_OBJ, parent, 0, CAIRN_R_PT_CALL), CAIRN_SEL_PARENT, 0);
    if (st == CAIRN_OK)
        st = pd_start(&core_pds[0]);
    if (st != CAIRN_OK)
        printf("error: cannot start init: %s\n", cairn_status_name(st));
}
