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

void kernel_lock(void);
void kernel_unlock(void);
/* Make `cpu` look at its run queue (an SC became ready there). */
void smp_kick(unsigned cpu);
/* No CPU keeps a stale TLB entry of a user address space: each other
 * online CPU flushes its TLB before this returns. */
void smp_tlb_shootdown(void);
