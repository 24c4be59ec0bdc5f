/*
 * IO-APIC (ioapic): an 82093AA-style I/O APIC with 24 inputs and the EOI
 * register of version 0x20, for a single-CPU guest.
 *
 * MMIO at 0xfec00000 (the VMM passes the offset in the window): 0x00
 * IOREGSEL (8 bits; any access size), 0x10 IOWIN (32-bit accesses), 0x40
 * EOI (32-bit writes: the vector whose level-triggered entries get their
 * Remote IRR cleared). Other offsets and sizes read 0, writes ignored.
 * Indirect registers: 0x00 ID (bits 27:24 writable), 0x01 version
 * 0x00170020 (24 entries, version 0x20), 0x02 arbitration ID (the ID),
 * 0x10 + 2n / 0x11 + 2n redirection entry n, low and high word. Others
 * read 0. In an entry, the delivery status and Remote IRR bits are
 * read-only and bits 17-55 reserved (read 0).
 *
 * Inputs: ioapic_set_irq(pin, level), level meaning asserted whatever the
 * entry's polarity bit says (the polarity is kept for the guest to read,
 * not applied). An edge-triggered entry sends its vector on a rising
 * edge; an edge on a masked pin is lost (as the datasheet). A
 * level-triggered entry sends while the line is asserted, unmasked and its
 * Remote IRR clear, and then sets Remote IRR; the EOI of its vector (the
 * local APIC's EOI broadcast through ioapic_eoi, or the EOI register)
 * clears Remote IRR and sends again if the line is still asserted.
 * Unmasking an asserted level-triggered pin sends. Reprogramming an entry
 * as edge-triggered clears its Remote IRR (Linux relies on this, KVM does
 * it). Delivery status always reads 0 (idle).
 *
 * Sending is the deliver callback with the vector and the trigger mode,
 * for fixed and lowest-priority entries; the destination is not checked
 * (there is one CPU). SMI, NMI, INIT and ExtINT entries send nothing.
 * Reset: all entries masked, edge, vector 0.
 */
#pragma once

#include "io.h"

#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_PINS 24
#define IOAPIC_VERSION 0x00170020u

struct ioapic {
    uint64_t redir[IOAPIC_PINS];
    uint32_t lines; /* asserted inputs */
    uint32_t id;    /* bits 27:24 */
    uint8_t regsel;
    void (*deliver)(void *ctx, uint8_t vector, bool level_triggered);
    void *ctx;
};

/* Reset with IO-APIC ID id (0-15); deliver may be NULL (nothing wired). */
void ioapic_init(struct ioapic *io, uint8_t id,
                 void (*deliver)(void *ctx, uint8_t vector, bool level_triggered), void *ctx);
uint32_t ioapic_read(struct ioapic *io, uint64_t offset, unsigned size);
void ioapic_write(struct ioapic *io, uint64_t offset, unsigned size, uint32_t value);

/* Drive input pin 0-23 (others ignored); level true = asserted. */
void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level);
/* An EOI for vector reached the IO-APIC. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

extern const struct vmm_mmio_ops ioapic_mmio_ops;
