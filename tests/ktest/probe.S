/*
 * Fault sites and probes for the kernel tests (see ktest.h).
 *
 * A probe touches memory or a port on behalf of an agent; if that faults,
 * the root's event handler (env.c, kt_evt_recover) finds the faulting RIP
 * at a *_insn label, sets RIP to the matching *_resume label and rax to
 * KT_FAULT_MARK. Fault sites do the same for threads that are meant to
 * fault, storing flags[0] = 1 before and flags[1] = 1 after the fault.
 */
    .text

    .macro GLOBAL name
    .globl \name
    .type \name, @function
\name:
    .endm

    .macro LABEL name
    .globl \name
\name:
    .endm

/* uint64_t kt_probe_read(uint64_t addr) */
GLOBAL kt_probe_read
LABEL kt_probe_read_insn
    movq    (%rdi), %rax
LABEL kt_probe_read_resume
    ret

/* uint64_t kt_probe_write(uint64_t addr, uint64_t value): 0 or the mark */
GLOBAL kt_probe_write
    xorl    %eax, %eax
LABEL kt_probe_write_insn
    movq    %rsi, (%rdi)
LABEL kt_probe_write_resume
    ret

/* uint64_t kt_probe_inb(uint64_t port) */
GLOBAL kt_probe_inb
    movl    %edi, %edx
    xorl    %eax, %eax
LABEL kt_probe_inb_insn
    inb     %dx, %al
LABEL kt_probe_inb_resume
    ret

/* uint64_t kt_probe_outb(uint64_t port, uint64_t value): 0 or the mark */
GLOBAL kt_probe_outb
    movl    %edi, %edx
    movl    %esi, %eax
LABEL kt_probe_outb_insn
    outb    %al, %dx
    xorl    %eax, %eax
LABEL kt_probe_outb_resume
    ret

/* void kt_site_pf(flags, addr): flags[2] = the word read at addr */
GLOBAL kt_site_pf
    movq    $1, (%rdi)
LABEL kt_site_pf_insn
    movq    (%rsi), %rax
LABEL kt_site_pf_resume
    movq    %rax, 16(%rdi)
    movq    $1, 8(%rdi)
    ret

/* void kt_site_ud(flags) */
GLOBAL kt_site_ud
    movq    $1, (%rdi)
LABEL kt_site_ud_insn
    ud2
LABEL kt_site_ud_resume
    movq    $1, 8(%rdi)
    ret

/* void kt_site_de(flags): divide 1 by 0 */
GLOBAL kt_site_de
    movq    $1, (%rdi)
    xorl    %ecx, %ecx
    movl    $1, %eax
    xorl    %edx, %edx
LABEL kt_site_de_insn
    divq    %rcx
LABEL kt_site_de_resume
    movq    $1, 8(%rdi)
    ret

/* void kt_site_bp(flags): int3 traps with RIP = kt_site_bp_after; a
 * single step from there traps again at kt_site_bp_next. */
GLOBAL kt_site_bp
    movq    $1, (%rdi)
LABEL kt_site_bp_insn
    int3
LABEL kt_site_bp_after
    nop
LABEL kt_site_bp_next
    nop
    movq    $1, 8(%rdi)
    ret

/* void kt_site_step(flags): int3, then a system call (nr 200: ESYS) to
 * single-step across; flags[2] = its status. */
GLOBAL kt_site_step
    movq    $1, (%rdi)
    int3
    movl    $200, %eax
    syscall
    movq    %rax, 16(%rdi)
LABEL kt_site_step_end
    nop
    movq    $1, 8(%rdi)
    ret

/* void kt_site_dbg(flags, var): int3 (a handler sets breakpoints there),
 * the instruction kt_site_dbg_insn, a write to *var that a watchpoint
 * reports at kt_site_dbg_written, then flags[2] = *var. */
GLOBAL kt_site_dbg
    movq    $1, (%rdi)
    int3
LABEL kt_site_dbg_insn
    nop
    movq    $0x5a, (%rsi)
