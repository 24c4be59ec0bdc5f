/*
 * Time: the TSC, and deadlines for sm_down in TSC ticks.
 */
#pragma once

#include <stdint.h>

/* rdtsc ordered after earlier instructions (lfence), for measurements. */
static inline uint64_t cairn_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

/* TSC ticks per millisecond, from the HIP (a guess if it says 0). */
uint64_t cairn_tsc_khz(void);

static inline uint64_t cairn_us_to_tsc(uint64_t us)
{
    return us * cairn_tsc_khz() / 1000;
}

static inline uint64_t cairn_deadline_us(uint64_t us)
{
    return cairn_rdtsc() + cairn_us_to_tsc(us);
}

/* Block the calling EC for `us` microseconds (sm_down with a deadline on a
 * private semaphore; root PD ECs only). Falls back to spinning if the
 * kernel refuses. */
void cairn_sleep_us(uint64_t us);
