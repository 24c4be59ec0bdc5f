// SOURCES: components/vmm/hw/lapic.c
/* Host tests of the local APIC model (lapic), on a fake clock. */
#include "host.h"

#include "../../components/vmm/hw/lapic.h"

static struct lapic l;
static uint64_t clock_ns;
static uint8_t eois[16];
static unsigned eoi_count;

enum {
    ID = 0x020, VERSION = 0x030, TPR = 0x080, APR = 0x090, PPR = 0x0a0, EOI = 0x0b0, LDR = 0x0d0,
    DFR = 0x0e0, SVR = 0x0f0, ISR = 0x100, TMR = 0x180, IRR = 0x200, ESR = 0x280, ICR_LO = 0x300,
    ICR_HI = 0x310, LVTT = 0x320, LVTTHMR = 0x330, LVTPC = 0x340, LVT0 = 0x350, LVT1 = 0x360,
    LVTERR = 0x370, TMICT = 0x380, TMCCT = 0x390, TDCR = 0x3e0,
};

#define MASKED 0x10000u
#define PERIODIC 0x20000u
#define DEADLINE 0x40000u

static uint64_t fake_now(void *ctx)
{
    return clock_ns;
}

/* The guest's TSC runs at 2 GHz from clock 0. */
static uint64_t tsc_to_ns(void *ctx, uint64_t tsc)
{
    return tsc / 2;
}

static void on_eoi(void *ctx, uint8_t vector)
{
    assert_true(eoi_count < 16);
    eois[eoi_count++] = vector;
}

static int setup(void **state)
{
    clock_ns = 1000000;
    eoi_count = 0;
    lapic_init(&l, 0, LAPIC_TIMER_HZ, (struct vmm_clock){ fake_now, NULL },
               (struct lapic_tsc){ tsc_to_ns, NULL }, (struct lapic_eoi){ on_eoi, NULL });
    return 0;
}

static uint32_t rd(unsigned reg)
{
    return lapic_read(&l, reg, 4);
}

static void wr(unsigned reg, uint32_t v)
{
    lapic_write(&l, reg, 4, v);
}

static bool bit(unsigned base, unsigned vector)
{
    return rd(base + (vector >> 5) * 0x10) & (1u << (vector & 31));
}

/* Take the pending vector, as the VMM injecting it would. */
static int take(void)
{
    assert_int_equal(lapic_pending(&l), lapic_pending(&l));
    int p = lapic_pending(&l);
    int v = lapic_ack(&l);
    assert_int_equal(v, p);
    return v;
}

static void test_reset_state(void **state)
{
    assert_int_equal(rd(VERSION), 0x00050014);
    assert_int_equal(rd(ID), 0);
    assert_int_equal(rd(SVR), 0x1ff);
    assert_int_equal(rd(LVT0), 0x8700);
    assert_int_equal(rd(LVT1), 0x8400);
    assert_int_equal(rd(LVTT), MASKED);
    assert_int_equal(rd(LVTERR), MASKED);
    assert_int_equal(rd(DFR), 0xffffffff);
    assert_int_equal(rd(PPR), 0);
    assert_int_equal(rd(TMCCT), 0);
    assert_int_equal(lapic_read_apic_base(&l), 0xfee00900);
    assert_true(lapic_enabled(&l));
    assert_true(lapic_extint_enabled(&l));
    assert_int_equal(lapic_pending(&l), -1);
    assert_int_equal(lapic_ack(&l), -1);
    assert_int_equal(lapic_next_event_ns(&l), UINT64_MAX);
    /* another ID */
    lapic_init(&l, 3, 0, (struct vmm_clock){ fake_now, NULL }, (struct lapic_tsc){ NULL, NULL },
               (struct lapic_eoi){ NULL, NULL });
    assert_int_equal(rd(ID), 0x03000000);
    assert_int_equal(l.timer_hz, LAPIC_TIMER_HZ);
}

