/*
 * vCPUs (x86_64): the backend the machine has, AMD SVM (svm.c) or Intel
 * VMX (vmx.c), chosen once at boot, and what both check in a VMM's state:
 * the rules every x86 VM entry applies (AMD APM vol. 2, 15.5.1; Intel SDM
 * vol. 3, 27.3.1), plus what makes no sense on any x86.
 */
#include "vcpu_x86.h"
#include <cairn/abi.h>
#include "arch.h"
#include "asm.h"
#include "ec.h"
#include "ec_arch.h"
#include "x86.h"

bool vcpu_vmx;
static bool vcpu_on;

uint32_t vcpu_arch_init(uint32_t *asids)
{
    vcpu_limits();
    uint32_t features = svm_init(asids);
    if (!features && (features = vmx_init(asids)))
        vcpu_vmx = true;
    vcpu_on = features != 0;
    return features;
}

bool vcpu_arch_available(void) { return vcpu_on; }

bool vcpu_arch_init_cpu(unsigned cpu) { return vcpu_vmx ? vmx_init_cpu(cpu) : svm_init_cpu(cpu); }
uint32_t vcpu_arch_smp_check(unsigned n) { return vcpu_vmx ? vmx_smp_check(n) : svm_smp_check(n); }
bool vcpu_arch_cpu_ok(unsigned cpu) { return vcpu_vmx ? vmx_cpu_ok(cpu) : svm_cpu_ok(cpu); }
int vcpu_arch_create(struct ec *ec) { return vcpu_vmx ? vmx_create(ec) : svm_create(ec); }
void vcpu_arch_destroy(struct ec *ec) { vcpu_vmx ? vmx_destroy(ec) : svm_destroy(ec); }
uint64_t vcpu_arch_ip(const struct ec *ec) { return vcpu_vmx ? vmx_ip(ec) : svm_ip(ec); }

_Noreturn void vcpu_arch_run(struct ec *ec)
{
    if (vcpu_vmx)
        vmx_run(ec);
    svm_run(ec);
}

void vcpu_arch_get_state(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    vcpu_vmx ? vmx_get_state(ec, x, mtd) : svm_get_state(ec, x, mtd);
}

int vcpu_arch_set_state(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    return vcpu_vmx ? vmx_set_state(ec, x, mtd) : svm_set_state(ec, x, mtd);
}

__attribute__((noinline, cold)) void vcpu_enter_events(struct ec *ec)
{
    if (ec->refused) { /* the VMM's last state was not applied */
        ec->qual[0] = ec->refused, ec->qual[1] = 0;
        ec->refused = 0;
        ec_event(ec, CAIRN_VM_INVALID);
    }
    if (ec->attn & EC_ATTN_RECALL) {
        ec->attn &= (uint8_t)~EC_ATTN_RECALL;
        ec_event(ec, CAIRN_VM_RECALL);
    }
}

/* Clear a thread's breakpoints (a vCPU has none), then run what the
 * scheduler picks: this vCPU again unless a preemption is due. */
__attribute__((noinline, cold)) _Noreturn void vcpu_enter_cpu(struct ec *ec)
{
    ec_arch_user_switch(ec);
    sched_dispatch();
}

uint64_t vcpu_cr4_ok, vcpu_efer_ok;
unsigned vcpu_phys_bits;

