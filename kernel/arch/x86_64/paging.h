/* Page tables (x86_64, 4 levels) and the kernel's virtual layout:
 *
 *   0x0000000000000000 - 0x00007fffffffffff   user (per PD)
 *   0xffff800000000000 - ...                  direct map of physical memory
 *   0xffffffff80000000 - 0xffffffffbfffffff   kernel image (first GiB)
 *   0xffffffffc0000000 - 0xffffffffc01fffff   device pages (kmap_mmio)
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define DIRECT_BASE 0xffff800000000000ull
#define KERNEL_VMA  0xffffffff80000000ull
#define MMIO_BASE   0xffffffffc0000000ull
#define PAGE_SIZE   4096ull

#define PTE_P   0x001ull
#define PTE_W   0x002ull
#define PTE_U   0x004ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_PS  0x080ull
#define PTE_G   0x100ull
#define PTE_NX  (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

static inline void *phys_to_virt(uint64_t pa) { return (void *)(DIRECT_BASE + pa); }
static inline uint64_t virt_to_phys(const void *v)
{
    uint64_t a = (uint64_t)v;
    return a >= KERNEL_VMA ? a - KERNEL_VMA : a - DIRECT_BASE;
}

extern uint64_t paging_master_cr3;

/* Build the direct map for [0, max_phys) and switch to the master table. */
void paging_init(uint64_t max_phys);
/* New user page table root sharing the kernel half; NULL when out of memory. */
uint64_t *paging_new_root(void);
/* Nested page tables (a VM's guest-physical memory) are in EPT format
 * (vmx.c sets this), else in the page-table format (SVM's nested paging). */
extern bool paging_ept;
/* Map one user page, or with `nested` a guest-physical one; rights are
 * CAIRN_MEM_*. Returns 0, or -1 when out of memory; *tables counts the
 * page-table pages it allocated. */
int paging_map(uint64_t *pml4, uint64_t va, uint64_t pa, unsigned rights, bool nested,
               unsigned *tables);
/* The last-level entry for va, or NULL (no table there). */
uint64_t *paging_pte(uint64_t *pml4, uint64_t va);
void paging_unmap(uint64_t *pml4, uint64_t va);
/* Free a root from paging_new_root (or a nested one) with every table of
 * its user half; returns the tables freed besides the root. */
unsigned paging_free(uint64_t *pml4);
/* Map a device page uncached into kernel space. */
void *kmap_mmio(uint64_t pa);
