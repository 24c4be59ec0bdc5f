/* MP table (mptable). */
#include "mptable.h"
#include "le.h"

#include <string.h>

#define FP_SIZE 16
#define HEADER_SIZE 44
#define CPU_SIZE 20
#define ENTRY_SIZE 8 /* bus, IO-APIC, I/O and local interrupt entries */
#define ISA_IRQS 15  /* 0-15 but the cascade */

#define SPEC_REV 4
#define LAPIC_ADDR 0xfee00000u
#define IOAPIC_ADDR 0xfec00000u
#define LAPIC_VERSION 0x14
#define IOAPIC_VERSION 0x20
#define BUS_PCI 0
#define BUS_ISA 1

enum { MP_CPU, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { INT_INT = 0, INT_NMI = 1, INT_EXTINT = 3 };
#define CPU_ENABLED 1
#define CPU_BSP 2
#define IRQ_ACTIVE_LOW_LEVEL 0x0f /* polarity 11, trigger 11 */

/* The byte that makes the n bytes at p sum to 0. */
static uint8_t checksum(const uint8_t *p, unsigned n)
{
    uint8_t sum = 0;
    for (unsigned i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    return (uint8_t)-sum;
}

/* An 8-byte entry: type and seven bytes. */
static uint8_t *entry8(uint8_t *p, uint8_t type, uint8_t a, uint16_t b, uint8_t c, uint8_t d,
                       uint8_t e, uint8_t f)
{
    p[0] = type;
    p[1] = a;
    wr16(p + 2, b);
    p[4] = c;
    p[5] = d;
    p[6] = e;
    p[7] = f;
    return p + ENTRY_SIZE;
}

static uint8_t *put_cpu(uint8_t *p, const struct mptable_config *cfg)
{
    memset(p, 0, CPU_SIZE);
    p[0] = MP_CPU;
    p[1] = cfg->apic_id;
    p[2] = LAPIC_VERSION;
    p[3] = CPU_ENABLED | CPU_BSP;
    wr32(p + 4, cfg->cpu_signature);
    wr32(p + 8, cfg->cpu_features);
    return p + CPU_SIZE;
}

static uint8_t *put_bus(uint8_t *p, uint8_t id, const char type[6])
{
    p[0] = MP_BUS;
    p[1] = id;
    memcpy(p + 2, type, 6);
    return p + ENTRY_SIZE;
}

static uint8_t *put_ioapic(uint8_t *p, const struct mptable_config *cfg)
{
    p[0] = MP_IOAPIC;
    p[1] = cfg->ioapic_id;
    p[2] = IOAPIC_VERSION;
    p[3] = 1; /* usable */
    wr32(p + 4, IOAPIC_ADDR);
    return p + ENTRY_SIZE;
}

static uint8_t *put_irqs(uint8_t *p, const struct mptable_config *cfg)
{
    for (uint8_t irq = 0; irq < 16; irq++) {
        if (irq == 2)
            continue;
        /* flags 0: conforming to the bus (ISA: active high, edge) */
        p = entry8(p, MP_INTSRC, INT_INT, 0, BUS_ISA, irq, cfg->ioapic_id, irq ? irq : 2);
    }
    for (unsigned i = 0; i < cfg->pci_irq_count; i++) {
        const struct mptable_pci_irq *r = &cfg->pci_irqs[i];
        p = entry8(p, MP_INTSRC, INT_INT, IRQ_ACTIVE_LOW_LEVEL, BUS_PCI,
                   (uint8_t)(r->slot << 2 | (r->pin - 1)), cfg->ioapic_id, r->ioapic_pin);
    }
    p = entry8(p, MP_LINTSRC, INT_EXTINT, 0, BUS_ISA, 0, cfg->apic_id, 0);
    return entry8(p, MP_LINTSRC, INT_NMI, 0, BUS_ISA, 0, 0xff, 1);
}

/* The 8-byte entries: buses, IO-APIC, I/O interrupts, local interrupts. */
#define ENTRIES(pci) (2 + 1 + ISA_IRQS + (pci) + 2)

unsigned mptable_size(unsigned pci_irq_count)
{
    return FP_SIZE + HEADER_SIZE + CPU_SIZE + ENTRY_SIZE * ENTRIES(pci_irq_count);
}

/* Is the floating pointer at gpa where Linux's smp_scan_config looks? */
static bool scanned(uint64_t gpa)
{
    return gpa <= 0x400 - FP_SIZE || (gpa >= 639 * 0x400 && gpa <= 640 * 0x400 - FP_SIZE) ||
           (gpa >= MPTABLE_BIOS_AREA && gpa <= 0x100000 - FP_SIZE);
}

static bool config_valid(const struct mptable_config *cfg)
{
    if (cfg->ioapic_id > 15 || cfg->pci_irq_count > MPTABLE_MAX_PCI_IRQS ||
        (cfg->pci_irq_count && !cfg->pci_irqs))
        return false;
    for (unsigned i = 0; i < cfg->pci_irq_count; i++) {
        const struct mptable_pci_irq *r = &cfg->pci_irqs[i];
        if (r->slot > 31 || r->pin < 1 || r->pin > 4 || r->ioapic_pin > 23)
            return false;
    }
    return true;
}

cairn_status_t mptable_write(const struct vmm_mem *mem, uint64_t gpa,
                             const struct mptable_config *cfg)
{
    if ((gpa & 15) || !scanned(gpa))
        return CAIRN_EPAR;
    if (!config_valid(cfg))
        return CAIRN_EINVAL;
    unsigned size = mptable_size(cfg->pci_irq_count);
    uint8_t *fp = vmm_mem_ptr(mem, gpa, size);
    if (!fp)
        return CAIRN_ERANGE;
    uint8_t *mpc = fp + FP_SIZE;
    unsigned table = size - FP_SIZE;

    /* the configuration table */
    memset(mpc, 0, HEADER_SIZE);
    memcpy(mpc, "PCMP", 4);
    wr16(mpc + 4, (uint16_t)table);
    mpc[6] = SPEC_REV;
    memcpy(mpc + 8, "CAIRN   ", 8);        /* OEM ID */
    memcpy(mpc + 16, "VMM         ", 12); /* product ID */
    wr16(mpc + 34, (uint16_t)(1 + ENTRIES(cfg->pci_irq_count)));
    wr32(mpc + 36, LAPIC_ADDR);
    uint8_t *p = put_cpu(mpc + HEADER_SIZE, cfg);
    p = put_bus(p, BUS_PCI, "PCI   ");
    p = put_bus(p, BUS_ISA, "ISA   ");
    p = put_ioapic(p, cfg);
    put_irqs(p, cfg);
    mpc[7] = checksum(mpc, table);

    /* the floating pointer */
    memset(fp, 0, FP_SIZE);
    memcpy(fp, "_MP_", 4);
    wr32(fp + 4, (uint32_t)(gpa + FP_SIZE));
    fp[8] = 1; /* length in 16-byte units */
    fp[9] = SPEC_REV;
    fp[10] = checksum(fp, FP_SIZE);
    return CAIRN_OK;
}
