/*
 * ticker: prints "tick N" every second, forever, from a periodic timeout
 * of the Timer service.
 */
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/runtime.h>
#include <cairn/timer.h>

#define TICKER_PERIOD_US 1000000u

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    struct cairn_timer timer;
    uint64_t st;

    cairn_log_init("ticker");
    if ((st = cairn_timer_open(&timer)) != CAIRN_OK ||
        (st = cairn_timer_periodic(&timer, TICKER_PERIOD_US)) != CAIRN_OK) {
        printf("error: no periodic timeout: %s\n", cairn_status_name(st));
        return 1;
    }
    for (unsigned n = 1;; n++) {
        cairn_timer_wait(&timer);
        printf("tick %u\n", n);
    }
}
