/* Host tests of the mapping database (mdb): delegation tree and space lists. */
// SOURCES: kernel/obj/mdb.c
#include "host.h"

#include <pthread.h>

#include "mdb.h"

/* ---- delegation tree -------------------------------------------------- */

/* The children of p, first to last, into out[]; returns how many. */
static size_t children(const struct mdb *p, struct mdb **out, size_t max)
{
    size_t n = 0;
    for (struct mdb *c = p->child; c; c = c->sibling) {
        assert_true(n < max);
        assert_ptr_equal(c->parent, p);
        out[n++] = c;
    }
    return n;
}

static void test_link_root_clears_links(void **state)
{
    struct mdb stale, m;
    memset(&m, 0xa5, sizeof m); /* whatever a reused node held before */
    m.child = m.sibling = m.parent = &stale;
    mdb_link(NULL, &m);
    assert_null(m.parent);
    assert_null(m.child);
    assert_null(m.sibling);
}

static void test_link_children(void **state)
{
    struct mdb p = { 0 }, a, b, c, *kids[4];
    memset(&a, 0xa5, sizeof a);
    memset(&b, 0xa5, sizeof b);
    memset(&c, 0xa5, sizeof c);
    mdb_link(NULL, &p);
    mdb_link(&p, &a);
    assert_int_equal(children(&p, kids, 4), 1);
    assert_ptr_equal(kids[0], &a);
    assert_null(a.child);
    mdb_link(&p, &b);
    mdb_link(&p, &c);
    /* New children go first. */
    assert_int_equal(children(&p, kids, 4), 3);
    assert_ptr_equal(kids[0], &c);
    assert_ptr_equal(kids[1], &b);
    assert_ptr_equal(kids[2], &a);
    assert_null(p.parent);
    assert_null(p.sibling);
}

/* p with children, first to last, c2 c1 c0; unlink one of them. */
static void check_unlink(int which)
{
    struct mdb p = { 0 }, c[3], *kids[4];
    mdb_link(NULL, &p);
    for (int i = 0; i < 3; i++)
        mdb_link(&p, &c[i]);
    struct mdb *gone = &c[2 - which]; /* which: 0 first, 1 middle, 2 last */
    mdb_unlink(gone);
    assert_null(gone->parent);
    assert_null(gone->sibling);
    assert_int_equal(children(&p, kids, 4), 2);
    size_t k = 0;
    for (int i = 2; i >= 0; i--)
        if (&c[i] != gone)
            assert_ptr_equal(kids[k++], &c[i]);
    /* The rest can go too, leaving p childless. */
    mdb_unlink(kids[1]);
    mdb_unlink(kids[0]);
    assert_null(p.child);
}

static void test_unlink_first(void **state) { check_unlink(0); }
static void test_unlink_middle(void **state) { check_unlink(1); }
static void test_unlink_last(void **state) { check_unlink(2); }

static void test_unlink_only_and_root(void **state)
{
    struct mdb p = { 0 }, c;
    mdb_link(NULL, &p);
    mdb_link(&p, &c);
    mdb_unlink(&c);
    assert_null(p.child);
    assert_null(c.parent);
    mdb_unlink(&p); /* a root: nothing to detach from */
    assert_null(p.parent);
    assert_null(p.sibling);
    mdb_link(&p, &c); /* an unlinked node can be linked again */
    assert_ptr_equal(p.child, &c);
    assert_ptr_equal(c.parent, &p);
}

/* Released nodes, in release order (nodes are indices into `nodes`). */
static struct mdb *nodes;
static size_t *rel_order; /* rel_order[k]: index of the k-th release */
static size_t *rel_pos;   /* rel_pos[i]: when i was released, or SIZE_MAX */
static size_t nrel;
static bool rel_bad;      /* a release saw a node still attached */

static void record_release(struct mdb *m)
{
    size_t i = (size_t)(m - nodes);
    if (m->parent || m->sibling || m->child || rel_pos[i] != SIZE_MAX)
        rel_bad = true;
    rel_pos[i] = nrel;
    rel_order[nrel++] = i;
    memset(m, 0xdd, sizeof *m); /* release may reuse the node at once */
}

