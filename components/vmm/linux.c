/*
 * Guest loaders (linux.h).
 *
 * Linux: the x86 boot protocol (Documentation/arch/x86/boot.rst). A
 * bzImage is a real-mode setup part of (setup_sects + 1) sectors followed
 * by the protected-mode kernel. We skip the real-mode part: the kernel
 * goes to its preferred address (it is relocatable, so any address
 * aligned to kernel_alignment would do), the setup header is copied into
 * a zeroed boot_params ("zero page") with the loader's fields filled in
 * (command line, initrd, e820 map), and the vCPU starts at the 64-bit
 * entry, load address + 0x200, in long mode on an identity map, with
 * CS = 0x10 and data segments 0x18 of a GDT, interrupts off and RSI
 * pointing at boot_params.
 *
 * Multiboot v1: a header with magic 0x1badb002 in the first 8 KiB; we
 * take the a.out-kludge address fields (flag 16), copy the image and
 * zero its bss, and start in flat 32-bit protected mode with EAX =
 * 0x2badb002 and EBX = the multiboot information (memory sizes, the
 * command line and a memory map).
 */
#include "linux.h"
#include "hw/le.h"

#include <cairn/fmt.h>
#include <string.h>

/* The e820 map both loaders describe: low RAM, the EBDA and BIOS areas
 * reserved, RAM from 1 MiB. */
