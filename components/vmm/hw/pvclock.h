/*
 * KVM's paravirtual clock (pvclock): the time structures a hypervisor
 * keeps in guest RAM for the guest to read without an exit, as Linux's
 * kvmclock reads them (the layout of KVM's Documentation/virt/kvm/x86/
 * msr.rst, MSR_KVM_SYSTEM_TIME_NEW and MSR_KVM_WALL_CLOCK_NEW).
 *
 * Time info, 32 bytes, written for one vCPU:
 *
 *    0  u32 version            odd while the hypervisor writes
 *    8  u64 tsc_timestamp      the guest's TSC ...
 *   16  u64 system_time        ... when the clock read this (ns)
 *   24  u32 tsc_to_system_mul  ns = ((tsc - tsc_timestamp) << shift) * mul >> 32
 *   28  s8  tsc_shift          (a negative shift shifts right)
 *   29  u8  flags              bit 0: TSC stable (the same on every vCPU)
 *
 * The guest reads the clock as system_time + the scaled TSC delta,
 * retrying while the version is odd or changed. Wall clock, 12 bytes:
 * u32 version, u32 sec, u32 nsec, the time of day when the clock read 0.
 */
#pragma once

#include <stdint.h>

#define PVCLOCK_TIME_SIZE 32u
#define PVCLOCK_WALL_SIZE 12u
#define PVCLOCK_TSC_STABLE 1u

/* The scale of a TSC of tsc_khz (> 0) into ns: mul and shift. */
struct pvclock_scale {
    uint32_t mul;
    int8_t shift;
};
struct pvclock_scale pvclock_scale(uint64_t tsc_khz);

/* ns of the clock for tsc ticks (the guest's computation). */
uint64_t pvclock_scale_delta(struct pvclock_scale s, uint64_t ticks);

/* Write the time info at p: the clock read ns when the guest's TSC read
 * tsc. The version goes odd, the fields change, the version goes even. */
void pvclock_write_time(uint8_t *p, uint64_t tsc, uint64_t ns, struct pvclock_scale s,
                        uint8_t flags);

/* Write the wall clock at p: the clock's 0 was wall_ns after 1970. */
void pvclock_write_wall(uint8_t *p, uint64_t wall_ns);
