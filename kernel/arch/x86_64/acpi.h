/* ACPI (x86_64): what the kernel reads from the firmware tables. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* What the MADT says. Without a usable MADT: no CPU counted, no I/O APIC. */
struct acpi_madt_info {
    unsigned cpus;           /* enabled processors                        */
    uint8_t apic_ids[64];    /* their local APIC IDs (the first 64, xAPIC IDs below 256) */
    uint64_t ioapic;         /* physical address of the first I/O APIC, 0 if none */
    unsigned ioapic_gsi;     /* its first GSI                             */
    uint8_t isa_gsi[16];     /* GSI of each ISA IRQ (overrides applied)   */
    uint16_t isa_flags[16];  /* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
    const char *rsdp_from;   /* where the RSDP was found, NULL if nowhere  */
    bool madt;               /* the root table lists a valid MADT         */
};

/* Read the MADT; tables must lie below max_phys (inside the direct map). */
void acpi_madt(uint64_t max_phys, struct acpi_madt_info *info);
