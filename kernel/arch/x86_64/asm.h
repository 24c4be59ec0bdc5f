/* Constants shared by the x86_64 assembly and C: control bits, MSRs,
 * selectors, and offsets into struct cpu and struct regs. */
#pragma once

#define CR0_PE      0x00000001
#define CR0_MP      0x00000002
#define CR0_EM      0x00000004
#define CR0_TS      0x00000008
#define CR0_NE      0x00000020
#define CR0_WP      0x00010000
#define CR0_NW      0x20000000
#define CR0_CD      0x40000000
#define CR0_PG      0x80000000
#define CR4_PAE     0x00000020
#define CR4_PGE     0x00000080
#define CR4_OSFXSR  0x00000200
#define CR4_OSXMMEXCPT 0x00000400
#define CR4_SMEP    0x00100000
#define CR4_SMAP    0x00200000

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_EFER    0xC0000080
#define MSR_STAR    0xC0000081
#define MSR_LSTAR   0xC0000082
#define MSR_CSTAR   0xC0000083
#define MSR_FMASK   0xC0000084
#define MSR_FS_BASE 0xC0000100
#define MSR_GS_BASE 0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102
#define MSR_VM_HSAVE_PA 0xC0010117
#define EFER_SCE    0x001
#define EFER_LME    0x100
#define EFER_LMA    0x400
#define EFER_NXE    0x800
#define EFER_SVME   0x1000
#define EFER_FFXSR  0x4000

/* GDT layout: STAR wants user code32, user data, user code64 in a row. */
#define SEL_KCODE   0x08
#define SEL_KDATA   0x10
#define SEL_UCODE32 0x18
#define SEL_UDATA   0x20
#define SEL_UCODE   0x28
#define SEL_TSS     0x30
#define USER_CS     (SEL_UCODE | 3)
#define USER_SS     (SEL_UDATA | 3)

#define KSTACK_SIZE 16384

#define RFLAGS_IF     0x200
#define RFLAGS_FIXED  0x002
#define RFLAGS_ENTRY  (RFLAGS_IF | RFLAGS_FIXED) /* a handler at its portal's entry */

/* struct cpu (kernel/arch/x86_64/cpu.h) offsets used by entry.S */
#define CPU_KSTACK     0
#define CPU_USER_RSP   8
#define CPU_CURRENT    32 /* cpu.pc.cur: the running EC (checked in cpu.c) */
/* The running EC's frame end, where syscall entry writes its frame: the
 * TSS's rsp0, which an interrupt from user mode uses the same way. */
#define CPU_FRAME_TOP  0x904

/* Entries of syscall.c's sys_table (checked there against the ABI). */
#define CAIRN_SYS_COUNT_ASM 15
#define CAIRN_SYS_REPLY_ASM 1

#define VEC_SYSCALL 0x100 /* regs.vec of an EC that entered by syscall     */
#define VEC_EVENT   0x101 /* regs.vec after an event reply: return by iret */
#define VEC_GSI_BASE 0x30 /* GSI g arrives at VEC_GSI_BASE + g (irq.h: IRQ_MAX) */
#define VEC_TIMER   0xf0
#define VEC_KICK    0xf1 /* another CPU: reschedule, or flush the TLB (smp.c) */
#define VEC_SPURIOUS 0xff
