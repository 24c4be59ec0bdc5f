// SOURCES: components/vmm/hw/pic8259.c
/* Host tests of the 8259A PIC pair model (pic8259). */
#include "host.h"

#include "../../components/vmm/hw/pic8259.h"

static struct pic8259 p;
static bool intr;

static void intr_set(void *ctx, unsigned line, bool level)
{
    assert_int_equal(line, 0);
    intr = level;
}

static void out8(uint16_t port, uint8_t v)
{
    pic8259_write(&p, port, 1, v);
}

static uint8_t in8(uint16_t port)
{
    return (uint8_t)pic8259_read(&p, port, 1);
}

/* Linux's init_8259A: vectors 0x30 and 0x38, cascade on IR2, 8086 mode. */
static void linux_init(void)
{
    out8(0x21, 0xff);
    out8(0xa1, 0xff);
    out8(0x20, 0x11);
    out8(0x21, 0x30);
    out8(0x21, 0x04);
    out8(0x21, 0x01);
    out8(0xa0, 0x11);
    out8(0xa1, 0x38);
    out8(0xa1, 0x02);
    out8(0xa1, 0x01);
    out8(0x21, 0xfb); /* all masked but the cascade */
    out8(0xa1, 0xff);
}

static int setup(void **state)
{
    intr = false;
    pic8259_init(&p, (struct vmm_irq){ intr_set, NULL });
    linux_init();
    return 0;
}

/* Linux's mask_and_ack_8259A for irq. */
static void linux_eoi(unsigned irq)
{
    if (irq >= 8) {
        out8(0xa0, (uint8_t)(0x60 + (irq & 7)));
        out8(0x20, 0x62);
    } else {
        out8(0x20, (uint8_t)(0x60 + irq));
    }
}

static void test_probe(void **state)
{
    out8(0x21, 0xfb);
    assert_int_equal(in8(0x21), 0xfb);
    assert_int_equal(in8(0xa1), 0xff);
    assert_false(pic8259_pending(&p));
    assert_int_equal(pic8259_read(&p, 0x1234, 1), 0xff);
}

static void test_edge_master(void **state)
{
    pic8259_set_irq(&p, 0, true);
    assert_false(intr); /* masked */
    assert_int_equal(in8(0x20), 0x01); /* IRR */
    out8(0x21, 0xfa);
    assert_true(intr);
    assert_true(pic8259_pending(&p));
    assert_int_equal(pic8259_ack(&p), 0x30);
    assert_false(intr);
    out8(0x20, 0x0b);
    assert_int_equal(in8(0x20), 0x01); /* ISR */
    out8(0x20, 0x0a);
    assert_int_equal(in8(0x20), 0x00); /* IRR cleared: edge */
    /* The line stays high: no new request until it falls and rises. */
    linux_eoi(0);
    assert_false(intr);
    pic8259_set_irq(&p, 0, false);
    pic8259_set_irq(&p, 0, true);
    assert_true(intr);
    assert_int_equal(pic8259_ack(&p), 0x30);
    out8(0x20, 0x20); /* non-specific EOI */
    out8(0x20, 0x0b);
    assert_int_equal(in8(0x20), 0);
}

static void test_priority_nesting(void **state)
{
    out8(0x21, 0x00);
    pic8259_set_irq(&p, 4, true);
    assert_int_equal(pic8259_ack(&p), 0x34);
    pic8259_set_irq(&p, 6, true); /* lower priority: waits */
    assert_false(pic8259_pending(&p));
    pic8259_set_irq(&p, 1, true); /* higher: nests */
    assert_true(pic8259_pending(&p));
    assert_int_equal(pic8259_ack(&p), 0x31);
    out8(0x20, 0x20); /* EOI for 1 (highest in service) */
    assert_false(pic8259_pending(&p));
    out8(0x20, 0x20); /* EOI for 4 */
    assert_int_equal(pic8259_ack(&p), 0x36);
}

static void test_cascade(void **state)
{
    out8(0xa1, 0xfe ^ 0x10); /* unmask IRQ 8 and 12 */
    pic8259_set_irq(&p, 12, true);
    assert_true(intr);
    assert_int_equal(pic8259_ack(&p), 0x3c);
    out8(0x20, 0x0b);
    assert_int_equal(in8(0x20), 0x04);
    out8(0xa0, 0x0b);
    assert_int_equal(in8(0xa0), 0x10);
    pic8259_set_irq(&p, 8, true); /* higher priority on the slave */
    /* Master IR2 is in service: not fully nested, so no nesting. */
    assert_false(pic8259_pending(&p));
    linux_eoi(12);
    assert_true(pic8259_pending(&p));
    assert_int_equal(pic8259_ack(&p), 0x38);
    linux_eoi(8);
    assert_false(pic8259_pending(&p));
}