/* The CR4 and EFER bits the CPU has, and its physical address width. */
void vcpu_limits(void)
{
    uint32_t r[4], max;
    cpuid(0, 0, r);
    max = r[0];
    vcpu_cr4_ok = 0x7ff; /* VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT */
    cpuid(1, 0, r);
    vcpu_cr4_ok |= (r[2] & (1u << 17) ? 1ull << 17 : 0) | /* PCIDE */
                   (r[2] & (1u << 26) ? 1ull << 18 : 0);  /* OSXSAVE */
    if (max >= 7) {
        cpuid(7, 0, r);
        vcpu_cr4_ok |= (r[2] & (1u << 2) ? 1ull << 11 : 0) |  /* UMIP */
                       (r[2] & (1u << 16) ? 1ull << 12 : 0) | /* LA57 */
                       (r[1] & (1u << 0) ? 1ull << 16 : 0) |  /* FSGSBASE */
                       (r[1] & (1u << 7) ? 1ull << 20 : 0) |  /* SMEP */
                       (r[1] & (1u << 20) ? 1ull << 21 : 0) | /* SMAP */
                       (r[2] & (1u << 3) ? 1ull << 22 : 0) |  /* PKE */
                       (r[2] & (1u << 7) ? 1ull << 23 : 0);   /* CET */
    }
    cpuid(0x80000001, 0, r);
    vcpu_efer_ok = EFER_SCE | (r[3] & (1u << 29) ? EFER_LME | EFER_LMA : 0) |
                   (r[3] & (1u << 20) ? EFER_NXE : 0) | (r[3] & (1u << 25) ? EFER_FFXSR : 0) |
                   (r[2] & (1u << 17) ? 1ull << 15 : 0); /* TCE */
    cpuid(0x80000000, 0, r);
    uint32_t ext = r[0];
    vcpu_phys_bits = 36;
    if (ext >= 0x80000008) {
        cpuid(0x80000008, 0, r);
        vcpu_phys_bits = r[0] & 0xff;
    }
    if (ext >= 0x80000021) {
        cpuid(0x80000021, 0, r);
        vcpu_efer_ok |= r[0] & (1u << 8) ? 1ull << 21 : 0; /* AutoIBRS */
    }
}

/* RFLAGS' reserved bits are not refused but kept as the CPU keeps them
 * (the backends' set_state). */
unsigned vcpu_check(const struct vcpu_now *now, const struct cairn_exc *x, uint64_t mtd)
{
    bool cr = mtd & CAIRN_MTD_CR;
    uint64_t cr0 = cr ? x->cr0 : now->cr0, cr3 = cr ? x->cr3 : now->cr3, cr4 = cr ? x->cr4 : now->cr4;
    uint64_t efer = ((mtd & CAIRN_MTD_EFER_PAT) ? x->efer : now->efer) & ~now->efer_own;
    uint64_t dr7 = (mtd & CAIRN_MTD_DR) ? x->dr7 : now->dr7;
    uint64_t fl = (mtd & CAIRN_MTD_RFLAGS) ? x->rflags : now->rflags;
    uint16_t cs = (mtd & CAIRN_MTD_CS_SS) ? x->cs.ar : now->cs_ar;
    uint32_t inj = (mtd & CAIRN_MTD_INJ) ? x->inj_info : now->inj;
    bool lm = (efer & EFER_LME) && (cr0 & CR0_PG);
    if ((cr0 >> 32) || ((cr0 & CR0_NW) && !(cr0 & CR0_CD)) || ((cr0 & CR0_PG) && !(cr0 & CR0_PE)))
        return CAIRN_VMREF_CR0;
    /* bits the CPU may lack: only in what the reply sets (the guest's own
     * MOV to CR4 does not exit, and the CPU checked that) */
    if (cr && (cr3 >> vcpu_phys_bits))
        return CAIRN_VMREF_CR3;
    if (cr && (cr4 & ~vcpu_cr4_ok))
        return CAIRN_VMREF_CR4;
    if ((mtd & CAIRN_MTD_EFER_PAT) && (efer & ~vcpu_efer_ok))
        return CAIRN_VMREF_EFER;
    if (((efer & EFER_LME) && !(cr4 & CR4_PAE)) || (lm && !(cr0 & CR0_PE)))
        return CAIRN_VMREF_LONG; /* LME without PAE: a CPU allows it with paging off; QEMU
                                    7.2 stops the host at the guest's next exit */
    if (lm && (cs & (1u << 9)) && (cs & (1u << 10)))
        return CAIRN_VMREF_CS;
    if (dr7 >> 32)
        return CAIRN_VMREF_DR7;
    if (lm && (fl & RFLAGS_VM))
        return CAIRN_VMREF_FLAGS;
    unsigned type = (inj >> 8) & 7, vec = inj & 0xff;
    if ((inj & INJ_VALID) && (type == 1 || type > 4 || (type == 3 && (vec == 2 || vec > 31))))
        return CAIRN_VMREF_INJ;
    return 0;
}
