// SOURCES: components/vmm/linux.c
/*
 * Host tests of the guest loaders (linux.c): the Linux x86 boot protocol
 * for a bzImage entered at its 64-bit entry, and multiboot v1 with the
 * a.out-kludge addresses. Images are built in buffers; guest RAM is a
 * window in a larger arena whose guard bytes on either side must never
 * change, whatever the image's header says.
 */
#include "host.h"

#include "../../components/vmm/linux.h"
#include "../../components/vmm/hw/le.h"

#define KiB (1024ull)
#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)

#define RAM_MAX  (64 * MiB)
#define GUARD_LO (16 * MiB) /* a wrapped address lands here, not in random memory */
#define GUARD_HI (1 * MiB)
#define GUARD    0xa5

static uint8_t *arena, *ram;
static struct vmm_mem mem;

/* What a loader says: NULL if it loaded, else the reason it gives through
 * its why out-parameter (a refusal must give one). Use as
 * WHY(linux_load(..., &why)). */
static const char *why;
static const char *why_of(cairn_status_t st)
{
    if (st == CAIRN_OK)
        return NULL;
    assert_non_null(why);
    return why;
}
#define WHY(call) (why = NULL, why_of(call))
static uint8_t guard_block[MiB], zero_block[MiB];


/* Guest RAM of size bytes, zeroed, with the guards around it. */
static void use_ram(uint64_t size)
{
    assert_true(size <= RAM_MAX);
    mem = (struct vmm_mem){ ram, size };
    memset(arena, GUARD, GUARD_LO);
    memset(ram, 0, size);
    memset(ram + size, GUARD, RAM_MAX - size + GUARD_HI);
}

static bool same_as(const uint8_t *p, uint64_t len, const uint8_t *block)
{
    for (; len; ) {
        uint64_t n = len < MiB ? len : MiB;
        if (memcmp(p, block, n))
            return false;
        p += n;
        len -= n;
    }
    return true;
}

/* Nothing outside guest RAM changed. */
static void assert_guards(void)
{
    assert_true(same_as(arena, GUARD_LO, guard_block));
    assert_true(same_as(ram + mem.size, RAM_MAX - mem.size + GUARD_HI, guard_block));
}

/* Nothing at all changed (a refusal before any write). */
static void assert_untouched(void)
{
    assert_guards();
    assert_true(same_as(ram, mem.size, zero_block));
}

static int group_setup(void **state)
{
    arena = malloc(GUARD_LO + RAM_MAX + GUARD_HI);
    if (!arena)
        return -1;
    ram = arena + GUARD_LO;
    memset(guard_block, GUARD, sizeof(guard_block));
    return 0;
}

static int group_teardown(void **state)
{
    free(arena);
    return 0;
}

static int setup(void **state)
{
    use_ram(RAM_MAX);
    return 0;
}

/* ---- Linux ------------------------------------------------------------- */

#define HDR_END   0x268 /* header length the jump byte gives */
#define PAY_LEN   (12 * KiB)
#define PAY_OFF   (5 * 512) /* setup_sects 4 */
#define BP        0x7000u

static uint8_t payload_byte(uint64_t i) { return (uint8_t)(i * 7 + 3) ^ (uint8_t)(i >> 8); }

/* A bzImage: setup_sects real-mode sectors after the boot sector, the
 * setup header, then a recognisable protected-mode payload. */
static uint8_t *bz_make(uint64_t *size, unsigned sects, uint64_t payload)
{
    uint64_t setup = ((sects ? sects : 4) + 1) * 512ull;
    uint8_t *img = calloc(1, setup + payload);
    assert_non_null(img);
    img[0x1f1] = (uint8_t)sects;
    wr16(img + 0x1fe, 0xaa55);
    img[0x200] = 0xeb;
    img[0x201] = HDR_END - 0x202;
    memcpy(img + 0x202, "HdrS", 4);
    wr16(img + 0x206, 0x20f);
    img[0x211] = 0x80;                  /* CAN_USE_HEAP: kept, LOADED_HIGH added */
    wr32(img + 0x22c, 0x7fffffff);      /* initrd_addr_max */
    wr32(img + 0x230, 2 * MiB);         /* kernel_alignment */
    img[0x234] = 1;                     /* relocatable */
    wr16(img + 0x236, 0x3);             /* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G */
    wr32(img + 0x238, 0x7ff);           /* cmdline_size */
    wr64(img + 0x258, 16 * MiB);        /* pref_address */
    wr32(img + 0x260, 4 * MiB);         /* init_size */
    wr32(img + 0x264, 0x12345678);      /* handover_offset: copied as is */
    img[0x280] = 0x77;                  /* past the header: not copied */
    for (uint64_t i = 0; i < payload; i++)
        img[setup + i] = payload_byte(i);
    *size = setup + payload;
    return img;
}

static uint8_t *bz_default(uint64_t *size) { return bz_make(size, 4, PAY_LEN); }

static void assert_payload_at(uint64_t load, uint64_t len)
{
    assert_true(load + len <= mem.size);
    for (uint64_t i = 0; i < len; i++)
        if (ram[load + i] != payload_byte(i))
            fail_msg("payload byte %llu at %#llx differs", (unsigned long long)i,
                     (unsigned long long)load);
}

static const char *bz_load(const uint8_t *img, uint64_t size, const uint8_t *initrd,
                           uint64_t isize, const char *cmdline, struct loader_entry *e)
{
    memset(e, 0x5a, sizeof(*e));
    return WHY(linux_load(&mem, img, size, initrd, isize, cmdline, e, &why));
}

/* Succeeds with the kernel at load. */
static void assert_loaded_at(const uint8_t *img, uint64_t size, uint64_t load)
{
    struct loader_entry e;
    const char *err = bz_load(img, size, NULL, 0, "", &e);
    if (err)
        fail_msg("linux_load: %s", err);
    assert_int_equal(e.rip, load + 0x200);
    assert_payload_at(load, size - PAY_OFF);
    assert_int_equal(rd64(ram + BP + 0x258), load);
    assert_guards();
}

