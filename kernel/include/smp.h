/*
 * Multiprocessor support: the kernel lock and cross-CPU signals.
 *
 * The kernel runs under one lock. Every entry from user mode, a guest or
 * the idle loop takes it (kernel_lock; a CPU that holds it already, as in
 * an interrupt taken inside the kernel, goes on); every way out to user
 * mode, into a guest or into the idle halt drops it (kernel_unlock). The
 * kernel is never preempted, so nothing inside it needs another lock.
 * Scheduling is per CPU: each EC and SC stays on the CPU it was created
 * for; making an SC ready on another CPU kicks that CPU (smp_kick).
 */
#pragma once

#include <stdbool.h>

/* Set once a second CPU starts: until then (and on a machine with one
 * CPU) the lock costs a test of this flag. */
extern bool smp_on;

void kernel_lock_slow(void);
void kernel_unlock_slow(void); /* the same, out of line (for assembly) */

static inline __attribute__((always_inline)) void kernel_lock(void)
{
    if (__builtin_expect(smp_on, 0))
        kernel_lock_slow();
}

/* A ticket lock, so that CPUs take turns in the order they came: a CPU
 * looping through system calls cannot take it again ahead of one that
 * is already waiting. klock_next hands out tickets, klock_serving is
 * the one whose turn it is, klock_owner the holder (CPU number + 1, 0
 * when free), so that an interrupt inside the kernel goes on. */
extern volatile unsigned klock_owner, klock_serving;
extern unsigned klock_next;

/* Every way out of the kernel holds the lock, so dropping it needs no
 * test: clear the owner, then serve the next ticket. With one CPU nobody
 * takes tickets and klock_serving just counts; smp_boot sets klock_next
 * to it when the lock becomes real. */
static inline __attribute__((always_inline)) void kernel_unlock(void)
{
    klock_owner = 0;
    __atomic_store_n(&klock_serving, klock_serving + 1, __ATOMIC_RELEASE);
}
/* Make `cpu` look at its run queue (an SC became ready there). */
void smp_kick(unsigned cpu);
/* No CPU keeps a stale TLB entry of a user address space: each other
 * online CPU flushes its TLB before this returns. */
void smp_tlb_shootdown(void);
