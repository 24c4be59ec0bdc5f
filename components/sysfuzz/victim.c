/*
 * sysfuzz, the victim's side: the code H and H2 run inside the victim PD
 * (sysfuzz.h). It reaches nothing of the fuzzer but the shared page at
 * FZ_V_SHARED and the fuzzer's text and rodata: no globals here.
 *
 * Every draw of the PRNG is saved in the shared page, so a victim that
 * dies mid-way is replaced and the next victim goes on with the same
 * sequence: a seed names one sequence of calls.
 */
#include "sysfuzz.h"

#include <cairn/ec.h>
#include <cairn/runtime.h>
#include <cairn/sys.h>
#include <cairn/time.h>

#define SH ((struct fz_shared *)FZ_V_SHARED)

static uint64_t fz_rand(void)
{
    uint64_t s = SH->rng;

    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    SH->rng = s;
    return s * 0x2545f4914f6cdd1dull;
}

/* ---- arguments ---------------------------------------------------------------- */

/* Selectors that hold something in the victim (sysfuzz.h). */
static const uint16_t fz_known[] = {
    0,  1,  3,  6,  13, 14, 19, 32, 33, 63, 64, 65, 66, 67, 68, 69, 70,
    71, 72, 73, 80, 81, 82, 83, 84, 85, 86, 87, 96, 127, 192, 193, 255,
};
#define FZ_NKNOWN (sizeof(fz_known) / sizeof(fz_known[0]))

/* Mostly selectors near real capabilities, sometimes anything. */
static uint64_t fz_sel(void)
{
    uint64_t v = fz_rand();

    switch (v & 15) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6:
        return fz_known[(v >> 8) % FZ_NKNOWN];
    case 7: case 8: case 9: return FZ_VS_FREE + (v >> 8) % 48; /* what the garbage made */
    case 10: case 11: return (v >> 8) & 0xff;
    case 12: return (1ull << ((v >> 8) % 20)) + ((v >> 16) % 3) - 1; /* space boundaries */
    case 13: return (v >> 8) & 0x3ffff;
    default: return v;
    }
}

/* A destination selector for a new capability. */
static uint64_t fz_dst(void)
{
    uint64_t v = fz_rand();

    if (v & 7)
        return FZ_VS_FREE + (v >> 8) % 48;
    return (v & 8) ? fz_sel() : FZ_VS_RCV + ((v >> 8) & 63);
}

/* Memory: mostly the victim's own, sometimes the edges of user space. */
static uint64_t fz_addr(void)
{
    uint64_t v = fz_rand(), k = (v >> 8) & 0xffff;

    switch ((v >> 4) % 14) {
    case 0: return SH->text_lo + (k % (SH->text_hi - SH->text_lo));
    case 1: return SH->rodata_lo + (k % (SH->rodata_hi - SH->rodata_lo));
    case 2: case 3: return FZ_V_SCRATCH + (k % FZ_SCRATCH_PAGES) * 4096;
    case 4: return FZ_V_SHARED;
    case 5: return FZ_V_STACK + (k % 16) * 4096;
    case 6: return FZ_V_UTCB + (k % 256) * 4096;
    case 7: return FZ_V_WINDOW + (k % 64) * 4096;
    case 8: return 0;
    case 9: return CAIRN_USER_END - (k % 4) * 4096;
    case 10: return 0x0000800000000000ull; /* not canonical */
    case 11: return 0xffffffff80000000ull + (k << 12); /* the kernel's */
    case 12: return (v >> 20) << 12;
    default: return v;
    }
}

static const uint8_t fz_crd_types[8] = {
    CAIRN_CRD_OBJ, CAIRN_CRD_MEM, CAIRN_CRD_OBJ, CAIRN_CRD_MEM,
    CAIRN_CRD_IO,  CAIRN_CRD_NULL, CAIRN_CRD_OBJ, CAIRN_CRD_MEM,
};

