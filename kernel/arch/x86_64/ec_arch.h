/* EC, architecture half: the hooks generic code calls beyond arch.h. */
#pragma once

#include <stdint.h>
#include <cairn/utcb.h>

struct ec;

/* ec_arch_enter (prepare a handler to enter user mode at ip with its
 * stack, arg in rdi) is inline, in ec_arch_inline.h. */
struct regs;
/* The GPR groups of `mtd` between a register frame and `x`. */
void ec_arch_gprs_get(const struct regs *r, struct cairn_exc *x, uint64_t mtd);
void ec_arch_gprs_set(struct regs *r, const struct cairn_exc *x, uint64_t mtd);
/* Copy the groups `mtd` selects from the EC's frame into `x`. */
void ec_arch_get_state(struct ec *ec, struct cairn_exc *x, uint64_t mtd);
/* Write back the groups `mtd` selects; EPAR (and no change) if invalid. */
int ec_arch_set_state(struct ec *ec, const struct cairn_exc *x, uint64_t mtd);
const char *ec_arch_event_name(const struct ec *ec, unsigned evt);
/* Where the EC (or its guest) was. */
uint64_t ec_arch_ip(const struct ec *ec);
/* Give the physical FPU to `ec` (lazy switching, and before a guest runs). */
void ec_arch_fpu_take(struct ec *ec);
void fpu_init(void);
