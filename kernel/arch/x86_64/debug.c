/*
 * Debug registers (x86_64): a thread's hardware breakpoints and
 * watchpoints (DR0-DR3 and DR7, MTD_DR), in the CPU only while a thread
 * that has them runs in user mode.
 *
 * Switched lazily at no cost to the IPC path: a thread with an enabled
 * breakpoint has EC_ATTN_DEBUG in ec->attn, a CPU whose registers may
 * hold a thread's has CPU_ATTN_DEBUG in its percpu attn, and every way
 * back to user mode already tests those two bytes (ec_ret_attention):
 * only such ECs, and every EC on such a CPU, take the general way
 * (ec_ret_general), which calls ec_arch_debug_switch. A vCPU's run loop
 * tests the CPU's byte before each entry (vcpu_enter_prepare): SVM and
 * VMX give the guest its own DR7, but DR0-DR3 are the CPU's.
 *
 * The kernel never touches user pages (it reaches UTCBs through its own
 * mapping, and SMAP/SMEP forbid the rest where the CPU has them), and
 * breakpoint addresses are user addresses, so a breakpoint does not fire
 * in the kernel; if one did, intr_db_kernel clears it and goes on.
 */
#include "ec_arch.h"
#include <cairn/abi.h>
#include "arch.h"
#include "console.h"
#include "ec.h"
#include "x86.h"

#define DR6_CLEAR   0xffff0ff0ull /* DR6 with no condition recorded */
#define DR7_ENABLES 0xffull       /* L0 G0 .. L3 G3 */
#define RFLAGS_TF   0x100ull

/* A thread's debug state as a reply sets it: user addresses only (a
 * kernel address would let user land trap the kernel), DR7 only the
 * enables and R/W and LEN fields; no I/O breakpoints (R/W 10b), and an
 * instruction breakpoint (R/W 00b) covers one byte (LEN 00b). */
int ec_arch_debug_check(const struct cairn_exc *x)
{
    if (x->dr7 & ~CAIRN_DR7_THREAD)
        return CAIRN_EPAR;
    for (unsigned i = 0; i < 4; i++) {
        unsigned rw = (x->dr7 >> (16 + 4 * i)) & 3, len = (x->dr7 >> (18 + 4 * i)) & 3;
        if (x->dr[i] >= CAIRN_USER_END || rw == 2 || (rw == CAIRN_DR_EXEC && len != 0))
            return CAIRN_EPAR;
    }
    return CAIRN_OK;
}

/* Apply a checked state; the EC loads it at its next return to user mode. */
void ec_arch_debug_set(struct ec *ec, const struct cairn_exc *x)
{
    struct debug_regs *d = &ec->dbg;
    for (unsigned i = 0; i < 4; i++)
        d->dr[i] = x->dr[i];
    d->dr6 = x->dr6;
    d->dr7 = x->dr7;
    if (d->dr7 & DR7_ENABLES)
        ec->attn |= EC_ATTN_DEBUG;
    else
        ec->attn &= (uint8_t)~EC_ATTN_DEBUG;
}

void ec_arch_debug_get(const struct ec *ec, struct cairn_exc *x)
{
    const struct debug_regs *d = &ec->dbg;
    for (unsigned i = 0; i < 4; i++)
        x->dr[i] = d->dr[i];
    x->dr6 = d->dr6;
    x->dr7 = d->dr7;
}

void ec_arch_debug_forget(struct ec *ec)
{
    ec->attn &= (uint8_t)~EC_ATTN_DEBUG;
    ec->dbg = (struct debug_regs){ 0 };
}

static void debug_clear(void)
{
    write_dr7(0);
    write_dr0(0);
    write_dr1(0);
    write_dr2(0);
    write_dr3(0);
}

void ec_arch_debug_switch(struct ec *ec)
{
    struct percpu *p = percpu();
    if (ec->attn & EC_ATTN_DEBUG) {
        const struct debug_regs *d = &ec->dbg;
        write_dr0(d->dr[0]);
        write_dr1(d->dr[1]);
        write_dr2(d->dr[2]);
        write_dr3(d->dr[3]);
        write_dr6(DR6_CLEAR); /* a guest (VMX) or another EC may have left conditions */
        write_dr7(d->dr7);
        p->attn |= CPU_ATTN_DEBUG;
    } else if (p->attn & CPU_ATTN_DEBUG) {
        debug_clear();
        p->attn &= (uint8_t)~CPU_ATTN_DEBUG;
    }
}

/* A #DB of `ec` in user mode: DR6 as the CPU set it, cleared for the
 * next one, and kept as the thread's. B0-B3 only for breakpoints the EC
 * enabled: the CPU may set them for one that matched without being
 * enabled, and a VMX guest leaves its DR6 in the CPU. */
uint64_t ec_arch_debug_status(struct ec *ec)
{
    uint64_t dr6 = read_dr6(), mine = 0;
    write_dr6(DR6_CLEAR);
    for (unsigned i = 0; i < 4; i++)
        if (ec->dbg.dr7 & (3ull << (2 * i)))
            mine |= CAIRN_DR6_B(i);
    dr6 &= ~(0xfull & ~mine);
    if (!ec->vcpu)
        ec->dbg.dr6 = dr6;
    return dr6;
}

/* A #DB in the kernel (entry.S, on the #DB stack; the entries' first
 * instructions are dealt with there): a thread's watchpoint, which the
 * kernel's own accesses should never hit, or TF. Clear them, say so and
 * go on; the thread's breakpoints are loaded again at its next return to
 * user mode. frame: the CPU's (rip, cs, rflags, rsp, ss). */
void intr_db_kernel(uint64_t *frame);
void intr_db_kernel(uint64_t *frame)
{
    static unsigned reported;
    uint64_t dr6 = read_dr6();
    write_dr7(0);
    write_dr6(DR6_CLEAR);
    frame[2] &= ~RFLAGS_TF;
    if (reported < 8) {
        reported++;
        kprintf("[kernel] #DB in the kernel at rip=%lx (dr6=%lx): debug registers cleared\n",
                frame[0], dr6);
    }
}