static void test_registers(void **state)
{
    wr(TPR, 0xffffffff);
    assert_int_equal(rd(TPR), 0xff);
    wr(TPR, 0);
    wr(LDR, 0x12345678);
    assert_int_equal(rd(LDR), 0x12000000);
    wr(DFR, 0);
    assert_int_equal(rd(DFR), 0x0fffffff);
    wr(ID, 0x05ffffff);
    assert_int_equal(rd(ID), 0x05000000);
    wr(SVR, 0xffffffff);
    assert_int_equal(rd(SVR), 0x3ff);
    wr(ICR_HI, 0xffffffff);
    assert_int_equal(rd(ICR_HI), 0xff000000);
    wr(TDCR, 0xffffffff);
    assert_int_equal(rd(TDCR), 0xb);
    /* LVT writable bits */
    wr(LVTT, 0xffffffff);
    assert_int_equal(rd(LVTT), 0x000700ff);
    wr(LVTTHMR, 0xffffffff);
    assert_int_equal(rd(LVTTHMR), 0x000107ff);
    wr(LVTPC, 0xffffffff);
    assert_int_equal(rd(LVTPC), 0x000107ff);
    wr(LVT0, 0xffffffff);
    assert_int_equal(rd(LVT0), 0x0001a7ff);
    wr(LVT1, 0xffffffff);
    assert_int_equal(rd(LVT1), 0x0001a7ff);
    wr(LVTERR, 0xffffffff);
    assert_int_equal(rd(LVTERR), 0x000100ff);
    /* read-only registers */
    wr(VERSION, 0);
    assert_int_equal(rd(VERSION), 0x00050014);
    wr(PPR, 0xff);
    assert_int_equal(rd(PPR), 0);
    wr(ISR, 0xffffffff);
    wr(IRR + 0x10, 0xffffffff);
    wr(TMR + 0x20, 0xffffffff);
    assert_int_equal(rd(ISR) | rd(IRR + 0x10) | rd(TMR + 0x20), 0);
    wr(TMCCT, 1234);
    assert_int_equal(rd(TMCCT), 0);
    assert_int_equal(rd(APR), 0);
    assert_int_equal(rd(EOI), 0);
    /* reserved offsets, odd offsets and sizes */
    static const unsigned reserved[] = { 0x000, 0x010, 0x040, 0x070, 0x0c0,
                                         0x2f0, 0x3a0, 0x3f0, 0x400, 0xff0 };
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        wr(reserved[i], 0xffffffff);
        assert_int_equal(rd(reserved[i]), 0);
    }
    wr(TPR, 0x20);
    assert_int_equal(lapic_read(&l, TPR + 4, 4), 0);
    assert_int_equal(lapic_read(&l, TPR, 1), 0);
    assert_int_equal(lapic_read(&l, TPR, 2), 0);
    assert_int_equal(lapic_read(&l, TPR, 8), 0);
    assert_int_equal(lapic_read(&l, 0x1000 + TPR, 4), 0);
    lapic_write(&l, TPR, 1, 0x30);
    lapic_write(&l, TPR, 8, 0x30);
    lapic_write(&l, TPR + 1, 4, 0x30);
    lapic_write(&l, 0x1000 + TPR, 4, 0x30);
    assert_int_equal(rd(TPR), 0x20);
    /* through the type-erased callbacks */
    lapic_mmio_ops.write(&l, TPR, 4, 0x40);
    assert_int_equal(lapic_mmio_ops.read(&l, TPR, 4), 0x40);
}