static uint64_t fz_crd(void)
{
    uint64_t v = fz_rand();
    unsigned type = fz_crd_types[v & 7];
    unsigned order = (v >> 3) & 3 ? (v >> 5) & 3 : (v >> 5) & 31;
    unsigned rights = (v >> 10) & 1 ? CAIRN_R_ALL : (v >> 11) & 31;
    uint64_t base;

    if (type == CAIRN_CRD_OBJ)
        base = fz_sel();
    else if (type == CAIRN_CRD_MEM)
        base = fz_addr() >> 12;
    else if ((v >> 16) & 1)
        base = FZ_PORT_BASE + ((v >> 17) & 7); /* the victim's ports */
    else
        base = (v >> 16) & 0xffff;
    if ((v >> 40) & 3)
        base &= ~((1ull << order) - 1); /* mostly aligned */
    return CAIRN_CRD(type, base & 0xfffffffffffffull, order, rights);
}

/* A plain word: small numbers, edges, noise. */
static uint64_t fz_word(void)
{
    uint64_t v = fz_rand();

    switch (v & 7) {
    case 0: return 0;
    case 1: return (v >> 8) & 0xff;
    case 2: return ~0ull >> ((v >> 8) & 63);
    case 3: return 1ull << ((v >> 8) & 63);
    default: return v;
    }
}

/* A TSC deadline a little ahead: a down never blocks H for long. */
static uint64_t fz_deadline(void)
{
    uint64_t v = fz_rand() % 8;

    if (v == 0)
        return 1; /* long past */
    return cairn_rdtsc() + SH->tsc_khz * v / 32; /* up to 0.2 ms */
}

static uint64_t fz_wild(void);

/* Entry points the garbage may give new ECs and portals: never the
 * middle of the text, which would run the fuzzer's code with garbage
 * (a second fuzz loop in the victim, say). */
static uint64_t fz_ip(void)
{
    uint64_t v = fz_rand();

    switch (v & 7) {
    case 0: case 1: case 2: return (uintptr_t)cairn_portal_entry;
    case 3: case 4: return (uintptr_t)fz_bail;
    case 5: return 0;
    case 6: return fz_wild();
    default: return v | 0x8000000000000000ull;
    }
}

/* ---- messages -------------------------------------------------------------- */

/* Fill the UTCB for a call: words, typed items, receive windows. */
static void fz_message(struct cairn_utcb *u)
{
    uint64_t v = fz_rand();
    unsigned untyped = (v & 15) ? (v >> 4) % 8 : (unsigned)((v >> 4) & 0xffff);
    unsigned typed = (v >> 20) & 3 ? (v >> 22) % 3 : (unsigned)((v >> 24) & 0xffff);

    u->untyped = (uint16_t)untyped;
    u->typed = (uint16_t)typed;
    for (unsigned i = 0; i < 8; i++)
        u->mr[i] = fz_word();
    for (unsigned i = 0; i < 3 && untyped + 2 * i + 1 < CAIRN_UTCB_MR; i++) {
        u->mr[untyped + 2 * i] = fz_crd();
        u->mr[untyped + 2 * i + 1] = fz_rand() % 80;
    }
    u->rcv_obj = (v >> 40) & 3 ? CAIRN_CRD(CAIRN_CRD_OBJ, FZ_VS_RCV, 6, 0) : fz_crd();
    u->rcv_mem = (v >> 42) & 3 ? CAIRN_CRD(CAIRN_CRD_MEM, FZ_V_WINDOW >> 12, FZ_WINDOW_ORDER, 0)
                               : fz_crd();
    u->rcv_io = (v >> 44) & 1 ? fz_crd() : 0;
}

/* ---- system calls ---------------------------------------------------------- */

/* Arguments shaped like the call's, so that many get past the first
 * checks; then what keeps the garbage from stopping the fuzzer: no
 * endless downs, no threads above the lowest priority, the victim's own
 * PD and the memory it runs from mostly spared. */
