/*
 * SVM (x86_64): virtual CPUs. A vCPU is an EC of a VM PD with a VMCB; its
 * guest runs with nested paging on the VM PD's page table. Exits the VMM
 * must see become events at the vCPU's evt_base (enum cairn_vm_event);
 * physical interrupts are taken by the kernel and the guest resumed.
 *
 * The VMM may set any guest state; the kernel keeps to itself what
 * protects the host: the intercepts of interrupts, NMIs, the SVM
 * instructions, MONITOR/MWAIT and XSETBV, the I/O permission map (every
 * port intercepted), the MSR permission map (every MSR but those the VMCB
 * switches), V_INTR_MASKING, the ASID, the nested page table and
 * EFER.SVME. Guest state the hardware refuses ends in a VMEXIT_INVALID,
 * reported as CAIRN_VM_INVALID.
 */
#include "svm.h"
#include "vcpu_x86.h"
#include <cairn/abi.h>
#include <cairn/hip.h>
#include "arch.h"
#include "console.h"
#include "cpu.h"
#include "ec.h"
#include "ec_arch.h"
#include "paging.h"
#include "palloc.h"
#include "pd.h"
#include "sched.h"
#include "string.h"
#include "smp.h"
#include "vcpu_enter.h"
#include "x86.h"

#define MISC1_INTR     (1u << 0)
#define MISC1_NMI      (1u << 1)
#define MISC1_SMI      (1u << 2)
#define MISC1_INIT     (1u << 3)
#define MISC1_VINTR    (1u << 4)
#define MISC1_CPUID    (1u << 18)
#define MISC1_HLT      (1u << 24)
#define MISC1_IOIO     (1u << 27)
#define MISC1_MSR      (1u << 28)
#define MISC1_SHUTDOWN (1u << 31)
#define MISC2_ALL_SVM  0x7fu /* VMRUN VMMCALL VMLOAD VMSAVE STGI CLGI SKINIT */
#define MISC2_MONITOR  (7u << 10) /* MONITOR, MWAIT, MWAIT (armed) */
#define MISC2_XSETBV   (1u << 13)
/* Always intercepted: the SVM instructions, MONITOR/MWAIT (they would idle
 * the physical CPU) and XSETBV (XCR0 is not part of the guest state). */
#define MISC2_FORCED   (MISC2_ALL_SVM | MISC2_MONITOR | MISC2_XSETBV)
#define VINTR_MASKING  (1ull << 24) /* the guest's IF masks only virtual interrupts */

/* Always intercepted, whatever the VMM asks: the host keeps the CPU. */
#define MISC1_FORCED (MISC1_INTR | MISC1_NMI | MISC1_SMI | MISC1_INIT | MISC1_CPUID | MISC1_HLT | \
                      MISC1_IOIO | MISC1_MSR | MISC1_SHUTDOWN)

#define EXIT_CR0_WRITE 0x10
#define EXIT_CR4_WRITE 0x14
#define EXIT_INTR     0x60
#define EXIT_NMI      0x61
#define EXIT_VINTR    0x64
#define EXIT_CPUID    0x72
#define EXIT_HLT      0x78
#define EXIT_IOIO     0x7b
#define EXIT_MSR      0x7c
#define EXIT_SHUTDOWN 0x7f
#define EXIT_VMMCALL  0x81
#define EXIT_NPF      0x400

void svm_vmrun(uint64_t vmcb_pa, struct regs *gprs, uint64_t host_save_pa);
extern char svm_vmrun_insn[], svm_vmrun_next[];

#define ICPT_CR0_WRITE (1u << 16) /* icpt_cr: writes to CR0-15 are bits 16-31 */
#define ICPT_CR4_WRITE (1u << 20)

static uint64_t svm_iopm_pa, svm_msrpm_pa;
static int svm_on;
static unsigned svm_asids;

/* MSRs whose guest value lives in the VMCB, loaded and saved around every
 * VMRUN (VMRUN itself, or the VMLOAD/VMSAVE pair in svm_vmrun): the guest
 * reads and writes them without an exit and cannot reach the host's. */
