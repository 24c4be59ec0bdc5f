/*
 * Foreign-ABI threads (x86_64): every `syscall` of a thread of a PD made
 * with CAIRN_PD_F_FOREIGN is the event CAIRN_EVT_SYSCALL to its handler,
 * never a Cairn system call, at no cost to the IPC path.
 *
 * The syscall entry's fast path tests only the call number before it
 * stores any register, so it cannot also ask whose syscall it is.
 * Instead the instruction is off (EFER.SCE clear) while such a thread
 * runs: its `syscall` raises #UD with the whole frame, and intr_user
 * turns a #UD at the two bytes 0F 05 into the event, RIP past them and
 * RCX and R11 as the instruction leaves them. EFER is switched on the
 * general way back to user mode, which such a thread always takes
 * (EC_ATTN_FOREIGN), as does every EC on a CPU where the instruction is
 * off (CPU_ATTN_FOREIGN); the fast paths test that byte already. The
 * thread's FS and GS bases (its TLS, which a Linux runtime sets through
 * MTD_FS_GS on arch_prctl) are loaded there too, and zeroed for the next
 * EC; user land cannot change them itself (CR4.FSGSBASE is off).
 */
#include "ec_arch.h"
#include <cairn/abi.h>
#include "arch.h"
#include "ec.h"
#include "mem.h"
#include "paging.h"
#include "pd.h"
#include "x86.h"

void ec_arch_foreign_init(struct ec *ec)
{
    ec->attn |= EC_ATTN_FOREIGN;
    ec->regs.vec = VEC_EVENT; /* back by iret: sysret needs EFER.SCE */
}

void ec_arch_user_switch(struct ec *ec)
{
    struct percpu *p = percpu();
    ec_arch_debug_switch(ec);
    if (ec->attn & EC_ATTN_FOREIGN) {
        if (!(p->attn & CPU_ATTN_FOREIGN))
            wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~(uint64_t)EFER_SCE);
        p->attn |= CPU_ATTN_FOREIGN;
        /* its FS and GS bases (user GS is in KERNEL_GS_BASE until the
         * swapgs on the way out) */
        wrmsr(MSR_FS_BASE, ec->dbg.fs_base);
        wrmsr(MSR_KERNEL_GS_BASE, ec->dbg.gs_base);
    } else if (p->attn & CPU_ATTN_FOREIGN) {
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
        wrmsr(MSR_FS_BASE, 0); /* nothing of it for the next thread */
        wrmsr(MSR_KERNEL_GS_BASE, 0);
        p->attn &= (uint8_t)~CPU_ATTN_FOREIGN;
    }
}

/* The byte at user address va of `pd`, through its page table and the
 * direct map (the kernel touches no user page): -1 if it is not mapped
 * for user mode or not RAM. */
static int foreign_byte(struct pd *pd, uint64_t va)
{
    if (va >= CAIRN_USER_END)
        return -1;
    uint64_t *pte = paging_pte(pd->pml4, va);
    if (!pte || (*pte & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
        return -1;
    uint64_t pa = (*pte & PTE_ADDR) | (va & 0xfff);
    if (pa >= mem_max_phys())
        return -1;
    return *(const uint8_t *)phys_to_virt(pa);
}

bool ec_arch_foreign_syscall(struct ec *ec)
{
    struct regs *r = &ec->regs;
    if (!(ec->attn & EC_ATTN_FOREIGN) || foreign_byte(ec->pd, r->rip) != 0x0f ||
        foreign_byte(ec->pd, r->rip + 1) != 0x05)
        return false;
    r->rip += 2;
    r->rcx = r->rip;      /* as `syscall` leaves them */
    r->r11 = r->rflags;
    return true;
}
