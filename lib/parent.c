/* The parent interface, client side. */
#include <cairn/parent.h>
#include <cairn/cpu.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/time.h>

#define PARENT_RETRY_US   10000u
#define PARENT_RETRY_MAX  1000u

static uint64_t parent_session(struct cairn_utcb *u, const char *service, const char *args,
                               uint64_t *cap, uint64_t sel, unsigned tries);

uint64_t cairn_session(const char *service, const char *args, uint64_t *cap)
{
    return cairn_session_u(cairn_utcb_self(), service, args, cap);
}

uint64_t cairn_session_u(struct cairn_utcb *u, const char *service, const char *args, uint64_t *cap)
{
    return parent_session(u, service, args, cap, cairn_sel_alloc(0), PARENT_RETRY_MAX);
}

uint64_t cairn_session_try_u(struct cairn_utcb *u, const char *service, const char *args,
                             uint64_t *cap)
{
    return parent_session(u, service, args, cap, *cap, 1);
}

static uint64_t parent_session(struct cairn_utcb *u, const char *service, const char *args,
                               uint64_t *cap, uint64_t sel, unsigned tries)
{
    uint64_t keep = u->rcv_obj, st = CAIRN_ENOMEM;
    if (!sel)
        return st;
    for (unsigned i = 0; i < tries; i++) {
        struct cairn_msg m;
        u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, sel, 0, 0);
        cairn_msg_begin(&m, u, CAIRN_PARENT_SESSION);
        cairn_msg_str(&m, service);
        cairn_msg_str(&m, args);
        st = cairn_rpc_call(CAIRN_SEL_PARENT, u);
        if (st != CAIRN_ERETRY || i + 1 == tries)
            break;
        cairn_sleep_us(PARENT_RETRY_US);
    }
    u->rcv_obj = keep;
    if (st == CAIRN_OK && !cairn_msg_item_crd(u, 0))
        st = CAIRN_EABORT;
    if (st == CAIRN_OK)
        *cap = sel;
    return st;
}

uint64_t cairn_announce(const char *service, uint64_t service_pt)
{
    struct cairn_utcb *u = cairn_utcb_self();
    struct cairn_msg m;
    cairn_msg_begin(&m, u, CAIRN_PARENT_ANNOUNCE);
    cairn_msg_str(&m, service);
    cairn_msg_item(&m, CAIRN_CRD(CAIRN_CRD_OBJ, service_pt, 0, CAIRN_R_PT_CALL), 0);
    return cairn_rpc_call(CAIRN_SEL_PARENT, u);
}

void cairn_parent_exit(int code)
{
    struct cairn_utcb *u = cairn_utcb_self();
    struct cairn_msg m;
    cairn_msg_begin(&m, u, CAIRN_PARENT_EXIT);
    cairn_msg_word(&m, (uint64_t)(int64_t)code);
    cairn_rpc_call(CAIRN_SEL_PARENT, u);
}
