/*
 * 8254 PIT (pit8254): the PC's programmable interval timer, three
 * channels at 1.193182 MHz, plus the channel-2 bits of port 0x61.
 *
 * Ports are absolute: 0x40-0x42 (counters), 0x43 (control word), 0x61
 * (bit 0 channel 2 gate, bit 1 speaker enable, bits 2-3 kept, read: bit 4
 * refresh toggle every 15 us, bit 5 channel 2 OUT). Others read 0xff.
 *
 * Time comes from the clock: a counter counts from the moment its count
 * is fully written. Implemented: modes 0 (interrupt on terminal count),
 * 2 (rate generator) and 3 (square wave; the count read goes down by 2),
 * 4 (software strobe, one shot: Linux's one-shot clockevent); 6 and 7 are
 * 2 and 3. Best effort: mode 1 and 5 start on a rising gate and then
 * behave as 0 and 4 (channels 0 and 1 have their gate tied high, so they
 * never start); a low gate does not pause counting; BCD counting counts
 * in binary (the BCD bit is only reported back); a new count in modes 2
 * and 3 restarts the period at once rather than at its end. Access modes
 * lobyte, hibyte, lobyte then hibyte; counter latch and read-back (count
 * and status) commands.
 *
 * Channel 0's OUT drives IRQ 0: a pulse (assert, deassert) at the end of
 * each period in modes 2 and 3 and at terminal count in mode 4; in mode 0
 * the line goes up at terminal count and stays until reprogrammed. The
 * model acts when accessed or when the VMM calls pit8254_update, which it
 * should do at pit8254_next_event_ns. Periods missed between calls
 * are coalesced into one pulse.
 */
#pragma once

#include "io.h"

#define PIT8254_HZ 1193182u

struct pit8254_channel {
    uint32_t count;       /* reload value, 1..0x10000 */
    uint64_t load_ns;     /* when counting started */
    uint64_t fired;       /* channel 0: periods (or terminal counts) signalled */
    uint16_t latch;       /* latched count */
    uint8_t latched;      /* 0, or the access mode the latch is read in */
    uint8_t status;       /* latched status */
    bool status_latched;
    bool running;         /* a count was written (and the gate triggered) */
    bool null_count;
    uint8_t rw;           /* access mode: 1 lobyte, 2 hibyte, 3 both */
    uint8_t mode, bcd;
    bool read_hi, write_hi; /* the next byte of a 16-bit access is the MSB */
    uint8_t write_lsb;
    bool gate;
};

struct pit8254 {
    struct pit8254_channel ch[3];
    struct vmm_clock clock;
    struct vmm_irq irq;
    unsigned irq_line;
    bool irq_level;
    uint8_t port61; /* bits 0-3 */
};

/* Reset as QEMU and a BIOS leave it: every channel in mode 3 with count
 * 0x10000, running (channel 0 gives 18.2 Hz); channel 2's gate low. */
void pit8254_init(struct pit8254 *p, struct vmm_clock clock, struct vmm_irq irq, unsigned irq_line);
uint32_t pit8254_read(struct pit8254 *p, uint16_t port, unsigned size);
void pit8254_write(struct pit8254 *p, uint16_t port, unsigned size, uint32_t value);

/* Bring channel 0's OUT (and IRQ 0) up to the clock. */
void pit8254_update(struct pit8254 *p);
/* When channel 0 next changes the IRQ line; UINT64_MAX if never. */
uint64_t pit8254_next_event_ns(struct pit8254 *p);

extern const struct vmm_io_ops pit8254_io_ops;
