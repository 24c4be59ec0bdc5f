/* KVM's paravirtual clock (pvclock). */
#include "pvclock.h"

#include "le.h"

#define NS_PER_S 1000000000ull

/* mul = num * 2^32 / den for num < den, bit by bit (no 128-bit division
 * in the VMM's runtime). */
static uint32_t frac32(uint64_t num, uint64_t den)
{
    uint32_t q = 0;
    for (unsigned i = 0; i < 32; i++) {
        num <<= 1;
        q <<= 1;
        if (num >= den)
            num -= den, q |= 1;
    }
    return q;
}

/* ns per tick = 10^6 / tsc_khz = 2^shift * mul / 2^32 with mul in [2^31, 2^32). */
struct pvclock_scale pvclock_scale(uint64_t tsc_khz)
{
    uint64_t num = 1000000, den = tsc_khz;
    int shift = 0;
    while (num >= den)
        den <<= 1, shift++;
    while (2 * num < den)
        num <<= 1, shift--;
    return (struct pvclock_scale){ frac32(num, den), (int8_t)shift };
}

uint64_t pvclock_scale_delta(struct pvclock_scale s, uint64_t ticks)
{
    if (s.shift < 0)
        ticks >>= -s.shift;
    else
        ticks <<= s.shift;
    /* (ticks * mul) >> 32 in two halves */
    return (ticks >> 32) * s.mul + (((ticks & 0xffffffffu) * s.mul) >> 32);
}

void pvclock_write_time(uint8_t *p, uint64_t tsc, uint64_t ns, struct pvclock_scale s,
                        uint8_t flags)
{
    uint32_t version = rd32(p) | 1; /* odd: being written */
    wr32(p, version);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    wr64(p + 8, tsc);
    wr64(p + 16, ns);
    wr32(p + 24, s.mul);
    p[28] = (uint8_t)s.shift;
    p[29] = flags;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    wr32(p, version + 1);
}

void pvclock_write_wall(uint8_t *p, uint64_t wall_ns)
{
    uint32_t version = rd32(p) | 1;
    wr32(p, version);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    wr32(p + 4, (uint32_t)(wall_ns / NS_PER_S));
    wr32(p + 8, (uint32_t)(wall_ns % NS_PER_S));
    __atomic_thread_fence(__ATOMIC_RELEASE);
    wr32(p, version + 1);
}
