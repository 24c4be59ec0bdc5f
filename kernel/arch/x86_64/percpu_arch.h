/* Per-CPU access (x86_64): GS holds the CPU's struct cpu, whose generic
 * part (struct percpu) sits at CPU_PERCPU (checked in cpu.c). */
#pragma once

#define CPU_SELF    24
#define CPU_PERCPU  32

struct percpu;

static inline struct percpu *percpu(void)
{
    char *c;
    __asm__("mov %%gs:24, %0" : "=r"(c));
    return (struct percpu *)(c + CPU_PERCPU);
}
