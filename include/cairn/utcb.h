/*
 * User thread control block (UTCB): the page through which an EC sends and
 * receives messages. Shared by the kernel and user land.
 *
 *   +0   untyped   words in mr[] that carry plain data
 *   +2   typed     typed items following the untyped words (2 words each)
 *   +8   rcv_mem   receive window for delegated memory  (a CRD, or 0)
 *   +16  rcv_io    receive window for delegated I/O ports
 *   +24  rcv_obj   receive window for delegated capabilities
 *   +32  tls       free for the runtime
 *   +40  mr[]      message registers
 *
 * A sender writes untyped words to mr[0..untyped) and typed items after
 * them; the kernel copies the untyped words to the receiver and performs
 * each typed item, writing the resulting CRD in the receiver's space (or
 * 0 when the item could not be delegated) into the receiver's typed area.
 *
 * An event (fault, exception, recall) instead writes a struct cairn_exc at
 * mr[0] holding the groups the portal's MTD selects; the handler's reply
 * MTD selects the groups written back.
 */
#pragma once

#include <stdint.h>

#define CAIRN_UTCB_SIZE 4096u
#define CAIRN_UTCB_MR   ((CAIRN_UTCB_SIZE - 40u) / 8u)

/* A typed item: delegate `crd` (in the sender's space, rights masked by
 * the CRD's rights field) to receive-window base + `offset` (in units of
 * the space) in the receiver. */
struct cairn_typed {
    uint64_t crd;
    uint64_t offset;
};

struct cairn_utcb {
    uint16_t untyped;
    uint16_t typed;
    uint32_t reserved;
    uint64_t rcv_mem;
    uint64_t rcv_io;
    uint64_t rcv_obj;
    uint64_t tls;
    uint64_t mr[CAIRN_UTCB_MR];
};

struct cairn_seg {
    uint16_t sel, ar;
    uint32_t limit;
    uint64_t base;
};

/* Architectural state of an EC at an event (and of a vCPU at a VM exit). */
struct cairn_exc {
    uint64_t mtd;                    /* groups valid in this record */
    uint64_t rax, rcx, rdx, rbx;     /* MTD_GPR_ACDB */
    uint64_t rsp;                    /* MTD_RSP      */
    uint64_t rbp, rsi, rdi;          /* MTD_GPR_BSD  */
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15; /* MTD_GPR_R8_R15 */
    uint64_t rip, inst_len;          /* MTD_RIP      */
    uint64_t rflags;                 /* MTD_RFLAGS   */
    uint64_t qual[2];                /* MTD_QUAL: error code, fault address */
    uint64_t event;                  /* always: event number (vector) */
    uint64_t cr0, cr2, cr3, cr4;     /* MTD_CR       */
    uint64_t dr7;                    /* MTD_DR (vCPUs: only this) */
    uint64_t efer, pat;              /* MTD_EFER_PAT */
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip; /* MTD_SYSENTER */
    uint64_t star, lstar, cstar, fmask, kernel_gs_base; /* MTD_SYSCALL */
    uint64_t ctrl[2];                /* MTD_CTRL     */
    uint64_t inj_info, inj_error;    /* MTD_INJ      */
    uint64_t intr_state, actv_state; /* MTD_STA      */
    uint64_t tsc_val, tsc_off;       /* MTD_TSC      */
    struct cairn_seg es, cs, ss, ds, fs, gs, ldtr, tr, gdtr, idtr;
    uint64_t dr[4], dr6;             /* MTD_DR (threads; with dr7 above) */
};

_Static_assert(sizeof(struct cairn_utcb) <= CAIRN_UTCB_SIZE, "UTCB too large");
/* MTD_FPU (threads): their x87, MMX and SSE registers and MXCSR, as
 * FXSAVE stores them (512 bytes), follow the state record in mr[]. */
#define CAIRN_EXC_FPU_SIZE 512u
static inline uint8_t *cairn_exc_fpu(struct cairn_exc *x) { return (uint8_t *)(x + 1); }

_Static_assert(sizeof(struct cairn_exc) + CAIRN_EXC_FPU_SIZE <= sizeof(((struct cairn_utcb *)0)->mr),
               "exc too large");