LABEL kt_site_dbg_written
    movq    (%rsi), %rax
    movq    %rax, 16(%rdi)
    movq    $1, 8(%rdi)
    ret

/* void kt_site_movss(flags, var): *var = SS, int3 (a handler sets a
 * watchpoint on var), then MOV SS from var right before an int3 and
 * before a system call (nr 200: ESYS, flags[2]): the CPU holds the
 * watchpoint's #DB back until after them, into the kernel's entry
 * (CVE-2018-8897). */
GLOBAL kt_site_movss
    movq    $1, (%rdi)
    movq    $0, (%rsi)
    mov     %ss, (%rsi)
    int3
    mov     (%rsi), %ss
    int3
    movl    $200, %eax
    mov     (%rsi), %ss
    syscall
    movq    %rax, 16(%rdi)
    movq    $1, 8(%rdi)
    ret

/* void kt_site_compat(flags): a far jump to the 32-bit user code selector
 * (0x1b), whose descriptor is not present: #NP, error code 0x18. (A far
 * jump through memory: QEMU 7.2 pops a far return's operands with
 * supervisor accesses, which SMAP turns into a #PF at CPL 3.) */
GLOBAL kt_site_compat
    movq    $1, (%rdi)
    leaq    kt_site_compat_resume(%rip), %rax
    pushq   $0x1b
    pushq   %rax
LABEL kt_site_compat_insn
    rex64 ljmp *(%rsp)
LABEL kt_site_compat_resume
    addq    $16, %rsp
    movq    $1, 8(%rdi)
    ret

/* void kt_site_sysenter(flags): SYSENTER_CS is 0: #GP (or #UD on AMD) */
GLOBAL kt_site_sysenter
    movq    $1, (%rdi)
LABEL kt_site_sysenter_insn
    sysenter
LABEL kt_site_sysenter_resume
    movq    $1, 8(%rdi)
    ret

/* void kt_site_std(flags, spins): the direction flag set across a ud2
 * (an exception entry) and `spins` rounds of a loop (timer interrupts,
 * switches); flags[2] = rflags as the loop left them. */
GLOBAL kt_site_std
    movq    $1, (%rdi)
    std
LABEL kt_site_std_insn
    ud2
LABEL kt_site_std_resume
1:  decq    %rsi
    jnz     1b
    pushfq
    popq    %rax
    cld
    movq    %rax, 16(%rdi)
    movq    $1, 8(%rdi)
    ret

/* void kt_site_gpr(flags, out): ud2 with rax = rbx = r12 = 0; after it,
 * out[0..3] = rax, rbx, r12, rdi as the handler's reply left them. */
GLOBAL kt_site_gpr
    pushq   %rbx
    pushq   %r12
    movq    $1, (%rdi)
    xorl    %eax, %eax
    xorl    %ebx, %ebx
    xorl    %r12d, %r12d
LABEL kt_site_gpr_insn
    ud2
LABEL kt_site_gpr_resume
    movq    %rax, 0(%rsi)
    movq    %rbx, 8(%rsi)
    movq    %r12, 16(%rsi)
    movq    %rdi, 24(%rsi)
    movq    $1, 8(%rdi)
    popq    %r12
    popq    %rbx
    ret

/* void kt_site_xmm(stop, pattern, count, bad): keep `pattern` in xmm0 and
 * check it until *stop; count iterations, count lost values in *bad. */
GLOBAL kt_site_xmm
    movq    %rsi, %xmm0
1:  movq    %xmm0, %rax
    cmpq    %rsi, %rax
    je      2f
    incq    (%rcx)
    movq    %rsi, %xmm0
2:  incq    (%rdx)
    cmpq    $0, (%rdi)
    je      1b
    ret