static void test_is_bzimage(void **state)
{
    uint64_t size;
    uint8_t *img = bz_default(&size);
    assert_true(linux_is_bzimage(img, size));
    assert_true(linux_is_bzimage(img, 0x1000));
    assert_false(linux_is_bzimage(img, 0xfff));
    assert_false(linux_is_bzimage(img, 0));

    img[0x1fe] = 0x56; /* boot flag */
    assert_false(linux_is_bzimage(img, size));
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xab;
    assert_false(linux_is_bzimage(img, size));
    img[0x1ff] = 0xaa;
    assert_true(linux_is_bzimage(img, size));

    for (unsigned i = 0; i < 4; i++) { /* each byte of "HdrS" */
        img[0x202 + i] ^= 0x20;
        assert_false(linux_is_bzimage(img, size));
        img[0x202 + i] ^= 0x20;
    }
    assert_true(linux_is_bzimage(img, size));

    wr16(img + 0x206, 0x20b); /* boot protocol before 2.12 */
    assert_false(linux_is_bzimage(img, size));
    wr16(img + 0x206, 0x0204);
    assert_false(linux_is_bzimage(img, size));
    wr16(img + 0x206, 0x20c);
    assert_true(linux_is_bzimage(img, size));
    wr16(img + 0x206, 0x20f);

    wr16(img + 0x236, 0x2); /* no XLF_KERNEL_64 */
    assert_false(linux_is_bzimage(img, size));
    wr16(img + 0x236, 0x1);
    assert_true(linux_is_bzimage(img, size));
    free(img);
}

static void test_linux_load(void **state)
{
    uint64_t size, isize = 300 * KiB + 123;
    uint8_t *img = bz_default(&size), *initrd = malloc(isize);
    assert_non_null(initrd);
    for (uint64_t i = 0; i < isize; i++)
        initrd[i] = (uint8_t)(i * 13 + 1);
    const char *cmdline = "console=ttyS0 root=/dev/vda quiet";
    struct loader_entry e;

    const char *err = bz_load(img, size, initrd, isize, cmdline, &e);
    if (err)
        fail_msg("linux_load: %s", err);
    assert_guards();

    /* the protected-mode part at pref_address, entered at its 64-bit entry */
    assert_payload_at(16 * MiB, PAY_LEN);
    assert_int_equal(ram[16 * MiB - 1], 0);
    assert_int_equal(ram[16 * MiB + PAY_LEN], 0);
    assert_true(e.long_mode);
    assert_int_equal(e.rip, 16 * MiB + 0x200);
    assert_int_equal(e.rsi, BP);
    assert_int_equal(e.rsi, LOADER_ZERO);
    assert_int_equal(e.cr3, LOADER_PML4);
    assert_int_equal(e.rsp, LOADER_STACK);

    /* boot_params: the setup header copied up to its end, loader fields set */
    const uint8_t *bp = ram + BP;
    assert_int_equal(bp[0x1f1], 4);
    assert_int_equal(rd16(bp + 0x1fe), 0xaa55);
    assert_int_equal(bp[0x200], 0xeb);
    assert_memory_equal(bp + 0x202, "HdrS", 4);
    assert_int_equal(rd16(bp + 0x206), 0x20f);
    assert_int_equal(rd32(bp + 0x22c), 0x7fffffff);
    assert_int_equal(rd32(bp + 0x230), 2 * MiB);
    assert_int_equal(bp[0x234], 1);
    assert_int_equal(rd16(bp + 0x236), 0x3);
    assert_int_equal(rd32(bp + 0x238), 0x7ff);
    assert_int_equal(rd32(bp + 0x260), 4 * MiB);
    assert_int_equal(rd32(bp + 0x264), 0x12345678);
    assert_int_equal(bp[0x1f0], 0);  /* before the header */
    assert_int_equal(bp[0x280], 0);  /* after it */
    assert_int_equal(bp[0x210], 0xff); /* type_of_loader */
    assert_int_equal(bp[0x211], 0x81); /* LOADED_HIGH | CAN_USE_HEAP */

    /* command line */
    uint64_t cl = rd32(bp + 0x228) | (uint64_t)rd32(bp + 0xc8) << 32;
    assert_int_equal(cl, LOADER_CMDLINE);
    assert_string_equal((const char *)ram + cl, cmdline);

    /* initrd: at the top of RAM, page aligned, above the kernel */
    uint64_t rd = rd32(bp + 0x218) | (uint64_t)rd32(bp + 0xc0) << 32;
    uint64_t rdlen = rd32(bp + 0x21c) | (uint64_t)rd32(bp + 0xc4) << 32;
    assert_int_equal(rdlen, isize);
    assert_int_equal(rd & 0xfff, 0);
    assert_int_equal(rd, (RAM_MAX - isize) & ~0xfffull);
    assert_true(rd + isize <= RAM_MAX && rd + isize > RAM_MAX - 4 * KiB);
    assert_true(rd >= 16 * MiB + 4 * MiB);
    assert_memory_equal(ram + rd, initrd, isize);

    /* e820: low RAM, the EBDA and BIOS reserved, RAM from 1 MiB */
    static const struct { uint64_t addr, size; uint32_t type; } map[] = {
        { 0, 0x9fc00, 1 },
        { 0x9fc00, 0x400, 2 },
        { 0xf0000, 0x10000, 2 },
        { 0x100000, RAM_MAX - 0x100000, 1 },
    };
    assert_int_equal(bp[0x1e8], 4);
    for (unsigned i = 0; i < 4; i++) {
        const uint8_t *m = bp + 0x2d0 + 20 * i;
        assert_int_equal(rd64(m), map[i].addr);
        assert_int_equal(rd64(m + 8), map[i].size);
        assert_int_equal(rd32(m + 16), map[i].type);
    }
    assert_int_equal(rd64(bp + 0x2d0 + 80), 0); /* nothing after */

    /* the stack and boot data are below the kernel and reserved nowhere */
    assert_true(e.rsp > LOADER_CMDLINE + 0x1000 && e.rsp <= 0x9fc00);
    free(initrd);
    free(img);
}

/* Walk the loader's page tables (4-level, 2 MiB pages); -1 if unmapped. */
static uint64_t walk(uint64_t cr3, uint64_t va)
{
    uint64_t table = cr3 & ~0xfffull;
    for (int level = 3; level >= 1; level--) {
        assert_true(table + 0x1000 <= mem.size);
        uint64_t pte = rd64(ram + table + 8 * ((va >> (12 + 9 * level)) & 511));
        if (!(pte & 1))
            return ~0ull;
        assert_true(pte & 2); /* writable */
        if (level == 1) {
            assert_true(pte & 0x80); /* a 2 MiB page */
            return (pte & 0x000fffffffe00000ull) | (va & (2 * MiB - 1));
        }
        assert_false(pte & 0x80);
        table = pte & 0x000ffffffffff000ull;
    }
    return ~0ull;
}

