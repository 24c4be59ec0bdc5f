/*
 * Tests: the page allocator, memory delegation (rights, alignment, range,
 * occupied destinations, host memory), revocation, execute permission,
 * and I/O-port delegation.
 */
#define KTEST_AREA 3
#include "ktest.h"

#include <cairn/pd.h>
#include <string.h>

#define MEM_VA   (KT_SCRATCH + 0x200000ull) /* addresses in agents, per test + n pages */
#define MEM_PORT 0x80u

#define MEM_CRD(page, order, rights) CAIRN_CRD(CAIRN_CRD_MEM, page, order, rights)

static uint64_t mem_page(const void *p)
{
    return (uintptr_t)p >> 12;
}

/* First HIP memory region of `type`, or 0. */
static const struct cairn_hip_mem *mem_region(uint32_t type)
{
    const struct cairn_hip_mem *m =
        (const void *)((const char *)cairn_hip + cairn_hip->mem_offset);

    for (uint32_t i = 0; i < cairn_hip->mem_count; i++)
        if (m[i].type == type)
            return &m[i];
    return 0;
}

static int mem_is_available(uint64_t phys, uint64_t size)
{
    const struct cairn_hip_mem *m =
        (const void *)((const char *)cairn_hip + cairn_hip->mem_offset);

    for (uint32_t i = 0; i < cairn_hip->mem_count; i++)
        if (m[i].type == CAIRN_HIP_MEM_AVAILABLE && m[i].base <= phys &&
            phys + size <= m[i].base + m[i].size)
            return 1;
    return 0;
}

TEST(mem_alloc)
{
    uint64_t *p = cairn_page_alloc(3), *q = cairn_page_alloc(1), c;

    KT_CHECK(p && q, "allocation failed");
    KT_CHECK((uint64_t *)q >= p + 3 * 512 || q + 512 <= p, "allocations overlap");
    for (unsigned i = 0; i < 3 * 512; i++)
        KT_CHECK(p[i] == 0, "page not zeroed at word %u", i);
    p[0] = 1, p[3 * 512 - 1] = 2, q[0] = 3;
    KT_EQ(p[0] + p[3 * 512 - 1] + q[0], 6);
    KT_OK(cairn_lookup(MEM_CRD(mem_page(p) + 2, 0, 0), &c));
    KT_EQ(CAIRN_CRD_TYPE(c), CAIRN_CRD_MEM);
    KT_EQ(CAIRN_CRD_RIGHTS(c), CAIRN_MEM_R | CAIRN_MEM_W);
    KT_CHECK(mem_is_available(cairn_page_phys(p), 3 * CAIRN_PAGE_SIZE),
             "phys %#lx not in AVAILABLE RAM", cairn_page_phys(p));
}

TEST(mem_delegate)
{
    static struct kt_agent a;
    uint64_t *p = cairn_page_alloc(1), va = MEM_VA;

    KT_CHECK(p, "no memory");
    KT_OK(kt_agent_start(&a, "m-del", KT_AGENT_EVT));
    p[5] = 0x1234abcd;
    KT_OK(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R | CAIRN_MEM_W, va));
    KT_EQ(kt_agent_read(&a, va + 40), 0x1234abcd);
    KT_EQ(kt_agent_write(&a, va + 48, 0x5678), 0);
    KT_EQ(p[6], 0x5678);
    /* The page next to it was not given. */
    KT_EQ(kt_agent_read(&a, va + CAIRN_PAGE_SIZE), KT_FAULT_MARK);
    KT_EQ(a.evt.event, CAIRN_EVT_PF);
    KT_EQ(a.evt.addr, va + CAIRN_PAGE_SIZE);
}

TEST(mem_delegate_readonly)
{
    static struct kt_agent a;
    uint64_t *p = cairn_page_alloc(1), va = MEM_VA + 0x10000;

    KT_CHECK(p, "no memory");
    KT_OK(kt_agent_start(&a, "m-ro", KT_AGENT_EVT));
    p[0] = 77;
    KT_OK(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R, va));
    KT_EQ(kt_agent_read(&a, va), 77);
    KT_EQ(kt_agent_write(&a, va + 8, 1), KT_FAULT_MARK);
    KT_EQ(a.evt.event, CAIRN_EVT_PF);
    KT_EQ(a.evt.addr, va + 8);
    KT_EQ(a.evt.rip, (uintptr_t)kt_probe_write_insn);
    /* error code: present, write, user */
    KT_EQ(a.evt.err & 7, 7);
    KT_EQ(p[1], 0);
}

