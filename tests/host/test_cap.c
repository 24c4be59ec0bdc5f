/* Host tests of the capability space (cap). */
// SOURCES: kernel/obj/cap.c kernel/core/palloc.c
#include "host.h"

#include <cairn/abi.h>

#include "cap.h"
#include "kobj.h"
#include "palloc.h"

#define PG    PALLOC_PAGE_SIZE
#define ARENA (PG << PALLOC_MAX_ORDER) /* 4 MiB */

static uint8_t *arena;

/* A fresh palloc with an arena that is not donated yet. */
static int setup_empty(void **state)
{
    palloc_reset();
    arena = aligned_alloc(ARENA, ARENA);
    return arena ? 0 : -1;
}

/* A fresh palloc over the whole 4 MiB arena (1 map page + 1023 free). */
static int setup(void **state)
{
    if (setup_empty(state))
        return -1;
    palloc_add(arena, ARENA);
    return 0;
}

static int teardown(void **state)
{
    free(arena);
    return 0;
}

static bool all_bytes(const void *p, size_t n, uint8_t v)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != v)
            return false;
    return true;
}

static bool in_arena(const void *p, size_t n)
{
    const uint8_t *b = p;
    return b >= arena && b + n <= arena + ARENA;
}

/* ---- cap_space_init ---------------------------------------------------- */

static void test_init_bad_order(void **state)
{
    struct cap_space cs = { 0 };
    size_t before = palloc_free_pages();
    assert_int_equal(cap_space_init(&cs, 0), CAIRN_EPAR);
    assert_int_equal(cap_space_init(&cs, CAIRN_CAP_ORDER_MAX + 1), CAIRN_EPAR);
    assert_int_equal(cap_space_init(&cs, 64), CAIRN_EPAR);
    assert_int_equal(cap_space_init(&cs, ~0u), CAIRN_EPAR);
    assert_int_equal(palloc_free_pages(), before); /* nothing allocated */
}

static void test_init_good_orders(void **state)
{
    for (unsigned order = 1; order <= CAIRN_CAP_ORDER_MAX; order++) {
        struct cap_space cs = { 0 };
        size_t before = palloc_free_pages();
        assert_int_equal(cap_space_init(&cs, order), CAIRN_OK);
        assert_int_equal(cs.order, order);
        assert_non_null(cs.leaf);
        /* The top table holds a pointer per leaf, all NULL to begin with. */
        size_t used = before - palloc_free_pages();
        uint64_t nleaf = ((1ull << order) + CAP_LEAF_SLOTS - 1) / CAP_LEAF_SLOTS;
        assert_true(used >= 1);
        assert_true(nleaf * sizeof(struct mdb *) <= used * PG);
        assert_true(in_arena(cs.leaf, used * PG));
        assert_true(all_bytes(cs.leaf, nleaf * sizeof(struct mdb *), 0));
    }
}

static void test_init_out_of_memory(void **state)
{
    struct cap_space cs = { 0 };
    /* Nothing donated at all. */
    assert_int_equal(cap_space_init(&cs, 1), CAIRN_ENOMEM);
    assert_int_equal(cap_space_init(&cs, CAIRN_CAP_ORDER_MAX), CAIRN_ENOMEM);
    /* A bad order is EPAR even without memory. */
    assert_int_equal(cap_space_init(&cs, 0), CAIRN_EPAR);

    /* 8 pages: map + 7 free, in blocks of 1, 2 and 4 pages. The largest
     * space's top table (2^17 / 64 pointers = 16 KiB) does not fit. */
    palloc_add(arena, 8 * PG);
    assert_int_equal(palloc_free_pages(), 7);
    assert_int_equal(cap_space_init(&cs, CAIRN_CAP_ORDER_MAX), CAIRN_ENOMEM);
    assert_int_equal(palloc_free_pages(), 7);
    /* Small ones do, until the pages run out. */
    int ok = 0;
    while (cap_space_init(&cs, 6) == CAIRN_OK)
        ok++;
    assert_int_equal(ok, 7);
    assert_int_equal(cap_space_init(&cs, 6), CAIRN_ENOMEM);
}