static void test_linux_paging_and_gdt(void **state)
{
    uint64_t size;
    uint8_t *img = bz_default(&size);
    struct loader_entry e;
    assert_null(bz_load(img, size, NULL, 0, "", &e));
    static const uint64_t vas[] = { 0, 0x7000, 0x1fffff, 0x200000, 16 * MiB + 0x200,
                                    64 * MiB - 1, 1 * GiB + 0x12345, 3 * GiB,
                                    3 * GiB + 0x1234567, 4 * GiB - 1 };
    for (unsigned i = 0; i < sizeof(vas) / sizeof(vas[0]); i++)
        assert_int_equal(walk(e.cr3, vas[i]), vas[i]);
    assert_int_equal(walk(e.cr3, 4 * GiB), ~0ull);
    assert_int_equal(walk(e.cr3, 512 * GiB), ~0ull);
    /* the tables are below boot_params, which they do not overlap */
    assert_true(e.cr3 >= 0x1000 && e.cr3 + 6 * 0x1000 <= BP);

    /* GDT: 0x10 a 64-bit code segment, 0x18 a flat data segment */
    uint64_t code = rd64(ram + LOADER_GDT + 0x10), data = rd64(ram + LOADER_GDT + 0x18);
    assert_true(code >> 47 & 1);   /* present */
    assert_true(code >> 44 & 1);   /* code/data, not system */
    assert_true(code >> 43 & 1);   /* executable */
    assert_true(code >> 53 & 1);   /* L: 64-bit */
    assert_false(code >> 54 & 1);  /* D must be clear with L */
    assert_int_equal(code >> 45 & 3, 0); /* DPL 0 */
    assert_true(data >> 47 & 1);
    assert_true(data >> 44 & 1);
    assert_false(data >> 43 & 1);  /* not executable */
    assert_true(data >> 41 & 1);   /* writable */
    assert_int_equal(data >> 45 & 3, 0);
    assert_int_equal(rd64(ram + LOADER_GDT), 0); /* null descriptor */
    free(img);
}

static void test_linux_setup_sects(void **state)
{
    uint64_t size;
    /* setup_sects 0 means 4 */
    uint8_t *img = bz_make(&size, 0, PAY_LEN);
    assert_loaded_at(img, size, 16 * MiB);
    free(img);

    /* a larger real-mode part: the payload still starts after it */
    setup(state);
    img = bz_make(&size, 30, PAY_LEN);
    assert_int_equal(size, 31 * 512 + PAY_LEN);
    struct loader_entry e;
    assert_null(bz_load(img, size, NULL, 0, "", &e));
    assert_payload_at(16 * MiB, PAY_LEN);
    assert_int_equal(ram[BP + 0x1f1], 30);
    free(img);

    /* setup_sects pointing at or beyond the image's end */
    setup(state);
    img = bz_make(&size, 4, PAY_LEN);
    img[0x1f1] = 5 + PAY_LEN / 512 - 1; /* exactly the whole image: no kernel */
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    img[0x1f1] = 255;
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    assert_untouched();
    img[0x1f1] = 5 + PAY_LEN / 512 - 2; /* one sector of kernel left */
    assert_null(bz_load(img, size, NULL, 0, "", &e));
    assert_guards();
    free(img);

    /* the longest header length the jump byte gives (to 0x301) is still
     * inside the setup; it reaches into where the e820 map goes (0x2d0),
     * which is written after it */
    setup(state);
    img = bz_make(&size, 1, PAY_LEN);
    img[0x201] = 0xff;
    memset(img + 0x280, 0x99, 0x90);
    assert_null(bz_load(img, size, NULL, 0, "", &e));
    assert_int_equal(ram[BP + 0x28f], 0x99);
    assert_int_equal(ram[BP + 0x2cf], 0x99);
    assert_int_equal(ram[BP + 0x1e8], 4);
    assert_int_equal(rd64(ram + BP + 0x2d0), 0);
    assert_int_equal(rd64(ram + BP + 0x2d0 + 8), 0x9fc00);
    assert_int_equal(rd64(ram + BP + 0x2d0 + 40), 0xf0000);
    assert_int_equal(rd64(ram + BP + 0x2d0 + 48), 0x10000);
    assert_int_equal(ram[BP + 0x300], 0); /* the e820 map's, not the image's byte */
    assert_int_equal(rd32(ram + BP + 0x2d0 + 56), 2);
    assert_guards();
    free(img);
}

/* Refused, with a message containing part; guest RAM untouched. */
static void assert_refused(const uint8_t *img, uint64_t size, uint64_t isize, const char *part)
{
    static uint8_t initrd[16 * MiB];
    struct loader_entry e;
    const char *err = bz_load(img, size, initrd, isize, "", &e);
    if (!err)
        fail_msg("loaded, expected a refusal with \"%s\"", part);
    if (!strstr(err, part))
        fail_msg("\"%s\" does not say \"%s\"", err, part);
    assert_untouched();
}

static void test_linux_not_bzimage(void **state)
{
    uint64_t size;
    uint8_t *img = bz_default(&size);
    struct loader_entry e;
    memcpy(img + 0x202, "HdrX", 4);
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    assert_false(linux_is_kernel(img, size));
    memcpy(img + 0x202, "HdrS", 4);
    assert_true(linux_is_kernel(img, size));
    /* a Linux kernel, but not one this loader can start: it says why */
    wr16(img + 0x236, 0);
    assert_refused(img, size, 0, "the kernel has no 64-bit entry (XLF_KERNEL_64 not in "
                                 "xloadflags 0): a 32-bit kernel");
    wr16(img + 0x236, 1);
    wr16(img + 0x206, 0x20b);
    assert_true(linux_is_kernel(img, size));
    assert_refused(img, size, 0, "Linux boot protocol 2.11 is too old: a 64-bit entry needs 2.12 "
                                 "or later");
    wr16(img + 0x206, 0x20f);
    assert_non_null(bz_load(img, 0x800, NULL, 0, "", &e));
    assert_untouched();
    free(img);
}

