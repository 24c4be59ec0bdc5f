/*
 * The paravirtual interface (pv): the part of KVM's that an unmodified
 * Linux finds by itself (CPUID 0x40000000) and uses, each piece complete
 * as KVM's documentation (Documentation/virt/kvm/x86/cpuid.rst, msr.rst)
 * describes it. Each saves exits a PC's devices would cost:
 *
 *   CPUID 0x40000000   "KVMKVMKVM\0\0\0", highest leaf 0x40000001 (Linux's
 *                      search for KVM ends at the first leaf it tries)
 *   CPUID 0x40000001   eax: the features below; edx: no hints
 *   NOP_IO_DELAY       port I/O needs no delay: no writes to port 0x80
 *   CLOCKSOURCE2       kvmclock (hw/pvclock.h): MSR 0x4b564d01 places the
 *                      time info, MSR 0x4b564d00 the wall clock; the guest
 *                      reads the TSC's frequency there instead of timing
 *                      it against the PIT
 *   CLOCKSOURCE_STABLE the time info's "TSC stable" flag: one vCPU, and
 *                      the TSC the host's, offset
 *   PV_EOI             (with a local APIC) MSR 0x4b564d04: the EOI of an
 *                      edge-triggered interrupt signalled by clearing a
 *                      bit in guest RAM instead of an exit on the EOI
 *                      register
 *
 * kvmclock is the devices' clock (time.c): at each write of the time info
 * (its MSR, a write of the guest's TSC) system_time is that clock's ns
 * and tsc_timestamp the guest's TSC at the same instant, scaled by
 * Cairn's TSC frequency. The wall clock is the RTC's time of day when
 * that clock read 0. Nothing else of KVM is offered (no async page
 * faults, steal time, PV spinlocks, TLB flush or IPIs, no hypercalls).
 *
 * PV EOI, as KVM does it: after each exit, once the interrupts are
 * injected, the VMM sets bit 0 of the guest's word if the highest vector
 * in service needs nothing from its EOI but its ISR bit cleared
 * (lapic_quiet_eoi_vector). The guest clears the bit instead of writing
 * the EOI register. At the next exit, before anything else, the VMM
 * looks: bit clear, the guest did its EOI, the VMM does it in the APIC;
 * bit still set, the VMM clears it and the guest's EOI goes to the
 * register as usual. The vCPU does not run meanwhile; no new interrupt
 * reaches it between the two, so the EOI is the one of that vector.
 */
#include "vmm.h"
#include <cairn/runtime.h>
#include <cairn/time.h>
#include "hw/pvclock.h"
#include "pv.h"

#define PV_MSR_ENABLED 1ull

void vmm_pv_cpuid(uint32_t leaf, uint32_t r[4], bool apic)
{
    r[0] = r[1] = r[2] = r[3] = 0;
    if (leaf == PV_CPUID_SIGNATURE) {
        r[0] = PV_CPUID_FEATURES;
        r[1] = 0x4b4d564bu; /* "KVMK" */
        r[2] = 0x564b4d56u; /* "VMKV" */
        r[3] = 0x0000004du; /* "M\0\0\0" */
    } else if (leaf == PV_CPUID_FEATURES) {
        r[0] = PV_FEATURE_NOP_IO_DELAY | PV_FEATURE_CLOCKSOURCE2 | PV_FEATURE_CLOCK_STABLE |
               (apic ? PV_FEATURE_PV_EOI : 0);
    }
}

bool vmm_pv_msr_is(uint32_t msr)
{
    return msr == PV_MSR_WALL_CLOCK || msr == PV_MSR_SYSTEM_TIME || msr == PV_MSR_EOI_EN;
}

/* The wall clock: the RTC's time of day when the devices' clock read 0. */
static void vmm_pv_wall(uint8_t *p)
{
    uint64_t wall = vmm.rtc.base_s > 0 ? (uint64_t)vmm.rtc.base_s * 1000000000ull : 0;
    pvclock_write_wall(p, wall > vmm.rtc.base_ns ? wall - vmm.rtc.base_ns : 0);
}

void vmm_pv_clock_update(void)
{
    uint8_t *p = vmm_mem_ptr(&vmm.mem, vmm.pv_time & ~PV_MSR_ENABLED, PVCLOCK_TIME_SIZE);
    if (!(vmm.pv_time & PV_MSR_ENABLED) || !p)
        return;
    uint64_t tsc, ns = vmm_now_guest_tsc(&tsc);
    pvclock_write_time(p, tsc, ns, pvclock_scale(cairn_tsc_khz()), PVCLOCK_TSC_STABLE);
}

/* Check, then act: a guest-physical area must be 4-byte aligned and
 * inside guest RAM (else #GP). */
static bool vmm_pv_area_ok(uint64_t gpa, uint64_t size)
{
    return !(gpa & 3) && vmm_mem_ptr(&vmm.mem, gpa, size);
}

cairn_status_t vmm_pv_msr(uint32_t msr, bool write, uint64_t *value)
{
    uint64_t v = *value;
    switch (msr) {
    case PV_MSR_WALL_CLOCK:
        if (write && !vmm_pv_area_ok(v, PVCLOCK_WALL_SIZE))
            return CAIRN_EINVAL;
        if (write)
            vmm.pv_wall = v, vmm_pv_wall(vmm_mem_ptr(&vmm.mem, v, PVCLOCK_WALL_SIZE));
        *value = vmm.pv_wall;
        return CAIRN_OK;
    case PV_MSR_SYSTEM_TIME:
        if (write && (v & PV_MSR_ENABLED) && !vmm_pv_area_ok(v & ~PV_MSR_ENABLED, PVCLOCK_TIME_SIZE))
            return CAIRN_EINVAL;
        if (write)
            vmm.pv_time = v, vmm_pv_clock_update();
        *value = vmm.pv_time;
        return CAIRN_OK;
    case PV_MSR_EOI_EN:
        if (!vmm.apic || (write && (v & 2)))
            return CAIRN_EINVAL; /* bit 1 is reserved */
        if (write && (v & PV_MSR_ENABLED) && !vmm_pv_area_ok(v & ~3ull, 4))
            return CAIRN_EINVAL;
        if (write)
            vmm.pv_eoi = v; /* vmm_pv_eoi_from_guest ran before: nothing is pending */
        *value = vmm.pv_eoi;
        return CAIRN_OK;
    default:
        return CAIRN_EINVAL;
    }
}

/* The guest's PV EOI byte (bit 0 is the flag), or NULL if it is off. */
static volatile uint8_t *vmm_pv_eoi_byte(void)
{
    if (!(vmm.pv_eoi & PV_MSR_ENABLED))
        return 0;
    return vmm_mem_ptr(&vmm.mem, vmm.pv_eoi & ~3ull, 4);
}

void vmm_pv_eoi_from_guest(void)
{
    volatile uint8_t *b = vmm_pv_eoi_byte();
    if (!vmm.pv_eoi_set || !b)
        return;
    vmm.pv_eoi_set = false;
    if (*b & 1)
        *b &= (uint8_t)~1u; /* not taken: the guest writes the EOI register */
    else
        lapic_eoi(&vmm.lapic); /* the guest's EOI, signalled in memory */
}

void vmm_pv_eoi_to_guest(void)
{
    volatile uint8_t *b = vmm_pv_eoi_byte();
    if (!b || vmm.pv_eoi_set || lapic_quiet_eoi_vector(&vmm.lapic) < 0)
        return;
    *b |= 1;
    vmm.pv_eoi_set = true;
}
