/* 16550A UART (uart16550). */
#include "uart16550.h"

#include <string.h>

enum {
    REG_RBR = 0, /* read: receive buffer; write: THR; DLAB: DLL */
    REG_IER = 1, /* DLAB: DLM */
    REG_IIR = 2, /* write: FCR */
    REG_LCR = 3,
    REG_MCR = 4,
    REG_LSR = 5,
    REG_MSR = 6,
    REG_SCR = 7,
};

#define IER_RDI  0x01 /* received data available */
#define IER_THRI 0x02 /* THR empty */
#define IER_RLSI 0x04 /* receiver line status */
#define IER_MSI  0x08 /* modem status */

#define IIR_NONE 0x01
#define IIR_MSI  0x00
#define IIR_THRI 0x02
#define IIR_RDI  0x04
#define IIR_RLSI 0x06
#define IIR_CTI  0x0c /* character timeout */
#define IIR_FIFO 0xc0

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02

#define LCR_DLAB 0x80

#define MCR_DTR  0x01
#define MCR_RTS  0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR   0x01
#define LSR_OE   0x02
#define LSR_ERRS 0x1e /* OE, PE, FE, BI */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI  0x40
#define MSR_DCD 0x80

static unsigned fifo_size(const struct uart16550 *d)
{
    return (d->fcr & FCR_ENABLE) ? UART16550_FIFO : 1;
}

static unsigned rx_trigger(const struct uart16550 *d)
{
    static const uint8_t levels[4] = { 1, 4, 8, 14 };
    return (d->fcr & FCR_ENABLE) ? levels[d->fcr >> 6] : 1;
}

/* The interrupt IIR reports, highest priority first. */
static uint8_t pending_iir(const struct uart16550 *d)
{
    if ((d->ier & IER_RLSI) && (d->lsr & LSR_ERRS))
        return IIR_RLSI;
    if ((d->ier & IER_RDI) && d->rx_count)
        return d->rx_count >= rx_trigger(d) ? IIR_RDI : IIR_CTI;
    if ((d->ier & IER_THRI) && d->thr_ipending)
        return IIR_THRI;
    if ((d->ier & IER_MSI) && (d->msr & 0x0f))
        return IIR_MSI;
    return IIR_NONE;
}

/* On a PC the chip's interrupt output reaches the PIC through OUT2. */
static void update_irq(struct uart16550 *d)
{
    bool level = pending_iir(d) != IIR_NONE && (d->mcr & MCR_OUT2);
    if (level != d->irq_level) {
        d->irq_level = level;
        vmm_irq_set(&d->irq, d->irq_line, level);
    }
}

static void rx_clear(struct uart16550 *d)
{
    d->rx_head = 0;
    d->rx_count = 0;
    d->lsr &= (uint8_t)~LSR_DR;
}

static cairn_status_t rx_push(struct uart16550 *d, uint8_t c)
{
    if (d->rx_count >= fifo_size(d))
        return CAIRN_ERETRY;
    d->rx[(d->rx_head + d->rx_count) % UART16550_FIFO] = c;
    d->rx_count++;
    d->lsr |= LSR_DR;
    return CAIRN_OK;
}

/* The modem inputs: in loopback the MCR outputs, else "connected". */
static void update_msr(struct uart16550 *d)
{
    uint8_t lines, old = d->msr & 0xf0, delta = 0;
    if (d->mcr & MCR_LOOP) {
        lines = (uint8_t)(((d->mcr & MCR_RTS) ? MSR_CTS : 0) | ((d->mcr & MCR_DTR) ? MSR_DSR : 0) |
                          ((d->mcr & MCR_OUT1) ? MSR_RI : 0) | ((d->mcr & MCR_OUT2) ? MSR_DCD : 0));
    } else {
        lines = MSR_DCD | MSR_DSR | MSR_CTS;
    }
    uint8_t changed = old ^ lines;
    if (changed & MSR_CTS)
        delta |= 0x01;
    if (changed & MSR_DSR)
        delta |= 0x02;
    if ((old & MSR_RI) && !(lines & MSR_RI)) /* trailing edge of RI */
        delta |= 0x04;
    if (changed & MSR_DCD)
        delta |= 0x08;
    d->msr = (uint8_t)(lines | (d->msr & 0x0f) | delta);
}

void uart16550_init(struct uart16550 *d, void (*tx)(void *ctx, uint8_t c), void *tx_ctx,
                    struct vmm_irq irq, unsigned irq_line)
{
    memset(d, 0, sizeof(*d));
    d->tx = tx;
    d->tx_ctx = tx_ctx;
    d->irq = irq;
    d->irq_line = irq_line;
    d->lsr = LSR_THRE | LSR_TEMT;
    d->dll = 12; /* 9600 baud */
    update_msr(d);
    d->msr &= 0xf0; /* no deltas at reset */
}

