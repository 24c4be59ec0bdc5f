/*
 * VMX (x86_64, Intel VT-x): virtual CPUs. A vCPU is an EC of a VM PD with
 * a VMCS; its guest runs as an unrestricted guest (real mode and paging
 * off run as they are) on the VM PD's page table in EPT format, tagged
 * with the VM's VPID. Exits become the same events, with the same
 * qualifications, as SVM's (svm.c): the VMM sees no vendor but in CPUID.
 *
 * The kernel keeps what protects the host: external interrupts and NMIs
 * exit, HLT, MONITOR/MWAIT and every port and MSR exit (but the MSRs
 * switched on each entry), the VMX instructions, CPUID, XSETBV, INVD and
 * task switches exit unconditionally, EPT, VPID and every host field are
 * its own. CR0 and CR4 bits VMX fixes (NE, VMXE) are masked: the guest
 * reads the values it wrote, and a write that changes them goes to the
 * VMM as CAIRN_VM_CR, as does every CR0 or CR4 write while the guest may
 * switch between the modes EFER.LME selects (as on SVM).
 *
 * A guest state the CPU refuses makes the VM entry fail with the host's
 * state loaded (SDM vol. 3, 27.8), so it cannot harm the host: the vCPU
 * reports CAIRN_VMREF_HW. The kernel checks beforehand what vcpu_check
 * checks for both vendors, and the segment rules a VMM is likely to miss.
 */
#include <cairn/abi.h>
#include <cairn/hip.h>
#include "arch.h"
#include "console.h"
#include "cpu.h"
#include "ec.h"
#include "ec_arch.h"
#include "list.h"
#include "paging.h"
#include "palloc.h"
#include "pd.h"
#include "sched.h"
#include "smp.h"
#include "string.h"
#include "vcpu_enter.h"
#include "vcpu_x86.h"
#include "vmx_state.h"
#include "x86.h"

/* VMCS fields (SDM vol. 3, appendix B) */
enum {
    F_VPID = 0x0000,
    F_G_ES_SEL = 0x0800, /* ES CS SS DS FS GS LDTR TR: +2 each */
    F_H_ES_SEL = 0x0c00, F_H_CS_SEL = 0x0c02, F_H_SS_SEL = 0x0c04, F_H_DS_SEL = 0x0c06,
    F_H_FS_SEL = 0x0c08, F_H_GS_SEL = 0x0c0a, F_H_TR_SEL = 0x0c0c,
    F_IO_A = 0x2000, F_IO_B = 0x2002, F_MSR_BITMAP = 0x2004, F_EXIT_MSR_STORE = 0x2006,
    F_EXIT_MSR_LOAD = 0x2008, F_ENTRY_MSR_LOAD = 0x200a, F_TSC_OFFSET = 0x2010,
    F_EPTP = 0x201a, F_GPA = 0x2400,
    F_LINK = 0x2800, F_G_DEBUGCTL = 0x2802, F_G_PAT = 0x2804, F_G_EFER = 0x2806,
    F_G_PDPTE0 = 0x280a,
    F_H_PAT = 0x2c00, F_H_EFER = 0x2c02,
    F_PIN = 0x4000, F_PROC = 0x4002, F_EXC_BITMAP = 0x4004, F_PF_MASK = 0x4006,
    F_PF_MATCH = 0x4008, F_CR3_TARGETS = 0x400a, F_EXIT_CTL = 0x400c,
    F_EXIT_MSR_STORE_N = 0x400e, F_EXIT_MSR_LOAD_N = 0x4010, F_ENTRY_CTL = 0x4012,
    F_ENTRY_MSR_LOAD_N = 0x4014, F_ENTRY_INTR = 0x4016, F_ENTRY_ERR = 0x4018,
    F_ENTRY_LEN = 0x401a, F_PROC2 = 0x401e,
    F_INSN_ERROR = 0x4400, F_EXIT_REASON = 0x4402, F_EXIT_INTR = 0x4404, F_IDT_INFO = 0x4408,
    F_IDT_ERR = 0x440a, F_EXIT_LEN = 0x440c, F_EXIT_INSN = 0x440e,
    F_G_ES_LIMIT = 0x4800, /* ES .. TR, then GDTR, IDTR: +2 each */
    F_G_GDTR_LIMIT = 0x4810, F_G_IDTR_LIMIT = 0x4812,
    F_G_ES_AR = 0x4814, /* ES .. TR: +2 each */
    F_G_INTR_STATE = 0x4824, F_G_ACTIVITY = 0x4826, F_G_SYSENTER_CS = 0x482a,
    F_PREEMPT_TIMER = 0x482e,
    F_H_SYSENTER_CS = 0x4c00,
    F_CR0_MASK = 0x6000, F_CR4_MASK = 0x6002, F_CR0_SHADOW = 0x6004, F_CR4_SHADOW = 0x6006,
    F_QUAL = 0x6400,
    F_G_CR0 = 0x6800, F_G_CR3 = 0x6802, F_G_CR4 = 0x6804,
    F_G_ES_BASE = 0x6806, /* ES .. TR, then GDTR, IDTR: +2 each */
    F_G_GDTR_BASE = 0x6816, F_G_IDTR_BASE = 0x6818,
    F_G_DR7 = 0x681a, F_G_RSP = 0x681c, F_G_RIP = 0x681e, F_G_RFLAGS = 0x6820,
    F_G_PENDING_DBG = 0x6822, F_G_SYSENTER_ESP = 0x6824, F_G_SYSENTER_EIP = 0x6826,
    F_H_CR0 = 0x6c00, F_H_CR3 = 0x6c02, F_H_CR4 = 0x6c04, F_H_FS_BASE = 0x6c06,
    F_H_GS_BASE = 0x6c08, F_H_TR_BASE = 0x6c0a, F_H_GDTR_BASE = 0x6c0c, F_H_IDTR_BASE = 0x6c0e,
    F_H_SYSENTER_ESP = 0x6c10, F_H_SYSENTER_EIP = 0x6c12, F_H_RSP = 0x6c14, F_H_RIP = 0x6c16,
};
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_LDTR, S_TR, S_GDTR, S_IDTR };

#define MSR_FEATURE_CONTROL 0x3a
#define MSR_VMX_BASIC       0x480
#define MSR_VMX_MISC        0x485
#define MSR_VMX_CR0_FIXED0  0x486
#define MSR_VMX_CR0_FIXED1  0x487
#define MSR_VMX_CR4_FIXED0  0x488
#define MSR_VMX_CR4_FIXED1  0x489
#define MSR_VMX_PROC2       0x48b
#define MSR_VMX_EPT_VPID    0x48c
#define MSR_PAT             0x277
#define MSR_DEBUGCTL        0x1d9