static const uint32_t svm_msr_direct[] = {
    0x174, 0x175, 0x176,                             /* SYSENTER_CS/ESP/EIP */
    0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR LSTAR CSTAR SFMASK */
    0xc0000100, 0xc0000101, 0xc0000102,             /* FS_BASE GS_BASE KERNEL_GS_BASE */
};

/* Clear the read and write intercept bits of msr (two bits per MSR, three
 * 2 KiB ranges: 0-0x1fff, 0xc0000000-, 0xc0010000-). */
static void svm_msr_pass(uint8_t *msrpm, uint32_t msr)
{
    uint32_t range = msr < 0x2000 ? 0 : msr - 0xc0000000u < 0x2000 ? 1 : 2;
    uint32_t bit = range * 0x4000 + (msr & 0x1fff) * 2;
    msrpm[bit / 8] &= (uint8_t)~(3u << (bit % 8));
}

uint32_t svm_init(uint32_t *asids)
{
    uint32_t r[4], features = CAIRN_HIP_F_SVM;
    *asids = 0;
    cpuid(0x80000000, 0, r);
    if (r[0] < 0x8000000a)
        return 0;
    cpuid(0x80000001, 0, r);
    if (!(r[2] & (1u << 2)))
        return 0;
    cpuid(0x8000000a, 0, r);
    svm_asids = r[1];
    if (r[3] & 1)
        features |= CAIRN_HIP_F_NPT;
    uint8_t *iopm = palloc_alloc(2), *msrpm = palloc_alloc(1);
    if (!iopm || !msrpm || svm_asids < 2)
        return 0;
    memset(iopm, 0xff, 4 * PAGE_SIZE); /* 12 KiB used: every port intercepted */
    memset(msrpm, 0xff, 2 * PAGE_SIZE); /* every MSR intercepted, but ... */
    for (unsigned i = 0; i < sizeof(svm_msr_direct) / sizeof(svm_msr_direct[0]); i++)
        svm_msr_pass(msrpm, svm_msr_direct[i]); /* ... those the VMCB holds */
    svm_iopm_pa = virt_to_phys(iopm);
    svm_msrpm_pa = virt_to_phys(msrpm);
    if (!svm_init_cpu(0))
        return 0;
    svm_on = 1;
    *asids = svm_asids;
    return features;
}

/* This CPU's part: EFER.SVME and its host save areas. */
bool svm_init_cpu(unsigned id)
{
    if (!svm_iopm_pa)
        return false;
    void *hsave = palloc_alloc(0), *host = palloc_alloc(0);
    if (!hsave || !host)
        return false;
    cpus[id].svm_host_pa = virt_to_phys(host);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, virt_to_phys(hsave));
    return true;
}

/*
 * A QEMU TCG bug worked around. Under QEMU's multi-threaded TCG (7.2, as
 * Debian 12 ships it), every emulated CPU that runs FXRSTOR, XRSTOR,
 * FRSTOR or FLDENV clears the IGNNE# flag in the *first* CPU's hflags2
 * word with a plain read-modify-write from its own host thread. When that
 * write straddles the first CPU's own VMRUN, #VMEXIT, CLGI or STGI, it
 * stores the word as it was before: the first CPU's nested paging switch
 * or its GIF is undone. Then a guest on CPU 0 walks its page tables without nested
 * paging (it reads host memory as its own and triple-faults), or the host
 * walks its own through the guest's nested page table and the whole
 * machine resets. Guests on the other CPUs are not touched: only the
 * first CPU's word is written from elsewhere. So under QEMU TCG with more
 * than one CPU, no vCPU is made on CPU 0; core and init run there.
 */
static bool svm_cpu0_off;

uint32_t svm_smp_check(unsigned n)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    if (svm_on && n >= 2 && (r[2] & (1u << 31))) { /* CPUID.1:ECX.hypervisor */
        cpuid(0x40000000, 0, r);
        svm_cpu0_off = r[1] == 0x54474354 && r[2] == 0x43544743 && r[3] == 0x47435447; /* "TCGTCGTCGTCG" */
    }
    return svm_cpu0_off ? CAIRN_HIP_F_VCPU_CPU0_OFF : 0;
}

