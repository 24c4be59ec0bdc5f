/* Lazy FPU switching (x86_64): an EC's FPU registers stay in the CPU
 * until another EC uses the FPU there (#NM, CR0.TS); an EC moving to
 * another CPU, or dying, first gets them back from the CPU that holds
 * them. */
#include "ec_arch.h"
#include "arch.h"
#include "cpu.h"
#include "ec.h"
#include "smp.h"
#include "string.h"
#include "x86.h"

static struct fpu_state fpu_initial;

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

/* ec_arch_fpu_take for an EC that does not own the FPU: the owner's
 * registers saved, ec's loaded. */
void ec_arch_fpu_switch(struct ec *ec)
{
    struct cpu *c = cpu_this();
    write_cr0(read_cr0() & ~(uint64_t)CR0_TS);
    c->fpu_trap = false;
    if (c->fpu_owner)
        __asm__ volatile("fxsave64 %0" : "=m"(c->fpu_owner->fpu));
    if (!ec->fpu_used) {
        ec->fpu = fpu_initial;
        ec->fpu_used = true;
    }
    __asm__ volatile("fxrstor64 %0" ::"m"(ec->fpu));
    c->fpu_owner = ec;
}

/* A thread's FPU registers (MTD_FPU) as FXSAVE stores them, back from
 * the CPU that holds them first. */
void ec_arch_fpu_get(struct ec *ec, uint8_t *out)
{
    arch_ec_leave_cpu(ec);
    memcpy(out, ec->fpu_used ? ec->fpu.data : fpu_initial.data, sizeof(ec->fpu.data));
}

/* An FXSAVE image's MXCSR, read once into *mxcsr: CAIRN_EPAR if it sets
 * a bit the CPU does not have (FXRSTOR would fault in the kernel). */
int ec_arch_fpu_check(const uint8_t *in, uint32_t *mxcsr)
{
    uint32_t mask;
    memcpy(mxcsr, in + 24, 4);
    memcpy(&mask, fpu_initial.data + 28, 4); /* MXCSR_MASK; 0: the default */
    return *mxcsr & ~(mask ? mask : 0xffbfu) ? CAIRN_EPAR : CAIRN_OK;
}

/* Set them from `in` with the MXCSR checked before (another thread of
 * the handler may change `in` meanwhile: the checked value goes last). */
void ec_arch_fpu_set(struct ec *ec, const uint8_t *in, uint32_t mxcsr)
{
    arch_ec_leave_cpu(ec); /* no CPU keeps an older copy to save over it */
    memcpy(ec->fpu.data, in, sizeof(ec->fpu.data));
    memcpy(ec->fpu.data + 24, &mxcsr, 4);
    ec->fpu_used = true;
}

void fpu_init(void)
{
    write_cr0(read_cr0() & ~(uint64_t)CR0_TS);
    __asm__ volatile("fninit; fxsave64 %0" : "=m"(fpu_initial));
    write_cr0(read_cr0() | CR0_TS);
}
