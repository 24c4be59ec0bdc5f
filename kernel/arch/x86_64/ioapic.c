/* I/O APIC (x86_64): routes global system interrupts (GSIs) to vectors
 * VEC_GSI_BASE + gsi on a CPU's local APIC. */
#include "arch.h"
#include "cpu.h"
#include "irq.h"
#include "paging.h"

#define IOAPIC_REGSEL 0
#define IOAPIC_WIN    4
#define IOAPIC_VER    0x01
#define IOAPIC_REDIR  0x10
#define REDIR_MASKED  (1u << 16)
#define REDIR_LEVEL   (1u << 15)
#define REDIR_LOW     (1u << 13)

static volatile uint32_t *ioapic;
static unsigned ioapic_base, ioapic_pins;

static uint32_t ioapic_read(unsigned reg)
{
    ioapic[IOAPIC_REGSEL] = reg;
    return ioapic[IOAPIC_WIN];
}

static void ioapic_write(unsigned reg, uint32_t v)
{
    ioapic[IOAPIC_REGSEL] = reg;
    ioapic[IOAPIC_WIN] = v;
}

unsigned irq_arch_init(uint64_t phys, unsigned gsi_base)
{
    if (!phys)
        return 0;
    ioapic = kmap_mmio(phys);
    ioapic_base = gsi_base;
    ioapic_pins = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
    for (unsigned i = 0; i < ioapic_pins; i++)
        ioapic_write(IOAPIC_REDIR + 2 * i, REDIR_MASKED);
    unsigned top = gsi_base + ioapic_pins;
    return top > IRQ_MAX ? IRQ_MAX : top;
}

static int ioapic_pin(unsigned gsi)
{
    return gsi >= ioapic_base && gsi - ioapic_base < ioapic_pins ? (int)(gsi - ioapic_base) : -1;
}

void irq_arch_route(unsigned gsi, unsigned cpu, bool level, bool low)
{
    int pin = ioapic_pin(gsi);
    if (pin < 0)
        return;
    ioapic_write(IOAPIC_REDIR + 2 * pin + 1, apic_id(cpu) << 24);
    ioapic_write(IOAPIC_REDIR + 2 * pin, (VEC_GSI_BASE + gsi) | (level ? REDIR_LEVEL : 0) |
                                             (low ? REDIR_LOW : 0));
}

void irq_arch_mask(unsigned gsi, bool masked)
{
    int pin = ioapic_pin(gsi);
    if (pin < 0)
        return;
    uint32_t v = ioapic_read(IOAPIC_REDIR + 2 * pin);
    ioapic_write(IOAPIC_REDIR + 2 * pin, masked ? v | REDIR_MASKED : v & ~REDIR_MASKED);
}