static void test_ppr_tpr(void **state)
{
    lapic_set_irq(&l, 0x41, false);
    lapic_set_irq(&l, 0x52, false);
    assert_true(bit(IRR, 0x41) && bit(IRR, 0x52));
    wr(TPR, 0x50);
    assert_int_equal(rd(PPR), 0x50);
    assert_int_equal(lapic_pending(&l), -1); /* class 5 is not above 5 */
    wr(TPR, 0x4f);
    assert_int_equal(take(), 0x52);
    assert_true(bit(ISR, 0x52));
    assert_false(bit(IRR, 0x52));
    assert_int_equal(rd(PPR), 0x50); /* the in-service class beats TPR 0x4f */
    lapic_set_irq(&l, 0x5f, false);
    assert_int_equal(lapic_pending(&l), -1);
    lapic_set_irq(&l, 0x61, false);
    assert_int_equal(lapic_pending(&l), 0x61);
    wr(TPR, 0x6f);
    assert_int_equal(rd(PPR), 0x6f);
    assert_int_equal(lapic_pending(&l), -1);
    /* CR8 is TPR[7:4] */
    lapic_set_tpr(&l, 0x15);
    assert_int_equal(rd(TPR), 0x50);
    assert_int_equal(lapic_get_tpr(&l), 5);
    assert_int_equal(lapic_pending(&l), 0x61);
    lapic_set_tpr(&l, 0);
    wr(EOI, 0);
    assert_false(bit(ISR, 0x52));
    assert_int_equal(rd(PPR), 0);
    assert_int_equal(take(), 0x61);
}

static void test_priority_order(void **state)
{
    static const uint8_t in[] = { 0x30, 0xe0, 0x31, 0x80, 0xef };
    for (unsigned i = 0; i < sizeof(in); i++)
        lapic_set_irq(&l, in[i], false);
    assert_int_equal(take(), 0xef);
    assert_int_equal(lapic_pending(&l), -1); /* 0xe0: same class as 0xef */
    wr(EOI, 0);
    assert_int_equal(take(), 0xe0);
    wr(EOI, 0);
    assert_int_equal(take(), 0x80);
    wr(EOI, 0);
    assert_int_equal(take(), 0x31);
    assert_int_equal(lapic_pending(&l), -1);
    /* nesting: a higher class preempts, EOI ends the highest first */
    lapic_set_irq(&l, 0x90, false);
    assert_int_equal(take(), 0x90);
    wr(EOI, 0);
    assert_true(bit(ISR, 0x31));
    assert_false(bit(ISR, 0x90));
    wr(EOI, 0);
    assert_int_equal(take(), 0x30);
    wr(EOI, 0);
    assert_int_equal(lapic_pending(&l), -1);
    assert_int_equal(rd(ISR + 0x10), 0);
    assert_int_equal(eoi_count, 0); /* all edge */
}

static void test_eoi_level(void **state)
{
    lapic_set_irq(&l, 0x61, true);
    lapic_set_irq(&l, 0x72, false);
    assert_true(bit(TMR, 0x61));
    assert_false(bit(TMR, 0x72));
    assert_int_equal(take(), 0x72);
    wr(EOI, 0);
    assert_int_equal(eoi_count, 0);
    assert_int_equal(take(), 0x61);
    wr(EOI, 0);
    assert_int_equal(eoi_count, 1);
    assert_int_equal(eois[0], 0x61);
    wr(EOI, 0); /* nothing in service */
    assert_int_equal(eoi_count, 1);
    /* an edge acceptance clears the TMR bit */
    lapic_set_irq(&l, 0x61, false);
    assert_false(bit(TMR, 0x61));
    take();
    wr(EOI, 0);
    assert_int_equal(eoi_count, 1);
}

