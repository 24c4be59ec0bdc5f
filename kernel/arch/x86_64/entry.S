/*
 * Kernel entry and exit: syscall, exceptions and interrupts, and the two
 * ways back to user mode.
 *
 * The register frame of the running EC (struct regs) lives inside the EC
 * object. On entry from user mode the stack pointer is set to the frame's
 * end (TSS.rsp0, for interrupts and syscall alike), so the
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

/* struct regs (regs.h) as offsets from its end, where CPU_FRAME_TOP (the
 * TSS's rsp0) points while the EC runs: F_BASE is the frame itself. */
#define F_BASE   (-176)
#define F_R15    (F_BASE + 0)
#define F_R14    (F_BASE + 8)
#define F_R13    (F_BASE + 16)
#define F_R12    (F_BASE + 24)
#define F_R10    (F_BASE + 40)
#define F_R9     (F_BASE + 48)
#define F_R8     (F_BASE + 56)
#define F_RBP    (F_BASE + 64)
#define F_RDI    (F_BASE + 72)
#define F_RSI    (F_BASE + 80)
#define F_RDX    (F_BASE + 88)
#define F_RBX    (F_BASE + 104)
#define F_RAX    (F_BASE + 112)
#define F_VEC    (F_BASE + 120)
#define F_ERR    (F_BASE + 128)
#define F_RIP    (F_BASE + 136)
#define F_RFLAGS (F_BASE + 152)
#define F_RSP    (F_BASE + 160)

/* The syscall frame, written in place below CPU_FRAME_TOP (interrupts
 * are off, and NMI, #DF and #DB have stacks of their own); then %rsi =
 * the frame and %rsp = the empty kernel stack. Only what a syscall leaves
 * defined is stored: not RCX and R11 (the instruction clobbers them; the
 * frame keeps the EC's earlier values), nor CS, SS and the error code
 * (CS and SS are the user's constants from the EC's creation on, the
 * error code is an exception's). SFMASK cleared DF and AC. */
.macro SYSCALL_FRAME vec=$VEC_SYSCALL
    swapgs
    mov     %rsp, %gs:CPU_USER_RSP
    mov     %gs:CPU_FRAME_TOP, %rsp
    mov     %rcx, F_RIP(%rsp)
    mov     %r11, F_RFLAGS(%rsp)
    mov     %gs:CPU_USER_RSP, %rcx
    mov     %rcx, F_RSP(%rsp)
    movq    \vec, F_VEC(%rsp)
    mov     %rax, F_RAX(%rsp)
    mov     %rbx, F_RBX(%rsp)
    mov     %rdx, F_RDX(%rsp)
    mov     %rsi, F_RSI(%rsp)
    mov     %rdi, F_RDI(%rsp)
    mov     %rbp, F_RBP(%rsp)
    mov     %r8, F_R8(%rsp)
    mov     %r9, F_R9(%rsp)
    mov     %r10, F_R10(%rsp)
    mov     %r12, F_R12(%rsp)
    mov     %r13, F_R13(%rsp)
    mov     %r14, F_R14(%rsp)
    mov     %r15, F_R15(%rsp)
    lea     F_BASE(%rsp), %rsi
    mov     %gs:CPU_KSTACK, %rsp
.endm

/* Call the system call's handler, sys_table[rax[7:0]](current EC, frame)
 * (syscall.c); none returns. The frame is in %rsi. */
.macro SYSCALL_DISPATCH
    mov     %gs:CPU_CURRENT, %rdi
    movzbl  (F_RAX - F_BASE)(%rsi), %eax
    cmp     $CAIRN_SYS_COUNT_ASM, %eax
    jae     1f
    call    *sys_table(, %rax, 8)
1:  call    syscall_bad
    ud2
.endm

