/*
 * timer: the Timer service (cairn/session.h, cairn_timer_op).
 *
 * Two ECs share the table of sessions:
 *
 *   entrypoint (handler EC, runs on the client's SC)
 *       NOW, ONESHOT, PERIODIC, STOP: checks the request, then arms or
 *       disarms the session's timeout and ups wake_sm when the earliest
 *       deadline changed
 *   worker (the main EC)
 *       ups the semaphore of every expired session, re-arms periodic
 *       ones, then blocks in sm_zero(wake_sm, earliest deadline)
 *
 * So timeouts rest on the kernel's semaphore deadlines, which the kernel
 * drives from the local APIC timer (one-shot, programmed for the earliest
 * deadline of the CPU): the timer needs no IRQ or I/O session, and its
 * worker wakes exactly at the next expiry, never to poll.
 *
 * Armed sessions form one list sorted by deadline (equal deadlines in
 * arming order); lock_sm (a semaphore used as a mutex) guards it:
 *
 *   timer_armed -> [s3: t=120] -> [s0: t=450, period 1000] -> [s7: t=900]
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define TIMER_MAX_SESSIONS 64u

struct timer_session {
    bool used, armed;
    uint64_t pt;                /* session portal, badge = index + 1 (0: none yet) */
    uint64_t sm;                /* client's semaphore (SM_UP), 0 until received   */
    uint64_t deadline, period;  /* TSC ticks; period 0: oneshot                    */
    struct timer_session *next; /* armed: next in deadline order                   */
};

extern struct timer_session timer_sessions[TIMER_MAX_SESSIONS];

/* Microseconds since boot (since the TSC started). */
uint64_t timer_now_us(void);

/* Arm (replacing a pending timeout) or disarm session s. */
void timer_arm(struct timer_session *s, uint64_t deadline, uint64_t period);
void timer_disarm(struct timer_session *s);

/* The entrypoint and the service portal (badge 0); announce "Timer". */
uint64_t timer_service_start(void);
