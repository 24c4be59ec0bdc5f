// SOURCES: components/vmm/hw/ioapic.c
/* Host tests of the IO-APIC model (ioapic). */
#include "host.h"

#include "../../components/vmm/hw/ioapic.h"

static struct ioapic io;
static struct {
    uint8_t vector;
    bool level;
} sent[64];
static unsigned nsent;

#define MASKED 0x10000u
#define LEVEL 0x8000u
#define REMOTE_IRR 0x4000u
#define ACTIVE_LOW 0x2000u

static void deliver(void *ctx, uint8_t vector, bool level)
{
    assert_ptr_equal(ctx, &io);
    assert_true(nsent < 64);
    sent[nsent].vector = vector;
    sent[nsent].level = level;
    nsent++;
}

static int setup(void **state)
{
    nsent = 0;
    ioapic_init(&io, 1, deliver, &io);
    return 0;
}

static uint32_t rd(uint8_t reg)
{
    ioapic_write(&io, 0x00, 4, reg);
    return ioapic_read(&io, 0x10, 4);
}

static void wr(uint8_t reg, uint32_t v)
{
    ioapic_write(&io, 0x00, 4, reg);
    ioapic_write(&io, 0x10, 4, v);
}

/* Program entry pin as Linux does: high word, then low word. */
static void set_entry(unsigned pin, uint32_t low)
{
    wr((uint8_t)(0x11 + 2 * pin), 0);
    wr((uint8_t)(0x10 + 2 * pin), low);
}

static void test_registers(void **state)
{
    assert_int_equal(rd(0x00), 0x01000000);
    assert_int_equal(rd(0x01), 0x00170020);
    assert_int_equal(rd(0x02), 0x01000000);
    wr(0x00, 0xffffffff);
    assert_int_equal(rd(0x00), 0x0f000000);
    wr(0x01, 0);
    assert_int_equal(rd(0x01), 0x00170020);
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        assert_int_equal(rd((uint8_t)(0x10 + 2 * pin)), MASKED);
        assert_int_equal(rd((uint8_t)(0x11 + 2 * pin)), 0);
    }
    wr(0x10, 0xffffffff); /* delivery status, Remote IRR, reserved: read-only */
    assert_int_equal(rd(0x10), 0x0001afff);
    wr(0x11, 0xffffffff);
    assert_int_equal(rd(0x11), 0xff000000);
    wr(0x3f, 0x12345678);
    assert_int_equal(rd(0x3f), 0x12000000);
    /* undecoded registers */
    assert_int_equal(rd(0x03), 0);
    assert_int_equal(rd(0x40), 0);
    assert_int_equal(rd(0xff), 0);
    wr(0x40, 0xffffffff);
    /* IOREGSEL reads back; byte writes select */
    ioapic_write(&io, 0x00, 1, 0x301);
    assert_int_equal(ioapic_read(&io, 0x00, 4), 0x01);
    assert_int_equal(ioapic_read(&io, 0x10, 4), 0x00170020);
    /* other offsets and sizes */
    assert_int_equal(ioapic_read(&io, 0x10, 1), 0);
    assert_int_equal(ioapic_read(&io, 0x10, 8), 0);
    assert_int_equal(ioapic_read(&io, 0x20, 4), 0);
    assert_int_equal(ioapic_read(&io, 0x40, 4), 0);
    ioapic_write(&io, 0x00, 4, 0x10);
    ioapic_write(&io, 0x10, 2, 0);
    ioapic_write(&io, 0x14, 4, 0);
    assert_int_equal(ioapic_read(&io, 0x10, 4), 0x0001afff);
    /* type-erased callbacks */
    ioapic_mmio_ops.write(&io, 0x00, 4, 0x01);
    assert_int_equal(ioapic_mmio_ops.read(&io, 0x10, 4), 0x00170020);
    assert_int_equal(nsent, 0);
}

static void test_edge(void **state)
{
    set_entry(4, 0x34);
    ioapic_set_irq(&io, 4, true);
    assert_int_equal(nsent, 1);
    assert_int_equal(sent[0].vector, 0x34);
    assert_false(sent[0].level);
    ioapic_set_irq(&io, 4, true); /* no edge */
    assert_int_equal(nsent, 1);
    assert_int_equal(rd(0x18) & REMOTE_IRR, 0);
    ioapic_set_irq(&io, 4, false);
    ioapic_set_irq(&io, 4, true);
    assert_int_equal(nsent, 2);
    ioapic_set_irq(&io, 4, false);
    /* a masked edge is lost, unmasking does not bring it back */
    set_entry(4, MASKED | 0x34);
    ioapic_set_irq(&io, 4, true);
    set_entry(4, 0x34);
    assert_int_equal(nsent, 2);
    /* EOIs do nothing to edge entries */
    ioapic_eoi(&io, 0x34);
    assert_int_equal(nsent, 2);
}

