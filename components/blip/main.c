/*
 * blip: a small component that uses a little of everything and ends at
 * once, for restart loops: a LOG session, heap RAM paged in on demand, a
 * semaphore, a second thread (a CPU session), a Timer session at a
 * sibling server with a timeout that fires, then exit 0.
 */
#include <cairn/cpu.h>
#include <cairn/fmt.h>
#include <cairn/heap.h>
#include <cairn/log.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/timer.h>
#include <string.h>

#define BLIP_HEAP (64u << 10)

static uint64_t blip_sm;

static void blip_thread(void *arg, struct cairn_utcb *u)
{
    cairn_sm_up(blip_sm);
    cairn_block_forever();
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    static struct cairn_ec t;
    struct cairn_timer timer;
    uint64_t st;

    cairn_log_init("blip");
    char *heap = cairn_ram_alloc(BLIP_HEAP);
    if (!heap) {
        printf("error: no heap\n");
        return 1;
    }
    memset(heap, 1, BLIP_HEAP); /* every page faults in */
    blip_sm = cairn_sel_alloc(0);
    if ((st = cairn_create_sm(blip_sm, CAIRN_SEL_PD, 0)) != CAIRN_OK ||
        (st = cairn_thread_start(&t, blip_thread, 0, 0)) != CAIRN_OK ||
        (st = cairn_sm_down(blip_sm, 0)) != CAIRN_OK ||
        (st = cairn_timer_open(&timer)) != CAIRN_OK ||
        (st = cairn_timer_oneshot(&timer, 1000)) != CAIRN_OK ||
        (st = cairn_timer_wait(&timer)) != CAIRN_OK) {
        printf("error: %s\n", cairn_status_name(st));
        return 1;
    }
    return 0;
}
