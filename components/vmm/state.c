/*
 * The guest's control state (state): what the VMM does when the guest
 * writes CR0 or CR4 (the kernel passes those writes on while EFER.LME is
 * set: docs/vmm.md) and when the kernel or the CPU refuses the guest's
 * state. A write is checked as a CPU checks it (cr.c): done, or answered
 * with the #GP a CPU raises and a log line (the first eight); a refused
 * state stops the VM, naming the rule it breaks.
 */
#include "vmm.h"
#include <cairn/fmt.h>
#include "insn.h"

/* What EFER and CR4 writes are checked against: the CPU's own CR4 bits
 * (a CPU checks against what it has, whatever CPUID tells the guest) but
 * VMXE and SMXE, and the EFER bits the guest's CPUID offers. */
void vmm_cr_init(void)
{
    uint32_t l1[4], l7[4] = { 0 }, e1[4];
    __asm__ volatile("cpuid" : "=a"(l1[0]), "=b"(l1[1]), "=c"(l1[2]), "=d"(l1[3]) : "a"(0), "c"(0));
    bool has7 = l1[0] >= 7;
    __asm__ volatile("cpuid" : "=a"(l1[0]), "=b"(l1[1]), "=c"(l1[2]), "=d"(l1[3]) : "a"(1), "c"(0));
    if (has7)
        __asm__ volatile("cpuid" : "=a"(l7[0]), "=b"(l7[1]), "=c"(l7[2]), "=d"(l7[3]) : "a"(7), "c"(0));
    vmm_guest_cpuid(0x80000001, 0, e1, vmm.apic);
    /* but not VMX or SMX: the guest has neither (CPUID hides them, and
     * the kernel keeps VMXE for itself on an Intel host) */
    vmm.cr4_rsvd = cr_cr4_reserved(l1[2] & ~(1u << 5 | 1u << 6), l7[1], l7[2]);
    vmm.efer_rsvd = cr_efer_reserved(e1[3]);
}

/* Raise #GP(0) in the guest (RIP stays at the faulting instruction); in
 * real mode a CPU pushes no error code. */
uint64_t vmm_gp(struct cairn_exc *x)
{
    bool err = x->cr0 & CR0_PE;
    x->inj_info = 13u | 3u << 8 | (err ? 1u << 11 : 0) | 1u << 31; /* exception, valid */
    x->inj_error = 0;
    return CAIRN_MTD_INJ;
}

/* The guest's EFER, CR0, CR4 and CS as cr.c checks them. */
struct cr_state vmm_cr_state(const struct cairn_exc *x)
{
    return (struct cr_state){ .cr0 = x->cr0, .cr3 = x->cr3, .cr4 = x->cr4, .efer = x->efer,
                              .cs_l = x->cs.ar & 0x200, .cs_d = x->cs.ar & 0x400,
                              .cr4_rsvd = vmm.cr4_rsvd, .efer_rsvd = vmm.efer_rsvd };
}

/* A write the CPU refuses: #GP, and a line saying why (the first eight). */
uint64_t vmm_refuse(struct cairn_exc *x, const char *insn, const char *reg, uint64_t v,
                    const char *why)
{
    if (vmm.refused++ < 8)
        printf("guest %s to %s %#lx at rip %#lx: #GP (%s)\n", insn, reg, (unsigned long)v,
               (unsigned long)x->rip, why);
    return vmm_gp(x);
}

/* The guest's MOV to control register `want` at x->rip, decoded:
 * CAIRN_OK and *v, *len; CAIRN_EUNSUP if the instruction there is not one. */
static cairn_status_t vmm_cr_mov(const struct cairn_exc *x, const struct cr_state *cs,
                                 unsigned want, uint64_t *v, unsigned *len)
{
    const uint64_t *g[16] = { &x->rax, &x->rcx, &x->rdx, &x->rbx, &x->rsp, &x->rbp, &x->rsi,
                              &x->rdi, &x->r8, &x->r9, &x->r10, &x->r11, &x->r12, &x->r13,
                              &x->r14, &x->r15 };
    uint8_t bytes[INSN_MAX_LEN];
    unsigned cr, gpr;
    bool lm = (x->efer & EFER_LMA) && cs->cs_l;
    if (cr_decode_mov(bytes, vmm_fetch(x, bytes), lm, &cr, &gpr, len) != CAIRN_OK || cr != want)
        return CAIRN_EUNSUP;
    *v = lm ? *g[gpr] : (uint32_t)*g[gpr];
    return CAIRN_OK;
}

/*
 * A write to CR0 or CR4, which the kernel intercepts while EFER.LME is set
 * (CR0 in long mode, CR4 with paging off: docs/vmm.md): checked as a CPU
 * checks it, then done (the kernel keeps EFER.LMA in step with CR0.PG).
 * CLTS is a CR0 write too; LMSW in long mode is not emulated.
 */
