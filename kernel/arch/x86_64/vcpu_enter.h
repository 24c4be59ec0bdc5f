/* vCPUs (x86_64): what both backends' run loops do before every entry,
 * inline there. */
#pragma once

#include "ec.h"
#include "sched.h"
#include "vcpu_x86.h"

/* The events owed to the VMM (they do not return), preemption, and the
 * FPU the guest runs on. */
static inline __attribute__((always_inline)) void vcpu_enter_prepare(struct ec *ec)
{
    if (unlikely(ec->refused || ec->recall))
        vcpu_enter_events(ec);
    sched_check_preempt();
    ec_arch_fpu_take(ec);
}