struct e820 {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

#define E820_RAM      1
#define E820_RESERVED 2

static unsigned e820_map(struct e820 *m, uint64_t ram)
{
    m[0] = (struct e820){ 0, LOADER_LOW_END, E820_RAM };
    m[1] = (struct e820){ LOADER_LOW_END, 0xa0000 - LOADER_LOW_END, E820_RESERVED };
    m[2] = (struct e820){ LOADER_BIOS, 0x100000 - LOADER_BIOS, E820_RESERVED };
    m[3] = (struct e820){ 0x100000, ram - 0x100000, E820_RAM };
    return 4;
}

/* [at, at + len) lies below top. */
static inline bool fits(uint64_t at, uint64_t len, uint64_t top)
{
    return len <= top && at <= top - len;
}


/* The flat GDT both loaders use: 0x08 32-bit code, 0x10 64-bit code,
 * 0x18 data (multiboot uses 0x08/0x18, Linux 0x10/0x18). */
static void loader_gdt(uint8_t *ram)
{
    static const uint64_t gdt[] = { 0, 0x00cf9a000000ffffull, 0x00af9a000000ffffull,
                                    0x00cf92000000ffffull };
    memcpy(ram + LOADER_GDT, gdt, sizeof(gdt));
}

/* Identity map of the first 4 GiB with 2 MiB pages. */
static void loader_page_tables(uint8_t *ram)
{
    uint8_t *pml4 = ram + LOADER_PML4, *pdpt = pml4 + 0x1000, *pd = pml4 + 0x2000;
    memset(pml4, 0, 6 * 0x1000);
    wr64(pml4, (LOADER_PML4 + 0x1000) | 3);
    for (unsigned i = 0; i < 4; i++)
        wr64(pdpt + 8 * i, (LOADER_PML4 + 0x2000 + 0x1000 * i) | 3);
    for (uint64_t i = 0; i < 4 * 512; i++)
        wr64(pd + 8 * i, i << 21 | 0x83); /* present, writable, 2 MiB */
}

/* ---- Linux ------------------------------------------------------------- */

/* Setup header offsets (in the image and in boot_params alike). */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG   0x1fe
#define HDR_JUMP        0x200
#define HDR_MAGIC       0x202
#define HDR_VERSION     0x206
#define HDR_LOADER_TYPE 0x210
#define HDR_LOADFLAGS   0x211
#define HDR_RAMDISK     0x218
#define HDR_RAMDISK_LEN 0x21c
#define HDR_CMDLINE     0x228
#define HDR_INITRD_MAX  0x22c
#define HDR_ALIGN       0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS  0x236
#define HDR_CMDLINE_MAX 0x238
#define HDR_PREF_ADDR   0x258
#define HDR_INIT_SIZE   0x260
/* boot_params outside the header */
#define BP_EXT_RAMDISK     0x0c0
#define BP_EXT_RAMDISK_LEN 0x0c4
#define BP_EXT_CMDLINE     0x0c8
#define BP_E820_ENTRIES    0x1e8
#define BP_E820_TABLE      0x2d0

#define XLF_KERNEL_64 1u

bool linux_is_kernel(const uint8_t *image, uint64_t size)
{
    return size >= 0x1000 && rd16(image + HDR_BOOT_FLAG) == 0xaa55 &&
           !memcmp(image + HDR_MAGIC, "HdrS", 4);
}

bool linux_is_bzimage(const uint8_t *image, uint64_t size)
{
    return linux_is_kernel(image, size) && rd16(image + HDR_VERSION) >= 0x20c &&
           (rd16(image + HDR_XLOADFLAGS) & XLF_KERNEL_64);
}

/* A refusal: status st, and the reason into *why if asked. */
static cairn_status_t loader_refuse(const char **why, cairn_status_t st, const char *reason)
{
    if (why)
        *why = reason;
    return st;
}

/* Why a Linux kernel image cannot be started here: EINVAL (not a kernel)
 * or EUNSUP (too old a boot protocol, a 32-bit kernel). */
static cairn_status_t linux_why_not(const uint8_t *image, uint64_t size, char *msg, size_t len,
                                    const char **why)
{
    unsigned v = linux_is_kernel(image, size) ? rd16(image + HDR_VERSION) : 0;
    if (!linux_is_kernel(image, size))
        return loader_refuse(why, CAIRN_EINVAL, "not a Linux kernel image (no boot sector "
                             "signature and \"HdrS\" setup header)");
    if (v < 0x20c)
        snprintf(msg, len, "Linux boot protocol %u.%02u is too old: a 64-bit entry needs 2.12 or "
                 "later", v >> 8, v & 0xff);
    else
        snprintf(msg, len, "the kernel has no 64-bit entry (XLF_KERNEL_64 not in xloadflags %#x): "
                 "a 32-bit kernel", rd16(image + HDR_XLOADFLAGS));
    return loader_refuse(why, CAIRN_EUNSUP, msg);
}

cairn_status_t linux_load(const struct vmm_mem *mem, const uint8_t *image, uint64_t size,
                          const uint8_t *initrd, uint64_t initrd_size, const char *cmdline,
                          struct loader_entry *e, const char **why)
{
    static char msg[200];
    if (!linux_is_bzimage(image, size))
        return linux_why_not(image, size, msg, sizeof(msg), why);
    if (mem->size < 0x200000)
        return loader_refuse(why, CAIRN_ERANGE, "Linux needs at least 2 MiB of guest RAM");
    unsigned sects = image[HDR_SETUP_SECTS] ? image[HDR_SETUP_SECTS] : 4;
    uint64_t setup = (sects + 1) * 512ull, hdr_end = 0x202u + image[HDR_JUMP + 1];
    if (setup >= size || hdr_end > setup || hdr_end > 0x1000)
        return loader_refuse(why, CAIRN_EINVAL, "bzImage setup header out of range");
    uint64_t kernel = size - setup, align = rd32(image + HDR_ALIGN);
    uint64_t pref = rd64(image + HDR_PREF_ADDR), load = pref, need = rd32(image + HDR_INIT_SIZE);
    if (align < 0x1000 || (align & (align - 1)))
        return loader_refuse(why, CAIRN_EINVAL, "bzImage kernel_alignment is not a power of two");
    if (need < kernel)
        need = kernel;
    /* The kernel goes to pref_address, its LOAD_PHYSICAL_ADDR; one that
     * is not a usable address (below 1 MiB, misaligned) to 16 MiB
     * (CONFIG_PHYSICAL_START's default). Loading a relocatable kernel
     * lower would not help: its decompressor moves itself up to
     * pref_address first, and needs init_size bytes from there. So the
     * kernel runs at the higher of the two and needs RAM up to that
     * plus init_size, within the 4 GiB identity map; pref_address and
     * init_size are the image's to choose: compare without a sum that
     * could wrap. */
    uint64_t limit = mem->size < (1ull << 32) ? mem->size : 1ull << 32;
    if (load < 0x100000 || (load & (align - 1)))
        load = (0x1000000 + align - 1) & ~(align - 1);
    uint64_t run = pref > load ? pref : load;
    if (run >= limit) {
        snprintf(msg, sizeof(msg), "the kernel runs at %#lx (its pref_address), beyond the %lu KiB "
                 "of guest RAM configured", (unsigned long)run, (unsigned long)(mem->size >> 10));
        return loader_refuse(why, CAIRN_ERANGE, msg);
    }
    if (!fits(run, need, limit)) {
        snprintf(msg, sizeof(msg), "the kernel needs %lu KiB of guest RAM (init_size %lu KiB at "
                 "%#lx), more than the %lu KiB configured", (unsigned long)((run + need) >> 10),
                 (unsigned long)(need >> 10), (unsigned long)run, (unsigned long)(mem->size >> 10));
        return loader_refuse(why, CAIRN_ERANGE, msg);
    }
    if (initrd_size > mem->size - run - need) {
        snprintf(msg, sizeof(msg), "the kernel (up to %lu KiB) and the initrd (%lu KiB) need "
                 "more than the %lu KiB of guest RAM configured", (unsigned long)((run + need) >> 10),
                 (unsigned long)(initrd_size >> 10), (unsigned long)(mem->size >> 10));
        return loader_refuse(why, CAIRN_ERANGE, msg);
    }

