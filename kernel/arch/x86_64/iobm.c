/* I/O permission bitmaps (x86_64): a PD's port rights live in its own
 * bitmap, copied into the TSS of the CPU that runs it. */
#include "ec_arch.h"
#include "arch.h"
#include "cpu.h"
#include "ec.h"
#include "pd.h"
#include "smp.h"
#include "string.h"

void ec_arch_switch_io(struct cpu *c, struct pd *pd)
{
    memcpy(c->tss.iomap, pd->iobm, 8192);
    c->io_owner = pd;
}

/* pd's port bitmap changed. Every CPU whose TSS holds pd's bitmap gets
 * the new one copied in at once, under the kernel lock: the CPU reads
 * the bitmap at each IN/OUT, so a revoked port is gone on every CPU when
 * the call returns, and the ports pd keeps stay usable throughout (their
 * bits do not change). A CPU running pd without its bitmap is kicked.
 * Before, a thread of pd on another CPU went on using a revoked port
 * until that CPU switched PDs. */
void pd_arch_io_changed(struct pd *pd)
{
    struct cpu *me = cpu_this();
    for (unsigned i = 0; i < cpu_count; i++) {
        struct cpu *c = &cpus[i];
        if (c->io_owner == pd)
            ec_arch_switch_io(c, pd);
        else if (c != me && c->pc.cur && c->pc.cur->pd == pd)
            smp_kick(i); /* no bitmap of pd there yet: its next dispatch loads one */
    }
    if (me->pc.cur && me->pc.cur->pd == pd)
        ec_arch_switch(me->pc.cur); /* this CPU's TSS may not have pd's bitmap yet */
}
