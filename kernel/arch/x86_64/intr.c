/* Interrupts and exceptions (x86_64): from user mode (they may end in
 * an event for the EC) and from the kernel or its idle loop; event names
 * for reports. */
#include "ec_arch.h"
#include <cairn/abi.h>
#include "arch.h"
#include "console.h"
#include "cpu.h"
#include "ec.h"
#include "irq.h"
#include "sched.h"
#include "vcpu.h"
#include "x86.h"

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS",
    "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static const char *const vm_names[CAIRN_VM_EVT_COUNT] = {
    "startup", "I/O", "nested page fault", "HLT", "CPUID", "MSR", "interrupt window", "VMMCALL",
    "shutdown (triple fault)", "invalid state", "recall", "exit", "control register write",
};

const char *ec_arch_event_name(const struct ec *ec, unsigned evt)
{
    if (ec && ec->vcpu)
        return evt < CAIRN_VM_EVT_COUNT && vm_names[evt] ? vm_names[evt] : "exit";
    if (evt < 32 && exc_names[evt])
        return exc_names[evt];
    return evt == CAIRN_EVT_RECALL ? "recall" : "event";
}

uint64_t ec_arch_ip(const struct ec *ec)
{
    return ec->vcpu ? vcpu_arch_ip(ec) : ec->regs.rip;
}

_Noreturn void intr_user(struct regs *r);
_Noreturn void intr_user(struct regs *r)
{
    kernel_lock();
    struct ec *ec = cpu_this()->pc.cur;
    unsigned v = (unsigned)r->vec;
    if (v == VEC_KICK) { /* another CPU: a TLB flush (done in kernel_lock) or the run queue */
        apic_eoi();
        sched_dispatch();
    }
    if (v == VEC_TIMER) {
        apic_eoi();
        sched_timer();
    }
    if (v >= VEC_GSI_BASE && v < VEC_GSI_BASE + IRQ_MAX) {
        apic_eoi();
        irq_handle(v - VEC_GSI_BASE);
        ec_ret_user(ec);
    }
    if (v == 7) {
        ec_arch_fpu_take(ec);
        ec_ret_user(ec);
    }
    if (v == 1) { /* which breakpoint, or a single step: DR6 */
        ec->qual[0] = ec_arch_debug_status(ec);
        ec->qual[1] = 0;
        ec_event(ec, v);
    }
    if (v == 6 && ec_arch_foreign_syscall(ec)) {
        ec->qual[0] = ec->qual[1] = 0;
        ec_event(ec, CAIRN_EVT_SYSCALL);
    }
    if (v < 32) {
        ec->qual[0] = r->err;
        ec->qual[1] = v == 14 ? read_cr2() : 0;
        ec_event(ec, v);
    }
    if (v != VEC_SPURIOUS)
        apic_eoi();
    ec_ret_user(ec);
}

_Noreturn void intr_kernel(struct regs *r);
_Noreturn void intr_kernel(struct regs *r)
{
    unsigned v = (unsigned)r->vec;
    if (v >= 32) /* from the idle loop (no lock), or inside the kernel (ours) */
        kernel_lock();
    if (v == VEC_KICK) {
        apic_eoi();
        sched_dispatch();
    }
    if (v == VEC_TIMER) {
        apic_eoi();
        sched_timer();
    }
    if (v >= VEC_GSI_BASE && v < VEC_GSI_BASE + IRQ_MAX) {
        apic_eoi();
        irq_handle(v - VEC_GSI_BASE);
        sched_dispatch();
    }
    if (v < 32)
        panic("%s in kernel: rip=%lx err=%lx cr2=%lx rsp=%lx", ec_arch_event_name(0, v), r->rip,
              r->err, read_cr2(), r->rsp);
    if (v != VEC_SPURIOUS)
        apic_eoi();
    sched_dispatch();
}
