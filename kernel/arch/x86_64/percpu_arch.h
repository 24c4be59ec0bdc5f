/* Per-CPU access (x86_64): GS holds the CPU's struct cpu, whose generic
 * part (struct percpu) sits at CPU_PERCPU (checked in cpu.c). */
#pragma once

#define CPU_SELF    16
#define CPU_PERCPU  24

struct percpu;

/* This CPU's struct cpu (its self pointer at GS:16). Not volatile: it is
 * the same on every read, so the compiler may read it once. */
static inline char *cpu_base(void)
{
    char *c;
    __asm__("mov %%gs:16, %0" : "=r"(c));
    return c;
}

static inline struct percpu *percpu(void)
{
    return (struct percpu *)(cpu_base() + CPU_PERCPU);
}

/* One field of this CPU's struct percpu, read through GS in one
 * instruction (no self pointer); only once struct percpu is complete. */
#define PERCPU_FIELD(field) (((const __seg_gs struct percpu *)CPU_PERCPU)->field)
