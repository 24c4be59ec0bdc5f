/* Host tests of the slab allocator (slab). */
// SOURCES: kernel/core/slab.c kernel/core/palloc.c
#include "host.h"

#include "palloc.h"
#include "slab.h"

#define PG    PALLOC_PAGE_SIZE
#define ARENA (PG << PALLOC_MAX_ORDER) /* 4 MiB */

static uint8_t *arena;

/* Each test gets a fresh palloc over a 4 MiB arena (1 map page + 1023 free). */
static int setup(void **state)
{
    palloc_reset();
    arena = aligned_alloc(ARENA, ARENA);
    if (!arena)
        return -1;
    palloc_add(arena, ARENA);
    return 0;
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

static void test_size_rounding(void **state)
{
    struct slab_cache c;
    slab_init(&c, 1, "tiny");
    assert_int_equal(c.size, 16);
    assert_int_equal(c.order, 0);
    slab_init(&c, 40, "forty");
    assert_int_equal(c.size, 48);
    slab_init(&c, 2048, "half page");
    assert_int_equal(c.order, 0);
    slab_init(&c, 2049, "over half");
    assert_int_equal(c.size, 2064);
    assert_int_equal(c.order, 1);
    assert_int_equal(slab_in_use(&c), 0);
    assert_int_equal(palloc_free_pages(), ARENA / PG - 1); /* init takes nothing */
}

/* Many objects: 16-byte aligned, inside the arena, pairwise disjoint. */
static void check_many(size_t size, unsigned n)
{
    struct slab_cache c;
    uint8_t **objs = calloc(n, sizeof *objs);
    slab_init(&c, size, "many");
    for (unsigned i = 0; i < n; i++) {
        objs[i] = slab_alloc(&c);
        assert_non_null(objs[i]);
        assert_int_equal((uintptr_t)objs[i] % SLAB_ALIGN, 0);
        assert_true(objs[i] >= arena && objs[i] + size <= arena + ARENA);
        assert_true(all_bytes(objs[i], size, 0));
        memset(objs[i], (uint8_t)(i + 1), size);
    }
    assert_int_equal(slab_in_use(&c), n);
    for (unsigned i = 0; i < n; i++) /* a neighbour's memset would show */
        assert_true(all_bytes(objs[i], size, (uint8_t)(i + 1)));
    for (unsigned i = 0; i < n; i++)
        slab_free(&c, objs[i]);
    assert_int_equal(slab_in_use(&c), 0);
    free(objs);
}

static void test_many_objects_distinct(void **state)
{
    check_many(24, 1000);
}

static void test_large_objects_distinct(void **state)
{
    check_many(3000, 100); /* order-1 slabs */
}

static void test_reuse_after_free(void **state)
{
    struct slab_cache c;
    slab_init(&c, 64, "reuse");
    void *a = slab_alloc(&c), *b = slab_alloc(&c);
    assert_ptr_not_equal(a, b);
    slab_free(&c, a);
    assert_int_equal(slab_in_use(&c), 1);
    assert_ptr_equal(slab_alloc(&c), a);
    slab_free(&c, NULL); /* ignored */
    assert_int_equal(slab_in_use(&c), 2);
    size_t pages = palloc_free_pages();
    for (int i = 0; i < 1000; i++) { /* churn stays in the one slab */
        void *p = slab_alloc(&c);
        slab_free(&c, p);
    }
    assert_int_equal(palloc_free_pages(), pages);
}

static void test_zeroed(void **state)
{
    struct slab_cache c;
    slab_init(&c, 100, "zeroed");
    uint8_t *p = slab_alloc(&c);
    memset(p, 0xff, c.size);
    slab_free(&c, p);
    uint8_t *q = slab_alloc(&c);
    assert_ptr_equal(p, q);
    assert_true(all_bytes(q, c.size, 0));
}

static void test_growth_across_pages(void **state)
{
    struct slab_cache c;
    slab_init(&c, 256, "grow"); /* 16 per page */
    size_t pages = palloc_free_pages();
    for (int i = 0; i < 16; i++)
        assert_non_null(slab_alloc(&c));
    assert_int_equal(palloc_free_pages(), pages - 1);
    assert_non_null(slab_alloc(&c));
    assert_int_equal(palloc_free_pages(), pages - 2);
    assert_int_equal(c.nslabs, 2);
    assert_int_equal(slab_in_use(&c), 17);
}

static void test_out_of_memory(void **state)
{
    struct slab_cache c;
    slab_init(&c, 1024, "oom"); /* 4 per page */
    size_t pages = palloc_free_pages(), n = 0;
    while (slab_alloc(&c))
        n++;
    assert_int_equal(n, 4 * pages);
    assert_int_equal(palloc_free_pages(), 0);
    assert_null(slab_alloc(&c));
    assert_int_equal(slab_in_use(&c), n);

    /* A freed object is handed out again even with palloc empty. */
    uint8_t *p = arena + ARENA - 1024; /* an object in use: the arena's last */
    slab_free(&c, p);
    assert_ptr_equal(slab_alloc(&c), p);
}

static void test_too_big_returns_null(void **state)
{
    struct slab_cache c;
    slab_init(&c, (PG << PALLOC_MAX_ORDER) + 1, "huge");
    assert_null(slab_alloc(&c));
    slab_init(&c, SIZE_MAX, "huger");
    assert_null(slab_alloc(&c));
    assert_int_equal(palloc_free_pages(), ARENA / PG - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_size_rounding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_objects_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_objects_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reuse_after_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zeroed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth_across_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_big_returns_null, setup, teardown),
    };
    return cmocka_run_group_tests_name("slab", tests, NULL, NULL);
}
