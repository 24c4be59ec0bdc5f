/* Generic per-CPU state: what the scheduler keeps for each CPU. */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include "list.h"
#include "percpu_arch.h"

#define PRIO_LEVELS 128

struct ec;
struct sc;

struct percpu {
    unsigned id;
    struct ec *cur;          /* EC whose frame is loaded             */
    struct sc *cur_sc;       /* SC being consumed (NULL: idle)       */
    uint64_t sc_start;       /* arch_time() when cur_sc started      */
    uint64_t prio_mask[2];   /* non-empty run-queue levels           */
    struct list rq[PRIO_LEVELS];
    struct ec *timeouts;     /* sorted by deadline                   */
    struct sc *refills;      /* used-up budget accounts, by refill   */
    uint8_t attn;            /* CPU_ATTN_*: the next return to user
                                mode takes the general way           */
};

/* percpu.attn: a higher priority SC became ready; the debug registers
 * may hold some EC's breakpoints (the arch's, loaded lazily); the
 * syscall instruction is off for a foreign-ABI thread. With
 * ec->attn, the one byte the way back to user mode tests (ec.h). */
#define CPU_ATTN_RESCHED 0x1u
#define CPU_ATTN_DEBUG   0x2u
#define CPU_ATTN_FOREIGN 0x4u /* the arch's syscall instruction is off here */

extern unsigned cpu_count;

struct percpu *percpu_of(unsigned cpu);