/* Two entries, one in MSR_LSTAR (cpu.c): with one CPU the kernel lock is
 * nothing to take, so the IPC path does not even test for it.
 *
 * With one CPU, call and reply (rax exactly CAIRN_SYS_CALL or _REPLY, no
 * flags) take a shorter way: the ABI lets them clobber the SysV
 * caller-saved registers (docs/abi.md), so only RIP, RFLAGS, RSP, the
 * vector and RBX, RBP, R12-R15 go into the frame; the frame keeps the
 * EC's earlier RAX, RDX, RSI, RDI and R8-R10, which the way back to user
 * mode loads as they are (its own values, nothing of the kernel's). The
 * flags of the first compare choose between the two at the end (MOV and
 * SWAPGS leave them alone). sys_ipc_call/reply(current EC, rdi). */
    .text
    .global syscall_entry
syscall_entry:
    cmp     $CAIRN_SYS_REPLY_ASM, %rax
    ja      syscall_entry_any
    swapgs
    mov     %rsp, %r8
    mov     %gs:CPU_FRAME_TOP, %rsp
    mov     %rcx, F_RIP(%rsp)
    mov     %r11, F_RFLAGS(%rsp)
    mov     %r8, F_RSP(%rsp)
    movq    $VEC_SYSCALL, F_VEC(%rsp)
    mov     %rbx, F_RBX(%rsp)
    mov     %rbp, F_RBP(%rsp)
    mov     %r12, F_R12(%rsp)
    mov     %r13, F_R13(%rsp)
    mov     %r14, F_R14(%rsp)
    mov     %r15, F_R15(%rsp)
    mov     %rdi, %rsi
    mov     %gs:CPU_CURRENT, %rdi
    mov     %gs:CPU_KSTACK, %rsp
    je      1f
    call    sys_ipc_call
1:  call    sys_ipc_reply

syscall_entry_any:
    SYSCALL_FRAME
    SYSCALL_DISPATCH

    .global syscall_entry_smp
syscall_entry_smp:
    SYSCALL_FRAME
    mov     %rsi, %rbx                  /* the user's RBX is in the frame */
    call    kernel_lock_slow
    mov     %rbx, %rsi
    SYSCALL_DISPATCH

/* MSR_CSTAR: `syscall` from 32-bit compatibility mode. User land cannot
 * get there (the GDT's 32-bit user code descriptor is not present, cpu.c),
 * so this only guards the MSR: the EC takes an invalid-opcode event at
 * the instruction, as on a CPU without compatibility-mode syscall. */
    .global syscall_entry_compat
syscall_entry_compat:
    sub     $2, %rcx                    /* back to the syscall instruction */
    SYSCALL_FRAME $6
    movq    $0, (F_ERR - F_BASE)(%rsi)  /* #UD has no error code */
    mov     %rsi, %rdi
    call    intr_user                   /* does not return */
    ud2

/* void ret_user_sysret(struct regs *): RCX and R11 get RIP and RFLAGS,
 * as the syscall instruction left them. */
    .global ret_user_sysret
ret_user_sysret:
    mov     (F_RIP - F_BASE)(%rdi), %rcx
    mov     (F_RFLAGS - F_BASE)(%rdi), %r11
    mov     (F_R15 - F_BASE)(%rdi), %r15
    mov     (F_R14 - F_BASE)(%rdi), %r14
    mov     (F_R13 - F_BASE)(%rdi), %r13
    mov     (F_R12 - F_BASE)(%rdi), %r12
    mov     (F_R10 - F_BASE)(%rdi), %r10
    mov     (F_R9 - F_BASE)(%rdi), %r9
    mov     (F_R8 - F_BASE)(%rdi), %r8
    mov     (F_RBP - F_BASE)(%rdi), %rbp
    mov     (F_RSI - F_BASE)(%rdi), %rsi
    mov     (F_RDX - F_BASE)(%rdi), %rdx
    mov     (F_RBX - F_BASE)(%rdi), %rbx
    mov     (F_RAX - F_BASE)(%rdi), %rax
    mov     (F_RSP - F_BASE)(%rdi), %rsp
    mov     (F_RDI - F_BASE)(%rdi), %rdi
    swapgs
    sysretq

