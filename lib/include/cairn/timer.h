/*
 * Timer session, client side (the server is components/timer).
 *
 * A session delivers timeouts by upping a semaphore of the client: the
 * client creates it and delegates it (right SM_UP only) with its first
 * ONESHOT or PERIODIC request; the timer keeps it for later requests.
 * One timeout per session is pending at a time: a new ONESHOT or
 * PERIODIC replaces the previous one. Durations are microseconds,
 * 1 us .. 1 hour (ONESHOT also 0).
 *
 * Uses the calling EC's UTCB (cairn_utcb_self); one EC per session.
 */
#pragma once

#include <stdint.h>

#define CAIRN_TIMER_MAX_US (3600ull * 1000 * 1000)

struct cairn_timer {
    uint64_t session; /* session portal                         */
    uint64_t sm;      /* our semaphore the timer ups             */
    int sm_sent;      /* the timer has it already                */
};

/* Open a session of the "Timer" service and create the semaphore. */
uint64_t cairn_timer_open(struct cairn_timer *t);

/* *us = microseconds since boot, by the timer's clock. */
uint64_t cairn_timer_now_us(struct cairn_timer *t, uint64_t *us);

/* Block for at least `us` microseconds (a ONESHOT and a wait). */
uint64_t cairn_timer_sleep_us(struct cairn_timer *t, uint64_t us);

/* Arm a oneshot timeout: the semaphore goes up once after `us`. */
uint64_t cairn_timer_oneshot(struct cairn_timer *t, uint64_t us);

/* Arm a periodic timeout: the semaphore goes up every `us` (a period
 * missed because the timer ran late is skipped, not made up for). */
uint64_t cairn_timer_periodic(struct cairn_timer *t, uint64_t us);

/* Block until the semaphore is upped (the next expiry). */
uint64_t cairn_timer_wait(struct cairn_timer *t);

/* Cancel the pending timeout (an up already made stays). */
uint64_t cairn_timer_stop(struct cairn_timer *t);
