/* Per-CPU data (x86_64): reached through GS in the kernel. The first
 * fields are read by entry.S at fixed offsets (asm.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "asm.h"
#include "percpu.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
    uint8_t iomap[8192 + 1]; /* one bit per port, 1 = denied; final byte 0xff */
} __attribute__((packed));

struct cpu {
    uint64_t kstack_top;  /* CPU_KSTACK    */
    uint64_t user_rsp;    /* CPU_USER_RSP  */
    struct cpu *self;
    struct percpu pc;     /* generic per-CPU state */
    struct pd *space;     /* address space in CR3   */
    struct pd *io_owner;  /* whose ports are in the TSS bitmap */
    struct ec *fpu_owner;
    bool fpu_trap;        /* CR0.TS is set                   */
    bool tlb_flush;       /* another CPU asks for a TLB flush (smp.c) */
    struct ec *volatile fpu_give; /* another CPU asks for this EC's FPU state (smp.c) */
    unsigned apic_id;
    uint64_t fault_stack_top; /* NMI and #DF (IST 1) */
    uint64_t db_stack_top;    /* #DB (IST 2): entry.S, intr_db */
    uint64_t svm_host_pa; /* SVM: where VMRUN saves this CPU's host state */
    uint64_t timer_deadline; /* the local APIC timer's, in TSC ticks (0: off) */
    volatile uint64_t vmx_release; /* another CPU asks to VMCLEAR this VMCS (smp.c) */
    uint64_t gdt[8];
    struct tss tss __attribute__((aligned(16)));
};

#define MAX_CPUS 64
extern struct cpu cpus[MAX_CPUS];

static inline struct cpu *cpu_this(void)
{
    return (struct cpu *)cpu_base();
}

void cpu_init(unsigned id);
void cpu_protect_user(void);
void cpu_syscall_entry(void);
void idt_init(void);
void apic_init(void);
void apic_init_local(void);   /* an AP's own APIC, after apic_init on the BSP */
void apic_ipi(unsigned apic_id, uint32_t icr_low); /* a vector, or INIT/start-up */
extern uint64_t tsc_khz_boot;
struct acpi_madt_info;
void smp_boot(const struct acpi_madt_info *madt);
void fpu_release(struct cpu *c);
/* Have CPU cpu save ec's FPU registers (it holds them) and wait. */
void smp_fpu_release(unsigned cpu, struct ec *ec);
/* Have CPU cpu VMCLEAR the VMCS at vmcs_pa if it is current there, and wait. */
void smp_vmx_release(unsigned cpu, uint64_t vmcs_pa);
void apic_eoi(void);
unsigned apic_id(unsigned cpu);
uint64_t apic_calibrate(void); /* returns TSC kHz */
