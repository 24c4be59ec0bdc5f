/*
 * crasher: after about half a second, touches an unmapped address. The
 * page fault goes to core, which stops this component and tells init;
 * the other components keep running.
 */
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/runtime.h>
#include <cairn/timer.h>

#define CRASHER_DELAY_US 500000u
#define CRASHER_ADDR     0xdead0000ul

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    struct cairn_timer timer;
    uint64_t st;

    cairn_log_init("crasher");
    if ((st = cairn_timer_open(&timer)) != CAIRN_OK ||
        (st = cairn_timer_sleep_us(&timer, CRASHER_DELAY_US)) != CAIRN_OK) {
        printf("error: no timer: %s\n", cairn_status_name(st));
        return 1;
    }
    printf("crashing now\n");
    volatile uint64_t *bad = (volatile uint64_t *)CRASHER_ADDR;
    *bad = 1;
    printf("error: still running after the fault\n");
    return 1;
}
