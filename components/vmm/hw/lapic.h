/*
 * Local APIC (lapic): the xAPIC of a single-CPU guest, as Linux drives
 * it in APIC mode.
 *
 * MMIO: the 4 KiB page at IA32_APIC_BASE (0xfee00000); the VMM passes the
 * offset within the page. Registers are 32 bits wide on 16-byte
 * boundaries; any other size or offset, an undecoded register, or any
 * access while the APIC is globally disabled reads 0 and ignores writes.
 * Registers: ID (writable, bits 31:24), version 0x00050014 (version 0x14,
 * six LVT entries, no EOI-broadcast suppression), TPR, APR (0), PPR, EOI,
 * RRD (0), LDR, DFR, SVR, ISR/TMR/IRR (8 x 32 bits each, read-only), ESR,
 * ICR low/high, the LVT (timer, thermal, performance counters, LINT0,
 * LINT1, error), the timer's initial count, current count and divide
 * configuration. Read-only and reserved bits read as the hardware's.
 *
 * Interrupts: lapic_set_irq puts a vector into the IRR (TMR set for
 * level-triggered ones), from the IO-APIC or the VMM. lapic_pending is
 * the highest IRR vector whose priority class (vector >> 4) is above the
 * PPR's, which is the TPR or the class of the highest in-service vector,
 * whichever is higher; lapic_ack is the CPU taking it (IRR -> ISR). An
 * EOI clears the highest ISR bit; if its TMR bit is set (level) the eoi
 * callback tells the IO-APIC (lapic_eoi is the same EOI, for the VMM's
 * paravirtual EOI; lapic_quiet_eoi_vector says when it may be deferred
 * to the VMM). Vectors 0-15 are illegal: not accepted,
 * the ESR says so (and the error LVT fires if unmasked).
 *
 * The ICR sends only to this CPU: fixed and lowest-priority IPIs whose
 * destination matches (shorthand self or all; physical destination equal
 * to the ID or 0xff; logical destination matching LDR in the flat or
 * cluster model of DFR) are accepted as edge-triggered vectors, an NMI to
 * self is reported by lapic_take_nmi; INIT, SIPI, SMI and IPIs for other
 * CPUs are dropped. The delivery-status bit always reads 0 (idle).
 *
 * LINT0/LINT1 are not inputs here: the 8259 path belongs to the VMM,
 * which asks lapic_extint_enabled whether LINT0 passes the PIC's INTR
 * (virtual wire mode). Thermal and performance-counter LVTs never fire.
 *
 * Software disable (SVR bit 8 clear): every LVT is masked and stays so,
 * fixed interrupts and IPIs are not accepted; vectors already in the IRR
 * stay pending and are still delivered (the SDM: "held and require
 * masking or handling by the CPU"; KVM does the same). Global disable
 * (IA32_APIC_BASE bit 11 clear): the APIC is off, the MMIO page is dead,
 * nothing is delivered and the PIC's INTR goes straight to the CPU; the
 * registers return to their power-on state (as the SDM allows), which a
 * re-enable keeps: software disabled, LVTs masked.
 *
 * Timer: counts the base clock (timer_hz, before the divider) from the
 * VMM's clock; one-shot, periodic (missed periods coalesce into one
 * interrupt) and TSC-deadline. The initial count starts one-shot and
 * periodic mode; in TSC-deadline mode it is ignored, the current count
 * reads 0, and the deadline (lapic_write_tsc_deadline, MSR 0x6e0) fires
 * once when the guest's TSC reaches it, then reads 0. Converting the
 * guest's TSC to the clock is the VMM's: the tsc callback. Switching
 * between one-shot and periodic keeps the count running; switching to or
 * from TSC-deadline stops the timer (as KVM). A divide-configuration
 * change keeps the current count and counts on at the new rate. A masked
 * timer counts but does not interrupt.
 *
 * The model acts when accessed or when the VMM calls lapic_update, which
 * it should do before asking lapic_pending and at lapic_next_event_ns.
 *
 * Initial state is what a PC BIOS (SeaBIOS) leaves for the OS: globally
 * enabled at 0xfee00000 as the BSP, software enabled (SVR 0x1ff), LINT0
 * ExtINT (virtual wire: the PIC reaches the CPU), LINT1 NMI, the other
 * LVTs masked.
 */
#pragma once

#include "io.h"

#define LAPIC_BASE 0xfee00000u
#define LAPIC_MSR_APIC_BASE 0x1bu
#define LAPIC_MSR_TSC_DEADLINE 0x6e0u
#define LAPIC_TIMER_HZ 1000000000u /* the default base clock: 1 GHz */

/* IA32_APIC_BASE bits */
#define LAPIC_BASE_BSP (1u << 8)
#define LAPIC_BASE_ENABLE (1u << 11)