static void fz_shape(unsigned nr, uint64_t *rax, uint64_t *a, struct cairn_utcb *u)
{
    uint64_t v = fz_rand();
    unsigned type;

    switch (nr) {
    case CAIRN_SYS_CALL:
        a[0] = (v & 1) ? FZ_VS_PT_H2 + (v >> 8) % 4 : fz_sel();
        fz_message(u);
        break;
    case CAIRN_SYS_REPLY:
        a[0] = fz_word();
        break;
    case CAIRN_SYS_CREATE_PD:
        a[0] = fz_dst();
        a[1] = (v & 3) ? FZ_VS_PD : fz_sel();
        a[2] = (v >> 2) & 3 ? 1 + (v >> 4) % 8 : fz_word();
        a[4] = (v >> 8) & 1 ? 0 : (v >> 9) & 1 ? 16384 + ((v >> 10) % 8) * 4096 : fz_word();
        if ((v >> 16) % 8 == 0)
            *rax |= CAIRN_PD_F_VM << 8;
        break;
    case CAIRN_SYS_CREATE_EC:
        a[0] = fz_dst();
        a[1] = (v & 3) ? FZ_VS_PD : fz_sel();
        a[2] = (v >> 2) & 7 ? FZ_V_UTCB + (2 + (v >> 8) % 254) * 4096 : fz_addr();
        a[3] = (v >> 5) & 3 ? FZ_V_STACK + 4 * FZ_STACK - 32 : fz_addr();
        a[4] = (v >> 16) & 7 ? 0 : fz_word();
        a[5] = fz_ip();
        *rax |= (uint64_t)((v >> 20) % 5 == 0 ? CAIRN_EC_F_GLOBAL : (v >> 20) % 7 == 0 ? CAIRN_EC_F_VCPU
                                                : (v >> 20) % 11 == 0 ? (v >> 24) & 0xff : 0)
                << 8;
        if ((v >> 32) % 16 == 0)
            *rax |= ((v >> 36) % 4) << 16; /* CPU 1..3 mostly absent */
        break;
    case CAIRN_SYS_CREATE_SC:
        a[0] = fz_dst();
        a[1] = (v & 3) ? FZ_VS_PD : fz_sel();
        a[2] = (v >> 2) & 1 ? FZ_VS_FREE + (v >> 8) % 48 : fz_sel();
        a[3] = (v >> 16) & 3 ? 1 : fz_word();
        a[4] = (v >> 18) & 1 ? 100 + (v >> 20) % 20000 : fz_word();
        if (a[3] > 1 && a[3] <= CAIRN_PRIO_MAX)
            a[3] = 1; /* below every component */
        break;
    case CAIRN_SYS_CREATE_PT:
        a[0] = fz_dst();
        a[1] = (v & 3) ? FZ_VS_PD : fz_sel();
        a[2] = (v >> 2) & 3 ? FZ_VS_H + (v >> 4) % 2 : fz_sel();
        a[3] = fz_word();
        a[4] = fz_ip();
        break;
    case CAIRN_SYS_CREATE_SM:
        a[0] = fz_dst();
        a[1] = (v & 3) ? FZ_VS_PD : fz_sel();
        a[2] = fz_word();
        break;
    case CAIRN_SYS_DELEGATE:
        a[0] = (v & 3) ? FZ_VS_PD : fz_sel();
        a[1] = (v >> 2) & 3 ? FZ_VS_PD : fz_sel();
        a[2] = fz_crd();
        type = CAIRN_CRD_TYPE(a[2]);
        a[3] = type == CAIRN_CRD_OBJ ? fz_dst()
             : type == CAIRN_CRD_MEM ? ((v >> 4) & 1 ? FZ_V_WINDOW >> 12 : fz_addr() >> 12)
                                     : CAIRN_CRD_BASE(a[2]);
        if ((v >> 8) % 16 == 0)
            *rax |= CAIRN_DEL_F_HOST << 8;
        break;
    case CAIRN_SYS_REVOKE:
        a[0] = (v & 3) ? FZ_VS_PD : fz_sel();
        a[1] = fz_crd();
        if ((v >> 2) & 7)
            a[1] &= ~(0x1full << 2); /* rights must be 0 */
        if ((v >> 5) & 1)
            *rax |= CAIRN_REV_F_SELF << 8;
        break;
    case CAIRN_SYS_LOOKUP:
        a[0] = fz_crd();
        break;
    case CAIRN_SYS_EC_CTRL:
        a[0] = (v & 1) ? FZ_VS_H + (v >> 4) % 2 : fz_sel();
        a[1] = (v >> 1) & 7 ? CAIRN_EC_RECALL : fz_word();
        break;
    case CAIRN_SYS_SC_CTRL:
        a[0] = (v & 1) ? FZ_VS_FREE + (v >> 8) % 48 : fz_sel();
        a[1] = (v >> 1) & 3 ? (v >> 3) % 3 : fz_word();
        a[2] = (v >> 16) & 1 ? 100 + (v >> 17) % 20000 : fz_sel();
        a[3] = (v >> 32) & 1 ? 100 + (v >> 33) % 40000 : fz_word();
        break;
    case CAIRN_SYS_SM_CTRL:
        a[0] = (v & 1) ? FZ_VS_SM0 + (v >> 4) % 2 : fz_sel();
        a[1] = (v >> 1) & 7 ? (v >> 4) % 3 : fz_word();
        a[2] = fz_deadline();
        break;
    case CAIRN_SYS_PD_CTRL:
        a[0] = (v & 1) ? FZ_VS_FREE + (v >> 8) % 48 : fz_sel();
        a[1] = (v >> 1) & 7 ? CAIRN_PD_KILL : fz_word();
        break;
    case CAIRN_SYS_IRQ_CTRL:
        a[0] = (v & 1) ? FZ_VS_SM0 + (v >> 4) % 2 : fz_sel();
        a[1] = (v >> 1) & 3 ? (v >> 3) % 2 : fz_word();
        break;
    }
}