bool svm_cpu_ok(unsigned cpu) { return cpu != 0 || !svm_cpu0_off; }

uint64_t svm_ip(const struct ec *ec) { return ((const struct vmcb *)ec->vmcb)->rip; }

static void vcpu_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attr, uint32_t limit, uint64_t base)
{
    *s = (struct vmcb_seg){ sel, attr, limit, base };
}

/* The state after INIT: real mode at f000:fff0. */
static void vcpu_reset(struct vmcb *v)
{
    vcpu_seg(&v->cs, 0xf000, 0x9b, 0xffff, 0xffff0000);
    vcpu_seg(&v->ds, 0, 0x93, 0xffff, 0);
    v->es = v->ss = v->fs = v->gs = v->ds;
    vcpu_seg(&v->gdtr, 0, 0, 0xffff, 0);
    v->idtr = v->gdtr;
    vcpu_seg(&v->ldtr, 0, 0x82, 0xffff, 0);
    vcpu_seg(&v->tr, 0, 0x8b, 0xffff, 0);
    v->rip = 0xfff0;
    v->rflags = 2;
    v->cr0 = 0x60000010;
    v->dr7 = 0x400;
    v->dr6 = 0xffff0ff0;
    v->g_pat = 0x0007040600070406ull;
    v->efer = EFER_SVME;
}

/* The controls that stay as they are for the vCPU's life: what protects
 * the host (forced intercepts, the port and MSR maps), its VM's ASID and
 * nested page table. Set once, and again after an emulator stored its own
 * state in the VMCB; no state transfer writes them. */
static void svm_controls(struct ec *ec, struct vmcb *v)
{
    v->icpt_misc1 |= MISC1_FORCED;
    v->icpt_misc2 = MISC2_FORCED;
    v->iopm_pa = svm_iopm_pa;
    v->msrpm_pa = svm_msrpm_pa;
    v->asid = ec->pd->asid;
    v->np_enable = 1;
    v->n_cr3 = ec->pd->cr3;
    v->tlb_control = 1; /* flush all: no flush-by-ASID under emulation */
    v->efer |= EFER_SVME;
    v->vintr |= VINTR_MASKING;
}

int svm_create(struct ec *ec)
{
    if (!svm_on)
        return CAIRN_EFEAT;
    struct vmcb *v = palloc_alloc(0);
    if (!v)
        return CAIRN_ENOMEM;
    vcpu_reset(v);
    svm_controls(ec, v);
    ec->vmcb = v;
    return CAIRN_OK;
}

/* The ABI's event of an exit code: one load for the codes up to VMMCALL
 * (0 there: the event is OTHER). EV_HOST marks the host's own exits (an
 * interrupt or NMI: the guest resumes after it), EV_FIX the events that
 * need a word with the VMCB first (svm_exit_fix). */
#define EV_HOST 0x80
#define EV_FIX  0x40
static const uint8_t svm_events[EXIT_VMMCALL + 1] = {
    [EXIT_IOIO] = CAIRN_VM_IO,         [EXIT_HLT] = CAIRN_VM_HLT,
    [EXIT_CPUID] = CAIRN_VM_CPUID,     [EXIT_MSR] = CAIRN_VM_MSR,
    [EXIT_VMMCALL] = CAIRN_VM_VMMCALL, [EXIT_SHUTDOWN] = CAIRN_VM_SHUTDOWN,
    [EXIT_VINTR] = CAIRN_VM_VINTR | EV_FIX,
    [EXIT_CR0_WRITE] = CAIRN_VM_CR | EV_FIX, [EXIT_CR4_WRITE] = CAIRN_VM_CR | EV_FIX,
    [EXIT_INTR] = EV_HOST,             [EXIT_NMI] = EV_HOST,
};
_Static_assert(CAIRN_VM_OTHER != 0 && CAIRN_VM_STARTUP == 0, "svm_events: 0 is no exit's event");

