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
 * CPU) the lock costs a test of this flag, and the syscall entry not even
 * that (cpu_syscall_entry). */
extern bool smp_on;

void kernel_lock_slow(void);
void kernel_unlock_slow(void); /* the same, out of line (for assembly) */

static inline __attribute__((always_inline)) void kernel_lock(void)
{
    if (__builtin_expect(smp_on, 0))
        kernel_lock_slow();
}

/* The holder: CPU number + 1, 0 when free (and always 0 with one CPU).
 * A test-and-set lock, not a fair (ticket) one: Cairn runs as a guest
 * itself here (QEMU), and with a fair lock every CPU waits whenever the
 * CPU whose turn it is has no host thread running (with a ticket lock,
 * an RT benchmark on a busy host saw both VMs stall for seconds; with
 * this one it did not); with test-and-set whoever runs takes it. Linux
 * falls back to the same in a guest for the same reason. */
extern volatile unsigned klock_owner;

/* Every way out of the kernel holds the lock (with one CPU the word stays
 * 0): dropping it is one store. */
static inline __attribute__((always_inline)) void kernel_unlock(void)
{
    __atomic_store_n(&klock_owner, 0, __ATOMIC_RELEASE);
}
/* Make `cpu` look at its run queue (an SC became ready there). */
void smp_kick(unsigned cpu);
/* No CPU keeps a stale TLB entry of a user address space: each other
 * online CPU flushes its TLB before this returns. */
void smp_tlb_shootdown(void);
