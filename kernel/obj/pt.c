/* Portal (PT). */
#include "pt.h"
#include <cairn/abi.h>
#include "ec.h"
#include "slab.h"

static struct slab_cache pt_cache;

int pt_create(struct pt **out, struct ec *ec, uint64_t ip, uint64_t badge, uint64_t mtd)
{
    if (!pt_cache.size)
        slab_init(&pt_cache, sizeof(struct pt), "pt");
    struct pt *pt = slab_alloc(&pt_cache);
    if (!pt)
        return CAIRN_ENOMEM;
    *pt = (struct pt){ .k = { KOBJ_PT }, .ec = ec, .ip = ip, .badge = badge, .mtd = mtd };
    kobj_get(&ec->k);
    *out = pt;
    return CAIRN_OK;
}

/* A call through it holds no pointer to it once the handler runs. */
void pt_destroy(struct pt *pt)
{
    kobj_put(&pt->ec->k);
    slab_free(&pt_cache, pt);
}
