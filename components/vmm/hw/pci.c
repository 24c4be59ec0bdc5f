/* PCI bus, configuration mechanism #1 and I/O BARs (pci). */
#include "pci.h"
#include "le.h"

#include <string.h>

#define ADDR_ENABLE 0x80000000u
#define ADDR_MASK   0x80fffffcu /* enable, bus, device, function, register */

#define HOST_VENDOR 0x1b36 /* Red Hat, Inc. */
#define HOST_DEVICE 0x0008 /* QEMU PCIe host bridge */

static uint32_t ones(unsigned size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static uint16_t command(const struct pci_dev *d)
{
    return rd16(d->cfg + PCI_COMMAND);
}

static void update_irq(struct pci_dev *d)
{
    bool level = d->intx && !(command(d) & PCI_COMMAND_INTX_DISABLE);
    if (d->intx)
        d->cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    else
        d->cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
    if (level != d->irq_level) {
        d->irq_level = level;
        vmm_irq_set(&d->irq, d->irq_line, level);
    }
}

void pci_dev_init(struct pci_dev *d, const struct pci_id *id)
{
    memset(d, 0, sizeof(*d));
    wr16(d->cfg + PCI_VENDOR_ID, id->vendor);
    wr16(d->cfg + PCI_DEVICE_ID, id->device);
    d->cfg[PCI_REVISION_ID] = id->revision;
    d->cfg[PCI_CLASS_PROG] = (uint8_t)id->class_code;
    d->cfg[PCI_CLASS_PROG + 1] = (uint8_t)(id->class_code >> 8);
    d->cfg[PCI_CLASS_PROG + 2] = (uint8_t)(id->class_code >> 16);
    wr16(d->cfg + PCI_SUBSYS_VENDOR, id->subsys_vendor);
    wr16(d->cfg + PCI_SUBSYS_ID, id->subsys);
    /* IO, memory, master, parity; SERR, INTx disable. */
    d->wmask[PCI_COMMAND] = 0x47;
    d->wmask[PCI_COMMAND + 1] = 0x05;
    d->wmask[PCI_CACHE_LINE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

void pci_dev_set_io_bar(struct pci_dev *d, unsigned bar, uint16_t base, uint32_t size,
                        const struct vmm_io_ops *ops, void *ctx)
{
    if (bar >= PCI_BARS || size < 4 || size > 256 || (size & (size - 1)))
        return;
    uint8_t *reg = d->cfg + PCI_BAR0 + 4 * bar, *mask = d->wmask + PCI_BAR0 + 4 * bar;
    uint16_t m = (uint16_t)(~(size - 1) & 0xfffc);
    d->bar[bar] = (struct pci_bar){ size, ops, ctx };
    wr16(reg, (uint16_t)((base & m) | 1));
    wr16(reg + 2, 0);
    wr16(mask, m);
    wr16(mask + 2, 0);
    if (base)
        d->cfg[PCI_COMMAND] |= PCI_COMMAND_IO;
}

void pci_dev_set_irq(struct pci_dev *d, struct vmm_irq irq, unsigned line)
{
    d->irq = irq;
    d->irq_line = line;
    d->cfg[PCI_INTERRUPT_LINE] = (uint8_t)line;
    d->cfg[PCI_INTERRUPT_PIN] = 1; /* INTA */
}

void pci_intx(struct pci_dev *d, bool level)
{
    d->intx = level;
    update_irq(d);
}

uint16_t pci_dev_io_base(const struct pci_dev *d, unsigned bar)
{
    return bar < PCI_BARS ? rd16(d->cfg + PCI_BAR0 + 4 * bar) & 0xfffc : 0;
}

bool pci_dev_io_enabled(const struct pci_dev *d, unsigned bar)
{
    return bar < PCI_BARS && d->bar[bar].size && (command(d) & PCI_COMMAND_IO);
}

void pci_bus_init(struct pci_bus *b)
{
    static const struct pci_id host = {
        .vendor = HOST_VENDOR,
        .device = HOST_DEVICE,
        .subsys_vendor = HOST_VENDOR,
        .subsys = 0x1100, /* QEMU */
        .class_code = 0x060000,
    };
    memset(b, 0, sizeof(*b));
    pci_dev_init(&b->host, &host);
    b->dev[0] = &b->host;
}

cairn_status_t pci_bus_add(struct pci_bus *b, unsigned slot, struct pci_dev *d)
{
    if (slot == 0 || slot >= PCI_SLOTS)
        return CAIRN_EPAR;
    if (b->dev[slot])
        return CAIRN_EEXIST;
    b->dev[slot] = d;
    return CAIRN_OK;
}

/* The device CONFIG_ADDRESS selects, or NULL. */
static struct pci_dev *selected(const struct pci_bus *b)
{
    uint32_t a = b->addr;
    if (!(a & ADDR_ENABLE) || ((a >> 16) & 0xff) || ((a >> 8) & 7))
        return NULL;
    return b->dev[(a >> 11) & 0x1f];
}

static void cfg_write_byte(struct pci_dev *d, unsigned reg, uint8_t v)
{
    d->cfg[reg] = (uint8_t)((d->cfg[reg] & ~d->wmask[reg]) | (v & d->wmask[reg]));
    if (reg == PCI_COMMAND + 1) /* INTx disable */
        update_irq(d);
}

uint32_t pci_read(struct pci_bus *b, uint16_t port, unsigned size)
{
    size = vmm_io_size(size);
    if (port == PCI_ADDR_PORT && size == 4)
        return b->addr;
    struct pci_dev *d = selected(b);
    if (port < PCI_DATA_PORT || port > PCI_DATA_PORT + 3 || !d)
        return ones(size);
    unsigned off = port - PCI_DATA_PORT, reg = b->addr & 0xfc;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint8_t byte = off + i < 4 ? d->cfg[reg + off + i] : 0xff;
        v |= (uint32_t)byte << (8 * i);
    }
    return v;
}

void pci_write(struct pci_bus *b, uint16_t port, unsigned size, uint32_t value)
{
    size = vmm_io_size(size);
    if (port == PCI_ADDR_PORT && size == 4) {
        b->addr = value & ADDR_MASK;
        return;
    }
    struct pci_dev *d = selected(b);
    if (port < PCI_DATA_PORT || port > PCI_DATA_PORT + 3 || !d)
        return;
    unsigned off = port - PCI_DATA_PORT, reg = b->addr & 0xfc;
    for (unsigned i = 0; i < size && off + i < 4; i++)
        cfg_write_byte(d, reg + off + i, (uint8_t)(value >> (8 * i)));
}

/* The enabled BAR holding port, its offset in *off; NULL if none. */
static const struct pci_bar *claim(const struct pci_bus *b, uint16_t port, uint16_t *off)
{
    for (unsigned s = 1; s < PCI_SLOTS; s++) {
        const struct pci_dev *d = b->dev[s];
        if (!d)
            continue;
        for (unsigned i = 0; i < PCI_BARS; i++) {
            uint32_t base = pci_dev_io_base(d, i);
            if (pci_dev_io_enabled(d, i) && port >= base && port - base < d->bar[i].size) {
                *off = (uint16_t)(port - base);
                return &d->bar[i];
            }
        }
    }
    return NULL;
}

bool pci_io_claims(const struct pci_bus *b, uint16_t port)
{
    uint16_t off;
    return claim(b, port, &off) != NULL;
}

uint32_t pci_bar_read(struct pci_bus *b, uint16_t port, unsigned size)
{
    uint16_t off;
    const struct pci_bar *bar = claim(b, port, &off);
    size = vmm_io_size(size);
    if (!bar || !bar->ops || !bar->ops->read)
        return ones(size);
    return bar->ops->read(bar->ctx, off, size);
}

void pci_bar_write(struct pci_bus *b, uint16_t port, unsigned size, uint32_t value)
{
    uint16_t off;
    const struct pci_bar *bar = claim(b, port, &off);
    if (bar && bar->ops && bar->ops->write)
        bar->ops->write(bar->ctx, off, vmm_io_size(size), value);
}

static uint32_t io_read(void *dev, uint16_t port, unsigned size)
{
    return pci_read(dev, port, size);
}

static void io_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    pci_write(dev, port, size, value);
}

static uint32_t bar_read(void *dev, uint16_t port, unsigned size)
{
    return pci_bar_read(dev, port, size);
}

static void bar_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    pci_bar_write(dev, port, size, value);
}

const struct vmm_io_ops pci_io_ops = { io_read, io_write };
const struct vmm_io_ops pci_bar_io_ops = { bar_read, bar_write };
