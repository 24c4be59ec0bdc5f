/* VMX: the state most exits and replies move (GPRs, RIP, the
 * qualification), inline on the event and reply paths (ec_arch_inline.h),
 * without a VMCS access: RIP is kept in the vCPU, the qualification in the
 * EC. False when the MTD names more, which vmx.c's hooks move. Needs
 * struct ec complete. */
#pragma once

#include <stdbool.h>
#include "ec_arch.h"
#include "vcpu_x86.h"
#include "vmx.h"

/* The common groups, for every MTD (vmx.c's full copies add the rest). */
static inline void vmx_get_state_common(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    const struct vmx_vcpu *v = ec->vmcb;
    x->mtd = mtd & CAIRN_MTD_VCPU_ALL;
    x->event = ec->event;
    ec_arch_gprs_get(&ec->regs, x, mtd);
    if (mtd & CAIRN_MTD_RIP)
        x->rip = v->rip, x->inst_len = 0;
    if (mtd & CAIRN_MTD_QUAL)
        x->qual[0] = ec->qual[0], x->qual[1] = ec->qual[1];
}

static inline void vmx_set_state_common(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    struct vmx_vcpu *v = ec->vmcb;
    ec_arch_gprs_set(&ec->regs, x, mtd);
    if (mtd & CAIRN_MTD_RIP)
        v->rip = x->rip;
}

static inline bool vmx_get_state_fast(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    if (mtd & (VCPU_MTD_RARE | CAIRN_MTD_RFLAGS | CAIRN_MTD_RSP))
        return false;
    vmx_get_state_common(ec, x, mtd);
    return true;
}

static inline bool vmx_set_state_fast(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    if (mtd & (VCPU_MTD_RARE | VCPU_MTD_CHECKED | CAIRN_MTD_RSP))
        return false;
    vmx_set_state_common(ec, x, mtd);
    return true;
}
