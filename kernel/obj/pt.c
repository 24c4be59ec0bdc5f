/* Portal (PT). */
#include "pt.h"
#include <cairn/abi.h>
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
    *out = pt;
    return CAIRN_OK;
}