static void test_linux_ram_too_small(void **state)
{
    uint64_t size, isize = 12 * MiB;
    uint8_t *img = bz_default(&size), *initrd = calloc(1, isize);
    assert_non_null(initrd);
    struct loader_entry e;

    /* less than 2 MiB at all, even for a kernel that would fit above 1 MiB */
    use_ram(2 * MiB - 4096);
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    wr32(img + 0x230, 4096);
    wr32(img + 0x260, 64 * KiB);
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    assert_untouched();
    wr32(img + 0x230, 2 * MiB);
    wr32(img + 0x260, 4 * MiB);

    /* 24 MiB: the kernel (16 MiB + 4 MiB init_size) and a 5 MiB initrd do not fit */
    use_ram(24 * MiB);
    assert_refused(img, size, 5 * MiB, "the kernel (up to 20480 KiB) and the initrd (5120 KiB) "
                                       "need more than the 24576 KiB of guest RAM configured");
    /* a 2 MiB initrd does, above the kernel */
    assert_null(bz_load(img, size, initrd, 2 * MiB, "", &e));
    assert_int_equal(rd32(ram + BP + 0x218), 22 * MiB);
    assert_guards();

    /* an initrd larger than RAM */
    use_ram(8 * MiB);
    assert_non_null(bz_load(img, size, initrd, 9 * MiB, "", &e));
    assert_non_null(bz_load(img, size, initrd, isize, "", &e));
    assert_untouched();

    /* init_size larger than RAM */
    wr32(img + 0x260, 9 * MiB);
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    wr32(img + 0x260, 0xffffffff);
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    assert_untouched();
    use_ram(32 * MiB);
    wr32(img + 0x260, 20 * MiB);
    assert_refused(img, size, 0, "the kernel needs 36864 KiB of guest RAM (init_size 20480 KiB "
                                 "at 0x1000000), more than the 32768 KiB configured");

    /* 64 MiB: kernel from 16 MiB to 56 MiB, 8 MiB left for the initrd */
    use_ram(RAM_MAX);
    wr32(img + 0x260, 40 * MiB);
    assert_non_null(bz_load(img, size, initrd, 8 * MiB + 1, "", &e));
    assert_untouched();
    assert_null(bz_load(img, size, initrd, 8 * MiB, "", &e)); /* exactly fills it */
    assert_int_equal(rd32(ram + BP + 0x218), 56 * MiB);
    assert_int_equal(rd64(ram + BP + 0x258), 16 * MiB);
    assert_guards();
    free(initrd);
    free(img);
}

/* An init_size smaller than the image's kernel part: the kernel part counts. */
static void test_linux_init_size_small(void **state)
{
    uint64_t size;
    uint8_t *img = bz_make(&size, 4, 1 * MiB + 4 * KiB);
    struct loader_entry e;
    wr32(img + 0x230, 4096);
    wr32(img + 0x260, 4096);

    /* at 1 MiB in 2 MiB of RAM it would end 4 KiB past the end */
    use_ram(2 * MiB);
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    assert_untouched();

    /* the initrd goes above the whole kernel part */
    use_ram(RAM_MAX);
    wr32(img + 0x22c, 16 * MiB + 1 * MiB + 8 * KiB - 2);
    uint8_t initrd[4096];
    memset(initrd, 0xee, sizeof(initrd));
    assert_non_null(bz_load(img, size, initrd, sizeof(initrd), "", &e));
    assert_guards();
    use_ram(RAM_MAX);
    wr32(img + 0x22c, 16 * MiB + 1 * MiB + 8 * KiB - 1);
    assert_null(bz_load(img, size, initrd, sizeof(initrd), "", &e));
    assert_int_equal(rd32(ram + BP + 0x218), 16 * MiB + 1 * MiB + 4 * KiB);
    assert_payload_at(16 * MiB, 1 * MiB + 4 * KiB);
    assert_guards();
    free(img);
}

static void test_linux_initrd_addr_max(void **state)
{
    uint64_t size, isize = 5 * MiB + 100;
    uint8_t *img = bz_default(&size), *initrd = malloc(isize);
    assert_non_null(initrd);
    memset(initrd, 0x3c, isize);
    struct loader_entry e;

    wr32(img + 0x22c, 48 * MiB - 1);
    assert_null(bz_load(img, size, initrd, isize, "", &e));
    uint64_t rd = rd32(ram + BP + 0x218);
    assert_int_equal(rd, (48 * MiB - isize) & ~0xfffull);
    assert_true(rd + isize <= 48 * MiB);
    assert_memory_equal(ram + rd, initrd, isize);
    assert_guards();

    /* an initrd_addr_max leaving no room above the kernel (16 + 4 MiB) */
    setup(state);
    wr32(img + 0x22c, 24 * MiB - 1);
    assert_non_null(bz_load(img, size, initrd, isize, "", &e));
    wr32(img + 0x22c, 4 * MiB - 1); /* below even the kernel */
    assert_non_null(bz_load(img, size, initrd, isize, "", &e));
    wr32(img + 0x22c, 0);
    assert_non_null(bz_load(img, size, initrd, isize, "", &e));
    assert_guards();
    free(initrd);
    free(img);
}

static void test_linux_cmdline(void **state)
{
    uint64_t size;
    uint8_t *img = bz_default(&size);
    struct loader_entry e;
    char line[0x1001 + 1];
    memset(line, 'a', sizeof(line) - 1);
    line[sizeof(line) - 1] = 0;

    wr32(img + 0x238, 16);
    line[16] = 0;
    assert_null(bz_load(img, size, NULL, 0, line, &e));
    assert_int_equal(strlen((const char *)ram + LOADER_CMDLINE), 16);
    line[16] = 'a';
    line[17] = 0;
    setup(state);
    assert_non_null(bz_load(img, size, NULL, 0, line, &e));
    assert_guards();
    assert_untouched(); /* refused before anything is written */
    line[17] = 'a';

    /* cmdline_size 0: only an empty line */
    wr32(img + 0x238, 0);
    assert_non_null(bz_load(img, size, NULL, 0, "a", &e));
    assert_null(bz_load(img, size, NULL, 0, "", &e));
    assert_guards();

    /* the 4 KiB buffer holds 4095 characters and the NUL */
    wr32(img + 0x238, 0x1000);
    line[0x1000] = 0;
    setup(state);
    assert_non_null(bz_load(img, size, NULL, 0, line, &e));
    assert_int_equal(ram[LOADER_CMDLINE], 0);
    line[0x1000] = 'a';

    /* a huge cmdline_size is held to it too */
    wr32(img + 0x238, 0xffffffff);
    line[0x1000] = 0;
    setup(state);
    assert_non_null(bz_load(img, size, NULL, 0, line, &e));
    assert_int_equal(ram[LOADER_CMDLINE], 0);
    line[0xfff] = 0;
    assert_null(bz_load(img, size, NULL, 0, line, &e));
    assert_int_equal(strlen((const char *)ram + LOADER_CMDLINE), 0xfff);
    assert_int_equal(ram[LOADER_CMDLINE + 0x1000], 0);
    assert_guards();
    free(img);
}