TEST(mem_revoke)
{
    static struct kt_agent a;
    uint64_t *p = cairn_page_alloc(1), va = MEM_VA + 0x20000;

    KT_CHECK(p, "no memory");
    KT_OK(kt_agent_start(&a, "m-rev", KT_AGENT_EVT));
    p[0] = 99;
    KT_OK(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R | CAIRN_MEM_W, va));
    KT_EQ(kt_agent_read(&a, va), 99);
    KT_ST(cairn_revoke(CAIRN_ROOT_SEL_PD, MEM_CRD(mem_page(p), 0, CAIRN_MEM_R), 0), CAIRN_EPAR);
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, MEM_CRD(mem_page(p), 0, 0), 0));
    uint64_t before = a.evt.count;
    KT_EQ(kt_agent_read(&a, va), KT_FAULT_MARK);
    KT_EQ(a.evt.count, before + 1);
    KT_EQ(a.evt.addr, va);
    KT_EQ(a.evt.err & 1, 0); /* not present */
    /* The root keeps its own mapping. */
    KT_EQ(p[0], 99);
    /* ... and can delegate the page again. */
    KT_OK(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R, va));
    KT_EQ(kt_agent_read(&a, va), 99);
}

TEST(mem_revoke_self)
{
    void *p = cairn_page_alloc(1);
    uint64_t c;

    KT_CHECK(p, "no memory");
    KT_OK(cairn_lookup(MEM_CRD(mem_page(p), 0, 0), &c));
    KT_CHECK(c, "not mapped");
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, MEM_CRD(mem_page(p), 0, 0), CAIRN_REV_F_SELF));
    KT_OK(cairn_lookup(MEM_CRD(mem_page(p), 0, 0), &c));
    KT_EQ(c, 0);
}

/* root -> A -> B; revoking at the root reaches B. */
TEST(mem_revoke_transitive)
{
    static struct kt_agent a, b;
    uint64_t *p = cairn_page_alloc(1), va = MEM_VA + 0x30000;

    KT_CHECK(p, "no memory");
    KT_OK(kt_agent_start(&a, "m-ta", KT_AGENT_EVT | KT_CHILD_SELF));
    KT_OK(kt_agent_start(&b, "m-tb", KT_AGENT_EVT));
    KT_OK(cairn_obj_delegate(a.pd, b.pd, KT_CSEL_FREE, CAIRN_R_PD_CTRL));
    p[0] = 5;
    KT_OK(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R | CAIRN_MEM_W, va));
    KT_ST(kt_agent_sys(&a, CAIRN_SYS_DELEGATE, KT_CSEL_SELF, KT_CSEL_FREE,
                       MEM_CRD(va >> 12, 0, CAIRN_MEM_R), va >> 12, 0, 0, 0),
          CAIRN_OK);
    KT_EQ(kt_agent_read(&b, va), 5);
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, MEM_CRD(mem_page(p), 0, 0), 0));
    KT_EQ(kt_agent_read(&b, va), KT_FAULT_MARK);
    KT_EQ(kt_agent_read(&a, va), KT_FAULT_MARK);
}

/* Revocation takes whole mappings: one page of a 4-page mapping takes
 * all four. */
TEST(mem_revoke_whole_mapping)
{
    static struct kt_agent a;
    char *p = cairn_page_alloc(8);
    uint64_t va = MEM_VA + 0x40000, pg;

    KT_CHECK(p, "no memory");
    KT_OK(kt_agent_start(&a, "m-whole", KT_AGENT_EVT));
    pg = (mem_page(p) + 3) & ~3ull; /* a 4-aligned block inside the 8 pages */
    KT_OK(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(pg, 2, CAIRN_MEM_R), va >> 12, 0));
    KT_EQ(kt_agent_read(&a, va), 0);
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, MEM_CRD(pg + 2, 0, 0), 0));
    KT_EQ(kt_agent_read(&a, va), KT_FAULT_MARK);
    KT_EQ(kt_agent_read(&a, va + 3 * CAIRN_PAGE_SIZE), KT_FAULT_MARK);
}

