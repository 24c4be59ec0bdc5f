/* Local APIC (lapic). */
#include "lapic.h"

#include <string.h>

enum {
    REG_ID = 0x020,
    REG_VERSION = 0x030,
    REG_TPR = 0x080,
    REG_APR = 0x090,
    REG_PPR = 0x0a0,
    REG_EOI = 0x0b0,
    REG_LDR = 0x0d0,
    REG_DFR = 0x0e0,
    REG_SVR = 0x0f0,
    REG_ISR = 0x100,
    REG_TMR = 0x180,
    REG_IRR = 0x200,
    REG_ESR = 0x280,
    REG_ICR_LO = 0x300,
    REG_ICR_HI = 0x310,
    REG_LVT = 0x320, /* six entries, 0x320-0x370 */
    REG_TMICT = 0x380,
    REG_TMCCT = 0x390,
    REG_TDCR = 0x3e0,
};

#define VERSION 0x00050014u /* max LVT entry 5, version 0x14 */
#define LVT_MASKED (1u << 16)
#define SVR_ENABLE (1u << 8)
#define SVR_WRITABLE 0x3ffu /* vector, enable, focus check */
#define ICR_LO_WRITABLE 0x000ccfffu /* vector, mode, dest mode, level, trigger, shorthand */
#define ICR_LOGICAL (1u << 11)
#define ESR_SEND_ILLEGAL 0x20u
#define ESR_RECV_ILLEGAL 0x40u
#define LINT0_BIOS 0x8700u /* ExtINT, level */
#define LINT1_BIOS 0x8400u /* NMI, level */
/* IA32_APIC_BASE: bits 0-7, 9, 10 (x2APIC) and 52-63 are reserved. */
#define APIC_BASE_RESERVED (0x6ffull | ~0ull << 52)

enum { TIMER_ONESHOT, TIMER_PERIODIC, TIMER_TSC_DEADLINE };
enum { DM_FIXED = 0, DM_LOWEST = 1, DM_NMI = 4, DM_EXTINT = 7 };

/* What software may set in each LVT entry (delivery status and remote
 * IRR are read-only and stay 0 here). */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
    0x000700ff, /* timer: vector, mask, mode */
    0x000107ff, /* thermal: vector, delivery mode, mask */
    0x000107ff, /* performance counters */
    0x0001a7ff, /* LINT0: vector, delivery mode, polarity, trigger, mask */
    0x0001a7ff, /* LINT1 */
    0x000100ff, /* error: vector, mask */
};

/* ---- bit arrays and priorities -------------------------------------------- */

static bool test_bit(const uint32_t r[8], unsigned v)
{
    return r[v >> 5] & (1u << (v & 31));
}

static void set_bit(uint32_t r[8], unsigned v)
{
    r[v >> 5] |= 1u << (v & 31);
}

static void clear_bit(uint32_t r[8], unsigned v)
{
    r[v >> 5] &= ~(1u << (v & 31));
}

/* The highest vector set, or -1. */
static int highest(const uint32_t r[8])
{
    for (int i = 7; i >= 0; i--)
        if (r[i])
            return i * 32 + 31 - __builtin_clz(r[i]);
    return -1;
}