cairn_status_t uart16550_receive(struct uart16550 *d, uint8_t c)
{
    if (d->mcr & MCR_LOOP)
        return CAIRN_ERETRY;
    cairn_status_t st = rx_push(d, c);
    update_irq(d);
    return st;
}

static void write_thr(struct uart16550 *d, uint8_t c)
{
    /* The line drops, the byte goes, THR is empty again: a new edge. */
    d->thr_ipending = false;
    update_irq(d);
    if (d->mcr & MCR_LOOP) {
        if (rx_push(d, c) != CAIRN_OK)
            d->lsr |= LSR_OE;
    } else if (d->tx) {
        d->tx(d->tx_ctx, c);
    }
    d->thr_ipending = true;
}

static uint8_t read_byte(struct uart16550 *d, unsigned reg)
{
    uint8_t v;
    switch (reg) {
    case REG_RBR:
        if (d->lcr & LCR_DLAB)
            return d->dll;
        if (!d->rx_count)
            return 0;
        v = d->rx[d->rx_head];
        d->rx_head = (uint8_t)((d->rx_head + 1) % UART16550_FIFO);
        if (--d->rx_count == 0)
            d->lsr &= (uint8_t)~LSR_DR;
        return v;
    case REG_IER:
        return (d->lcr & LCR_DLAB) ? d->dlm : d->ier;
    case REG_IIR:
        v = pending_iir(d);
        if (v == IIR_THRI) /* reading IIR acknowledges THR empty */
            d->thr_ipending = false;
        return (uint8_t)(v | ((d->fcr & FCR_ENABLE) ? IIR_FIFO : 0));
    case REG_LCR:
        return d->lcr;
    case REG_MCR:
        return d->mcr;
    case REG_LSR:
        v = d->lsr;
        d->lsr &= (uint8_t)~LSR_ERRS;
        return v;
    case REG_MSR:
        v = d->msr;
        d->msr &= 0xf0;
        return v;
    default:
        return d->scr;
    }
}

static void write_byte(struct uart16550 *d, unsigned reg, uint8_t v)
{
    switch (reg) {
    case REG_RBR:
        if (d->lcr & LCR_DLAB)
            d->dll = v;
        else
            write_thr(d, v);
        break;
    case REG_IER:
        if (d->lcr & LCR_DLAB) {
            d->dlm = v;
        } else {
            uint8_t changed = (d->ier ^ v) & IER_THRI;
            d->ier = v & 0x0f;
            /* Enabling THRI with THR empty raises it (Linux tests this). */
            if (changed)
                d->thr_ipending = (d->ier & IER_THRI) != 0;
        }
        break;
    case REG_IIR: /* FCR */
        if ((d->fcr ^ v) & FCR_ENABLE) /* toggling the FIFOs clears them */
            rx_clear(d);
        if (v & FCR_CLEAR_RX)
            rx_clear(d);
        /* The TX FIFO is always empty; bit 3 (DMA mode) is kept, unused. */
        d->fcr = v & 0xc9;
        if (!(d->fcr & FCR_ENABLE))
            d->fcr = 0;
        break;
    case REG_LCR:
        d->lcr = v;
        break;
    case REG_MCR:
        if ((d->mcr ^ v) & MCR_LOOP) /* receiver input switches source */
            rx_clear(d);
        d->mcr = v & 0x1f;
        update_irq(d);
        update_msr(d);
        break;
    case REG_LSR: /* factory test; ignored */
    case REG_MSR:
        break;
    default:
        d->scr = v;
        break;
    }
}

uint32_t uart16550_read(struct uart16550 *d, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    size = vmm_io_size(size);
    for (unsigned i = 0; i < size; i++) /* bytes past the UART's 8 ports are not its own */
        v |= (uint32_t)((port & 7) + i < 8 ? read_byte(d, (port + i) & 7) : 0xff) << (8 * i);
    update_irq(d);
    return v;
}

void uart16550_write(struct uart16550 *d, uint16_t port, unsigned size, uint32_t value)
{
    size = vmm_io_size(size);
    for (unsigned i = 0; i < size && (port & 7) + i < 8; i++) { /* not past its 8 ports */
        write_byte(d, (port + i) & 7, (uint8_t)(value >> (8 * i)));
        update_irq(d);
    }
}

static uint32_t io_read(void *dev, uint16_t port, unsigned size)
{
    return uart16550_read(dev, port, size);
}

static void io_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    uart16550_write(dev, port, size, value);
}

const struct vmm_io_ops uart16550_io_ops = { io_read, io_write };
