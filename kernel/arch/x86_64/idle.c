/* The idle state of a CPU (x86_64). */
#include "arch.h"
#include "cpu.h"
#include "ec.h"
#include "pd.h"
#include "x86.h"

_Noreturn void idle_loop(void);

_Noreturn void cpu_arch_idle(void)
{
    struct cpu *c = cpu_this();
    c->pc.cur = NULL;
    if (c->space != &pd_kernel_space) { /* a dead PD's table must not wait for our next EC */
        c->space = &pd_kernel_space;
        write_cr3(pd_kernel_space.cr3);
    }
    idle_loop();
}

_Noreturn void arch_halt(void) { cpu_halt_forever(); }
