/*
 * Kernel entry and exit: syscall, exceptions and interrupts, and the two
 * ways back to user mode.
 *
 * The register frame of the running EC (struct regs) lives inside the EC
 * object. On entry from user mode the stack pointer is set to the frame's
 * end (TSS.rsp0 for interrupts, cpu->frame_top for syscall), so the
 * pushes fill the frame in place; C then runs on the per-CPU kernel stack,
 * which holds no state across kernel entries (every exit abandons it).
 */
#include "asm.h"

.macro SAVE_GPRS
    push %rax; push %rbx; push %rcx; push %rdx; push %rsi; push %rdi; push %rbp
    push %r8; push %r9; push %r10; push %r11; push %r12; push %r13; push %r14; push %r15
.endm
.macro RESTORE_GPRS
    pop %r15; pop %r14; pop %r13; pop %r12; pop %r11; pop %r10; pop %r9; pop %r8
    pop %rbp; pop %rdi; pop %rsi; pop %rdx; pop %rcx; pop %rbx; pop %rax
.endm

/* The syscall frame, filled in place; then %rdi = the frame and %rsp =
 * the empty kernel stack. SFMASK cleared DF and AC. */
.macro SYSCALL_FRAME vec=$VEC_SYSCALL
    swapgs
    mov     %rsp, %gs:CPU_USER_RSP
    mov     %gs:CPU_FRAME_TOP, %rsp
    pushq   $USER_SS
    pushq   %gs:CPU_USER_RSP
    pushq   %r11                        /* rflags */
    pushq   $USER_CS
    pushq   %rcx                        /* rip    */
    pushq   $0
    pushq   \vec
    SAVE_GPRS
    mov     %rsp, %rdi
    mov     %gs:CPU_KSTACK, %rsp
.endm

/* Two entries, one in MSR_LSTAR (cpu.c): with one CPU the kernel lock is
 * nothing to take, so the IPC path does not even test for it. */
    .text
    .global syscall_entry
syscall_entry:
    SYSCALL_FRAME
    call    syscall_handler             /* does not return */
    ud2

    .global syscall_entry_smp
syscall_entry_smp:
    SYSCALL_FRAME
    push    %rdi
    push    %rdi                        /* keeps the stack 16-byte aligned */
    call    kernel_lock_slow
    pop     %rdi
    pop     %rdi
    call    syscall_handler
    ud2

/* MSR_CSTAR: `syscall` from 32-bit compatibility mode. User land cannot
 * get there (the GDT's 32-bit user code descriptor is not present, cpu.c),
 * so this only guards the MSR: the EC takes an invalid-opcode event at
 * the instruction, as on a CPU without compatibility-mode syscall. */
    .global syscall_entry_compat
syscall_entry_compat:
    sub     $2, %rcx                    /* back to the syscall instruction */
    SYSCALL_FRAME $6
    call    intr_user                   /* does not return */
    ud2

/* void ret_user_sysret(struct regs *) */
    .global ret_user_sysret
ret_user_sysret:
    mov     %rdi, %rsp
    RESTORE_GPRS
    add     $16, %rsp                   /* vec, err */
    pop     %rcx                        /* rip      */
    add     $8, %rsp                    /* cs       */
    pop     %r11                        /* rflags   */
    pop     %rsp
    swapgs
    sysretq

/* void ret_user_iret(struct regs *) */
    .global ret_user_iret
ret_user_iret:
    mov     %rdi, %rsp
    RESTORE_GPRS
    add     $16, %rsp
    swapgs
    iretq

/* Every dispatch starts on an empty kernel stack: the stack holds no
 * state across dispatches, and continuations that wait again (a retried
 * call finding the handler busy) must not nest. */
    .global sched_dispatch
sched_dispatch:
    mov     %gs:CPU_KSTACK, %rsp
    jmp     sched_dispatch_fresh

/* Idle: halt with interrupts on; an interrupt enters intr_kernel. */
    .global idle_loop
idle_loop:
    mov     %gs:CPU_KSTACK, %rsp
    call    kernel_unlock_slow          /* an interrupt takes it again */
1:  sti
    hlt
    cli
    jmp     1b

/* 256 interrupt stubs, 16 bytes apart; the CPU pushes an error code
 * for vectors 8, 10-14, 17, 21, 29 and 30 only. */
    .align 16
    .global intr_stubs
