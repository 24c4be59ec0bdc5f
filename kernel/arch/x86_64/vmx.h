/* VMX (x86_64): a vCPU's state beside its VMCS, for vmx.c and the inline
 * state transfer (vmx_state.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "vcpu.h"

#define VMX_MSRS 5 /* the guest's MSRs the VMCS's MSR areas switch (vmx.c) */

struct vmx_msr {
    uint32_t index, reserved;
    uint64_t value;
};

/* A vCPU: the page after its VMCS (ec->vmcb points here). */
struct vmx_vcpu {
    struct vmx_msr guest_msr[VMX_MSRS]; /* 16-byte aligned: the page's start */
    struct vmx_msr host_msr[VMX_MSRS];
    uint64_t vmcs_pa;
    uint64_t rip;            /* the guest's, as the last exit left it or a reply set it;
                                written to the VMCS before every entry */
    uint64_t cr2;            /* the guest's: VMX leaves CR2 to us */
    uint32_t inj, inj_err;   /* pending injection, SVM's EVENTINJ layout */
    uint32_t inj_len;        /* its instruction length (software events) */
    uint32_t tlb_gen;        /* the VM PD's tlb_gen its TLB entries are from */
    uint32_t exit;           /* the last exit reason */
    bool launched, ready;    /* VMLAUNCHed since VMCLEAR; fields written */
    bool intr_win;
    bool reset;              /* guest state to INIT at the next load */
};