static unsigned vcpu_event(uint64_t code)
{
    if (likely(code <= EXIT_VMMCALL) && svm_events[code])
        return svm_events[code];
    if (code == EXIT_NPF)
        return CAIRN_VM_NPF;
    return (uint32_t)code == 0xffffffffu ? CAIRN_VM_INVALID : CAIRN_VM_OTHER;
}

/* The CPU refused the guest's state (VMEXIT_INVALID). QEMU's SVM does so
 * for a guest's MOV to CR4 with reserved bits, where a CPU raises #GP:
 * then the VMCB holds the guest's state at that instruction, which the
 * VMM may handle. At VMRUN itself (a state the checks below let through)
 * an emulator stores its own state there, the host's, RIP at our VMRUN:
 * none of that reaches the VMM or runs; the vCPU starts over from INIT. */
static __attribute__((cold)) void svm_refused(struct ec *ec, struct vmcb *v)
{
    if (v->rip != (uint64_t)svm_vmrun_insn && v->rip != (uint64_t)svm_vmrun_next) {
        ec->regs.rax = v->rax;
        ec->refused = CAIRN_VMREF_GUEST;
        return;
    }
    vcpu_reset(v);
    svm_controls(ec, v);
    v->eventinj = 0;
    v->exitinfo1 = v->exitinfo2 = v->exitintinfo = 0;
    v->cr2 = v->cr3 = v->cr4 = v->rsp = v->rax = 0; /* INIT leaves them to us: not the host's */
    ec->refused = CAIRN_VMREF_HW;
}

static __attribute__((noinline)) unsigned svm_exit_fix(struct ec *ec, struct vmcb *v, unsigned ev)
{
    if (v->exitcode == EXIT_VINTR) { /* the window the VMM asked for is open */
        v->icpt_misc1 &= ~MISC1_VINTR;
        v->vintr &= ~(1ull << 8);
    } else { /* CR0 or CR4 written: the CR's number */
        ec->qual[0] = v->exitcode - EXIT_CR0_WRITE, ec->qual[1] = 0;
    }
    return ev;
}

_Noreturn void svm_run(struct ec *ec)
{
    struct vmcb *v = ec->vmcb;
    for (;;) {
        vcpu_enter_prepare(ec);
        /* A guest with EFER.LME set, paging off and CR4.PAE clear made
         * QEMU 7.2 stop the host at its next exit (it restores the host's
         * paging before its PAE). So that a guest cannot get there unseen,
         * CR4 writes go to the VMM while LME is set and paging off, and
         * CR0 writes in long mode (turning paging off leads there). */
        v->icpt_cr = !(v->efer & EFER_LME) ? 0
                     : (v->cr0 & CR0_PG)   ? ICPT_CR0_WRITE
                                           : ICPT_CR4_WRITE;
        v->rax = ec->regs.rax;
        kernel_unlock();
        svm_vmrun(virt_to_phys(v), &ec->regs, cpu_this()->svm_host_pa);
        kernel_lock();
        if (unlikely((uint32_t)v->exitcode == 0xffffffffu)) {
            svm_refused(ec, v);
            continue;
        }
        ec->regs.rax = v->rax;
        /* An event whose delivery the exit cut short is delivered again
         * at the next VMRUN (the VMM sees it as MTD_INJ and may replace it). */
        if (v->exitintinfo & (1ull << 31))
            v->eventinj = v->exitintinfo;
        unsigned ev = vcpu_event(v->exitcode);
        if (unlikely(ev & EV_HOST)) {
            /* An interrupt is pending: take it now (it may switch away;
             * this vCPU resumes in this loop when dispatched again). */
            if (v->exitcode == EXIT_INTR)
                __asm__ volatile("sti; nop; cli" ::: "memory");
            continue;
        }
        ec->qual[0] = v->exitinfo1;
        ec->qual[1] = v->exitinfo2;
        if (unlikely(ev & EV_FIX))
            ev = svm_exit_fix(ec, v, ev & ~EV_FIX);
        ec_event(ec, ev);
    }
}