intr_stubs:
    vec = 0
    .rept 256
    .align 16
    .if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq   $0
    .endif
    pushq   $vec
    jmp     intr_common
    vec = vec + 1
    .endr

/* #DB, on its own stack (IST 2). A #DB from user mode moves the CPU's
 * frame to where TSS.rsp0 would have put it (the EC's register frame)
 * and goes on as any other exception. From the kernel: an emulator that
 * takes TF from before SYSCALL instead of after SFMASK cleared it (Bochs
 * 2.7; the CPU does not, see Xen's XSA-204) traps at a syscall entry's
 * first instruction with the user's RSP still loaded. That trap is
 * dropped (the entry runs on with TF clear; SYSRET restores the user's
 * TF from R11). A #DB anywhere else in the kernel goes to intr_kernel. */
    .global intr_db
intr_db:
    testb   $3, 8(%rsp)                 /* CS of the interrupted code */
    jz      5f
    swapgs
    mov     %rax, %gs:CPU_USER_RSP      /* a scratch word here */
    mov     %rsp, %rax                  /* the CPU's frame, on this stack */
    mov     %gs:CPU_FRAME_TOP, %rsp
    pushq   32(%rax)                    /* ss     */
    pushq   24(%rax)                    /* rsp    */
    pushq   16(%rax)                    /* rflags */
    pushq   8(%rax)                     /* cs     */
    pushq   (%rax)                      /* rip    */
    mov     %gs:CPU_USER_RSP, %rax
    swapgs
    pushq   $0
    pushq   $1
    jmp     intr_common
5:  push    %rax
    lea     syscall_entry(%rip), %rax
    cmp     %rax, 8(%rsp)
    je      6f
    lea     syscall_entry_smp(%rip), %rax
    cmp     %rax, 8(%rsp)
    je      6f
    lea     syscall_entry_compat(%rip), %rax
    cmp     %rax, 8(%rsp)
    je      6f
    pop     %rax
    pushq   $0
    pushq   $1
    jmp     intr_common
6:  pop     %rax
    iretq

/* User code may have set DF or AC: the kernel's string copies need DF
 * clear, and with SMAP an AC left set would open user memory to it. */
intr_common:
    cld
    testb   $3, 24(%rsp)                /* CS of the interrupted code */
    jz      1f
    swapgs
    testb   $1, cpu_smap(%rip)
    jz      2f
    clac
2:  SAVE_GPRS
    mov     %rsp, %rdi
    mov     %gs:CPU_KSTACK, %rsp
    call    intr_user                   /* does not return */
    ud2
1:  SAVE_GPRS
    mov     %rsp, %rdi
    call    intr_kernel                 /* does not return */
    ud2

    .section .note.GNU-stack, "", @progbits

/* void svm_vmrun(uint64_t vmcb_pa, struct regs *gprs, uint64_t host_save_pa)
 * Run the guest until #VMEXIT. VMRUN switches RAX, RSP, RIP and RFLAGS
 * only; the other guest registers live in *gprs and are loaded and saved
 * here. VMSAVE/VMLOAD swap the state VMRUN leaves alone (FS, GS, TR, LDTR,
 * KERNEL_GS_BASE, STAR, LSTAR, CSTAR, SFMASK, SYSENTER): the kernel's GS
 * base must be back before anything touches per-CPU data. */
#define R_R15 0
#define R_R14 8
#define R_R13 16
#define R_R12 24
#define R_R11 32
#define R_R10 40
#define R_R9  48
#define R_R8  56
#define R_RBP 64
#define R_RDI 72
#define R_RSI 80
#define R_RDX 88
#define R_RCX 96
#define R_RBX 104
    .text
    .global svm_vmrun
svm_vmrun:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    push    %rsi                        /* 16(%rsp): gprs      */
    push    %rdx                        /*  8(%rsp): host save */
    push    %rdi                        /*  0(%rsp): vmcb      */
    clgi
    mov     %rdx, %rax
    vmsave  %rax
    mov     (%rsp), %rax
    vmload  %rax
    mov     R_RBX(%rsi), %rbx
    mov     R_RCX(%rsi), %rcx
    mov     R_RDX(%rsi), %rdx
    mov     R_RDI(%rsi), %rdi
    mov     R_RBP(%rsi), %rbp
    mov     R_R8(%rsi), %r8
    mov     R_R9(%rsi), %r9
    mov     R_R10(%rsi), %r10
    mov     R_R11(%rsi), %r11
    mov     R_R12(%rsi), %r12
    mov     R_R13(%rsi), %r13
    mov     R_R14(%rsi), %r14
    mov     R_R15(%rsi), %r15
    mov     R_RSI(%rsi), %rsi
    sti                                 /* held off by GIF; with V_INTR_MASKING */
    .global svm_vmrun_insn