static void test_level_remote_irr(void **state)
{
    set_entry(16, LEVEL | ACTIVE_LOW | 0x50);
    ioapic_set_irq(&io, 16, true);
    assert_int_equal(nsent, 1);
    assert_int_equal(sent[0].vector, 0x50);
    assert_true(sent[0].level);
    assert_true(rd(0x30) & REMOTE_IRR);
    ioapic_set_irq(&io, 16, true); /* Remote IRR holds it */
    assert_int_equal(nsent, 1);
    ioapic_set_irq(&io, 16, false);
    assert_true(rd(0x30) & REMOTE_IRR);
    ioapic_eoi(&io, 0x51); /* another vector */
    assert_true(rd(0x30) & REMOTE_IRR);
    ioapic_eoi(&io, 0x50);
    assert_false(rd(0x30) & REMOTE_IRR);
    assert_int_equal(nsent, 1); /* the line is low: nothing more */
    /* EOI with the line still asserted sends again */
    ioapic_set_irq(&io, 16, true);
    assert_int_equal(nsent, 2);
    ioapic_eoi(&io, 0x50);
    assert_int_equal(nsent, 3);
    assert_true(rd(0x30) & REMOTE_IRR);
    /* the EOI register (version 0x20) */
    ioapic_write(&io, 0x40, 4, 0x50);
    assert_int_equal(nsent, 4);
    ioapic_set_irq(&io, 16, false);
    ioapic_write(&io, 0x40, 4, 0x50);
    assert_int_equal(nsent, 4);
    assert_false(rd(0x30) & REMOTE_IRR);
}

static void test_mask_unmask_level(void **state)
{
    set_entry(10, MASKED | LEVEL | 0x60);
    ioapic_set_irq(&io, 10, true);
    assert_int_equal(nsent, 0);
    assert_false(rd(0x24) & REMOTE_IRR);
    set_entry(10, LEVEL | 0x60); /* unmasked while asserted */
    assert_int_equal(nsent, 1);
    assert_true(rd(0x24) & REMOTE_IRR);
    /* rewriting the entry does not send twice */
    set_entry(10, LEVEL | 0x60);
    assert_int_equal(nsent, 1);
    /* mask, EOI, unmask: sent once more */
    set_entry(10, MASKED | LEVEL | 0x60);
    ioapic_eoi(&io, 0x60);
    assert_int_equal(nsent, 1);
    set_entry(10, LEVEL | 0x60);
    assert_int_equal(nsent, 2);
    /* reprogrammed as edge: Remote IRR cleared (Linux's clear_IO_APIC_pin) */
    set_entry(10, MASKED | 0x60);
    assert_false(rd(0x24) & REMOTE_IRR);
    ioapic_set_irq(&io, 10, false);
    set_entry(10, LEVEL | 0x60);
    assert_int_equal(nsent, 2);
}

static void test_delivery_modes(void **state)
{
    set_entry(1, 0x100 | 0x31); /* lowest priority: sent */
    set_entry(2, 0x200 | 0x32); /* SMI */
    set_entry(3, 0x400 | 0x33); /* NMI */
    set_entry(5, 0x500 | 0x35); /* INIT */
    set_entry(6, 0x700 | 0x36); /* ExtINT */
    set_entry(7, 0x800 | 0x37); /* logical destination: sent */
    for (unsigned pin = 1; pin <= 7; pin++)
        ioapic_set_irq(&io, pin, true);
    assert_int_equal(nsent, 2);
    assert_int_equal(sent[0].vector, 0x31);
    assert_int_equal(sent[1].vector, 0x37);
    /* pins out of range */
    ioapic_set_irq(&io, 24, true);
    ioapic_set_irq(&io, 1000, true);
    assert_int_equal(nsent, 2);
    /* no callback wired */
    ioapic_init(&io, 2, NULL, NULL);
    set_entry(0, LEVEL | 0x40);
    ioapic_set_irq(&io, 0, true);
    assert_true(rd(0x10) & REMOTE_IRR);
}

static void test_random(void **state)
{
    uint64_t seed = 5;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t r = host_rand(&seed);
        uint32_t v = (uint32_t)(r >> 32);
        switch (r & 3) {
        case 0:
            ioapic_write(&io, (r >> 8) & 0x70, (r >> 16) & 1 ? 4 : (unsigned)(r >> 17) & 7, v);
            break;
        case 1:
            ioapic_read(&io, (r >> 8) & 0x70, 4);
            break;
        case 2:
            ioapic_set_irq(&io, (unsigned)(r >> 8) % 26, v & 1);
            break;
        default:
            ioapic_eoi(&io, (uint8_t)v);
        }
        for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
            uint64_t e = io.redir[pin];
            assert_false((e & REMOTE_IRR) && !(e & LEVEL));
            assert_int_equal(e & 0x00fffffffffe1000ull, 0);
        }
        nsent = 0;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_registers, setup),
        cmocka_unit_test_setup(test_edge, setup),
        cmocka_unit_test_setup(test_level_remote_irr, setup),
        cmocka_unit_test_setup(test_mask_unmask_level, setup),
        cmocka_unit_test_setup(test_delivery_modes, setup),
        cmocka_unit_test_setup(test_random, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