static uint32_t get_ppr(const struct lapic *l)
{
    int isrv = highest(l->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
    return (l->tpr & 0xf0) >= isr_class ? l->tpr : isr_class;
}

bool lapic_enabled(const struct lapic *l)
{
    return l->apic_base & LAPIC_BASE_ENABLE;
}

static bool sw_enabled(const struct lapic *l)
{
    return lapic_enabled(l) && (l->svr & SVR_ENABLE);
}

/* ---- accepting interrupts ------------------------------------------------ */

static void accept(struct lapic *l, unsigned vector, bool level);

/* Record errors; the error LVT interrupts if unmasked. */
static void error(struct lapic *l, uint32_t bits)
{
    uint32_t lvt = l->lvt[LAPIC_LVT_ERROR];
    l->esr_pending |= bits;
    if (!(lvt & LVT_MASKED) && (lvt & 0xff) >= 16)
        accept(l, lvt & 0xff, false);
}

static void accept(struct lapic *l, unsigned vector, bool level)
{
    if (!sw_enabled(l))
        return;
    if (vector < 16) {
        error(l, ESR_RECV_ILLEGAL);
        return;
    }
    set_bit(l->irr, vector);
    if (level)
        set_bit(l->tmr, vector);
    else
        clear_bit(l->tmr, vector);
}

void lapic_set_irq(struct lapic *l, uint8_t vector, bool level_triggered)
{
    accept(l, vector, level_triggered);
}

int lapic_pending(const struct lapic *l)
{
    if (!lapic_enabled(l))
        return -1;
    int v = highest(l->irr);
    if (v < 0 || ((uint32_t)v & 0xf0) <= (get_ppr(l) & 0xf0))
        return -1;
    return v;
}

int lapic_ack(struct lapic *l)
{
    int v = lapic_pending(l);
    if (v < 0)
        return -1;
    clear_bit(l->irr, (unsigned)v);
    set_bit(l->isr, (unsigned)v);
    return v;
}

static void eoi(struct lapic *l)
{
    int v = highest(l->isr);
    if (v < 0)
        return;
    clear_bit(l->isr, (unsigned)v);
    if (test_bit(l->tmr, (unsigned)v) && l->eoi.eoi)
        l->eoi.eoi(l->eoi.ctx, (uint8_t)v);
}

void lapic_eoi(struct lapic *l)
{
    if (lapic_enabled(l))
        eoi(l);
}

int lapic_quiet_eoi_vector(const struct lapic *l)
{
    int v = highest(l->isr);
    if (!lapic_enabled(l) || v < 0 || test_bit(l->tmr, (unsigned)v) || highest(l->irr) >= 0)
        return -1;
    return v;
}

bool lapic_take_nmi(struct lapic *l)
{
    bool nmi = l->nmi;
    l->nmi = false;
    return nmi;
}

bool lapic_extint_enabled(const struct lapic *l)
{
    uint32_t lvt0 = l->lvt[LAPIC_LVT_LINT0];
    if (!lapic_enabled(l))
        return true;
    return !(lvt0 & LVT_MASKED) && ((lvt0 >> 8) & 7) == DM_EXTINT;
}

void lapic_set_tpr(struct lapic *l, uint8_t cr8)
{
    l->tpr = (uint32_t)(cr8 & 0xf) << 4;
}

uint8_t lapic_get_tpr(const struct lapic *l)
{
    return (uint8_t)((l->tpr >> 4) & 0xf);
}

/* ---- IPIs ------------------------------------------------------------------ */

/* Does an IPI's destination field name this APIC? */
static bool match_dest(const struct lapic *l, uint8_t dest, bool logical)
{
    uint8_t ldr = (uint8_t)(l->ldr >> 24);
    if (dest == 0xff)
        return true;
    if (!logical)
        return dest == (uint8_t)(l->id >> 24);
    if ((l->dfr >> 28) == 0xf) /* flat: a bit per APIC */
        return dest & ldr;
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf); /* cluster */
}

static void send_ipi(struct lapic *l)
{
    uint32_t lo = l->icr_lo;
    unsigned vector = lo & 0xff, mode = (lo >> 8) & 7;
    bool self;
    switch ((lo >> 18) & 3) {
    case 0:
        self = match_dest(l, (uint8_t)(l->icr_hi >> 24), lo & ICR_LOGICAL);
        break;
    case 3: /* all excluding self: there is nobody else */
        self = false;
        break;
    default: /* self, all including self */
        self = true;
        break;
    }
    if (mode == DM_FIXED || mode == DM_LOWEST) {
        if (vector < 16)
            error(l, ESR_SEND_ILLEGAL);
        else if (self)
            accept(l, vector, false);
    } else if (mode == DM_NMI && self) {
        l->nmi = true;
    }
}

/* ---- timer ----------------------------------------------------------------- */

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t now(const struct lapic *l)
{
    return vmm_clock_now(&l->clock);
}

/* Base-clock ticks in ns (saturating). */
static uint64_t ns_to_ticks(const struct lapic *l, uint64_t ns)
{
    uint64_t s = ns / VMM_NS_PER_S, hz = l->timer_hz;
    if (s > UINT64_MAX / hz)
        return UINT64_MAX;
    return add_sat(s * hz, ns % VMM_NS_PER_S * hz / VMM_NS_PER_S);
}

