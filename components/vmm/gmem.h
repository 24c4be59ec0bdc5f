/*
 * Guest memory through the guest's page tables (gmem): guest-linear to
 * guest-physical addresses in whichever paging mode the guest runs
 *
 *   CR0.PG clear       linear = physical (32 bits)
 *   32-bit paging      PD -> PT, 4-byte entries; 4 MiB pages with CR4.PSE
 *   PAE                PDPT (4 entries) -> PD -> PT; 2 MiB pages
 *   long mode (LMA)    PML4 -> PDPT -> PD -> PT; 1 GiB and 2 MiB pages
 *
 * and copies through that. For the VMM's emulation of instructions the
 * CPU has already let through (MMIO, string I/O), so permissions (R/W,
 * U/S, NX) and reserved bits are not checked; a table or a page outside
 * guest RAM is "not reachable". Outside long mode linear addresses wrap
 * at 4 GiB.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>

#include "hw/io.h"

/* The registers that choose the paging mode. */
struct gmem_paging {
    uint64_t cr0, cr3, cr4, efer;
};

/* la to its guest-physical address in *pa; CAIRN_EFAULT if a table entry
 * on the way is not present or not in guest RAM. */
cairn_status_t gmem_walk(const struct vmm_mem *m, const struct gmem_paging *g, uint64_t la,
                         uint64_t *pa);

/* Up to n bytes from la into buf, page by page: how many were in RAM
 * before the first that is not (instruction fetch). */
size_t gmem_read(const struct vmm_mem *m, const struct gmem_paging *g, uint64_t la, uint8_t *buf,
                 size_t n);

/* n bytes (at most 16, else CAIRN_EPAR) between buf and la: all, or
 * CAIRN_EFAULT and none. */
cairn_status_t gmem_copy(const struct vmm_mem *m, const struct gmem_paging *g, uint64_t la,
                         void *buf, unsigned n, bool write);
