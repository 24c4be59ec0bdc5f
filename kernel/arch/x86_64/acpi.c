/* ACPI (x86_64): find the MADT to count the CPUs the firmware lists. Only
 * the boot CPU runs Cairn until application processors are brought up. */
#include "acpi.h"
#include <stddef.h>
#include "boot.h"
#include "paging.h"
#include "string.h"

struct acpi_sdt {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static int acpi_sum_ok(const void *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + ((const uint8_t *)p)[i]);
    return sum == 0;
}

static int acpi_rsdp_ok(const uint8_t *p, size_t n)
{
    return n >= 20 && !memcmp(p, "RSD PTR ", 8) && acpi_sum_ok(p, 20)
        && (p[15] < 2 || n < 36 || acpi_sum_ok(p, 36));
}

/* The RSDP: the copy the boot loader passed (the only way on UEFI, whose
 * firmware keeps it in its configuration table), else the BIOS way, on a
 * 16-byte boundary in the EBDA or the BIOS area. *from names the source. */
static const uint8_t *acpi_find_rsdp(const char **from)
{
    if (acpi_rsdp_ok(boot_info.acpi_rsdp, boot_info.acpi_rsdp_size)) {
        *from = "the boot loader";
        return boot_info.acpi_rsdp;
    }
    uint64_t ebda = (uint64_t)*(const uint16_t *)phys_to_virt(0x40e) << 4;
    const uint64_t ranges[2][2] = { { ebda, ebda + 1024 }, { 0xe0000, 0x100000 } };
    *from = "the BIOS area";
    for (unsigned r = 0; r < 2; r++)
        for (uint64_t a = ranges[r][0]; a && a + 20 <= ranges[r][1]; a += 16) {
            const uint8_t *p = phys_to_virt(a);
            if (acpi_rsdp_ok(p, 20))
                return p;
        }
    *from = NULL;
    return NULL;
}

static const struct acpi_sdt *acpi_table(uint64_t pa, uint64_t max_phys)
{
    if (!pa || pa + sizeof(struct acpi_sdt) > max_phys)
        return NULL;
    const struct acpi_sdt *t = phys_to_virt(pa);
    if (t->length < sizeof(*t) || pa + t->length > max_phys || !acpi_sum_ok(t, t->length))
        return NULL;
    return t;
}

static void acpi_madt_parse(const struct acpi_sdt *madt, struct acpi_madt_info *info)
{
    const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + 8, *end = (const uint8_t *)madt + madt->length;
    for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
        if (p[0] == 0 && p[1] >= 8 && (p[4] & 1)) { /* processor local APIC, enabled */
            if (info->cpus < sizeof(info->apic_ids))
                info->apic_ids[info->cpus] = p[3];
            info->cpus++;
        }
        if (p[0] == 9 && p[1] >= 16 && (p[8] & 1)) { /* processor local x2APIC, enabled */
            uint32_t id = *(const uint32_t *)(p + 4);
            if (info->cpus < sizeof(info->apic_ids)) /* 0xff: not reachable in xAPIC mode */
                info->apic_ids[info->cpus] = id < 0xff ? (uint8_t)id : 0xff;
            info->cpus++;
        }
        if (p[0] == 1 && p[1] >= 12 && !info->ioapic) { /* I/O APIC */
            info->ioapic = *(const uint32_t *)(p + 4);
            info->ioapic_gsi = *(const uint32_t *)(p + 8);
        }
        if (p[0] == 2 && p[1] >= 10 && p[2] == 0 && p[3] < 16) { /* ISA interrupt override */
            uint32_t gsi = *(const uint32_t *)(p + 4);
            info->isa_gsi[p[3]] = gsi < 256 ? (uint8_t)gsi : p[3];
            info->isa_flags[p[3]] = *(const uint16_t *)(p + 8);
        }
    }
}

void acpi_madt(uint64_t max_phys, struct acpi_madt_info *info)
{
    for (unsigned i = 0; i < 16; i++)
        info->isa_gsi[i] = (uint8_t)i, info->isa_flags[i] = 0;
    info->cpus = 0;
    info->ioapic = 0;
    info->madt = false;
    const uint8_t *rsdp = acpi_find_rsdp(&info->rsdp_from);
    if (!rsdp)
        return;
    /* The XSDT's address is in the 36-byte form only (revision 2 and up;
     * a 20-byte copy from the loader reads zero there). */
    int xsdt = rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24);
    const struct acpi_sdt *root = acpi_table(xsdt ? *(const uint64_t *)(rsdp + 24) : *(const uint32_t *)(rsdp + 16), max_phys);
    if (!root)
        return;
    unsigned width = xsdt ? 8 : 4, count = (root->length - (unsigned)sizeof(*root)) / width;
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *e = (const uint8_t *)root + sizeof(*root) + i * width;
        uint64_t pa = xsdt ? *(const uint64_t *)e : *(const uint32_t *)e;
        const struct acpi_sdt *t = acpi_table(pa, max_phys);
        if (t && !memcmp(t->sig, "APIC", 4)) {
            acpi_madt_parse(t, info);
            info->madt = true;
            return;
        }
    }
}
