/*
 * Test environment: child PDs, shared memory, threads, parking, and event
 * handlers in the root that observe and steer faulting ECs.
 */
#include "ktest.h"

#include <cairn/pd.h>

uint64_t kt_child_create_order(uint64_t *pd, const char *name, unsigned flags, unsigned order)
{
    uint64_t st = cairn_pd_create(pd, name, order);

    if (st == CAIRN_OK)
        st = cairn_pd_share_image(*pd, 0);
    if (st == CAIRN_OK)
        st = cairn_obj_delegate(*pd, KT_SEL_PARK, KT_SEL_PARK, CAIRN_R_SM_DOWN);
    if (st == CAIRN_OK && (flags & KT_CHILD_SELF))
        st = cairn_obj_delegate(*pd, *pd, KT_CSEL_SELF, CAIRN_R_ALL);
    return st;
}

uint64_t kt_child_create(uint64_t *pd, const char *name, unsigned flags)
{
    return kt_child_create_order(pd, name, flags, KT_CHILD_ORDER);
}

void *kt_share(uint64_t pd, unsigned pages)
{
    void *p = cairn_page_alloc(pages);

    if (p && pd != CAIRN_ROOT_SEL_PD &&
        cairn_mem_share(pd, p, pages * CAIRN_PAGE_SIZE, CAIRN_MEM_R | CAIRN_MEM_W,
                        (uintptr_t)p) != CAIRN_OK)
        return 0;
    return p;
}

uint64_t kt_thread(struct cairn_ec *t, uint64_t pd, cairn_thread_fn fn, void *arg,
                   unsigned prio)
{
    return cairn_thread_create(t, pd, 0, fn, arg, prio, KT_QUANTUM_US);
}

void kt_park(void)
{
    /* No park semaphore: die by #UD rather than spin at our priority. */
    while (cairn_sm_down(KT_SEL_PARK, 0) == CAIRN_OK)
        ;
    __builtin_trap();
}

void kt_park_thread(void *arg, struct cairn_utcb *u)
{
    kt_park();
}

/* Smallest order whose naturally aligned range at `base` covers `pages`. */
static unsigned env_order_covering(uint64_t base, uint64_t pages)
{
    unsigned o = 0;

    while (o < 31 && ((base & ~((1ull << o) - 1)) + (1ull << o) < base + pages))
        o++;
    return o;
}

void kt_child_kill(uint64_t pd)
{
    uint64_t img = (uintptr_t)__image_start >> 12;
    uint64_t pages = ((uintptr_t)__image_end >> 12) - img;
    unsigned o = env_order_covering(img, pages);

    cairn_revoke(pd, CAIRN_CRD(CAIRN_CRD_MEM, img & ~((1ull << o) - 1), o, 0), CAIRN_REV_F_SELF);
    cairn_revoke(pd, CAIRN_CRD(CAIRN_CRD_MEM, CAIRN_MEM_WINDOW >> 12, 20, 0), CAIRN_REV_F_SELF);
    cairn_revoke(pd, CAIRN_CRD(CAIRN_CRD_MEM, KT_SCRATCH >> 12, 20, 0), CAIRN_REV_F_SELF);
}

/* ---- event handlers ----------------------------------------------------- */

static const struct {
    const char *insn, *resume;
} env_sites[] = {
    { kt_probe_read_insn, kt_probe_read_resume },
    { kt_probe_write_insn, kt_probe_write_resume },
    { kt_probe_inb_insn, kt_probe_inb_resume },
    { kt_probe_outb_insn, kt_probe_outb_resume },
    { kt_site_pf_insn, kt_site_pf_resume },
    { kt_site_ud_insn, kt_site_ud_resume },
    { kt_site_de_insn, kt_site_de_resume },
    { kt_site_bp_after, kt_site_bp_after }, /* #BP is a trap: RIP is past int3 */
    { kt_site_gpr_insn, kt_site_gpr_resume },
    { kt_site_compat_insn, kt_site_compat_resume },
    { kt_site_sysenter_insn, kt_site_sysenter_resume },
    { kt_site_std_insn, kt_site_std_resume },
};

uint64_t kt_site_resume(uint64_t rip)
{
    for (unsigned i = 0; i < sizeof env_sites / sizeof env_sites[0]; i++)
        if (rip == (uintptr_t)env_sites[i].insn)
            return (uintptr_t)env_sites[i].resume;
    return 0;
}

uint64_t kt_evt_recover(struct kt_evt *e, struct cairn_exc *x)
{
    uint64_t resume = kt_site_resume(x->rip);

    if (!resume) {
        x->rip = 0x8000000000000000ull; /* non-canonical: the kernel kills the EC */
        return CAIRN_MTD_RIP;
    }
    x->rip = resume;
    x->rax = KT_FAULT_MARK;
    return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB;
}

/* Runs in the root on the faulting EC's SC; root main may run meanwhile,
 * so results are published through volatile fields, count last. */
static void env_evt_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    struct kt_evt *e = arg;
    struct cairn_exc *x = (struct cairn_exc *)u->mr;

    e->last = *x;
    e->event = x->event;
    e->rip = x->rip;
    e->err = x->qual[0];
    e->addr = x->qual[1];
    e->rsp = x->rsp;
    e->rflags = x->rflags;
    e->mtd = x->mtd;
    e->badge = badge;
    uint64_t mtd = (e->on ? e->on : kt_evt_recover)(e, x);
    e->count++;
    cairn_reply(mtd);
}

uint64_t kt_evt_attach(struct kt_evt *e, uint64_t pd, uint64_t evt_base, uint64_t mask)
{
    uint64_t st = cairn_handler_create(&e->ec, CAIRN_ROOT_SEL_PD, 0, env_evt_serve, e);

    for (unsigned n = 0; st == CAIRN_OK && n < 64; n++) {
        if (!(mask & (1ull << n)))
            continue;
        uint64_t pt;
        st = cairn_portal_create(&pt, &e->ec, CAIRN_MTD_THREAD_ALL, n, 0);
        if (st == CAIRN_OK)
            st = cairn_obj_delegate(pd, pt, evt_base + n, CAIRN_R_ALL);
    }
    return st;
}