/* Does a revoke of the victim's own mappings (flag SELF) hit what it
 * runs from? Then it is moved to the garbage's part, mostly. */
static void fz_spare(uint64_t rax, uint64_t *a)
{
    uint64_t crd = a[1], base = CAIRN_CRD_BASE(crd), v = fz_rand();
    unsigned order = CAIRN_CRD_ORDER(crd);
    uint64_t end = order >= 52 ? ~0ull : base + (1ull << order);

    if ((rax & 0xff) == CAIRN_SYS_PD_CTRL && a[0] == FZ_VS_PD && v % 2048)
        a[0] = FZ_VS_FREE + (v >> 12) % 48; /* suicide: rarely */
    if ((rax & 0xff) != CAIRN_SYS_REVOKE || !((rax >> 8) & CAIRN_REV_F_SELF) || a[0] != FZ_VS_PD)
        return;
    if (CAIRN_CRD_TYPE(crd) == CAIRN_CRD_OBJ && base < FZ_VS_FREE && v % 256)
        a[1] = CAIRN_CRD(CAIRN_CRD_OBJ, FZ_VS_FREE + (v >> 12) % 48, 0, 0);
    if (CAIRN_CRD_TYPE(crd) == CAIRN_CRD_MEM && base < (FZ_V_WINDOW >> 12) &&
        end > (SH->text_lo >> 12) && v % 256)
        a[1] = CAIRN_CRD(CAIRN_CRD_MEM, (FZ_V_SCRATCH >> 12) + (v >> 12) % FZ_SCRATCH_PAGES, 0, 0);
}

static void fz_syscall(struct cairn_utcb *u)
{
    uint64_t v = fz_rand(), a[6], rsi;
    unsigned nr = (v & 15) ? (unsigned)((v >> 4) % CAIRN_SYS_COUNT) : (unsigned)((v >> 4) & 0xff);
    uint64_t rax = nr;

    if (nr == CAIRN_SYS_REPLY && (v >> 12) % 64)
        nr = rax = CAIRN_SYS_LOOKUP; /* a reply ends the batch: rarely */
    for (unsigned i = 0; i < 6; i++)
        a[i] = fz_word();
    if ((v >> 16) & 3)
        fz_shape(nr, &rax, a, u);
    if ((v >> 18) % 32 == 0)
        rax |= (fz_rand() & 0xff) << 8; /* any flags */
    if ((v >> 23) % 64 == 0)
        rax |= fz_rand() << 32; /* and garbage above */
    if ((rax & 0xff) == CAIRN_SYS_SM_CTRL && a[1] != CAIRN_SM_UP)
        a[2] = fz_deadline();
    if ((rax & 0xff) == CAIRN_SYS_CREATE_SC && a[3] > 1 && a[3] <= CAIRN_PRIO_MAX)
        a[3] = 1;
    fz_spare(rax, a);
    SH->last_rax = rax;
    for (unsigned i = 0; i < 6; i++)
        SH->last_args[i] = a[i];
    SH->evt_since_call = 0;
    uint64_t st = cairn_syscall6(rax, a[0], a[1], a[2], a[3], a[4], a[5], &rsi);
    SH->per_sys[nr < CAIRN_SYS_COUNT ? nr : CAIRN_SYS_COUNT]++;
    if (st >= CAIRN_STATUS_COUNT && !SH->hist[CAIRN_STATUS_COUNT]) {
        SH->bad_rax = rax;
        SH->bad_status = st;
        SH->bad_call = SH->calls;
    }
    SH->hist[st < CAIRN_STATUS_COUNT ? st : CAIRN_STATUS_COUNT]++;
    SH->calls++;
}

