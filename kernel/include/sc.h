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
    unsigned cpu, prio;
    struct ec *ec;      /* the thread it belongs to                     */
    uint64_t quantum;   /* ticks per turn                               */
    uint64_t left;      /* ticks left of this turn                      */
    uint64_t consumed;  /* ticks used in all                            */
    struct list link;   /* run queue, or the parked list of a blocked EC */
};

int sc_create(struct sc **out, struct ec *ec, unsigned prio, uint64_t quantum);
uint64_t sc_consumed(struct sc *sc);
