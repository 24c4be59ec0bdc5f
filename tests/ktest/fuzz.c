/*
 * Test: system calls with garbage. A thread in a child PD holding a few
 * capabilities (its own PD, EC and SC, a semaphore, a portal to a root
 * handler) makes thousands of calls, every number 0..255, with arguments
 * from a deterministic PRNG mixing valid selectors, CRDs, addresses and
 * noise, and sometimes scrambles its UTCB header. The child may kill
 * itself; the kernel and the root must survive and keep working.
 *
 * Runs last: what the garbage creates stays around.
 */
#define KTEST_AREA 7
#include "ktest.h"

#include <cairn/pd.h>

#define FUZZ_ROUNDS  10
#define FUZZ_CALLS   1500
#define FUZZ_ORDER   7 /* 128 selectors: garbage cannot fill much kernel memory */
#define FUZZ_SEL_SM  (KT_CSEL_FREE + 0)
#define FUZZ_SEL_PT  (KT_CSEL_FREE + 1)
#define FUZZ_SEL_EC  (KT_CSEL_FREE + 2)
#define FUZZ_SEL_SC  (KT_CSEL_FREE + 3)

struct fuzz_run {
    uint64_t seed, calls;
    volatile uint64_t done, made;
    volatile uint64_t hist[16]; /* statuses seen; [15]: anything larger */
    uint64_t stack;             /* an address the thread owns */
};

static uint64_t fuzz_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

/* Selectors the child holds (ktest.h, and the FUZZ_SEL_* above). */
static const uint64_t fuzz_sels[] = { KT_CSEL_SELF, KT_SEL_PARK, FUZZ_SEL_SM,
                                      FUZZ_SEL_PT,  FUZZ_SEL_EC, FUZZ_SEL_SC };

/* A CRD naming something the child may hold: a selector, its text, its
 * stack, a port. */
static uint64_t fuzz_crd(uint64_t v, const struct fuzz_run *r)
{
    unsigned order = (v >> 12) % 3, rights = (v >> 16) & 0x1f;

    switch ((v >> 8) & 3) {
    case 0: return CAIRN_CRD(CAIRN_CRD_OBJ, fuzz_sels[(v >> 20) % 6], 0, rights);
    case 1: return CAIRN_CRD(CAIRN_CRD_MEM, ((uintptr_t)__text_start >> 12) + ((v >> 20) & 7),
                             order, rights);
    case 2: return CAIRN_CRD(CAIRN_CRD_MEM, r->stack >> 12, 0, rights);
    default: return CAIRN_CRD((v >> 20) & 3, (v >> 24) & 0x3ff, order, rights);
    }
}

/* An argument: mostly things that get past the first checks. */
static uint64_t fuzz_arg(uint64_t *s, const struct fuzz_run *r)
{
    uint64_t v = fuzz_next(s);

    switch (v & 15) {
    case 0: return 0;
    case 1: case 2: return (v >> 8) % 128; /* any selector of the child */
    case 3: case 4: case 5: return fuzz_sels[(v >> 8) % 6];
    case 6: case 7: return fuzz_crd(v, r);
    case 8: return CAIRN_CRD((v >> 8) & 3, v >> 16, (v >> 10) & 31, v >> 40);
    case 9: return (uintptr_t)__text_start + ((v >> 8) & 0xffff);
    case 10: return r->stack + ((v >> 8) & 0x1fff);
    case 11: return CAIRN_USER_END - ((v >> 8) & 0x1fff);
    case 12: return ~0ull >> ((v >> 8) & 63);
    case 13: return (v >> 8) & 0xff;
    default: return v;
    }
}

/* Half of the calls get arguments shaped like the call's: the right PD,
 * a plausible object, a CRD the child holds, so they reach deeper checks
 * and succeed now and then. */