static void test_linux_alignment(void **state)
{
    uint64_t size;
    uint8_t *img = bz_default(&size);
    struct loader_entry e;
    static const uint32_t bad[] = { 0, 1, 0x800, 0xfff, 0x300000, 0x200001, 0xffffffff };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        wr32(img + 0x230, bad[i]);
        assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    }
    assert_untouched();
    wr32(img + 0x230, 0x1000);
    assert_loaded_at(img, size, 16 * MiB);

    /* a preferred address the alignment does not allow: 16 MiB instead */
    setup(state);
    wr32(img + 0x230, 2 * MiB);
    wr64(img + 0x258, 16 * MiB + 4096);
    assert_loaded_at(img, size, 16 * MiB);

    /* an alignment above 16 MiB: the fallback address honours it too */
    setup(state);
    wr32(img + 0x230, 32 * MiB);
    wr64(img + 0x258, 0);
    assert_loaded_at(img, size, 32 * MiB);

    /* a usable preferred address is used */
    setup(state);
    wr32(img + 0x230, 2 * MiB);
    wr64(img + 0x258, 34 * MiB);
    assert_loaded_at(img, size, 34 * MiB);
    free(img);
}

static void test_linux_pref_address_absurd(void **state)
{
    uint64_t size;
    uint8_t *img = bz_default(&size);
    struct loader_entry e;

    /* an address where address + init_size wraps to inside RAM: the
     * kernel must not go 8 MiB below guest RAM; it would run there */
    wr64(img + 0x258, 0ull - 8 * MiB);
    wr32(img + 0x260, 16 * MiB);
    assert_refused(img, size, 0, "the kernel runs at 0xffffffffff800000 (its pref_address), "
                                 "beyond the 65536 KiB of guest RAM configured");

    /* the same, not relocatable */
    setup(state);
    img[0x234] = 0;
    const char *err = bz_load(img, size, NULL, 0, "", &e);
    assert_guards();
    if (!err)
        assert_payload_at(e.rip - 0x200, PAY_LEN);
    img[0x234] = 1;
    wr32(img + 0x260, 4 * MiB);

    /* below 1 MiB (aligned or not) */
    setup(state);
    wr64(img + 0x258, 0x80000);
    assert_loaded_at(img, size, 16 * MiB);
    setup(state);
    wr32(img + 0x230, 4096);
    assert_loaded_at(img, size, 16 * MiB);
    setup(state);
    wr64(img + 0x258, 0);
    assert_loaded_at(img, size, 16 * MiB);
    wr32(img + 0x230, 2 * MiB);

    /* far beyond RAM: a kernel moves itself there, so it is refused */
    static const uint64_t far[] = { 1ull << 63, 1ull << 32, 64 * MiB, 0xffffffffffe00000ull };
    for (unsigned i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
        setup(state);
        wr64(img + 0x258, far[i]);
        assert_refused(img, size, 0, "(its pref_address), beyond the 65536 KiB of guest RAM");
        img[0x234] = 0; /* even when not relocatable: never outside RAM */
        setup(state);
        err = bz_load(img, size, NULL, 0, "", &e);
        if (!err)
            assert_payload_at(e.rip - 0x200, PAY_LEN);
        assert_guards();
        img[0x234] = 1;
    }

    /* an init_size far beyond RAM */
    setup(state);
    wr64(img + 0x258, 32 * MiB);
    wr32(img + 0x260, 0xffe00000);
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    assert_untouched();
    free(img);
}

static void test_linux_small_ram(void **state)
{
    uint64_t size;
    uint8_t *img = bz_default(&size);
    struct loader_entry e;

    /* 8 MiB: 16 MiB is beyond RAM, and a relocatable kernel loaded lower
     * would move itself up to it (its LOAD_PHYSICAL_ADDR) anyway */
    use_ram(8 * MiB);
    assert_refused(img, size, 0, "the kernel runs at 0x1000000 (its pref_address), beyond the "
                                 "8192 KiB of guest RAM configured");
    use_ram(20 * MiB - 4096);
    assert_refused(img, size, 0, "the kernel needs 20480 KiB of guest RAM (init_size 4096 KiB at "
                                 "0x1000000), more than the 20476 KiB configured");
    use_ram(20 * MiB);
    assert_loaded_at(img, size, 16 * MiB);

    /* a kernel built to run at 2 MiB fits in 8 MiB */
    use_ram(8 * MiB);
    wr64(img + 0x258, 2 * MiB);
    const char *err = bz_load(img, size, NULL, 0, "", &e);
    if (err)
        fail_msg("linux_load: %s", err);
    assert_int_equal(e.rip, 2 * MiB + 0x200);
    assert_payload_at(2 * MiB, PAY_LEN);
    assert_int_equal(rd64(ram + BP + 0x258), 2 * MiB);
    assert_int_equal(rd64(ram + BP + 0x2d0 + 3 * 20 + 8), 7 * MiB); /* e820 RAM from 1 MiB */
    assert_guards();

    /* and one at 1 MiB, with a 4 KiB alignment */
    use_ram(8 * MiB);
    wr32(img + 0x230, 4096);
    wr64(img + 0x258, 1 * MiB);
    assert_null(bz_load(img, size, NULL, 0, "", &e));
    assert_int_equal(e.rip, 1 * MiB + 0x200);
    assert_payload_at(1 * MiB, PAY_LEN);
    assert_guards();

    /* exactly 2 MiB of RAM: 1 MiB free above the low area */
    use_ram(2 * MiB);
    wr32(img + 0x260, 1 * MiB);
    assert_null(bz_load(img, size, NULL, 0, "", &e));
    assert_int_equal(e.rip, 1 * MiB + 0x200);
    assert_guards();
    wr32(img + 0x260, 1 * MiB + 1);
    use_ram(2 * MiB);
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    assert_untouched();
    wr64(img + 0x258, 16 * MiB);

    /* not relocatable: refused rather than placed where it cannot run */
    use_ram(8 * MiB);
    wr32(img + 0x230, 2 * MiB);
    wr32(img + 0x260, 4 * MiB);
    img[0x234] = 0;
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    assert_untouched();

    /* an alignment pushing even the lowest spot beyond RAM */
    img[0x234] = 1;
    wr32(img + 0x230, 1u << 31);
    assert_non_null(bz_load(img, size, NULL, 0, "", &e));
    assert_untouched();
    free(img);
}

