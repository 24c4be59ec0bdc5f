/*
 * 8259A PIC pair (pic8259): the PC's master and slave interrupt
 * controllers, the slave cascaded on master IR2, plus the ELCR.
 *
 * Ports are absolute: 0x20-0x21 (master), 0xa0-0xa1 (slave), 0x4d0-0x4d1
 * (ELCR, one bit per IRQ: 1 = level triggered; IRQ 0, 1, 2, 8 and 13 are
 * always edge). Others read 0xff.
 *
 * Implemented: the ICW1-ICW4 init sequence (vector base from ICW2, ICW4's
 * auto-EOI and special fully nested mode; single mode skips ICW3; ICW1's
 * LTIM and ICW3's wiring are accepted and ignored: the PC wiring is fixed
 * and triggering follows the ELCR), OCW1 mask, OCW2 EOI (non-specific,
 * specific, with or without rotation, set priority, rotate in auto-EOI),
 * OCW3 read IRR/ISR, poll and special mask mode.
 *
 * The VMM drives input lines with pic8259_set_irq and watches the output:
 * the intr callback is told when INTR changes (line 0), pic8259_pending
 * asks the same, and pic8259_ack is the CPU's interrupt acknowledge: it
 * returns the vector to inject, setting ISR and clearing an edge IRR bit.
 * With nothing left to deliver, the master answers its spurious vector
 * (IR7, ISR unchanged); if the slave has nothing, the master's IR2 is in
 * service and the slave answers its IR7 (IRQ 15).
 */
#pragma once

#include "io.h"

struct pic8259_chip {
    uint8_t irr, isr, imr;
    uint8_t lines;        /* input levels, for edge detection */
    uint8_t elcr, elcr_mask;
    uint8_t base;         /* vector base, ICW2 & 0xf8 */
    uint8_t priority_add; /* the lowest-numbered line gets priority 0 */
    uint8_t init_state;   /* 0 ready; 1, 2, 3: expecting ICW2, ICW3, ICW4 */
    bool init4, single, auto_eoi, rotate_auto_eoi, sfnm;
    bool read_isr, poll, special_mask;
};

struct pic8259 {
    struct pic8259_chip chip[2]; /* master, slave */
    struct vmm_irq intr;         /* INTR to the CPU, line 0 */
    bool intr_level;
};

/* Reset to the state a PC BIOS leaves: vectors 0x08 and 0x70, all masked. */
void pic8259_init(struct pic8259 *p, struct vmm_irq intr);
uint32_t pic8259_read(struct pic8259 *p, uint16_t port, unsigned size);
void pic8259_write(struct pic8259 *p, uint16_t port, unsigned size, uint32_t value);

/* Set input line 0-15 (2 is the cascade and ignored, as are lines > 15). */
void pic8259_set_irq(struct pic8259 *p, unsigned line, bool level);
/* Is INTR asserted (an unmasked request above the in-service priority)? */
bool pic8259_pending(struct pic8259 *p);
/* Interrupt acknowledge: the vector to inject. */
int pic8259_ack(struct pic8259 *p);

extern const struct vmm_io_ops pic8259_io_ops;
