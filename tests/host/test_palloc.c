/* Host tests of the page allocator (palloc). */
// SOURCES: kernel/core/palloc.c
#include "host.h"

#include "palloc.h"

#define PG      PALLOC_PAGE_SIZE
#define MAXBLK  (PG << PALLOC_MAX_ORDER) /* 4 MiB */

static uint8_t *arena;

/* Each test gets a fresh allocator and a 16 MiB arena aligned to 4 MiB. */
static int setup(void **state)
{
    palloc_reset();
    arena = aligned_alloc(MAXBLK, 4 * MAXBLK);
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    free(arena);
    return 0;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* Take every order-0 page, then give them all back in a shuffled order. */
static size_t drain_and_refill(uint64_t seed)
{
    size_t n = palloc_free_pages(), got = 0;
    void **pages = calloc(n + 1, sizeof *pages);
    while ((pages[got] = palloc_alloc(0)))
        got++;
    assert_int_equal(got, n);
    assert_int_equal(palloc_free_pages(), 0);
    for (size_t i = got; i > 1; i--) {
        size_t j = host_rand(&seed) % i;
        void *t = pages[i - 1];
        pages[i - 1] = pages[j];
        pages[j] = t;
    }
    for (size_t i = 0; i < got; i++)
        palloc_free(pages[i], 0);
    free(pages);
    return got;
}

static void test_alignment(void **state)
{
    palloc_add(arena, 4 * MAXBLK);
    for (unsigned k = 0; k <= PALLOC_MAX_ORDER; k++) {
        uint8_t *p = palloc_alloc(k);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % (PG << k), 0);
        assert_true(p >= arena && p + (PG << k) <= arena + 4 * MAXBLK);
    }
}

static void test_exhaustion_returns_null(void **state)
{
    palloc_add(arena, 8 * PG); /* 1 map page + 7 free */
    assert_int_equal(palloc_free_pages(), 7);
    assert_null(palloc_alloc(3));
    assert_non_null(palloc_alloc(2));
    assert_null(palloc_alloc(2));
    assert_non_null(palloc_alloc(1));
    assert_non_null(palloc_alloc(0));
    assert_int_equal(palloc_free_pages(), 0);
    for (unsigned k = 0; k <= PALLOC_MAX_ORDER + 1; k++)
        assert_null(palloc_alloc(k));
}

static void test_free_merges_back(void **state)
{
    palloc_add(arena, 4 * MAXBLK);
    size_t before = palloc_free_pages();
    assert_int_equal(before, 4 * (MAXBLK / PG) - 1);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        assert_int_equal(drain_and_refill(seed * 0x9e3779b97f4a7c15u), before);
        assert_int_equal(palloc_free_pages(), before);
    }
    /* Only fully merged: the three 4 MiB blocks after the map's are whole. */
    for (int i = 0; i < 3; i++)
        assert_non_null(palloc_alloc(PALLOC_MAX_ORDER));
    assert_null(palloc_alloc(PALLOC_MAX_ORDER));
    for (unsigned k = 0; k < PALLOC_MAX_ORDER; k++) /* the map's 4 MiB: 1+2+..+512 */
        assert_non_null(palloc_alloc(k));
    assert_int_equal(palloc_free_pages(), 0);
}

static void test_random_no_overlap(void **state)
{
    enum { LIVE = 256, ROUNDS = 8000 };
    struct { uint8_t *p; unsigned k; uint8_t tag; } live[LIVE] = { 0 };
    uint64_t seed = 42;
    palloc_add(arena, 4 * MAXBLK);
    size_t before = palloc_free_pages();

    for (unsigned round = 0; round < ROUNDS; round++) {
        unsigned i = host_rand(&seed) % LIVE;
        if (live[i].p) {
            assert_true(all_bytes(live[i].p, PG << live[i].k, live[i].tag));
            palloc_free(live[i].p, live[i].k);
            live[i].p = NULL;
            continue;
        }
        unsigned k = host_rand(&seed) % 6;
        uint8_t *p = palloc_alloc(k);
        if (!p)
            continue;
        assert_int_equal((uintptr_t)p % (PG << k), 0);
        assert_true(all_bytes(p, PG << k, 0));
        for (unsigned j = 0; j < LIVE; j++) /* disjoint from every live block */
            assert_true(!live[j].p || p + (PG << k) <= live[j].p ||
                        live[j].p + (PG << live[j].k) <= p);
        live[i].p = p;
        live[i].k = k;
        live[i].tag = (uint8_t)(round | 1);
        memset(p, live[i].tag, PG << k);
    }
    for (unsigned i = 0; i < LIVE; i++)
        if (live[i].p) {
            assert_true(all_bytes(live[i].p, PG << live[i].k, live[i].tag));
            palloc_free(live[i].p, live[i].k);
        }
    assert_int_equal(palloc_free_pages(), before);
    for (int i = 0; i < 3; i++)
        assert_non_null(palloc_alloc(PALLOC_MAX_ORDER));
}