/* ---- multiboot ---------------------------------------------------------- */

#define MB_MAGIC 0x1badb002u

struct mb_hdr {
    uint32_t flags, header_addr, load_addr, load_end_addr, bss_end_addr, entry;
};

/* Write a header at off, with a correct checksum. */
static void mb_put(uint8_t *img, uint64_t off, const struct mb_hdr *h)
{
    wr32(img + off, MB_MAGIC);
    wr32(img + off + 4, h->flags);
    wr32(img + off + 8, 0u - MB_MAGIC - h->flags);
    wr32(img + off + 12, h->header_addr);
    wr32(img + off + 16, h->load_addr);
    wr32(img + off + 20, h->load_end_addr);
    wr32(img + off + 24, h->bss_end_addr);
    wr32(img + off + 28, h->entry);
}

#define MB_OFF   0x1024u
#define MB_SIZE  0x3000u
#define MB_LOAD  0x100000u
#define MB_BSS   0x2000u

static uint8_t mb_byte(uint64_t i) { return (uint8_t)(i * 5 + 1) | 1; }

static uint8_t *mb_make(uint64_t size, uint64_t off, const struct mb_hdr *h)
{
    uint8_t *img = malloc(size);
    assert_non_null(img);
    for (uint64_t i = 0; i < size; i++)
        img[i] = mb_byte(i);
    if (h)
        mb_put(img, off, h);
    return img;
}

static struct mb_hdr mb_default(void)
{
    return (struct mb_hdr){
        .flags = 1u << 16 | 3, /* addresses, page align, memory info */
        .header_addr = MB_LOAD + MB_OFF,
        .load_addr = MB_LOAD,
        .load_end_addr = MB_LOAD + MB_SIZE,
        .bss_end_addr = MB_LOAD + MB_SIZE + MB_BSS,
        .entry = MB_LOAD + 0x10,
    };
}

static const char *mb_try(const struct mb_hdr *h, uint64_t size, uint64_t off,
                          const char *cmdline, struct loader_entry *e)
{
    uint8_t *img = mb_make(size, off, h);
    memset(e, 0x5a, sizeof(*e));
    const char *err = WHY(multiboot_load(&mem, img, size, cmdline, e, &why));
    free(img);
    return err;
}

/* Refused, before writing anything. */
static void assert_mb_refused(const struct mb_hdr *h, uint64_t size, uint64_t off)
{
    struct loader_entry e;
    assert_non_null(mb_try(h, size, off, "", &e));
    assert_untouched();
}

static void test_multiboot_is_image(void **state)
{
    struct mb_hdr h = mb_default();
    uint8_t *img = mb_make(MB_SIZE, MB_OFF, &h);
    assert_true(multiboot_is_image(img, MB_SIZE));
    assert_false(multiboot_is_image(img, MB_OFF + 31)); /* header cut short */
    assert_true(multiboot_is_image(img, MB_OFF + 32));
    wr32(img + MB_OFF + 8, rd32(img + MB_OFF + 8) + 1); /* checksum */
    assert_false(multiboot_is_image(img, MB_SIZE));
    free(img);

    /* at offset 0 and at the last 4-aligned offset below 8 KiB */
    img = mb_make(0x4000, 0, &h);
    assert_true(multiboot_is_image(img, 0x4000));
    free(img);
    img = mb_make(0x4000, 8192 - 32, &h); /* the last offset where all 32 bytes fit */
    assert_true(multiboot_is_image(img, 0x4000));
    free(img);

    /* at 8 KiB, or not 4-aligned */
    img = mb_make(0x4000, 8192, &h);
    assert_false(multiboot_is_image(img, 0x4000));
    free(img);
    img = mb_make(0x4000, 0x22, &h);
    assert_false(multiboot_is_image(img, 0x4000));
    free(img);
    img = mb_make(0x4000, 0, NULL);
    assert_false(multiboot_is_image(img, 0x4000));
    assert_false(multiboot_is_image(img, 0));
    free(img);
}