/* The first ns at or after which ticks base-clock ticks have passed. */
static uint64_t ticks_to_ns(const struct lapic *l, uint64_t ticks)
{
    uint64_t hz = l->timer_hz, s = ticks / hz, r = ticks % hz;
    if (s > UINT64_MAX / VMM_NS_PER_S)
        return UINT64_MAX;
    return add_sat(s * VMM_NS_PER_S, (r * VMM_NS_PER_S + hz - 1) / hz);
}

static unsigned timer_mode(const struct lapic *l)
{
    unsigned m = (l->lvt[LAPIC_LVT_TIMER] >> 17) & 3;
    return m == 3 ? TIMER_ONESHOT : m; /* 3 is reserved */
}

/* log2 of the divider: TDCR bits 3, 1, 0 as 000 = 2 ... 110 = 128, 111 = 1. */
static unsigned div_shift(uint32_t tdcr)
{
    return (((tdcr & 3) | ((tdcr >> 1) & 4)) + 1) & 7;
}

/* Counter ticks since start_ns. */
static uint64_t elapsed(const struct lapic *l, uint64_t t)
{
    return t > l->start_ns ? ns_to_ticks(l, t - l->start_ns) >> div_shift(l->tdcr) : 0;
}

/* One-shot or periodic expiries by time t. */
static uint64_t expiries(const struct lapic *l, uint64_t t)
{
    uint64_t e = elapsed(l, t);
    if (e < l->count)
        return 0;
    if (timer_mode(l) != TIMER_PERIODIC || !l->tmict)
        return 1;
    return 1 + (e - l->count) / l->tmict;
}

static uint32_t current_count(const struct lapic *l, uint64_t t)
{
    if (!l->running)
        return 0;
    uint64_t e = elapsed(l, t);
    if (e < l->count)
        return (uint32_t)(l->count - e);
    if (timer_mode(l) != TIMER_PERIODIC || !l->tmict)
        return 0;
    return (uint32_t)(l->tmict - (e - l->count) % l->tmict);
}

static void timer_fire(struct lapic *l)
{
    uint32_t lvt = l->lvt[LAPIC_LVT_TIMER];
    if (!(lvt & LVT_MASKED))
        accept(l, lvt & 0xff, false);
}

void lapic_update(struct lapic *l)
{
    uint64_t t = now(l);
    if (timer_mode(l) == TIMER_TSC_DEADLINE) {
        if (l->tsc_deadline && t >= l->deadline_ns) {
            l->tsc_deadline = 0;
            timer_fire(l);
        }
        return;
    }
    if (!l->running)
        return;
    uint64_t n = expiries(l, t);
    if (n <= l->fired)
        return;
    l->fired = n;
    if (timer_mode(l) != TIMER_PERIODIC)
        l->running = false;
    timer_fire(l);
}

uint64_t lapic_next_event_ns(const struct lapic *l)
{
    if (!lapic_enabled(l) || (l->lvt[LAPIC_LVT_TIMER] & LVT_MASKED))
        return UINT64_MAX;
    if (timer_mode(l) == TIMER_TSC_DEADLINE)
        return l->tsc_deadline ? l->deadline_ns : UINT64_MAX;
    if (!l->running)
        return UINT64_MAX;
    /* The next expiry, in counter ticks from start_ns: count, then every
     * tmict (fired is 0 for a running one-shot). */
    uint64_t target = l->count;
    if (l->fired && l->tmict > (UINT64_MAX - target) / l->fired)
        return UINT64_MAX;
    target += l->fired * l->tmict;
    unsigned shift = div_shift(l->tdcr);
    if (target > UINT64_MAX >> shift)
        return UINT64_MAX;
    return add_sat(l->start_ns, ticks_to_ns(l, target << shift));
}

/* Count on from the current count (before a change of divider or mode). */
static void timer_rebase(struct lapic *l, uint64_t t)
{
    if (!l->running)
        return;
    l->count = current_count(l, t);
    l->start_ns = t;
    l->fired = 0;
    l->running = l->count != 0;
}