static void records_init(size_t n)
{
    nodes = calloc(n, sizeof *nodes);
    rel_order = calloc(n, sizeof *rel_order);
    rel_pos = malloc(n * sizeof *rel_pos);
    assert_non_null(nodes);
    assert_non_null(rel_order);
    assert_non_null(rel_pos);
    for (size_t i = 0; i < n; i++)
        rel_pos[i] = SIZE_MAX;
    nrel = 0;
    rel_bad = false;
}

static void records_free(void)
{
    free(nodes);
    free(rel_order);
    free(rel_pos);
    nodes = NULL;
}

static void test_destroy_childless(void **state)
{
    records_init(2);
    mdb_link(NULL, &nodes[0]);
    mdb_link(&nodes[0], &nodes[1]);
    mdb_destroy_children(&nodes[1], record_release); /* a leaf: nothing */
    assert_int_equal(nrel, 0);
    assert_ptr_equal(nodes[0].child, &nodes[1]);
    assert_ptr_equal(nodes[1].parent, &nodes[0]);
    records_free();
}

/* A chain 0 <- 1 <- ... <- n-1, destroyed on a small stack: recursion
 * over the depth would overflow it. */
enum { CHAIN = 100000 };

static void *destroy_chain(void *arg)
{
    mdb_destroy_children(&nodes[0], record_release);
    return NULL;
}