static void test_multiboot_load(void **state)
{
    use_ram(8 * MiB);
    struct mb_hdr h = mb_default();
    uint8_t *img = mb_make(MB_SIZE, MB_OFF, &h);
    /* the bss area (and beyond) dirty: it must be zeroed, and no more */
    memset(ram + MB_LOAD + MB_SIZE, 0xcc, MB_BSS + 0x100);
    memset(ram + MB_LOAD - 0x100, 0xcc, 0x100);
    const char *cmdline = "mbkernel debug=1";
    struct loader_entry e;
    memset(&e, 0x5a, sizeof(e));
    const char *err = WHY(multiboot_load(&mem, img, MB_SIZE, cmdline, &e, &why));
    if (err)
        fail_msg("multiboot_load: %s", err);
    assert_guards();

    assert_memory_equal(ram + MB_LOAD, img, MB_SIZE);
    for (uint64_t i = 0; i < MB_BSS; i++)
        assert_int_equal(ram[MB_LOAD + MB_SIZE + i], 0);
    assert_int_equal(ram[MB_LOAD + MB_SIZE + MB_BSS], 0xcc);
    assert_int_equal(ram[MB_LOAD - 1], 0xcc);

    assert_false(e.long_mode);
    assert_int_equal(e.rip, MB_LOAD + 0x10);
    assert_int_equal(e.rax, 0x2badb002);
    assert_int_equal(e.rbx, LOADER_ZERO);
    assert_int_equal(e.rsp, LOADER_STACK);

    /* the multiboot information */
    const uint8_t *mbi = ram + e.rbx;
    uint32_t flags = rd32(mbi);
    assert_true(flags & 1);      /* mem_lower/mem_upper */
    assert_true(flags & 4);      /* cmdline */
    assert_true(flags & 64);     /* mmap */
    assert_false(flags & 8);     /* no modules */
    assert_int_equal(rd32(mbi + 4), 639);
    assert_int_equal(rd32(mbi + 8), (8 * MiB - 1 * MiB) / 1024);
    uint32_t cl = rd32(mbi + 16);
    assert_true(cl + 0x1000 <= 1 * MiB);
    assert_string_equal((const char *)ram + cl, cmdline);

    static const struct { uint64_t addr, size; uint32_t type; } map[] = {
        { 0, 0x9fc00, 1 },
        { 0x9fc00, 0x400, 2 },
        { 0xf0000, 0x10000, 2 },
        { 0x100000, 7 * MiB, 1 },
    };
    uint32_t len = rd32(mbi + 44), at = rd32(mbi + 48);
    assert_true(at + len <= 1 * MiB);
    unsigned n = 0;
    for (uint32_t p = at; p < at + len; n++) { /* walk it as a guest would */
        assert_true(n < 4);
        uint32_t esize = rd32(ram + p);
        assert_int_equal(esize, 20);
        assert_int_equal(rd64(ram + p + 4), map[n].addr);
        assert_int_equal(rd64(ram + p + 12), map[n].size);
        assert_int_equal(rd32(ram + p + 20), map[n].type);
        p += esize + 4;
    }
    assert_int_equal(n, 4);

    /* GDT: 0x08 a flat 32-bit code segment, 0x18 data */
    uint64_t code = rd64(ram + LOADER_GDT + 0x08), data = rd64(ram + LOADER_GDT + 0x18);
    assert_true(code >> 47 & 1);
    assert_true(code >> 43 & 1);
    assert_true(code >> 54 & 1); /* D: 32-bit */
    assert_false(code >> 53 & 1);
    assert_true(data >> 47 & 1);
    assert_false(data >> 43 & 1);
    assert_true(data >> 41 & 1);
    free(img);
}

static void test_multiboot_layouts(void **state)
{
    struct loader_entry e;
    /* a 4 KiB prefix not loaded: load_addr is file offset 0x1000 */
    use_ram(8 * MiB);
    struct mb_hdr h = {
        .flags = 1u << 16,
        .header_addr = 0x200000 + MB_OFF - 0x1000,
        .load_addr = 0x200000,
        .load_end_addr = 0x200000 + MB_SIZE - 0x1000,
        .bss_end_addr = 0,
        .entry = 0x200000 + MB_SIZE - 0x1000 - 1,
    };
    uint8_t *img = mb_make(MB_SIZE, MB_OFF, &h);
    assert_null(WHY(multiboot_load(&mem, img, MB_SIZE, "", &e, &why)));
    assert_memory_equal(ram + 0x200000, img + 0x1000, MB_SIZE - 0x1000);
    assert_int_equal(ram[0x200000 - 1], 0);
    assert_int_equal(ram[0x200000 + MB_SIZE - 0x1000], 0);
    assert_int_equal(e.rip, 0x200000 + MB_SIZE - 0x1000 - 1);
    assert_guards();
    free(img);

    /* load_end_addr 0: to the end of the file */
    use_ram(8 * MiB);
    h.load_end_addr = 0;
    img = mb_make(MB_SIZE + 0x500, MB_OFF, &h);
    assert_null(WHY(multiboot_load(&mem, img, MB_SIZE + 0x500, "", &e, &why)));
    assert_memory_equal(ram + 0x200000, img + 0x1000, MB_SIZE + 0x500 - 0x1000);
    assert_int_equal(ram[0x200000 + MB_SIZE + 0x500 - 0x1000], 0);
    assert_guards();
    free(img);

    /* loaded right up to the end of RAM, bss included */
    use_ram(8 * MiB);
    h = mb_default();
    h.load_addr = 8 * MiB - MB_SIZE - MB_BSS;
    h.header_addr = h.load_addr + MB_OFF;
    h.load_end_addr = h.load_addr + MB_SIZE;
    h.bss_end_addr = 8 * MiB;
    h.entry = h.load_addr;
    memset(ram + 8 * MiB - MB_BSS, 0xcc, MB_BSS);
    assert_null(mb_try(&h, MB_SIZE, MB_OFF, "", &e));
    assert_int_equal(ram[8 * MiB - 1], 0);
    assert_guards();
}