static void write_tmict(struct lapic *l, uint32_t v, uint64_t t)
{
    if (timer_mode(l) == TIMER_TSC_DEADLINE)
        return;
    l->tmict = v;
    l->count = v;
    l->start_ns = t;
    l->fired = 0;
    l->running = v != 0;
}

static void write_tdcr(struct lapic *l, uint32_t v, uint64_t t)
{
    v &= 0xb;
    if (div_shift(v) != div_shift(l->tdcr))
        timer_rebase(l, t);
    l->tdcr = v;
}

/* The timer LVT's mode changes from the current one to that of lvt. */
static void timer_mode_change(struct lapic *l, uint32_t lvt, uint64_t t)
{
    unsigned from = timer_mode(l), m = (lvt >> 17) & 3, to = m == 3 ? TIMER_ONESHOT : m;
    if (from == to)
        return;
    if (from == TIMER_TSC_DEADLINE || to == TIMER_TSC_DEADLINE) {
        l->running = false;
        l->tmict = 0;
        l->tsc_deadline = 0;
    } else {
        timer_rebase(l, t);
    }
}

static uint64_t tsc_to_ns(const struct lapic *l, uint64_t tsc)
{
    return l->tsc.to_ns ? l->tsc.to_ns(l->tsc.ctx, tsc) : tsc;
}

uint64_t lapic_read_tsc_deadline(struct lapic *l)
{
    lapic_update(l);
    return timer_mode(l) == TIMER_TSC_DEADLINE ? l->tsc_deadline : 0;
}

void lapic_write_tsc_deadline(struct lapic *l, uint64_t tsc)
{
    lapic_update(l);
    if (!lapic_enabled(l) || timer_mode(l) != TIMER_TSC_DEADLINE)
        return;
    l->tsc_deadline = tsc;
    l->deadline_ns = tsc ? tsc_to_ns(l, tsc) : 0;
    lapic_update(l); /* a deadline already past fires now */
}

/* ---- registers --------------------------------------------------------------- */

static void write_svr(struct lapic *l, uint32_t v)
{
    l->svr = v & SVR_WRITABLE;
    if (!(v & SVR_ENABLE))
        for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
            l->lvt[i] |= LVT_MASKED;
}

static void write_lvt(struct lapic *l, unsigned i, uint32_t v, uint64_t t)
{
    v &= lvt_writable[i];
    if (!(l->svr & SVR_ENABLE))
        v |= LVT_MASKED;
    if (i == LAPIC_LVT_TIMER)
        timer_mode_change(l, v, t);
    l->lvt[i] = v;
}

static bool decoded(const struct lapic *l, uint64_t offset, unsigned size)
{
    return lapic_enabled(l) && size == 4 && offset < 0x1000 && !(offset & 0xf);
}

uint32_t lapic_read(struct lapic *l, uint64_t offset, unsigned size)
{
    if (!decoded(l, offset, size))
        return 0;
    lapic_update(l);
    unsigned reg = (unsigned)offset, i = (reg >> 4) & 7;
    if (reg >= REG_ISR && reg < REG_ISR + 0x80)
        return l->isr[i];
    if (reg >= REG_TMR && reg < REG_TMR + 0x80)
        return l->tmr[i];
    if (reg >= REG_IRR && reg < REG_IRR + 0x80)
        return l->irr[i];
    if (reg >= REG_LVT && reg < REG_LVT + 0x10 * LAPIC_LVT_COUNT)
        return l->lvt[(reg - REG_LVT) >> 4];
    switch (reg) {
    case REG_ID:
        return l->id;
    case REG_VERSION:
        return VERSION;
    case REG_TPR:
        return l->tpr;
    case REG_PPR:
        return get_ppr(l);
    case REG_LDR:
        return l->ldr;
    case REG_DFR:
        return l->dfr;
    case REG_SVR:
        return l->svr;
    case REG_ESR:
        return l->esr;
    case REG_ICR_LO:
        return l->icr_lo; /* delivery status 0: sent */
    case REG_ICR_HI:
        return l->icr_hi;
    case REG_TMICT:
        return l->tmict;
    case REG_TMCCT:
        return current_count(l, now(l));
    case REG_TDCR:
        return l->tdcr;
    default: /* APR, EOI, RRD, reserved */
        return 0;
    }
}

