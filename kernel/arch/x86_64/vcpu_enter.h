/* vCPUs (x86_64): what both backends' run loops do before every entry,
 * inline there. */
#pragma once

#include "ec.h"
#include "sched.h"
#include "vcpu_x86.h"

/* The events owed to the VMM (they do not return), preemption and a
 * thread's breakpoints left in the debug registers (the CPU's attn: a
 * guest runs with its own DR7 but the CPU's DR0-DR3), and the FPU the
 * guest runs on. */
static inline __attribute__((always_inline)) void vcpu_enter_prepare(struct ec *ec)
{
    if (unlikely(ec->refused || ec->attn))
        vcpu_enter_events(ec);
    if (unlikely(PERCPU_FIELD(attn)))
        vcpu_enter_cpu(ec);
    ec_arch_fpu_take(ec);
}