static void test_multiboot_errors(void **state)
{
    use_ram(8 * MiB);
    struct mb_hdr h;

    /* bad checksum: not an image */
    h = mb_default();
    uint8_t *img = mb_make(MB_SIZE, MB_OFF, &h);
    wr32(img + MB_OFF + 8, rd32(img + MB_OFF + 8) ^ 0x100);
    struct loader_entry e;
    assert_non_null(WHY(multiboot_load(&mem, img, MB_SIZE, "", &e, &why)));
    assert_untouched();
    free(img);

    /* the header beyond 8 KiB (the addresses agreeing with it) */
    h = mb_default();
    h.header_addr = MB_LOAD + 8192;
    h.load_end_addr = MB_LOAD + 0x4000;
    assert_mb_refused(&h, 0x4000, 8192);
    h.header_addr = MB_LOAD + 8192 - 32; /* control: just inside */
    assert_null(mb_try(&h, 0x4000, 8192 - 32, "", &e));
    use_ram(8 * MiB);

    /* flag 16 missing */
    h = mb_default();
    h.flags &= ~(1u << 16);
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    /* a video mode (flag 2), or any other unknown low flag */
    h = mb_default();
    h.flags |= 1u << 2;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h = mb_default();
    h.flags |= 1u << 15;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h = mb_default(); /* control: an unknown high flag is optional */
    h.flags |= 1u << 20;
    assert_null(mb_try(&h, MB_SIZE, MB_OFF, "", &e));
    use_ram(8 * MiB);

    /* loaded below 1 MiB */
    h = mb_default();
    h.load_addr = 0xf0000;
    h.header_addr = h.load_addr + MB_OFF;
    h.load_end_addr = h.load_addr + MB_SIZE;
    h.bss_end_addr = 0;
    h.entry = h.load_addr;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.load_addr = 0;
    h.header_addr = MB_OFF;
    h.load_end_addr = MB_SIZE;
    h.entry = 0x10;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);

    /* load_end_addr before load_addr */
    h = mb_default();
    h.load_end_addr = MB_LOAD - 1;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.load_end_addr = 1;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);

    /* bss_end_addr inside the loaded image */
    h = mb_default();
    h.bss_end_addr = MB_LOAD + MB_SIZE - 4;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.bss_end_addr = MB_LOAD + 1;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);

    /* entry outside the loaded image */
    h = mb_default();
    h.entry = MB_LOAD - 1;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.entry = MB_LOAD + MB_SIZE;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.entry = MB_LOAD + MB_SIZE + 0x10; /* in the bss */
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.entry = 0xffffffff;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);

    /* beyond guest RAM: the image itself, or its bss */
    h = mb_default();
    h.load_addr = 8 * MiB - 0x1000;
    h.header_addr = h.load_addr + MB_OFF;
    h.load_end_addr = h.load_addr + MB_SIZE;
    h.bss_end_addr = 0;
    h.entry = h.load_addr;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h = mb_default();
    h.bss_end_addr = 8 * MiB + 1;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.bss_end_addr = 0xffffffff;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h = mb_default();
    h.load_addr = 0xfffff000;
    h.header_addr = h.load_addr + MB_OFF;
    h.load_end_addr = 0;
    h.bss_end_addr = 0;
    h.entry = h.load_addr;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);

    /* header_addr not where the header is in the file */
    h = mb_default();
    h.header_addr = MB_LOAD - 4; /* below load_addr */
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.header_addr = MB_LOAD + MB_OFF + 4; /* load_addr would be before the file */
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.header_addr = 0xffffffff;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);

    /* load range beyond the file */
    h = mb_default();
    h.load_end_addr = MB_LOAD + MB_SIZE + 1;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.load_end_addr = 0xfffffffe;
    h.bss_end_addr = 0;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    /* the same, with the part before load_addr skipped in the file */
    h = mb_default();
    h.header_addr = MB_LOAD + 0x24;  /* load_addr is file offset 0x1000 */
    h.load_end_addr = MB_LOAD + MB_SIZE - 0x1000 + 1;
    h.bss_end_addr = 0;
    assert_mb_refused(&h, MB_SIZE, MB_OFF);
    h.load_end_addr = MB_LOAD + MB_SIZE - 0x1000; /* control: exactly the file */
    assert_null(mb_try(&h, MB_SIZE, MB_OFF, "", &e));
    assert_guards();

    /* a command line longer than its 4 KiB */
    use_ram(8 * MiB);
    char line[0x1001];
    memset(line, 'b', sizeof(line) - 1);
    line[0x1000] = 0;
    h = mb_default();
    assert_non_null(mb_try(&h, MB_SIZE, MB_OFF, line, &e));
    assert_guards();
    line[0xfff] = 0;
    assert_null(mb_try(&h, MB_SIZE, MB_OFF, line, &e));
    assert_int_equal(strlen((const char *)ram + rd32(ram + e.rbx + 16)), 0xfff);
    assert_guards();
}

/* Random header fields on both loaders: never a write outside RAM, and
 * success only with the kernel inside it. */
static void test_random_headers(void **state)
{
    uint64_t seed = 0x1234567887654321ull, size;
    uint8_t *img = bz_default(&size);
    static const uint16_t fields[] = { 0x1f1, 0x201, 0x22c, 0x230, 0x234, 0x238, 0x258,
                                       0x25c, 0x260 };
    static const uint64_t rams[] = { 2 * MiB, 3 * MiB + 4096, 8 * MiB, RAM_MAX };
    uint8_t *initrd = calloc(1, 4 * MiB);
    assert_non_null(initrd);
    for (unsigned iter = 0; iter < 400; iter++) {
        uint64_t r = host_rand(&seed);
        use_ram(rams[r % 4]);
        uint8_t *copy = malloc(size);
        assert_non_null(copy);
        memcpy(copy, img, size);
        for (unsigned k = 0; k < 3; k++) {
            r = host_rand(&seed);
            uint16_t f = fields[r % (sizeof(fields) / sizeof(fields[0]))];
            uint32_t v = (uint32_t)(r >> 32);
            if (r & 0x10)
                v = (uint32_t)(1u << (r >> 8 & 31)) - (r & 0x20 ? 1 : 0);
            if (f == 0x1f1 || f == 0x201 || f == 0x234)
                copy[f] = (uint8_t)v;
            else
                wr32(copy + f, v);
        }
        uint64_t isize = host_rand(&seed) % (4 * MiB);
        struct loader_entry e;
        const char *err =
            WHY(linux_load(&mem, copy, size, initrd, isize & 1 ? isize : 0, "x=y", &e, &why));
        assert_guards();
        if (!err) {
            assert_true(e.rip >= 1 * MiB + 0x200 && e.rip < mem.size);
            uint64_t load = e.rip - 0x200;
            uint64_t setup = ((copy[0x1f1] ? copy[0x1f1] : 4) + 1) * 512ull;
            assert_true(load + (size - setup) <= mem.size);
        }
        free(copy);
    }
    free(initrd);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_is_bzimage, setup),
        cmocka_unit_test_setup(test_linux_load, setup),
        cmocka_unit_test_setup(test_linux_paging_and_gdt, setup),
        cmocka_unit_test_setup(test_linux_setup_sects, setup),
        cmocka_unit_test_setup(test_linux_not_bzimage, setup),
        cmocka_unit_test_setup(test_linux_ram_too_small, setup),
        cmocka_unit_test_setup(test_linux_init_size_small, setup),
        cmocka_unit_test_setup(test_linux_initrd_addr_max, setup),
        cmocka_unit_test_setup(test_linux_cmdline, setup),
        cmocka_unit_test_setup(test_linux_alignment, setup),
        cmocka_unit_test_setup(test_linux_pref_address_absurd, setup),
        cmocka_unit_test_setup(test_linux_small_ram, setup),
        cmocka_unit_test_setup(test_multiboot_is_image, setup),
        cmocka_unit_test_setup(test_multiboot_load, setup),
        cmocka_unit_test_setup(test_multiboot_layouts, setup),
        cmocka_unit_test_setup(test_multiboot_errors, setup),
        cmocka_unit_test_setup(test_random_headers, setup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