#define PIN_EXT_INTR   (1u << 0)
#define PIN_NMI        (1u << 3)
#define PIN_PREEMPT    (1u << 6)
#define PROC_INTR_WIN  (1u << 2)
#define PROC_TSC_OFF   (1u << 3)
#define PROC_HLT       (1u << 7)
#define PROC_MWAIT     (1u << 10)
#define PROC_CR3_LOAD  (1u << 15)
#define PROC_CR3_STORE (1u << 16)
#define PROC_IO_BITMAP (1u << 25)
#define PROC_MSR_BITMAP (1u << 28)
#define PROC_MONITOR   (1u << 29)
#define PROC_PROC2     (1u << 31)
#define PROC2_EPT      (1u << 1)
#define PROC2_RDTSCP   (1u << 3)
#define PROC2_VPID     (1u << 5)
#define PROC2_UG       (1u << 7)
#define PROC2_INVPCID  (1u << 12)
#define EXIT_SAVE_DEBUG (1u << 2)
#define EXIT_HOST_64   (1u << 9)
#define EXIT_SAVE_PAT  (1u << 18)
#define EXIT_LOAD_PAT  (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)
#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_IA32E    (1u << 9)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)

/* exit reasons */
#define X_EXC_NMI    0
#define X_INTR       1
#define X_TRIPLE     2
#define X_INTR_WIN   7
#define X_CPUID      10
#define X_HLT        12
#define X_VMCALL     18
#define X_CR         28
#define X_IO         30
#define X_RDMSR      31
#define X_WRMSR      32
#define X_BAD_GUEST  33
#define X_BAD_MSR    34
#define X_EPT        48
#define X_PREEMPT    52
#define X_ENTRY_FAIL (1u << 31)

/* The guest's values of the MSRs VMX does not switch itself: loaded at
 * entry and stored at exit through the VMCS's MSR areas, the host's
 * loaded at exit. The guest reads and writes them without an exit. */
static const uint32_t vmx_msr_switched[] = { MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_FMASK,
                                             MSR_KERNEL_GS_BASE };
/* ... and those the VMCS holds (FS/GS base, SYSENTER): no exit either. */
static const uint32_t vmx_msr_vmcs[] = { MSR_FS_BASE, MSR_GS_BASE, MSR_SYSENTER_CS,
                                         MSR_SYSENTER_ESP, MSR_SYSENTER_EIP };

static bool vmx_on;
static uint32_t vmx_rev, vmx_pin, vmx_proc, vmx_proc2, vmx_exit_ctl, vmx_entry_ctl;
static uint64_t vmx_cr0_fixed0, vmx_cr0_fixed1, vmx_cr4_fixed0, vmx_cr4_fixed1;
static uint64_t vmx_io_pa, vmx_msr_pa;
static bool vmx_insn_info, vmx_zero_len; /* INS/OUTS information; 0-length soft injection */
static unsigned vmx_preempt_shift;        /* the preemption timer counts TSC >> this */
static uint64_t vmx_cur[MAX_CPUS];       /* the VMCS current on each CPU (pa) */

/* entry.S: enter the guest; an exit comes back in vmx_exited, a VMfail in vmx_failed */
_Noreturn void vmx_enter(struct regs *gprs, int launched);
_Noreturn void vmx_exited(struct regs *r);
_Noreturn void vmx_failed(void);
void vmx_exit(void); /* the host RIP of every VM exit */

static inline uint64_t vmread(uint64_t f)
{
    uint64_t v;
    __asm__ volatile("vmread %1, %0" : "=r"(v) : "r"(f) : "cc");
    return v;
}

static inline void vmwrite(uint64_t f, uint64_t v)
{
    __asm__ volatile("vmwrite %1, %0" ::"r"(f), "r"(v) : "cc");
}

/* VMXON, VMCLEAR, VMPTRLD on a physical address; true when they worked. */
#define VMX_PA_INSN(name, insn)                                                        \
    static inline bool name(uint64_t pa)                                               \
    {                                                                                  \
        bool fail;                                                                     \
        __asm__ volatile(insn " %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory"); \
        return !fail;                                                                  \
    }
VMX_PA_INSN(vmxon, "vmxon")
VMX_PA_INSN(vmclear, "vmclear")
VMX_PA_INSN(vmptrld, "vmptrld")

static void invept_single(uint64_t eptp)
{
    struct { uint64_t eptp, zero; } d = { eptp, 0 };
    __asm__ volatile("invept %0, %1" ::"m"(d), "r"(1ull) : "cc", "memory");
}

/* A control word: what we want, as far as the CPU allows, with the bits
 * it requires (the low half of its capability MSR: must be 1; the high
 * half: may be 1). */
static uint32_t vmx_ctl(uint32_t want, uint32_t msr)
{
    uint64_t cap = rdmsr(msr);
    return (want | (uint32_t)cap) & (uint32_t)(cap >> 32);
}

static bool vmx_feature_control(void)
{
    uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
    if (!(fc & 1)) /* unlocked: turn VMX outside SMX on, and lock */
        wrmsr(MSR_FEATURE_CONTROL, fc | 1 | 4);
    else if (!(fc & 4))
        return false; /* the firmware locked VMX off */
    return true;
}