/* void kt_site_regs(struct { stop, count, bad, vals[14] } *r): hold
 * vals in rbx rbp rcx rdx rsi rdi r8-r15 and check them, counting rounds,
 * until r->stop; a changed register counts in r->bad and is reloaded. No
 * system calls in the loop: only preemption enters the kernel. */
    .macro KT_REGS_LOAD
    movq    24(%rax), %rbx
    movq    32(%rax), %rbp
    movq    40(%rax), %rcx
    movq    48(%rax), %rdx
    movq    56(%rax), %rsi
    movq    64(%rax), %rdi
    movq    72(%rax), %r8
    movq    80(%rax), %r9
    movq    88(%rax), %r10
    movq    96(%rax), %r11
    movq    104(%rax), %r12
    movq    112(%rax), %r13
    movq    120(%rax), %r14
    movq    128(%rax), %r15
    .endm

GLOBAL kt_site_regs
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    pushq   %rdi
    movq    %rdi, %rax
    KT_REGS_LOAD
1:  movq    (%rsp), %rax
    cmpq    %rbx, 24(%rax)
    jne     3f
    cmpq    %rbp, 32(%rax)
    jne     3f
    cmpq    %rcx, 40(%rax)
    jne     3f
    cmpq    %rdx, 48(%rax)
    jne     3f
    cmpq    %rsi, 56(%rax)
    jne     3f
    cmpq    %rdi, 64(%rax)
    jne     3f
    cmpq    %r8, 72(%rax)
    jne     3f
    cmpq    %r9, 80(%rax)
    jne     3f
    cmpq    %r10, 88(%rax)
    jne     3f
    cmpq    %r11, 96(%rax)
    jne     3f
    cmpq    %r12, 104(%rax)
    jne     3f
    cmpq    %r13, 112(%rax)
    jne     3f
    cmpq    %r14, 120(%rax)
    jne     3f
    cmpq    %r15, 128(%rax)
    jne     3f
    incq    8(%rax)
    cmpq    $0, 0(%rax)
    je      1b
    popq    %rdi
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    ret
3:  incq    16(%rax)
    KT_REGS_LOAD
    jmp     1b

/* void kt_regs_syscall(const uint64_t in[13], uint64_t out[13])
 * order: rax rdi rsi rdx r10 r8 r9 rbx rbp r12 r13 r14 r15 */
GLOBAL kt_regs_syscall
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    pushq   %rsi
    movq    %rdi, %rax
    movq    56(%rax), %rbx
    movq    64(%rax), %rbp
    movq    72(%rax), %r12
    movq    80(%rax), %r13
    movq    88(%rax), %r14
    movq    96(%rax), %r15
    movq    8(%rax), %rdi
    movq    16(%rax), %rsi
    movq    24(%rax), %rdx
    movq    32(%rax), %r10
    movq    40(%rax), %r8
    movq    48(%rax), %r9
    movq    0(%rax), %rax
    syscall
    xchgq   %rax, (%rsp)        /* result to the stack, out pointer to rax */
    movq    %rdi, 8(%rax)
    movq    %rsi, 16(%rax)
    movq    %rdx, 24(%rax)
    movq    %r10, 32(%rax)
    movq    %r8, 40(%rax)
    movq    %r9, 48(%rax)
    movq    %rbx, 56(%rax)
    movq    %rbp, 64(%rax)
    movq    %r12, 72(%rax)
    movq    %r13, 80(%rax)
    movq    %r14, 88(%rax)
    movq    %r15, 96(%rax)
    popq    %rdi
    movq    %rdi, 0(%rax)
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret

/* uint64_t kt_site_fsys(rax, rdi): a Linux-style system call from a
 * thread of a foreign-ABI PD: rax and rdi as given, rsi rdx r10 r8 r9 =
 * 0x22 0x33 0x44 0x55 0x66; returns its rax. */
GLOBAL kt_site_fsys
    movq    %rdi, %rax
    movq    %rsi, %rdi
    movl    $0x22, %esi
    movl    $0x33, %edx
    movl    $0x44, %r10d
    movl    $0x55, %r8d
    movl    $0x66, %r9d
LABEL kt_site_fsys_insn
    syscall
    ret

/* uint64_t kt_read_fs0(void): the word at FS's base */
GLOBAL kt_read_fs0
    movq    %fs:0, %rax
    ret

    .section .note.GNU-stack, "", @progbits
