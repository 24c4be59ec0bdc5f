/*
 * Guest memory through the guest's page tables (gmem), see gmem.h.
 */
#include "gmem.h"

#include <string.h>

#define CR0_PG   (1ull << 31)
#define CR4_PSE  (1ull << 4)
#define CR4_PAE  (1ull << 5)
#define EFER_LMA (1ull << 10)
#define PTE_P    1ull
#define PTE_PS   (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull

/* A page-table entry, 4 or 8 bytes at gpa; CAIRN_EFAULT if outside RAM
 * or not present. */
static cairn_status_t gmem_pte(const struct vmm_mem *m, uint64_t gpa, unsigned size, uint64_t *e)
{
    const uint8_t *p = vmm_mem_ptr(m, gpa, size);
    if (!p)
        return CAIRN_EFAULT;
    *e = 0;
    memcpy(e, p, size);
    return *e & PTE_P ? CAIRN_OK : CAIRN_EFAULT;
}

/* 32-bit paging: two levels of 4-byte entries, 4 MiB pages with PSE. */
static cairn_status_t gmem_walk32(const struct vmm_mem *m, const struct gmem_paging *g,
                                  uint64_t la, uint64_t *pa)
{
    uint64_t e;
    if (gmem_pte(m, (g->cr3 & 0xfffff000ull) + (la >> 22) * 4, 4, &e) != CAIRN_OK)
        return CAIRN_EFAULT;
    if ((e & PTE_PS) && (g->cr4 & CR4_PSE)) {
        *pa = (e & 0xffc00000ull) | (la & 0x3fffff);
        return CAIRN_OK;
    }
    if (gmem_pte(m, (e & 0xfffff000ull) + ((la >> 12) & 0x3ff) * 4, 4, &e) != CAIRN_OK)
        return CAIRN_EFAULT;
    *pa = (e & 0xfffff000ull) | (la & 0xfff);
    return CAIRN_OK;
}

cairn_status_t gmem_walk(const struct vmm_mem *m, const struct gmem_paging *g, uint64_t la,
                         uint64_t *pa)
{
    bool lm = g->efer & EFER_LMA;
    uint64_t e;
    if (!lm)
        la &= 0xffffffffull;
    if (!(g->cr0 & CR0_PG)) {
        *pa = la;
        return CAIRN_OK;
    }
    if (!(g->cr4 & CR4_PAE))
        return gmem_walk32(m, g, la, pa);
    unsigned shift = lm ? 39 : 30;
    uint64_t table = lm ? g->cr3 & PTE_ADDR : g->cr3 & 0xffffffe0ull;
    for (unsigned l = lm ? 4 : 3; l; l--, shift -= 9) {
        unsigned idx = (unsigned)(la >> shift) & (l == 3 && !lm ? 3 : 511);
        if (gmem_pte(m, table + idx * 8, 8, &e) != CAIRN_OK)
            return CAIRN_EFAULT;
        if ((l == 2 || (l == 3 && lm)) && (e & PTE_PS)) { /* 2 MiB / 1 GiB page */
            uint64_t mask = (1ull << shift) - 1;
            *pa = (e & PTE_ADDR & ~mask) | (la & mask);
            return CAIRN_OK;
        }
        table = e & PTE_ADDR;
    }
    *pa = table | (la & 0xfff);
    return CAIRN_OK;
}

size_t gmem_read(const struct vmm_mem *m, const struct gmem_paging *g, uint64_t la, uint8_t *buf,
                 size_t n)
{
    size_t done = 0;
    uint64_t pa;
    while (done < n && gmem_walk(m, g, la + done, &pa) == CAIRN_OK) {
        size_t chunk = 4096 - (pa & 0xfff);
        chunk = chunk < n - done ? chunk : n - done;
        const uint8_t *p = vmm_mem_ptr(m, pa, chunk);
        if (!p)
            break;
        memcpy(buf + done, p, chunk);
        done += chunk;
    }
    return done;
}

cairn_status_t gmem_copy(const struct vmm_mem *m, const struct gmem_paging *g, uint64_t la,
                         void *buf, unsigned n, bool write)
{
    uint8_t *p[16], *b = buf;
    uint64_t pa;
    if (n > 16)
        return CAIRN_EPAR;
    for (unsigned i = 0; i < n; i++) /* a byte at a time: the bytes may be on two pages */
        if (gmem_walk(m, g, la + i, &pa) != CAIRN_OK || !(p[i] = vmm_mem_ptr(m, pa, 1)))
            return CAIRN_EFAULT;
    for (unsigned i = 0; i < n; i++)
        write ? (void)(*p[i] = b[i]) : (void)(b[i] = *p[i]);
    return CAIRN_OK;
}
