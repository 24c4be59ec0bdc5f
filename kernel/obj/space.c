/*
 * Spaces: delegation, revocation and lookup in a PD's memory, I/O port
 * and capability spaces. Each delegation checks everything first and
 * then performs; only kernel memory exhaustion can fail after the checks,
 * and then nothing is left half done.
 */
#include "space.h"
#include <cairn/abi.h>
#include "arch.h"
#include "cap.h"
#include "kobj.h"
#include "mdb.h"
#include "paging.h"
#include "palloc.h"
#include "pd.h"
#include "slab.h"
#include "string.h"

#define MAX_FRAME (1ull << 40) /* 52-bit physical addresses */
#define IO_PORTS  0x10000ull

static struct slab_cache mdb_cache;

/* Does [base, base + n) fit below limit? (No sum that could wrap.) */
static inline bool space_fits(uint64_t base, uint64_t n, uint64_t limit)
{
    return base < limit && n <= limit - base;
}

static struct { uint64_t base, end; } host_reserved[16];
static unsigned host_nreserved;

void space_host_reserve(uint64_t base, uint64_t size)
{
    if (host_nreserved < 16)
        host_reserved[host_nreserved++].base = base >> 12,
        host_reserved[host_nreserved - 1].end = (base + size + 0xfff) >> 12;
}

static int space_host_ok(uint64_t frame, uint64_t n)
{
    for (unsigned i = 0; i < host_nreserved; i++)
        if (frame < host_reserved[i].end && frame + n > host_reserved[i].base)
            return 0;
    return 1;
}

static struct mdb *space_node(struct pd *pd, unsigned type, uint64_t base, unsigned order,
                              unsigned rights)
{
    if (!mdb_cache.size)
        slab_init(&mdb_cache, sizeof(struct mdb), "mdb");
    struct mdb *m = slab_alloc(&mdb_cache);
    if (m)
        *m = (struct mdb){ .pd = pd, .base = base, .type = (uint8_t)type,
                           .order = (uint8_t)order, .rights = (uint8_t)rights };
    return m;
}

/* ---- memory ---------------------------------------------------------------- */

static void mem_unmap(struct mdb *m, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++)
        paging_unmap(m->pd->pml4, (m->base + i) << 12);
    pd_arch_flush(m->pd, m->base << 12, count << 12);
}

static void mem_release(struct mdb *m)
{
    mem_unmap(m, 1ull << m->order);
    mdb_remove(&m->pd->mem, m);
    pd_kmem_give(m->pd, sizeof(*m));
    slab_free(&mdb_cache, m);
}

/* Map a node's pages; the page tables it needs are charged to its PD. */
static int mem_map(struct mdb *m)
{
    unsigned tables = 0;
    int st = CAIRN_OK;
    for (uint64_t i = 0; i < (1ull << m->order); i++)
        if (paging_map(m->pd->pml4, (m->base + i) << 12, (m->phys + i) << 12, m->rights, m->pd->vm,
                       &tables)) {
            mem_unmap(m, i);
            st = CAIRN_ENOMEM;
            break;
        }
    if (m->pd->acct)
        m->pd->acct->used += (uint64_t)tables * PAGE_SIZE; /* room was checked before */
    m->pd->kmem_tables += (uint64_t)tables * PAGE_SIZE;
    return st;
}

/* Room in pd's account for a node and the page tables n pages may need. */
static int space_room(struct pd *pd, uint64_t n)
{
    uint64_t need = sizeof(struct mdb) + ((n + 511) / 512 + 3) * PAGE_SIZE;
    if (pd_kmem_take(pd, need) != CAIRN_OK)
        return CAIRN_ENOMEM;
    pd_kmem_give(pd, need);
    return CAIRN_OK;
}

/* Record and map a new mapping of dst below parent. */
static int mem_add(struct pd *dst, struct mdb *parent, uint64_t page, uint64_t frame, unsigned order,
                   unsigned rights, unsigned flags)
{
    if (space_room(dst, 1ull << order) != CAIRN_OK)
        return CAIRN_ENOMEM;
    struct mdb *m = space_node(dst, CAIRN_CRD_MEM, page, order, rights);
    if (!m)
        return CAIRN_ENOMEM;
    pd_kmem_take(dst, sizeof(*m));
    m->phys = frame;
    m->flags = (uint8_t)flags;
    if (mem_map(m) != CAIRN_OK) {
        pd_kmem_give(dst, sizeof(*m));
        slab_free(&mdb_cache, m);
        return CAIRN_ENOMEM;
    }
    mdb_link(parent, m);
    mdb_insert(&dst->mem, m);
    return CAIRN_OK;
}