uint32_t vmx_init(uint32_t *asids)
{
    uint32_t r[4];
    *asids = 0;
    cpuid(1, 0, r);
    if (!(r[2] & (1u << 5)))
        return 0;
    if (!vmx_feature_control()) {
        kprintf("[kernel] VMX: switched off by the firmware\n");
        return 0;
    }
    uint64_t basic = rdmsr(MSR_VMX_BASIC);
    bool tru = basic & (1ull << 55);
    vmx_rev = (uint32_t)basic & 0x7fffffff;
    vmx_insn_info = basic & (1ull << 54);
    vmx_zero_len = rdmsr(MSR_VMX_MISC) & (1ull << 30);
    vmx_pin = vmx_ctl(PIN_EXT_INTR | PIN_NMI | PIN_PREEMPT, tru ? 0x48d : 0x481);
    vmx_preempt_shift = rdmsr(MSR_VMX_MISC) & 0x1f;
    vmx_proc = vmx_ctl(PROC_TSC_OFF | PROC_HLT | PROC_MWAIT | PROC_IO_BITMAP | PROC_MSR_BITMAP |
                       PROC_MONITOR | PROC_PROC2, tru ? 0x48e : 0x482);
    vmx_proc &= ~(PROC_INTR_WIN | PROC_CR3_LOAD | PROC_CR3_STORE); /* cleared only if allowed: */
    vmx_proc |= (uint32_t)rdmsr(tru ? 0x48e : 0x482);              /* the must-be-1 bits stay */
    vmx_proc2 = (vmx_proc & PROC_PROC2)
                    ? vmx_ctl(PROC2_EPT | PROC2_VPID | PROC2_UG | PROC2_RDTSCP | PROC2_INVPCID,
                              MSR_VMX_PROC2)
                    : 0;
    vmx_exit_ctl = vmx_ctl(EXIT_SAVE_DEBUG | EXIT_HOST_64 | EXIT_SAVE_PAT | EXIT_LOAD_PAT |
                           EXIT_SAVE_EFER | EXIT_LOAD_EFER, tru ? 0x48f : 0x483);
    vmx_entry_ctl = vmx_ctl(ENTRY_LOAD_DEBUG | ENTRY_LOAD_PAT | ENTRY_LOAD_EFER, tru ? 0x490 : 0x484);
    uint64_t ept = rdmsr(MSR_VMX_EPT_VPID);
    const uint32_t need_pin = PIN_EXT_INTR | PIN_NMI,
                   need_proc = PROC_HLT | PROC_IO_BITMAP | PROC_MSR_BITMAP | PROC_PROC2 | PROC_TSC_OFF,
                   need_proc2 = PROC2_EPT | PROC2_VPID | PROC2_UG,
                   need_exit = EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PAT |
                               EXIT_LOAD_PAT,
                   need_entry = ENTRY_LOAD_EFER | ENTRY_LOAD_PAT;
    if ((vmx_pin & need_pin) != need_pin || (vmx_proc & need_proc) != need_proc ||
        (vmx_proc2 & need_proc2) != need_proc2 || (vmx_exit_ctl & need_exit) != need_exit ||
        (vmx_entry_ctl & need_entry) != need_entry || (vmx_proc & (PROC_CR3_LOAD | PROC_CR3_STORE)) ||
        !(ept & (1ull << 6)) || !(ept & (1ull << 14)) || !(ept & (1ull << 20)) ||
        !(ept & (1ull << 25)) || !(rdmsr(tru ? 0x48e : 0x482) >> 32 & PROC_INTR_WIN)) {
        kprintf("[kernel] VMX: lacks what Cairn needs (EPT, VPID, unrestricted guest, ...)\n");
        return 0;
    }
    vmx_cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0) & ~(uint64_t)(CR0_PE | CR0_PG); /* unrestricted */
    vmx_cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    vmx_cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
    vmx_cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
    uint8_t *io = palloc_alloc(1), *msr = palloc_alloc(0);
    if (!io || !msr)
        return 0;
    memset(io, 0xff, 2 * PAGE_SIZE); /* every port exits */
    memset(msr, 0xff, PAGE_SIZE);     /* every MSR exits, but ... */
    for (unsigned i = 0; i < VMX_MSRS * 2; i++) {
        uint32_t m = i < VMX_MSRS ? vmx_msr_switched[i] : vmx_msr_vmcs[i - VMX_MSRS];
        unsigned base = m < 0x2000 ? 0 : 1024, bit = m & 0x1fff; /* read; write at +2048 */
        msr[base + bit / 8] &= (uint8_t)~(1u << (bit % 8));
        msr[base + 2048 + bit / 8] &= (uint8_t)~(1u << (bit % 8));
    }
    vmx_io_pa = virt_to_phys(io);
    vmx_msr_pa = virt_to_phys(msr);
    paging_ept = true;
    if (!vmx_init_cpu(0))
        return 0;
    vmx_on = true;
    *asids = 0xffff;
    return CAIRN_HIP_F_VMX | CAIRN_HIP_F_NPT;
}

/* This CPU's part: CR4.VMXE, the fixed CR0 bits, VMXON. */
bool vmx_init_cpu(unsigned id)
{
    if (!vmx_io_pa || !vmx_feature_control())
        return false;
    uint32_t *region = palloc_alloc(0);
    if (!region)
        return false;
    region[0] = vmx_rev;
    write_cr4((read_cr4() | rdmsr(MSR_VMX_CR4_FIXED0)) & rdmsr(MSR_VMX_CR4_FIXED1));
    write_cr0((read_cr0() | rdmsr(MSR_VMX_CR0_FIXED0)) & rdmsr(MSR_VMX_CR0_FIXED1));
    if (!vmxon(virt_to_phys(region))) {
        kprintf("[kernel] VMX: VMXON failed on CPU %u\n", id);
        palloc_free(region, 0);
        return false;
    }
    return true;
}

uint32_t vmx_smp_check(unsigned n) { return 0; }
bool vmx_cpu_ok(unsigned cpu) { return true; }
uint64_t vmx_ip(const struct ec *ec) { return ((const struct vmx_vcpu *)ec->vmcb)->rip; }

int vmx_create(struct ec *ec)
{
    if (!vmx_on)
        return CAIRN_EFEAT;
    uint8_t *page = palloc_alloc(1); /* the VMCS, then struct vmx_vcpu */
    if (!page)
        return CAIRN_ENOMEM;
    *(uint32_t *)page = vmx_rev;
    struct vmx_vcpu *v = (struct vmx_vcpu *)(page + PAGE_SIZE);
    _Static_assert(sizeof(struct vmx_vcpu) <= PAGE_SIZE, "vmx_vcpu");
    v->vmcs_pa = virt_to_phys(page);
    for (unsigned i = 0; i < VMX_MSRS; i++)
        v->guest_msr[i].index = v->host_msr[i].index = vmx_msr_switched[i];
    v->tlb_gen = ~0u; /* flush at the first entry: the EPT root may have been another VM's */
    v->reset = true;
    ec->vmcb = v;
    return CAIRN_OK;
}

/* Make the vCPU's VMCS current on this CPU (its own). */
static void vmx_load(struct vmx_vcpu *v)
{
    struct cpu *c = cpu_this();
    unsigned me = c->pc.id;
    if (vmx_cur[me] == v->vmcs_pa)
        return;
    if (!v->ready) /* first use: a clean VMCS, launch state clear */
        vmclear(v->vmcs_pa);
    if (!vmptrld(v->vmcs_pa))
        panic("VMPTRLD failed");
    vmx_cur[me] = v->vmcs_pa;
}

