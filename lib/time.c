/*
 * Time: TSC frequency and sleeping.
 */
#include <cairn/time.h>

#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>

#define TIME_KHZ_GUESS 1000000ull /* 1 GHz, when the HIP does not know */

static uint64_t time_sm; /* private semaphore nobody ups: sleeping is a timed-out down */

uint64_t cairn_tsc_khz(void)
{
    if (cairn_env && cairn_env->tsc_khz)
        return cairn_env->tsc_khz;
    return cairn_hip && cairn_hip->tsc_khz ? cairn_hip->tsc_khz : TIME_KHZ_GUESS;
}

static void time_spin_until(uint64_t deadline)
{
    while (cairn_rdtsc() < deadline)
        __asm__ volatile("pause");
}

void cairn_sleep_us(uint64_t us)
{
    uint64_t deadline = cairn_deadline_us(us);

    if (!time_sm) {
        uint64_t sel = cairn_sel_alloc(0);
        if (sel && cairn_create_sm(sel, cairn_self_pd(), 0) == CAIRN_OK)
            time_sm = sel;
    }
    /* Loop: an early wakeup (a kernel bug, or an up by mistake) must not
     * shorten the sleep; a kernel refusing the down degrades to spinning. */
    while (time_sm && cairn_rdtsc() < deadline)
        cairn_sm_down(time_sm, deadline);
    time_spin_until(deadline);
}
