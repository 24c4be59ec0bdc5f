// SOURCES: components/vmm/hw/i8042.c
/* Host tests of the 8042 keyboard controller model (i8042). */
#include "host.h"

#include "../../components/vmm/hw/i8042.h"

static struct i8042 k;
static bool lines[16];
static unsigned resets;

static void irq_set(void *ctx, unsigned l, bool level)
{
    assert_true(l == 1 || l == 12);
    lines[l] = level;
}

static void reset_cb(void *ctx)
{
    resets++;
}

static int setup(void **state)
{
    memset(lines, 0, sizeof(lines));
    resets = 0;
    i8042_init(&k, (struct vmm_irq){ irq_set, NULL }, reset_cb, NULL);
    return 0;
}

static uint8_t status(void)
{
    return (uint8_t)i8042_read(&k, 0x64, 1);
}

static uint8_t data(void)
{
    return (uint8_t)i8042_read(&k, 0x60, 1);
}

static void command(uint8_t c)
{
    i8042_write(&k, 0x64, 1, c);
}

static void send(uint8_t v)
{
    i8042_write(&k, 0x60, 1, v);
}

/* Like Linux's i8042_command: wait for OBF, read the byte. */
static uint8_t reply(void)
{
    assert_true(status() & 0x01);
    return data();
}

static void test_linux_probe(void **state)
{
    /* i8042_flush */
    while (status() & 0x01)
        data();
    command(0xaa);
    assert_int_equal(reply(), 0x55);
    assert_true(status() & 0x04); /* system flag */
    command(0x20);
    uint8_t ctr = reply();
    command(0x20);
    assert_int_equal(reply(), ctr);
    /* Disable both ports, interrupts off, then write it back. */
    ctr = (uint8_t)((ctr | 0x30) & ~0x03);
    command(0x60);
    send(ctr);
    command(0x20);
    assert_int_equal(reply(), ctr);
    /* Aux loopback: the byte comes back from the aux port. */
    command(0xd3);
    send(0x5a);
    assert_int_equal(status() & 0x21, 0x21);
    assert_int_equal(data(), 0x5a);
    command(0xa9);
    assert_int_equal(reply(), 0x00);
    /* i8042_toggle_aux: the command byte shows the aux disable bit. */
    command(0xa8);
    command(0x20);
    assert_false(reply() & 0x20);
    command(0xa7);
    command(0x20);
    assert_true(reply() & 0x20);
    command(0xab);
    assert_int_equal(reply(), 0x00);
    assert_false(status() & 0x01);
}

static void test_keyboard_reset_and_irq(void **state)
{
    command(0xae);
    send(0xff);
    assert_true(lines[1]);
    assert_int_equal(data(), 0xfa);
    assert_true(lines[1]); /* the next byte is in the buffer */
    assert_int_equal(data(), 0xaa);
    assert_false(lines[1]);
    send(0xf2);
    assert_int_equal(data(), 0xfa);
    assert_int_equal(data(), 0xab);
    assert_int_equal(data(), 0x83);
    send(0xed);
    send(0x07);
    assert_int_equal(data(), 0xfa);
    assert_int_equal(data(), 0xfa);
    send(0xf0);
    send(0x00);
    assert_int_equal(data(), 0xfa);
    assert_int_equal(data(), 0xfa);
    assert_int_equal(data(), 0x02);
    send(0x01);
    assert_int_equal(data(), 0xfe);
    /* Scan codes; with IRQ 1 disabled in the command byte, no line. */
    assert_int_equal(i8042_kbd_input(&k, 0x1e), CAIRN_OK);
    assert_true(lines[1]);
    command(0x60);
    send(0x44);
    assert_false(lines[1]);
    assert_int_equal(data(), 0x1e);
    /* Disabled keyboard takes no input. */
    command(0xad);
    assert_int_equal(i8042_kbd_input(&k, 0x1e), CAIRN_ERETRY);
    send(0xf5);
    assert_int_equal(data(), 0xfa);
    assert_int_equal(i8042_kbd_input(&k, 0x1e), CAIRN_ERETRY); /* scanning off */
    send(0xf4);
    assert_int_equal(data(), 0xfa);
    assert_int_equal(i8042_kbd_input(&k, 0x1e), CAIRN_OK);
}

static void test_aux_absent(void **state)
{
    command(0x60);
    send(0x47); /* both interrupts on */
    command(0xd4);
    send(0xff);
    assert_true(lines[12]);
    assert_false(lines[1]);
    assert_int_equal(status() & 0x61, 0x61); /* timeout, aux, OBF */
    assert_int_equal(data(), 0xfe);
    assert_false(lines[12]);
}

static void test_reset_line(void **state)
{
    command(0xfe);
    assert_int_equal(resets, 1);
    command(0xff); /* pulse nothing */
    assert_int_equal(resets, 1);
    command(0xd1);
    send(0x02); /* bit 0 low */
    assert_int_equal(resets, 2);
    command(0xd0);
    assert_int_equal(reply() & 0x01, 0x00);
}

static void test_queue_full(void **state)
{
    for (unsigned i = 0; i < I8042_QUEUE; i++)
        assert_int_equal(i8042_kbd_input(&k, (uint8_t)i), CAIRN_OK);
    assert_int_equal(i8042_kbd_input(&k, 0x99), CAIRN_ERETRY);
    command(0xaa); /* the reply is lost, not a crash */
    for (unsigned i = 0; i < I8042_QUEUE; i++)
        assert_int_equal(data(), i);
    assert_false(status() & 0x01);
    assert_int_equal(i8042_read(&k, 0x61, 1), 0xff);
}

static void test_random(void **state)
{
    static const uint16_t ports[] = { 0x60, 0x64, 0x61, 0x63 };
    uint64_t seed = 99;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t r = host_rand(&seed);
        uint16_t port = ports[(r >> 8) & 3];
        switch (r & 3) {
        case 0:
            i8042_read(&k, port, (unsigned)(r >> 16) & 7);
            break;
        case 1:
            i8042_kbd_input(&k, (uint8_t)(r >> 32));
            break;
        default:
            i8042_write(&k, port, (unsigned)(r >> 16) & 7, (uint32_t)(r >> 32));
        }
        assert_true(k.count <= I8042_QUEUE && k.head < I8042_QUEUE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_linux_probe, setup),
        cmocka_unit_test_setup(test_keyboard_reset_and_irq, setup),
        cmocka_unit_test_setup(test_aux_absent, setup),
        cmocka_unit_test_setup(test_reset_line, setup),
        cmocka_unit_test_setup(test_queue_full, setup),
        cmocka_unit_test_setup(test_random, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