static int mem_delegate(struct pd *src, struct pd *dst, uint64_t base, unsigned order,
                        unsigned *rights, uint64_t dst_base, bool host)
{
    uint64_t n = 1ull << order, frame = base;
    struct mdb *parent = NULL;
    if (!space_fits(dst_base, n, CAIRN_USER_END >> 12))
        return CAIRN_EPAR;
    if (host) {
        if (!space_fits(base, n, MAX_FRAME))
            return CAIRN_EPAR;
        if (!space_host_ok(base, n))
            return CAIRN_EPERM;
    } else {
        parent = mdb_find(src->mem, base);
        if (!parent)
            return CAIRN_ECAP;
        if (n > mdb_end(parent) - base)
            return CAIRN_EPAR;
        if ((parent->flags & MDB_KERNEL) || !(*rights &= parent->rights))
            return CAIRN_EPERM;
        frame = parent->phys + (base - parent->base);
    }
    if (mdb_overlaps(dst->mem, dst_base, dst_base + n))
        return CAIRN_EEXIST;
    return mem_add(dst, parent, dst_base, frame, order, *rights, 0);
}

int space_map_kernel(struct pd *pd, uint64_t page, uint64_t frame, unsigned rights, unsigned flags)
{
    if (mdb_overlaps(pd->mem, page, page + 1))
        return CAIRN_EEXIST;
    return mem_add(pd, NULL, page, frame, 0, rights, flags);
}

/* ---- I/O ports ----------------------------------------------------------- */

static void io_set(struct pd *pd, struct mdb *m, int deny)
{
    for (uint64_t p = m->base; p < mdb_end(m); p++)
        if (deny)
            pd->iobm[p / 8] |= (uint8_t)(1u << (p % 8));
        else
            pd->iobm[p / 8] &= (uint8_t)~(1u << (p % 8));
    pd_arch_io_changed(pd);
}

static void io_release(struct mdb *m)
{
    io_set(m->pd, m, 1);
    mdb_remove(&m->pd->io, m);
    pd_kmem_give(m->pd, sizeof(*m));
    slab_free(&mdb_cache, m);
}

static int io_delegate(struct pd *src, struct pd *dst, uint64_t base, unsigned order,
                       uint64_t dst_base, bool host)
{
    uint64_t n = 1ull << order;
    struct mdb *parent = NULL;
    if (!space_fits(base, n, IO_PORTS) || dst_base != base)
        return CAIRN_EPAR;
    if (!host) {
        parent = mdb_find(src->io, base);
        if (!parent)
            return CAIRN_ECAP;
        if (n > mdb_end(parent) - base)
            return CAIRN_EPAR;
    }
    if (mdb_overlaps(dst->io, base, base + n))
        return CAIRN_EEXIST;
    if (!dst->iobm) {
        if (pd_kmem_take(dst, 8192) != CAIRN_OK)
            return CAIRN_ENOMEM;
        dst->iobm = palloc_alloc(1);
        if (!dst->iobm) {
            pd_kmem_give(dst, 8192);
            return CAIRN_ENOMEM;
        }
        memset(dst->iobm, 0xff, 8192);
        dst->kmem_tables += 8192;
    }
    if (pd_kmem_take(dst, sizeof(struct mdb)) != CAIRN_OK)
        return CAIRN_ENOMEM;
    struct mdb *m = space_node(dst, CAIRN_CRD_IO, base, order, CAIRN_IO_A);
    if (!m) {
        pd_kmem_give(dst, sizeof(struct mdb));
        return CAIRN_ENOMEM;
    }
    mdb_link(parent, m);
    mdb_insert(&dst->io, m);
    io_set(dst, m, 0);
    return CAIRN_OK;
}

/* The slot of `sel` in pd, allocating its leaf (charged to pd); NULL if
 * out of range or out of memory. */