static void test_destroy_deep_chain(void **state)
{
    records_init(CHAIN);
    mdb_link(NULL, &nodes[0]);
    for (size_t i = 1; i < CHAIN; i++)
        mdb_link(&nodes[i - 1], &nodes[i]);

    pthread_attr_t attr;
    pthread_t t;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
    assert_int_equal(pthread_create(&t, &attr, destroy_chain, NULL), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    pthread_attr_destroy(&attr);

    assert_false(rel_bad);
    assert_int_equal(nrel, CHAIN - 1);
    for (size_t k = 0; k < CHAIN - 1; k++) /* deepest first */
        assert_int_equal(rel_order[k], CHAIN - 1 - k);
    assert_null(nodes[0].child);
    assert_null(nodes[0].parent);
    records_free();
}

/*
 * A random tree below a root, plus a fan-out node with many leaves.
 * Destroy the subtree of `top` (not the root: it has a parent and
 * siblings that must stay): every descendant is released exactly once,
 * after all of its own descendants; nothing else is released or touched.
 */
static void test_destroy_wide_tree(void **state)
{
    enum { N = 5000, FAN = 1000 };
    size_t *par = malloc(N * sizeof *par);
    bool *below = calloc(N, sizeof *below); /* in top's subtree, top excluded */
    assert_non_null(par);
    assert_non_null(below);
    uint64_t seed = 0x5eed;
    records_init(N);

    /* 0 root; 1 top; 2 a sibling of top; 3 fan-out node below top. */
    par[0] = SIZE_MAX;
    mdb_link(NULL, &nodes[0]);
    par[1] = par[2] = 0;
    mdb_link(&nodes[0], &nodes[1]);
    mdb_link(&nodes[0], &nodes[2]);
    par[3] = 1;
    mdb_link(&nodes[1], &nodes[3]);
    for (size_t i = 4; i < N; i++) {
        par[i] = i < 4 + FAN ? 3 : host_rand(&seed) % i;
        mdb_link(&nodes[par[i]], &nodes[i]);
    }
    for (size_t i = 2; i < N; i++) {
        size_t a = i;
        while (a != SIZE_MAX && a != 1)
            a = par[a];
        below[i] = a == 1;
    }
    for (size_t i = 0; i < N; i++) /* to tell later what was touched */
        nodes[i].base = i;

    mdb_destroy_children(&nodes[1], record_release);

    assert_false(rel_bad);
    size_t want = 0;
    for (size_t i = 0; i < N; i++) {
        want += below[i];
        if (!below[i]) {
            assert_int_equal(rel_pos[i], SIZE_MAX);
            continue;
        }
        assert_true(rel_pos[i] != SIZE_MAX);
        /* Parents after children: our parent (if also released) is later. */
        if (below[par[i]])
            assert_true(rel_pos[par[i]] > rel_pos[i]);
    }
    assert_int_equal(nrel, want);
    assert_true(want > FAN);

    /* top kept, childless, still in place; the rest of the tree intact. */
    assert_null(nodes[1].child);
    assert_ptr_equal(nodes[1].parent, &nodes[0]);
    assert_int_equal(nodes[1].base, 1);
    struct mdb *kids[8];
    size_t nk = children(&nodes[0], kids, 8);
    size_t seen1 = 0, seen2 = 0;
    for (size_t k = 0; k < nk; k++) {
        seen1 += kids[k] == &nodes[1];
        seen2 += kids[k] == &nodes[2];
    }
    assert_int_equal(seen1, 1);
    assert_int_equal(seen2, 1);
    for (size_t i = 2; i < N; i++)
        if (!below[i] && i != 0) {
            assert_int_equal(nodes[i].base, i);
            assert_ptr_equal(nodes[i].parent, &nodes[par[i]]);
        }
    free(par);
    free(below);
    records_free();
}

/* release may free the node: nothing reads it afterwards (ASan checks). */
static void free_release(struct mdb *m)
{
    free(m);
}

static void test_destroy_release_frees(void **state)
{
    enum { N = 3000 };
    uint64_t seed = 7;
    struct mdb top = { 0 }, **all = calloc(N, sizeof *all);
    assert_non_null(all);
    mdb_link(NULL, &top);
    for (size_t i = 0; i < N; i++) {
        all[i] = calloc(1, sizeof **all);
        assert_non_null(all[i]);
        size_t p = host_rand(&seed) % (i + 1); /* p == i: below top */
        mdb_link(p == i ? &top : all[p], all[i]);
    }
    mdb_destroy_children(&top, free_release);
    assert_null(top.child);
    free(all);
}

/* ---- sorted space lists ----------------------------------------------- */

static struct mdb *range(struct mdb *m, uint64_t base, unsigned order)
{
    memset(m, 0, sizeof *m);
    m->base = base;
    m->order = (uint8_t)order;
    m->next = (struct mdb *)(uintptr_t)0xdead; /* insert must overwrite */
    return m;
}

static size_t list_len(const struct mdb *l)
{
    size_t n = 0;
    for (; l; l = l->next)
        n++;
    return n;
}

static void assert_sorted(const struct mdb *l)
{
    for (; l && l->next; l = l->next)
        assert_true(l->base <= l->next->base);
}

/* A list of [0x10,0x20) [0x20,0x24) [0x30,0x31) [0x100,0x200). */
static struct mdb L[4];
static struct mdb *build_list(void)
{
    struct mdb *list = NULL;
    /* Inserted out of order. */
    mdb_insert(&list, range(&L[2], 0x30, 0));
    mdb_insert(&list, range(&L[0], 0x10, 4));
    mdb_insert(&list, range(&L[3], 0x100, 8));
    mdb_insert(&list, range(&L[1], 0x20, 2));
    return list;
}

static void test_insert_sorted(void **state)
{
    struct mdb *list = build_list();
    assert_int_equal(list_len(list), 4);
    struct mdb *m = list;
    for (int i = 0; i < 4; i++, m = m->next)
        assert_ptr_equal(m, &L[i]);
    assert_null(m);

    /* Many random bases, duplicates included. */
    enum { N = 500 };
    static struct mdb r[N];
    uint64_t seed = 99;
    list = NULL;
    for (int i = 0; i < N; i++) {
        mdb_insert(&list, range(&r[i], host_rand(&seed) % 300, 0));
        assert_sorted(list);
    }
    assert_int_equal(list_len(list), N);
}

static void test_find(void **state)
{
    struct mdb *list = build_list();
    assert_null(mdb_find(NULL, 0));
    assert_null(mdb_find(NULL, 0x10));

    assert_null(mdb_find(list, 0));      /* before the first */
    assert_null(mdb_find(list, 0xf));
    assert_ptr_equal(mdb_find(list, 0x10), &L[0]);  /* at base */
    assert_ptr_equal(mdb_find(list, 0x17), &L[0]);  /* inside */
    assert_ptr_equal(mdb_find(list, 0x1f), &L[0]);  /* last unit */
    assert_ptr_equal(mdb_find(list, 0x20), &L[1]);  /* end is exclusive: next one */
    assert_ptr_equal(mdb_find(list, 0x23), &L[1]);
    assert_null(mdb_find(list, 0x24));              /* at end, gap after */
    assert_null(mdb_find(list, 0x2f));              /* between nodes */
    assert_ptr_equal(mdb_find(list, 0x30), &L[2]);  /* order 0: one unit */
    assert_null(mdb_find(list, 0x31));
    assert_null(mdb_find(list, 0xff));
    assert_ptr_equal(mdb_find(list, 0x100), &L[3]);
    assert_ptr_equal(mdb_find(list, 0x1ff), &L[3]);
    assert_null(mdb_find(list, 0x200));             /* after the last */
    assert_null(mdb_find(list, UINT64_MAX));
}

static void test_overlaps(void **state)
{
    struct mdb *list = build_list();
    assert_false(mdb_overlaps(NULL, 0, UINT64_MAX));

    /* Adjacent, not overlapping. */
    assert_false(mdb_overlaps(list, 0, 0x10));      /* ends at first base */
    assert_false(mdb_overlaps(list, 0x24, 0x30));   /* fills a gap exactly */
    assert_false(mdb_overlaps(list, 0x31, 0x100));
    assert_false(mdb_overlaps(list, 0x200, 0x300)); /* starts at last end */
    assert_false(mdb_overlaps(list, 0x25, 0x26));   /* inside a gap */

    /* Overlapping by one unit at either side. */
    assert_true(mdb_overlaps(list, 0, 0x11));
    assert_true(mdb_overlaps(list, 0x1f, 0x20));
    assert_true(mdb_overlaps(list, 0x23, 0x30));
    assert_true(mdb_overlaps(list, 0x24, 0x31));
    assert_true(mdb_overlaps(list, 0x1ff, 0x1000));
    /* Inside one, equal to one, covering several, spanning everything. */
    assert_true(mdb_overlaps(list, 0x120, 0x121));
    assert_true(mdb_overlaps(list, 0x30, 0x31));
    assert_true(mdb_overlaps(list, 0x10, 0x20));
    assert_true(mdb_overlaps(list, 0x18, 0x38));
    assert_true(mdb_overlaps(list, 0, UINT64_MAX));
}

static void test_remove(void **state)
{
    struct mdb *list = build_list();
    mdb_remove(&list, &L[1]); /* middle */
    assert_null(L[1].next);
    assert_int_equal(list_len(list), 3);
    assert_ptr_equal(list, &L[0]);
    assert_ptr_equal(L[0].next, &L[2]);
    assert_null(mdb_find(list, 0x20));
    assert_false(mdb_overlaps(list, 0x20, 0x24));

    mdb_remove(&list, &L[0]); /* first */
    assert_ptr_equal(list, &L[2]);
    assert_null(L[0].next);
    mdb_remove(&list, &L[3]); /* last */
    assert_ptr_equal(list, &L[2]);
    assert_null(L[2].next);
    mdb_remove(&list, &L[2]); /* only */
    assert_null(list);

    /* Removed nodes can be inserted again. */
    mdb_insert(&list, &L[3]);
    mdb_insert(&list, &L[0]);
    assert_ptr_equal(list, &L[0]);
    assert_ptr_equal(L[0].next, &L[3]);
    assert_null(L[3].next);
}

static void test_remove_absent_harmless(void **state)
{
    struct mdb *list = build_list(), *empty = NULL, x, y;
    range(&x, 0x20, 2); /* same range as L[1], but not on the list */
    mdb_remove(&list, &x);
    assert_int_equal(list_len(list), 4);
    struct mdb *m = list;
    for (int i = 0; i < 4; i++, m = m->next)
        assert_ptr_equal(m, &L[i]);
    assert_ptr_equal(mdb_find(list, 0x20), &L[1]);

    mdb_remove(&empty, &y);
    assert_null(empty);

    /* Removing twice is harmless too. */
    mdb_remove(&list, &L[3]);
    mdb_remove(&list, &L[3]);
    assert_int_equal(list_len(list), 3);
    assert_null(L[2].next);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_root_clears_links),
        cmocka_unit_test(test_link_children),
        cmocka_unit_test(test_unlink_first),
        cmocka_unit_test(test_unlink_middle),
        cmocka_unit_test(test_unlink_last),
        cmocka_unit_test(test_unlink_only_and_root),
        cmocka_unit_test(test_destroy_childless),
        cmocka_unit_test(test_destroy_deep_chain),
        cmocka_unit_test(test_destroy_wide_tree),
        cmocka_unit_test(test_destroy_release_frees),
        cmocka_unit_test(test_insert_sorted),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_overlaps),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_remove_absent_harmless),
    };
    return cmocka_run_group_tests_name("mdb", tests, NULL, NULL);
}
