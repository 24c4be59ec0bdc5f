/*
 * MP table (mptable): the Intel MultiProcessor Specification 1.4 tables
 * that tell an OS without ACPI about its APICs and interrupt wiring.
 *
 * mptable_write puts into guest memory, at a 16-byte aligned gpa, the
 * 16-byte MP floating pointer structure ("_MP_", spec revision 4, no
 * default configuration, IMCR absent: virtual wire mode) and right after
 * it the MP configuration table ("PCMP", local APIC at 0xfee00000):
 *
 *   - one processor: the given local APIC ID (0), version 0x14, enabled,
 *     the BSP, with the given CPU signature (CPUID 1 EAX) and feature
 *     flags (CPUID 1 EDX);
 *   - bus 0 "PCI   ", bus 1 "ISA   ";
 *   - one IO-APIC, version 0x20, usable, at 0xfec00000;
 *   - I/O interrupts, type INT: ISA IRQ n to IO-APIC pin n for n = 1,
 *     3-15 and ISA IRQ 0 to pin 2 (the timer override; ISA IRQ 2, the
 *     cascade, is not listed, as SeaBIOS), polarity and trigger
 *     conforming to the bus (ISA: active high, edge); then each PCI
 *     (slot, pin) to its IO-APIC pin, active low, level (source bus IRQ
 *     slot << 2 | INTx, as Linux decodes it);
 *   - local interrupts: ExtINT on LINT0 of the processor's APIC, NMI on
 *     LINT1 of all APICs (0xff).
 *
 * Both structures checksum to 0. An OS finds the floating pointer only
 * in the areas it scans: Linux looks at the first KiB of memory, the last
 * KiB of base memory (639K-640K), the BIOS area 0xf0000-0xfffff and the
 * first KiB of the EBDA; gpa must be in one of the first three (an EBDA
 * is normally in the second). The VMM backs that area with RAM; Linux
 * reserves it (and 640K-1M is reserved anyway) so the tables survive.
 */
#pragma once

#include "io.h"
#include <cairn/status.h>

#define MPTABLE_BIOS_AREA 0xf0000u

struct mptable_pci_irq {
    uint8_t slot;       /* PCI device number on bus 0, 0-31 */
    uint8_t pin;        /* config-space Interrupt Pin: 1 INTA# ... 4 INTD# */
    uint8_t ioapic_pin; /* the IO-APIC input it is wired to, 0-23 */
};

struct mptable_config {
    uint8_t apic_id;        /* the CPU's local APIC ID */
    uint8_t ioapic_id;      /* the IO-APIC's ID, 0-15 (not the CPU's) */
    uint32_t cpu_signature; /* CPUID 1 EAX */
    uint32_t cpu_features;  /* CPUID 1 EDX */
    const struct mptable_pci_irq *pci_irqs;
    unsigned pci_irq_count; /* at most MPTABLE_MAX_PCI_IRQS */
};

#define MPTABLE_MAX_PCI_IRQS 128

/* The bytes mptable_write uses for count PCI interrupt entries. */
unsigned mptable_size(unsigned pci_irq_count);

/* Write the tables (mptable_size bytes) at gpa: CAIRN_OK, or CAIRN_EPAR if
 * gpa is not 16-byte aligned or not in an area Linux scans, CAIRN_EINVAL
 * if an entry of the config is out of range, CAIRN_ERANGE if the tables
 * do not fit in guest memory; nothing is written then. */
cairn_status_t mptable_write(const struct vmm_mem *mem, uint64_t gpa,
                             const struct mptable_config *cfg);
