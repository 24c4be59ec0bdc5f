/* SVM: the state most exits and replies move (GPRs, RSP, RIP, the
 * qualification), inline on the event and reply paths (ec_arch_inline.h);
 * false when the MTD names more, which svm.c's hooks move. Needs struct ec
 * complete. */
#pragma once

#include <stdbool.h>
#include "ec_arch.h"
#include "svm.h"
#include "vcpu_x86.h"

/* The common groups, for every MTD (svm.c's full copies add the rest). */
static inline void svm_get_state_common(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    const struct vmcb *v = ec->vmcb;
    x->mtd = mtd & CAIRN_MTD_VCPU_ALL;
    x->event = ec->event;
    ec_arch_gprs_get(&ec->regs, x, mtd);
    if (mtd & CAIRN_MTD_RSP)
        x->rsp = v->rsp;
    if (mtd & CAIRN_MTD_RIP)
        x->rip = v->rip, x->inst_len = 0; /* no next-RIP here; I/O exits have it in qual[1] */
    if (mtd & CAIRN_MTD_QUAL)
        x->qual[0] = ec->qual[0], x->qual[1] = ec->qual[1];
}

static inline void svm_set_state_common(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    struct vmcb *v = ec->vmcb;
    ec_arch_gprs_set(&ec->regs, x, mtd);
    if (mtd & CAIRN_MTD_RSP)
        v->rsp = x->rsp;
    if (mtd & CAIRN_MTD_RIP)
        v->rip = x->rip;
}

static inline bool svm_get_state_fast(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    if (mtd & (VCPU_MTD_RARE | CAIRN_MTD_RFLAGS))
        return false;
    svm_get_state_common(ec, x, mtd);
    return true;
}

static inline bool svm_set_state_fast(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    if (mtd & (VCPU_MTD_RARE | VCPU_MTD_CHECKED))
        return false;
    svm_set_state_common(ec, x, mtd);
    return true;
}