void lapic_write(struct lapic *l, uint64_t offset, unsigned size, uint32_t value)
{
    if (!decoded(l, offset, size))
        return;
    lapic_update(l);
    uint64_t t = now(l);
    unsigned reg = (unsigned)offset;
    if (reg >= REG_LVT && reg < REG_LVT + 0x10 * LAPIC_LVT_COUNT) {
        write_lvt(l, (reg - REG_LVT) >> 4, value, t);
        return;
    }
    switch (reg) {
    case REG_ID:
        l->id = value & 0xff000000u;
        break;
    case REG_TPR:
        l->tpr = value & 0xff;
        break;
    case REG_EOI:
        eoi(l);
        break;
    case REG_LDR:
        l->ldr = value & 0xff000000u;
        break;
    case REG_DFR:
        l->dfr = value | 0x0fffffffu;
        break;
    case REG_SVR:
        write_svr(l, value);
        break;
    case REG_ESR: /* a write latches the errors since the last one */
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        break;
    case REG_ICR_LO:
        l->icr_lo = value & ICR_LO_WRITABLE;
        send_ipi(l);
        break;
    case REG_ICR_HI:
        l->icr_hi = value & 0xff000000u;
        break;
    case REG_TMICT:
        write_tmict(l, value, t);
        break;
    case REG_TDCR:
        write_tdcr(l, value, t);
        break;
    default: /* read-only and reserved */
        break;
    }
}

/* ---- reset and IA32_APIC_BASE ---------------------------------------------- */

/* The power-on register state (the SDM's "after reset"). */
static void reset(struct lapic *l)
{
    struct lapic keep = *l;
    memset(l, 0, sizeof(*l));
    l->clock = keep.clock;
    l->tsc = keep.tsc;
    l->eoi = keep.eoi;
    l->timer_hz = keep.timer_hz;
    l->apic_base = keep.apic_base;
    l->initial_id = l->id = keep.initial_id;
    l->dfr = 0xffffffffu;
    l->svr = 0xff;
    for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
        l->lvt[i] = LVT_MASKED;
}

void lapic_init(struct lapic *l, uint8_t id, uint32_t timer_hz, struct vmm_clock clock,
                struct lapic_tsc tsc, struct lapic_eoi eoi_cb)
{
    memset(l, 0, sizeof(*l));
    l->clock = clock;
    l->tsc = tsc;
    l->eoi = eoi_cb;
    l->timer_hz = timer_hz ? timer_hz : LAPIC_TIMER_HZ;
    l->apic_base = LAPIC_BASE | LAPIC_BASE_ENABLE | LAPIC_BASE_BSP;
    l->initial_id = (uint32_t)id << 24;
    reset(l);
    /* what the BIOS leaves: software enabled, virtual wire on LINT0 */
    l->svr = 0x1ff;
    l->lvt[LAPIC_LVT_LINT0] = LINT0_BIOS;
    l->lvt[LAPIC_LVT_LINT1] = LINT1_BIOS;
}

uint64_t lapic_read_apic_base(const struct lapic *l)
{
    return l->apic_base;
}

cairn_status_t lapic_write_apic_base(struct lapic *l, uint64_t value)
{
    if (value & APIC_BASE_RESERVED)
        return CAIRN_EINVAL;
    bool enable = value & LAPIC_BASE_ENABLE;
    if (!enable && lapic_enabled(l))
        reset(l);
    l->apic_base = (l->apic_base & ~(uint64_t)LAPIC_BASE_ENABLE) | (enable ? LAPIC_BASE_ENABLE : 0);
    return CAIRN_OK;
}

/* ---- MMIO callbacks ------------------------------------------------------------ */

static uint64_t mmio_read(void *dev, uint64_t offset, unsigned size)
{
    return lapic_read(dev, offset, size);
}

static void mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    lapic_write(dev, offset, size, (uint32_t)value);
}

const struct vmm_mmio_ops lapic_mmio_ops = { mmio_read, mmio_write };
