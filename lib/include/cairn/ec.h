/*
 * Execution contexts made by the root task: threads (global ECs with an
 * SC) and portal handlers (local ECs), in the root's own PD or in a child
 * PD running code of the root's image (see cairn/pd.h).
 *
 * Each EC gets a stack from cairn_page_alloc, mapped at the same address in
 * the root and (delegated) in the EC's PD, and a UTCB address from a window
 * that is unused in every PD. Its start frame on the stack
 *
 *      stack top ->  +------+
 *                    |  0   |
 *                    | utcb |
 *                    | arg  |
 *   sp (16-aligned)->| fn   |
 *
 * is read by cairn_thread_entry / cairn_portal_entry (lib/start.S), which
 * call fn(arg, utcb) or fn(arg, utcb, badge). fn runs in the EC's PD: code
 * for a child PD must only touch its stack, its arguments and memory
 * delegated to the child, never the root's globals.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <cairn/utcb.h>

#define CAIRN_EC_STACK_PAGES 2u
#define CAIRN_EC_QUANTUM_US  10000u

typedef void (*cairn_thread_fn)(void *arg, struct cairn_utcb *utcb);
/* Must end with cairn_reply(). */
typedef void (*cairn_handler_fn)(void *arg, struct cairn_utcb *utcb, uint64_t badge);

struct cairn_ec {
    uint64_t pd;       /* PD of the EC (the root's selector for it)     */
    uint64_t ec;       /* EC selector in the root's space               */
    uint64_t sc;       /* SC selector, 0 if none                        */
    uintptr_t utcb;    /* UTCB address in pd                            */
    uintptr_t stack;   /* stack base, same address in the root and pd   */
    size_t stack_size;
};

/* The next unused UTCB address of the window. */
uintptr_t cairn_utcb_va_alloc(void);

/* A thread in pd starting fn(arg, utcb) with event base evt_base (in pd's
 * space). prio 0: create the EC only and bind no SC (cairn_thread_bind). */
uint64_t cairn_thread_create(struct cairn_ec *t, uint64_t pd, uint64_t evt_base,
                             cairn_thread_fn fn, void *arg, unsigned prio, unsigned quantum_us);

/* The same on CPU `cpu` (its SC, bound now or later, runs there). */
uint64_t cairn_thread_create_cpu(struct cairn_ec *t, unsigned cpu, uint64_t pd, uint64_t evt_base,
                                 cairn_thread_fn fn, void *arg, unsigned prio, unsigned quantum_us);

/* Bind an SC to a thread made with prio 0; it starts running. */
uint64_t cairn_thread_bind(struct cairn_ec *t, unsigned prio, unsigned quantum_us);

/* A local EC in pd serving portals with fn(arg, utcb, badge). */
uint64_t cairn_handler_create(struct cairn_ec *h, uint64_t pd, uint64_t evt_base,
                              cairn_handler_fn fn, void *arg);

/* A portal (in h's PD, selector in the root's space) to handler h with
 * badge and MTD; ip 0 enters through cairn_portal_entry. */
uint64_t cairn_portal_create(uint64_t *pt, const struct cairn_ec *h, uint64_t mtd,
                             uint64_t badge, uint64_t ip);

/* Entry stubs (lib/start.S). */
void cairn_thread_entry(void);
void cairn_portal_entry(void);
