/* vCPU backends (x86_64): AMD SVM (svm.c) and Intel VMX (vmx.c) each
 * implement the hooks of vcpu.h under their own prefix; vcpu.c picks the
 * one the machine has at boot and routes the hooks to it. Both use the
 * architectural checks of a VMM's state in vcpu.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <cairn/utcb.h>
#include "vcpu.h"

/* The machine's vCPUs are VMX's (else SVM's), chosen once at boot. */
extern bool vcpu_vmx;

#define VCPU_BACKEND(p)                                                              \
    uint32_t p##_init(uint32_t *asids);                                              \
    bool p##_init_cpu(unsigned cpu);                                                 \
    uint32_t p##_smp_check(unsigned n);                                              \
    bool p##_cpu_ok(unsigned cpu);                                                   \
    int p##_create(struct ec *ec);                                                   \
    void p##_destroy(struct ec *ec);                                                 \
    _Noreturn void p##_run(struct ec *ec);                                           \
    void p##_get_state(struct ec *ec, struct cairn_exc *x, uint64_t mtd);            \
    int p##_set_state(struct ec *ec, const struct cairn_exc *x, uint64_t mtd);       \
    uint64_t p##_ip(const struct ec *ec);
VCPU_BACKEND(svm)
VCPU_BACKEND(vmx)
/* This CPU VMCLEARs the VMCS at pa if it is current here (smp.c). */
void vmx_release(uint64_t pa);
/* The events owed to the VMM before an entry (a refused state, a recall;
 * they do not return): vcpu_enter_prepare, vcpu_enter.h. */
void vcpu_enter_events(struct ec *ec);
/* The CPU's attention before an entry: preemption, a thread's
 * breakpoints to clear (does not return). */
_Noreturn void vcpu_enter_cpu(struct ec *ec);

/* What this CPU accepts as guest CR4 and EFER bits (beyond EFER.SVME,
 * which is SVM's own), and its physical address width: vcpu_limits. */
extern uint64_t vcpu_cr4_ok, vcpu_efer_ok;
extern unsigned vcpu_phys_bits;
void vcpu_limits(void);

/* The guest state a reply would change, as the vCPU has it now. */
struct vcpu_now {
    uint64_t cr0, cr3, cr4, efer, dr7, rflags;
    uint16_t cs_ar;      /* SVM's attribute format (struct cairn_seg) */
    uint32_t inj;        /* pending injection, SVM's EVENTINJ layout  */
    uint64_t efer_own;   /* EFER bits the backend sets itself (SVME): ignored */
};

/* The state a reply would leave (mtd's groups from x, the rest from now),
 * checked as every x86 VM entry checks it: 0, or why not (CAIRN_VMREF_*). */
unsigned vcpu_check(const struct vcpu_now *now, const struct cairn_exc *x, uint64_t mtd);

/* The groups most exits leave alone: get/set state test the others
 * (GPRs, RSP, RIP, RFLAGS, the qualification) one by one, these only when
 * the MTD names one of them, so that a small MTD costs little. */
#define VCPU_MTD_RARE (CAIRN_MTD_VCPU_ALL & ~(CAIRN_MTD_GPR_ALL | CAIRN_MTD_RSP | CAIRN_MTD_RIP | \
                                              CAIRN_MTD_RFLAGS | CAIRN_MTD_QUAL))

/* The groups vcpu_check looks at: a reply with none of them is the state
 * the guest ran with. */
#define VCPU_MTD_CHECKED (CAIRN_MTD_CR | CAIRN_MTD_EFER_PAT | CAIRN_MTD_DR | CAIRN_MTD_RFLAGS | \
                          CAIRN_MTD_CS_SS | CAIRN_MTD_INJ)
#define RFLAGS_RESERVED 0xffffffffffc0802aull /* bits 63:22, 15, 5, 3, 1 (always set) */
#define RFLAGS_VM       (1ull << 17)
#define INJ_VALID       (1u << 31)