/* The EOI the VMM may let the guest signal through memory (PV EOI). */
static void test_quiet_eoi(void **state)
{
    assert_int_equal(lapic_quiet_eoi_vector(&l), -1); /* nothing in service */
    lapic_set_irq(&l, 0x50, false);
    assert_int_equal(take(), 0x50);
    assert_int_equal(lapic_quiet_eoi_vector(&l), 0x50);
    lapic_set_irq(&l, 0x40, false); /* waiting below it: the EOI unblocks it */
    assert_int_equal(lapic_quiet_eoi_vector(&l), -1);
    lapic_eoi(&l);
    assert_false(bit(ISR, 0x50));
    assert_int_equal(take(), 0x40);
    assert_int_equal(lapic_quiet_eoi_vector(&l), 0x40);
    lapic_eoi(&l);
    assert_int_equal(lapic_quiet_eoi_vector(&l), -1);
    lapic_set_irq(&l, 0x61, true); /* level: the IO-APIC must hear of its EOI */
    assert_int_equal(take(), 0x61);
    assert_int_equal(lapic_quiet_eoi_vector(&l), -1);
    lapic_eoi(&l);
    assert_int_equal(eoi_count, 1);
    assert_int_equal(eois[0], 0x61);
    lapic_set_irq(&l, 0x30, false); /* nested: the highest in service counts */
    assert_int_equal(take(), 0x30);
    lapic_set_irq(&l, 0x70, false);
    assert_int_equal(take(), 0x70);
    assert_int_equal(lapic_quiet_eoi_vector(&l), 0x70);
    lapic_eoi(&l);
    assert_int_equal(lapic_quiet_eoi_vector(&l), 0x30);
    assert_int_equal(lapic_write_apic_base(&l, LAPIC_BASE), CAIRN_OK); /* globally off */
    assert_int_equal(lapic_quiet_eoi_vector(&l), -1);
}

static void test_illegal_vector_esr(void **state)
{
    lapic_set_irq(&l, 5, false);
    assert_int_equal(rd(IRR), 0);
    assert_int_equal(rd(ESR), 0); /* not latched yet */
    wr(ESR, 0);
    assert_int_equal(rd(ESR), 0x40);
    wr(ESR, 0);
    assert_int_equal(rd(ESR), 0);
    /* the error LVT interrupts */
    wr(LVTERR, 0xfe);
    lapic_set_irq(&l, 15, true);
    assert_int_equal(lapic_pending(&l), 0xfe);
    /* an IPI with an illegal vector: send error */
    wr(ICR_LO, 0x40000 | 7);
    wr(ESR, 0);
    assert_int_equal(rd(ESR), 0x60);
}

/* Linux's one-shot LAPIC timer: divide by 16, initial count, expiry. */
static void test_timer_oneshot(void **state)
{
    wr(TDCR, 0x3);
    wr(LVTT, 0xec);
    wr(TMICT, 1000); /* 16000 ns at 1 GHz / 16 */
    assert_int_equal(rd(TMICT), 1000);
    assert_int_equal(rd(TMCCT), 1000);
    uint64_t start = clock_ns;
    assert_int_equal(lapic_next_event_ns(&l), start + 16000);
    clock_ns += 8000;
    assert_int_equal(rd(TMCCT), 500);
    clock_ns = start + 15999;
    lapic_update(&l);
    assert_int_equal(lapic_pending(&l), -1);
    assert_int_equal(rd(TMCCT), 1);
    clock_ns = start + 16000;
    lapic_update(&l);
    assert_int_equal(take(), 0xec);
    wr(EOI, 0);
    assert_int_equal(rd(TMCCT), 0);
    assert_int_equal(lapic_next_event_ns(&l), UINT64_MAX);
    clock_ns += 1000000;
    lapic_update(&l);
    assert_int_equal(lapic_pending(&l), -1); /* once */
    /* rearm, then stop with count 0 */
    wr(TMICT, 10);
    assert_int_equal(lapic_next_event_ns(&l), clock_ns + 160);
    wr(TMICT, 0);
    assert_int_equal(lapic_next_event_ns(&l), UINT64_MAX);
    clock_ns += 1000;
    lapic_update(&l);
    assert_int_equal(lapic_pending(&l), -1);
}

