/*
 * The guest's device map (iomap): which device model answers a port or a
 * guest-physical address. Each device's setup registers its ranges, one
 * call per range, as kvmtool's hw/ files do, so that adding a chip is a
 * call in its own setup and no table to edit:
 *
 *   vmm_io_register(0x70, 0x71, &rtc146818_io_ops, &vmm.rtc);
 *   vmm_mmio_register(LAPIC_BASE, 0x1000, &lapic_mmio_ops, &vmm.lapic);
 *
 * A range overlapping one already registered is refused (CAIRN_EEXIST),
 * an empty or wrapping one too (CAIRN_EINVAL), and one more than the
 * fixed table holds (CAIRN_ENOMEM). A port no range claims goes to the
 * fallback (the PCI devices' I/O BARs), or reads as all ones and ignores
 * writes while there is none; an address no window claims is no device.
 *
 * Lookups scan a small table in registration order (a PC has about a
 * dozen ranges), on every port exit. Registration is setup's, before the
 * vCPU runs; lookups are the exit handler's. Nothing here knows the VMM:
 * host tests link it alone.
 */
#pragma once

#include <stdint.h>
#include <cairn/status.h>

#include "hw/io.h"

#define VMM_IO_RANGES   16
#define VMM_MMIO_RANGES 8

/* Ports first..last (inclusive) of a device model. */
struct vmm_io_range {
    uint16_t first, last;
    const struct vmm_io_ops *ops;
    void *dev;
};

/* A memory-mapped device window: base, base + size. */
struct vmm_mmio_range {
    uint64_t base, size;
    const struct vmm_mmio_ops *ops;
    void *dev;
};

cairn_status_t vmm_io_register(uint16_t first, uint16_t last, const struct vmm_io_ops *ops,
                               void *dev);

/* Where ports no range claims go (ops NULL: nowhere, all ones). */
void vmm_io_fallback(const struct vmm_io_ops *ops, void *dev);

/* The range holding port, else the fallback: never NULL. */
const struct vmm_io_range *vmm_io_find(uint16_t port);

cairn_status_t vmm_mmio_register(uint64_t base, uint64_t size, const struct vmm_mmio_ops *ops,
                                 void *dev);

/* The window holding guest-physical gpa, or NULL. */
const struct vmm_mmio_range *vmm_mmio_find(uint64_t gpa);
