/*
 * hog: takes RAM from its PD session in 64 KiB steps until core refuses
 * with CAIRN_EQUOTA, to show that exhausting the quota is an error code
 * to the component, not a crash.
 */
#include <cairn/fmt.h>
#include <cairn/heap.h>
#include <cairn/log.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/session.h>
#include <string.h>

#define HOG_STEP (64u * 1024u)

/* Pages core has backed on demand for us so far (PD_STATE) into *pages. */
static cairn_status_t hog_backed(uint64_t *pages)
{
    struct cairn_msg m;
    cairn_msg_begin(&m, cairn_utcb_main, CAIRN_PD_STATE);
    cairn_status_t st = cairn_rpc_call(CAIRN_SEL_PD_SESSION, cairn_utcb_main);
    if (st != CAIRN_OK)
        return st;
    if (cairn_utcb_main->untyped < 6)
        return CAIRN_EINVAL; /* a short reply */
    *pages = cairn_utcb_main->mr[5];
    return CAIRN_OK;
}

/* Reserved RAM costs quota at once but pages only when touched. */
static cairn_status_t hog_check_demand(volatile uint8_t *p)
{
    uint64_t before = 0, after = 0;
    cairn_status_t st = hog_backed(&before);
    p[0] = 1;
    p[HOG_STEP - 1] = 1;
    if (st == CAIRN_OK)
        st = hog_backed(&after);
    if (st != CAIRN_OK || after != before + 2) {
        printf("error: touching 2 fresh pages backed %lu pages\n", after - before);
        return CAIRN_EINVAL;
    }
    printf("demand paging: each fresh page backed at its first touch\n");
    return CAIRN_OK;
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    uint64_t st, total = 0;
    void *p;

    cairn_log_init("hog");
    printf("RAM quota %lu KiB, taking it in %u KiB steps\n", cairn_env->ram_quota >> 10,
           HOG_STEP >> 10);
    while ((st = cairn_pd_ram(HOG_STEP, &p)) == CAIRN_OK) {
        if (!total && hog_check_demand(p) != CAIRN_OK)
            return 1;
        memset(p, 0xa5, HOG_STEP); /* the RAM is really there */
        total += HOG_STEP;
    }
    if (st != CAIRN_EQUOTA) {
        printf("error: PD_RAM failed with %s after %lu KiB, expected EQUOTA\n",
               cairn_status_name(st), total >> 10);
        return 1;
    }
    printf("RAM quota exhausted after %lu KiB\n", total >> 10);
    printf("still alive\n");
    return 0;
}