static void test_timer_periodic(void **state)
{
    wr(TDCR, 0xb); /* divide by 1 */
    wr(LVTT, PERIODIC | 0x30);
    uint64_t start = clock_ns;
    wr(TMICT, 1000);
    for (unsigned i = 1; i <= 10; i++) {
        uint64_t next = lapic_next_event_ns(&l);
        assert_int_equal(next, start + 1000 * i);
        clock_ns = next - 1;
        lapic_update(&l);
        assert_int_equal(lapic_pending(&l), -1);
        assert_int_equal(rd(TMCCT), 1);
        clock_ns = next;
        lapic_update(&l);
        assert_int_equal(take(), 0x30);
        wr(EOI, 0);
        assert_int_equal(rd(TMCCT), 1000); /* reloaded */
    }
    clock_ns += 250;
    assert_int_equal(rd(TMCCT), 750);
    /* missed periods coalesce, the phase stays */
    clock_ns += 1000000;
    lapic_update(&l);
    assert_int_equal(take(), 0x30);
    assert_int_equal(lapic_pending(&l), -1);
    wr(EOI, 0);
    uint64_t next = lapic_next_event_ns(&l);
    assert_true(next > clock_ns && next - clock_ns <= 1000);
    assert_int_equal((next - start) % 1000, 0);
    /* to one-shot: the count runs down once more and stops */
    wr(LVTT, 0x30);
    clock_ns = lapic_next_event_ns(&l);
    lapic_update(&l);
    assert_int_equal(take(), 0x30);
    wr(EOI, 0);
    assert_int_equal(rd(TMCCT), 0);
    assert_int_equal(lapic_next_event_ns(&l), UINT64_MAX);
}

/* Linux's lapic-deadline clockevent: TSC-deadline mode and MSR 0x6e0. */
static void test_timer_deadline(void **state)
{
    /* outside TSC-deadline mode the MSR ignores writes */
    lapic_write_tsc_deadline(&l, 4000000);
    assert_int_equal(lapic_read_tsc_deadline(&l), 0);
    wr(LVTT, DEADLINE | 0xec);
    wr(TMICT, 1000); /* ignored in this mode */
    assert_int_equal(rd(TMICT), 0);
    assert_int_equal(rd(TMCCT), 0);
    assert_int_equal(lapic_next_event_ns(&l), UINT64_MAX);
    uint64_t tsc = 2 * (clock_ns + 5000);
    lapic_write_tsc_deadline(&l, tsc);
    assert_int_equal(lapic_read_tsc_deadline(&l), tsc);
    assert_int_equal(lapic_next_event_ns(&l), clock_ns + 5000);
    clock_ns += 4999;
    lapic_update(&l);
    assert_int_equal(lapic_pending(&l), -1);
    clock_ns += 1;
    lapic_update(&l);
    assert_int_equal(take(), 0xec);
    wr(EOI, 0);
    assert_int_equal(lapic_read_tsc_deadline(&l), 0); /* fired: disarmed */
    assert_int_equal(lapic_next_event_ns(&l), UINT64_MAX);
    /* a deadline in the past fires at once */
    lapic_write_tsc_deadline(&l, 2 * clock_ns - 100);
    assert_int_equal(take(), 0xec);
    wr(EOI, 0);
    /* 0 disarms */
    lapic_write_tsc_deadline(&l, 2 * clock_ns + 100);
    lapic_write_tsc_deadline(&l, 0);
    clock_ns += 1000;
    lapic_update(&l);
    assert_int_equal(lapic_pending(&l), -1);
    /* leaving the mode disarms */
    lapic_write_tsc_deadline(&l, 2 * clock_ns + 100);
    wr(LVTT, 0xec);
    assert_int_equal(lapic_read_tsc_deadline(&l), 0);
    clock_ns += 1000;
    lapic_update(&l);
    assert_int_equal(lapic_pending(&l), -1);
    /* a masked deadline passes silently */
    wr(LVTT, DEADLINE | MASKED | 0xec);
    lapic_write_tsc_deadline(&l, 2 * clock_ns + 100);
    assert_int_equal(lapic_next_event_ns(&l), UINT64_MAX);
    clock_ns += 1000;
    lapic_update(&l);
    assert_int_equal(lapic_pending(&l), -1);
    assert_int_equal(lapic_read_tsc_deadline(&l), 0);
}

