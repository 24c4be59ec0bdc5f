/*
 * stuck: a broken server. It announces "Pong" but never answers a request
 * to open a session. Its clients must get an error in the end, and
 * nobody else may notice (init opens sessions off its entrypoint).
 */
#include <cairn/cpu.h>
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/parent.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>

static uint64_t stuck_never; /* a semaphore nobody ups */

static void stuck_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    printf("a session request arrived; not answering it\n");
    for (;;)
        cairn_sm_down(stuck_never, 0);
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    static struct cairn_ec h;
    uint64_t pt, st;
    cairn_log_init("stuck");
    stuck_never = cairn_sel_alloc(0);
    st = cairn_create_sm(stuck_never, CAIRN_SEL_PD, 0);
    if (st == CAIRN_OK)
        st = cairn_handler_start(&h, stuck_serve, 0);
    if (st == CAIRN_OK)
        st = cairn_handler_portal(&h, 0, &pt);
    if (st == CAIRN_OK)
        st = cairn_announce("Pong", pt);
    if (st != CAIRN_OK) {
        printf("error: cannot announce: %s\n", cairn_status_name(st));
        return 1;
    }
    cairn_block_forever();
}
