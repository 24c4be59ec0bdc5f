// SOURCES: components/vmm/hw/pci.c
/* Host tests of the PCI bus model (pci). */
#include "host.h"

#include "../../components/vmm/hw/pci.h"

static struct pci_bus bus;
static struct pci_dev dev, dev2;

/* What the BAR callbacks saw last. */
static struct {
    void *ctx;
    uint16_t port;
    unsigned size, reads, writes;
    uint32_t value;
} bar_seen;

static bool line_level[16];
static unsigned line_changes;

static uint32_t fake_bar_read(void *ctx, uint16_t port, unsigned size)
{
    bar_seen.ctx = ctx;
    bar_seen.port = port;
    bar_seen.size = size;
    bar_seen.reads++;
    return 0x12345600u | port;
}

static void fake_bar_write(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
    bar_seen.ctx = ctx;
    bar_seen.port = port;
    bar_seen.size = size;
    bar_seen.value = value;
    bar_seen.writes++;
}

static const struct vmm_io_ops fake_ops = { fake_bar_read, fake_bar_write };

static void irq_set(void *ctx, unsigned line, bool level)
{
    assert_true(line < 16);
    line_level[line] = level;
    line_changes++;
}

static int setup(void **state)
{
    static const struct pci_id id = {
        .vendor = 0x1234, .device = 0x5678, .subsys_vendor = 0xabcd, .subsys = 0x0042,
        .class_code = 0x078000, .revision = 3,
    };
    memset(&bar_seen, 0, sizeof(bar_seen));
    memset(line_level, 0, sizeof(line_level));
    line_changes = 0;
    pci_bus_init(&bus);
    pci_dev_init(&dev, &id);
    pci_dev_set_io_bar(&dev, 0, 0xc000, 32, &fake_ops, &dev);
    pci_dev_set_irq(&dev, (struct vmm_irq){ irq_set, NULL }, 10);
    assert_int_equal(pci_bus_add(&bus, 3, &dev), CAIRN_OK);
    return 0;
}

static uint32_t cfg_addr(unsigned busno, unsigned slot, unsigned fn, unsigned reg)
{
    return 0x80000000u | busno << 16 | slot << 11 | fn << 8 | (reg & 0xfc);
}

static uint32_t cfg_read(unsigned slot, unsigned reg, unsigned size)
{
    pci_write(&bus, 0xcf8, 4, cfg_addr(0, slot, 0, reg));
    return pci_read(&bus, (uint16_t)(0xcfc + (reg & 3)), size);
}

static void cfg_write(unsigned slot, unsigned reg, unsigned size, uint32_t v)
{
    pci_write(&bus, 0xcf8, 4, cfg_addr(0, slot, 0, reg));
    pci_write(&bus, (uint16_t)(0xcfc + (reg & 3)), size, v);
}

/* Linux's pci_check_type1 and pci_check_type2, then pci_sanity_check. */
static void test_linux_probe(void **state)
{
    pci_write(&bus, 0xcfb, 1, 0x01);
    uint32_t save = pci_read(&bus, 0xcf8, 4);
    assert_int_equal(save, 0);
    pci_write(&bus, 0xcf8, 4, 0x80000000u);
    assert_int_equal(pci_read(&bus, 0xcf8, 4), 0x80000000u);
    pci_write(&bus, 0xcf8, 4, save);
    assert_int_equal(pci_read(&bus, 0xcf8, 4), 0);

    /* Type 2 must not be seen: byte registers read all ones. */
    pci_write(&bus, 0xcfb, 1, 0);
    pci_write(&bus, 0xcf8, 1, 0);
    pci_write(&bus, 0xcfa, 1, 0);
    assert_int_equal(pci_read(&bus, 0xcf8, 1), 0xff);
    assert_int_equal(pci_read(&bus, 0xcfa, 1), 0xff);
    assert_int_equal(pci_read(&bus, 0xcf8, 2), 0xffff);
    assert_int_equal(pci_read(&bus, 0xcf8, 4), 0); /* byte writes did not reach it */

    /* The host bridge: class 0x0600 at 00:00.0. */
    assert_int_equal(cfg_read(0, 0x0a, 2), 0x0600);
    assert_int_equal(cfg_read(0, 0x00, 4), 0x00081b36);
    assert_int_equal(cfg_read(0, 0x0e, 1), 0x00);
    assert_int_equal(cfg_read(0, 0x3d, 1), 0); /* no interrupt pin */
    assert_int_equal(cfg_read(0, 0x10, 4), 0); /* no BARs */
}

