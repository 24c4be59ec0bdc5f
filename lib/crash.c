/*
 * Crash reporting for the root task.
 */
#include <cairn/crash.h>

#include <cairn/ec.h>
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/runtime.h>
#include <cairn/sys.h>

#define CRASH_EVENTS 32u /* CPU exception vectors */

static void crash_handle(void *arg, struct cairn_utcb *utcb, uint64_t badge)
{
    const struct cairn_exc *x = (const struct cairn_exc *)utcb->mr;

    /* The crashed EC may have been mid-line: finish that line first. */
    cairn_log_flush();
    printf("CRASH: event %lu at rip %#lx, rsp %#lx, error %#lx, address %#lx\n", x->event,
           x->rip, x->rsp, x->qual[0], x->qual[1]);
    cairn_exit(CAIRN_CRASH_STATUS);
}

uint64_t cairn_crash_install(void)
{
    static struct cairn_ec crash_ec;
    uint64_t st = cairn_handler_create(&crash_ec, CAIRN_ROOT_SEL_PD, 0, crash_handle, 0);

    /* Each portal sits at evt_base (0) + event in the root's own space. */
    for (unsigned ev = 0; st == CAIRN_OK && ev < CRASH_EVENTS; ev++)
        st = cairn_create_pt(ev, CAIRN_ROOT_SEL_PD, crash_ec.ec, CAIRN_MTD_EC_ALL,
                             (uintptr_t)cairn_portal_entry, ev);
    return st;
}