enum { LAPIC_LVT_TIMER, LAPIC_LVT_THERMAL, LAPIC_LVT_PERF, LAPIC_LVT_LINT0, LAPIC_LVT_LINT1,
       LAPIC_LVT_ERROR, LAPIC_LVT_COUNT };

/* The guest's TSC against the clock: the clock's ns at which the guest's
 * TSC reads tsc (saturating). NULL: the TSC counts the clock's ns. */
struct lapic_tsc {
    uint64_t (*to_ns)(void *ctx, uint64_t tsc);
    void *ctx;
};

/* Told of the EOI of a level-triggered vector (for the IO-APIC). */
struct lapic_eoi {
    void (*eoi)(void *ctx, uint8_t vector);
    void *ctx;
};

struct lapic {
    struct vmm_clock clock;
    struct lapic_tsc tsc;
    struct lapic_eoi eoi;
    uint64_t timer_hz;
    uint64_t apic_base;      /* IA32_APIC_BASE */
    uint32_t initial_id;     /* bits 31:24, restored by a global disable */
    uint32_t id, tpr, ldr, dfr, svr;
    uint32_t esr, esr_pending; /* readable ESR; errors since the last ESR write */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LAPIC_LVT_COUNT];
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t tmict, tdcr;    /* initial count, divide configuration */
    /* one-shot and periodic: the counter was count at start_ns; fired
     * expiries were signalled since */
    uint64_t start_ns, fired;
    uint32_t count;
    bool running;
    /* TSC-deadline: the MSR (0: disarmed) and when it fires */
    uint64_t tsc_deadline, deadline_ns;
    bool nmi;                /* an NMI IPI to self, not yet taken */
};

/* Reset to the BIOS state above with APIC ID id; timer_hz is the timer's
 * base clock (0: LAPIC_TIMER_HZ), at most 4.29 GHz. */
void lapic_init(struct lapic *l, uint8_t id, uint32_t timer_hz, struct vmm_clock clock,
                struct lapic_tsc tsc, struct lapic_eoi eoi);

/* MMIO within the APIC page: size 4 at offsets 0x000, 0x010, ... 0xff0. */
uint32_t lapic_read(struct lapic *l, uint64_t offset, unsigned size);
void lapic_write(struct lapic *l, uint64_t offset, unsigned size, uint32_t value);

/* A fixed interrupt arrives (IO-APIC, MSI or the VMM). */
void lapic_set_irq(struct lapic *l, uint8_t vector, bool level_triggered);
/* The vector the CPU should take now, or -1. */
int lapic_pending(const struct lapic *l);
/* The CPU takes it: IRR -> ISR; the vector to inject, or -1 if none. */
int lapic_ack(struct lapic *l);
/* An EOI, as the guest's write to the EOI register (the VMM's PV EOI). */
void lapic_eoi(struct lapic *l);
/* The vector whose EOI needs nothing but clearing its ISR bit: the highest
 * in service if it is edge-triggered and no vector waits in the IRR (an
 * EOI then unblocks nothing and tells the IO-APIC nothing); else -1. The
 * VMM lets the guest signal that EOI through memory (KVM's PV EOI). */
int lapic_quiet_eoi_vector(const struct lapic *l);
/* An NMI IPI to self was sent: true once, then the VMM injects an NMI. */
bool lapic_take_nmi(struct lapic *l);
/* Does LINT0 pass the 8259's INTR to the CPU (APIC globally disabled, or
 * LINT0 unmasked in ExtINT mode)? The VMM then acknowledges the PIC. */
bool lapic_extint_enabled(const struct lapic *l);
/* Is the APIC globally enabled (its MMIO page decoded)? */
bool lapic_enabled(const struct lapic *l);

/* Bring the timer up to the clock (an expiry puts its vector into the IRR). */
void lapic_update(struct lapic *l);
/* When the timer next interrupts; UINT64_MAX if it will not. */
uint64_t lapic_next_event_ns(const struct lapic *l);

/* CR8: TPR[7:4]. */
void lapic_set_tpr(struct lapic *l, uint8_t cr8);
uint8_t lapic_get_tpr(const struct lapic *l);

/* MSR 0x1b (IA32_APIC_BASE): base | enable (bit 11) | BSP (bit 8). A write
 * may clear or set the enable bit; the base and BSP bit stay (no
 * relocation, no x2APIC). CAIRN_EINVAL: reserved bits set, the VMM raises
 * #GP. */
uint64_t lapic_read_apic_base(const struct lapic *l);
cairn_status_t lapic_write_apic_base(struct lapic *l, uint64_t value);

/* MSR 0x6e0 (IA32_TSC_DEADLINE), in the guest's TSC. Reads 0 unless armed
 * in TSC-deadline mode; writes outside that mode are ignored; 0 disarms. */
uint64_t lapic_read_tsc_deadline(struct lapic *l);
void lapic_write_tsc_deadline(struct lapic *l, uint64_t tsc);

extern const struct vmm_mmio_ops lapic_mmio_ops;
