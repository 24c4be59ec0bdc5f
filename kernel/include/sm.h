/* Semaphore (SM): counting, with optional timeout. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "kobj.h"
#include "list.h"

struct ec;

struct sm {
    struct kobj k;
    int16_t gsi;        /* interrupt it signals, or -1      */
    bool gsi_masked;    /* level-triggered GSI awaiting down */
    uint64_t count;
    struct list waiters; /* ECs, FIFO */
};

int sm_create(struct sm **out, uint64_t count);
/* Returns CAIRN_OK, or EPAR on counter overflow. */
int sm_up(struct sm *sm);
/* Takes one unit, or blocks `ec` (and returns to the scheduler). */
void sm_down(struct sm *sm, struct ec *ec, uint64_t deadline, int zero);
/* Remove a blocked EC (timeout or death). */
void sm_cancel(struct ec *ec);
/* Free a semaphore without references (kobj.c): its waiters get EABORT. */
void sm_destroy(struct sm *sm);
