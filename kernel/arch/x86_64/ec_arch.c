/* EC, architecture half (x86_64): entering and leaving user mode, state
 * transfer for events, interrupts and exceptions, lazy FPU switching. */
#include "ec_arch.h"
#include <stddef.h>
#include <cairn/abi.h>
#include "arch.h"
#include "console.h"
#include "cpu.h"
#include "ec.h"
#include "irq.h"
#include "paging.h"
#include "pd.h"
#include "sched.h"
#include "string.h"
#include "svm.h"
#include "smp.h"
#include "x86.h"

_Noreturn void idle_loop(void);

static struct fpu_state fpu_initial;

_Static_assert(sizeof(struct regs) % 16 == 0, "frame end must be 16-byte aligned");

#define RFLAGS_USER   0xdd5ull /* CF PF AF ZF SF TF DF OF */

static inline int canonical_user(uint64_t a) { return a < CAIRN_USER_END; }

void ec_arch_init(struct ec *ec, uint64_t ip, uint64_t sp)
{
    ec->regs = (struct regs){ .rip = ip, .rsp = sp, .cs = USER_CS, .ss = USER_SS,
                              .rflags = RFLAGS_IF | RFLAGS_FIXED, .vec = VEC_SYSCALL };
}

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

void pd_arch_flush(struct pd *pd, uint64_t va, uint64_t size)
{
    if (cpu_count > 1)
        smp_tlb_shootdown(); /* the PD may be loaded on another CPU */
    if (cpu_this()->space != pd)
        return; /* a PD not loaded here has no TLB entries here (no PCID) */
    if (size > 64 * PAGE_SIZE) {
        write_cr3(pd->cr3);
        return;
    }
    for (uint64_t a = va; a < va + size; a += PAGE_SIZE)
        invlpg(a);
}

void ec_arch_fpu_forget(struct ec *ec)
{
    struct cpu *c = &cpus[ec->cpu];
    if (c->fpu_owner == ec)
        c->fpu_owner = NULL;
}

/* This CPU's FPU registers back to their owner's memory; the next FPU
 * use here traps (#NM) and loads whoever uses it. */
void fpu_release(struct cpu *c)
{
    if (!c->fpu_owner)
        return;
    write_cr0(read_cr0() & ~(uint64_t)CR0_TS);
    __asm__ volatile("fxsave64 %0" : "=m"(c->fpu_owner->fpu));
    write_cr0(read_cr0() | CR0_TS);
    c->fpu_trap = true;
    c->fpu_owner = NULL;
}

void arch_ec_leave_cpu(struct ec *ec)
{
    if (cpus[ec->cpu].fpu_owner != ec)
        return;
    if (ec->cpu == percpu()->id)
        fpu_release(&cpus[ec->cpu]);
    else
        smp_fpu_release(ec->cpu, ec);
}

/* #NM: hand the FPU to the current EC. */
void ec_arch_fpu_take(struct ec *ec)
{
    struct cpu *c = cpu_this();
    if (c->fpu_owner == ec && !c->fpu_trap)
        return;
    write_cr0(read_cr0() & ~(uint64_t)CR0_TS);
    c->fpu_trap = false;
    if (c->fpu_owner == ec)
        return;
    if (c->fpu_owner)
        __asm__ volatile("fxsave64 %0" : "=m"(c->fpu_owner->fpu));
    if (!ec->fpu_used) {
        ec->fpu = fpu_initial;
        ec->fpu_used = true;
    }
    __asm__ volatile("fxrstor64 %0" ::"m"(ec->fpu));
    c->fpu_owner = ec;
}

void fpu_init(void)
{
    write_cr0(read_cr0() & ~(uint64_t)CR0_TS);
    __asm__ volatile("fninit; fxsave64 %0" : "=m"(fpu_initial));
    write_cr0(read_cr0() | CR0_TS);
}

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

/* ---- state transfer (events) ---------------------------------------------- */

