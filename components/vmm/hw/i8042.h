/*
 * 8042 keyboard controller (i8042), with a PS/2 keyboard attached and the
 * aux (mouse) port empty: what Linux's i8042 and atkbd drivers probe.
 *
 * Ports are absolute: 0x60 (data), 0x64 (read: status, write: command).
 * Others read 0xff. Controller commands: 0x20/0x60 read/write the command
 * byte, 0xa7/0xa8 disable/enable aux, 0xa9 aux interface test (0x00),
 * 0xaa self-test (0x55), 0xab keyboard interface test (0x00), 0xad/0xae
 * disable/enable keyboard, 0xc0 read input port, 0xd0/0xd1 read/write
 * output port (clearing bit 0 resets the machine), 0xd2/0xd3 write the
 * keyboard/aux output buffer (aux loopback), 0xd4 write to the aux device
 * (none: it answers 0xfe with the timeout bit, as a port with nothing
 * plugged in), 0xdd/0xdf A20 off/on (only recorded), 0xf0-0xff pulse
 * output lines (0xfe, bit 0 low: the reset callback). Others are ignored.
 *
 * The keyboard answers: 0xff reset (0xfa 0xaa), 0xf2 identify (0xfa 0xab
 * 0x83), 0xee echo, 0xed LEDs and 0xf3 typematic (0xfa per byte), 0xf0
 * scan code set (0xfa; argument 0 reads 0x02), 0xf4/0xf5 enable/disable
 * scanning, 0xf6 defaults, 0xf7-0xfd (0xfa), others 0xfe (resend).
 *
 * Bytes queue behind the one-byte output buffer; IRQ 1 (keyboard bytes)
 * and IRQ 12 (aux bytes) are asserted while such a byte is in the output
 * buffer and its interrupt is enabled in the command byte.
 */
#pragma once

#include "io.h"

#define I8042_QUEUE 16

struct i8042 {
    uint8_t queue[I8042_QUEUE]; /* output bytes, a ring; the head is OBF */
    uint8_t aux_bits[I8042_QUEUE / 8]; /* per queue slot: from the aux port */
    uint8_t head, count;
    uint8_t cmd_byte;   /* the controller's command byte */
    uint8_t status;     /* status bits kept: SYS, CMD/DATA, timeout */
    uint8_t pending;    /* controller command awaiting its data byte */
    uint8_t kbd_pending; /* keyboard command awaiting its argument */
    uint8_t outport;
    bool scanning;      /* keyboard scanning enabled (0xf4) */
    bool irq1, irq12;   /* what the lines were last set to */
    struct vmm_irq irq;
    void (*reset)(void *ctx);
    void *reset_ctx;
};

/* Reset; IRQs go out on lines 1 and 12 of irq; reset may be NULL. */
void i8042_init(struct i8042 *k, struct vmm_irq irq, void (*reset)(void *ctx), void *reset_ctx);
uint32_t i8042_read(struct i8042 *k, uint16_t port, unsigned size);
void i8042_write(struct i8042 *k, uint16_t port, unsigned size, uint32_t value);

/* A scan code byte from the keyboard (passed as is: the VMM sends the set
 * the guest expects). CAIRN_ERETRY if the queue is full or the keyboard
 * disabled. */
cairn_status_t i8042_kbd_input(struct i8042 *k, uint8_t scancode);

extern const struct vmm_io_ops i8042_io_ops;