svm_vmrun_insn:                         /* svm.c: a failed VMRUN's saved RIP */
    vmrun   %rax                        /* a host interrupt always exits */
    .global svm_vmrun_next
svm_vmrun_next:
    cli
    push    %rsi                        /* guest rsi; now 24(%rsp): gprs */
    mov     24(%rsp), %rsi
    mov     %rbx, R_RBX(%rsi)
    mov     %rcx, R_RCX(%rsi)
    mov     %rdx, R_RDX(%rsi)
    mov     %rdi, R_RDI(%rsi)
    mov     %rbp, R_RBP(%rsi)
    mov     %r8, R_R8(%rsi)
    mov     %r9, R_R9(%rsi)
    mov     %r10, R_R10(%rsi)
    mov     %r11, R_R11(%rsi)
    mov     %r12, R_R12(%rsi)
    mov     %r13, R_R13(%rsi)
    mov     %r14, R_R14(%rsi)
    mov     %r15, R_R15(%rsi)
    pop     %rax
    mov     %rax, R_RSI(%rsi)
    mov     (%rsp), %rax
    vmsave  %rax
    mov     8(%rsp), %rax
    vmload  %rax
    stgi
    add     $24, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret

/* int vmx_enter(struct regs *gprs, int launched)
 * Enter the guest whose VMCS is current (VMLAUNCH the first time, else
 * VMRESUME) with the GPRs of *gprs; a VM exit comes back at vmx_exit on
 * this stack, saves them and returns 0. If the instruction itself fails
 * (VMfail: a control or host field) it returns 1. RSP, RIP and RFLAGS
 * are the VMCS's; the rest VM exits leave to us. */
#define R_RAX 112
    .global vmx_enter
vmx_enter:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    push    %rdi                        /* 0(%rsp): gprs */
    mov     $0x6c14, %eax               /* HOST_RSP */
    vmwrite %rsp, %rax
    lea     vmx_exit(%rip), %rdx
    mov     $0x6c16, %eax               /* HOST_RIP */
    vmwrite %rdx, %rax
    test    %esi, %esi                  /* moves keep the flags */
    mov     R_RAX(%rdi), %rax
    mov     R_RBX(%rdi), %rbx
    mov     R_RCX(%rdi), %rcx
    mov     R_RDX(%rdi), %rdx
    mov     R_RSI(%rdi), %rsi
    mov     R_RBP(%rdi), %rbp
    mov     R_R8(%rdi), %r8
    mov     R_R9(%rdi), %r9
    mov     R_R10(%rdi), %r10
    mov     R_R11(%rdi), %r11
    mov     R_R12(%rdi), %r12
    mov     R_R13(%rdi), %r13
    mov     R_R14(%rdi), %r14
    mov     R_R15(%rdi), %r15
    mov     R_RDI(%rdi), %rdi
    jnz     1f
    vmlaunch
    jmp     2f
1:  vmresume
2:  add     $8, %rsp                    /* VMfail: the guest's registers are lost */
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    mov     $1, %eax
    ret
vmx_exit:
    push    %rdi
    mov     8(%rsp), %rdi
    mov     %rax, R_RAX(%rdi)
    mov     %rbx, R_RBX(%rdi)
    mov     %rcx, R_RCX(%rdi)
    mov     %rdx, R_RDX(%rdi)
    mov     %rsi, R_RSI(%rdi)
    mov     %rbp, R_RBP(%rdi)
    mov     %r8, R_R8(%rdi)
    mov     %r9, R_R9(%rdi)
    mov     %r10, R_R10(%rdi)
    mov     %r11, R_R11(%rdi)
    mov     %r12, R_R12(%rdi)
    mov     %r13, R_R13(%rdi)
    mov     %r14, R_R14(%rdi)
    mov     %r15, R_R15(%rdi)
    pop     %rax
    mov     %rax, R_RDI(%rdi)
    add     $8, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    xor     %eax, %eax
    ret
