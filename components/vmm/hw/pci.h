/*
 * PCI bus (pci): configuration mechanism #1 and I/O BAR decoding for the
 * VMM's PCI devices, as Linux's x86 "conf1" code probes and scans it.
 *
 * Configuration ports (pci_io_ops, 0xcf8-0xcff): a 32-bit access to 0xcf8
 * is CONFIG_ADDRESS (bit 31 enable, 23:16 bus, 15:11 device, 10:8
 * function, 7:2 register; the other bits read 0). Any other access to
 * 0xcf8-0xcfb is no register of ours: it reads all ones and writes are
 * ignored (so Linux's mechanism #2 probe fails). 0xcfc-0xcff is
 * CONFIG_DATA: a 1-, 2- or 4-byte access at byte port - 0xcfc of the
 * addressed dword; bytes past the dword are not reached (read 0xff).
 * Only bus 0, function 0 exists: anything else, an empty slot, or the
 * enable bit clear reads all ones and ignores writes.
 *
 * A device (struct pci_dev) is a type 0 header in 256 bytes of config
 * space with a per-byte mask of the writable bits: command (I/O, memory,
 * bus master, parity, SERR, INTx disable), cache line size, latency
 * timer, I/O BARs and the interrupt line; everything else, including the
 * status register, is read-only (no capabilities list, no expansion ROM,
 * no memory BARs). An I/O BAR of size 2^n (4..256 bytes) keeps bits
 * 15:n writable; bit 0 reads 1 and bits 31:16 read 0 (the PC's I/O space
 * is 64 KiB), so writing all ones reads back the size mask with bit 0
 * set. Status bit 3 shows the device's INTx level.
 *
 * Slot 0 holds a host bridge (class 0x060000, Red Hat's 1b36:0008, which
 * no Linux driver or quirk claims); devices take slots 1-31.
 *
 * BAR decoding (pci_bar_io_ops, for every port no other device claims in
 * the VMM's device map): a port inside an implemented I/O BAR of a device whose
 * command register has I/O space enabled goes to that BAR's callbacks,
 * with the offset inside the BAR as the port; anything else reads all
 * ones and ignores writes.
 *
 * Interrupts: a device drives its INTx pin (INTA) with pci_intx; the pin
 * is wired to the VMM's line given with pci_dev_set_irq, gated by the
 * command register's INTx disable bit. The interrupt line register starts
 * at that line; it is a scratch register for the OS, writing it does not
 * reroute the pin (as on a PC without an interrupt router).
 */
#pragma once

#include "io.h"

#define PCI_SLOTS 32
#define PCI_BARS  6

#define PCI_ADDR_PORT 0xcf8
#define PCI_DATA_PORT 0xcfc

/* Config space offsets and bits used here (type 0 header). */
#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_STATUS         0x06
#define PCI_REVISION_ID    0x08
#define PCI_CLASS_PROG     0x09
#define PCI_CACHE_LINE     0x0c
#define PCI_LATENCY_TIMER  0x0d
#define PCI_HEADER_TYPE    0x0e
#define PCI_BAR0           0x10
#define PCI_SUBSYS_VENDOR  0x2c
#define PCI_SUBSYS_ID      0x2e
#define PCI_ROM_ADDRESS    0x30
#define PCI_CAP_PTR        0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d

#define PCI_COMMAND_IO           0x0001
#define PCI_COMMAND_MEMORY       0x0002
#define PCI_COMMAND_MASTER       0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_INTERRUPT     0x0008

struct pci_bar {
    uint32_t size; /* 0: not implemented */
    const struct vmm_io_ops *ops;
    void *ctx;
};

struct pci_dev {
    uint8_t cfg[256];
    uint8_t wmask[256]; /* 1 bits: the guest may write them */
    struct pci_bar bar[PCI_BARS];
    struct vmm_irq irq;
    unsigned irq_line;
    bool intx;      /* the device's INTx output */
    bool irq_level; /* what the line was last set to */
};

/* A device's identity; class_code is base << 16 | sub << 8 | prog-if. */
struct pci_id {
    uint16_t vendor, device;
    uint16_t subsys_vendor, subsys;
    uint32_t class_code;
    uint8_t revision;
};

struct pci_bus {
    uint32_t addr; /* CONFIG_ADDRESS */
    struct pci_dev *dev[PCI_SLOTS];
    struct pci_dev host; /* the host bridge, slot 0 */
};

/* An empty bus with its host bridge; CONFIG_ADDRESS 0. */
void pci_bus_init(struct pci_bus *b);
/* Plug d into slot 1-31; CAIRN_EPAR if the slot is invalid, CAIRN_EEXIST
 * if it is taken. */
cairn_status_t pci_bus_add(struct pci_bus *b, unsigned slot, struct pci_dev *d);

/* A header with these IDs, no BARs, no interrupt pin, command 0. */
void pci_dev_init(struct pci_dev *d, const struct pci_id *id);
/* I/O BAR bar (0-5) of size bytes (a power of two, 4..256; others are
 * ignored) at base (rounded down to size), its accesses going to ops with
 * ctx as dev. A nonzero base is taken as firmware-assigned: I/O decoding
 * is enabled in the command register, as a BIOS leaves it. */
void pci_dev_set_io_bar(struct pci_dev *d, unsigned bar, uint16_t base, uint32_t size,
                        const struct vmm_io_ops *ops, void *ctx);
/* Wire INTA to line of irq; the interrupt line register starts at line. */
void pci_dev_set_irq(struct pci_dev *d, struct vmm_irq irq, unsigned line);
/* The device's INTx output (level; the line follows unless disabled). */
void pci_intx(struct pci_dev *d, bool level);
/* The current base of I/O BAR bar, and whether it decodes now. */
uint16_t pci_dev_io_base(const struct pci_dev *d, unsigned bar);
bool pci_dev_io_enabled(const struct pci_dev *d, unsigned bar);

/* The configuration ports 0xcf8-0xcff (absolute port numbers). */
uint32_t pci_read(struct pci_bus *b, uint16_t port, unsigned size);
void pci_write(struct pci_bus *b, uint16_t port, unsigned size, uint32_t value);

/* BAR decoding: does an enabled I/O BAR contain port? And the accesses,
 * forwarded to the BAR (all ones / ignored when none claims the port). */
bool pci_io_claims(const struct pci_bus *b, uint16_t port);
uint32_t pci_bar_read(struct pci_bus *b, uint16_t port, unsigned size);
void pci_bar_write(struct pci_bus *b, uint16_t port, unsigned size, uint32_t value);

extern const struct vmm_io_ops pci_io_ops;     /* dev: struct pci_bus */
extern const struct vmm_io_ops pci_bar_io_ops; /* dev: struct pci_bus */
