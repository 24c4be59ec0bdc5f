// SOURCES: components/vmm/gmem.c
/* Host tests of guest memory through the guest's page tables (gmem): the
 * four paging modes, large pages, entries not present or outside RAM,
 * and copies that stop at what is not reachable. */
#include "host.h"

#include "../../components/vmm/gmem.h"
#include "../../components/vmm/hw/le.h"

#define MiB    (1ull << 20)
#define P      1ull
#define PS     0x80ull
#define PG     (1ull << 31)
#define PSE    (1ull << 4)
#define PAE    (1ull << 5)
#define LMA    (1ull << 10)

static uint8_t *ram;
static struct vmm_mem mem;

static int setup(void **state)
{
    ram = calloc(1, 16 * MiB);
    assert_non_null(ram);
    mem = (struct vmm_mem){ ram, 16 * MiB };
    return 0;
}

static int teardown(void **state)
{
    free(ram);
    return 0;
}

/* la translates to pa (~0: it does not). */
static void walks(const struct gmem_paging *g, uint64_t la, uint64_t pa)
{
    uint64_t got = 0x5a5a;
    bool ok = gmem_walk(&mem, g, la, &got) == CAIRN_OK;
    if (pa == ~0ull && ok)
        fail_msg("%#llx translated to %#llx, expected no translation", (unsigned long long)la,
                 (unsigned long long)got);
    if (pa != ~0ull && (!ok || got != pa))
        fail_msg("%#llx: got %s%#llx, expected %#llx", (unsigned long long)la, ok ? "" : "none, ",
                 (unsigned long long)got, (unsigned long long)pa);
}

static void test_no_paging(void **state)
{
    const struct gmem_paging g = { .cr0 = 0x11 };
    walks(&g, 0x1234, 0x1234);
    walks(&g, 0xfffff000, 0xfffff000); /* beyond RAM: a walk does not look */
    walks(&g, 0x100001234ull, 0x1234); /* 32 bits */
}

static void test_32bit(void **state)
{
    struct gmem_paging g = { .cr0 = PG | 1, .cr3 = 0x1000 };
    wr32(ram + 0x1000 + 1 * 4, 0x2000 | P);      /* PDE 1: 4-8 MiB */
    wr32(ram + 0x2000 + 5 * 4, 0x7000 | P);      /* PTE 5 */
    wr32(ram + 0x1000 + 2 * 4, 0xc00000 | PS | P); /* PDE 2: a 4 MiB page with PSE */
    walks(&g, 0x405abc, 0x7abc);
    walks(&g, 0x406000, ~0ull);                   /* PTE 6 not present */
    walks(&g, 0xc00000, ~0ull);                   /* PDE 3 not present */
    walks(&g, 0x812345, ~0ull);                   /* no PSE: PS is ignored, 0xc00000 is a PT */
    wr32(ram + 0xc00000 + 0x12 * 4, 0x3000 | P);
    walks(&g, 0x812345, 0x3345);
    g.cr4 = PSE;
    walks(&g, 0x812345, 0xc12345);
    walks(&g, 0x100405abcull, 0x7abc);            /* 32 bits */
    g.cr3 = 0x2000000;                            /* the directory outside RAM */
    walks(&g, 0x405abc, ~0ull);
}

static void test_pae(void **state)
{
    const struct gmem_paging g = { .cr0 = PG | 1, .cr3 = 0x3020, .cr4 = PAE };
    wr64(ram + 0x3020 + 1 * 8, 0x4000 | P);       /* PDPTE 1: 1-2 GiB */
    wr64(ram + 0x4000 + 0 * 8, 0x5000 | P);       /* PDE 0 */
    wr64(ram + 0x5000 + 3 * 8, 0x9000 | P);       /* PTE 3 */
    wr64(ram + 0x4000 + 1 * 8, 0x200000 | PS | P); /* PDE 1: a 2 MiB page */
    walks(&g, 0x40003abc, 0x9abc);
    walks(&g, 0x40212345, 0x212345);
    walks(&g, 0x3abc, ~0ull);                     /* PDPTE 0 not present */
    wr64(ram + 0x3020, 0x4000 | PS | P);          /* no 1 GiB pages outside long mode */
    walks(&g, 0x00003abc, 0x9abc);
}

