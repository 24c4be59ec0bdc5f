/*
 * 16550A UART (uart16550): a PC serial port, as Linux's 8250 driver
 * probes and drives it.
 *
 * Ports are decoded by their low three bits (port & 7), so the VMM may pass
 * the absolute port (0x3f8..0x3ff for COM1, any 8-aligned base) or the
 * offset from the base. Registers: RBR/THR, IER, IIR/FCR, LCR, MCR, LSR,
 * MSR, SCR, and DLL/DLM when LCR.DLAB is set.
 *
 * The line runs at infinite speed: a byte written to THR goes at once to
 * the tx callback (or, in loopback mode, into the receive FIFO), so LSR
 * always shows THR and transmitter empty, and each write to THR gives a
 * fresh THR-empty interrupt (the line drops and rises again). Receive
 * bytes come from the VMM through uart16550_receive into a 16-byte FIFO
 * (one byte with FIFOs disabled). Interrupts, by IIR priority: receiver
 * line status (overrun in loopback), received data (at the FCR trigger
 * level; below it a character timeout is reported at once, as there is no
 * character time), THR empty, modem status. The IRQ line follows "an
 * interrupt is pending"; MCR.OUT2 does not gate it (as QEMU). Outside
 * loopback the modem lines read as connected (DCD, DSR, CTS).
 */
#pragma once

#include "io.h"

#define UART16550_FIFO 16

struct uart16550 {
    uint8_t rx[UART16550_FIFO]; /* receive FIFO, a ring */
    uint8_t rx_head, rx_count;
    uint8_t ier, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
    bool thr_ipending; /* THR-empty interrupt pending */
    bool irq_level;    /* what the IRQ line was last set to */
    void (*tx)(void *ctx, uint8_t c);
    void *tx_ctx;
    struct vmm_irq irq;
    unsigned irq_line;
};

/* Reset the UART; tx may be NULL (output dropped). The IRQ line starts
 * deasserted. */
void uart16550_init(struct uart16550 *d, void (*tx)(void *ctx, uint8_t c), void *tx_ctx,
                    struct vmm_irq irq, unsigned irq_line);
uint32_t uart16550_read(struct uart16550 *d, uint16_t port, unsigned size);
void uart16550_write(struct uart16550 *d, uint16_t port, unsigned size, uint32_t value);

/* Input a byte from the outside; CAIRN_ERETRY if the FIFO is full or the
 * UART is in loopback mode (its input is disconnected): the caller keeps
 * the byte and offers it again later. */
cairn_status_t uart16550_receive(struct uart16550 *d, uint8_t c);

extern const struct vmm_io_ops uart16550_io_ops;