TEST(mem_delegate_misaligned)
{
    static struct kt_agent a;
    char *p = cairn_page_alloc(8);
    uint64_t pg, va = MEM_VA + 0x50000;

    KT_CHECK(p, "no memory");
    KT_OK(kt_agent_start(&a, "m-align", 0));
    pg = (mem_page(p) + 3) & ~3ull;
    /* Source base not a multiple of 2^order. */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(pg + 1, 1, CAIRN_MEM_R), va >> 12, 0),
          CAIRN_EPAR);
    /* Destination base not a multiple of 2^order. */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(pg, 1, CAIRN_MEM_R), (va >> 12) + 1, 0),
          CAIRN_EPAR);
    KT_OK(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(pg, 1, CAIRN_MEM_R), va >> 12, 0));
}

TEST(mem_delegate_oversized)
{
    static struct kt_agent a;
    void *p = cairn_page_alloc(1);
    uint64_t pg = mem_page(p), va = MEM_VA + 0x100000;

    KT_CHECK(p, "no memory");
    KT_OK(kt_agent_start(&a, "m-big", 0));
    /* 16 pages around a page mapped alone: the range runs past its mapping. */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(pg & ~15ull, 4, CAIRN_MEM_R), va >> 12,
                         0),
          CAIRN_EPAR);
    /* Nothing mapped at the source base (page 0). */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(0, 31, CAIRN_MEM_R), 0, 0), CAIRN_ECAP);
    /* Destinations outside user space. */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(pg, 0, CAIRN_MEM_R),
                         CAIRN_USER_END >> 12, 0),
          CAIRN_EPAR);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(pg, 0, CAIRN_MEM_R),
                         0xffff800000000000ull >> 12, 0),
          CAIRN_EPAR);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(pg, 0, CAIRN_MEM_R), ~0ull >> 12, 0),
          CAIRN_EPAR);
    /* A host range larger than all memory. */
    KT_CHECK(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(0, 31, CAIRN_MEM_R), 0,
                            CAIRN_DEL_F_HOST) != CAIRN_OK,
             "8 TiB of host memory delegated");
}

TEST(mem_delegate_exists)
{
    static struct kt_agent a;
    void *p = cairn_page_alloc(1), *q = cairn_page_alloc(1);
    uint64_t va = MEM_VA + 0x60000;

    KT_CHECK(p && q, "no memory");
    KT_OK(kt_agent_start(&a, "m-exist", 0));
    KT_OK(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R, va));
    KT_ST(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R, va), CAIRN_EEXIST);
    KT_ST(cairn_mem_share(a.pd, q, CAIRN_PAGE_SIZE, CAIRN_MEM_R, va), CAIRN_EEXIST);
    /* Over the shared image (text) of the child. */
    KT_ST(cairn_mem_share(a.pd, q, CAIRN_PAGE_SIZE, CAIRN_MEM_R, (uintptr_t)__text_start),
          CAIRN_EEXIST);
}

TEST(mem_host)
{
    const struct cairn_hip_mem *k = mem_region(CAIRN_HIP_MEM_KERNEL);
    const struct cairn_hip_mem *m = mem_region(CAIRN_HIP_MEM_MODULE);
    uint64_t va = MEM_VA + 0x70000;

    KT_CHECK(k && m, "HIP lacks a KERNEL or MODULE region");
    /* Kernel memory is refused. */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                         MEM_CRD((k->base + 0xfff) >> 12, 0, CAIRN_MEM_R), va >> 12,
                         CAIRN_DEL_F_HOST),
          CAIRN_EPERM);
    /* A boot module may be mapped: it is our own ELF image. */
    KT_CHECK(!(m->base & 0xfff), "module at %#lx not page aligned", m->base);
    KT_OK(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, MEM_CRD(m->base >> 12, 0, CAIRN_MEM_R),
                         va >> 12, CAIRN_DEL_F_HOST));
    KT_CHECK(!memcmp((void *)va, "\177ELF", 4), "module does not start with ELF magic");
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, MEM_CRD(va >> 12, 0, 0), CAIRN_REV_F_SELF));
    /* HOST needs PD_HOST on the source PD capability. */
    uint64_t weak = kt_sel();
    KT_OK(cairn_obj_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, weak,
                             CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL));
    KT_ST(cairn_delegate(weak, CAIRN_ROOT_SEL_PD, MEM_CRD(m->base >> 12, 0, CAIRN_MEM_R),
                         va >> 12, CAIRN_DEL_F_HOST),
          CAIRN_EPERM);
}

