/* State transfer (x86_64): the registers an event message carries, to
 * and from a thread's frame; a vCPU's go through its backend (vcpu.h). */
#include "ec_arch.h"
#include <cairn/abi.h>
#include "ec.h"
#include "vcpu.h"
#include "x86.h"

#define RFLAGS_USER   0x10dd5ull /* CF PF AF ZF SF TF DF OF RF */

static inline int canonical_user(uint64_t a) { return a < CAIRN_USER_END; }

void ec_arch_thread_get_state(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    const struct regs *r = &ec->regs;
    x->mtd = mtd & CAIRN_MTD_THREAD_ALL;
    x->event = ec->event;
    ec_arch_gprs_get(r, x, mtd);
    if (mtd & CAIRN_MTD_RSP)
        x->rsp = r->rsp;
    if (mtd & CAIRN_MTD_RIP)
        x->rip = r->rip, x->inst_len = 0;
    if (mtd & CAIRN_MTD_RFLAGS)
        x->rflags = r->rflags;
    if (mtd & CAIRN_MTD_QUAL)
        x->qual[0] = ec->qual[0], x->qual[1] = ec->qual[1];
    if (mtd & CAIRN_MTD_DR)
        ec_arch_debug_get(ec, x);
    if (mtd & CAIRN_MTD_FPU) /* after the record (utcb.h) */
        ec_arch_fpu_get(ec, cairn_exc_fpu(x));
    if (mtd & CAIRN_MTD_FS_GS) { /* the bases of a foreign-ABI thread; else 0 */
        x->fs = (struct cairn_seg){ .sel = 0, .base = ec->dbg.fs_base };
        x->gs = (struct cairn_seg){ .sel = 0, .base = ec->dbg.gs_base };
    }
}

int ec_arch_thread_set_state(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    struct regs *r = &ec->regs;
    const uint8_t *fpu = cairn_exc_fpu((struct cairn_exc *)x);
    uint32_t mxcsr = 0;
    /* check first: nothing changes unless all of it is acceptable */
    if ((mtd & CAIRN_MTD_RIP) && !canonical_user(x->rip))
        return CAIRN_EPAR;
    if ((mtd & CAIRN_MTD_RSP) && !canonical_user(x->rsp) && x->rsp != CAIRN_USER_END)
        return CAIRN_EPAR;
    if ((mtd & CAIRN_MTD_DR) && ec_arch_debug_check(x) != CAIRN_OK)
        return CAIRN_EPAR;
    /* FS and GS bases: a foreign-ABI thread's (TLS), user addresses only
     * (the MSRs take no other); a native thread has none */
    if ((mtd & CAIRN_MTD_FS_GS) && (!(ec->attn & EC_ATTN_FOREIGN) ||
                                    x->fs.base >= CAIRN_USER_END || x->gs.base >= CAIRN_USER_END))
        return CAIRN_EPAR;
    if ((mtd & CAIRN_MTD_FPU) && ec_arch_fpu_check(fpu, &mxcsr) != CAIRN_OK)
        return CAIRN_EPAR;
    ec_arch_gprs_set(r, x, mtd);
    if (mtd & CAIRN_MTD_RSP)
        r->rsp = x->rsp;
    if (mtd & CAIRN_MTD_RIP)
        r->rip = x->rip;
    if (mtd & CAIRN_MTD_RFLAGS)
        r->rflags = (x->rflags & RFLAGS_USER) | RFLAGS_IF | RFLAGS_FIXED;
    if (mtd & CAIRN_MTD_DR)
        ec_arch_debug_set(ec, x);
    if (mtd & CAIRN_MTD_FPU)
        ec_arch_fpu_set(ec, fpu, mxcsr);
    if (mtd & CAIRN_MTD_FS_GS) /* loaded on its way back (foreign.c) */
        ec->dbg.fs_base = x->fs.base, ec->dbg.gs_base = x->gs.base;
    r->vec = VEC_EVENT; /* every register as set: return by iret */
    return CAIRN_OK;
}