/* ---- cap_slot ------------------------------------------------------------ */

static void test_slot_out_of_range(void **state)
{
    struct cap_space cs;
    assert_int_equal(cap_space_init(&cs, 10), CAIRN_OK);
    size_t before = palloc_free_pages();
    assert_null(cap_slot(&cs, 1u << 10, 1));
    assert_null(cap_slot(&cs, (1u << 10) + 63, 1));
    assert_null(cap_slot(&cs, 1ull << 32, 1));
    assert_null(cap_slot(&cs, 1ull << 63, 1));
    assert_null(cap_slot(&cs, UINT64_MAX, 1));
    assert_null(cap_slot(&cs, UINT64_MAX, 0));
    assert_int_equal(palloc_free_pages(), before); /* no leaf made */
    assert_non_null(cap_slot(&cs, (1u << 10) - 1, 1));

    /* Order 1: selectors 0 and 1 only, though the leaf has 64 slots. */
    assert_int_equal(cap_space_init(&cs, 1), CAIRN_OK);
    assert_non_null(cap_slot(&cs, 0, 1));
    assert_non_null(cap_slot(&cs, 1, 1));
    assert_null(cap_slot(&cs, 2, 1));
    assert_null(cap_slot(&cs, 63, 1));
    assert_null(cap_slot(&cs, 64, 1));
}

static void test_slot_missing_leaf(void **state)
{
    struct cap_space cs;
    assert_int_equal(cap_space_init(&cs, 12), CAIRN_OK);
    size_t before = palloc_free_pages();
    for (uint64_t sel = 0; sel < (1u << 12); sel += 37)
        assert_null(cap_slot(&cs, sel, 0));
    assert_int_equal(palloc_free_pages(), before); /* alloc=0 never allocates */

    /* Once a leaf exists, its other selectors are there without alloc;
     * neighbouring leaves are still missing. */
    assert_non_null(cap_slot(&cs, 130, 1));
    assert_int_equal(palloc_free_pages(), before - 1);
    assert_non_null(cap_slot(&cs, 128, 0));
    assert_non_null(cap_slot(&cs, 191, 0));
    assert_null(cap_slot(&cs, 127, 0));
    assert_null(cap_slot(&cs, 192, 0));
}

static void test_slot_leaf_zeroed(void **state)
{
    struct cap_space cs;
    assert_int_equal(cap_space_init(&cs, 8), CAIRN_OK);
    /* Leave a dirty page on the free list first, for the leaf to reuse. */
    void *dirty = palloc_alloc(0);
    memset(dirty, 0xa5, PG);
    palloc_free(dirty, 0);

    struct mdb *s = cap_slot(&cs, 70, 1);
    assert_non_null(s);
    struct mdb *leaf = s - (70 % CAP_LEAF_SLOTS);
    assert_true(in_arena(leaf, CAP_LEAF_SLOTS * sizeof *leaf));
    assert_int_equal((uintptr_t)leaf % PG, 0);
    assert_true(all_bytes(leaf, CAP_LEAF_SLOTS * sizeof *leaf, 0));
    for (unsigned i = 0; i < CAP_LEAF_SLOTS; i++) {
        assert_null(leaf[i].obj);
        assert_null(leaf[i].parent);
        assert_null(leaf[i].child);
        assert_int_equal(leaf[i].rights, 0);
    }
}