    uint64_t cmax = rd32(image + HDR_CMDLINE_MAX), clen = strlen(cmdline);
    if (cmax > 0xfff)
        cmax = 0xfff;
    if (clen > cmax)
        return loader_refuse(why, CAIRN_ETOOLONG, "command line longer than the kernel accepts");
    uint64_t initrd_max = rd32(image + HDR_INITRD_MAX);
    uint64_t initrd_top = mem->size < initrd_max + 1 ? mem->size : initrd_max + 1;
    if (initrd_size && (initrd_size > initrd_top ||
                        ((initrd_top - initrd_size) & ~0xfffull) < run + need))
        return loader_refuse(why, CAIRN_ERANGE,
                             "the initrd does not fit between the kernel and initrd_addr_max");

    /* checked: now write the guest's RAM */
    uint8_t *ram = mem->base;
    memcpy(ram + load, image + setup, kernel);

    /* initrd: as high as the kernel allows, page aligned */
    uint64_t initrd_at = 0;
    if (initrd_size) {
        initrd_at = (initrd_top - initrd_size) & ~0xfffull;
        memcpy(ram + initrd_at, initrd, initrd_size);
    }

    memcpy(ram + LOADER_CMDLINE, cmdline, clen + 1);

    /* boot_params */
    uint8_t *bp = ram + LOADER_ZERO;
    memset(bp, 0, 0x1000);
    memcpy(bp + HDR_SETUP_SECTS, image + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    bp[HDR_LOADER_TYPE] = 0xff; /* an undefined loader */
    bp[HDR_LOADFLAGS] |= 1;     /* LOADED_HIGH */
    wr32(bp + HDR_CMDLINE, LOADER_CMDLINE);
    wr32(bp + BP_EXT_CMDLINE, 0);
    wr32(bp + HDR_RAMDISK, (uint32_t)initrd_at);
    wr32(bp + HDR_RAMDISK_LEN, (uint32_t)initrd_size);
    wr32(bp + BP_EXT_RAMDISK, (uint32_t)(initrd_at >> 32));
    wr32(bp + BP_EXT_RAMDISK_LEN, (uint32_t)(initrd_size >> 32));
    wr64(bp + HDR_PREF_ADDR, load);
    bp[BP_E820_ENTRIES] = (uint8_t)e820_map((struct e820 *)(bp + BP_E820_TABLE), mem->size);

    loader_gdt(ram);
    loader_page_tables(ram);
    *e = (struct loader_entry){ .long_mode = true, .rip = load + 0x200, .rsp = LOADER_STACK,
                                .rsi = LOADER_ZERO, .cr3 = LOADER_PML4 };
    return CAIRN_OK;
}

/* ---- multiboot v1 -------------------------------------------------------- */

#define MB_MAGIC      0x1badb002u
#define MB_BOOTED     0x2badb002u
#define MB_F_PAGE     (1u << 0)
#define MB_F_MEM      (1u << 1)
#define MB_F_ADDRESS  (1u << 16)
#define MBI_MEM       (1u << 0)
#define MBI_CMDLINE   (1u << 2)
#define MBI_MMAP      (1u << 6)

/* The header's offset in the image into *off, or CAIRN_ENOTFOUND. */
static cairn_status_t multiboot_header(const uint8_t *image, uint64_t size, uint64_t *off)
{
    for (uint64_t o = 0; o + 32 <= size && o + 32 <= 8192; o += 4) /* all in 8 KiB */
        if (rd32(image + o) == MB_MAGIC &&
            rd32(image + o) + rd32(image + o + 4) + rd32(image + o + 8) == 0) {
            *off = o;
            return CAIRN_OK;
        }
    return CAIRN_ENOTFOUND;
}

bool multiboot_is_image(const uint8_t *image, uint64_t size)
{
    uint64_t off;
    return multiboot_header(image, size, &off) == CAIRN_OK;
}

cairn_status_t multiboot_load(const struct vmm_mem *mem, const uint8_t *image, uint64_t size,
                              const char *cmdline, struct loader_entry *e, const char **why)
{
    uint64_t off;
    if (multiboot_header(image, size, &off) != CAIRN_OK)
        return loader_refuse(why, CAIRN_EINVAL, "no multiboot header");
    const uint8_t *h = image + off;
    uint32_t flags = rd32(h + 4);
    if (flags & 0xffffu & ~(MB_F_PAGE | MB_F_MEM))
        return loader_refuse(why, CAIRN_EUNSUP, "multiboot header asks for something this loader "
                             "does not provide (a video mode?)");
    if (!(flags & MB_F_ADDRESS))
        return loader_refuse(why, CAIRN_EUNSUP, "multiboot kernel without the address fields "
                             "(flag 16) is not supported");
    uint64_t header_addr = rd32(h + 12), load = rd32(h + 16), load_end = rd32(h + 20);
    uint64_t bss_end = rd32(h + 24), entry = rd32(h + 28);
    if (header_addr < load || header_addr - load > off)
        return loader_refuse(why, CAIRN_EINVAL,
                             "multiboot header_addr/load_addr do not match the file");
    uint64_t start = off - (header_addr - load); /* file offset of load_addr */
    uint64_t len = load_end ? load_end - load : size - start;
    if (load_end && load_end < load)
        return loader_refuse(why, CAIRN_EINVAL, "multiboot load_end_addr below load_addr");
    if (start + len > size || len > size)
        return loader_refuse(why, CAIRN_EINVAL, "multiboot load range beyond the file");
    if (bss_end && bss_end < load + len)
        return loader_refuse(why, CAIRN_EINVAL, "multiboot bss_end_addr inside the loaded image");
    uint64_t end = bss_end ? bss_end : load + len;
    if (load < 0x100000 || end > mem->size)
        return loader_refuse(why, CAIRN_ERANGE,
                             "multiboot kernel outside guest RAM (it must load at 1 MiB or above)");
    if (entry < load || entry >= load + len)
        return loader_refuse(why, CAIRN_EINVAL, "multiboot entry point outside the loaded image");
    memcpy(mem->base + load, image + start, len);
    memset(mem->base + load + len, 0, end - load - len);

    uint64_t clen = strlen(cmdline);
    if (clen > 0xfff)
        return loader_refuse(why, CAIRN_ETOOLONG, "command line longer than 4 KiB");
    memcpy(mem->base + LOADER_CMDLINE, cmdline, clen + 1);
    uint8_t *mbi = mem->base + LOADER_ZERO;
    memset(mbi, 0, 0x1000);
    uint8_t *mmap = mbi + 0x100;
    struct e820 map[4];
    unsigned n = e820_map(map, mem->size);
    for (unsigned i = 0; i < n; i++) { /* entries: size (20), then the e820 record */
        wr32(mmap + 24 * i, 20);
        memcpy(mmap + 24 * i + 4, &map[i], 20);
    }
    wr32(mbi + 0, MBI_MEM | MBI_CMDLINE | MBI_MMAP);
    wr32(mbi + 4, LOADER_LOW_END >> 10);
    wr32(mbi + 8, (uint32_t)((mem->size - 0x100000) >> 10));
    wr32(mbi + 16, LOADER_CMDLINE);
    wr32(mbi + 44, 24 * n);
    wr32(mbi + 48, LOADER_ZERO + 0x100);
    loader_gdt(mem->base);
    *e = (struct loader_entry){ .long_mode = false, .rip = entry, .rsp = LOADER_STACK,
                                .rax = MB_BOOTED, .rbx = LOADER_ZERO };
    return CAIRN_OK;
}
