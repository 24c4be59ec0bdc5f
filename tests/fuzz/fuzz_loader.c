// SOURCES: components/vmm/linux.c
/*
 * libFuzzer target: the guest loaders (components/vmm/linux.c), the Linux
 * boot protocol and multiboot v1. tools/fuzz.sh builds and runs it.
 *
 * The input is a kernel image, given to both loaders with a small guest
 * RAM allocated at exactly its size, so that ASan sees any write outside
 * it; part of the input is the initrd and the command line. Its first
 * four bytes steer: the RAM size, whether to place the rest as the setup
 * header of an image with a valid bzImage signature, or as a multiboot
 * header with a good checksum (so the loaders' later checks are reached,
 * not just the magic), whether to tame the header's addresses towards
 * ones that load, the header's offset, and the initrd and command line
 * lengths. Besides the sanitizers, it checks what the loaders
 * promise: a refusal for what the probes reject, and on success the
 * kernel, initrd and command line in RAM where the entry state and the
 * boot data say.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../components/vmm/linux.h"
#include "../../components/vmm/hw/le.h"
#include "fuzz.h"

#define MiB (1024ull * 1024)

/* Guest RAM sizes, each allocated once at exactly that size. */
static const uint64_t ram_sizes[4] = { 2 * MiB, 4 * MiB, 1 * MiB + 0x9000,
                                       4 * MiB - 0x1000 + 0x123 };
static uint8_t *rams[4];

/* A large initrd, to reach the size checks. */
#define BIG_INITRD (5 * MiB)
static uint8_t *big_initrd;


/* Make image a bzImage the probe accepts; tame: values that may load. */
static void patch_bzimage(uint8_t *img, uint64_t size, bool tame)
{
    if (size < 0x1000)
        return;
    wr16(img + 0x1fe, 0xaa55);
    memcpy(img + 0x202, "HdrS", 4);
    if (rd16(img + 0x206) < 0x20c)
        wr16(img + 0x206, (uint16_t)(0x20c + (img[0x206] & 3)));
    img[0x236] |= 1;
    if (tame) {
        img[0x1f1] &= 7;
        uint32_t align = 1u << (12 + img[0x230] % 12);
        wr32(img + 0x230, align);
        uint64_t pref = rd64(img + 0x258);
        switch (img[0x25f] & 3) { /* aligned: in RAM, just below 2^64, a power of two */
        case 0:
            pref %= 4 * MiB;
            break;
        case 1:
            pref = 0 - pref % (16 * MiB);
            break;
        case 2:
            pref = 1ull << (pref & 63);
            break;
        }
        wr64(img + 0x258, pref & ~(uint64_t)(align - 1));
        if (!(img[0x263] & 0x80))
            wr32(img + 0x260, rd32(img + 0x260) % (32 * MiB));
        wr32(img + 0x238, rd32(img + 0x238) % 0x2000);
    }
}

/* Put a multiboot header with a good checksum at off (4-aligned, below
 * 8 KiB, 32 bytes inside the image); tame: addresses that agree with the
 * file. */
static void patch_multiboot(uint8_t *img, uint64_t size, uint64_t off, bool tame)
{
    uint8_t *h = img + off;
    uint32_t flags = rd32(h + 4);
    if (tame) {
        flags = (flags & 0xffff0003u) | 1u << 16;
        uint32_t load = 0x100000 + (rd32(h + 16) % (3 * MiB) & ~3u);
        /* the file bytes before load_addr */
        uint32_t skip = (uint32_t)(rd16(h + 12) % (off + 1)) & ~3u;
        uint32_t len = (uint32_t)(size - (off - skip));
        wr32(h + 12, load + skip);
        wr32(h + 16, load);
        if (h[20] & 1)
            wr32(h + 20, 0);
        else
            wr32(h + 20, load + rd32(h + 20) % (len + 1));
        if (h[24] & 1)
            wr32(h + 24, 0);
        else
            wr32(h + 24, load + len + rd16(h + 24));
        wr32(h + 28, load + rd32(h + 28) % len);
    }
    wr32(h, 0x1badb002u);
    wr32(h + 4, flags);
    wr32(h + 8, 0u - 0x1badb002u - flags);
}