static void test_slot_identity(void **state)
{
    struct cap_space cs;
    assert_int_equal(cap_space_init(&cs, 10), CAIRN_OK);
    enum { N = 1u << 10 };
    static struct mdb *slot[N];
    for (uint64_t sel = 0; sel < N; sel++) {
        slot[sel] = cap_slot(&cs, sel, 1);
        assert_non_null(slot[sel]);
        assert_true(in_arena(slot[sel], sizeof *slot[sel]));
        slot[sel]->base = sel; /* tag each slot with its selector */
    }
    assert_int_equal(cs.order, 10);
    for (uint64_t sel = 0; sel < N; sel++) {
        /* Same selector, same slot, with or without alloc. */
        assert_ptr_equal(cap_slot(&cs, sel, 0), slot[sel]);
        assert_ptr_equal(cap_slot(&cs, sel, 1), slot[sel]);
        /* Every tag survived, so no two selectors share (part of) a slot. */
        assert_int_equal(slot[sel]->base, sel);
        if (sel % CAP_LEAF_SLOTS)
            assert_ptr_equal(slot[sel], slot[sel - 1] + 1);
    }
    /* Distinct leaves for distinct groups of 64. */
    for (uint64_t a = 0; a < N; a += CAP_LEAF_SLOTS)
        for (uint64_t b = a + CAP_LEAF_SLOTS; b < N; b += CAP_LEAF_SLOTS)
            assert_true(slot[a] + CAP_LEAF_SLOTS <= slot[b] ||
                        slot[b] + CAP_LEAF_SLOTS <= slot[a]);
}

static void test_two_spaces_independent(void **state)
{
    struct cap_space a, b;
    assert_int_equal(cap_space_init(&a, 8), CAIRN_OK);
    assert_int_equal(cap_space_init(&b, 8), CAIRN_OK);
    struct mdb *sa = cap_slot(&a, 5, 1), *sb = cap_slot(&b, 5, 1);
    assert_non_null(sa);
    assert_non_null(sb);
    assert_ptr_not_equal(sa, sb);
    assert_null(cap_slot(&b, 200, 0));
    assert_non_null(cap_slot(&a, 200, 1));
    assert_null(cap_slot(&b, 200, 0));
}

static void test_slot_leaf_out_of_memory(void **state)
{
    struct cap_space cs;
    palloc_add(arena, 2 * PG); /* map + 1 page: just the top table */
    assert_int_equal(cap_space_init(&cs, 8), CAIRN_OK);
    assert_int_equal(palloc_free_pages(), 0);
    assert_null(cap_slot(&cs, 3, 1));
    assert_null(cap_slot(&cs, 3, 0)); /* no half-made leaf left behind */
    assert_null(cap_slot(&cs, 3, 1));

    /* With memory again, the same selector works. */
    palloc_add(arena + 4 * PG, 4 * PG);
    struct mdb *s = cap_slot(&cs, 3, 1);
    assert_non_null(s);
    assert_ptr_equal(cap_slot(&cs, 3, 0), s);
}

static void test_largest_order(void **state)
{
    struct cap_space cs;
    const uint64_t n = 1ull << CAIRN_CAP_ORDER_MAX, last = n - 1;
    size_t before = palloc_free_pages();
    assert_int_equal(cap_space_init(&cs, CAIRN_CAP_ORDER_MAX), CAIRN_OK);
    size_t top_pages = before - palloc_free_pages();
    /* The last leaf's pointer lies inside the top table. */
    assert_true((uint8_t *)&cs.leaf[last / CAP_LEAF_SLOTS] + sizeof(void *) <=
                (uint8_t *)cs.leaf + top_pages * PG);

    assert_null(cap_slot(&cs, last, 0));
    struct mdb *s = cap_slot(&cs, last, 1);
    assert_non_null(s);
    assert_true(in_arena(s, sizeof *s));
    assert_ptr_equal(cap_slot(&cs, last, 0), s);
    assert_null(cap_slot(&cs, n, 1));
    struct mdb *first = cap_slot(&cs, 0, 1);
    assert_non_null(first);
    assert_ptr_not_equal(first, s);

    struct kobj o = { .type = KOBJ_SM };
    s->obj = &o;
    s->rights = 0x1f;
    int st = CAIRN_OK;
    assert_ptr_equal(cap_get(&cs, last, KOBJ_SM, 0x1f, &st), &o);
    assert_null(cap_get(&cs, n, KOBJ_SM, 0, &st));
    assert_int_equal(st, CAIRN_ECAP);
}