static void test_long_mode(void **state)
{
    const struct gmem_paging g = { .cr0 = PG | 1, .cr3 = 0x10000, .cr4 = PAE,
                                   .efer = LMA | 0x100 };
    wr64(ram + 0x10000 + 0 * 8, 0x11000 | P);     /* PML4E 0 */
    wr64(ram + 0x10000 + 256 * 8, 0x11000 | P);   /* PML4E 256: the top half, the same */
    wr64(ram + 0x10000 + 1 * 8, 0x80000000 | P);  /* PML4E 1: a PDPT outside RAM */
    wr64(ram + 0x11000 + 0 * 8, 0x12000 | P);     /* PDPTE 0 */
    wr64(ram + 0x11000 + 1 * 8, 0x40000000 | PS | P); /* PDPTE 1: a 1 GiB page */
    wr64(ram + 0x12000 + 0 * 8, 0x13000 | P);     /* PDE 0 */
    wr64(ram + 0x12000 + 1 * 8, 0x600000 | PS | P); /* PDE 1: a 2 MiB page */
    wr64(ram + 0x13000 + 2 * 8, 0xa000 | P | (1ull << 63)); /* PTE 2, NX: not checked */
    walks(&g, 0x2abc, 0xaabc);
    walks(&g, 0x201234, 0x601234);
    walks(&g, 0x40001234, 0x40001234);
    walks(&g, 0xffff800000002abcull, 0xaabc);
    walks(&g, 0x8000000000ull, ~0ull);            /* PML4E 1: the PDPT is not in RAM */
    walks(&g, 0x3000, ~0ull);                     /* PTE 3 not present */
    walks(&g, 0x100002abcull, ~0ull);             /* 64 bits: PDPTE 4 not present */
}

static void test_read_copy(void **state)
{
    const struct gmem_paging g = { .cr0 = PG | 1, .cr3 = 0x1000 };
    uint8_t buf[16];
    wr32(ram + 0x1000, 0x2000 | P);
    wr32(ram + 0x2000 + 1 * 4, 0x8000 | P);       /* page 1 -> 0x8000, page 2 absent */
    wr32(ram + 0x2000 + 3 * 4, 0x2000000 | P);    /* page 3 -> outside RAM */
    wr32(ram + 0x2000 + 4 * 4, 0x6000 | P);       /* page 4 -> 0x6000, page 5 -> 0x3000 */
    wr32(ram + 0x2000 + 5 * 4, 0x3000 | P);
    for (unsigned i = 0; i < 16; i++)
        ram[0x8ff8 + i] = ram[0x6ff8 + i] = (uint8_t)(i + 1), ram[0x3000 + i] = (uint8_t)(0x80 + i);
    assert_int_equal(gmem_read(&mem, &g, 0x1ffb, buf, 15), 5); /* stops at page 2 */
    assert_int_equal(buf[0], 4), assert_int_equal(buf[4], 8);
    assert_int_equal(gmem_read(&mem, &g, 0x3000, buf, 15), 0);
    assert_int_equal(gmem_read(&mem, &g, 0x4ffc, buf, 8), 8);  /* across pages 4 and 5 */
    assert_int_equal(buf[3], 8), assert_int_equal(buf[4], 0x80);

    uint32_t v = 0;
    assert_int_equal(gmem_copy(&mem, &g, 0x4ffe, &v, 4, false), CAIRN_OK);   /* across pages 4 and 5 */
    assert_int_equal(v, 0x81800807u);
    v = 0xa1b2c3d4;
    assert_int_equal(gmem_copy(&mem, &g, 0x4ffe, &v, 4, true), CAIRN_OK);
    assert_int_equal(ram[0x6ffe], 0xd4), assert_int_equal(ram[0x3001], 0xa1);
    /* across into page 2 (absent): false, and nothing written */
    assert_int_equal(gmem_copy(&mem, &g, 0x1ffe, &v, 4, true), CAIRN_EFAULT);
    assert_int_equal(ram[0x8ffe], 7), assert_int_equal(ram[0x8fff], 8);
    assert_int_equal(gmem_copy(&mem, &g, 0x3000, &v, 1, false), CAIRN_EFAULT);
    assert_int_equal(gmem_copy(&mem, &g, 0x1000, buf, 17, false), CAIRN_EPAR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_32bit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pae, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_copy, setup, teardown),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
