/* Boot information: multiboot v1 and v2 parsing. */
#include "boot.h"
#include "console.h"
#include "string.h"

#define MB1_BOOT_MAGIC 0x2badb002u
#define MB2_BOOT_MAGIC 0x36d76289u

struct boot_info boot_info;
static char boot_strings[4096];
static unsigned boot_strings_used;

static const char *boot_str(uint64_t pa)
{
    const char *s = (const char *)pa;
    char *d = &boot_strings[boot_strings_used];
    if (!pa || pa >= (1ull << 30))
        return "";
    size_t n = strlen(s);
    if (boot_strings_used + n + 1 > sizeof(boot_strings))
        return "";
    memcpy(d, s, n + 1);
    boot_strings_used += (unsigned)n + 1;
    return d;
}

static void boot_add_mem(uint64_t base, uint64_t size, uint32_t type)
{
    if (boot_info.nmem < BOOT_MAX_MEM)
        boot_info.mem[boot_info.nmem++] = (struct boot_mem){ base, size, type };
}

static void boot_add_mod(uint64_t base, uint64_t end, uint64_t cmdline)
{
    if (boot_info.nmods < BOOT_MAX_MODS && end >= base)
        boot_info.mods[boot_info.nmods++] = (struct boot_mod){ base, end - base, boot_str(cmdline) };
}

/* Multiboot2 tags 14 (ACPI 1.0 RSDP, 20 bytes) and 15 (ACPI 2.0+ RSDP,
 * 36 bytes) hold a copy of the RSDP; GRUB under UEFI passes both when the
 * firmware has both. Keep the newer: it may point to the XSDT. */
static void boot_add_rsdp(const uint8_t *tag, uint32_t size)
{
    uint32_t n = size - 8;
    if (n > sizeof(boot_info.acpi_rsdp))
        n = sizeof(boot_info.acpi_rsdp);
    if (n < 20 || n < boot_info.acpi_rsdp_size)
        return;
    memcpy(boot_info.acpi_rsdp, tag + 8, n);
    boot_info.acpi_rsdp_size = n;
}

static void boot_mb1(const uint32_t *mbi)
{
    uint32_t flags = mbi[0];
    boot_info.info_base = (uint64_t)mbi;
    boot_info.info_size = 120;
    if (flags & (1u << 2))
        boot_info.cmdline = boot_str(mbi[4]);
    if (flags & (1u << 3)) {
        const uint32_t *mod = (const uint32_t *)(uint64_t)mbi[6];
        for (uint32_t i = 0; i < mbi[5]; i++, mod += 4)
            boot_add_mod(mod[0], mod[1], mod[2]);
    }
    if (flags & (1u << 6)) {
        uint64_t p = mbi[12], end = p + mbi[11];
        while (p < end) {
            const uint32_t *e = (const uint32_t *)p;
            uint64_t base = e[1] | (uint64_t)e[2] << 32, len = e[3] | (uint64_t)e[4] << 32;
            boot_add_mem(base, len, e[5]);
            p += e[0] + 4;
        }
    }
}

static void boot_mb2(const uint8_t *mbi)
{
    uint32_t total = *(const uint32_t *)mbi;
    boot_info.info_base = (uint64_t)mbi;
    boot_info.info_size = total;
    for (const uint8_t *t = mbi + 8; t < mbi + total;) {
        uint32_t type = ((const uint32_t *)t)[0], size = ((const uint32_t *)t)[1];
        if (type == 0 || size < 8)
            break;
        if (type == 1)
            boot_info.cmdline = boot_str((uint64_t)(t + 8));
        if (type == 3)
            boot_add_mod(((const uint32_t *)t)[2], ((const uint32_t *)t)[3], (uint64_t)(t + 16));
        if (type == 6) {
            uint32_t esize = ((const uint32_t *)t)[2];
            for (const uint8_t *e = t + 16; esize && e + esize <= t + size; e += esize)
                boot_add_mem(((const uint64_t *)e)[0], ((const uint64_t *)e)[1],
                             ((const uint32_t *)e)[4]);
        }
        if (type == 14 || type == 15)
            boot_add_rsdp(t, size);
        t += (size + 7) & ~7u;
    }
}

void boot_parse(uint32_t magic, uint32_t info)
{
    boot_info.cmdline = "";
    if (magic == MB1_BOOT_MAGIC)
        boot_mb1((const uint32_t *)(uint64_t)info);
    else if (magic == MB2_BOOT_MAGIC)
        boot_mb2((const uint8_t *)(uint64_t)info);
    else
        panic("not booted by a multiboot loader (magic %x)", magic);
    if (!boot_info.nmem)
        panic("boot loader gave no memory map");
    if (!boot_info.nmods)
        panic("no boot modules: the first module is the root task");
}
