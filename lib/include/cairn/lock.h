/*
 * Locks between the ECs of one component: a semaphore with count 1. The
 * runtime's own locks (log, heap) are made before main runs, while only
 * the main EC exists.
 */
#pragma once

#include <stdint.h>

struct cairn_lock {
    uint64_t sm; /* 0 until cairn_lock_init */
};

/* Returns a status; a lock that could not be made stays a no-op. */
uint64_t cairn_lock_init(struct cairn_lock *l);
void cairn_lock_take(struct cairn_lock *l);
void cairn_lock_give(struct cairn_lock *l);

extern struct cairn_lock cairn_log_lock, cairn_heap_lock;
