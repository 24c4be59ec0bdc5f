/*
 * sysfuzz: a system-call fuzzer component (main.c drives it).
 *
 * The fuzzer makes a victim PD ("fzv") that runs the fuzzer's own text
 * at the same addresses, and calls a portal to a handler EC in it (H).
 * H makes system calls with arguments from a seeded PRNG, and now and
 * then runs a hostile instruction sequence (hostile.S). Faults of the
 * victim's ECs go through its event selectors to a handler EC in the
 * fuzzer (E), which resumes them at a safe place. A victim that kills
 * itself, or is killed, is made anew; everything it made dies with it.
 *
 * Victim address space (all below 4 GiB, so that 32-bit code can use
 * its stack):
 *
 *   0x00400000  the fuzzer's text (R X) and rodata (R), same addresses
 *   FZ_V_SHARED struct fz_shared, also mapped in the fuzzer (RW)
 *   FZ_V_STACK  H's and H2's stacks, a stack for threads it makes
 *   FZ_V_SCRATCH memory the garbage may delegate and revoke
 *   FZ_V_UTCB   H's and H2's UTCBs, then UTCBs for ECs the garbage makes
 *   FZ_V_WINDOW receive window for memory items
 *
 * Victim selectors (2^FZ_V_ORDER):
 *
 *   0..31, 32   portals to E for the CPU exceptions and RECALL (evt_base 0)
 *   64          the victim's own PD
 *   65, 66      H and H2 (a second handler, an echo server in the victim)
 *   67, 68      semaphores (count 0 and 5)
 *   69, 70, 71  portals to H2, to H itself, to the fuzzer's echo handler
 *   72          a portal to E called directly (not as an event)
 *   73          the semaphore the bail stub parks threads on
 *   80..        free for what the garbage makes (receive window at 192)
 */
#pragma once

#include <stdint.h>

#include <cairn/abi.h>
#include <cairn/utcb.h>

#define FZ_V_ORDER   8u
#define FZ_V_SHARED  0x10000000ull
#define FZ_V_STACK   0x10010000ull /* 4 stacks of FZ_STACK bytes */
#define FZ_STACK     0x4000ull
#define FZ_V_SCRATCH 0x10100000ull /* FZ_SCRATCH_PAGES pages */
#define FZ_SCRATCH_PAGES 16u
#define FZ_V_UTCB    0x10200000ull /* H, H2, then 254 more */
#define FZ_V_WINDOW  0x10400000ull /* 2^FZ_WINDOW_ORDER pages */
#define FZ_WINDOW_ORDER 6u

#define FZ_VS_EVT    0u
#define FZ_VS_RECALL 32u
#define FZ_VS_PD     64u
#define FZ_VS_H      65u
#define FZ_VS_H2     66u
#define FZ_VS_SM0    67u
#define FZ_VS_SM5    68u
#define FZ_VS_PT_H2  69u
#define FZ_VS_PT_H   70u
#define FZ_VS_PT_ECHO 71u
#define FZ_VS_PT_E   72u
#define FZ_VS_PARK   73u
#define FZ_VS_FREE   80u
#define FZ_VS_RCV    192u /* object receive window: 192..255 */

#define FZ_BADGE_DIRECT 0xfffu /* E's portal 72: a plain call */

/* I/O ports the fuzzer asks core for (unused on a PC: COM4) and hands
 * to each victim, so that port delegation, revocation and the TSS's
 * permission bitmap get fuzzed too. */
#define FZ_PORT_BASE 0x2e8u
#define FZ_PORT_ORDER 3u

/* Shared between the fuzzer (main.c, E) and the victim (victim.c,
 * hostile.S: offsets below). */
struct fz_shared {
    /* hostile.S reads these at fixed offsets: keep them first */
    uint64_t resume_sp;      /* 0: H's stack pointer inside fz_hostile */
    uint64_t hostile_rax;    /* 8: rax after a hostile system call      */
    uint64_t hostile_bad;    /* 16: undefined statuses from hostile calls */
    uint64_t reserved24;     /* 24: unused                               */
    volatile uint64_t mode32; /* 32: H runs the 32-bit code (compatibility mode) */
    uint64_t regs_ptr;       /* 40: fz_hostile's regs[] (for K_REGS)     */
    volatile uint64_t regs_bad; /* 48: registers a system call changed   */
    /* set by the fuzzer */
    uint64_t seed;
    uint64_t target;         /* stop after this many calls (all batches) */
    uint64_t tsc_khz;
    uint64_t text_lo, text_hi, rodata_lo, rodata_hi;
    uint64_t ports;          /* the victim holds FZ_PORT_BASE.. (else 0) */
    /* the victim's progress */
    uint64_t rng;            /* PRNG state: saved after every draw        */
    volatile uint64_t calls; /* system calls made                          */
    volatile uint64_t hostile; /* hostile sequences run                   */
    volatile uint64_t hist[CAIRN_STATUS_COUNT + 1]; /* [COUNT]: undefined */
    volatile uint64_t per_sys[CAIRN_SYS_COUNT + 1]; /* [COUNT]: bad numbers */
    volatile uint64_t bad_rax, bad_status, bad_call; /* the first undefined one */
    volatile uint64_t last_rax, last_args[6];        /* the call being made */
    /* E's view */
    volatile uint64_t in_hostile;      /* H is inside fz_hostile         */
    volatile uint64_t retry;           /* E lets the first fault retry (reply MTD 0) */
    volatile uint64_t hostile_kind;
    volatile uint64_t expect_evt;      /* the first event it must give, or ~0 */
    volatile uint64_t first_evt;       /* the first event seen, or ~0    */
    volatile uint64_t events[64];      /* by event number                */
    volatile uint64_t mismatch, mismatch_kind, mismatch_evt, mismatch_want, mismatch_kinds;
    volatile uint64_t stray;           /* faults outside hostile sequences */
    volatile uint64_t stray_rip, stray_addr, stray_rsp, stray_evt; /* the last one */
    volatile uint64_t evt_since_call;  /* events since the last call (loops) */
};

/* What hostile.S assumes. */
_Static_assert(FZ_V_SHARED == 0x10000000 && FZ_V_UTCB == 0x10200000, "hostile.S: addresses");
_Static_assert(__builtin_offsetof(struct fz_shared, hostile_rax) == 8 &&
                   __builtin_offsetof(struct fz_shared, mode32) == 32 &&
                   __builtin_offsetof(struct fz_shared, regs_ptr) == 40 &&
                   __builtin_offsetof(struct fz_shared, regs_bad) == 48,
               "hostile.S: offsets");

/* The victim side (victim.c): H's and H2's portal functions. */
void fz_victim_serve(void *arg, struct cairn_utcb *u, uint64_t badge);
void fz_victim_echo(void *arg, struct cairn_utcb *u, uint64_t badge);

/* hostile.S */
/* Run hostile sequence `kind` (index `sub` where it has variants) with
 * the general registers from regs[16] (rax rbx rcx rdx rsi rdi rbp r8..r15,
 * one spare). Returns once E has resumed it. */
void fz_hostile(uint64_t kind, uint64_t sub, const uint64_t *regs);
/* E's resume addresses, and the stub that ends a call or parks a thread. */
extern char fz_hostile_resume[], fz_resume32[], fz_code32_start[], fz_code32_end[];
extern char fz_bail[], fz_bail_h[];