static void test_address_register(void **state)
{
    /* Reserved bits 30:24 and 1:0 read 0. */
    pci_write(&bus, 0xcf8, 4, 0xffffffffu);
    assert_int_equal(pci_read(&bus, 0xcf8, 4), 0x80fffffcu);
    /* The enable bit clear: data reads all ones, writes go nowhere. */
    pci_write(&bus, 0xcf8, 4, cfg_addr(0, 3, 0, 0x3c) & 0x7fffffffu);
    assert_int_equal(pci_read(&bus, 0xcfc, 4), 0xffffffffu);
    pci_write(&bus, 0xcfc, 1, 0x55);
    assert_int_equal(cfg_read(3, 0x3c, 1), 10);
    /* A port outside 0xcf8-0xcff given to the ops reads all ones. */
    assert_int_equal(pci_io_ops.read(&bus, 0xd00, 2), 0xffff);
}

static void test_sizes_and_offsets(void **state)
{
    assert_int_equal(cfg_read(3, 0x00, 4), 0x56781234u);
    assert_int_equal(cfg_read(3, 0x00, 2), 0x1234);
    assert_int_equal(cfg_read(3, 0x02, 2), 0x5678);
    assert_int_equal(cfg_read(3, 0x01, 1), 0x12);
    assert_int_equal(cfg_read(3, 0x03, 1), 0x56);
    assert_int_equal(cfg_read(3, 0x08, 4), 0x07800003u);
    assert_int_equal(cfg_read(3, 0x2c, 4), 0x0042abcdu);
    assert_int_equal(cfg_read(3, 0x2e, 2), 0x0042);
    /* A dword read at byte 1 of the data port: bytes past the dword are
     * not reached. */
    assert_int_equal(cfg_read(3, 0x01, 4), 0xff567812u);
    assert_int_equal(cfg_read(3, 0x03, 2), 0xff56);
    /* Through the type-erased ops, absolute ports. */
    pci_io_ops.write(&bus, 0xcf8, 4, cfg_addr(0, 3, 0, 0x00));
    assert_int_equal(pci_io_ops.read(&bus, 0xcfe, 2), 0x5678);
    /* Header type 0, no capabilities, no ROM, status clear. */
    assert_int_equal(cfg_read(3, 0x0e, 1), 0);
    assert_int_equal(cfg_read(3, 0x34, 1), 0);
    assert_int_equal(cfg_read(3, 0x06, 2), 0);
    cfg_write(3, 0x30, 4, 0xfffff800u);
    assert_int_equal(cfg_read(3, 0x30, 4), 0);
}

static void test_read_only_fields(void **state)
{
    cfg_write(3, 0x00, 4, 0);
    cfg_write(3, 0x08, 4, 0);
    cfg_write(3, 0x0e, 1, 0x80);
    cfg_write(3, 0x2c, 4, 0);
    cfg_write(3, 0x3d, 1, 4);
    cfg_write(3, 0x06, 2, 0xffff);
    assert_int_equal(cfg_read(3, 0x00, 4), 0x56781234u);
    assert_int_equal(cfg_read(3, 0x08, 4), 0x07800003u);
    assert_int_equal(cfg_read(3, 0x0e, 1), 0);
    assert_int_equal(cfg_read(3, 0x2c, 4), 0x0042abcdu);
    assert_int_equal(cfg_read(3, 0x3d, 1), 1);
    assert_int_equal(cfg_read(3, 0x06, 2), 0);
    /* Writable: cache line, latency timer, interrupt line. */
    cfg_write(3, 0x0c, 2, 0x4010);
    assert_int_equal(cfg_read(3, 0x0c, 2), 0x4010);
    cfg_write(3, 0x3c, 2, 0x0b0b); /* pin byte ignored */
    assert_int_equal(cfg_read(3, 0x3c, 2), 0x010b);
    /* The command register keeps only its implemented bits. */
    cfg_write(3, 0x04, 2, 0xffff);
    assert_int_equal(cfg_read(3, 0x04, 2), 0x0547);
}

