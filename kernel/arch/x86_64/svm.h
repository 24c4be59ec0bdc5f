/* SVM (x86_64): the virtual machine control block and the vCPU run loop. */
#pragma once

#include <stdint.h>
/* The vCPU hooks (vcpu.h) are svm.c's; this header is the VMCB's layout,
 * for svm.c and the arch's own files. */
#include "vcpu.h"

/* The VMCB: control area, then the state save area at 0x400 (AMD APM
 * vol. 2, appendix B). Only the fields Cairn uses are named. */
struct vmcb_seg {
    uint16_t sel, attr;
    uint32_t limit;
    uint64_t base;
};

struct vmcb {
    uint32_t icpt_cr, icpt_dr, icpt_exc, icpt_misc1, icpt_misc2;
    uint8_t reserved0[0x3c - 0x14];
    uint16_t pause_threshold, pause_count;
    uint64_t iopm_pa, msrpm_pa, tsc_offset;
    uint32_t asid;
    uint8_t tlb_control, reserved1[3];
    uint64_t vintr;       /* 0x60: V_TPR, V_IRQ (bit 8), V_INTR_PRIO, V_IGN_TPR, masking, vector */
    uint64_t int_shadow;  /* 0x68 */
    uint64_t exitcode, exitinfo1, exitinfo2, exitintinfo;
    uint64_t np_enable;   /* 0x90 */
    uint8_t reserved2[0xa8 - 0x98];
    uint64_t eventinj, n_cr3, lbr, clean, nrip;
    uint8_t reserved3[0x400 - 0xd0];
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
    uint8_t reserved4[0x4cb - 0x4a0];
    uint8_t cpl;
    uint32_t reserved5;
    uint64_t efer;        /* 0x4d0 */
    uint8_t reserved6[0x548 - 0x4d8];
    uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip;
    uint8_t reserved7[0x5d8 - 0x580];
    uint64_t rsp;
    uint8_t reserved8[0x5f8 - 0x5e0];
    uint64_t rax, star, lstar, cstar, sfmask, kernel_gs_base, sysenter_cs, sysenter_esp,
        sysenter_eip, cr2;
    uint8_t reserved9[0x668 - 0x648];
    uint64_t g_pat;
}; /* every field at its natural alignment: no packing needed */

_Static_assert(__builtin_offsetof(struct vmcb, exitcode) == 0x70, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, eventinj) == 0xa8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, es) == 0x400, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, cr4) == 0x548, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, rsp) == 0x5d8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "vmcb layout");