static struct mdb *space_slot(struct pd *pd, uint64_t sel)
{
    struct mdb *d = cap_slot(&pd->caps, sel, 0);
    if (d || (sel >> pd->caps.order) || pd_kmem_take(pd, PAGE_SIZE) != CAIRN_OK)
        return d;
    d = cap_slot(&pd->caps, sel, 1);
    if (!d)
        pd_kmem_give(pd, PAGE_SIZE);
    else
        pd->kmem_tables += PAGE_SIZE;
    return d;
}

/* ---- capabilities ---------------------------------------------------------- */

static void obj_release(struct mdb *m)
{
    if (m->obj)
        kobj_put(m->obj); /* the object goes with its last capability */
    m->obj = NULL;
    m->rights = 0;
}

static int obj_delegate(struct pd *src, struct pd *dst, uint64_t base, unsigned order,
                        unsigned *rights, uint64_t dst_base)
{
    uint64_t n = 1ull << order;
    unsigned got = 0;
    int any = 0;
    if (!space_fits(base, n, 1ull << src->caps.order) ||
        !space_fits(dst_base, n, 1ull << dst->caps.order))
        return CAIRN_ECAP;
    for (uint64_t i = 0; i < n; i++) {
        struct mdb *s = cap_slot(&src->caps, base + i, 0);
        struct mdb *d = space_slot(dst, dst_base + i);
        any |= s && s->obj;
        if (!d)
            return CAIRN_ENOMEM;
        if (d->obj)
            return CAIRN_EEXIST;
    }
    if (!any)
        return CAIRN_ECAP;
    for (uint64_t i = 0; i < n; i++) {
        struct mdb *s = cap_slot(&src->caps, base + i, 0);
        if (s && s->obj)
            got |= s->rights & *rights;
    }
    if (!got)
        return CAIRN_EPERM; /* the mask leaves no right to delegate */
    for (uint64_t i = 0; i < n; i++) {
        struct mdb *s = cap_slot(&src->caps, base + i, 0);
        struct mdb *d = cap_slot(&dst->caps, dst_base + i, 0);
        if (!s || !s->obj || !(s->rights & *rights))
            continue;
        *d = (struct mdb){ .pd = dst, .base = dst_base + i, .type = CAIRN_CRD_OBJ,
                           .rights = (uint8_t)(s->rights & *rights), .obj = s->obj };
        kobj_get(s->obj);
        mdb_link(s, d);
    }
    *rights = got;
    return CAIRN_OK;
}

int space_install(struct pd *pd, uint64_t sel, struct kobj *obj, unsigned rights)
{
    int st = space_sel_free(pd, sel);
    if (st != CAIRN_OK)
        return st;
    struct mdb *d = cap_slot(&pd->caps, sel, 0);
    *d = (struct mdb){ .pd = pd, .base = sel, .type = CAIRN_CRD_OBJ, .rights = (uint8_t)rights,
                       .obj = obj };
    kobj_get(obj);
    return CAIRN_OK;
}

int space_sel_free(struct pd *pd, uint64_t sel)
{
    if (sel >> pd->caps.order)
        return CAIRN_ECAP;
    struct mdb *d = space_slot(pd, sel);
    if (!d)
        return CAIRN_ENOMEM;
    return d->obj ? CAIRN_EEXIST : CAIRN_OK;
}

/* ---- the three spaces together ------------------------------------------ */

int space_delegate(struct pd *src, struct pd *dst, uint64_t crd, uint64_t dst_base, bool host,
                   uint64_t window, uint64_t *out)
{
    unsigned type = CAIRN_CRD_TYPE(crd), order = CAIRN_CRD_ORDER(crd);
    unsigned rights = CAIRN_CRD_RIGHTS(crd);
    uint64_t base = CAIRN_CRD_BASE(crd), n = 1ull << order;
    int st;
    *out = 0;
    if (type == CAIRN_CRD_NULL || !rights || ((base | dst_base) & (n - 1)))
        return CAIRN_EPAR;
    if (window) {
        uint64_t wb = CAIRN_CRD_BASE(window), wn = 1ull << CAIRN_CRD_ORDER(window);
        if (order > CAIRN_CRD_ORDER(window) || dst_base < wb || !space_fits(dst_base - wb, n, wn))
            return CAIRN_EPAR;
    }
    if (dst->dead)
        return CAIRN_EABORT;
    if (type == CAIRN_CRD_MEM)
        st = mem_delegate(src, dst, base, order, &rights, dst_base, host);
    else if (type == CAIRN_CRD_IO)
        st = io_delegate(src, dst, base, order, dst_base, host);
    else
        st = host ? CAIRN_EPAR : obj_delegate(src, dst, base, order, &rights, dst_base);
    if (st == CAIRN_OK)
        *out = CAIRN_CRD(type, dst_base, order, type == CAIRN_CRD_IO ? CAIRN_IO_A : rights);
    return st;
}