static void test_timer_masked(void **state)
{
    wr(TDCR, 0xb);
    wr(LVTT, MASKED | 0x30);
    wr(TMICT, 1000);
    assert_int_equal(lapic_next_event_ns(&l), UINT64_MAX);
    clock_ns += 400;
    assert_int_equal(rd(TMCCT), 600); /* counts anyway */
    clock_ns += 1000;
    lapic_update(&l);
    assert_int_equal(lapic_pending(&l), -1);
    assert_int_equal(rd(TMCCT), 0);
    wr(LVTT, 0x30); /* unmasked after the expiry: nothing */
    lapic_update(&l);
    assert_int_equal(lapic_pending(&l), -1);
    /* Linux's calibration: periodic, masked, maximum count, read the count */
    wr(TDCR, 0x3);
    wr(LVTT, MASKED | PERIODIC | 0xec);
    wr(TMICT, 0x0fffffff);
    clock_ns += 100000000; /* 100 ms: 6.25 M ticks at 62.5 MHz */
    assert_int_equal(rd(TMCCT), 0x0fffffff - 6250000);
}

static void test_divide_change(void **state)
{
    wr(TDCR, 0xb);
    wr(LVTT, 0x30);
    wr(TMICT, 1000);
    clock_ns += 400;
    assert_int_equal(rd(TMCCT), 600);
    wr(TDCR, 0x0); /* divide by 2: the count stays */
    assert_int_equal(rd(TMCCT), 600);
    assert_int_equal(lapic_next_event_ns(&l), clock_ns + 1200);
    clock_ns += 400;
    assert_int_equal(rd(TMCCT), 400);
    wr(TDCR, 0x8); /* divide by 32 */
    clock_ns += 32 * 399;
    assert_int_equal(rd(TMCCT), 1);
    clock_ns += 32;
    lapic_update(&l);
    assert_int_equal(take(), 0x30);
    /* each divide value */
    static const struct {
        uint32_t tdcr, div;
    } divs[] = { { 0x0, 2 },  { 0x1, 4 },  { 0x2, 8 },   { 0x3, 16 },
                 { 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 } };
    for (unsigned i = 0; i < 8; i++) {
        wr(TDCR, divs[i].tdcr);
        wr(TMICT, 100);
        assert_int_equal(lapic_next_event_ns(&l), clock_ns + 100 * divs[i].div);
    }
}

/* A timer base clock that is not 1 GHz: 100 MHz, 10 ns a tick. */
static void test_timer_hz(void **state)
{
    lapic_init(&l, 0, 100000000, (struct vmm_clock){ fake_now, NULL }, (struct lapic_tsc){ NULL, NULL },
               (struct lapic_eoi){ NULL, NULL });
    wr(TDCR, 0xb);
    wr(LVTT, 0x30);
    wr(TMICT, 1000);
    assert_int_equal(lapic_next_event_ns(&l), clock_ns + 10000);
    clock_ns += 5005;
    assert_int_equal(rd(TMCCT), 500);
    /* TSC deadline with no conversion: the TSC counts ns */
    wr(LVTT, DEADLINE | 0x31);
    lapic_write_tsc_deadline(&l, clock_ns + 7);
    assert_int_equal(lapic_next_event_ns(&l), clock_ns + 7);
}

