/*
 * pong: announces "Pong"; a session call PONG_INC(x) replies x + 1.
 *
 * One entrypoint (handler EC) serves the service portal (badge 0) and one
 * portal per session (badge index + 1), each call on the caller's SC;
 * each is a table of handlers (cairn/rpc.h).
 */
#include "pong.h"

#include <stdbool.h>

#include <cairn/cpu.h>
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>

#define PONG_MAX_SESSIONS 64u
#define PONG_LABEL 192

static struct cairn_ec pong_ep;
static uint64_t pong_pt_base; /* session portal selectors */
static bool pong_used[PONG_MAX_SESSIONS];

/* CAIRN_SERVICE_CREATE: label, args -> a fresh session portal, and its
 * id for CAIRN_SERVICE_CLOSE (its badge). */
static void pong_create(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                        struct cairn_utcb *u)
{
    char label[PONG_LABEL], args[PONG_LABEL];
    struct cairn_msg out;
    unsigned i;

    if (cairn_msg_get_str(in, label, sizeof(label)) != CAIRN_OK ||
        cairn_msg_get_str(in, args, sizeof(args)) != CAIRN_OK) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    for (i = 0; i < PONG_MAX_SESSIONS && pong_used[i]; i++)
        ;
    if (i == PONG_MAX_SESSIONS) {
        cairn_rpc_status(u, CAIRN_EQUOTA);
        return;
    }
    uint64_t pt = pong_pt_base + i;
    uint64_t st = cairn_create_pt(pt, CAIRN_SEL_PD, pong_ep.ec, 0, (uintptr_t)cairn_portal_entry, i + 1);
    if (st != CAIRN_OK) {
        cairn_rpc_status(u, st);
        return;
    }
    pong_used[i] = true;
    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, i + 1);
    cairn_msg_item(&out, CAIRN_CRD(CAIRN_CRD_OBJ, pt, 0, CAIRN_R_PT_CALL), 0);
}

/* CAIRN_SERVICE_CLOSE: id. The session's portal goes, with every copy. */
static void pong_close(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                       struct cairn_utcb *u)
{
    uint64_t id = cairn_msg_get(in);

    if (in->bad || !id || id > PONG_MAX_SESSIONS || !pong_used[id - 1]) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    cairn_revoke(CAIRN_SEL_PD, CAIRN_CRD(CAIRN_CRD_OBJ, pong_pt_base + id - 1, 0, 0), CAIRN_REV_F_SELF);
    pong_used[id - 1] = false;
    cairn_rpc_status(u, CAIRN_OK);
}

static void pong_inc(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                     struct cairn_utcb *u)
{
    uint64_t x = cairn_msg_get(in);
    struct cairn_msg out;

    if (in->bad) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, x + 1);
}

static const cairn_rpc_fn pong_service_ops[] = { [CAIRN_SERVICE_CREATE] = pong_create,
                                                  [CAIRN_SERVICE_CLOSE] = pong_close };
static const cairn_rpc_fn pong_session_ops[] = { [PONG_INC] = pong_inc };
static struct cairn_rpc_server pong_service = { CAIRN_RPC_OPS(pong_service_ops) };
static struct cairn_rpc_server pong_session = { CAIRN_RPC_OPS(pong_session_ops) };

static void pong_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    cairn_rpc_serve(badge ? &pong_session : &pong_service, u, badge);
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    uint64_t service = cairn_sel_alloc(0), st;

    cairn_log_init("pong");
    pong_pt_base = cairn_sel_alloc(6);
    if (!service || !pong_pt_base)
        return 1;
    st = cairn_handler_start(&pong_ep, pong_serve, 0);
    if (st == CAIRN_OK)
        st = cairn_create_pt(service, CAIRN_SEL_PD, pong_ep.ec, 0, (uintptr_t)cairn_portal_entry, 0);
    if (st == CAIRN_OK)
        st = cairn_announce("Pong", service);
    if (st != CAIRN_OK) {
        printf("error: cannot offer the Pong service: %s\n", cairn_status_name(st));
        return 1;
    }
    printf("Pong service ready\n");
    cairn_block_forever();
}
