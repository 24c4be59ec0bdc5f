/* EC, architecture half (x86_64): a fresh EC's frame, and when a dead
 * EC or PD may be freed. The rest is one concern a file: fpu.c, iobm.c,
 * tlb.c, idle.c, state.c (events' registers), intr.c (interrupts and
 * exceptions), svm.c (vCPUs). */
#include "ec_arch.h"
#include "arch.h"
#include "cpu.h"
#include "ec.h"
#include "pd.h"
#include "x86.h"

_Static_assert(sizeof(struct regs) % 16 == 0, "frame end must be 16-byte aligned");

void ec_arch_init(struct ec *ec, uint64_t ip, uint64_t sp)
{
    ec->regs = (struct regs){ .rip = ip, .rsp = sp, .cs = USER_CS, .ss = USER_SS,
                              .rflags = RFLAGS_IF | RFLAGS_FIXED, .vec = VEC_SYSCALL };
}

bool ec_arch_running(const struct ec *ec)
{
    for (unsigned i = 0; i < cpu_count; i++)
        if (cpus[i].pc.cur == ec)
            return true;
    return false;
}

bool ec_arch_in_use(struct ec *ec)
{
    for (unsigned i = 0; i < cpu_count; i++) {
        struct cpu *c = &cpus[i];
        if (c->pc.cur == ec || c->fpu_give == ec)
            return true;
        if (c->fpu_owner == ec)
            c->fpu_owner = NULL; /* as ec_arch_fpu_forget: its registers are nobody's now */
    }
    return false;
}

bool pd_arch_in_use(struct pd *pd)
{
    struct cpu *self = cpu_this();
    for (unsigned i = 0; i < cpu_count; i++) {
        struct cpu *c = &cpus[i];
        if (c->io_owner == pd)
            c->io_owner = NULL; /* a new PD at this address must not find its bitmap loaded */
        if (c->space == pd && c != self)
            return true; /* still in that CPU's CR3 until it switches */
    }
    if (self->space == pd) {
        self->space = &pd_kernel_space;
        write_cr3(pd_kernel_space.cr3);
    }
    return false;
}
