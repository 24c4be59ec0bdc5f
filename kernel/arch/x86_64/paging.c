/* Page tables (x86_64): direct map, kernel mappings, user mappings. */
#include "paging.h"
#include <stddef.h>
#include <cairn/abi.h>
#include "console.h"
#include "palloc.h"
#include "x86.h"

#define DIRECT_PDS 64 /* direct map covers 64 GiB with 2 MiB pages */

static uint64_t master_pml4[512] __attribute__((aligned(4096)));
static uint64_t direct_pdpt[512] __attribute__((aligned(4096)));
static uint64_t direct_pd[DIRECT_PDS][512] __attribute__((aligned(4096)));
static uint64_t kernel_pdpt[512] __attribute__((aligned(4096)));
static uint64_t kernel_pd[512] __attribute__((aligned(4096)));
static uint64_t mmio_pd[512] __attribute__((aligned(4096)));
static uint64_t mmio_pt[512] __attribute__((aligned(4096)));
static unsigned mmio_used;

uint64_t paging_master_cr3;

void paging_init(uint64_t max_phys)
{
    const uint64_t kflags = PTE_P | PTE_W | PTE_G;
    uint64_t gib = (max_phys + (1ull << 30) - 1) >> 30;
    if (gib > DIRECT_PDS) {
        kprintf("[kernel] memory above %u GiB is not used\n", DIRECT_PDS);
        gib = DIRECT_PDS;
    }
    for (uint64_t g = 0; g < gib; g++) {
        for (uint64_t i = 0; i < 512; i++)
            direct_pd[g][i] = ((g << 30) + (i << 21)) | kflags | PTE_PS | PTE_NX;
        direct_pdpt[g] = virt_to_phys(direct_pd[g]) | PTE_P | PTE_W;
    }
    for (uint64_t i = 0; i < 512; i++)
        kernel_pd[i] = (i << 21) | kflags | PTE_PS;
    kernel_pdpt[510] = virt_to_phys(kernel_pd) | PTE_P | PTE_W;
    kernel_pdpt[511] = virt_to_phys(mmio_pd) | PTE_P | PTE_W;
    mmio_pd[0] = virt_to_phys(mmio_pt) | PTE_P | PTE_W;
    master_pml4[256] = virt_to_phys(direct_pdpt) | PTE_P | PTE_W;
    master_pml4[511] = virt_to_phys(kernel_pdpt) | PTE_P | PTE_W;
    paging_master_cr3 = virt_to_phys(master_pml4);
    write_cr3(paging_master_cr3);
}

void *kmap_mmio(uint64_t pa)
{
    if (mmio_used == 512)
        panic("out of device mappings");
    mmio_pt[mmio_used] = (pa & PTE_ADDR) | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_G | PTE_NX;
    return (void *)(MMIO_BASE + PAGE_SIZE * mmio_used++ + (pa & 0xfff));
}

uint64_t *paging_new_root(void)
{
    uint64_t *pml4 = palloc_alloc(0);
    if (pml4)
        for (unsigned i = 256; i < 512; i++)
            pml4[i] = master_pml4[i];
    return pml4;
}

/* The page-table entry for `va`, allocating tables on the way if `alloc`. */
static uint64_t *paging_walk(uint64_t *table, uint64_t va, int alloc, unsigned *tables)
{
    for (int shift = 39; shift > 12; shift -= 9) {
        uint64_t *e = &table[(va >> shift) & 511];
        if (!(*e & PTE_P)) {
            if (!alloc)
                return NULL;
            void *next = palloc_alloc(0);
            if (!next)
                return NULL;
            ++*tables;
            *e = virt_to_phys(next) | PTE_P | PTE_W | PTE_U;
        }
        table = phys_to_virt(*e & PTE_ADDR);
    }
    return &table[(va >> 12) & 511];
}

bool paging_ept;

/* EPT entries: read, write, execute in bits 0-2 (a table's entry has all
 * three, as a page table's has P, W and U), write-back memory (the guest's
 * PAT applies). Read is always given: bit 0 is "present" in both formats. */
#define EPT_R  1ull
#define EPT_W  2ull
#define EPT_X  4ull
#define EPT_WB (6ull << 3)

int paging_map(uint64_t *pml4, uint64_t va, uint64_t pa, unsigned rights, bool nested,
               unsigned *tables)
{
    if (va >= CAIRN_USER_END)
        panic("paging_map: %lx is not a user address", va); /* callers check: a kernel bug */
    uint64_t *pte = paging_walk(pml4, va, 1, tables);
    if (!pte)
        return -1;
    if (nested && paging_ept)
        *pte = (pa & PTE_ADDR) | EPT_R | EPT_WB | ((rights & CAIRN_MEM_W) ? EPT_W : 0) |
               ((rights & CAIRN_MEM_X) ? EPT_X : 0);
    else
        *pte = (pa & PTE_ADDR) | PTE_P | PTE_U | ((rights & CAIRN_MEM_W) ? PTE_W : 0) |
               ((rights & CAIRN_MEM_X) ? 0 : PTE_NX);
    return 0;
}

uint64_t *paging_pte(uint64_t *pml4, uint64_t va)
{
    unsigned none = 0;
    return paging_walk(pml4, va, 0, &none);
}

void paging_unmap(uint64_t *pml4, uint64_t va)
{
    unsigned none = 0;
    uint64_t *pte = paging_walk(pml4, va, 0, &none);
    if (pte)
        *pte = 0;
}

/* Free the table entry `e` points to and, above level 1, the tables below. */
static unsigned paging_free_table(uint64_t e, int level)
{
    if (!(e & PTE_P))
        return 0;
    uint64_t *t = phys_to_virt(e & PTE_ADDR);
    unsigned n = 1;
    for (unsigned i = 0; level > 1 && i < 512; i++)
        n += paging_free_table(t[i], level - 1);
    palloc_free(t, 0);
    return n;
}

unsigned paging_free(uint64_t *pml4)
{
    unsigned n = 0;
    for (unsigned i = 0; i < 256; i++) /* the kernel half is shared: not ours */
        n += paging_free_table(pml4[i], 3);
    palloc_free(pml4, 0);
    return n;
}