/* ---- hostile sequences ----------------------------------------------------- */

enum fz_kind {
    K_INT3, K_UD2, K_DIV0, K_INT, K_PRIV, K_ICEBP, K_JMP, K_CALL, K_READ, K_WRITE,
    K_RSP_PUSH, K_RSP_INT3, K_RSP_SYS, K_POPF_SYS, K_LJMP, K_LRETL, K_LRETQ, K_IRETQ,
    K_SEGS, K_X87, K_SSE, K_MXCSR, K_STD, K_SYS, K_TF, K_RSP_UD2, K_LCALL, K_LEAK, K_MOVSS, K_REGS,
};

/* Segment selectors: every GDT slot with several RPLs, the LDT, noise. */
static uint64_t fz_segsel(void)
{
    uint64_t v = fz_rand();

    if (v & 1)
        return 0x18 + (v >> 1) % 4; /* 32-bit user code, any RPL */
    if ((v >> 1) & 3)
        return (v >> 3) & 0x3f; /* GDT and LDT, any RPL */
    return (v >> 8) & 0xffff;
}

/* A target for a far transfer to selector sel: 32-bit code for the
 * 32-bit segment, the resume path for the 64-bit one. */
static uint64_t fz_far_target(uint64_t sel)
{
    if ((sel & ~3ull) == 0x18)
        return (uintptr_t)fz_code32_start;
    if ((sel & ~3ull) == 0x28)
        return (uintptr_t)fz_hostile_resume;
    return fz_addr() & 0xffffffff;
}

/* A harmless system call for a hostile sequence: one that neither
 * blocks nor ends the call. */
static uint64_t fz_safe_rax(void)
{
    static const uint8_t nrs[] = { CAIRN_SYS_LOOKUP, CAIRN_SYS_SC_CTRL, CAIRN_SYS_EC_CTRL,
                                   CAIRN_SYS_CREATE_SM, 0x42, 0xff };
    uint64_t v = fz_rand();

    return nrs[v % sizeof(nrs)] | ((v >> 8) & 1 ? (v >> 16) << 8 : 0);
}

/* An address to jump to, read or write: never the shared page, the
 * stacks or the text (that would run or break the fuzzer's own code). */
static uint64_t fz_wild(void)
{
    static const uint64_t at[] = {
        0, 0x1000, 0x0000800000000000ull, 0xffff800000000000ull, 0xffffffff80100000ull,
        CAIRN_USER_END, CAIRN_USER_END - 8, FZ_V_SCRATCH, FZ_V_WINDOW, FZ_V_UTCB + 8 * 4096,
        0x7fffffffffffffffull, 0xfffffffffffff000ull,
    };
    uint64_t v = fz_rand();

    return (v & 3) ? at[(v >> 2) % (sizeof(at) / sizeof(at[0]))] : (v | 0x8000000000000000ull);
}

static unsigned fz_c32_sub(void)
{
    return (unsigned)(fz_rand() % 24);
}

/* The event each of these kinds must give first; ~0: not checked. */
static uint64_t fz_expect(unsigned kind, uint64_t sub)
{
    switch (kind) {
    case K_INT3: case K_RSP_INT3: return CAIRN_EVT_BP;
    case K_UD2: case K_RSP_UD2: return CAIRN_EVT_UD;
    case K_DIV0: return CAIRN_EVT_DE;
    case K_TF: return CAIRN_EVT_DB; /* not icebp: QEMU gives #UD */
    case K_REGS: return CAIRN_EVT_UD;
    case K_X87: return CAIRN_EVT_MF;
    case K_INT: sub %= 256; return sub == 3 ? CAIRN_EVT_BP : sub == 4 ? CAIRN_EVT_OF : CAIRN_EVT_GP;
    default: return ~0ull;
    }
}