static void test_svr_disable(void **state)
{
    wr(TDCR, 0xb);
    wr(LVTT, 0x30);
    wr(TMICT, 1000);
    wr(LVTERR, 0xfe);
    lapic_set_irq(&l, 0x50, false);
    wr(SVR, 0xff); /* software disable */
    for (unsigned r = LVTT; r <= LVTERR; r += 0x10)
        assert_true(rd(r) & MASKED);
    assert_false(lapic_extint_enabled(&l));
    wr(LVTT, 0x30); /* cannot unmask */
    assert_true(rd(LVTT) & MASKED);
    lapic_set_irq(&l, 0x60, false); /* not accepted */
    wr(ICR_LO, 0x40000 | 0x61);     /* nor IPIs */
    assert_false(bit(IRR, 0x60) || bit(IRR, 0x61));
    clock_ns += 2000;
    lapic_update(&l); /* the timer does not interrupt */
    assert_false(bit(IRR, 0x30));
    assert_int_equal(lapic_next_event_ns(&l), UINT64_MAX);
    assert_int_equal(take(), 0x50); /* held vectors still go */
    wr(EOI, 0);
    /* enabled again: the LVTs stay masked until written */
    wr(SVR, 0x1ff);
    assert_true(rd(LVTT) & MASKED);
    wr(LVTT, 0x30);
    assert_int_equal(rd(LVTT), 0x30);
    lapic_set_irq(&l, 0x60, false);
    assert_int_equal(take(), 0x60);
}

static void test_ipi(void **state)
{
    wr(ICR_HI, 0);
    wr(ICR_LO, 0x40000 | 0x40); /* shorthand self, fixed */
    assert_true(bit(IRR, 0x40));
    assert_int_equal(rd(ICR_LO), 0x40040); /* delivery status 0 */
    wr(ICR_LO, 0x41);                      /* physical destination 0: me */
    assert_true(bit(IRR, 0x41));
    wr(ICR_HI, 0x01000000);
    wr(ICR_LO, 0x42); /* APIC 1: nobody */
    wr(ICR_LO, 0xc0000 | 0x43); /* all excluding self */
    wr(ICR_LO, 0x40000 | 0x500 | 0x44); /* INIT to self */
    wr(ICR_LO, 0x40000 | 0x600 | 0x45); /* SIPI to self */
    assert_false(bit(IRR, 0x42) || bit(IRR, 0x43) || bit(IRR, 0x44) || bit(IRR, 0x45));
    wr(ICR_LO, 0x80000 | 0x46); /* all including self */
    assert_true(bit(IRR, 0x46));
    wr(ICR_HI, 0xff000000);
    wr(ICR_LO, 0x47); /* broadcast */
    assert_true(bit(IRR, 0x47));
    /* logical, flat model: Linux's LDR for CPU 0 */
    wr(LDR, 0x01000000);
    wr(ICR_HI, 0x01000000);
    wr(ICR_LO, 0x800 | 0x48);
    wr(ICR_HI, 0x02000000);
    wr(ICR_LO, 0x800 | 0x49);
    assert_true(bit(IRR, 0x48));
    assert_false(bit(IRR, 0x49));
    /* cluster model: cluster 1, member bit 0 */
    wr(DFR, 0x0fffffff);
    wr(LDR, 0x11000000);
    wr(ICR_HI, 0x13000000);
    wr(ICR_LO, 0x800 | 0x4a);
    wr(ICR_HI, 0x21000000);
    wr(ICR_LO, 0x800 | 0x4b);
    assert_true(bit(IRR, 0x4a));
    assert_false(bit(IRR, 0x4b));
    /* NMI to self */
    assert_false(lapic_take_nmi(&l));
    wr(ICR_LO, 0x40000 | 0x400 | 2);
    assert_true(lapic_take_nmi(&l));
    assert_false(lapic_take_nmi(&l));
    /* the edge IPIs leave TMR clear */
    assert_int_equal(rd(TMR + 0x20), 0);
}

