// SOURCES: components/vmm/hw/pvclock.c
/* Host tests of KVM's paravirtual clock structures (pvclock). */
#include "host.h"

#include "../../components/vmm/hw/le.h"
#include "../../components/vmm/hw/pvclock.h"

/* The guest's reading of the TSC's frequency (Linux's pvclock_tsc_khz). */
static uint64_t guest_khz(struct pvclock_scale s)
{
    uint64_t khz = (1000000ull << 32) / s.mul;
    return s.shift < 0 ? khz << -s.shift : khz >> s.shift;
}

static void test_scale(void **state)
{
    static const uint64_t khz[] = { 1000, 999999, 1000000, 1000001, 2637255, 3000000, 4294967 };
    for (unsigned i = 0; i < sizeof(khz) / sizeof(khz[0]); i++) {
        struct pvclock_scale s = pvclock_scale(khz[i]);
        assert_true(s.mul >= 1u << 31);
        /* a second of ticks is a second, to a ns per 2^31 */
        uint64_t ns = pvclock_scale_delta(s, khz[i] * 1000);
        assert_true(ns <= 1000000000ull && ns >= 1000000000ull - 2);
        /* the guest's division loses the bits its shift moves */
        uint64_t k = guest_khz(s), slack = 1ull << (s.shift < 0 ? -s.shift : 0);
        assert_true(k + slack >= khz[i] && k <= khz[i] + slack);
    }
    /* an hour at 2.6 GHz: no overflow in the product */
    struct pvclock_scale s = pvclock_scale(2600000);
    uint64_t ns = pvclock_scale_delta(s, 3600ull * 2600000000ull);
    assert_true(ns <= 3600000000000ull && ns >= 3600000000000ull - 3600);
}

static void test_write_time(void **state)
{
    uint8_t p[PVCLOCK_TIME_SIZE] = { 0 };
    struct pvclock_scale s = pvclock_scale(2000000);
    pvclock_write_time(p, 123456789012ull, 5000000000ull, s, PVCLOCK_TSC_STABLE);
    assert_int_equal(rd32(p), 2);
    assert_int_equal(rd64(p + 8), 123456789012ull);
    assert_int_equal(rd64(p + 16), 5000000000ull);
    assert_int_equal(rd32(p + 24), s.mul);
    assert_int_equal((int8_t)p[28], s.shift);
    assert_int_equal(p[29], PVCLOCK_TSC_STABLE);
    pvclock_write_time(p, 1, 2, s, 0);
    assert_int_equal(rd32(p), 4); /* even again, and changed */
    assert_int_equal(p[29], 0);
}

static void test_write_wall(void **state)
{
    uint8_t p[PVCLOCK_WALL_SIZE] = { 0 };
    wr32(p, 7); /* a guest's odd leftover still ends even */
    pvclock_write_wall(p, 946684800ull * 1000000000ull + 250);
    assert_int_equal(rd32(p), 8);
    assert_int_equal(rd32(p + 4), 946684800u);
    assert_int_equal(rd32(p + 8), 250);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_write_time),
        cmocka_unit_test(test_write_wall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
