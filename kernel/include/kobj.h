/* Kernel objects: the common header of PD, EC, SC, PT and SM.
 *
 * Lifetime: `refs` counts what points at an object: its capabilities
 * (every slot that names it) and the kernel's own links (an EC's PD, an
 * SC's EC and account, a portal's handler, a paid object's payer). When
 * it drops to zero the object is doomed: kobj_reclaim, at a safe point
 * (the end of a revoke or PD_CTRL call), frees it once nothing uses it
 * any more (an EC current on some CPU waits) and gives its bytes back to
 * the account that paid for them.
 *
 *   doomed -> [ec] -> [sc] -> [pd] -> NULL    (kobj.next, newest first)
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum kobj_type { KOBJ_NONE = 0, KOBJ_PD, KOBJ_EC, KOBJ_SC, KOBJ_PT, KOBJ_SM };

struct pd;

struct kobj {
    uint8_t type;
    bool doomed;          /* on the doomed list                      */
    uint32_t refs;
    struct kobj *next;    /* doomed list                             */
    struct pd *payer;     /* whose account paid (NULL: the kernel's) */
    uint64_t charge;      /* bytes it paid                           */
};

/* Caller holds the kernel lock for every function here. */
static inline void kobj_get(struct kobj *k) { k->refs++; }
/* Drop a reference; at zero the object is doomed (never freed here). */
void kobj_put(struct kobj *k);
/* Record that `payer`'s account paid `bytes` for `k` (taking a
 * reference on payer, which thus outlives what it paid for). */
void kobj_paid(struct kobj *k, struct pd *payer, uint64_t bytes);
/* Free the doomed objects nothing uses any more. */
void kobj_reclaim(void);
/* Doomed objects still waiting to be freed (ktest). */
unsigned kobj_doomed_count(void);
