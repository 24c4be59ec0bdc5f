/*
 * kmemhog: makes semaphores in its own PD until the kernel refuses, to
 * show that kernel memory is accounted per component: exhausting its own
 * share is an error code to it and nobody else notices.
 */
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    uint64_t st = CAIRN_OK, n = 0, sel;
    cairn_log_init("kmemhog");
    while ((sel = cairn_sel_alloc(0)) && (st = cairn_create_sm(sel, CAIRN_SEL_PD, 0)) == CAIRN_OK)
        n++;
    if (st != CAIRN_ENOMEM) {
        printf("error: stopped after %lu semaphores with %s, expected ENOMEM\n", n,
               cairn_status_name(sel ? st : CAIRN_ECAP));
        return 1;
    }
    printf("kernel memory quota exhausted after %lu semaphores\n", n);
    printf("still alive\n");
    return 0;
}
