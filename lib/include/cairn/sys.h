/*
 * System-call stubs: one static inline function per call in cairn/abi.h.
 *
 * Register use (docs/abi.md): rax = nr | flags << 8 | cpu << 16, arguments
 * in rdi rsi rdx r10 r8 r9, status back in rax, a result word in rsi.
 * `syscall` clobbers rcx and r11; the kernel may read and write the UTCB,
 * so every stub is a compiler memory barrier.
 *
 * Every stub returns the raw rax (a CAIRN_* status). It is kept 64 bits
 * wide on purpose: a kernel that leaves garbage in the upper bits must not
 * look like CAIRN_OK.
 */
#pragma once

#include <stdint.h>

#include <cairn/abi.h>

#define CAIRN_SYS_RAX(nr, flags, cpu)                                                 \
    ((uint64_t)(nr) | ((uint64_t)((flags) & 0xff) << 8) | ((uint64_t)((cpu) & 0xffff) << 16))

/* The generic entry; also the fuzzer's way to pass arbitrary garbage. The
 * result word (rsi after the call) goes to *rsi_out when rsi_out is set. */
static inline uint64_t cairn_syscall6(uint64_t rax, uint64_t a1, uint64_t a2, uint64_t a3,
                                      uint64_t a4, uint64_t a5, uint64_t a6, uint64_t *rsi_out)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8")   = a5;
    register uint64_t r9 __asm__("r9")   = a6;

    __asm__ volatile("syscall"
                     : "+a"(rax), "+S"(a2)
                     : "D"(a1), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    if (rsi_out)
        *rsi_out = a2;
    return rax;
}

static inline uint64_t cairn_syscall(unsigned nr, unsigned flags, uint64_t a1, uint64_t a2,
                                     uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    return cairn_syscall6(CAIRN_SYS_RAX(nr, flags, 0), a1, a2, a3, a4, a5, a6, 0);
}

/* Pack up to 8 bytes of a name little-endian, as create_pd wants it. */
static inline uint64_t cairn_name_pack(const char *name)
{
    uint64_t v = 0;

    for (unsigned i = 0; name && i < 8 && name[i]; i++)
        v |= (uint64_t)(uint8_t)name[i] << (8 * i);
    return v;
}

/* Send the message in the caller's UTCB through portal `pt`, block until
 * the handler replies; the reply is in the caller's UTCB afterwards. */
