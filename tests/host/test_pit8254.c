// SOURCES: components/vmm/hw/pit8254.c
/* Host tests of the 8254 PIT model (pit8254), on a fake clock. */
#include "host.h"

#include "../../components/vmm/hw/pit8254.h"

static struct pit8254 p;
static uint64_t clock_ns;
static bool line;
static unsigned edges;

static uint64_t fake_now(void *ctx)
{
    return clock_ns;
}

static void irq_set(void *ctx, unsigned l, bool level)
{
    assert_int_equal(l, 0);
    if (level && !line)
        edges++;
    line = level;
}

static int setup(void **state)
{
    clock_ns = 1000000; /* not 0: counting starts from the load time */
    line = false;
    edges = 0;
    pit8254_init(&p, (struct vmm_clock){ fake_now, NULL }, (struct vmm_irq){ irq_set, NULL }, 0);
    return 0;
}

static void out8(uint16_t port, uint8_t v)
{
    pit8254_write(&p, port, 1, v);
}

static uint8_t in8(uint16_t port)
{
    return (uint8_t)pit8254_read(&p, port, 1);
}

/* The BIOS state: channel 0 at 18.2 Hz. */
static void test_reset_state(void **state)
{
    uint64_t next = pit8254_next_event_ns(&p);
    assert_true(next > clock_ns && next - clock_ns > 54000000 && next - clock_ns < 55000000);
    clock_ns += 1000000000;
    pit8254_update(&p);
    assert_int_equal(edges, 1); /* missed periods coalesce */
}

/* Linux's setup_pit_timer, periodic: mode 2, LATCH for HZ=1000. */
static void test_periodic_1000hz(void **state)
{
    uint16_t latch = (PIT8254_HZ + 500) / 1000;
    out8(0x43, 0x34);
    out8(0x40, latch & 0xff);
    out8(0x40, latch >> 8);
    edges = 0;
    uint64_t start = clock_ns;
    while (clock_ns < start + 1000000000ull) {
        uint64_t next = pit8254_next_event_ns(&p);
        assert_true(next > clock_ns);
        clock_ns = next;
        pit8254_update(&p);
    }
    /* 1193182 / 1193 = 1000.15 periods in the second. */
    assert_in_range(edges, 1000, 1001);
    assert_false(line); /* a pulse per period */
    /* Stepping the clock finer than the period gives the same count. */
    edges = 0;
    start = clock_ns;
    for (unsigned i = 0; i < 10000; i++) {
        clock_ns += 100000;
        pit8254_update(&p);
    }
    assert_in_range(edges, 999, 1001);
}

static void test_counter_read_and_latch(void **state)
{
    out8(0x43, 0x34);
    out8(0x40, 0x00);
    out8(0x40, 0x10); /* 4096 */
    clock_ns += 1000000; /* 1193 ticks */
    uint16_t v = in8(0x40);
    v |= (uint16_t)(in8(0x40) << 8);
    assert_int_equal(v, 4096 - 1193);
    out8(0x43, 0x00); /* latch channel 0 */
    clock_ns += 1000000;
    v = in8(0x40);
    v |= (uint16_t)(in8(0x40) << 8);
    assert_int_equal(v, 4096 - 1193); /* the latched value */
    v = in8(0x40);
    v |= (uint16_t)(in8(0x40) << 8);
    assert_int_equal(v, 4096 - 2386);
    /* Read-back: status then count of channel 0. */
    out8(0x43, 0xc2);
    assert_int_equal(in8(0x40), 0x80 | 0x34); /* OUT high, mode 2, lo/hi */
    v = in8(0x40);
    v |= (uint16_t)(in8(0x40) << 8);
    assert_int_equal(v, 4096 - 2386);
    /* Lobyte-only access. */
    out8(0x43, 0x50); /* channel 1, lobyte, mode 0 */
    out8(0x41, 100);
    clock_ns += 10000; /* 11 ticks */
    assert_int_equal(in8(0x41), 89);
    assert_int_equal(in8(0x41), 89);
}

