/*
 * Capability-selector allocator (bump).
 */
#include <cairn/sel.h>

#include <stdbool.h>

#include <cairn/abi.h>
#include <cairn/runtime.h>

static uint64_t sel_next = CAIRN_SEL_FIRST; /* past the root's and a component's fixed ones */

/* Single selectors given back, handed out again first (a stack under a
 * spin lock: the ECs of a component may allocate at the same time). */
#define SEL_FREE_MAX 1024
static uint64_t sel_free[SEL_FREE_MAX];
static unsigned sel_nfree;
static int sel_lock;

static uint64_t sel_pop(void)
{
    uint64_t sel = 0;
    while (__atomic_exchange_n(&sel_lock, 1, __ATOMIC_ACQUIRE))
        ;
    if (sel_nfree)
        sel = sel_free[--sel_nfree];
    __atomic_store_n(&sel_lock, 0, __ATOMIC_RELEASE);
    return sel;
}

void cairn_sel_free(uint64_t sel)
{
    if (!sel)
        return;
    while (__atomic_exchange_n(&sel_lock, 1, __ATOMIC_ACQUIRE))
        ;
    if (sel_nfree < SEL_FREE_MAX)
        sel_free[sel_nfree++] = sel; /* else it is lost: the table is full */
    __atomic_store_n(&sel_lock, 0, __ATOMIC_RELEASE);
}

static uint64_t sel_limit(void)
{
    unsigned order = cairn_hip ? cairn_hip->cap_order
                     : cairn_env ? CAIRN_COMPONENT_CAP_ORDER : CAIRN_ROOT_CAP_ORDER;
    if (!cairn_env && (1ull << order) > CAIRN_ROOT_SEL_GSI)
        return CAIRN_ROOT_SEL_GSI; /* the root's interrupt semaphores sit above */

    return 1ull << (order ? order : CAIRN_ROOT_CAP_ORDER);
}

uint64_t cairn_sel_alloc(unsigned order)
{
    uint64_t size = 1ull << order, cur = __atomic_load_n(&sel_next, __ATOMIC_RELAXED), sel;

    if (order > CAIRN_CAP_ORDER_MAX)
        return 0;
    if (!order && __atomic_load_n(&sel_nfree, __ATOMIC_RELAXED) && (sel = sel_pop()))
        return sel;
    /* lock-free: the ECs of a component may allocate at the same time */
    do {
        sel = (cur + size - 1) & ~(size - 1);
        if (sel + size > sel_limit())
            return 0;
    } while (!__atomic_compare_exchange_n(&sel_next, &cur, sel + size, false, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    return sel;
}