static void test_absent(void **state)
{
    assert_int_equal(cfg_read(5, 0x00, 4), 0xffffffffu);
    assert_int_equal(cfg_read(31, 0x00, 2), 0xffff);
    cfg_write(5, 0x04, 4, 0x7);
    /* Function 1 of a present device, bus 1. */
    pci_write(&bus, 0xcf8, 4, cfg_addr(0, 3, 1, 0));
    assert_int_equal(pci_read(&bus, 0xcfc, 4), 0xffffffffu);
    pci_write(&bus, 0xcfc, 4, 0);
    pci_write(&bus, 0xcf8, 4, cfg_addr(1, 3, 0, 0));
    assert_int_equal(pci_read(&bus, 0xcfc, 4), 0xffffffffu);
    pci_write(&bus, 0xcf8, 4, cfg_addr(1, 0, 0, 0));
    assert_int_equal(pci_read(&bus, 0xcfd, 1), 0xff);
    assert_int_equal(cfg_read(3, 0x00, 4), 0x56781234u);
    /* Slots: 0 is the bridge's, 32 does not exist, 3 is taken. */
    assert_int_equal(pci_bus_add(&bus, 0, &dev2), CAIRN_EPAR);
    assert_int_equal(pci_bus_add(&bus, 32, &dev2), CAIRN_EPAR);
    assert_int_equal(pci_bus_add(&bus, 3, &dev2), CAIRN_EEXIST);
    assert_int_equal(cfg_read(3, 0x00, 4), 0x56781234u);
}

static void test_bar_sizing(void **state)
{
    assert_int_equal(cfg_read(3, 0x10, 4), 0xc001);
    assert_int_equal(cfg_read(3, 0x04, 2) & 1, 1); /* firmware enabled I/O */
    /* Linux sizes with decoding off. */
    cfg_write(3, 0x04, 2, 0);
    cfg_write(3, 0x10, 4, 0xffffffffu);
    assert_int_equal(cfg_read(3, 0x10, 4), 0x0000ffe1u);
    cfg_write(3, 0x10, 4, 0xc000);
    assert_int_equal(cfg_read(3, 0x10, 4), 0xc001);
    /* The low bits below the size are not writable. */
    cfg_write(3, 0x10, 4, 0xd05f);
    assert_int_equal(cfg_read(3, 0x10, 4), 0xd041);
    assert_int_equal(pci_dev_io_base(&dev, 0), 0xd040);
    /* Byte writes reach the BAR too. */
    cfg_write(3, 0x11, 1, 0xe0);
    assert_int_equal(cfg_read(3, 0x10, 4), 0xe041);
    /* Unimplemented BARs read 0 and keep it. */
    for (unsigned reg = 0x14; reg <= 0x24; reg += 4) {
        cfg_write(3, reg, 4, 0xffffffffu);
        assert_int_equal(cfg_read(3, reg, 4), 0);
    }
    /* Sizes 4 and 256; invalid sizes are refused. */
    pci_dev_set_io_bar(&dev, 1, 0xc100, 256, &fake_ops, &dev);
    pci_dev_set_io_bar(&dev, 2, 0xc200, 4, &fake_ops, &dev);
    pci_dev_set_io_bar(&dev, 3, 0xc300, 48, &fake_ops, &dev);
    pci_dev_set_io_bar(&dev, 4, 0xc400, 512, &fake_ops, &dev);
    cfg_write(3, 0x14, 4, 0xffffffffu);
    cfg_write(3, 0x18, 4, 0xffffffffu);
    cfg_write(3, 0x1c, 4, 0xffffffffu);
    cfg_write(3, 0x20, 4, 0xffffffffu);
    assert_int_equal(cfg_read(3, 0x14, 4), 0xff01);
    assert_int_equal(cfg_read(3, 0x18, 4), 0xfffd);
    assert_int_equal(cfg_read(3, 0x1c, 4), 0);
    assert_int_equal(cfg_read(3, 0x20, 4), 0);
}