/* Mode 0: IRQ 0 rises at terminal count and stays; mode 4 pulses once. */
static void test_oneshot(void **state)
{
    out8(0x43, 0x30);
    out8(0x40, 0xa9);
    out8(0x40, 0x04); /* 1193 ticks, about 1 ms */
    assert_false(line);
    uint64_t next = pit8254_next_event_ns(&p);
    assert_in_range(next - clock_ns, 999000, 1000000);
    clock_ns = next - 1;
    pit8254_update(&p);
    assert_false(line);
    clock_ns = next;
    pit8254_update(&p);
    assert_true(line);
    assert_int_equal(pit8254_next_event_ns(&p), UINT64_MAX);
    out8(0x43, 0x30); /* control word: OUT low */
    assert_false(line);

    edges = 0;
    out8(0x43, 0x38); /* mode 4, Linux's one-shot clockevent */
    out8(0x40, 100);
    out8(0x40, 0);
    clock_ns = pit8254_next_event_ns(&p);
    pit8254_update(&p);
    clock_ns += 1000000000;
    pit8254_update(&p);
    assert_int_equal(edges, 1);
    assert_false(line);
    assert_int_equal(pit8254_next_event_ns(&p), UINT64_MAX);
}

/* Linux's pit_calibrate_tsc: channel 2 gated on, mode 0, wait for OUT2. */
static void test_channel2_calibration(void **state)
{
    out8(0x61, (in8(0x61) & ~0x02) | 0x01);
    out8(0x43, 0xb0);
    out8(0x42, 0xff & 11932);
    out8(0x42, 11932 >> 8);
    assert_int_equal(in8(0x61) & 0x21, 0x01);
    clock_ns += 9000000;
    assert_false(in8(0x61) & 0x20);
    clock_ns += 1001000; /* 11932 ticks are 10.0001 ms */
    assert_true(in8(0x61) & 0x20);
    assert_false(line); /* channel 2 does not drive IRQ 0 */
    /* Refresh toggle flips with time. */
    uint8_t a = in8(0x61) & 0x10;
    clock_ns += 15085;
    assert_int_not_equal(a, in8(0x61) & 0x10);
}

static void test_square_wave(void **state)
{
    out8(0x43, 0x36); /* mode 3 */
    out8(0x40, 100);
    out8(0x40, 0);
    clock_ns += 10000; /* 11 ticks: count goes down by 2 */
    out8(0x43, 0x00);
    uint16_t v = in8(0x40);
    v |= (uint16_t)(in8(0x40) << 8);
    assert_int_equal(v, 100 - 22);
    edges = 0;
    clock_ns += 1000000000;
    pit8254_update(&p);
    assert_int_equal(edges, 1);
    clock_ns = pit8254_next_event_ns(&p);
    pit8254_update(&p);
    assert_int_equal(edges, 2);
}

static void test_random(void **state)
{
    static const uint16_t ports[] = { 0x40, 0x41, 0x42, 0x43, 0x61, 0x44 };
    uint64_t seed = 7;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t r = host_rand(&seed);
        uint16_t port = ports[(r >> 8) % 6];
        switch (r & 3) {
        case 0:
            pit8254_read(&p, port, (unsigned)(r >> 16) & 7);
            break;
        case 1:
            pit8254_write(&p, port, (unsigned)(r >> 16) & 7, (uint32_t)(r >> 32));
            break;
        case 2:
            clock_ns = (r >> 20) & 1 ? r : clock_ns + ((r >> 32) & 0xfffff);
            pit8254_update(&p);
            break;
        default:
            pit8254_next_event_ns(&p);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_periodic_1000hz, setup),
        cmocka_unit_test_setup(test_counter_read_and_latch, setup),
        cmocka_unit_test_setup(test_oneshot, setup),
        cmocka_unit_test_setup(test_channel2_calibration, setup),
        cmocka_unit_test_setup(test_square_wave, setup),
        cmocka_unit_test_setup(test_random, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
