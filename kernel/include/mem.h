/* Physical memory at boot: split free RAM into the kernel's pool and the
 * RAM the root PD may delegate; describe it all for the HIP. */
#pragma once

#include <stdint.h>
#include <cairn/hip.h>

#define MEM_MAX_ENTRIES 96

extern struct cairn_hip_mem mem_map[MEM_MAX_ENTRIES];
extern unsigned mem_count;
extern uint64_t mem_pool_bytes;

/* Highest RAM address (for the direct map). */
uint64_t mem_max_phys(void);
/* Needs the direct map. */
void mem_init(void);
/* A page-aligned physical range of `size` bytes below `limit` that the
 * loader's map calls RAM and that holds no boot module, lowest first and
 * never page 0; 0 if there is none. For start-up code that must lie low
 * (an x86 AP's first instructions): mem_init hands out no RAM below
 * 1 MiB, so below that the range stays the caller's. */
uint64_t mem_boot_low(uint64_t size, uint64_t limit);