/* This CPU forgets the VMCS at pa (its vCPU is freed): smp.c on request. */
void vmx_release(uint64_t pa)
{
    unsigned me = percpu()->id;
    if (vmx_cur[me] == pa) {
        vmclear(pa);
        vmx_cur[me] = 0;
    }
}

void vmx_destroy(struct ec *ec)
{
    struct vmx_vcpu *v = ec->vmcb;
    if (vmx_cur[ec->cpu] == v->vmcs_pa) {
        if (ec->cpu == percpu()->id)
            vmx_release(v->vmcs_pa);
        else
            smp_vmx_release(ec->cpu, v->vmcs_pa); /* the CPU may hold it in its caches */
    }
    palloc_free((uint8_t *)v - PAGE_SIZE, 1);
    ec->vmcb = NULL;
}

/* SVM's segment attributes (struct cairn_seg) and VMX's access rights:
 * the same bits, VMX's upper four at 15:12, and "unusable" for a segment
 * not present. */
static uint32_t vmx_ar(uint16_t ar) { return (ar & 0xffu) | (ar & 0xf00u) << 4 | (ar & 0x80 ? 0 : 1u << 16); }
static uint16_t svm_ar(uint32_t ar) { return ar & (1u << 16) ? 0 : (uint16_t)((ar & 0xff) | (ar >> 4 & 0xf00)); }

static void vmx_seg_set(unsigned s, uint16_t sel, uint32_t ar, uint32_t limit, uint64_t base)
{
    if (s < S_GDTR) {
        vmwrite(F_G_ES_SEL + 2 * s, sel);
        vmwrite(F_G_ES_AR + 2 * s, ar);
    }
    vmwrite(F_G_ES_LIMIT + 2 * s, limit);
    vmwrite(F_G_ES_BASE + 2 * s, base);
}

static void vmx_seg_get(struct cairn_seg *d, unsigned s)
{
    d->sel = s < S_GDTR ? (uint16_t)vmread(F_G_ES_SEL + 2 * s) : 0;
    d->ar = s < S_GDTR ? svm_ar((uint32_t)vmread(F_G_ES_AR + 2 * s)) : 0;
    d->limit = (uint32_t)vmread(F_G_ES_LIMIT + 2 * s);
    d->base = vmread(F_G_ES_BASE + 2 * s);
}

/* A VMM's segment as VMX takes it: code and data segments accessed, TR
 * busy (the CPU marks both on loading them), G as the limit needs it.
 * False for a limit VMX cannot express (above 1 MiB, not 4 KiB granular). */
static bool vmx_seg_ar(unsigned s, const struct cairn_seg *x, uint32_t *ar)
{
    uint32_t a = vmx_ar(x->ar);
    if (a & (1u << 16))
        return *ar = a, true;
    if (s == S_TR)
        a |= 2; /* busy */
    else if (s != S_LDTR && (a & 0x10))
        a |= 1; /* accessed */
    if (x->limit > 0xfffff) {
        if ((x->limit & 0xfff) != 0xfff)
            return false;
        a |= 1u << 15;
    } else if ((x->limit & 0xfff) != 0xfff) {
        a &= ~(1u << 15);
    }
    *ar = a;
    return true;
}

/* After an exit: TR's limit is 0x67 and its descriptor busy; the I/O
 * bitmap beyond needs the whole TSS back. */
static void vmx_reload_tr(void)
{
    __seg_gs struct cpu *c = 0;
    c->gdt[SEL_TSS / 8] &= ~(2ull << 40);
    __asm__ volatile("ltr %w0" ::"r"(SEL_TSS));
}

/* The interrupt-window exit on or off: written when it changes, not
 * before every entry (the VMCS is current). */
static void vmx_intr_win(struct vmx_vcpu *v, bool on)
{
    v->intr_win = on;
    vmwrite(F_PROC, vmx_proc | (on ? PROC_INTR_WIN : 0));
}

/* The CR0 and CR4 bits the guest cannot own: those VMX fixes, and all of
 * them while the guest has EFER.LME set (as svm.c: CR4 writes with paging
 * off, CR0 writes with paging on go to the VMM). The masks follow CR0's
 * read shadow and EFER.LME, which only the kernel writes (the guest's
 * WRMSR to EFER exits): called wherever it writes them, not before every
 * entry. */
static void vmx_cr_masks(void)
{
    uint64_t cr0 = vmread(F_CR0_SHADOW), efer = vmread(F_G_EFER);
    uint64_t m0 = (vmx_cr0_fixed0 | ~vmx_cr0_fixed1) & 0xffffffffu,
             m4 = (vmx_cr4_fixed0 | ~vmx_cr4_fixed1) & 0xffffffffu;
    if (efer & EFER_LME) {
        if (cr0 & CR0_PG)
            m0 = ~0ull;
        else
            m4 = ~0ull;
    }
    vmwrite(F_CR0_MASK, m0);
    vmwrite(F_CR4_MASK, m4);
}

/* The state after INIT: real mode at f000:fff0. */
static void vmx_reset(struct vmx_vcpu *v)
{
    vmx_seg_set(S_CS, 0xf000, 0x9b, 0xffff, 0xffff0000);
    for (unsigned s = S_ES; s <= S_GS; s++)
        if (s != S_CS)
            vmx_seg_set(s, 0, 0x93, 0xffff, 0);
    vmx_seg_set(S_LDTR, 0, 0x82, 0xffff, 0);
    vmx_seg_set(S_TR, 0, 0x8b, 0xffff, 0);
    vmx_seg_set(S_GDTR, 0, 0, 0xffff, 0);
    vmx_seg_set(S_IDTR, 0, 0, 0xffff, 0);
    vmwrite(F_G_RIP, 0xfff0);
    vmwrite(F_G_RSP, 0);
    vmwrite(F_G_RFLAGS, 2);
    vmwrite(F_CR0_SHADOW, 0x60000010);
    vmwrite(F_G_CR0, (0x60000010 | vmx_cr0_fixed0) & vmx_cr0_fixed1);
    vmwrite(F_CR4_SHADOW, 0);
    vmwrite(F_G_CR4, vmx_cr4_fixed0 & vmx_cr4_fixed1);
    vmwrite(F_G_CR3, 0);
    vmwrite(F_G_DR7, 0x400);
    vmwrite(F_G_EFER, 0);
    vmwrite(F_G_PAT, 0x0007040600070406ull);
    vmwrite(F_G_DEBUGCTL, 0);
    vmwrite(F_G_SYSENTER_CS, 0);
    vmwrite(F_G_SYSENTER_ESP, 0);
    vmwrite(F_G_SYSENTER_EIP, 0);
    vmwrite(F_G_INTR_STATE, 0);
    vmwrite(F_G_ACTIVITY, 0);
    vmwrite(F_G_PENDING_DBG, 0);
    vmwrite(F_ENTRY_CTL, vmx_entry_ctl);
    vmwrite(F_TSC_OFFSET, 0);
    for (unsigned i = 0; i < VMX_MSRS; i++)
        v->guest_msr[i].value = 0;
    v->inj = v->inj_err = v->inj_len = 0;
    vmx_intr_win(v, false);
    v->rip = 0xfff0;
    v->cr2 = 0;
    v->reset = false;
    vmx_cr_masks();
}

