/* The CPUID the guest sees: the host's, filtered (see cpuid.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* r = {eax, ebx, ecx, edx} as the host's CPUID returned them for
 * (leaf, sub); filtered in place. apic: offer the local APIC. */
void vmm_cpuid_filter(uint32_t leaf, uint32_t sub, uint32_t r[4], bool apic);