/* ---- cap_get ------------------------------------------------------------- */

static void test_get(void **state)
{
    struct cap_space cs;
    struct kobj pt = { .type = KOBJ_PT }, ec = { .type = KOBJ_EC };
    int st;
    assert_int_equal(cap_space_init(&cs, 9), CAIRN_OK);

    struct mdb *s = cap_slot(&cs, 100, 1);
    s->obj = &pt;
    s->rights = 0x05;
    struct mdb *t = cap_slot(&cs, 101, 1);
    t->obj = &ec;
    t->rights = 0x1f;
    size_t before = palloc_free_pages();

    /* Empty slot in an existing leaf; slot in a missing leaf; out of range. */
    st = CAIRN_OK;
    assert_null(cap_get(&cs, 102, KOBJ_PT, 0, &st));
    assert_int_equal(st, CAIRN_ECAP);
    st = CAIRN_OK;
    assert_null(cap_get(&cs, 0, KOBJ_PT, 0, &st));
    assert_int_equal(st, CAIRN_ECAP);
    st = CAIRN_OK;
    assert_null(cap_get(&cs, 1u << 9, KOBJ_PT, 0, &st));
    assert_int_equal(st, CAIRN_ECAP);
    st = CAIRN_OK;
    assert_null(cap_get(&cs, UINT64_MAX, KOBJ_PT, 0, &st));
    assert_int_equal(st, CAIRN_ECAP);
    assert_int_equal(palloc_free_pages(), before); /* cap_get never allocates */

    /* Wrong type, even with the rights (or without them: type comes first). */
    st = CAIRN_OK;
    assert_null(cap_get(&cs, 100, KOBJ_EC, 0, &st));
    assert_int_equal(st, CAIRN_ETYPE);
    st = CAIRN_OK;
    assert_null(cap_get(&cs, 100, KOBJ_SM, 0x02, &st));
    assert_int_equal(st, CAIRN_ETYPE);
    st = CAIRN_OK;
    assert_null(cap_get(&cs, 101, KOBJ_PT, 0x1f, &st));
    assert_int_equal(st, CAIRN_ETYPE);

    /* Missing rights: any one missing bit is enough. */
    static const unsigned bad[] = { 0x02, 0x03, 0x06, 0x07, 0x08, 0x10, 0x1f };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        st = CAIRN_OK;
        assert_null(cap_get(&cs, 100, KOBJ_PT, bad[i], &st));
        assert_int_equal(st, CAIRN_EPERM);
    }

    /* Right type, rights a subset of the slot's: the object. */
    static const unsigned good[] = { 0x00, 0x01, 0x04, 0x05 };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        st = CAIRN_OK;
        assert_ptr_equal(cap_get(&cs, 100, KOBJ_PT, good[i], &st), &pt);
    }
    for (unsigned r = 0; r <= 0x1f; r++)
        assert_ptr_equal(cap_get(&cs, 101, KOBJ_EC, r, &st), &ec);

    /* Emptying the slot makes it ECAP again. */
    s->obj = NULL;
    st = CAIRN_OK;
    assert_null(cap_get(&cs, 100, KOBJ_PT, 0, &st));
    assert_int_equal(st, CAIRN_ECAP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_bad_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_good_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_out_of_memory, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_slot_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slot_missing_leaf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slot_leaf_zeroed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slot_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_spaces_independent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slot_leaf_out_of_memory, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_largest_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get, setup, teardown),
    };
    return cmocka_run_group_tests_name("cap", tests, NULL, NULL);
}
