/* Hypervisor information page (HIP): built once at boot. */
#pragma once

#include <stdint.h>
#include <cairn/hip.h>

extern struct cairn_hip *hip;
extern uint64_t hip_tsc_khz;

void hip_init(unsigned cpus_found, uint64_t tsc_khz, uint32_t features, uint32_t asids,
              uint64_t boot_tsc);