static uint64_t vmm_cr_write(struct cairn_exc *x, unsigned want)
{
    struct cr_state cs = vmm_cr_state(x);
    uint8_t bytes[INSN_MAX_LEN];
    uint64_t v;
    unsigned len;
    if (want == 0 && vmm_fetch(x, bytes) >= 2 && bytes[0] == 0x0f && bytes[1] == 0x06) {
        x->cr0 &= ~(uint64_t)CR0_TS; /* CLTS */
        x->rip += 2;
        return CAIRN_MTD_CR | CAIRN_MTD_RIP;
    }
    if (vmm_cr_mov(x, &cs, want, &v, &len) != CAIRN_OK) {
        vmm_stop(x, want ? "a CR4 write the VMM cannot decode" : "a CR0 write the VMM cannot decode", 0);
        return 0;
    }
    const char *bad;
    if ((want ? cr_cr4_write(&cs, v, &bad) : cr_cr0_write(&cs, v, &bad)) != CAIRN_OK)
        return vmm_refuse(x, "MOV", want ? "CR4" : "CR0", v, bad);
    if (want)
        x->cr4 = v;
    else
        x->cr0 = v;
    x->rip += len;
    return CAIRN_MTD_CR | CAIRN_MTD_RIP;
}

/* A CR0 or CR4 write the kernel passed on (qual[0]: the CR's number). */
uint64_t vmm_cr(struct cairn_exc *x)
{
    if (x->qual[0] != 0 && x->qual[0] != 4)
        return vmm_unexpected(x);
    return vmm_cr_write(x, (unsigned)x->qual[0]);
}

/* Why the kernel refused the state this VMM handed it (abi.h). */
static const char *vmm_refusal(uint64_t why)
{
    static const char *const names[] = {
        [CAIRN_VMREF_CR0] = "CR0 bits 63:32, NW without CD, or PG without PE",
        [CAIRN_VMREF_CR3] = "CR3 beyond the physical address width",
        [CAIRN_VMREF_CR4] = "CR4 bits the CPU lacks",
        [CAIRN_VMREF_EFER] = "EFER bits the CPU lacks",
        [CAIRN_VMREF_LONG] = "EFER.LME without CR4.PAE, or with CR0.PG but without CR0.PE",
        [CAIRN_VMREF_CS] = "long mode with CS.L and CS.D",
        [CAIRN_VMREF_DR7] = "DR7 bits 63:32",
        [CAIRN_VMREF_INJ] = "an event injection of a reserved type or vector",
        [CAIRN_VMREF_FLAGS] = "RFLAGS.VM in long mode",
        [CAIRN_VMREF_SEG] = "a segment limit above 1 MiB not in 4 KiB units (VMX)",
    };
    return why < sizeof(names) / sizeof(names[0]) && names[why] ? names[why] : "a rule of its own";
}

/*
 * The guest's state was refused. The kernel refuses a state this VMM
 * handed it before applying any of it (qual[0] names the rule; the state
 * may be the guest's own doing, as a MOV to CR0 that does not exit). The CPU
 * refused one the kernel let through (CAIRN_VMREF_HW: the kernel has
 * reset the vCPU, so what the guest ran with is the state of the last
 * exit, as the VMM resumed it: vmm.last). QEMU's SVM also refuses a MOV
 * to CR4 with reserved bits, where a CPU raises #GP (CAIRN_VMREF_GUEST:
 * x is the guest's state at the MOV): the VMM raises the #GP, unless an
 * event is still on its way (no instruction ran). Else stop, naming the
 * rule the state breaks.
 */
uint64_t vmm_invalid(struct cairn_exc *x)
{
    static char msg[120];
    struct cr_state cs = vmm_cr_state(x);
    if (x->qual[0] != CAIRN_VMREF_HW && x->qual[0] != CAIRN_VMREF_GUEST) {
        const char *rule;
        if (cr_state_check(&cs, &rule) == CAIRN_OK) /* else the guest's own doing, handed back */
            rule = vmm_refusal(x->qual[0]);
        snprintf(msg, sizeof(msg), "invalid state (the kernel refused it: %s)", rule);
        vmm_stop(x, msg, 0);
        return 0;
    }
    uint64_t v;
    unsigned len;
    const char *why = "not for its CR0, CR4, EFER or CS", *bad;
    bool last_ok = cr_state_check(&vmm.last, &why) == CAIRN_OK;
    if (x->qual[0] == CAIRN_VMREF_GUEST && last_ok && cr_state_check(&cs, 0) == CAIRN_OK &&
        !(x->inj_info & 1u << 31) && vmm_cr_mov(x, &cs, 4, &v, &len) == CAIRN_OK &&
        cr_cr4_write(&cs, v, &bad) != CAIRN_OK)
        return vmm_refuse(x, "MOV", "CR4", v, bad);
    snprintf(msg, sizeof(msg), "invalid state (the CPU refused it: %s)", why);
    if (x->qual[0] == CAIRN_VMREF_HW)
        x->rip = vmm.last_rip; /* where it was resumed last */
    vmm_stop(x, msg, 0);
    return 0;
}
