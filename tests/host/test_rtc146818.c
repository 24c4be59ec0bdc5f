// SOURCES: components/vmm/hw/rtc146818.c
/* Host tests of the MC146818 RTC model (rtc146818), on a fake clock. */
#include "host.h"

#include "../../components/vmm/hw/rtc146818.h"

#define T0 1710510330 /* 2024-03-15 13:45:30 UTC, a Friday */

static struct rtc146818 r;
static uint64_t clock_ns;

static uint64_t fake_now(void *ctx)
{
    return clock_ns;
}

static int setup(void **state)
{
    clock_ns = 5000000000ull;
    rtc146818_init(&r, (struct vmm_clock){ fake_now, NULL }, T0);
    return 0;
}

static uint8_t cmos(uint8_t i)
{
    rtc146818_write(&r, 0x70, 1, i | 0x80); /* NMI mask bit set: ignored */
    return (uint8_t)rtc146818_read(&r, 0x71, 1);
}

static void cmos_write(uint8_t i, uint8_t v)
{
    rtc146818_write(&r, 0x70, 1, i);
    rtc146818_write(&r, 0x71, 1, v);
}

/* Like Linux's mc146818_get_time: wait for !UIP, read the fields. */
static void test_bcd(void **state)
{
    assert_false(cmos(0x0a) & 0x80);
    assert_int_equal(cmos(0x0b) & 0x06, 0x02); /* BCD, 24 h */
    assert_int_equal(cmos(0x00), 0x30);
    assert_int_equal(cmos(0x02), 0x45);
    assert_int_equal(cmos(0x04), 0x13);
    assert_int_equal(cmos(0x06), 0x06); /* Friday, Sunday = 1 */
    assert_int_equal(cmos(0x07), 0x15);
    assert_int_equal(cmos(0x08), 0x03);
    assert_int_equal(cmos(0x09), 0x24);
    assert_int_equal(cmos(0x32), 0x20);
    assert_int_equal(cmos(0x0d), 0x80);
    /* Time runs with the clock: 30 + 45 s crosses a minute. */
    clock_ns += 45 * 1000000000ull;
    assert_int_equal(cmos(0x00), 0x15);
    assert_int_equal(cmos(0x02), 0x46);
}

static void test_binary_and_12h(void **state)
{
    cmos_write(0x0b, 0x06); /* binary, 24 h */
    assert_int_equal(cmos(0x00), 30);
    assert_int_equal(cmos(0x04), 13);
    assert_int_equal(cmos(0x09), 24);
    assert_int_equal(cmos(0x32), 20);
    cmos_write(0x0b, 0x04); /* binary, 12 h */
    assert_int_equal(cmos(0x04), 0x80 | 1);
    cmos_write(0x0b, 0x00); /* BCD, 12 h */
    assert_int_equal(cmos(0x04), 0x81);
}

static void test_uip(void **state)
{
    clock_ns += 999800000; /* 200 us before the second ends */
    assert_true(cmos(0x0a) & 0x80);
    assert_int_equal(cmos(0x00), 0x30);
    clock_ns += 300000;
    assert_false(cmos(0x0a) & 0x80);
    assert_int_equal(cmos(0x00), 0x31);
    assert_int_equal(cmos(0x0a), 0x26);
}

/* Like Linux's mc146818_set_time: SET, write the fields, clear SET. */
static void test_set_time(void **state)
{
    cmos_write(0x0b, 0x82);
    cmos_write(0x00, 0x00);
    cmos_write(0x02, 0x59);
    cmos_write(0x04, 0x23);
    cmos_write(0x07, 0x31);
    cmos_write(0x08, 0x12);
    cmos_write(0x09, 0x99);
    cmos_write(0x32, 0x19);
    clock_ns += 10 * 1000000000ull; /* frozen while SET */
    assert_int_equal(cmos(0x00), 0x00);
    cmos_write(0x0b, 0x02);
    clock_ns += 61 * 1000000000ull;
    assert_int_equal(cmos(0x00), 0x01);
    assert_int_equal(cmos(0x02), 0x00);
    assert_int_equal(cmos(0x04), 0x00);
    assert_int_equal(cmos(0x07), 0x01);
    assert_int_equal(cmos(0x08), 0x01);
    assert_int_equal(cmos(0x09), 0x00);
    assert_int_equal(cmos(0x32), 0x20);
    assert_int_equal(cmos(0x06), 0x07); /* 2000-01-01 was a Saturday */
    /* A single field written while running. */
    cmos_write(0x09, 0x25);
    assert_int_equal(cmos(0x09), 0x25);
    assert_int_equal(cmos(0x02), 0x00);
    /* Invalid BCD is clamped, not trusted. */
    cmos_write(0x08, 0xff);
    assert_int_equal(cmos(0x08), 0x12);
}

static void test_ram_and_memory(void **state)
{
    cmos_write(0x40, 0xab);
    assert_int_equal(cmos(0x40), 0xab);
    assert_int_equal(cmos(0xc0), 0xab); /* index wraps at 128 */
    cmos_write(0x0d, 0);
    assert_int_equal(cmos(0x0d), 0x80);
    rtc146818_set_memory(&r, 3ull << 30, 5ull << 30);
    /* SeaBIOS: below 4 GiB = (0x34 | 0x35 << 8) * 64 KiB + 16 MiB. */
    uint64_t low = ((uint64_t)cmos(0x34) | (uint64_t)cmos(0x35) << 8) << 16;
    assert_int_equal(low + (16 << 20), 3ull << 30);
    uint64_t high = (uint64_t)cmos(0x5b) << 16 | (uint64_t)cmos(0x5c) << 24 | (uint64_t)cmos(0x5d) << 32;
    assert_int_equal(high, 5ull << 30);
    assert_int_equal(cmos(0x15) | cmos(0x16) << 8, 640);
    assert_int_equal(cmos(0x17) | cmos(0x18) << 8, 0xffff);
    rtc146818_cmos_set(&r, 0x90, 0x12);
    assert_int_equal(cmos(0x10), 0x12);
    assert_int_equal(rtc146818_read(&r, 0x70, 1), 0xff);
}

static void test_register_c(void **state)
{
    cmos(0x0c);
    assert_int_equal(cmos(0x0c), 0);
    clock_ns += 1000000000;
    assert_int_equal(cmos(0x0c), 0x10);
    assert_int_equal(cmos(0x0c), 0);
}

static void test_random(void **state)
{
    uint64_t seed = 3;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t x = host_rand(&seed);
        uint16_t port = (uint16_t)(0x6f + ((x >> 8) & 3));
        switch (x & 3) {
        case 0:
            rtc146818_read(&r, port, (unsigned)(x >> 16) & 7);
            break;
        case 1:
            clock_ns = (x >> 20) & 1 ? x : clock_ns + (x >> 34);
            break;
        default:
            rtc146818_write(&r, port, (unsigned)(x >> 16) & 7, (uint32_t)(x >> 32));
        }
    }
    rtc146818_init(&r, (struct vmm_clock){ fake_now, NULL }, INT64_MAX);
    cmos(0x00);
    rtc146818_init(&r, (struct vmm_clock){ fake_now, NULL }, INT64_MIN);
    cmos(0x00);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bcd, setup),
        cmocka_unit_test_setup(test_binary_and_12h, setup),
        cmocka_unit_test_setup(test_uip, setup),
        cmocka_unit_test_setup(test_set_time, setup),
        cmocka_unit_test_setup(test_ram_and_memory, setup),
        cmocka_unit_test_setup(test_register_c, setup),
        cmocka_unit_test_setup(test_random, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
