/* IO-APIC (ioapic). */
#include "ioapic.h"

#include <string.h>

enum { REG_ID = 0x00, REG_VERSION = 0x01, REG_ARB = 0x02, REG_REDIR = 0x10 };
enum { MMIO_REGSEL = 0x00, MMIO_WIN = 0x10, MMIO_EOI = 0x40 };

#define RTE_VECTOR 0xffull
#define RTE_REMOTE_IRR (1ull << 14)
#define RTE_LEVEL (1ull << 15)
#define RTE_MASKED (1ull << 16)
/* vector, delivery mode, destination mode, polarity, trigger, mask, destination */
#define RTE_WRITABLE 0xff0000000001afffull

enum { DM_FIXED = 0, DM_LOWEST = 1 };

/* Send pin's vector if the entry and the line allow it. */
static void service(struct ioapic *io, unsigned pin)
{
    uint64_t e = io->redir[pin];
    unsigned mode = (e >> 8) & 7;
    bool level = e & RTE_LEVEL;
    if (!(io->lines & (1u << pin)) || (e & RTE_MASKED) || (level && (e & RTE_REMOTE_IRR)))
        return;
    if (mode != DM_FIXED && mode != DM_LOWEST)
        return;
    if (level)
        io->redir[pin] |= RTE_REMOTE_IRR;
    if (io->deliver)
        io->deliver(io->ctx, (uint8_t)(e & RTE_VECTOR), level);
}

void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level)
{
    if (pin >= IOAPIC_PINS)
        return;
    uint32_t bit = 1u << pin;
    bool was = io->lines & bit;
    if (level)
        io->lines |= bit;
    else
        io->lines &= ~bit;
    if (!level)
        return;
    /* level-triggered: while asserted; edge-triggered: on the rising edge */
    if ((io->redir[pin] & RTE_LEVEL) || !was)
        service(io, pin);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t e = io->redir[pin];
        if ((e & RTE_VECTOR) != vector || !(e & RTE_LEVEL) || !(e & RTE_REMOTE_IRR))
            continue;
        io->redir[pin] &= ~RTE_REMOTE_IRR;
        service(io, pin);
    }
}

static void write_redir(struct ioapic *io, unsigned pin, bool high, uint32_t v)
{
    uint64_t e = io->redir[pin];
    if (high) {
        e = (e & 0xffffffffull) | (uint64_t)v << 32;
    } else {
        e = (e & ~0xffffffffull) | v;
    }
    e = (e & RTE_WRITABLE) | (io->redir[pin] & RTE_REMOTE_IRR);
    if (!(e & RTE_LEVEL))
        e &= ~RTE_REMOTE_IRR;
    io->redir[pin] = e;
    if (!high && (e & RTE_LEVEL))
        service(io, pin); /* an unmasked asserted level line sends */
}

static uint32_t read_reg(const struct ioapic *io, uint8_t reg)
{
    switch (reg) {
    case REG_ID:
    case REG_ARB:
        return io->id;
    case REG_VERSION:
        return IOAPIC_VERSION;
    default:
        if (reg >= REG_REDIR && reg < REG_REDIR + 2 * IOAPIC_PINS) {
            uint64_t e = io->redir[(reg - REG_REDIR) / 2];
            return (uint32_t)(reg & 1 ? e >> 32 : e);
        }
        return 0;
    }
}

static void write_reg(struct ioapic *io, uint8_t reg, uint32_t v)
{
    if (reg == REG_ID)
        io->id = v & 0x0f000000u;
    else if (reg >= REG_REDIR && reg < REG_REDIR + 2 * IOAPIC_PINS)
        write_redir(io, (reg - REG_REDIR) / 2, reg & 1, v);
}

uint32_t ioapic_read(struct ioapic *io, uint64_t offset, unsigned size)
{
    if (offset == MMIO_REGSEL && (size == 1 || size == 2 || size == 4))
        return io->regsel;
    if (offset == MMIO_WIN && size == 4)
        return read_reg(io, io->regsel);
    return 0;
}

void ioapic_write(struct ioapic *io, uint64_t offset, unsigned size, uint32_t value)
{
    if (offset == MMIO_REGSEL && (size == 1 || size == 2 || size == 4))
        io->regsel = (uint8_t)value;
    else if (offset == MMIO_WIN && size == 4)
        write_reg(io, io->regsel, value);
    else if (offset == MMIO_EOI && size == 4)
        ioapic_eoi(io, (uint8_t)value);
}

void ioapic_init(struct ioapic *io, uint8_t id,
                 void (*deliver)(void *ctx, uint8_t vector, bool level_triggered), void *ctx)
{
    memset(io, 0, sizeof(*io));
    io->id = (uint32_t)(id & 0xf) << 24;
    io->deliver = deliver;
    io->ctx = ctx;
    for (unsigned i = 0; i < IOAPIC_PINS; i++)
        io->redir[i] = RTE_MASKED;
}

static uint64_t mmio_read(void *dev, uint64_t offset, unsigned size)
{
    return ioapic_read(dev, offset, size);
}

static void mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    ioapic_write(dev, offset, size, (uint32_t)value);
}

const struct vmm_mmio_ops ioapic_mmio_ops = { mmio_read, mmio_write };