static void test_bar_decoding(void **state)
{
    /* Enabled by firmware: ports 0xc000-0xc01f are the device's. */
    assert_true(pci_io_claims(&bus, 0xc000));
    assert_true(pci_io_claims(&bus, 0xc01f));
    assert_false(pci_io_claims(&bus, 0xc020));
    assert_false(pci_io_claims(&bus, 0xbfff));
    assert_int_equal(pci_bar_read(&bus, 0xc012, 2), 0x12345612u);
    assert_ptr_equal(bar_seen.ctx, &dev);
    assert_int_equal(bar_seen.port, 0x12);
    assert_int_equal(bar_seen.size, 2);
    pci_bar_io_ops.write(&bus, 0xc013, 1, 0xab);
    assert_int_equal(bar_seen.port, 0x13);
    assert_int_equal(bar_seen.size, 1);
    assert_int_equal(bar_seen.value, 0xab);
    assert_int_equal(bar_seen.writes, 1);

    /* I/O space off: nothing decodes. */
    cfg_write(3, 0x04, 2, 0x0004);
    assert_false(pci_io_claims(&bus, 0xc000));
    assert_int_equal(pci_bar_read(&bus, 0xc000, 4), 0xffffffffu);
    assert_int_equal(pci_bar_read(&bus, 0xc000, 1), 0xff);
    pci_bar_write(&bus, 0xc000, 4, 1);
    assert_int_equal(bar_seen.reads, 1);
    assert_int_equal(bar_seen.writes, 1);

    /* Relocated by the OS, then enabled. */
    cfg_write(3, 0x10, 4, 0xd000);
    cfg_write(3, 0x04, 2, 0x0005);
    assert_false(pci_io_claims(&bus, 0xc000));
    assert_true(pci_io_claims(&bus, 0xd01f));
    assert_int_equal(pci_bar_read(&bus, 0xd004, 4), 0x12345604u);
    assert_int_equal(bar_seen.port, 4);
    assert_int_equal(bar_seen.size, 4);
    assert_int_equal(pci_bar_read(&bus, 0xc004, 4), 0xffffffffu);
    assert_int_equal(bar_seen.reads, 2);
    /* At the top of I/O space: no wrap-around. */
    cfg_write(3, 0x10, 4, 0xffe0);
    assert_true(pci_io_claims(&bus, 0xffff));
    assert_false(pci_io_claims(&bus, 0x0000));
    assert_false(pci_io_claims(&bus, 0x001f));
}

static void test_second_device(void **state)
{
    static const struct pci_id id = { .vendor = 0x1af4, .device = 0x1003, .class_code = 0x010000 };
    pci_dev_init(&dev2, &id);
    /* No firmware assignment: I/O decoding stays off until the OS. */
    pci_dev_set_io_bar(&dev2, 0, 0, 64, &fake_ops, &dev2);
    assert_int_equal(pci_bus_add(&bus, 31, &dev2), CAIRN_OK);
    assert_int_equal(cfg_read(31, 0x00, 4), 0x10031af4u);
    assert_int_equal(cfg_read(31, 0x04, 2), 0);
    assert_int_equal(cfg_read(31, 0x3d, 1), 0); /* no pin wired */
    assert_false(pci_io_claims(&bus, 0x0000));
    cfg_write(31, 0x10, 4, 0xc040);
    cfg_write(31, 0x04, 2, 1);
    assert_int_equal(cfg_read(31, 0x10, 4), 0xc041);
    pci_bar_read(&bus, 0xc07f, 1);
    assert_ptr_equal(bar_seen.ctx, &dev2);
    assert_int_equal(bar_seen.port, 0x3f);
    pci_bar_read(&bus, 0xc01f, 1);
    assert_ptr_equal(bar_seen.ctx, &dev);
    assert_int_equal(bar_seen.port, 0x1f);
}

