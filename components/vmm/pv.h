/*
 * The paravirtual interface the VMM offers (pv): KVM's, as documented in
 * Linux's Documentation/virt/kvm/x86/cpuid.rst and msr.rst, which an
 * unmodified Linux finds by itself. See pv.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <cairn/status.h>

#define PV_CPUID_SIGNATURE 0x40000000u /* eax: the highest leaf; "KVMKVMKVM\0\0\0" */
#define PV_CPUID_FEATURES  0x40000001u /* eax: feature bits; edx: hints (none) */

/* KVM feature bits offered (leaf 0x40000001 eax) */
#define PV_FEATURE_NOP_IO_DELAY  (1u << 1)
#define PV_FEATURE_CLOCKSOURCE2  (1u << 3)
#define PV_FEATURE_PV_EOI        (1u << 6)
#define PV_FEATURE_CLOCK_STABLE  (1u << 24)

#define PV_MSR_WALL_CLOCK  0x4b564d00u
#define PV_MSR_SYSTEM_TIME 0x4b564d01u
#define PV_MSR_EOI_EN      0x4b564d04u

/* The hypervisor leaves for CPUID leaf (0x40000000-0x4fffffff) in r;
 * apic: the guest has a local APIC (PV EOI is offered only then). */
void vmm_pv_cpuid(uint32_t leaf, uint32_t r[4], bool apic);

/* Is msr one of the paravirtual MSRs? */
bool vmm_pv_msr_is(uint32_t msr);
/* RDMSR/WRMSR of one of them; CAIRN_EINVAL: the guest gets #GP. */
cairn_status_t vmm_pv_msr(uint32_t msr, bool write, uint64_t *value);

/* PV EOI, around every exit: did the guest signal the EOI it was allowed
 * to skip (then the VMM does it), and may it skip the next one? */
void vmm_pv_eoi_from_guest(void);
void vmm_pv_eoi_to_guest(void);

/* The guest's TSC changed (it wrote the TSC): rewrite the clock. */
void vmm_pv_clock_update(void);
