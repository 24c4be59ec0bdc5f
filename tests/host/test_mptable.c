// SOURCES: components/vmm/hw/mptable.c
/* Host tests of the MP table writer (mptable), read back as Linux's
 * mpparse does: scan for the floating pointer, check it, walk the
 * configuration table's entries by type. */
#include "host.h"

#include "../../components/vmm/hw/le.h"
#include "../../components/vmm/hw/mptable.h"

#define RAM 0x100000u
static uint8_t ram[RAM];
static const struct vmm_mem mem = { ram, RAM };

static const struct mptable_pci_irq pci[] = {
    { 1, 1, 16 }, /* slot 1 INTA# -> pin 16 */
    { 2, 2, 17 }, /* slot 2 INTB# -> pin 17 */
    { 31, 4, 23 },
};

static const struct mptable_config cfg = {
    .apic_id = 0,
    .ioapic_id = 1,
    .cpu_signature = 0x00a00f11,
    .cpu_features = 0x178bfbff,
    .pci_irqs = pci,
    .pci_irq_count = 3,
};

static int setup(void **state)
{
    memset(ram, 0xa5, sizeof(ram));
    return 0;
}

static uint8_t sum(const uint8_t *p, unsigned n)
{
    uint8_t s = 0;
    for (unsigned i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

/* Linux's smp_scan_config: the first valid floating pointer in the
 * range, or 0. */
static uint32_t scan(uint32_t base, uint32_t length)
{
    for (uint32_t a = base; a < base + length; a += 16) {
        const uint8_t *p = ram + a;
        if (!memcmp(p, "_MP_", 4) && p[8] == 1 && sum(p, 16) == 0 && (p[9] == 1 || p[9] == 4))
            return a;
    }
    return 0;
}

static uint32_t find(void)
{
    uint32_t a = scan(0, 0x400);
    if (!a)
        a = scan(639 * 0x400, 0x400);
    if (!a)
        a = scan(0xf0000, 0x10000);
    return a;
}

struct parsed {
    unsigned cpus, buses, ioapics, intsrcs, lintsrcs;
    int isa_pin[16];                 /* ISA IRQ -> IO-APIC pin, -1 none */
    int pci_pin[32][4];              /* slot, INTx -> IO-APIC pin */
    uint16_t isa_flags, pci_flags;   /* or of all */
    uint8_t lint_type[2], lint_dest[2];
};

/* Linux's smp_read_mpc, with the checks it makes. */
static void parse(uint32_t fp_addr, struct parsed *r)
{
    const uint8_t *fp = ram + fp_addr;
    assert_int_equal(fp[11], 0); /* feature1: a configuration table */
    assert_int_equal(fp[12], 0); /* no IMCR: virtual wire */
    uint32_t table = rd32(fp + 4);
    assert_true(table + 44 <= RAM);
    const uint8_t *mpc = ram + table;
    uint16_t length = rd16(mpc + 4);
    assert_memory_equal(mpc, "PCMP", 4);
    assert_true(table + length <= RAM);
    assert_int_equal(sum(mpc, length), 0);
    assert_int_equal(mpc[6], 4);
    assert_int_equal(rd32(mpc + 36), 0xfee00000);
    assert_int_equal(rd16(mpc + 40), 0); /* no extended table */
    memset(r, 0, sizeof(*r));
    memset(r->isa_pin, 0xff, sizeof(r->isa_pin));
    memset(r->pci_pin, 0xff, sizeof(r->pci_pin));
    unsigned n = 0, last_type = 0, off = 44;
    while (off < length) {
        const uint8_t *e = mpc + off;
        assert_true(e[0] >= last_type); /* sorted by type */
        last_type = e[0];
        n++;
        switch (e[0]) {
        case 0:
            r->cpus++;
            assert_int_equal(e[1], 0);          /* APIC ID */
            assert_int_equal(e[2], 0x14);       /* version */
            assert_int_equal(e[3], 3);          /* enabled, BSP */
            assert_int_equal(rd32(e + 4), 0x00a00f11);
            assert_int_equal(rd32(e + 8), 0x178bfbff);
            off += 20;
            break;
        case 1:
            assert_memory_equal(e + 2, r->buses == 0 ? "PCI   " : "ISA   ", 6);
            assert_int_equal(e[1], r->buses);
            r->buses++;
            off += 8;
            break;
        case 2:
            r->ioapics++;
            assert_int_equal(e[1], 1);
            assert_int_equal(e[2], 0x20);
            assert_int_equal(e[3] & 1, 1); /* usable */
            assert_int_equal(rd32(e + 4), 0xfec00000);
            off += 8;
            break;
        case 3:
            r->intsrcs++;
            assert_int_equal(e[1], 0); /* INT */
            assert_int_equal(e[6], 1); /* to the IO-APIC */
            if (e[4] == 1) {
                assert_true(e[5] < 16);
                assert_int_equal(r->isa_pin[e[5]], -1);
                r->isa_pin[e[5]] = e[7];
                r->isa_flags |= rd16(e + 2);
            } else {
                assert_int_equal(e[4], 0);
                r->pci_pin[e[5] >> 2][e[5] & 3] = e[7];
                r->pci_flags |= rd16(e + 2);
            }
            off += 8;
            break;
        case 4:
            assert_true(r->lintsrcs < 2);
            assert_int_equal(e[7], r->lintsrcs); /* LINT0, then LINT1 */
            r->lint_type[r->lintsrcs] = e[1];
            r->lint_dest[r->lintsrcs] = e[6];
            r->lintsrcs++;
            off += 8;
            break;
        default:
            fail_msg("entry type %u", e[0]);
        }
    }
    assert_int_equal(off, length);
    assert_int_equal(rd16(mpc + 34), n);
}

static void test_tables(void **state)
{
    unsigned used = mptable_size(3);
    assert_int_equal(mptable_write(&mem, MPTABLE_BIOS_AREA, &cfg), CAIRN_OK);
    assert_int_equal(used, 16 + 44 + 20 + 8 * (2 + 1 + 15 + 3 + 2));
    assert_int_equal(find(), MPTABLE_BIOS_AREA);
    const uint8_t *fp = ram + MPTABLE_BIOS_AREA;
    assert_memory_equal(fp, "_MP_", 4);
    assert_int_equal(sum(fp, 16), 0);
    assert_int_equal(fp[9], 4);
    assert_int_equal(rd32(fp + 4), MPTABLE_BIOS_AREA + 16);
    /* nothing outside the bytes used changed */
    assert_int_equal(ram[MPTABLE_BIOS_AREA - 1], 0xa5);
    assert_int_equal(ram[MPTABLE_BIOS_AREA + used], 0xa5);

    struct parsed r;
    parse(MPTABLE_BIOS_AREA, &r);
    assert_int_equal(r.cpus, 1);
    assert_int_equal(r.buses, 2);
    assert_int_equal(r.ioapics, 1);
    assert_int_equal(r.intsrcs, 15 + 3);
    assert_int_equal(r.lintsrcs, 2);
    assert_int_equal(r.isa_pin[0], 2);
    assert_int_equal(r.isa_pin[2], -1);
    for (unsigned irq = 1; irq < 16; irq++)
        if (irq != 2)
            assert_int_equal(r.isa_pin[irq], irq);
    assert_int_equal(r.isa_flags, 0); /* conforming */
    assert_int_equal(r.pci_flags, 0x0f); /* active low, level */
    assert_int_equal(r.pci_pin[1][0], 16);
    assert_int_equal(r.pci_pin[2][1], 17);
    assert_int_equal(r.pci_pin[31][3], 23);
    assert_int_equal(r.pci_pin[1][1], -1);
    assert_int_equal(r.lint_type[0], 3); /* ExtINT */
    assert_int_equal(r.lint_dest[0], 0);
    assert_int_equal(r.lint_type[1], 1); /* NMI */
    assert_int_equal(r.lint_dest[1], 0xff);
}

static void test_placement(void **state)
{
    struct mptable_config none = cfg;
    none.pci_irqs = NULL;
    none.pci_irq_count = 0;
    /* the other areas Linux scans */
    assert_int_equal(mptable_write(&mem, 639 * 0x400, &none), CAIRN_OK);
    assert_int_equal(find(), 639 * 0x400);
    struct parsed r;
    parse(639 * 0x400, &r);
    assert_int_equal(r.intsrcs, 15);
    memset(ram, 0, sizeof(ram));
    assert_int_equal(mptable_write(&mem, 0x3f0, &none), CAIRN_OK);
    assert_int_equal(find(), 0x3f0);
    parse(0x3f0, &r);
    assert_int_equal(mptable_write(&mem, 0xffe00, &cfg), CAIRN_OK); /* near the end of the BIOS area */
    parse(0xffe00, &r);
    /* not aligned, not scanned, not in memory */
    memset(ram, 0xa5, sizeof(ram));
    assert_int_equal(mptable_write(&mem, MPTABLE_BIOS_AREA + 8, &cfg), CAIRN_EPAR);
    assert_int_equal(mptable_write(&mem, 0x80000, &cfg), CAIRN_EPAR);
    assert_int_equal(mptable_write(&mem, 0x400, &cfg), CAIRN_EPAR);
    assert_int_equal(mptable_write(&mem, 0x100000, &cfg), CAIRN_EPAR);
    assert_int_equal(mptable_write(&mem, 0xffff0, &cfg), CAIRN_ERANGE); /* table past RAM */
    assert_int_equal(mptable_write(&mem, 0xfffffffffffffff0ull, &cfg), CAIRN_EPAR);
    struct vmm_mem small = { ram, 0xf0100 };
    assert_int_equal(mptable_write(&small, MPTABLE_BIOS_AREA, &cfg), CAIRN_ERANGE);
    assert_int_equal(find(), 0); /* nothing was written */
    small.size = MPTABLE_BIOS_AREA + mptable_size(3);
    assert_int_equal(mptable_write(&small, MPTABLE_BIOS_AREA, &cfg), CAIRN_OK);
}

static void test_bad_config(void **state)
{
    static const struct mptable_pci_irq bad[][1] = {
        { { 32, 1, 16 } }, { { 1, 0, 16 } }, { { 1, 5, 16 } }, { { 1, 1, 24 } },
    };
    struct mptable_config c = cfg;
    for (unsigned i = 0; i < 4; i++) {
        c.pci_irqs = bad[i];
        c.pci_irq_count = 1;
        assert_int_equal(mptable_write(&mem, MPTABLE_BIOS_AREA, &c), CAIRN_EINVAL);
    }
    c = cfg;
    c.ioapic_id = 16;
    assert_int_equal(mptable_write(&mem, MPTABLE_BIOS_AREA, &c), CAIRN_EINVAL);
    c = cfg;
    c.pci_irqs = NULL;
    assert_int_equal(mptable_write(&mem, MPTABLE_BIOS_AREA, &c), CAIRN_EINVAL);
    c.pci_irq_count = MPTABLE_MAX_PCI_IRQS + 1;
    assert_int_equal(mptable_write(&mem, MPTABLE_BIOS_AREA, &c), CAIRN_EINVAL);
    assert_int_equal(find(), 0);
    /* the most PCI entries fit the BIOS area */
    static struct mptable_pci_irq many[MPTABLE_MAX_PCI_IRQS];
    for (unsigned i = 0; i < MPTABLE_MAX_PCI_IRQS; i++)
        many[i] = (struct mptable_pci_irq){ (uint8_t)(i / 4), (uint8_t)(i % 4 + 1), (uint8_t)(16 + i % 8) };
    c.pci_irqs = many;
    c.pci_irq_count = MPTABLE_MAX_PCI_IRQS;
    assert_int_equal(mptable_write(&mem, MPTABLE_BIOS_AREA, &c), CAIRN_OK);
    struct parsed r;
    parse(find(), &r);
    assert_int_equal(r.intsrcs, 15 + MPTABLE_MAX_PCI_IRQS);
    assert_int_equal(r.pci_pin[31][3], 16 + 127 % 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_tables, setup),
        cmocka_unit_test_setup(test_placement, setup),
        cmocka_unit_test_setup(test_bad_config, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