static void test_apic_base_msr(void **state)
{
    assert_int_equal(lapic_write_apic_base(&l, 0xfee00900 | 1), CAIRN_EINVAL);     /* reserved */
    assert_int_equal(lapic_write_apic_base(&l, 0xfee00900 | 0x400), CAIRN_EINVAL); /* x2APIC */
    assert_int_equal(lapic_read_apic_base(&l), 0xfee00900);
    wr(TPR, 0x20);
    lapic_set_irq(&l, 0x50, false);
    assert_int_equal(lapic_write_apic_base(&l, 0xfee00100), CAIRN_OK); /* global disable */
    assert_false(lapic_enabled(&l));
    assert_int_equal(lapic_read_apic_base(&l), 0xfee00100);
    assert_true(lapic_extint_enabled(&l));
    assert_int_equal(lapic_pending(&l), -1);
    assert_int_equal(rd(VERSION), 0); /* the page is gone */
    wr(TPR, 0x30);
    lapic_set_irq(&l, 0x60, false);
    assert_int_equal(lapic_write_apic_base(&l, 0xfee00900), CAIRN_OK);
    assert_true(lapic_enabled(&l));
    assert_int_equal(rd(VERSION), 0x00050014);
    assert_int_equal(rd(TPR), 0);
    assert_int_equal(rd(SVR), 0xff); /* power-on state: software disabled */
    assert_int_equal(rd(LVT0), MASKED);
    assert_false(lapic_extint_enabled(&l));
    assert_int_equal(rd(IRR + 0x20) | rd(IRR + 0x30), 0);
    assert_int_equal(lapic_pending(&l), -1);
}

static void test_random(void **state)
{
    static const unsigned regs[] = { ID, TPR, EOI, LDR, DFR, SVR, ESR, ICR_LO, ICR_HI, LVTT,
                                     LVTERR, TMICT, TMCCT, TDCR, ISR + 0x70, IRR };
    uint64_t seed = 11;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t r = host_rand(&seed);
        unsigned reg = regs[(r >> 8) % 16];
        uint32_t v = (uint32_t)(r >> 32);
        switch (r & 7) {
        case 0:
            lapic_read(&l, reg, (r >> 16) & 1 ? 4 : (unsigned)(r >> 17) & 7);
            break;
        case 1:
            lapic_write(&l, reg, 4, v);
            break;
        case 2:
            lapic_set_irq(&l, (uint8_t)v, v & 0x100);
            break;
        case 3:
            lapic_ack(&l);
            break;
        case 4:
            clock_ns += (r >> 40) & 0xffff;
            lapic_update(&l);
            assert_true(lapic_next_event_ns(&l) > clock_ns);
            break;
        case 5:
            lapic_write_tsc_deadline(&l, 2 * clock_ns + (v & 0xfff));
            break;
        case 6:
            if ((v & 0xff) == 0)
                lapic_write_apic_base(&l, v & 1 ? 0xfee00900 : 0xfee00100);
            break;
        default:
            lapic_set_tpr(&l, (uint8_t)v);
        }
        int p = lapic_pending(&l);
        assert_true(p == -1 || (p >= 16 && p < 256));
        assert_int_equal(l.irr[0] & 0xffff, 0);
        assert_int_equal(l.isr[0] & 0xffff, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_registers, setup),
        cmocka_unit_test_setup(test_ppr_tpr, setup),
        cmocka_unit_test_setup(test_priority_order, setup),
        cmocka_unit_test_setup(test_eoi_level, setup),
        cmocka_unit_test_setup(test_quiet_eoi, setup),
        cmocka_unit_test_setup(test_illegal_vector_esr, setup),
        cmocka_unit_test_setup(test_timer_oneshot, setup),
        cmocka_unit_test_setup(test_timer_periodic, setup),
        cmocka_unit_test_setup(test_timer_deadline, setup),
        cmocka_unit_test_setup(test_timer_masked, setup),
        cmocka_unit_test_setup(test_divide_change, setup),
        cmocka_unit_test_setup(test_timer_hz, setup),
        cmocka_unit_test_setup(test_svr_disable, setup),
        cmocka_unit_test_setup(test_ipi, setup),
        cmocka_unit_test_setup(test_apic_base_msr, setup),
        cmocka_unit_test_setup(test_random, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
