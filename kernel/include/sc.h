/* Scheduling context (SC): priority and time quantum of one thread. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "kobj.h"
#include "list.h"

struct ec;

struct sc {
    struct kobj k;
    bool queued;        /* on its CPU's run queue                       */
    bool throttled;     /* its account's budget is used up: waits for it */
    unsigned cpu, prio;
    struct ec *ec;      /* the thread it belongs to                     */
    uint64_t quantum;   /* ticks per turn                               */
    uint64_t left;      /* ticks left of this turn                      */
    uint64_t consumed;  /* ticks used in all                            */
    struct list link;   /* run queue, the parked list of a blocked EC,
                           or its account's waiting list                */
    /* Budget (temporal isolation): the SC draws from an account, an SC
     * of the same CPU holding `budget` ticks per `period` (itself, or one
     * whose budget it shares); NULL: no budget. On the account SC: */
    struct sc *acct;
    uint64_t budget, period;
    int64_t avail;      /* ticks left in the current period; below 0 an
                           overrun (a late timer), which the next periods
                           pay back, up to one budget                   */
    uint64_t refill;    /* when the next period starts                  */
    struct list waiting;    /* its throttled SCs, until the next period */
    struct sc *refill_next; /* the CPU's waiting accounts, by refill: an
                               account is listed while `waiting` is not empty */
};

int sc_create(struct sc **out, struct ec *ec, unsigned prio, uint64_t quantum);
/* Give `sc` a budget of `budget` ticks per `period`; the SC starts a full
 * period now. */
void sc_set_budget(struct sc *sc, uint64_t budget, uint64_t period);
uint64_t sc_consumed(struct sc *sc);
/* `sc` draws from the budget of account `a` (which it keeps alive). */
void sc_share(struct sc *sc, struct sc *a);
/* Free an SC without references (kobj.c): false while its thread lives
 * (it keeps running without capabilities) or some CPU consumes it. */
bool sc_destroy(struct sc *sc);