TEST(mem_utcb_protected)
{
    static struct kt_agent a;
    void *p = cairn_page_alloc(1);
    uint64_t va = MEM_VA + 0x80000;

    KT_CHECK(p, "no memory");
    KT_OK(kt_agent_start(&a, "m-utcb", 0));
    /* A UTCB is a kernel-owned mapping: not delegable ... */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, MEM_CRD(CAIRN_ROOT_UTCB >> 12, 0, CAIRN_MEM_R),
                         va >> 12, 0),
          CAIRN_EPERM);
    /* ... and occupies its page. */
    KT_ST(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R, a.srv.utcb), CAIRN_EEXIST);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                         MEM_CRD(cairn_page_phys(p) >> 12, 0, CAIRN_MEM_R), CAIRN_ROOT_UTCB >> 12,
                         CAIRN_DEL_F_HOST),
          CAIRN_EEXIST);
    /* Revoking over a UTCB (refused or not) leaves it in place: the
     * agent still answers. */
    cairn_revoke(a.pd, MEM_CRD(a.srv.utcb >> 12, 0, 0), CAIRN_REV_F_SELF);
    KT_OK(kt_agent_op(&a, KT_AG_ECHO, 0, 0));
}

/* On a no-execute fault in KT_AG_EXEC, return to the caller with the mark. */
static uint64_t mem_nx_on(struct kt_evt *e, struct cairn_exc *x)
{
    if (x->event != CAIRN_EVT_PF || x->rip != (uintptr_t)e->ctx)
        return kt_evt_recover(e, x);
    x->rip = *(uint64_t *)x->rsp; /* the agent's stack is shared with the root */
    x->rsp += 8;
    x->rax = KT_FAULT_MARK;
    return CAIRN_MTD_RIP | CAIRN_MTD_RSP | CAIRN_MTD_GPR_ACDB;
}

TEST(mem_execute)
{
    static struct kt_agent a;
    static const uint8_t code[] = { 0xb8, 0x2a, 0, 0, 0, 0xc3 }; /* mov $42, %eax; ret */
    void *p = cairn_page_alloc(1);
    uint64_t vx = MEM_VA + 0x90000, vn = vx + CAIRN_PAGE_SIZE;

    KT_CHECK(p, "no memory");
    memcpy(p, code, sizeof code);
    KT_OK(kt_agent_start(&a, "m-exec", KT_AGENT_EVT));
    a.evt.on = mem_nx_on;
    a.evt.ctx = (void *)vn;
    /* Executable: straight from the host with R+X. */
    KT_OK(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd,
                         MEM_CRD(cairn_page_phys(p) >> 12, 0, CAIRN_MEM_R | CAIRN_MEM_X),
                         vx >> 12, CAIRN_DEL_F_HOST));
    KT_EQ(kt_agent_exec(&a, vx), 42);
    /* From the root's R+W mapping X is masked away. */
    KT_OK(cairn_mem_share(a.pd, p, CAIRN_PAGE_SIZE, CAIRN_MEM_RWX, vn));
    KT_EQ(kt_agent_exec(&a, vn), KT_FAULT_MARK);
    KT_EQ(a.evt.addr, vn);
    KT_CHECK(a.evt.err & 0x10, "error code %#lx lacks instruction fetch", a.evt.err);
}

TEST(io_delegate)
{
    static struct kt_agent a;
    uint64_t st = cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                                 CAIRN_CRD(CAIRN_CRD_IO, MEM_PORT, 0, CAIRN_IO_A), MEM_PORT,
                                 CAIRN_DEL_F_HOST);

    KT_CHECK(st == CAIRN_OK || st == CAIRN_EEXIST, "port to root: %s", kt_st(st));
    KT_OK(kt_agent_start(&a, "io", KT_AGENT_EVT));
    KT_EQ(kt_agent_outb(&a, MEM_PORT, 1), KT_FAULT_MARK);
    KT_EQ(a.evt.event, CAIRN_EVT_GP);
    KT_EQ(a.evt.rip, (uintptr_t)kt_probe_outb_insn);
    KT_OK(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, CAIRN_CRD(CAIRN_CRD_IO, MEM_PORT, 0, CAIRN_IO_A),
                         MEM_PORT, 0));
    KT_EQ(kt_agent_outb(&a, MEM_PORT, 2), 0);
    KT_CHECK(kt_agent_inb(&a, MEM_PORT) < 0x100, "inb faulted");
    /* Only that port. */
    KT_EQ(kt_agent_inb(&a, MEM_PORT + 1), KT_FAULT_MARK);
    /* Ports keep their numbers. */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, a.pd, CAIRN_CRD(CAIRN_CRD_IO, MEM_PORT, 0, CAIRN_IO_A),
                         MEM_PORT + 1, 0),
          CAIRN_EPAR);
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, CAIRN_CRD(CAIRN_CRD_IO, MEM_PORT, 0, 0), 0));
    KT_EQ(kt_agent_outb(&a, MEM_PORT, 3), KT_FAULT_MARK);
}

