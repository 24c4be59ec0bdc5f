/* Host tests of the chunk iterator (cairn_mem_chunks, lib/include/cairn/mem.h). */
// SOURCES:
#include "host.h"

#include <cairn/mem.h>

/* The loop every user wrote out by hand before: the next chunk's order. */
static unsigned ref_order(uint64_t a, uint64_t b, uint64_t n, unsigned max)
{
    unsigned o = 0;

    while (o < max && !((a | b) & ((2ull << o) - 1)) && (2ull << o) <= n)
        o++;
    return o;
}

/* The chunks cover [a, a + n) and [b, b + n) in order, each the largest the
 * alignment, the pages left and max allow. */
static void check(uint64_t a, uint64_t b, uint64_t n, unsigned max)
{
    struct cairn_mem_chunk c = cairn_mem_chunks(a, b, n, max);

    while (n) {
        unsigned o = ref_order(a, b, n, max);
        assert_true(cairn_mem_chunk_next(&c));
        assert_int_equal(c.a, a);
        assert_int_equal(c.b, b);
        assert_int_equal(c.order, o);
        a += 1ull << o, b += 1ull << o, n -= 1ull << o;
    }
    assert_false(cairn_mem_chunk_next(&c));
}

static void test_empty(void **state)
{
    struct cairn_mem_chunk c = cairn_mem_chunks(0x1000, 0, 0, 20);

    assert_false(cairn_mem_chunk_next(&c));
}

static void test_aligned(void **state)
{
    struct cairn_mem_chunk c = cairn_mem_chunks(0x400, 0, 0x400, 20);

    assert_true(cairn_mem_chunk_next(&c));
    assert_int_equal(c.order, 10);
    assert_false(cairn_mem_chunk_next(&c));
}

static void test_skewed(void **state)
{
    /* a is 2^3 aligned, b 2^1: pieces of two pages */
    struct cairn_mem_chunk c = cairn_mem_chunks(8, 2, 4, 20);

    assert_true(cairn_mem_chunk_next(&c));
    assert_int_equal(c.order, 1);
    assert_true(cairn_mem_chunk_next(&c));
    assert_int_equal(c.a, 10);
    assert_int_equal(c.b, 4);
    assert_int_equal(c.order, 1);
    assert_false(cairn_mem_chunk_next(&c));
}

static void test_max_order(void **state)
{
    struct cairn_mem_chunk c = cairn_mem_chunks(0, 0, 3ull << 20, 20);

    for (int i = 0; i < 3; i++) {
        assert_true(cairn_mem_chunk_next(&c));
        assert_int_equal(c.order, 20);
    }
    assert_false(cairn_mem_chunk_next(&c));
    check(0, 0, 1ull << 40, 63);
}

static void test_random(void **state)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull;

    for (int i = 0; i < 2000; i++) {
        uint64_t a = host_rand(&seed) >> (host_rand(&seed) % 64);
        uint64_t b = i & 1 ? a : host_rand(&seed) >> (host_rand(&seed) % 64);
        check(a, b, host_rand(&seed) % 5000, i % 3 ? 20 : 63);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),     cmocka_unit_test(test_aligned),
        cmocka_unit_test(test_skewed),    cmocka_unit_test(test_max_order),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests_name("mem_chunk", tests, 0, 0);
}
