/* Kernel objects (kobj): reference counts and deferred freeing. */
#include "kobj.h"
#include <stddef.h>
#include "ec.h"
#include "pd.h"
#include "pt.h"
#include "sc.h"
#include "sm.h"

static struct kobj *kobj_doomed;

void kobj_put(struct kobj *k)
{
    if (--k->refs || k->doomed)
        return;
    k->doomed = true;
    k->next = kobj_doomed;
    kobj_doomed = k;
}

void kobj_paid(struct kobj *k, struct pd *payer, uint64_t bytes)
{
    k->payer = payer;
    k->charge = bytes;
    if (payer)
        kobj_get(&payer->k);
}

/* Free one object; false: something still uses it, try again later. */
static bool kobj_free(struct kobj *k)
{
    switch (k->type) {
    case KOBJ_PD: return pd_destroy((struct pd *)k);
    case KOBJ_EC: return ec_destroy((struct ec *)k);
    case KOBJ_SC: return sc_destroy((struct sc *)k);
    case KOBJ_PT: pt_destroy((struct pt *)k); return true;
    case KOBJ_SM: sm_destroy((struct sm *)k); return true;
    default:      return false;
    }
}

/* Freeing one object drops references to others, which may be doomed in
 * turn: go round until a pass frees nothing. */
void kobj_reclaim(void)
{
    bool progress = true;
    while (progress) {
        progress = false;
        struct kobj **kp = &kobj_doomed;
        while (*kp) {
            struct kobj *k = *kp;
            if (k->refs) { /* referenced again meanwhile: cannot happen, keep it */
                *kp = k->next;
                k->doomed = false;
                continue;
            }
            struct pd *payer = k->payer;
            uint64_t charge = k->charge;
            *kp = k->next;
            if (!kobj_free(k)) {
                k->next = *kp;
                *kp = k;
                kp = &k->next;
                continue;
            }
            if (payer) {
                pd_kmem_give(payer, charge);
                kobj_put(&payer->k);
            }
            progress = true;
            kp = &kobj_doomed; /* the list head may have changed */
        }
    }
}

unsigned kobj_doomed_count(void)
{
    unsigned n = 0;
    for (struct kobj *k = kobj_doomed; k; k = k->next)
        n++;
    return n;
}