TEST(io_errors)
{
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                         CAIRN_CRD(CAIRN_CRD_IO, 0x3f9, 1, CAIRN_IO_A), 0x3f9, CAIRN_DEL_F_HOST),
          CAIRN_EPAR);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                         CAIRN_CRD(CAIRN_CRD_IO, 0x10000, 0, CAIRN_IO_A), 0x10000,
                         CAIRN_DEL_F_HOST),
          CAIRN_EPAR);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                         CAIRN_CRD(CAIRN_CRD_IO, 0, 17, CAIRN_IO_A), 0, CAIRN_DEL_F_HOST),
          CAIRN_EPAR);
    /* Without HOST the source must be a range the root holds. */
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                         CAIRN_CRD(CAIRN_CRD_IO, 0x70, 0, CAIRN_IO_A), 0x70, 0),
          CAIRN_ECAP);
}

/* The same for memory: a page passed on 1000 times within the root. */
TEST(mem_revoke_deep)
{
    uint64_t *p = cairn_page_alloc(1), va = MEM_VA + 0x10000000, c;

    KT_CHECK(p, "no memory");
    KT_OK(cairn_mem_share(CAIRN_ROOT_SEL_PD, p, CAIRN_PAGE_SIZE, CAIRN_MEM_R, va));
    for (unsigned i = 1; i < 1000; i++)
        KT_OK(cairn_mem_share(CAIRN_ROOT_SEL_PD, (void *)(va + (i - 1) * CAIRN_PAGE_SIZE),
                              CAIRN_PAGE_SIZE, CAIRN_MEM_R, va + i * CAIRN_PAGE_SIZE));
    p[0] = 0xdeeb;
    KT_EQ(*(volatile uint64_t *)(va + 999 * CAIRN_PAGE_SIZE), 0xdeeb);
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, MEM_CRD(mem_page(p), 0, 0), 0));
    KT_OK(cairn_lookup(MEM_CRD((va >> 12) + 999, 0, 0), &c));
    KT_EQ(c, 0);
    KT_OK(cairn_lookup(MEM_CRD(va >> 12, 0, 0), &c));
    KT_EQ(c, 0);
    KT_EQ(p[0], 0xdeeb);
}

/* Ranges whose end would wrap past 2^64 are refused, not mapped at the
 * top of the address space (where the kernel lives). */
TEST(mem_delegate_wrap)
{
    void *p = cairn_page_alloc(1);
    uint64_t pg = mem_page(p), dummy;

    KT_CHECK(p, "no memory");
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, MEM_CRD(pg, 0, CAIRN_MEM_R), ~0ull, 0),
          CAIRN_EPAR);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, MEM_CRD(pg, 0, CAIRN_MEM_R),
                         ~0ull << 4, 0),
          CAIRN_EPAR);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, MEM_CRD(~0ull >> 12, 0, CAIRN_MEM_R),
                         0x1000, CAIRN_DEL_F_HOST),
          CAIRN_EPAR);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                         CAIRN_CRD(CAIRN_CRD_IO, 0xffff, 0, CAIRN_IO_A), ~0ull, CAIRN_DEL_F_HOST),
          CAIRN_EPAR);
    KT_ST(cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD,
                         CAIRN_CRD(CAIRN_CRD_OBJ, CAIRN_ROOT_SEL_SC, 0, CAIRN_R_ALL), ~0ull, 0),
          CAIRN_ECAP);
    /* Revoking to the very top is fine: the range just ends there. */
    KT_OK(cairn_revoke(CAIRN_ROOT_SEL_PD, MEM_CRD(~0ull >> 13, 31, 0), 0));
    KT_OK(cairn_lookup(MEM_CRD(pg, 0, 0), &dummy));
    KT_EQ(CAIRN_CRD_BASE(dummy), pg);
}
