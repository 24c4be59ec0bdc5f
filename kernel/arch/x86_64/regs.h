/* The user register frame of an EC, in the order entry.S pushes it. */
#pragma once

#include <stdint.h>

struct regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vec, err, rip, cs, rflags, rsp, ss;
} __attribute__((aligned(16))); /* the CPU aligns the interrupt frame's end to 16 */

/* System-call argument accessors (rax carries number, flags, CPU). */
#define SYS_NR(r)    ((unsigned)((r)->rax & 0xff))
#define SYS_FLAGS(r) ((unsigned)(((r)->rax >> 8) & 0xff))
#define SYS_CPU(r)   ((unsigned)(((r)->rax >> 16) & 0xffff))
#define SYS_A1(r)    ((r)->rdi)
#define SYS_A2(r)    ((r)->rsi)
#define SYS_A3(r)    ((r)->rdx)
#define SYS_A4(r)    ((r)->r10)
#define SYS_A5(r)    ((r)->r8)
#define SYS_A6(r)    ((r)->r9)
#define SYS_STATUS(r, s) ((r)->rax = (s))
#define SYS_RESULT(r, v) ((r)->rsi = (v))

/* FXSAVE area */
struct fpu_state {
    uint8_t data[512];
} __attribute__((aligned(16)));

/* A thread's debug registers (debug.c): loaded only while it runs. And
 * the FS and GS bases of a foreign-ABI thread (foreign.c), the same way. */
struct debug_regs {
    uint64_t dr[4], dr6, dr7;
    uint64_t fs_base, gs_base;
};