/* The fields that never change: controls and the host's state on this
 * CPU (the vCPU stays on it). */
static void vmx_setup(struct ec *ec, struct vmx_vcpu *v)
{
    struct cpu *c = cpu_this();
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    vmwrite(F_PIN, vmx_pin);
    vmwrite(F_PROC, vmx_proc);
    vmwrite(F_PROC2, vmx_proc2);
    vmwrite(F_EXC_BITMAP, 0);
    vmwrite(F_PF_MASK, 0);
    vmwrite(F_PF_MATCH, 0);
    vmwrite(F_CR3_TARGETS, 0); /* every field the controls use is written: none is left to chance */
    vmwrite(F_IO_A, vmx_io_pa);
    vmwrite(F_IO_B, vmx_io_pa + PAGE_SIZE);
    vmwrite(F_MSR_BITMAP, vmx_msr_pa);
    vmwrite(F_EXIT_CTL, vmx_exit_ctl);
    vmwrite(F_ENTRY_MSR_LOAD, virt_to_phys(v->guest_msr));
    vmwrite(F_EXIT_MSR_STORE, virt_to_phys(v->guest_msr));
    vmwrite(F_EXIT_MSR_LOAD, virt_to_phys(v->host_msr));
    vmwrite(F_ENTRY_MSR_LOAD_N, VMX_MSRS);
    vmwrite(F_EXIT_MSR_STORE_N, VMX_MSRS);
    vmwrite(F_EXIT_MSR_LOAD_N, VMX_MSRS);
    vmwrite(F_LINK, ~0ull);
    vmwrite(F_VPID, ec->pd->asid);
    vmwrite(F_EPTP, ec->pd->cr3 | 3u << 3 | 6); /* 4 levels, write-back */
    vmwrite(F_H_CS_SEL, SEL_KCODE);
    vmwrite(F_H_SS_SEL, SEL_KDATA);
    vmwrite(F_H_DS_SEL, SEL_KDATA);
    vmwrite(F_H_ES_SEL, SEL_KDATA);
    vmwrite(F_H_FS_SEL, 0);
    vmwrite(F_H_GS_SEL, 0);
    vmwrite(F_H_TR_SEL, SEL_TSS);
    vmwrite(F_H_RSP, (uint64_t)&ec->regs.vec); /* the frame's GPRs end there: vmx_exit pushes them */
    vmwrite(F_H_RIP, (uint64_t)vmx_exit);
    vmwrite(F_H_CR0, read_cr0() & ~(uint64_t)CR0_TS); /* the guest owns the FPU: TS is clear at entry */
    vmwrite(F_H_CR4, read_cr4());
    vmwrite(F_H_FS_BASE, rdmsr(MSR_FS_BASE));
    vmwrite(F_H_GS_BASE, (uint64_t)c);
    vmwrite(F_H_TR_BASE, (uint64_t)&c->tss);
    vmwrite(F_H_GDTR_BASE, (uint64_t)c->gdt);
    vmwrite(F_H_IDTR_BASE, idtr.base);
    vmwrite(F_H_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
    vmwrite(F_H_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
    vmwrite(F_H_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
    /* SCE even if a foreign-ABI thread ran here last (foreign.c) */
    vmwrite(F_H_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    vmwrite(F_H_PAT, rdmsr(MSR_PAT));
    for (unsigned i = 0; i < VMX_MSRS; i++) /* boot-time values, the same on every CPU */
        v->host_msr[i].value = rdmsr(vmx_msr_switched[i]);
    v->ready = true;
}

/* Make sure the vCPU's VMCS is current and set up; false on another CPU
 * (its state is reachable only where it runs). */
static bool vmx_here(struct ec *ec)
{
    struct vmx_vcpu *v = ec->vmcb;
    if (ec->cpu != percpu()->id)
        return false;
    vmx_load(v);
    if (!v->ready)
        vmx_setup(ec, v);
    if (v->reset)
        vmx_reset(v);
    return true;
}


static void vmx_refused(struct ec *ec, struct vmx_vcpu *v)
{
    /* VMX refuses a guest state with the host's loaded and the guest's
     * left as it was: the VMM hears of it, and the vCPU starts over from
     * INIT, as on SVM. */
    ec->refused = CAIRN_VMREF_HW;
    vmx_reset(v);
}

/* An I/O exit's qualification in SVM's layout: bits 5:0 (size - 1, IN,
 * string, REP) become SVM's IN, STR, REP and one-hot size bits; the port
 * stays at 31:16. */
#define VMX_IO_BITS(q) \
    (((q) >> 3 & 1) | ((q) >> 4 & 1) << 2 | ((q) >> 5 & 1) << 3 | (((q) & 7) + 1) << 4)
#define VMX_IO4(q)  VMX_IO_BITS(q), VMX_IO_BITS(q + 1), VMX_IO_BITS(q + 2), VMX_IO_BITS(q + 3)
#define VMX_IO16(q) VMX_IO4(q), VMX_IO4(q + 4), VMX_IO4(q + 8), VMX_IO4(q + 12)
static const uint8_t vmx_io_bits[64] = { VMX_IO16(0), VMX_IO16(16), VMX_IO16(32), VMX_IO16(48) };

static inline __attribute__((always_inline)) void vmx_qual_io(struct ec *ec, struct vmx_vcpu *v)
{
    uint64_t q = vmread(F_QUAL);
    uint64_t io = (q & 0xffff0000u) | vmx_io_bits[q & 0x3f];
    if ((q & (1u << 4)) && vmx_insn_info) { /* string: address size and segment */
        uint64_t info = vmread(F_EXIT_INSN);
        io |= (1ull << (7 + (info >> 7 & 3))) | (info >> 15 & 7) << 10;
    }
    ec->qual[0] = io;
    ec->qual[1] = v->rip + vmread(F_EXIT_LEN); /* the next RIP */
}

/* VMX's exit information in SVM's layout (the ABI's). */
static void vmx_qual(struct ec *ec, struct vmx_vcpu *v, unsigned reason)
{
    uint64_t q = vmread(F_QUAL);
    ec->qual[0] = ec->qual[1] = 0;
    switch (reason) {
    case X_EPT: /* as a #PF error code: present, write, fetch; final address */
        ec->qual[0] = ((q & 0x38) ? 1 : 0) | (q & 2) | (q & 4) << 2 |
                      ((q & 0x80) ? ((q & 0x100) ? 1ull << 32 : 1ull << 33) : 0);
        ec->qual[1] = vmread(F_GPA);
        break;
    case X_WRMSR:
        ec->qual[0] = 1;
        break;
    case X_CR:
        ec->qual[0] = q & 0xf;
        break;
    default:
        ec->qual[0] = q;
    }
}

static unsigned vmx_event(unsigned reason)
{
    switch (reason) {
    case X_IO:     return CAIRN_VM_IO;
    case X_EPT:    return CAIRN_VM_NPF;
    case X_HLT:    return CAIRN_VM_HLT;
    case X_CPUID:  return CAIRN_VM_CPUID;
    case X_RDMSR:
    case X_WRMSR:  return CAIRN_VM_MSR;
    case X_INTR_WIN: return CAIRN_VM_VINTR;
    case X_VMCALL: return CAIRN_VM_VMMCALL;
    case X_TRIPLE: return CAIRN_VM_SHUTDOWN;
    case X_CR:     return CAIRN_VM_CR;
    default:       return CAIRN_VM_OTHER;
    }
}

/* Enter the guest; its exit comes back in vmx_exited, on the empty
 * kernel stack (entry.S). */
_Noreturn void vmx_run(struct ec *ec)
{
    struct vmx_vcpu *v = ec->vmcb;
    vcpu_enter_prepare(ec);
    if (unlikely(vmx_cur[PERCPU_FIELD(id)] != v->vmcs_pa))
        vmx_here(ec); /* another VMCS was current here (vmx_here also does the reset a new
                         vCPU needs before its VMCS is first current) */
    vmwrite(F_G_RIP, v->rip);
    if (v->inj & INJ_VALID) { /* every exit clears the field's valid bit */
        vmwrite(F_ENTRY_INTR, v->inj);
        vmwrite(F_ENTRY_ERR, v->inj_err);
        vmwrite(F_ENTRY_LEN, v->inj_len);
    }
    if (vmx_pin & PIN_PREEMPT) { /* an exit by the host's next timer deadline, too */
        __seg_gs struct cpu *c = 0; /* this CPU's, in one GS-relative access */
        uint64_t dl = c->timer_deadline - 1, now = rdtsc(); /* none (0): the farthest */
        uint64_t t = dl > now ? (dl - now) >> vmx_preempt_shift : 0;
        vmwrite(F_PREEMPT_TIMER, t > ~0u ? ~0u : t);
    }
    vmwrite(F_H_CR3, read_cr3());
    uint32_t gen = __atomic_load_n(&ec->pd->tlb_gen, __ATOMIC_ACQUIRE);
    if (v->tlb_gen != gen) { /* mappings went since: no guest TLB entry may outlive them */
        v->tlb_gen = gen;
        invept_single(ec->pd->cr3 | 3u << 3 | 6);
    }
    write_cr2(v->cr2);
    kernel_unlock();
    vmx_enter(&ec->regs, v->launched);
}

/* entry.S, when VMLAUNCH or VMRESUME failed: a control or host field the
 * CPU refused, the kernel's own doing, not the guest's. Only this VM
 * stops. */
_Noreturn void vmx_failed(void)
{
    struct ec *ec = cpu_this()->pc.cur;
    kernel_lock();
    pd_kill(ec->pd, "VM entry failed (VM-instruction error %lu)", vmread(F_INSN_ERROR));
    sched_dispatch();
}

/* The exits but plain port I/O (vmx_exited): the reason (with its high
 * bits) and the IDT-vectoring information are read. */
static __attribute__((noinline)) _Noreturn void vmx_exited_other(struct ec *ec, struct vmx_vcpu *v,
                                                                unsigned reason, uint32_t idt)
{
    if (unlikely(reason & X_ENTRY_FAIL)) { /* the VMCS stays unlaunched */
        vmx_refused(ec, v);
        vmx_run(ec);
    }
    v->launched = true;
    reason &= 0xffff;
    /* An event whose delivery the exit cut short is delivered again at
     * the next entry (the VMM sees it as MTD_INJ and may replace it). */
    v->inj = 0;
    if (idt & INJ_VALID) {
        v->inj = idt & (INJ_VALID | 0x7ff);
        v->inj_err = (uint32_t)vmread(F_IDT_ERR);
        v->inj_len = (uint32_t)vmread(F_EXIT_LEN);
    }
    if (reason == X_INTR || reason == X_PREEMPT) {
        /* The interrupt is pending: take it now (it may switch away;
         * this vCPU enters again when dispatched). The preemption timer
         * runs out with the host's timer, which may still be a moment
         * away: then the guest runs again until it. It is a second way
         * out for a reason: Bochs 2.7 takes no external interrupt in a
         * guest that has IF clear (it derives its interrupt masking from
         * the IF it had when entering). */
        __asm__ volatile("sti; nop; cli" ::: "memory");
        vmx_run(ec);
    }
    if (reason == X_EXC_NMI && ((vmread(F_EXIT_INTR) >> 8) & 7) == 2)
        vmx_run(ec); /* an NMI: the host has no use for it (as on SVM) */
    if (reason == X_INTR_WIN)
        vmx_intr_win(v, false);
    if (reason == X_IO)
        vmx_qual_io(ec, v);
    else
        vmx_qual(ec, v, reason);
    ec_event(ec, vmx_event(reason));
}

/* entry.S after a VM exit: the guest's GPRs are in the vCPU's frame r.
 * Port I/O, by far the most frequent exit, goes to its event here. */
_Noreturn void vmx_exited(struct regs *r)
{
    kernel_lock();
    struct ec *ec = container_of(r, struct ec, regs);
    struct vmx_vcpu *v = ec->vmcb;
    v->cr2 = read_cr2();
    vmx_reload_tr();
    unsigned reason = (unsigned)vmread(F_EXIT_REASON);
    uint32_t idt = (uint32_t)vmread(F_IDT_INFO);
    v->exit = reason;
    v->rip = vmread(F_G_RIP);
    if (unlikely(reason != X_IO || (idt & INJ_VALID)))
        vmx_exited_other(ec, v, reason, idt);
    v->launched = true;
    v->inj = 0;
    vmx_qual_io(ec, v);
    ec_event(ec, CAIRN_VM_IO);
}

static __attribute__((noinline)) void vmx_get_state_all(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    struct vmx_vcpu *v = ec->vmcb;
    vmx_get_state_common(ec, x, mtd);
    if (!vmx_here(ec)) { /* nowhere to read the rest from: nothing */
        x->mtd = 0;
        return;
    }
    if (mtd & CAIRN_MTD_RSP)
        x->rsp = vmread(F_G_RSP);
    if (mtd & CAIRN_MTD_RFLAGS)
        x->rflags = vmread(F_G_RFLAGS);
    if (!(mtd & VCPU_MTD_RARE))
        return;
    if (mtd & CAIRN_MTD_CTRL)
        x->ctrl[0] = v->intr_win ? 1 : 0, x->ctrl[1] = v->exit;
    if (mtd & CAIRN_MTD_DS_ES)
        vmx_seg_get(&x->ds, S_DS), vmx_seg_get(&x->es, S_ES);
    if (mtd & CAIRN_MTD_FS_GS)
        vmx_seg_get(&x->fs, S_FS), vmx_seg_get(&x->gs, S_GS);
    if (mtd & CAIRN_MTD_CS_SS)
        vmx_seg_get(&x->cs, S_CS), vmx_seg_get(&x->ss, S_SS);
    if (mtd & CAIRN_MTD_TR)
        vmx_seg_get(&x->tr, S_TR);
    if (mtd & CAIRN_MTD_LDTR)
        vmx_seg_get(&x->ldtr, S_LDTR);
    if (mtd & CAIRN_MTD_GDTR)
        vmx_seg_get(&x->gdtr, S_GDTR);
    if (mtd & CAIRN_MTD_IDTR)
        vmx_seg_get(&x->idtr, S_IDTR);
    if (mtd & CAIRN_MTD_CR) {
        uint64_t m0 = vmread(F_CR0_MASK), m4 = vmread(F_CR4_MASK);
        x->cr0 = (vmread(F_G_CR0) & ~m0) | (vmread(F_CR0_SHADOW) & m0);
        x->cr4 = (vmread(F_G_CR4) & ~m4) | (vmread(F_CR4_SHADOW) & m4);
        x->cr2 = v->cr2;
        x->cr3 = vmread(F_G_CR3);
    }
    if (mtd & CAIRN_MTD_DR)
        x->dr7 = vmread(F_G_DR7);
    if (mtd & CAIRN_MTD_EFER_PAT)
        x->efer = vmread(F_G_EFER), x->pat = vmread(F_G_PAT);
    if (mtd & CAIRN_MTD_SYSENTER)
        x->sysenter_cs = vmread(F_G_SYSENTER_CS), x->sysenter_esp = vmread(F_G_SYSENTER_ESP),
        x->sysenter_eip = vmread(F_G_SYSENTER_EIP);
    if (mtd & CAIRN_MTD_SYSCALL)
        x->star = v->guest_msr[0].value, x->lstar = v->guest_msr[1].value,
        x->cstar = v->guest_msr[2].value, x->fmask = v->guest_msr[3].value,
        x->kernel_gs_base = v->guest_msr[4].value;
    if (mtd & CAIRN_MTD_INJ)
        x->inj_info = v->inj, x->inj_error = v->inj_err;
    if (mtd & CAIRN_MTD_STA)
        x->intr_state = (vmread(F_G_INTR_STATE) & 3) ? 1 : 0, x->actv_state = 0;
    if (mtd & CAIRN_MTD_TSC)
        x->tsc_off = vmread(F_TSC_OFFSET), x->tsc_val = rdtsc() + x->tsc_off;
}

/* Guest-physical memory of the VM at gpa, through its page table: the
 * PDPTEs of a PAE guest, which VM entry loads from the VMCS. */
static uint64_t vmx_guest_read(struct ec *ec, uint64_t gpa)
{
    uint64_t *pte = paging_pte(ec->pd->pml4, gpa & ~0xfffull);
    if (!pte || !(*pte & PTE_P))
        return 0;
    return *(const uint64_t *)phys_to_virt((*pte & PTE_ADDR) | (gpa & 0xff8));
}

/* The SDM's rule for bit 11 of an injection: an error code goes with
 * exceptions 8, 10-14 and 17 in protected mode, and with nothing else. */
static uint32_t vmx_inj_ev(uint32_t inj, uint64_t cr0)
{
    unsigned vec = inj & 0xff, type = (inj >> 8) & 7;
    bool ev = type == 3 && (cr0 & CR0_PE) && (vec == 8 || (vec >= 10 && vec <= 14) || vec == 17);
    return (inj & ~(1u << 11)) | (ev ? 1u << 11 : 0);
}

/* Check, then apply: a state VMX would refuse is not applied at all; the
 * vCPU reports it (CAIRN_VM_INVALID) instead of running. EFER.LMA and the
 * IA-32e entry control follow LME and CR0.PG, as the hardware keeps them. */
static __attribute__((noinline)) int vmx_set_state_all(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    struct vmx_vcpu *v = ec->vmcb;
    if (!vmx_here(ec))
        return CAIRN_ECPU;
    unsigned why = 0;
    uint32_t ar[10];
    if (unlikely(mtd & VCPU_MTD_CHECKED)) {
        uint64_t m0 = vmread(F_CR0_MASK), m4 = vmread(F_CR4_MASK);
        struct vcpu_now now = { (vmread(F_G_CR0) & ~m0) | (vmread(F_CR0_SHADOW) & m0),
                                vmread(F_G_CR3),
                                (vmread(F_G_CR4) & ~m4) | (vmread(F_CR4_SHADOW) & m4),
                                vmread(F_G_EFER), vmread(F_G_DR7), vmread(F_G_RFLAGS),
                                svm_ar((uint32_t)vmread(F_G_ES_AR + 2 * S_CS)), v->inj, 0 };
        why = vcpu_check(&now, x, mtd);
        if (!why && (mtd & CAIRN_MTD_INJ) && ((x->inj_info >> 8) & 7) == 4 && !vmx_zero_len)
            why = CAIRN_VMREF_INJ; /* a software interrupt at RIP needs a length VMX lacks */
    }
    static const struct { uint64_t mtd; uint8_t s; uint16_t off; } segs[] = {
        { CAIRN_MTD_DS_ES, S_DS, __builtin_offsetof(struct cairn_exc, ds) },
        { CAIRN_MTD_DS_ES, S_ES, __builtin_offsetof(struct cairn_exc, es) },
        { CAIRN_MTD_FS_GS, S_FS, __builtin_offsetof(struct cairn_exc, fs) },
        { CAIRN_MTD_FS_GS, S_GS, __builtin_offsetof(struct cairn_exc, gs) },
        { CAIRN_MTD_CS_SS, S_CS, __builtin_offsetof(struct cairn_exc, cs) },
        { CAIRN_MTD_CS_SS, S_SS, __builtin_offsetof(struct cairn_exc, ss) },
        { CAIRN_MTD_TR, S_TR, __builtin_offsetof(struct cairn_exc, tr) },
        { CAIRN_MTD_LDTR, S_LDTR, __builtin_offsetof(struct cairn_exc, ldtr) },
    };
    const uint64_t seg_mtd = CAIRN_MTD_DS_ES | CAIRN_MTD_FS_GS | CAIRN_MTD_CS_SS | CAIRN_MTD_TR |
                             CAIRN_MTD_LDTR;
    for (unsigned i = 0; !why && (mtd & seg_mtd) && i < sizeof(segs) / sizeof(segs[0]); i++)
        if ((mtd & segs[i].mtd) &&
            !vmx_seg_ar(segs[i].s, (const struct cairn_seg *)((const char *)x + segs[i].off),
                        &ar[segs[i].s]))
            why = CAIRN_VMREF_SEG;
    if (unlikely(why)) {
        ec->refused = (uint8_t)why;
        return CAIRN_OK;
    }
    vmx_set_state_common(ec, x, mtd);
    if (mtd & CAIRN_MTD_RSP)
        vmwrite(F_G_RSP, x->rsp);
    if (mtd & CAIRN_MTD_RFLAGS)
        vmwrite(F_G_RFLAGS, (x->rflags & ~RFLAGS_RESERVED) | 2);
    if (!(mtd & VCPU_MTD_RARE))
        return CAIRN_OK;
    if (mtd & CAIRN_MTD_CTRL) /* ctrl[0] bit 0: exit when the guest can take an interrupt */
        vmx_intr_win(v, x->ctrl[0] & 1);
    for (unsigned i = 0; (mtd & seg_mtd) && i < sizeof(segs) / sizeof(segs[0]); i++)
        if (mtd & segs[i].mtd) {
            const struct cairn_seg *s = (const struct cairn_seg *)((const char *)x + segs[i].off);
            vmx_seg_set(segs[i].s, s->sel, ar[segs[i].s], s->limit, s->base);
        }
    if (mtd & CAIRN_MTD_GDTR)
        vmx_seg_set(S_GDTR, 0, 0, x->gdtr.limit & 0xffff, x->gdtr.base);
    if (mtd & CAIRN_MTD_IDTR)
        vmx_seg_set(S_IDTR, 0, 0, x->idtr.limit & 0xffff, x->idtr.base);
    if (mtd & CAIRN_MTD_CR) {
        vmwrite(F_CR0_SHADOW, x->cr0);
        vmwrite(F_G_CR0, (x->cr0 | vmx_cr0_fixed0) & vmx_cr0_fixed1);
        vmwrite(F_CR4_SHADOW, x->cr4);
        vmwrite(F_G_CR4, (x->cr4 | vmx_cr4_fixed0) & vmx_cr4_fixed1);
        vmwrite(F_G_CR3, x->cr3);
        v->cr2 = x->cr2;
    }
    if (mtd & CAIRN_MTD_DR)
        vmwrite(F_G_DR7, x->dr7);
    if (mtd & CAIRN_MTD_EFER_PAT)
        vmwrite(F_G_EFER, x->efer), vmwrite(F_G_PAT, x->pat);
    if (mtd & CAIRN_MTD_SYSENTER)
        vmwrite(F_G_SYSENTER_CS, x->sysenter_cs), vmwrite(F_G_SYSENTER_ESP, x->sysenter_esp),
        vmwrite(F_G_SYSENTER_EIP, x->sysenter_eip);
    if (mtd & CAIRN_MTD_SYSCALL)
        v->guest_msr[0].value = x->star, v->guest_msr[1].value = x->lstar,
        v->guest_msr[2].value = x->cstar, v->guest_msr[3].value = x->fmask,
        v->guest_msr[4].value = x->kernel_gs_base;
    if (mtd & CAIRN_MTD_STA) {
        uint64_t fl = vmread(F_G_RFLAGS);
        vmwrite(F_G_INTR_STATE, !(x->intr_state & 1) ? 0 : (fl & RFLAGS_IF) ? 1 : 2);
    }
    if (mtd & CAIRN_MTD_TSC)
        vmwrite(F_TSC_OFFSET, x->tsc_off);
    uint64_t cr0 = vmread(F_CR0_SHADOW), cr4 = vmread(F_CR4_SHADOW);
    if (mtd & CAIRN_MTD_INJ) {
        v->inj = (x->inj_info & INJ_VALID) ? vmx_inj_ev(x->inj_info & (INJ_VALID | 0x7ff), cr0) : 0;
        v->inj_err = x->inj_error;
        v->inj_len = 0;
    }
    if (mtd & (CAIRN_MTD_CR | CAIRN_MTD_EFER_PAT)) {
        uint64_t efer = vmread(F_G_EFER);
        bool lma = (efer & EFER_LME) && (cr0 & CR0_PG);
        vmwrite(F_G_EFER, lma ? efer | EFER_LMA : efer & ~(uint64_t)EFER_LMA);
        vmwrite(F_ENTRY_CTL, lma ? vmx_entry_ctl | ENTRY_IA32E : vmx_entry_ctl);
        if ((cr0 & CR0_PG) && (cr4 & CR4_PAE) && !lma) { /* PAE: VM entry takes the PDPTEs from here */
            uint64_t pdpt = vmread(F_G_CR3) & 0xffffffe0u;
            for (unsigned i = 0; i < 4; i++)
                vmwrite(F_G_PDPTE0 + 2 * i, vmx_guest_read(ec, pdpt + 8 * i));
        }
        vmx_cr_masks();
    }
    return CAIRN_OK;
}

/* The hooks (vcpu.h) for what vmx_state.h does not move inline. */
void vmx_get_state(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    if (!vmx_get_state_fast(ec, x, mtd))
        vmx_get_state_all(ec, x, mtd);
}

int vmx_set_state(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    if (vmx_set_state_fast(ec, x, mtd))
        return CAIRN_OK;
    return vmx_set_state_all(ec, x, mtd);
}
