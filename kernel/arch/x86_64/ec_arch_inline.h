/* EC, architecture half: the hooks on the IPC path, inline. Included by
 * ec.h once struct ec is complete. */
#pragma once

#include <stddef.h>
#include "console.h"
#include "cpu.h"
#include "ec_arch.h"
#include "pd.h"
#include "smp.h"
#include "vcpu.h"
#include "vcpu_x86.h"
#include "svm_state.h"
#include "vmx_state.h"
#include "x86.h"

_Noreturn void ret_user_sysret(struct regs *r);
/* Enter a handler at ip with stack sp and arg in rdi; its other registers
 * come from its frame r (what it had when it last left user mode). */
_Noreturn void ret_handler_sysret(uint64_t arg, uint64_t ip, uint64_t sp, struct regs *r);
_Noreturn void ret_user_iret(struct regs *r);
/* Load the port bitmap of `pd` into this CPU's TSS. */
void ec_arch_switch_io(struct cpu *c, struct pd *pd);

/* Copy the groups `mtd` selects from the EC's state into `x` (a vCPU's
 * common groups inline: svm_state.h, vmx_state.h). */
static inline __attribute__((always_inline)) void ec_arch_get_state(struct ec *ec, struct cairn_exc *x,
                                                                    uint64_t mtd)
{
    if (!ec->vcpu)
        ec_arch_thread_get_state(ec, x, mtd);
    else if (!(vcpu_vmx ? vmx_get_state_fast(ec, x, mtd) : svm_get_state_fast(ec, x, mtd)))
        vcpu_arch_get_state(ec, x, mtd);
}

/* Write back the groups `mtd` selects; EPAR (and no change) if invalid. */
static inline __attribute__((always_inline)) int ec_arch_set_state(struct ec *ec, const struct cairn_exc *x,
                                                                   uint64_t mtd)
{
    if (!ec->vcpu)
        return ec_arch_thread_set_state(ec, x, mtd);
    if (vcpu_vmx ? vmx_set_state_fast(ec, x, mtd) : svm_set_state_fast(ec, x, mtd))
        return CAIRN_OK;
    return vcpu_arch_set_state(ec, x, mtd);
}

/* Give the physical FPU to `ec` (#NM, and before a guest runs). Most
 * often it owns the FPU already and only the trap its last switch away
 * set is cleared. */
static inline void ec_arch_fpu_take(struct ec *ec)
{
    struct cpu *c = cpu_this();
    if (c->fpu_owner != ec) {
        ec_arch_fpu_switch(ec);
    } else if (c->fpu_trap) {
        __asm__ volatile("clts" ::: "memory");
        c->fpu_trap = false;
    }
}

/* The state groups ec_arch_set_state checks before it applies them: a
 * reply's values of these must be read from user memory only once. */
static inline uint64_t ec_arch_mtd_checked(const struct ec *ec)
{
    return ec->vcpu ? VCPU_MTD_CHECKED
                    : CAIRN_MTD_RIP | CAIRN_MTD_RSP | CAIRN_MTD_DR | CAIRN_MTD_FS_GS |
                          CAIRN_MTD_FPU;
}

/* Prepare `ec` (a handler) to enter user mode at ip with its stack, arg in rdi. */
static inline __attribute__((always_inline)) void ec_arch_enter(struct ec *ec, uint64_t ip, uint64_t arg)
{
    ec->regs.rip = ip;
    ec->regs.rsp = ec->sp;
    ec->regs.rdi = arg;
    ec->regs.rflags = RFLAGS_ENTRY;
    /* regs.vec stays: the frame is as good for an iret as for a sysret */
}

static inline __attribute__((always_inline)) _Noreturn void ec_arch_ret_user(struct ec *ec)
{
    if (likely(ec->regs.vec == VEC_SYSCALL)) {
        kernel_unlock();
        ret_user_sysret(&ec->regs);
    }
    if (unlikely(ec->vcpu))
        vcpu_arch_run(ec); /* it drops the kernel lock around VMRUN */
    kernel_unlock();
    ret_user_iret(&ec->regs);
}

/* The same for an EC that entered by syscall (a caller whose call is
 * answered): it leaves by sysret. */
static inline __attribute__((always_inline)) _Noreturn void ec_arch_ret_syscall(struct ec *ec)
{
    kernel_unlock();
    ret_user_sysret(&ec->regs);
}

/* Enter handler `ec` at ip, arg in rdi, on its stack; the frame is not
 * written (ec_arch_enter does that for a handler that does not run at
 * once). The frame of an EC running in user mode is not read: it is
 * written at its next entry into the kernel. */
static inline __attribute__((always_inline)) _Noreturn void ec_arch_ret_handler(struct ec *ec, uint64_t ip,
                                                                                uint64_t arg)
{
    kernel_unlock();
    ret_handler_sysret(arg, ip, ec->sp, &ec->regs);
}

/* After its event's reply a vCPU goes straight back into its run loop
 * (which sees to recalls, preemption and the FPU), without a switch of
 * address space or port map: its guest runs on the nested page table, and
 * the space loaded stays in CR3 until a thread needs another (its
 * handler's, usually: the next exit needs no switch either). A thread's
 * return goes on in the caller. */
static inline __attribute__((always_inline)) void ec_arch_event_resume(struct ec *ec)
{
    if (ec->vcpu) {
        cpu_this()->pc.cur = ec;
        vcpu_vmx ? vmx_run(ec) : svm_run(ec); /* vcpu_arch_run, one call less */
    }
}

static inline __attribute__((always_inline)) void ec_arch_switch(struct ec *ec)
{
    __seg_gs struct cpu *c = 0; /* this CPU's, each field one GS-relative access */
    struct pd *pd = ec->space;
    c->pc.cur = ec;
    c->tss.rsp[0] = (uint64_t)(&ec->regs + 1); /* and syscall's: CPU_FRAME_TOP */
    if (c->space != pd) {
        c->space = pd;
        write_cr3(pd->cr3);
    }
    if (unlikely(pd->iobm != NULL)) {
        if (unlikely(c->io_owner != pd))
            ec_arch_switch_io(cpu_this(), pd);
        c->tss.iomap_base = offsetof(struct tss, iomap);
    } else {
        c->tss.iomap_base = 0xffff; /* beyond the TSS limit: no ports */
    }
    if (!c->fpu_trap && c->fpu_owner != ec) {
        write_cr0(read_cr0() | CR0_TS);
        c->fpu_trap = true;
    }
}


