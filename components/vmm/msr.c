/*
 * CPUID and MSR exits (msr): CPUID answers with the host's, filtered
 * (cpuid.c), and KVM's hypervisor leaves (pv.c); RDMSR and WRMSR are
 * emulated for the TSC, PAT, EFER (checked as a CPU checks it: cr.c), the
 * local APIC's base and TSC deadline, KVM's paravirtual MSRs (pv.c) and
 * the vendor MSRs Linux touches at boot. Any other MSR raises #GP in the guest, the
 * first eight with a log line. Every MSR exit counts its MSR.
 */
#include "vmm.h"
#include <cairn/fmt.h>
#include "cpuid.h"
#include "pv.h"

#define MSR_TSC        0x10u
#define MSR_PAT        0x277u
#define MSR_EFER       0xc0000080u
#define MSR_PATCH      0x8bu
#define MSR_SYSCFG     0xc0010010u
#define MSR_HWCR       0xc0010015u
#define MSR_NB_CFG     0xc001001fu
#define MSR_DE_CFG     0xc0011029u
#define MSR_FEATURE_CONTROL 0x3au  /* Intel's */
#define MSR_PLATFORM_ID 0x17u
#define MSR_MISC_ENABLE 0x1a0u

/* The guest's CPUID: the host's, filtered; the hypervisor leaves are ours. */
void vmm_guest_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4], bool apic)
{
    if (leaf >> 28 == 4) {
        vmm_pv_cpuid(leaf, r, apic);
        return;
    }
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
    vmm_cpuid_filter(leaf, sub, r, apic);
}

uint64_t vmm_cpuid(struct cairn_exc *x)
{
    uint32_t r[4];
    vmm_count(vmm.cpuid, (uint32_t)x->rax);
    vmm_guest_cpuid((uint32_t)x->rax, (uint32_t)x->rcx, r, vmm.apic);
    x->rax = r[0], x->rbx = r[1], x->rcx = r[2], x->rdx = r[3];
    x->rip += 2; /* no next-RIP here: CPUID is 0f a2 */
    return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB;
}

static bool vmm_pat_valid(uint64_t pat)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned t = (pat >> (8 * i)) & 0xff;
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

uint64_t vmm_msr(struct cairn_exc *x)
{
    uint32_t msr = (uint32_t)x->rcx;
    bool wr = x->qual[0] & 1;
    uint64_t v = (x->rdx & 0xffffffffu) << 32 | (uint32_t)x->rax, mtd = CAIRN_MTD_RIP;
    vmm_count(vmm.msr, msr);
    switch (msr) {
    case MSR_TSC:
        if (wr) {
            x->tsc_off = vmm.tsc_off = v - (x->tsc_val - x->tsc_off), mtd |= CAIRN_MTD_TSC;
            vmm_pv_clock_update(); /* kvmclock goes on from the new TSC */
        }
        v = x->tsc_val;
        break;
    case MSR_PAT:
        if (wr && !vmm_pat_valid(v))
            return vmm_gp(x);
        if (wr)
            x->pat = v, mtd |= CAIRN_MTD_EFER_PAT;
        v = x->pat;
        break;
    case MSR_EFER: {
        struct cr_state cs = vmm_cr_state(x);
        const char *why;
        if (wr && cr_efer_write(&cs, v, &why) != CAIRN_OK)
            return vmm_refuse(x, "WRMSR", "EFER", v, why);
        if (wr)
            x->efer = cr_efer_value(&cs, v), mtd |= CAIRN_MTD_EFER_PAT;
        v = x->efer;
        break;
    }
    case LAPIC_MSR_APIC_BASE:
        if (!vmm.apic)
            return vmm_gp(x);
        if (wr && lapic_write_apic_base(&vmm.lapic, v) != CAIRN_OK)
            return vmm_gp(x);
        v = lapic_read_apic_base(&vmm.lapic);
        break;
    case LAPIC_MSR_TSC_DEADLINE:
        if (!vmm.apic)
            return vmm_gp(x);
        if (wr)
            lapic_write_tsc_deadline(&vmm.lapic, v);
        v = lapic_read_tsc_deadline(&vmm.lapic);
        break;
    case MSR_PATCH: case MSR_SYSCFG: case MSR_NB_CFG:
        v = 0; /* no microcode level, nothing configured; writes are ignored */
        break;
    case MSR_HWCR:
        if (wr)
            vmm.hwcr = v;
        v = vmm.hwcr;
        break;
    case MSR_DE_CFG:
        if (wr)
            vmm.de_cfg = v;
        v = vmm.de_cfg;
        break;
    case MSR_FEATURE_CONTROL: /* locked with VMX off, as firmware leaves it: writes #GP */
        if (wr)
            return vmm_gp(x);
        v = 1;
        break;
    case MSR_PLATFORM_ID:
        v = 0;
        break;
    case MSR_MISC_ENABLE: /* Linux reads it on Intel before it has an IDT */
        if (wr)
            vmm.misc_enable = v;
        v = vmm.misc_enable;
        break;
    default:
        if (vmm_pv_msr_is(msr)) {
            if (vmm_pv_msr(msr, wr, &v) != CAIRN_OK)
                return vmm_gp(x);
            break;
        }
        if (vmm.unknown_msrs++ < 8)
            printf("guest %s unknown MSR %#x: #GP\n", wr ? "wrote" : "read", msr);
        return vmm_gp(x);
    }
    if (!wr)
        x->rax = (uint32_t)v, x->rdx = v >> 32, mtd |= CAIRN_MTD_GPR_ACDB;
    x->rip += 2; /* RDMSR/WRMSR: 0f 32 / 0f 30 */
    return mtd;
}