static void fuzz_shape(uint64_t nr, uint64_t *a, uint64_t *s, const struct fuzz_run *r)
{
    uint64_t v = fuzz_next(s);

    if (v & 1)
        return;
    a[0] = (v >> 8) % 128; /* a destination, or an object to act on */
    a[1] = KT_CSEL_SELF;
    switch (nr) {
    case CAIRN_SYS_CALL: a[0] = v & 2 ? FUZZ_SEL_PT : a[0]; break;
    case CAIRN_SYS_CREATE_PD: a[2] = (v >> 16) % 20; break;
    case CAIRN_SYS_CREATE_EC:
        a[2] = KT_SCRATCH + ((v >> 16) & 0xff) * CAIRN_PAGE_SIZE; /* utcb */
        a[3] = r->stack + 0x1000;
        a[4] = (v >> 24) % 128;
        a[5] = v & 4 ? (uintptr_t)kt_park_thread : a[5];
        break;
    case CAIRN_SYS_CREATE_SC:
    case CAIRN_SYS_CREATE_PT: a[2] = v & 2 ? FUZZ_SEL_EC : (v >> 16) % 128; break;
    case CAIRN_SYS_DELEGATE:
        a[0] = KT_CSEL_SELF;
        a[2] = fuzz_crd(fuzz_next(s), r);
        a[3] = v & 2 ? (v >> 16) % 128 : CAIRN_CRD_BASE(a[2]) + ((v >> 16) & 0xff00);
        break;
    case CAIRN_SYS_REVOKE:
        a[0] = KT_CSEL_SELF;
        a[1] = fuzz_crd(fuzz_next(s), r) & ~(0x1full << 2); /* rights must be 0 */
        break;
    case CAIRN_SYS_LOOKUP: a[0] = fuzz_crd(fuzz_next(s), r); break;
    case CAIRN_SYS_EC_CTRL: a[0] = FUZZ_SEL_EC, a[1] = (v >> 16) & 1; break;
    case CAIRN_SYS_SC_CTRL: a[0] = FUZZ_SEL_SC, a[1] = (v >> 16) & 1; break;
    case CAIRN_SYS_SM_CTRL: a[0] = v & 2 ? FUZZ_SEL_SM : a[0], a[1] = (v >> 16) % 4; break;
    }
}

/* Keep the garbage from parking the fuzzer forever or outranking the root
 * with a thread it creates. */
static void fuzz_tame(uint64_t rax, uint64_t *a, uint64_t *s)
{
    switch (rax & 0xff) {
    case CAIRN_SYS_SM_CTRL:
        a[2] = cairn_rdtsc() + (fuzz_next(s) & 0xffff);
        break;
    case CAIRN_SYS_CREATE_SC:
        if (a[3] > 1 && a[3] <= CAIRN_PRIO_MAX)
            a[3] = 1;
        break;
    }
}

static void fuzz_scramble(struct cairn_utcb *u, uint64_t *s)
{
    uint64_t v = fuzz_next(s);

    u->untyped = (uint16_t)(v % 16 ? v % 32 : v);
    u->typed = (uint16_t)((v >> 16) % 4 ? (v >> 16) % 4 : v >> 16);
    u->rcv_mem = v & 1 ? fuzz_next(s) : 0;
    u->rcv_io = v & 2 ? fuzz_next(s) : 0;
    u->rcv_obj = v & 4 ? CAIRN_CRD(CAIRN_CRD_OBJ, 96, 3, CAIRN_R_ALL) : 0;
    for (unsigned i = 0; i < 32; i++)
        u->mr[i] = fuzz_next(s);
}

static void fuzz_thread(void *arg, struct cairn_utcb *u)
{
    struct fuzz_run *r = arg;
    uint64_t s = r->seed, a[6];

    for (uint64_t i = 0; i < FUZZ_CALLS; i++) {
        uint64_t v = fuzz_next(&s);
        uint64_t rax = (v & 3) ? (v >> 8) % CAIRN_SYS_COUNT : (v >> 8) & 0xff;
        if (v & 0x10000)
            rax |= (v >> 24) & 0x1ff00; /* flags, and now and then a CPU */
        if (!(v & 0xff00000))
            rax |= fuzz_next(&s) << 32;
        for (unsigned k = 0; k < 6; k++)
            a[k] = fuzz_arg(&s, r);
        fuzz_shape(rax & 0xff, a, &s, r);
        fuzz_tame(rax, a, &s);
        if (i % 16 == 0)
            fuzz_scramble(u, &s);
        uint64_t st = cairn_syscall6(rax, a[0], a[1], a[2], a[3], a[4], a[5], 0);
        r->hist[st < 15 ? st : 15]++;
        r->made = i + 1;
    }
    r->done = 1;
    kt_park();
}