static void vcpu_get_seg(struct cairn_seg *d, const struct vmcb_seg *s)
{
    *d = (struct cairn_seg){ s->sel, s->attr, s->limit, s->base };
}

static void vcpu_set_seg(struct vmcb_seg *d, const struct cairn_seg *s)
{
    *d = (struct vmcb_seg){ s->sel, s->ar, s->limit, s->base };
}

static __attribute__((noinline)) void svm_get_state_all(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    const struct vmcb *v = ec->vmcb;
    svm_get_state_common(ec, x, mtd);
    if (mtd & CAIRN_MTD_RFLAGS)
        x->rflags = v->rflags;
    if (!(mtd & VCPU_MTD_RARE))
        return;
    if (mtd & CAIRN_MTD_CTRL)
        x->ctrl[0] = (v->icpt_misc1 & MISC1_VINTR) ? 1 : 0, x->ctrl[1] = v->exitcode;
    if (mtd & CAIRN_MTD_DS_ES)
        vcpu_get_seg(&x->ds, &v->ds), vcpu_get_seg(&x->es, &v->es);
    if (mtd & CAIRN_MTD_FS_GS)
        vcpu_get_seg(&x->fs, &v->fs), vcpu_get_seg(&x->gs, &v->gs);
    if (mtd & CAIRN_MTD_CS_SS)
        vcpu_get_seg(&x->cs, &v->cs), vcpu_get_seg(&x->ss, &v->ss);
    if (mtd & CAIRN_MTD_TR)
        vcpu_get_seg(&x->tr, &v->tr);
    if (mtd & CAIRN_MTD_LDTR)
        vcpu_get_seg(&x->ldtr, &v->ldtr);
    if (mtd & CAIRN_MTD_GDTR)
        vcpu_get_seg(&x->gdtr, &v->gdtr);
    if (mtd & CAIRN_MTD_IDTR)
        vcpu_get_seg(&x->idtr, &v->idtr);
    if (mtd & CAIRN_MTD_CR)
        x->cr0 = v->cr0, x->cr2 = v->cr2, x->cr3 = v->cr3, x->cr4 = v->cr4;
    if (mtd & CAIRN_MTD_DR)
        x->dr7 = v->dr7;
    if (mtd & CAIRN_MTD_EFER_PAT)
        x->efer = v->efer & ~(uint64_t)EFER_SVME, x->pat = v->g_pat;
    if (mtd & CAIRN_MTD_SYSENTER)
        x->sysenter_cs = v->sysenter_cs, x->sysenter_esp = v->sysenter_esp,
        x->sysenter_eip = v->sysenter_eip;
    if (mtd & CAIRN_MTD_SYSCALL)
        x->star = v->star, x->lstar = v->lstar, x->cstar = v->cstar, x->fmask = v->sfmask,
        x->kernel_gs_base = v->kernel_gs_base;
    if (mtd & CAIRN_MTD_INJ)
        x->inj_info = (uint32_t)v->eventinj, x->inj_error = v->eventinj >> 32;
    if (mtd & CAIRN_MTD_STA)
        x->intr_state = v->int_shadow & 1, x->actv_state = 0;
    if (mtd & CAIRN_MTD_TSC)
        x->tsc_val = rdtsc() + v->tsc_offset, x->tsc_off = v->tsc_offset;
}

/* Check, then apply: a state the hardware would refuse is not applied at
 * all; the vCPU reports it (CAIRN_VM_INVALID) instead of running. EFER.LMA
 * follows LME and CR0.PG, as the hardware keeps it. */
