/*
 * ping: a Pong client. Measures the session RPC round trip once, then
 * every second makes PING_CALLS calls and checks every reply.
 */
#include "../pong/pong.h"

#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/time.h>
#include <cairn/timer.h>

#define PING_CALLS       1000u
#define PING_WARMUP      1000u
#define PING_BENCH_CALLS 10000u
#define PING_PERIOD_US   1000000u

static uint64_t ping_pong;

/* One round trip: CAIRN_OK, the call's status, or CAIRN_EINVAL for a wrong
 * reply. */
static cairn_status_t ping_call(struct cairn_utcb *u, uint64_t x)
{
    struct cairn_msg m;

    cairn_msg_begin(&m, u, PONG_INC);
    cairn_msg_word(&m, x);
    uint64_t st = cairn_rpc_call(ping_pong, u);
    if (st != CAIRN_OK)
        return st;
    return u->untyped == 2 && u->mr[1] == x + 1 ? CAIRN_OK : CAIRN_EINVAL; /* a wrong reply */
}

/* Index of the first failing call of n, or n if all succeeded. */
static unsigned ping_burst(struct cairn_utcb *u, unsigned n, uint64_t first, uint64_t *st)
{
    for (unsigned i = 0; i < n; i++)
        if ((*st = ping_call(u, first + i)) != CAIRN_OK)
            return i;
    return n;
}

/* BENCH session_rtt: the average over PING_BENCH_CALLS calls after a
 * warm-up, in TSC ticks (instructions under -icount shift=0); else the
 * status of the call that failed. */
static cairn_status_t ping_bench(struct cairn_utcb *u)
{
    uint64_t st;

    if (ping_burst(u, PING_WARMUP, 0, &st) != PING_WARMUP)
        return st;
    uint64_t t0 = cairn_rdtsc();
    unsigned done = ping_burst(u, PING_BENCH_CALLS, 0, &st);
    uint64_t t1 = cairn_rdtsc();
    if (done != PING_BENCH_CALLS)
        return st;
    printf("BENCH session_rtt %lu ticks\n", (t1 - t0) / PING_BENCH_CALLS);
    return CAIRN_OK;
}

int main(const struct cairn_hip *hip, struct cairn_utcb *u)
{
    struct cairn_timer timer;
    uint64_t st;

    cairn_log_init("ping");
    if ((st = cairn_session("Pong", "", &ping_pong)) != CAIRN_OK ||
        (st = cairn_timer_open(&timer)) != CAIRN_OK) {
        printf("error: cannot open the Pong or Timer session: %s\n", cairn_status_name(st));
        return 1;
    }
    if (ping_bench(u) != CAIRN_OK)
        printf("session_rtt benchmark FAILED\n");
    if ((st = cairn_timer_periodic(&timer, PING_PERIOD_US)) != CAIRN_OK) {
        printf("error: periodic timeout refused: %s\n", cairn_status_name(st));
        return 1;
    }
    for (unsigned n = 1;; n++) {
        cairn_timer_wait(&timer);
        uint64_t first = (uint64_t)n * PING_CALLS;
        unsigned i = ping_burst(u, PING_CALLS, first, &st);
        if (i < PING_CALLS) {
            printf("ping %u: FAILED at call %u (x = %lu): %s\n", n, i, first + i,
                   st == CAIRN_EINVAL ? "wrong reply" : cairn_status_name(st));
            return 1;
        }
        printf("ping %u: %u round trips ok\n", n, PING_CALLS);
    }
}
