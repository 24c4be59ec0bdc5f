/*
 * Capability space (CAP): a PD's table of selectors.
 *
 *   caps.leaf[]            leaf page: 64 slots of struct mdb (64 bytes)
 *   +-------+             +--------+--------+-----+--------+
 *   | ptr 0 | ----------> | slot 0 | slot 1 | ... | slot 63|
 *   | ptr 1 | -> NULL     +--------+--------+-----+--------+
 *   |  ...  |              slot: object, rights, delegation links
 *   +-------+
 *
 * Selector s lives in leaf[s / 64], slot s % 64; leaves are allocated on
 * first use. A slot is in use when its obj is non-NULL.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <cairn/abi.h>
#include "kobj.h"
#include "mdb.h"

#define CAP_LEAF_SLOTS 64u

struct cap_space {
    struct mdb **leaf;
    uint64_t count; /* 2^order selectors */
    unsigned order;
};

/* Returns a CAIRN_* status. */
int cap_space_init(struct cap_space *cs, unsigned order);

/* The slot of `sel`, or NULL if out of range (or its leaf does not exist
 * and `alloc` is false, or allocation failed). */
struct mdb *cap_slot(struct cap_space *cs, uint64_t sel, int alloc);
/* Free the table and its leaves (every slot must be empty). */
void cap_space_destroy(struct cap_space *cs);

/* The slot of `sel` if its leaf exists, else NULL. */
static inline __attribute__((always_inline)) struct mdb *cap_slot_of(const struct cap_space *cs, uint64_t sel)
{
    struct mdb *leaf = sel < cs->count ? cs->leaf[sel / CAP_LEAF_SLOTS] : NULL;
    return leaf ? &leaf[sel % CAP_LEAF_SLOTS] : NULL;
}

/* The object behind `sel` if it has `type` and all `rights`, else NULL.
 * Inline: on every call's and event's path (cap_get says why not). */
static inline __attribute__((always_inline)) struct kobj *cap_find(const struct cap_space *cs, uint64_t sel,
                                                                   unsigned type, unsigned rights)
{
    struct mdb *s = cap_slot_of(cs, sel);
    if (s && s->obj && s->obj->type == type && (s->rights & rights) == rights)
        return s->obj;
    return NULL;
}

/* The object behind `sel` if it has `type` and all `rights`; else NULL
 * and *status set to ECAP, ETYPE or EPERM. */
static inline __attribute__((always_inline)) struct kobj *cap_get(struct cap_space *cs, uint64_t sel, unsigned type,
                                   unsigned rights, int *status)
{
    struct mdb *s = cap_slot_of(cs, sel);
    if (!s || !s->obj)
        *status = CAIRN_ECAP;
    else if (s->obj->type != type)
        *status = CAIRN_ETYPE;
    else if ((s->rights & rights) != rights)
        *status = CAIRN_EPERM;
    else
        return s->obj;
    return NULL;
}