static inline uint64_t cairn_call(uint64_t pt)
{
    uint64_t rax = CAIRN_SYS_RAX(CAIRN_SYS_CALL, 0, 0);

    /* the kernel reads rdi only; call may clobber what a C call may
     * (docs/abi.md), so the stub costs its caller no more than a call
     * (the IPC path's cost includes this stub) */
    __asm__ volatile("syscall"
                     : "+a"(rax), "+D"(pt)
                     :
                     : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory");
    return rax;
}

/* End the current call with the message in the handler's UTCB (for an
 * event: write back the state groups `mtd` selects). Only returns when the
 * EC serves no call (EPAR); that is a bug in the caller, so trap. */
__attribute__((noreturn)) static inline void cairn_reply(uint64_t mtd)
{
    uint64_t rax = CAIRN_SYS_RAX(CAIRN_SYS_REPLY, 0, 0);

    __asm__ volatile("syscall" : "+a"(rax) : "D"(mtd) : "rcx", "r11", "memory");
    __builtin_trap();
}

static inline uint64_t cairn_create_pd(uint64_t dst, uint64_t pd, unsigned cap_order,
                                       const char *name)
{
    return cairn_syscall(CAIRN_SYS_CREATE_PD, 0, dst, pd, cap_order, cairn_name_pack(name), 0,
                         0);
}

/* The same with a kernel memory quota of `kmem` bytes, taken from pd's
 * account (cairn_create_pd: 0, the new PD shares pd's account). */
static inline uint64_t cairn_create_pd_kmem(uint64_t dst, uint64_t pd, unsigned cap_order,
                                            const char *name, uint64_t kmem)
{
    return cairn_syscall(CAIRN_SYS_CREATE_PD, 0, dst, pd, cap_order, cairn_name_pack(name), kmem,
                         0);
}

/* A global EC (global != 0) starts at ip once an SC is bound; a local EC
 * runs only as the handler of its portals. */
static inline uint64_t cairn_create_ec(uint64_t dst, uint64_t pd, unsigned cpu, uint64_t utcb,
                                       uint64_t sp, uint64_t evt_base, uint64_t ip, int global)
{
    unsigned flags = global ? CAIRN_EC_F_GLOBAL : 0;

    return cairn_syscall6(CAIRN_SYS_RAX(CAIRN_SYS_CREATE_EC, flags, cpu), dst, pd, utcb, sp,
                          evt_base, ip, 0);
}

static inline uint64_t cairn_create_sc(uint64_t dst, uint64_t pd, uint64_t ec, unsigned prio,
                                       unsigned quantum_us)
{
    return cairn_syscall(CAIRN_SYS_CREATE_SC, 0, dst, pd, ec, prio, quantum_us, 0);
}

static inline uint64_t cairn_create_pt(uint64_t dst, uint64_t pd, uint64_t ec, uint64_t mtd,
                                       uint64_t ip, uint64_t badge)
{
    return cairn_syscall(CAIRN_SYS_CREATE_PT, 0, dst, pd, ec, mtd, ip, badge);
}

static inline uint64_t cairn_create_sm(uint64_t dst, uint64_t pd, uint64_t count)
{
    return cairn_syscall(CAIRN_SYS_CREATE_SM, 0, dst, pd, count, 0, 0, 0);
}

/* Copy the range `crd` of src_pd's space to dst_base in dst_pd's space.
 * flags: CAIRN_DEL_F_HOST to take host memory / ports (root only). */
static inline uint64_t cairn_delegate(uint64_t src_pd, uint64_t dst_pd, uint64_t crd,
                                      uint64_t dst_base, unsigned flags)
{
    return cairn_syscall(CAIRN_SYS_DELEGATE, flags, src_pd, dst_pd, crd, dst_base, 0, 0);
}

/* flags: CAIRN_REV_F_SELF to remove pd's own overlapping mappings too. */
static inline uint64_t cairn_revoke(uint64_t pd, uint64_t crd, unsigned flags)
{
    return cairn_syscall(CAIRN_SYS_REVOKE, flags, pd, crd, 0, 0, 0, 0);
}

/* *out = the CRD of the caller's mapping holding crd's base, 0 if none. */
static inline uint64_t cairn_lookup(uint64_t crd, uint64_t *out)
{
    return cairn_syscall6(CAIRN_SYS_RAX(CAIRN_SYS_LOOKUP, 0, 0), crd, 0, 0, 0, 0, 0, out);
}

static inline uint64_t cairn_ec_recall(uint64_t ec)
{
    return cairn_syscall(CAIRN_SYS_EC_CTRL, 0, ec, CAIRN_EC_RECALL, 0, 0, 0, 0);
}

/* *out = TSC ticks the SC has consumed. */
static inline uint64_t cairn_sc_time(uint64_t sc, uint64_t *out)
{
    return cairn_syscall6(CAIRN_SYS_RAX(CAIRN_SYS_SC_CTRL, 0, 0), sc, CAIRN_SC_TIME, 0, 0, 0, 0,
                          out);
}

/* At most budget_us of CPU time per period_us for `sc` (and the SCs that
 * share its budget). */
static inline uint64_t cairn_sc_budget(uint64_t sc, uint64_t budget_us, uint64_t period_us)
{
    return cairn_syscall(CAIRN_SYS_SC_CTRL, 0, sc, CAIRN_SC_BUDGET, budget_us, period_us, 0, 0);
}

/* `sc` draws from the budget of `acct` (an SC of the same CPU). */
static inline uint64_t cairn_sc_share(uint64_t sc, uint64_t acct)
{
    return cairn_syscall(CAIRN_SYS_SC_CTRL, 0, sc, CAIRN_SC_SHARE, acct, 0, 0, 0);
}

static inline uint64_t cairn_sm_up(uint64_t sm)
{
    return cairn_syscall(CAIRN_SYS_SM_CTRL, 0, sm, CAIRN_SM_UP, 0, 0, 0, 0);
}

/* deadline: absolute TSC value, 0 = wait forever. */
static inline uint64_t cairn_sm_down(uint64_t sm, uint64_t deadline)
{
    return cairn_syscall(CAIRN_SYS_SM_CTRL, 0, sm, CAIRN_SM_DOWN, deadline, 0, 0, 0);
}

static inline uint64_t cairn_sm_zero(uint64_t sm, uint64_t deadline)
{
    return cairn_syscall(CAIRN_SYS_SM_CTRL, 0, sm, CAIRN_SM_ZERO, deadline, 0, 0, 0);
}

/* Route the interrupt whose semaphore is `sm` to `cpu` and unmask it. */
static inline uint64_t cairn_irq_ctrl(uint64_t sm, unsigned cpu)
{
    return cairn_syscall(CAIRN_SYS_IRQ_CTRL, 0, sm, cpu, 0, 0, 0, 0);
}

/* Kill PD `pd`: its ECs stop, its mappings go (needs PD_CTRL). */
static inline uint64_t cairn_pd_kill(uint64_t pd)
{
    return cairn_syscall(CAIRN_SYS_PD_CTRL, 0, pd, CAIRN_PD_KILL, 0, 0, 0, 0);
}

/* *out = bytes in use of pd's kernel memory account. */
static inline uint64_t cairn_pd_kmem(uint64_t pd, uint64_t *out)
{
    return cairn_syscall6(CAIRN_SYS_RAX(CAIRN_SYS_PD_CTRL, 0, 0), pd, CAIRN_PD_KMEM, 0, 0, 0, 0,
                          out);
}

/* *out = bytes free in the kernel's page pool (any PD capability). */
static inline uint64_t cairn_pd_pool(uint64_t pd, uint64_t *out)
{
    return cairn_syscall6(CAIRN_SYS_RAX(CAIRN_SYS_PD_CTRL, 0, 0), pd, CAIRN_PD_POOL, 0, 0, 0, 0,
                          out);
}