static void test_interrupts(void **state)
{
    assert_int_equal(cfg_read(3, 0x3c, 1), 10);
    assert_int_equal(cfg_read(3, 0x3d, 1), 1);
    pci_intx(&dev, true);
    assert_true(line_level[10]);
    assert_int_equal(cfg_read(3, 0x06, 2) & 0x08, 0x08);
    /* INTx disable drops the line; the status still shows the request. */
    cfg_write(3, 0x04, 2, 0x0401);
    assert_false(line_level[10]);
    assert_int_equal(cfg_read(3, 0x06, 2) & 0x08, 0x08);
    cfg_write(3, 0x04, 2, 0x0001);
    assert_true(line_level[10]);
    pci_intx(&dev, false);
    assert_false(line_level[10]);
    assert_int_equal(cfg_read(3, 0x06, 2) & 0x08, 0);
    /* The line register is the OS's scratch: the pin stays on line 10. */
    cfg_write(3, 0x3c, 1, 5);
    assert_int_equal(cfg_read(3, 0x3c, 1), 5);
    unsigned changes = line_changes;
    pci_intx(&dev, true);
    pci_intx(&dev, true); /* no change, no call */
    assert_true(line_level[10]);
    assert_false(line_level[5]);
    assert_int_equal(line_changes, changes + 1);
    /* Disabled, asserting or deasserting does not move the line. */
    cfg_write(3, 0x04, 2, 0x0401);
    pci_intx(&dev, false);
    pci_intx(&dev, true);
    assert_false(line_level[10]);
}

/* Any access sequence is safe; the IDs stay. */
static void test_random(void **state)
{
    uint64_t seed = 0xfeedbeef;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t r = host_rand(&seed);
        uint16_t port = (r & 1) ? (uint16_t)(0xcf8 + ((r >> 1) & 7)) : (uint16_t)(0xc000 + ((r >> 1) & 0x3f));
        unsigned size = (unsigned)(r >> 8) & 7;
        uint32_t v = (uint32_t)(r >> 32);
        if ((r & 6) == 6 && (v & 0x80000000u))
            v = (v & 0x800000fc) | (3u << 11); /* aim at the device */
        switch ((r >> 16) & 3) {
        case 0:
            pci_io_ops.read(&bus, port, size);
            break;
        case 1:
            pci_io_ops.write(&bus, port, size, v);
            break;
        case 2:
            pci_bar_io_ops.read(&bus, port, size);
            break;
        default:
            pci_bar_io_ops.write(&bus, port, size, v);
        }
    }
    assert_int_equal(cfg_read(3, 0x00, 4), 0x56781234u);
    assert_int_equal(cfg_read(0, 0x08, 4) >> 8, 0x060000);
    assert_int_equal(cfg_read(3, 0x10, 4) & 0xffff001f, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_linux_probe, setup),
        cmocka_unit_test_setup(test_address_register, setup),
        cmocka_unit_test_setup(test_sizes_and_offsets, setup),
        cmocka_unit_test_setup(test_read_only_fields, setup),
        cmocka_unit_test_setup(test_absent, setup),
        cmocka_unit_test_setup(test_bar_sizing, setup),
        cmocka_unit_test_setup(test_bar_decoding, setup),
        cmocka_unit_test_setup(test_second_device, setup),
        cmocka_unit_test_setup(test_interrupts, setup),
        cmocka_unit_test_setup(test_random, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
