/* Scheduler: per-CPU fixed-priority round robin over SCs, with donation.
 *
 * An SC is on its CPU's run queue while it may run, including while it
 * runs. Dispatching an SC runs the EC at the end of its donation chain:
 * its thread, or the handler the thread called, or the handler that one
 * called, and so on; a caller that waits for a busy handler lends its SC
 * to the handler's current call (helping). If the chain ends in a blocked
 * EC, the SC parks on that EC until it wakes; if it ends in a dead EC,
 * the SC leaves the queue for good. */
#pragma once

#include <stdint.h>
#include "percpu.h"

struct sc;
struct ec;

void sched_init_cpu(unsigned cpu);
void sched_ready(struct sc *sc);
void sched_remove(struct sc *sc);
/* Take a dying SC off every list: run queue, parked or throttled, and
 * its CPU's refill list if it is an account. */
void sched_forget(struct sc *sc);
/* Run the highest priority SC's EC (entry.S: on a fresh kernel stack). */
_Noreturn void sched_dispatch(void);
/* Timer interrupt: account, rotate an exhausted SC, fire timeouts. */
_Noreturn void sched_timer(void);
/* Preempt the caller if a higher priority SC became ready. */
static inline __attribute__((always_inline)) void sched_check_preempt(void)
{
    if (__builtin_expect(PERCPU_FIELD(attn) & CPU_ATTN_RESCHED, 0))
        sched_dispatch();
}
/* Block / wake `ec` (semaphore, timeout). */
_Noreturn void sched_block(struct ec *ec);
void sched_wake(struct ec *ec, int status);
/* Requeue the SCs parked on `ec`; dispatch parks them again if need be. */
void sched_unpark(struct ec *ec);
void timeout_add(struct ec *ec, uint64_t deadline);
void timeout_del(struct ec *ec);
/* The EC currently running on this CPU. */
static inline struct ec *sched_current(void) { return percpu()->cur; }
