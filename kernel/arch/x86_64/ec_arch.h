/* EC, architecture half: the hooks generic code calls beyond arch.h. */
#pragma once

#include <stdint.h>
#include <cairn/abi.h>
#include <cairn/utcb.h>
#include "regs.h"

struct ec;

/* ec_arch_enter (prepare a handler's frame to enter user mode at ip with
 * its stack, arg in rdi) and ec_arch_ret_handler (enter it there without
 * the frame) are inline, in ec_arch_inline.h. */

/* The GPR groups of `mtd` between a register frame and `x`, for threads
 * and vCPUs alike. Always inline: on every event's and reply's path,
 * where both vCPU backends' fast copies would otherwise share one call. */
static inline __attribute__((always_inline)) void ec_arch_gprs_get(const struct regs *r, struct cairn_exc *x,
                                                                   uint64_t mtd)
{
    if (mtd & CAIRN_MTD_GPR_ACDB)
        x->rax = r->rax, x->rcx = r->rcx, x->rdx = r->rdx, x->rbx = r->rbx;
    if (mtd & CAIRN_MTD_GPR_BSD)
        x->rbp = r->rbp, x->rsi = r->rsi, x->rdi = r->rdi;
    if (mtd & CAIRN_MTD_GPR_R8_R15)
        x->r8 = r->r8, x->r9 = r->r9, x->r10 = r->r10, x->r11 = r->r11,
        x->r12 = r->r12, x->r13 = r->r13, x->r14 = r->r14, x->r15 = r->r15;
}

static inline __attribute__((always_inline)) void ec_arch_gprs_set(struct regs *r, const struct cairn_exc *x,
                                                                   uint64_t mtd)
{
    if (mtd & CAIRN_MTD_GPR_ACDB)
        r->rax = x->rax, r->rcx = x->rcx, r->rdx = x->rdx, r->rbx = x->rbx;
    if (mtd & CAIRN_MTD_GPR_BSD)
        r->rbp = x->rbp, r->rsi = x->rsi, r->rdi = x->rdi;
    if (mtd & CAIRN_MTD_GPR_R8_R15)
        r->r8 = x->r8, r->r9 = x->r9, r->r10 = x->r10, r->r11 = x->r11,
        r->r12 = x->r12, r->r13 = x->r13, r->r14 = x->r14, r->r15 = x->r15;
}

/* A thread's state to and from an event message (ec_arch_get_state and
 * ec_arch_set_state, inline in ec_arch_inline.h, pick these or the vCPU's). */
void ec_arch_thread_get_state(struct ec *ec, struct cairn_exc *x, uint64_t mtd);
/* A thread's FPU registers (MTD_FPU, fpu.c): to `out`; from `in`, whose
 * MXCSR ec_arch_fpu_check read and checked first. */
void ec_arch_fpu_get(struct ec *ec, uint8_t *out);
int ec_arch_fpu_check(const uint8_t *in, uint32_t *mxcsr);
void ec_arch_fpu_set(struct ec *ec, const uint8_t *in, uint32_t mxcsr);
int ec_arch_thread_set_state(struct ec *ec, const struct cairn_exc *x, uint64_t mtd);
/* A thread's debug registers (debug.c): check a reply's (EPAR if user
 * land may not set them), apply, read; and a #DB's DR6 (qual[0]). */
int ec_arch_debug_check(const struct cairn_exc *x);
void ec_arch_debug_set(struct ec *ec, const struct cairn_exc *x);
void ec_arch_debug_get(const struct ec *ec, struct cairn_exc *x);
uint64_t ec_arch_debug_status(struct ec *ec);
const char *ec_arch_event_name(const struct ec *ec, unsigned evt);
/* Where the EC (or its guest) was. */
uint64_t ec_arch_ip(const struct ec *ec);
/* ec_arch_fpu_take (ec_arch_inline.h) when another EC owns the FPU. */
void ec_arch_fpu_switch(struct ec *ec);
void fpu_init(void);
