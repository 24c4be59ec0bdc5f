/* Boot information: what the boot loader (multiboot v1 or v2) told us,
 * copied out of its tables before they can be overwritten. */
#pragma once

#include <stdint.h>

#define BOOT_MAX_MEM  64
#define BOOT_MAX_MODS 32

struct boot_mem {
    uint64_t base, size;
    uint32_t type; /* 1: available RAM; else reserved */
};

struct boot_mod {
    uint64_t base, size;
    const char *cmdline;
};

struct boot_info {
    unsigned nmem, nmods;
    struct boot_mem mem[BOOT_MAX_MEM];
    struct boot_mod mods[BOOT_MAX_MODS];
    const char *cmdline;
    uint64_t info_base, info_size; /* the loader's tables */
    /* A copy of the firmware's ACPI root pointer (RSDP) the loader passed
     * (multiboot2 tags 14 and 15: a UEFI machine has none where a BIOS
     * keeps it); acpi_rsdp_size 0 if it passed none. */
    uint8_t acpi_rsdp[36];
    uint32_t acpi_rsdp_size;
};

extern struct boot_info boot_info;

/* Parse the loader's information (physical address `info`, reachable
 * through the boot identity map). Panics on an unknown loader. */
void boot_parse(uint32_t magic, uint32_t info);
