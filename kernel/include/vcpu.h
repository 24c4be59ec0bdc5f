/* Virtual CPUs: all generic kernel code sees of the CPU's virtualization
 * extension. A vCPU is an EC with `ec->vcpu` set whose guest state lives
 * in the backend's control block (ec->vmcb); the backend, under
 * arch/<arch>/ (svm.c on x86_64), implements these hooks and maps its
 * exits to the events of cairn/abi.h (CAIRN_VM_*). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <cairn/utcb.h>

struct ec;

/* Boot CPU: turn the extension on. Returns the HIP features it offers
 * (CAIRN_HIP_F_*, 0 without one) and the address-space tags in *asids. */
uint32_t vcpu_arch_init(uint32_t *asids);
/* An AP's part of it; false when the machine has no extension on. */
bool vcpu_arch_init_cpu(unsigned cpu);
/* Once the APs are up (n CPUs): HIP features that restrict where vCPUs
 * run (CAIRN_HIP_F_VCPU_CPU0_OFF), else 0. */
uint32_t vcpu_arch_smp_check(unsigned n);
/* VM PDs may be made. */
bool vcpu_arch_available(void);
/* A vCPU may be made on `cpu`. */
bool vcpu_arch_cpu_ok(unsigned cpu);

/* A vCPU's control block, in the reset state; ENOMEM / EFEAT. */
int vcpu_arch_create(struct ec *ec);
/* Free a dead vCPU's control block (no CPU runs it). */
void vcpu_arch_destroy(struct ec *ec);
/* Run the vCPU until an exit its VMM must see; never returns. */
_Noreturn void vcpu_arch_run(struct ec *ec);
/* The state groups `mtd` selects, to and from an exit message. set
 * checks all of it first: a refused state changes nothing (EPAR). */
void vcpu_arch_get_state(struct ec *ec, struct cairn_exc *x, uint64_t mtd);
int vcpu_arch_set_state(struct ec *ec, const struct cairn_exc *x, uint64_t mtd);
/* Where the guest is (for reports). */
uint64_t vcpu_arch_ip(const struct ec *ec);