/* The root side of the child's portal: answer with nothing. */
static void fuzz_echo(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    u->untyped = u->typed = 0;
    cairn_reply(0);
}

static uint64_t fuzz_sm, fuzz_pt;

static uint64_t fuzz_setup(void)
{
    static struct cairn_ec echo;
    uint64_t st;

    fuzz_sm = kt_sel();
    st = cairn_create_sm(fuzz_sm, CAIRN_ROOT_SEL_PD, 0);
    if (st == CAIRN_OK)
        st = cairn_handler_create(&echo, CAIRN_ROOT_SEL_PD, 0, fuzz_echo, 0);
    if (st == CAIRN_OK)
        st = cairn_portal_create(&fuzz_pt, &echo, 0, 0, 0);
    return st;
}

/* One child, one seed: returns the calls it made. */
static uint64_t fuzz_round(uint64_t seed, uint64_t *st)
{
    struct cairn_ec t;
    uint64_t pd, last = 0;
    unsigned idle = 0;

    *st = kt_child_create_order(&pd, "fuzz", KT_CHILD_SELF, FUZZ_ORDER);
    struct fuzz_run *r = *st == CAIRN_OK ? kt_share(pd, 1) : 0;
    if (!r)
        return 0;
    r->seed = seed;
    cairn_obj_delegate(pd, fuzz_sm, FUZZ_SEL_SM, CAIRN_R_ALL);
    cairn_obj_delegate(pd, fuzz_pt, FUZZ_SEL_PT, CAIRN_R_ALL);
    *st = cairn_thread_create(&t, pd, 0, fuzz_thread, r, 0, KT_QUANTUM_US);
    if (*st != CAIRN_OK)
        return 0;
    r->stack = t.stack;
    cairn_obj_delegate(pd, t.ec, FUZZ_SEL_EC, CAIRN_R_ALL);
    *st = cairn_thread_bind(&t, 2, KT_QUANTUM_US);
    cairn_obj_delegate(pd, t.sc, FUZZ_SEL_SC, CAIRN_R_ALL);
    /* The fuzzer outranks the root: the root runs only while it is blocked
     * or dead. Give up after 20 quiet milliseconds. */
    while (*st == CAIRN_OK && !r->done && idle < 20) {
        cairn_sleep_us(1000);
        idle = r->made == last ? idle + 1 : 0;
        last = r->made;
    }
    kt_child_kill(pd);
    if (kt_verbose)
        printf("fuzz seed %#lx: %lu calls, OK %lu ECAP %lu ETYPE %lu EPERM %lu EPAR %lu "
               "EEXIST %lu ESYS %lu other %lu\n", seed, r->made, r->hist[CAIRN_OK],
               r->hist[CAIRN_ECAP], r->hist[CAIRN_ETYPE], r->hist[CAIRN_EPERM],
               r->hist[CAIRN_EPAR], r->hist[CAIRN_EEXIST], r->hist[CAIRN_ESYS],
               r->made - r->hist[CAIRN_OK] - r->hist[CAIRN_ECAP] - r->hist[CAIRN_ETYPE] -
                   r->hist[CAIRN_EPERM] - r->hist[CAIRN_EPAR] - r->hist[CAIRN_EEXIST] -
                   r->hist[CAIRN_ESYS]);
    return r->made;
}

TEST(fuzz_syscalls)
{
    uint64_t total = 0, st;

    KT_OK(fuzz_setup());
    for (unsigned i = 0; i < FUZZ_ROUNDS; i++) {
        uint64_t n = fuzz_round(0x9e3779b97f4a7c15ull * (i + 1), &st);
        KT_OK(st);
        total += n;
    }
    /* The kernel still works: objects, IPC, memory. */
    static struct kt_agent a;
    KT_OK(kt_agent_start(&a, "after", 0));
    KT_OK(kt_agent_op(&a, KT_AG_ECHO, 0, 0));
    uint64_t sm = kt_sel();
    KT_OK(cairn_create_sm(sm, CAIRN_ROOT_SEL_PD, 1));
    KT_OK(cairn_sm_down(sm, 0));
    KT_CHECK(cairn_page_alloc(1), "no memory after fuzzing");
    KT_CHECK(total >= FUZZ_CALLS, "only %lu calls made", total);
}