/* Revoke the mappings of a sorted list overlapping [base, end). Nodes of
 * the same PD may go while we walk, so each step searches afresh. */
static void space_revoke_list(struct mdb **list, uint64_t base, uint64_t end, bool self,
                              void (*release)(struct mdb *))
{
    uint64_t cur = base;
    for (;;) {
        struct mdb *m = *list;
        while (m && (mdb_end(m) <= cur || (m->flags & MDB_KERNEL)))
            m = m->next;
        if (!m || m->base >= end)
            return;
        cur = mdb_end(m);
        mdb_destroy_children(m, release);
        if (self) {
            mdb_unlink(m);
            release(m);
        }
    }
}

static void space_revoke_obj(struct pd *pd, uint64_t base, uint64_t end, bool self)
{
    uint64_t limit = 1ull << pd->caps.order;
    for (uint64_t sel = base; sel < end && sel < limit; sel++) {
        struct mdb *s = cap_slot(&pd->caps, sel, 0);
        if (!s) {
            sel |= CAP_LEAF_SLOTS - 1; /* no leaf: skip it */
            continue;
        }
        if (!s->obj)
            continue;
        mdb_destroy_children(s, obj_release);
        if (self) {
            mdb_unlink(s);
            obj_release(s);
        }
    }
}

int space_revoke(struct pd *pd, uint64_t crd, bool self)
{
    unsigned type = CAIRN_CRD_TYPE(crd);
    uint64_t base = CAIRN_CRD_BASE(crd), n = 1ull << CAIRN_CRD_ORDER(crd);
    uint64_t end = n > ~0ull - base ? ~0ull : base + n; /* saturate: revoke to the end */
    if (CAIRN_CRD_RIGHTS(crd) || type == CAIRN_CRD_NULL)
        return CAIRN_EPAR;
    if (type == CAIRN_CRD_MEM)
        space_revoke_list(&pd->mem, base, end, self, mem_release);
    else if (type == CAIRN_CRD_IO)
        space_revoke_list(&pd->io, base, end, self, io_release);
    else
        space_revoke_obj(pd, base, end, self);
    return CAIRN_OK;
}

void space_revoke_all(struct pd *pd)
{
    space_revoke_list(&pd->mem, 0, ~0ull, true, mem_release);
    if (pd->iobm)
        space_revoke_list(&pd->io, 0, ~0ull, true, io_release);
    space_revoke_obj(pd, 0, ~0ull, true);
}

void space_unmap_kernel(struct pd *pd, uint64_t page)
{
    struct mdb *m = mdb_find(pd->mem, page);
    if (m && (m->flags & MDB_KERNEL)) {
        mdb_unlink(m);
        mem_release(m);
    }
}

void space_destroy(struct pd *pd)
{
    space_revoke_all(pd);
    while (pd->mem) { /* kernel mappings: not delegable, so without children */
        struct mdb *m = pd->mem;
        mdb_unlink(m);
        mem_release(m);
    }
    if (pd->iobm)
        palloc_free(pd->iobm, 1);
    cap_space_destroy(&pd->caps);
    paging_free(pd->pml4);
}

uint64_t space_lookup(struct pd *pd, uint64_t crd)
{
    unsigned type = CAIRN_CRD_TYPE(crd);
    uint64_t base = CAIRN_CRD_BASE(crd);
    struct mdb *m = NULL;
    if (type == CAIRN_CRD_MEM)
        m = mdb_find(pd->mem, base);
    else if (type == CAIRN_CRD_IO)
        m = mdb_find(pd->io, base);
    else if (type == CAIRN_CRD_OBJ) {
        m = cap_slot(&pd->caps, base, 0);
        if (m && !m->obj)
            m = NULL;
    }
    return m ? CAIRN_CRD(type, m->base, m->order, m->rights) : 0;
}