static void test_level_elcr(void **state)
{
    out8(0xa1, 0xf7); /* IRQ 11 */
    pic8259_write(&p, 0x4d0, 2, 0x0800 | 0x07); /* IRQ 0-2 can't be level */
    assert_int_equal(pic8259_read(&p, 0x4d0, 2), 0x0800);
    pic8259_set_irq(&p, 11, true);
    assert_int_equal(pic8259_ack(&p), 0x3b);
    linux_eoi(11);
    /* Still asserted: requests again. */
    assert_true(pic8259_pending(&p));
    assert_int_equal(pic8259_ack(&p), 0x3b);
    pic8259_set_irq(&p, 11, false);
    linux_eoi(11);
    assert_false(pic8259_pending(&p));
}

static void test_spurious(void **state)
{
    out8(0x21, 0x00);
    assert_int_equal(pic8259_ack(&p), 0x37); /* nothing: master IR7 */
    out8(0x20, 0x0b);
    assert_int_equal(in8(0x20), 0); /* not in service */
    /* The slave's request goes away before the acknowledge. */
    out8(0xa1, 0xfe);
    pic8259_set_irq(&p, 8, true);
    assert_true(intr);
    out8(0xa1, 0xff); /* masking drops the slave's output... */
    /* ...but the master latched the IR2 edge. */
    assert_true(pic8259_pending(&p));
    assert_int_equal(pic8259_ack(&p), 0x3f); /* spurious IRQ 15 */
    out8(0x20, 0x0b);
    assert_int_equal(in8(0x20), 0x04);
    out8(0x20, 0x62);
    assert_false(pic8259_pending(&p));
}

static void test_poll_and_auto_eoi(void **state)
{
    out8(0x21, 0x00);
    pic8259_set_irq(&p, 3, true);
    out8(0x20, 0x0c); /* poll */
    assert_int_equal(in8(0x20), 0x83);
    out8(0x20, 0x0c);
    assert_int_equal(in8(0x20), 0x00); /* 3 in service, nothing else */
    out8(0x20, 0x63);
    /* Auto-EOI: ISR never set. */
    out8(0x20, 0x11);
    out8(0x21, 0x20);
    out8(0x21, 0x04);
    out8(0x21, 0x03);
    out8(0x21, 0x00);
    pic8259_set_irq(&p, 3, false);
    pic8259_set_irq(&p, 3, true);
    pic8259_set_irq(&p, 5, true);
    assert_int_equal(pic8259_ack(&p), 0x23);
    assert_int_equal(pic8259_ack(&p), 0x25);
    out8(0x20, 0x0b);
    assert_int_equal(in8(0x20), 0);
}

static void test_rotation(void **state)
{
    out8(0x21, 0x00);
    out8(0x20, 0xc4); /* set priority: IR4 lowest, IR5 highest */
    pic8259_set_irq(&p, 1, true);
    pic8259_set_irq(&p, 6, true);
    assert_int_equal(pic8259_ack(&p), 0x36);
    out8(0x20, 0xa0); /* rotate on non-specific EOI: 6 lowest */
    assert_int_equal(pic8259_ack(&p), 0x31);
}

static void test_random(void **state)
{
    static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x22 };
    uint64_t seed = 42;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t r = host_rand(&seed);
        uint16_t port = ports[(r >> 8) % 7];
        switch (r & 3) {
        case 0:
            pic8259_read(&p, port, (unsigned)(r >> 16) & 7);
            break;
        case 1:
            pic8259_write(&p, port, (unsigned)(r >> 16) & 7, (uint32_t)(r >> 32));
            break;
        case 2:
            pic8259_set_irq(&p, (unsigned)(r >> 16) & 31, (r >> 40) & 1);
            break;
        default: {
            bool pending = pic8259_pending(&p);
            assert_true(pending == intr);
            int v = pic8259_ack(&p);
            assert_true(v >= 0 && v < 256);
        }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_probe, setup),
        cmocka_unit_test_setup(test_edge_master, setup),
        cmocka_unit_test_setup(test_priority_nesting, setup),
        cmocka_unit_test_setup(test_cascade, setup),
        cmocka_unit_test_setup(test_level_elcr, setup),
        cmocka_unit_test_setup(test_spurious, setup),
        cmocka_unit_test_setup(test_poll_and_auto_eoi, setup),
        cmocka_unit_test_setup(test_rotation, setup),
        cmocka_unit_test_setup(test_random, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
