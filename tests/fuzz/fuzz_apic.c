// SOURCES: components/vmm/hw/lapic.c components/vmm/hw/ioapic.c
/*
 * libFuzzer target: the local APIC and IO-APIC models of
 * components/vmm/hw/, wired as the VMM wires them: the IO-APIC delivers
 * into the local APIC, the local APIC's EOI of a level-triggered vector
 * goes back to the IO-APIC. tools/fuzz.sh builds and runs it.
 *
 * The input is a sequence of 8-byte operations: MMIO reads and writes of
 * either chip (any offset and size, or one of its registers), IO-APIC
 * input lines, interrupts straight into the local APIC, the CPU taking
 * the pending vector, EOIs, clock steps, TSC-deadline and IA32_APIC_BASE
 * writes, CR8. The first byte picks the timer's base clock. Besides the
 * sanitizers, it checks what the models promise: the pending vector is
 * legal and above the PPR, and lapic_ack takes exactly it; vectors 0-15
 * never reach the IRR or ISR; the PPR is at least the TPR; after an update
 * the next timer event is in the future; the timer's count stays within
 * its initial count; a software-disabled APIC keeps its LVTs masked; only
 * level-triggered IO-APIC entries hold Remote IRR, and reserved bits stay 0.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../components/vmm/hw/ioapic.h"
#include "../../components/vmm/hw/lapic.h"
#include "fuzz.h"

static struct lapic lapic;
static struct ioapic ioapic;
static uint64_t clock_ns;

static uint64_t fake_now(void *ctx)
{
    return clock_ns;
}

/* A 3 GHz guest TSC. */
static uint64_t tsc_to_ns(void *ctx, uint64_t tsc)
{
    return tsc / 3;
}

static void deliver(void *ctx, uint8_t vector, bool level)
{
    lapic_set_irq(&lapic, vector, level);
}

static void eoi(void *ctx, uint8_t vector)
{
    ioapic_eoi(&ioapic, vector);
}

static const uint16_t lapic_regs[] = {
    0x020, 0x030, 0x080, 0x0a0, 0x0b0, 0x0d0, 0x0e0, 0x0f0, 0x100, 0x1f0, 0x200, 0x280,
    0x300, 0x310, 0x320, 0x350, 0x370, 0x380, 0x390, 0x3e0, 0x0b0, 0x0b0, 0x300, 0x320,
};

static void check(void)
{
    int p = lapic_pending(&lapic);
    uint32_t ppr = lapic_read(&lapic, 0xa0, 4);
    FUZZ_CHECK(p == -1 || (p >= 16 && p < 256 && ((unsigned)p & 0xf0) > (ppr & 0xf0)));
    FUZZ_CHECK(!(lapic.irr[0] & 0xffff) && !(lapic.isr[0] & 0xffff));
    if (lapic_enabled(&lapic))
        FUZZ_CHECK((ppr & 0xf0) >= (lapic.tpr & 0xf0));
    FUZZ_CHECK(!lapic.running || lapic.count <= lapic.tmict);
    FUZZ_CHECK(lapic_read(&lapic, 0x390, 4) <= lapic.tmict);
    if (!(lapic.svr & 0x100))
        for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
            FUZZ_CHECK(lapic.lvt[i] & 0x10000);
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t e = ioapic.redir[pin];
        FUZZ_CHECK(!(e & 0x4000) || (e & 0x8000));
        FUZZ_CHECK(!(e & 0x00fffffffffe1000ull));
    }
}

static unsigned mmio_size(uint8_t b)
{
    static const unsigned sizes[8] = { 4, 4, 4, 4, 1, 2, 8, 3 };
    return sizes[b & 7];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t hz[4] = { LAPIC_TIMER_HZ, 100000000, 25000000, 4000000000u };
    clock_ns = 1000;
    lapic_init(&lapic, 0, size ? hz[data[0] & 3] : 0, (struct vmm_clock){ fake_now, NULL },
               (struct lapic_tsc){ tsc_to_ns, NULL }, (struct lapic_eoi){ eoi, NULL });
    ioapic_init(&ioapic, 1, deliver, NULL);

    for (; size >= 8; data += 8, size -= 8) {
        uint8_t op = data[0] % 12;
        uint16_t off = (uint16_t)(data[1] | data[2] << 8);
        unsigned sz = mmio_size(data[3]);
        uint32_t val;
        memcpy(&val, data + 4, 4);
        uint64_t loff = (data[3] & 0x80) ? off : lapic_regs[data[1] % 24];
        uint64_t ioff = (data[3] & 0x80) ? off : (uint64_t)((data[1] % 3) == 2 ? 0x40 : (data[1] % 3) * 0x10);
        switch (op) {
        case 0:
            lapic_write(&lapic, loff, sz, val);
            break;
        case 1:
            lapic_read(&lapic, loff, sz);
            break;
        case 2:
            ioapic_write(&ioapic, ioff, sz, val);
            break;
        case 3:
            ioapic_read(&ioapic, ioff, sz);
            break;
        case 4:
            ioapic_set_irq(&ioapic, val % 26, (val >> 8) & 1);
            break;
        case 5:
            lapic_set_irq(&lapic, (uint8_t)val, (val >> 8) & 1);
            break;
        case 6: { /* the CPU takes the pending vector */
            int p = lapic_pending(&lapic);
            int v = lapic_ack(&lapic);
            FUZZ_CHECK(v == p);
            if (v >= 0)
                FUZZ_CHECK(lapic.isr[v >> 5] & (1u << (v & 31)));
            break;
        }
        case 7:
            lapic_write(&lapic, 0xb0, 4, 0);
            break;
        case 8: { /* time passes */
            clock_ns += (val & 0x80000000u) ? (uint64_t)(val & 0xffffff) << 16 : val;
            lapic_update(&lapic);
            FUZZ_CHECK(lapic_next_event_ns(&lapic) > clock_ns);
            break;
        }
        case 9: { /* to the next timer event */
            uint64_t next = lapic_next_event_ns(&lapic);
            if (next != UINT64_MAX && next > clock_ns)
                clock_ns = next;
            lapic_update(&lapic);
            FUZZ_CHECK(lapic_next_event_ns(&lapic) > clock_ns);
            break;
        }
        case 10: /* TSC deadline around now */
            lapic_write_tsc_deadline(&lapic, (val & 1) ? 0 : 3 * clock_ns + (val >> 1) - 0x1000);
            FUZZ_CHECK(lapic_next_event_ns(&lapic) > clock_ns);
            lapic_read_tsc_deadline(&lapic);
            break;
        default:
            if ((val & 3) == 0)
                lapic_write_apic_base(&lapic, ((uint64_t)val << 32 | val) & ~0x6ffull);
            else if ((val & 3) == 1)
                lapic_write_apic_base(&lapic, (uint64_t)val << 8);
            else if ((val & 3) == 2)
                lapic_set_tpr(&lapic, (uint8_t)(val >> 8));
            else
                lapic_take_nmi(&lapic);
            break;
        }
        check();
    }
    return 0;
}
