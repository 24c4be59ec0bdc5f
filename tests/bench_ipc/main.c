/*
 * bench_ipc: IPC round trip (call + reply) between two PDs on one CPU.
 *
 * The root calls a portal whose handler, a local EC in a child PD, replies
 * at once with no words. After a warm-up it times N calls as a whole (the
 * mean) and each call alone (the minimum), with lfence-ordered rdtsc.
 * Under QEMU -icount shift=0 a TSC tick is one instruction.
 */
#include <cairn/crash.h>
#include <cairn/ec.h>
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/pd.h>
#include <cairn/runtime.h>
#include <cairn/sys.h>
#include <cairn/time.h>

#define BENCH_WARMUP 1000
#define BENCH_N      10000

void bench_handler(void);

static uint64_t bench_setup(uint64_t *pt)
{
    static struct cairn_ec h;
    uint64_t pd, st = cairn_pd_create(&pd, "server", 4);

    if (st == CAIRN_OK)
        st = cairn_pd_share_image(pd, 0);
    if (st == CAIRN_OK)
        st = cairn_handler_create(&h, pd, 0, 0, 0);
    if (st == CAIRN_OK)
        st = cairn_portal_create(pt, &h, 0, 0, (uintptr_t)bench_handler);
    return st;
}

/* Ticks for n calls in one stretch. */
static uint64_t bench_total(uint64_t pt, unsigned n)
{
    uint64_t t0 = cairn_rdtsc();

    for (unsigned i = 0; i < n; i++)
        cairn_call(pt);
    return cairn_rdtsc() - t0;
}

/* Shortest single call, minus the cost of reading the clock. */
static uint64_t bench_min(uint64_t pt, unsigned n)
{
    uint64_t best = ~0ull, clock = ~0ull;

    for (unsigned i = 0; i < 100; i++) {
        uint64_t t0 = cairn_rdtsc(), t1 = cairn_rdtsc();
        clock = t1 - t0 < clock ? t1 - t0 : clock;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = cairn_rdtsc();
        cairn_call(pt);
        uint64_t d = cairn_rdtsc() - t0;
        best = d < best ? d : best;
    }
    return best > clock ? best - clock : 0;
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    uint64_t pt = 0;

    cairn_log_init("bench_ipc");
    cairn_crash_install();
    uint64_t st = bench_setup(&pt);
    if (st != CAIRN_OK) {
        printf("error: setup failed: %s\n", cairn_status_name(st));
        return 1;
    }
    utcb->untyped = utcb->typed = 0;
    st = cairn_call(pt);
    if (st != CAIRN_OK) {
        printf("error: call failed: %s\n", cairn_status_name(st));
        return 1;
    }
    bench_total(pt, BENCH_WARMUP);
    uint64_t total = bench_total(pt, BENCH_N);
    uint64_t best = bench_min(pt, BENCH_N);
    printf("BENCH ipc_rtt %lu ticks\n", total / BENCH_N);
    printf("BENCH ipc_rtt_min %lu ticks\n", best);
    printf("done\n");
    return 0;
}
