/*
 * RPC over portals: building and reading messages in the UTCB, calling a
 * portal, and serving one with a table of handlers.
 *
 * A message is mr[0] = opcode (request) or status (reply), then words.
 * struct cairn_msg is a cursor over the UTCB's message registers.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>
#include <cairn/utcb.h>

struct cairn_msg {
    struct cairn_utcb *utcb;
    unsigned pos;   /* next word                      */
    int bad;        /* a read ran past the message    */
};

/* Start a request (or reply) with its first word. */
void cairn_msg_begin(struct cairn_msg *m, struct cairn_utcb *u, uint64_t first);
void cairn_msg_word(struct cairn_msg *m, uint64_t w);
void cairn_msg_str(struct cairn_msg *m, const char *s);
/* Append a typed item delegating `crd` to the receiver's window + offset. */
void cairn_msg_item(struct cairn_msg *m, uint64_t crd, uint64_t offset);

/* Reading: start after the first word. */
void cairn_msg_read(struct cairn_msg *m, struct cairn_utcb *u);
uint64_t cairn_msg_get(struct cairn_msg *m);
/* Copy a string argument into buf (NUL-terminated): CAIRN_EINVAL if it is
 * missing or does not fit (buf is "" then, and the message is bad). */
cairn_status_t cairn_msg_get_str(struct cairn_msg *m, char *buf, size_t size);
/* The CRD of the i-th typed item received (0 if none). */
uint64_t cairn_msg_item_crd(const struct cairn_utcb *u, unsigned i);

/* Call portal `pt` with the message built in u; returns the status:
 * the kernel's if the call failed, else the reply's mr[0]. */
uint64_t cairn_rpc_call(uint64_t pt, struct cairn_utcb *u);

/*
 * Server side: handlers indexed by opcode. A handler reads its
 * arguments from `in`, builds the reply with cairn_msg_begin(out, ...,
 * status) (or cairn_rpc_status) and returns; the entrypoint replies.
 */
struct cairn_rpc_server;
typedef void (*cairn_rpc_fn)(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                             struct cairn_utcb *u);
struct cairn_rpc_server {
    const cairn_rpc_fn *ops; /* by opcode (mr[0]); a gap: CAIRN_EINVAL       */
    unsigned nops;
    void *data;
    /* Optional: 0 refuses the call with CAIRN_EINVAL before any handler
     * runs (a closed session, a badge out of range). */
    int (*accept)(struct cairn_rpc_server *s, uint64_t badge, uint64_t op);
    /* Optional: serves every call whatever mr[0] holds (an event, such
     * as a fault, whose message has no opcode); ops are not used. */
    cairn_rpc_fn any;
};
/* Designated initialisers of `ops` and `nops` from a table of handlers. */
#define CAIRN_RPC_OPS(table) .ops = (table), .nops = (unsigned)(sizeof(table) / sizeof((table)[0]))

/* Dispatch the request in u and reply; never returns. */
__attribute__((noreturn)) void cairn_rpc_serve(struct cairn_rpc_server *s, struct cairn_utcb *u,
                                               uint64_t badge);
/* Reply with just a status. */
void cairn_rpc_status(struct cairn_utcb *u, uint64_t status);

/*
 * The receive inbox of an entrypoint: the one selector (its rcv_obj
 * window) where the next capability sent with a call arrives. A handler
 * that keeps it takes it, and the inbox moves on to a fresh selector (a
 * capability cannot be moved: revoking the inbox would revoke every copy
 * made from it). One that no handler took is revoked before the reply, so
 * that the next one finds the inbox free.
 */
struct cairn_inbox {
    uint64_t sel;
    /* The next inbox selector, 0 if none is left; 0: cairn_sel_alloc(0). */
    uint64_t (*fresh)(void);
};
/* Keep the capability that came with the call in u: returns its
 * selector, now the handler's to keep; 0 if none arrived or no fresh
 * selector is left. Call it before building the reply in u, which
 * overwrites the received item. */
uint64_t cairn_inbox_take(struct cairn_inbox *b, const struct cairn_utcb *u);
/* The receive window for u->rcv_obj. */
uint64_t cairn_inbox_crd(const struct cairn_inbox *b);

/*
 * An entrypoint that serves several kinds of portal, told apart by their
 * badges: one server (table of handlers) per kind, and the inbox.
 *
 *   call -> kind(badge) -> servers[kind] -> accept? -> ops[mr[0]] or any
 *        -> drop an item not taken -> rcv_obj = inbox -> reply
 *
 * No server for the kind, no handler for the opcode or a refusal of
 * accept: the reply is CAIRN_EINVAL.
 */
struct cairn_rpc_ep {
    struct cairn_rpc_server *const *servers; /* by kind; a gap: CAIRN_EINVAL */
    unsigned nservers;
    unsigned (*kind)(uint64_t badge);        /* 0: the badge's upper 32 bits */
    struct cairn_inbox *inbox;               /* 0: takes no capabilities     */
};
__attribute__((noreturn)) void cairn_rpc_ep_serve(struct cairn_rpc_ep *ep, struct cairn_utcb *u,
                                                  uint64_t badge);
