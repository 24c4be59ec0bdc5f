/* Capability space (CAP): two-level selector table. */
#include "cap.h"
#include <stddef.h>
#include <cairn/abi.h>
#include "kobj.h"
#include "palloc.h"

_Static_assert(sizeof(struct mdb) * CAP_LEAF_SLOTS == PALLOC_PAGE_SIZE, "leaf is one page");

static unsigned cap_top_order(unsigned order)
{
    uint64_t bytes = ((1ull << order) / CAP_LEAF_SLOTS + 1) * sizeof(void *);
    unsigned o = 0;
    while ((PALLOC_PAGE_SIZE << o) < bytes)
        o++;
    return o;
}

int cap_space_init(struct cap_space *cs, unsigned order)
{
    if (order < 1 || order > CAIRN_CAP_ORDER_MAX)
        return CAIRN_EPAR;
    cs->leaf = palloc_alloc(cap_top_order(order));
    if (!cs->leaf)
        return CAIRN_ENOMEM;
    cs->order = order;
    cs->count = 1ull << order;
    return CAIRN_OK;
}

struct mdb *cap_slot(struct cap_space *cs, uint64_t sel, int alloc)
{
    if (sel >> cs->order)
        return NULL;
    struct mdb **leaf = &cs->leaf[sel / CAP_LEAF_SLOTS];
    if (!*leaf) {
        if (!alloc)
            return NULL;
        *leaf = palloc_alloc(0);
        if (!*leaf)
            return NULL;
    }
    return &(*leaf)[sel % CAP_LEAF_SLOTS];
}

void cap_space_destroy(struct cap_space *cs)
{
    for (uint64_t i = 0; i <= (1ull << cs->order) / CAP_LEAF_SLOTS; i++)
        if (cs->leaf[i])
            palloc_free(cs->leaf[i], 0);
    palloc_free(cs->leaf, cap_top_order(cs->order));
    cs->leaf = NULL;
}