static void check_linux(const struct vmm_mem *mem, const uint8_t *img, uint64_t size,
                        const uint8_t *initrd, uint64_t isize, const char *cmdline)
{
    struct loader_entry e;
    memset(&e, 0, sizeof(e));
    const char *why = NULL;
    cairn_status_t err = linux_load(mem, img, size, initrd, isize, cmdline, &e, &why);
    FUZZ_CHECK(!err == !why);
    if (!linux_is_bzimage(img, size))
        FUZZ_CHECK(err);
    if (err)
        return;
    FUZZ_CHECK(e.long_mode && e.rsi == LOADER_ZERO && e.cr3 == LOADER_PML4);
    uint64_t setup = ((img[0x1f1] ? img[0x1f1] : 4) + 1) * 512ull, kernel = size - setup;
    FUZZ_CHECK(setup < size);
    uint64_t load = e.rip - 0x200;
    FUZZ_CHECK(e.rip >= 0x200 && load >= 1 * MiB);
    FUZZ_CHECK(load <= mem->size && kernel <= mem->size - load);
    FUZZ_CHECK(!memcmp(mem->base + load, img + setup, kernel));
    const uint8_t *bp = mem->base + LOADER_ZERO;
    uint64_t rd = rd32(bp + 0x218) | (uint64_t)rd32(bp + 0xc0) << 32;
    uint64_t rdlen = rd32(bp + 0x21c) | (uint64_t)rd32(bp + 0xc4) << 32;
    FUZZ_CHECK(rdlen == isize);
    if (isize) {
        FUZZ_CHECK(rd >= load + kernel && rd <= mem->size && isize <= mem->size - rd);
        FUZZ_CHECK(!memcmp(mem->base + rd, initrd, isize));
    }
    uint32_t cl = rd32(bp + 0x228);
    FUZZ_CHECK(cl + 0x1000 <= 1 * MiB && !strcmp((const char *)mem->base + cl, cmdline));
}

static void check_multiboot(const struct vmm_mem *mem, const uint8_t *img, uint64_t size,
                            const char *cmdline)
{
    struct loader_entry e;
    memset(&e, 0, sizeof(e));
    const char *why = NULL;
    cairn_status_t err = multiboot_load(mem, img, size, cmdline, &e, &why);
    FUZZ_CHECK(!err == !why);
    if (!multiboot_is_image(img, size))
        FUZZ_CHECK(err);
    if (err)
        return;
    FUZZ_CHECK(!e.long_mode && e.rax == 0x2badb002u && e.rbx == LOADER_ZERO);
    FUZZ_CHECK(e.rip >= 1 * MiB && e.rip < mem->size);
    const uint8_t *mbi = mem->base + e.rbx;
    uint32_t cl = rd32(mbi + 16);
    FUZZ_CHECK(cl + 0x1000 <= 1 * MiB && !strcmp((const char *)mem->base + cl, cmdline));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    uint8_t ctl = data[0], clen_unit = data[1];
    uint16_t knob = rd16(data + 2);
    const uint8_t *in = data + 4;
    uint64_t n = size - 4;

    unsigned r = ctl & 3;
    if (!rams[r]) {
        rams[r] = malloc(ram_sizes[r]);
        FUZZ_CHECK(rams[r]);
    }
    if (!big_initrd) {
        big_initrd = calloc(1, BIG_INITRD);
        FUZZ_CHECK(big_initrd);
    }
    struct vmm_mem mem = { rams[r], ram_sizes[r] };
    bool tame = ctl & 0x10;

    /* the command line: from the input's bytes, NULs made printable */
    uint64_t clen = ctl & 0x80 ? clen_unit * 17u : clen_unit % 64u;
    char *cmdline = malloc(clen + 1);
    FUZZ_CHECK(cmdline);
    for (uint64_t i = 0; i < clen; i++)
        cmdline[i] = n && in[i % n] ? (char)in[i % n] : 'x';
    cmdline[clen] = 0;

    /* the initrd: none, the input's tail, or a large zero one */
    const uint8_t *initrd = NULL;
    uint64_t isize = 0;
    if (ctl & 0x40) {
        initrd = big_initrd;
        isize = (uint64_t)knob * 97 % (BIG_INITRD + 1);
    } else if (ctl & 0x20) {
        isize = knob % (n + 1);
        initrd = in + n - isize;
    }

    /* As is, the image is the input. As a bzImage, the input is its header
     * from 0x1f0 on, in an image of at least 4 KiB; as a multiboot kernel,
     * the input starts at the header. Each in a buffer of exactly its size. */
    uint64_t bz_size = n + 0x1f0 > 0x1000 + (knob & 0x3fff) ? n + 0x1f0 : 0x1000 + (knob & 0x3fff);
    uint64_t mb_off = ((uint64_t)knob * 4) % 8192, mb_size = mb_off + (n > 32 ? n : 32);

    uint8_t *img = malloc(ctl & 4 ? bz_size : n ? n : 1);
    FUZZ_CHECK(img);
    if (ctl & 4) {
        memset(img, 0, bz_size);
        memcpy(img + 0x1f0, in, n);
        patch_bzimage(img, bz_size, tame);
        check_linux(&mem, img, bz_size, initrd, isize, cmdline);
    } else {
        memcpy(img, in, n);
        check_linux(&mem, img, n, initrd, isize, cmdline);
    }
    free(img);

    img = malloc(ctl & 8 ? mb_size : n ? n : 1);
    FUZZ_CHECK(img);
    if (ctl & 8) {
        memset(img, 0, mb_size);
        memcpy(img + mb_off, in, n);
        patch_multiboot(img, mb_size, mb_off, tame);
        check_multiboot(&mem, img, mb_size, cmdline);
    } else {
        memcpy(img, in, n);
        check_multiboot(&mem, img, n, cmdline);
    }
    free(img);
    free(cmdline);
    return 0;
}
