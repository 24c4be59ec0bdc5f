/*
 * Threads and portal handlers of a component (the root task uses
 * cairn/ec.h instead).
 *
 * A component creates its portal handlers (local ECs) itself, in its own
 * PD (CAIRN_SEL_PD). It may not create scheduling contexts, so a thread
 * (a global EC with an SC) comes from core's CPU session, which makes the
 * EC and its SC in the component's PD and hands over the EC capability.
 *
 * Stacks are RAM of the PD session (cairn/heap.h), without guard pages,
 * with the start frame of cairn/ec.h at the top. UTCBs of handlers are
 * placed from CAIRN_CPU_UTCB_LOCAL upwards; core places the UTCBs of the
 * threads it makes below that (CAIRN_UTCB_AREA + 4 KiB * n, n < 1024).
 *
 * Not thread-safe: create ECs from one EC (normally the main one).
 */
#pragma once

#include <stdint.h>

#include <cairn/ec.h>
#include <cairn/session.h>

#define CAIRN_HANDLER_STACK  (8u * 1024u)
#define CAIRN_THREAD_STACK   (16u * 1024u)
#define CAIRN_CPU_MAX_ECS    64u /* handlers + threads per component */
#define CAIRN_CPU_UTCB_LOCAL (CAIRN_UTCB_AREA + 1024u * 4096u)

/* A local EC in the component's own PD serving portals with
 * fn(arg, utcb, badge); fn must end with cairn_reply(). */
uint64_t cairn_handler_start(struct cairn_ec *h, cairn_handler_fn fn, void *arg);

/* A portal to handler h with `badge` at a fresh selector, put in *pt.
 * (At a chosen selector: cairn_create_pt(sel, CAIRN_SEL_PD, h->ec, 0,
 * (uintptr_t)cairn_portal_entry, badge).) */
uint64_t cairn_handler_portal(const struct cairn_ec *h, uint64_t badge, uint64_t *pt);

/* A thread running fn(arg, utcb) with priority `prio` (0: the highest
 * the component may use), made by core's CPU session (opened at the first
 * call). fn must not return (if it does, the thread blocks forever).
 * t->sc stays 0: the SC belongs to core. */
uint64_t cairn_thread_start(struct cairn_ec *t, cairn_thread_fn fn, void *arg, unsigned prio);

/* The UTCB of the calling EC, found by its stack pointer: the main EC's
 * or that of an EC made here. RPC helpers that build a message must use
 * the caller's own UTCB, since the kernel sends from the caller's UTCB. */
struct cairn_utcb *cairn_utcb_self(void);
