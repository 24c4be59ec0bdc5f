/* Local APIC (x86_64): one-shot timer for preemption and timeouts,
 * calibrated against the PIT; the legacy PICs are masked. */
#include "cpu.h"
#include "arch.h"
#include "paging.h"
#include "x86.h"

#define APIC_SVR    0x0f0
#define APIC_EOI    0x0b0
#define APIC_TPR    0x080
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR  0x390
#define APIC_TIMER_DIV  0x3e0
#define APIC_MASKED 0x10000

static volatile uint32_t *apic;
static uint64_t apic_khz, tsc_khz;
uint64_t tsc_khz_boot;

static inline void apic_write(unsigned reg, uint32_t v) { apic[reg / 4] = v; }
static inline uint32_t apic_read(unsigned reg) { return apic[reg / 4]; }

static void pic_disable(void)
{
    static const uint8_t init[][2] = { { 0x20, 0x11 }, { 0xa0, 0x11 }, { 0x21, 0x20 }, { 0xa1, 0x28 },
                                       { 0x21, 0x04 }, { 0xa1, 0x02 }, { 0x21, 0x01 }, { 0xa1, 0x01 },
                                       { 0x21, 0xff }, { 0xa1, 0xff } };
    for (unsigned i = 0; i < sizeof(init) / sizeof(init[0]); i++)
        outb(init[i][0], init[i][1]);
}

void apic_init(void)
{
    pic_disable();
    uint64_t base = rdmsr(0x1b);
    apic = kmap_mmio(base & ~0xfffull);
    apic_init_local();
    cpus[0].apic_id = apic_read(0x20) >> 24;
}

/* This CPU's APIC (all sit at the same address): enabled, timer masked. */
void apic_init_local(void)
{
    wrmsr(0x1b, rdmsr(0x1b) | 0x800); /* global enable */
    apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_TIMER_DIV, 0xb); /* divide by 1 */
    apic_write(APIC_LVT_TIMER, APIC_MASKED | VEC_TIMER);
}

void apic_eoi(void) { apic_write(APIC_EOI, 0); }

unsigned apic_id(unsigned cpu) { return cpus[cpu].apic_id; }

#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_ICR_BUSY (1u << 12)

/* An IPI to the CPU with APIC ID id: a fixed vector, or INIT/start-up
 * as ICR low bits. */
void apic_ipi(unsigned id, uint32_t icr_low)
{
    for (unsigned i = 0; i < 1000000 && (apic_read(APIC_ICR_LO) & APIC_ICR_BUSY); i++)
        __asm__ volatile("pause");
    apic_write(APIC_ICR_HI, id << 24);
    apic_write(APIC_ICR_LO, icr_low);
}


/* Count TSC and APIC ticks over 10 ms of PIT channel 2. */
uint64_t apic_calibrate(void)
{
    const unsigned pit_count = 11932; /* 1193182 Hz / 100 */
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);
    outb(0x42, pit_count & 0xff);
    outb(0x42, pit_count >> 8);
    apic_write(APIC_TIMER_INIT, 0xffffffff);
    uint64_t t0 = rdtsc();
    while (!(inb(0x61) & 0x20))
        ;
    uint64_t t1 = rdtsc();
    uint32_t used = 0xffffffff - apic_read(APIC_TIMER_CUR);
    apic_write(APIC_TIMER_INIT, 0);
    tsc_khz = tsc_khz_boot = (t1 - t0) / 10;
    apic_khz = used / 10;
    if (!apic_khz)
        apic_khz = 1;
    return tsc_khz;
}

uint64_t arch_time(void) { return rdtsc(); }

void arch_timer_set(uint64_t deadline)
{
    cpu_this()->timer_deadline = deadline;
    if (!deadline) {
        apic_write(APIC_TIMER_INIT, 0);
        return;
    }
    uint64_t now = rdtsc(), ticks = deadline > now ? deadline - now : 1;
    if (ticks > 10000000000ull)
        ticks = 10000000000ull;
    uint64_t count = ticks * apic_khz / tsc_khz;
    if (count > 0xffffffffull)
        count = 0xffffffffull;
    apic_write(APIC_LVT_TIMER, VEC_TIMER);
    apic_write(APIC_TIMER_INIT, count ? (uint32_t)count : 1);
}
