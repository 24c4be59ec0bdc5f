/* The architecture interface: what generic kernel code asks of the CPU.
 * Implemented under arch/<arch>/. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct ec;
struct pd;

/* Start-up, in this order around the generic steps (core/main.c):
 * arch_boot_cpu: the boot CPU's paging, descriptor tables and FPU, before
 * the memory allocator; arch_boot_platform: timers, the virtualization
 * extension, the other CPUs and interrupt routing, after it. */
struct arch_boot {
    unsigned cpus_found;
    uint64_t tsc_khz;
    uint32_t features, asids;  /* the HIP's CAIRN_HIP_F_* and svm_asids */
    uint8_t isa_gsi[16];       /* the GSI of each ISA IRQ               */
    const char *rsdp_from;     /* who gave the ACPI root pointer, or NULL */
    bool madt;                 /* ACPI listed the CPUs and interrupt controllers */
};
void arch_boot_cpu(void);
void arch_boot_platform(struct arch_boot *b);
/* The arch's lines of the boot report. */
void arch_boot_report(const struct arch_boot *b);

_Noreturn void arch_halt(void);
uint64_t arch_time(void);              /* monotonic ticks (TSC)          */
void arch_timer_set(uint64_t deadline); /* one-shot interrupt at deadline */

/* On the IPC path, inline in the arch's ec_arch.h:
 *   ec_arch_ret_user(ec)  return to user mode in `ec`; never returns
 *   ec_arch_ret_syscall(ec)  the same for an EC that entered by syscall
 *   ec_arch_ret_handler(ec, ip, arg)  enter handler `ec` at ip, arg in the
 *                         first argument register, on its stack
 *   ec_arch_enter(ec, ip, arg)  the same into its frame, for later
 *   ec_arch_switch(ec)    make `ec` current: frame, address space, ports */
/* Set up a fresh EC's frame: user mode at ip with stack sp. */
void ec_arch_init(struct ec *ec, uint64_t ip, uint64_t sp);
/* Enter the idle loop on this CPU; never returns. */
_Noreturn void cpu_arch_idle(void);
/* Flush the TLB entries of `pd` for [va, va+size) on this CPU. */
void pd_arch_flush(struct pd *pd, uint64_t va, uint64_t size);
struct ec;
/* `ec` is about to run on another CPU: no CPU keeps its state (FPU). */
void arch_ec_leave_cpu(struct ec *ec);
/* Reload the I/O permission bitmap of `pd` if it is loaded. */
void pd_arch_io_changed(struct pd *pd);
/* Debug registers (breakpoints of threads), switched lazily: load those
 * of `ec`, or clear the CPU's if they may hold another EC's (the general
 * way back to user mode, ec_ret_general; both attn bytes say when). */
void ec_arch_debug_switch(struct ec *ec);
/* What the general way back to user mode switches for `ec`: its
 * breakpoints (above) and whether the syscall instruction is on (off for
 * a thread of a foreign-ABI PD, foreign.c). */
void ec_arch_user_switch(struct ec *ec);
/* A new thread of a foreign-ABI PD: it takes the general way back to
 * user mode, with the syscall instruction off, and never leaves by the
 * syscall's own return. */
void ec_arch_foreign_init(struct ec *ec);
/* Was the #UD of `ec` (a foreign-ABI thread's) its syscall instruction?
 * Then its frame is as after the instruction. */
bool ec_arch_foreign_syscall(struct ec *ec);
/* A dying EC's breakpoints are forgotten (a CPU that holds them clears
 * them at its next return to user mode). */
void ec_arch_debug_forget(struct ec *ec);
/* Forget FPU state ownership of a dying EC. */
void ec_arch_fpu_forget(struct ec *ec);
/* Is `ec` some CPU's current EC (its frame not the whole story)? */
bool ec_arch_running(const struct ec *ec);
/* May a dead EC be freed? Not while some CPU runs it or is asked for its
 * FPU state; FPU ownership of it is forgotten. */
bool ec_arch_in_use(struct ec *ec);
/* May a dead PD be freed? Not while another CPU has its page table
 * loaded (this CPU switches to the kernel's); ports loaded from its
 * bitmap are forgotten. */
bool pd_arch_in_use(struct pd *pd);
