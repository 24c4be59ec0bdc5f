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
/* Copy a string argument into buf (NUL-terminated); 0 if missing/too long.
 * (1/0, not yet a status: docs/decisions.md, "One error convention".) */
int cairn_msg_get_str(struct cairn_msg *m, char *buf, size_t size);
/* The CRD of the i-th typed item received (0 if none). */
uint64_t cairn_msg_item_crd(const struct cairn_utcb *u, unsigned i);

/* Call portal `pt` with the message built in u; returns the status:
 * the kernel's if the call failed, else the reply's mr[0]. */
uint64_t cairn_rpc_call(uint64_t pt, struct cairn_utcb *u);

/* Server side: handlers indexed by opcode. A handler reads its
 * arguments from `in`, builds the reply with cairn_msg_begin(out, ...,
 * status) and returns. */
struct cairn_rpc_server;
typedef void (*cairn_rpc_fn)(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                             struct cairn_utcb *u);
struct cairn_rpc_server {
    const cairn_rpc_fn *ops;
    unsigned nops;
    void *data;
};
/* Dispatch the request in u and reply; never returns. */
__attribute__((noreturn)) void cairn_rpc_serve(struct cairn_rpc_server *s, struct cairn_utcb *u,
                                               uint64_t badge);
/* Reply with just a status. */
void cairn_rpc_status(struct cairn_utcb *u, uint64_t status);