/* void ret_handler_sysret(arg, ip, sp, struct regs *): a handler's
 * entry at its portal, arg in RDI; the other registers from its frame. */
    .global ret_handler_sysret
ret_handler_sysret:
    mov     %rdx, %rsp
    mov     %rcx, %r11
    mov     %rsi, %rcx
    mov     (F_R15 - F_BASE)(%r11), %r15
    mov     (F_R14 - F_BASE)(%r11), %r14
    mov     (F_R13 - F_BASE)(%r11), %r13
    mov     (F_R12 - F_BASE)(%r11), %r12
    mov     (F_R10 - F_BASE)(%r11), %r10
    mov     (F_R9 - F_BASE)(%r11), %r9
    mov     (F_R8 - F_BASE)(%r11), %r8
    mov     (F_RBP - F_BASE)(%r11), %rbp
    mov     (F_RSI - F_BASE)(%r11), %rsi
    mov     (F_RDX - F_BASE)(%r11), %rdx
    mov     (F_RBX - F_BASE)(%r11), %rbx
    mov     (F_RAX - F_BASE)(%r11), %rax
    mov     $RFLAGS_ENTRY, %r11d
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
 * and goes on as any other exception. From the kernel, at an entry's
 * first instruction, with the user's GS (and for syscall its RSP) still
 * loaded: an emulator that takes TF from before SYSCALL instead of after
 * SFMASK cleared it (Bochs 2.7; the CPU does not, see Xen's XSA-204), or
 * a thread's watchpoint hit by a MOV SS or POP SS just before the
 * syscall, INT or faulting instruction (the CPU holds the #DB back until
 * after it: CVE-2018-8897). That trap is dropped (the entry runs on with
 * TF clear; SYSRET restores the user's TF from R11). A #DB anywhere else
 * in the kernel goes to intr_db_kernel (debug.c), which clears the debug
 * registers, and the kernel goes on. */
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
    mov     8(%rsp), %rax
    sub     $intr_stubs, %rax
    cmp     $256 * 16, %rax
    jb      6f
    push    %rcx; push %rdx; push %rsi; push %rdi
    push    %r8; push %r9; push %r10; push %r11
    lea     72(%rsp), %rdi              /* the CPU's frame; %rsp is 16-aligned */
    cld
    call    intr_db_kernel
    pop     %r11; pop %r10; pop %r9; pop %r8
    pop     %rdi; pop %rsi; pop %rdx; pop %rcx
    pop     %rax
    iretq
6:  mov     $0xffff0ff0, %eax           /* DR6 clear: nothing recorded */
    mov     %rax, %db6
    pop     %rax
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

/* _Noreturn void vmx_enter(struct regs *gprs, int launched)
 * Enter the guest whose VMCS is current (VMLAUNCH the first time, else
 * VMRESUME) with the GPRs of *gprs, the vCPU's frame. A VM exit is a
 * kernel entry like an interrupt: the VMCS's host RSP is the end of the
 * frame's GPRs (vmx.c), so vmx_exit pushes them in place and calls
 * vmx_exited(frame) on the empty kernel stack. If the instruction itself
 * fails (VMfail: a control or host field), vmx_failed() runs there
 * instead. RSP, RIP and RFLAGS are the VMCS's. */
#define R_RAX 112
    .global vmx_enter
vmx_enter:
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
2:  mov     %gs:CPU_KSTACK, %rsp        /* VMfail: the frame still has the GPRs */
    call    vmx_failed
    ud2

    .global vmx_exit
vmx_exit:
    SAVE_GPRS
    mov     %rsp, %rdi
    mov     %gs:CPU_KSTACK, %rsp
    call    vmx_exited
    ud2