static void test_unaligned_region_trimmed(void **state)
{
    /* [arena+100, arena+5 pages+150) holds whole pages 1..4; page 1 is the map. */
    palloc_add(arena + 100, 5 * PG + 50);
    assert_int_equal(palloc_free_pages(), 3);
    for (int i = 0; i < 3; i++) {
        uint8_t *p = palloc_alloc(0);
        assert_true(p >= arena + 2 * PG && p < arena + 5 * PG);
    }
    assert_null(palloc_alloc(0));
}

static void test_tiny_regions_dropped(void **state)
{
    palloc_add(arena, 0);
    palloc_add(arena + 1, PG);      /* no whole page */
    palloc_add(arena + PG, PG);     /* one page: only room for the map */
    palloc_add(arena + 3 * PG - 1, 2 * PG); /* one whole page */
    assert_int_equal(palloc_free_pages(), 0);
    assert_null(palloc_alloc(0));
    palloc_free(arena + 4 * PG, 0); /* not donated: ignored */
    assert_int_equal(palloc_free_pages(), 0);
}

static void test_region_limit(void **state)
{
    for (int i = 0; i < PALLOC_MAX_REGIONS + 4; i++)
        palloc_add(arena + 2 * PG * i, 2 * PG); /* map + 1 page each */
    assert_int_equal(palloc_free_pages(), PALLOC_MAX_REGIONS);
    for (int i = 0; i < PALLOC_MAX_REGIONS; i++) {
        uint8_t *p = palloc_alloc(0);
        assert_true(p < arena + 2 * PG * PALLOC_MAX_REGIONS);
    }
    assert_null(palloc_alloc(0));
}

/* Two adjacent 2 MiB regions: blocks never straddle, never merge across. */
static void check_two_regions(uint8_t *first, uint8_t *second)
{
    uint8_t *mid = arena + MAXBLK / 2;
    palloc_add(first, MAXBLK / 2);
    palloc_add(second, MAXBLK / 2);
    size_t before = palloc_free_pages();
    assert_int_equal(before, 2 * (MAXBLK / 2 / PG - 1));
    drain_and_refill(7);
    assert_int_equal(palloc_free_pages(), before);
    assert_null(palloc_alloc(PALLOC_MAX_ORDER)); /* would span both */
    assert_null(palloc_alloc(PALLOC_MAX_ORDER - 1)); /* would cover a map */
    for (int i = 0; i < 2; i++) {
        uint8_t *p = palloc_alloc(PALLOC_MAX_ORDER - 2);
        assert_non_null(p);
        assert_true(p + (PG << (PALLOC_MAX_ORDER - 2)) <= mid || p >= mid);
    }
    assert_null(palloc_alloc(PALLOC_MAX_ORDER - 2));
}

static void test_regions_do_not_merge(void **state)
{
    check_two_regions(arena, arena + MAXBLK / 2);
}

static void test_regions_do_not_merge_reversed(void **state)
{
    check_two_regions(arena + MAXBLK / 2, arena); /* donated high first */
}

/* The buddy of a region's last page lies outside it and must not be used. */
static void test_no_merge_past_region_end(void **state)
{
    memset(arena, 0, 4 * PG); /* page 3, outside, would read as "free at 0" */
    palloc_add(arena, 3 * PG);
    void *a = palloc_alloc(0), *b = palloc_alloc(0);
    assert_non_null(a);
    assert_non_null(b);
    palloc_free(a, 0);
    palloc_free(b, 0);
    assert_int_equal(palloc_free_pages(), 2);
    assert_null(palloc_alloc(1));
}

static void test_zero_fill(void **state)
{
    palloc_add(arena, 4 * MAXBLK);
    for (unsigned k = 0; k <= PALLOC_MAX_ORDER; k += 5) {
        uint8_t *p = palloc_alloc(k);
        memset(p, 0xa5, PG << k);
        palloc_free(p, k);
        uint8_t *q = palloc_alloc(k);
        assert_ptr_equal(p, q);
        assert_true(all_bytes(q, PG << k, 0));
        palloc_free(q, k);
    }
}

static void test_max_order(void **state)
{
    palloc_add(arena, 2 * MAXBLK); /* map spoils the first 4 MiB only */
    uint8_t *p = palloc_alloc(PALLOC_MAX_ORDER);
    assert_ptr_equal(p, arena + MAXBLK);
    assert_null(palloc_alloc(PALLOC_MAX_ORDER));
    assert_null(palloc_alloc(PALLOC_MAX_ORDER + 1));
    palloc_free(p, PALLOC_MAX_ORDER);
    assert_ptr_equal(palloc_alloc(PALLOC_MAX_ORDER), p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exhaustion_returns_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_merges_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_no_overlap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unaligned_region_trimmed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tiny_regions_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_region_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regions_do_not_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regions_do_not_merge_reversed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_merge_past_region_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_fill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_order, setup, teardown),
    };
    return cmocka_run_group_tests_name("palloc", tests, NULL, NULL);
}