/* The general-purpose registers, for threads and vCPUs alike. */
void ec_arch_gprs_get(const struct regs *r, struct cairn_exc *x, uint64_t mtd)
{
    if (mtd & CAIRN_MTD_GPR_ACDB)
        x->rax = r->rax, x->rcx = r->rcx, x->rdx = r->rdx, x->rbx = r->rbx;
    if (mtd & CAIRN_MTD_GPR_BSD)
        x->rbp = r->rbp, x->rsi = r->rsi, x->rdi = r->rdi;
    if (mtd & CAIRN_MTD_GPR_R8_R15)
        x->r8 = r->r8, x->r9 = r->r9, x->r10 = r->r10, x->r11 = r->r11,
        x->r12 = r->r12, x->r13 = r->r13, x->r14 = r->r14, x->r15 = r->r15;
}

void ec_arch_gprs_set(struct regs *r, const struct cairn_exc *x, uint64_t mtd)
{
    if (mtd & CAIRN_MTD_GPR_ACDB)
        r->rax = x->rax, r->rcx = x->rcx, r->rdx = x->rdx, r->rbx = x->rbx;
    if (mtd & CAIRN_MTD_GPR_BSD)
        r->rbp = x->rbp, r->rsi = x->rsi, r->rdi = x->rdi;
    if (mtd & CAIRN_MTD_GPR_R8_R15)
        r->r8 = x->r8, r->r9 = x->r9, r->r10 = x->r10, r->r11 = x->r11,
        r->r12 = x->r12, r->r13 = x->r13, r->r14 = x->r14, r->r15 = x->r15;
}

void ec_arch_get_state(struct ec *ec, struct cairn_exc *x, uint64_t mtd)
{
    if (ec->vcpu) {
        vcpu_arch_get_state(ec, x, mtd);
        return;
    }
    const struct regs *r = &ec->regs;
    x->mtd = mtd & CAIRN_MTD_EC_ALL;
    x->event = ec->event;
    ec_arch_gprs_get(r, x, mtd);
    if (mtd & CAIRN_MTD_RSP)
        x->rsp = r->rsp;
    if (mtd & CAIRN_MTD_RIP)
        x->rip = r->rip, x->inst_len = 0;
    if (mtd & CAIRN_MTD_RFLAGS)
        x->rflags = r->rflags;
    if (mtd & CAIRN_MTD_QUAL)
        x->qual[0] = ec->qual[0], x->qual[1] = ec->qual[1];
    if (mtd & CAIRN_MTD_FS_GS) {
        x->fs = (struct cairn_seg){ .sel = 0, .base = 0 };
        x->gs = (struct cairn_seg){ .sel = 0, .base = 0 };
    }
}

int ec_arch_set_state(struct ec *ec, const struct cairn_exc *x, uint64_t mtd)
{
    if (ec->vcpu)
        return vcpu_arch_set_state(ec, x, mtd);
    struct regs *r = &ec->regs;
    /* check first: nothing changes unless all of it is acceptable */
    if ((mtd & CAIRN_MTD_RIP) && !canonical_user(x->rip))
        return CAIRN_EPAR;
    if ((mtd & CAIRN_MTD_RSP) && !canonical_user(x->rsp) && x->rsp != CAIRN_USER_END)
        return CAIRN_EPAR;
    ec_arch_gprs_set(r, x, mtd);
    if (mtd & CAIRN_MTD_RSP)
        r->rsp = x->rsp;
    if (mtd & CAIRN_MTD_RIP)
        r->rip = x->rip;
    if (mtd & CAIRN_MTD_RFLAGS)
        r->rflags = (x->rflags & RFLAGS_USER) | RFLAGS_IF | RFLAGS_FIXED;
    r->vec = VEC_EVENT; /* every register as set: return by iret */
    return CAIRN_OK;
}

/* ---- interrupts and exceptions ------------------------------------------- */

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS",
    "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static const char *const vm_names[CAIRN_VM_EVT_COUNT] = {
    "startup", "I/O", "nested page fault", "HLT", "CPUID", "MSR", "interrupt window", "VMMCALL",
    "shutdown (triple fault)", "invalid state", "recall", "exit",
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
    return ec->vcpu ? ((const struct vmcb *)ec->vmcb)->rip : ec->regs.rip;
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

/* ---- freeing ECs and PDs (kobj.c) ------------------------------------------ */

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