static __attribute__((noinline)) int svm_set_state_all(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    struct vmcb *v = ec->vmcb;
    /* a reply that changes none of it leaves the state as it ran: no check */
    unsigned why = 0;
    if (unlikely(mtd & VCPU_MTD_CHECKED)) {
        struct vcpu_now now = { v->cr0, v->cr3, v->cr4, v->efer & ~(uint64_t)EFER_SVME, v->dr7,
                                v->rflags, v->cs.attr, (uint32_t)v->eventinj, EFER_SVME };
        why = vcpu_check(&now, x, mtd);
    }
    if (unlikely(why)) {
        ec->refused = (uint8_t)why;
        return CAIRN_OK;
    }
    svm_set_state_common(ec, x, mtd);
    if (mtd & CAIRN_MTD_RFLAGS)
        v->rflags = (x->rflags & ~RFLAGS_RESERVED) | 2;
    if (!(mtd & VCPU_MTD_RARE))
        return CAIRN_OK;
    if (mtd & CAIRN_MTD_CTRL) { /* ctrl[0] bit 0: exit when the guest can take an interrupt */
        if (x->ctrl[0] & 1)
            v->icpt_misc1 |= MISC1_VINTR, v->vintr |= 1ull << 8 | 0xfull << 16 | 1ull << 20;
        else
            v->icpt_misc1 &= ~MISC1_VINTR, v->vintr &= ~(1ull << 8);
    }
    if (mtd & CAIRN_MTD_DS_ES)
        vcpu_set_seg(&v->ds, &x->ds), vcpu_set_seg(&v->es, &x->es);
    if (mtd & CAIRN_MTD_FS_GS)
        vcpu_set_seg(&v->fs, &x->fs), vcpu_set_seg(&v->gs, &x->gs);
    if (mtd & CAIRN_MTD_CS_SS) {
        vcpu_set_seg(&v->cs, &x->cs), vcpu_set_seg(&v->ss, &x->ss);
        v->cpl = (uint8_t)((x->ss.ar >> 5) & 3);
    }
    if (mtd & CAIRN_MTD_TR)
        vcpu_set_seg(&v->tr, &x->tr);
    if (mtd & CAIRN_MTD_LDTR)
        vcpu_set_seg(&v->ldtr, &x->ldtr);
    if (mtd & CAIRN_MTD_GDTR)
        vcpu_set_seg(&v->gdtr, &x->gdtr);
    if (mtd & CAIRN_MTD_IDTR)
        vcpu_set_seg(&v->idtr, &x->idtr);
    if (mtd & CAIRN_MTD_CR)
        v->cr0 = x->cr0, v->cr2 = x->cr2, v->cr3 = x->cr3, v->cr4 = x->cr4;
    if (mtd & CAIRN_MTD_DR)
        v->dr7 = x->dr7;
    if (mtd & CAIRN_MTD_EFER_PAT)
        v->efer = x->efer | EFER_SVME, v->g_pat = x->pat;
    if (mtd & CAIRN_MTD_SYSENTER)
        v->sysenter_cs = x->sysenter_cs, v->sysenter_esp = x->sysenter_esp,
        v->sysenter_eip = x->sysenter_eip;
    if (mtd & CAIRN_MTD_SYSCALL)
        v->star = x->star, v->lstar = x->lstar, v->cstar = x->cstar, v->sfmask = x->fmask,
        v->kernel_gs_base = x->kernel_gs_base;
    if (mtd & CAIRN_MTD_INJ)
        v->eventinj = (uint32_t)x->inj_info | x->inj_error << 32;
    if (mtd & CAIRN_MTD_STA)
        v->int_shadow = x->intr_state & 1;
    if (mtd & CAIRN_MTD_TSC)
        v->tsc_offset = x->tsc_off;
    if (mtd & (CAIRN_MTD_CR | CAIRN_MTD_EFER_PAT)) {
        if ((v->efer & EFER_LME) && (v->cr0 & CR0_PG))
            v->efer |= EFER_LMA;
        else
            v->efer &= ~(uint64_t)EFER_LMA;
    }
    return CAIRN_OK;
}

void svm_get_state(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    if (!svm_get_state_fast(ec, x, mtd))
        svm_get_state_all(ec, x, mtd);
}

int svm_set_state(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    return svm_set_state_fast(ec, x, mtd) ? CAIRN_OK : svm_set_state_all(ec, x, mtd);
}

void svm_destroy(struct ec *ec)
{
    palloc_free(ec->vmcb, 0);
    ec->vmcb = NULL;
}