static void fz_hostile_op(void)
{
    uint64_t regs[16], v = fz_rand(), sel;
    unsigned kind = (unsigned)(v % 30);
    uint64_t sub = v >> 8;

    for (unsigned i = 0; i < 16; i++)
        regs[i] = fz_word();
    /* rax rbx rcx rdx rsi rdi rbp: 0..6 */
    switch (kind) {
    case K_JMP: case K_CALL: case K_READ: case K_WRITE: case K_RSP_PUSH: case K_RSP_INT3:
    case K_RSP_UD2:
        regs[0] = fz_wild();
        break;
    case K_RSP_SYS:
        regs[0] = fz_safe_rax();
        regs[6] = fz_wild();
        break;
    case K_POPF_SYS:
        regs[0] = fz_safe_rax();
        break;
    case K_LJMP: case K_LRETL: case K_LCALL:
        sel = fz_segsel();
        regs[1] = sel << 32 | fz_far_target(sel);
        regs[4] = fz_c32_sub();
        break;
    case K_LRETQ:
        regs[2] = fz_segsel();
        regs[1] = fz_far_target(regs[2]);
        regs[4] = fz_c32_sub();
        break;
    case K_IRETQ:
        regs[2] = fz_segsel();
        regs[1] = fz_far_target(regs[2]);
        regs[4] = fz_c32_sub() | 2; /* the rflags iretq loads, and the 32-bit code's sub */
        regs[3] = (v >> 40) & 1 ? 0x23 : fz_segsel();
        regs[6] = FZ_V_STACK + 4 * FZ_STACK - 256;
        break;
    case K_SEGS: case K_MOVSS:
        regs[0] = fz_safe_rax();
        regs[1] = kind == K_MOVSS && (v >> 40) & 1 ? 0x23 : fz_segsel();
        regs[2] = fz_segsel();
        regs[3] = fz_segsel();
        regs[4] = (v >> 40) & 1 ? 0x23 : fz_segsel();
        break;
    case K_MXCSR:
        regs[1] |= 0xffff0000ull;
        break;
    case K_PRIV:
        if (v & 1 << 20)
            regs[3] = FZ_PORT_BASE + (v >> 21) % 10; /* dx: the victim's ports and beyond */
        break;
    case K_SYS: case K_REGS:
        regs[0] = fz_safe_rax();
        break;
    }
    regs[5] = fz_wild() & 0xffffffff; /* edi: where the 32-bit code jumps */
    SH->hostile_kind = kind;
    SH->expect_evt = fz_expect(kind, sub);
    SH->first_evt = ~0ull;
    SH->hostile_rax = 0;
    SH->retry = (v >> 50) % 4 == 0;
    SH->in_hostile = 1;
    fz_hostile(kind, sub, regs);
    SH->in_hostile = 0;
    if (SH->hostile_rax >= CAIRN_STATUS_COUNT)
        SH->hostile_bad++;
    SH->hostile++;
}

/* ---- the portal functions -------------------------------------------------- */

/* H: fuzz until the batch's target, then answer the fuzzer. */
void fz_victim_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    SH->in_hostile = SH->mode32 = 0; /* a call starts in 64-bit C code */
    while (SH->calls < SH->target) {
        if (fz_rand() % 32 == 0)
            fz_hostile_op();
        else
            fz_syscall(u);
    }
    u->untyped = u->typed = 0;
    cairn_reply(0);
}

/* H2: echo a few words, now and then with a capability of the victim,
 * and open receive windows for the next call. */
void fz_victim_echo(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    uint64_t v = u->mr[0] ^ badge;
    unsigned n = u->untyped < 4 ? u->untyped : 4;

    u->untyped = (uint16_t)n;
    u->typed = (v & 3) == 0;
    u->mr[n] = CAIRN_CRD(CAIRN_CRD_OBJ, FZ_VS_SM0 + (v >> 8) % 7, 0, CAIRN_R_ALL);
    u->mr[n + 1] = (v >> 16) & 63;
    u->rcv_obj = (v >> 2) & 1 ? CAIRN_CRD(CAIRN_CRD_OBJ, FZ_VS_RCV, 6, 0) : 0;
    u->rcv_mem = (v >> 3) & 1 ? CAIRN_CRD(CAIRN_CRD_MEM, FZ_V_WINDOW >> 12, FZ_WINDOW_ORDER, 0) : 0;
    cairn_reply(0);
}
