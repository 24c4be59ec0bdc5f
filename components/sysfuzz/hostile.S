/*
 * Hostile instruction sequences, run by the victim's handler EC H
 * (sysfuzz.h). fz_hostile(kind, sub, regs) saves the callee-saved
 * registers and its stack pointer in the shared page (FZ_V_SHARED, at a
 * fixed address in the victim), loads every general register from
 * regs[] (rax rbx rcx rdx rsi rdi rbp r8 .. r15) and jumps to the
 * sequence. Every sequence ends in a fault (ud2 at the latest); the
 * fuzzer's event handler E then resumes the EC at fz_hostile_resume, or
 * at fz_resume32 when the fault came from the 32-bit code, which first
 * goes back to 64-bit mode.
 *
 * A kind with variants is a table of 16-byte entries; `sub` modulo the
 * number of entries picks one. The kinds are listed in fz_kinds at the
 * end; victim.c knows them by number (enum fz_kind).
 */
#define SH          0x10000000 /* FZ_V_SHARED */
#define SH_RSP      (SH + 0)
#define SH_RAX      (SH + 8)
#define SH_MODE32   (SH + 32)
#define SH_REGS     (SH + 40)
#define SH_REGBAD   (SH + 48)
#define USER_CS64   0x2b
#define USER_DS     0x23
#define KINDS       32

    .text

    .macro GLOBAL name
    .globl \name
    .type \name, @function
\name:
    .endm

    .macro ENTRY          /* one 16-byte entry of a table */
    .balign 16
    .endm

/* void fz_hostile(uint64_t kind, uint64_t sub, const uint64_t *regs) */
GLOBAL fz_hostile
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, SH_RSP
    mov     %rdx, SH_REGS
    mov     %rdx, %r8
    cmp     $KINDS, %rdi
    jae     fz_hostile_resume
    lea     fz_kinds(%rip), %r9
    shl     $4, %rdi
    mov     8(%r9, %rdi), %rcx      /* variants */
    mov     (%r9, %rdi), %r10       /* address  */
    test    %rcx, %rcx
    jz      1f
    mov     %rsi, %rax
    xor     %edx, %edx
    div     %rcx
    shl     $4, %rdx
    add     %rdx, %r10
1:  push    %r10                    /* `ret` below goes there */
    mov     0(%r8), %rax
    mov     8(%r8), %rbx
    mov     16(%r8), %rcx
    mov     24(%r8), %rdx
    mov     32(%r8), %rsi
    mov     40(%r8), %rdi
    mov     48(%r8), %rbp
    mov     64(%r8), %r9
    mov     72(%r8), %r10
    mov     80(%r8), %r11
    mov     88(%r8), %r12
    mov     96(%r8), %r13
    mov     104(%r8), %r14
    mov     112(%r8), %r15
    mov     56(%r8), %r8
    ret
    .size fz_hostile, . - fz_hostile

/* E resumes here (64-bit): a sane state again, then back to the caller. */
GLOBAL fz_hostile_resume
    mov     SH_RSP, %rsp
    movq    $0, SH_MODE32
    mov     $USER_DS, %eax
    mov     %eax, %ss
    xor     %eax, %eax
    mov     %eax, %ds
    mov     %eax, %es
    cld
    fninit
    pushq   $0x1f80
    ldmxcsr (%rsp)
    add     $8, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret
    .size fz_hostile_resume, . - fz_hostile_resume

/* Where E sends a faulting EC that is not in a hostile sequence: end the
 * call it serves, or (a thread) park it for good. */
GLOBAL fz_bail
    mov     $1, %eax                /* reply */
    xor     %edi, %edi
    syscall
1:  mov     $12, %eax               /* sm_ctrl(FZ_VS_PARK, DOWN, no deadline) */
    mov     $73, %edi
    mov     $1, %esi
    xor     %edx, %edx
    syscall
    test    %rax, %rax
    jz      1b
    pause
    jmp     1b
    .size fz_bail, . - fz_bail

/* The same for H itself: its UTCB may hold a message too large to
 * reply with, so empty it first; if the reply fails all the same, the
 * victim ends itself (the fuzzer then makes a new one). */
GLOBAL fz_bail_h
    movl    $0, 0x10200000          /* FZ_V_UTCB: untyped = typed = 0 */
    mov     $1, %eax                /* reply */
    xor     %edi, %edi
    syscall
    mov     $13, %eax               /* pd_ctrl(FZ_VS_PD, KILL) */
    mov     $64, %edi
    xor     %esi, %esi
    syscall
    ud2
    .size fz_bail_h, . - fz_bail_h

/* ---- 64-bit sequences ---------------------------------------------------- */

k_int3:     int3
            ud2
k_ud2:      ud2
k_div0:     xor     %ecx, %ecx
            div     %rcx
            ud2
k_icebp:    .byte   0xf1
            ud2
k_jmp:      jmp     *%rax
k_call:     call    *%rax
            ud2
k_read:     mov     (%rax), %rbx
            ud2
k_write:    mov     %rbx, (%rax)
            ud2
k_rsp_push: mov     %rax, %rsp
            push    %rbx
            ud2
k_rsp_int3: mov     %rax, %rsp
            int3
            ud2
k_rsp_sys:  mov     %rbp, %rsp
            syscall
            mov     %rax, SH_RAX
            ud2
k_popf_sys: push    %rbx
            popf
            syscall
            mov     %rax, SH_RAX
            ud2
k_ljmp:     push    %rbx                    /* offset (low), selector (high) */
            ljmpl   *(%rsp)
            ud2
k_lretl:    push    %rbx
            lretl
            ud2
k_lretq:    push    %rcx
            push    %rbx
            lretq
            ud2
k_iretq:    push    %rdx                    /* ss     */
            push    %rbp                    /* rsp    */
            push    %rsi                    /* rflags */
            push    %rcx                    /* cs     */
            push    %rbx                    /* rip    */
            iretq
            ud2
k_segs:     mov     %ebx, %ds
            mov     %ebx, %es
            mov     %ecx, %fs
            mov     %edx, %gs
            syscall
            mov     %rax, SH_RAX
            mov     %esi, %ss
            ud2
k_x87:      fninit
            pushq   $0x037b                 /* #Z unmasked */
            fldcw   (%rsp)
            fld1
            movq    $0, (%rsp)
            fdivl   (%rsp)                  /* 1 / 0.0 */
            fwait
            ud2
k_sse:      pushq   $0x1d80                 /* #Z unmasked */
            ldmxcsr (%rsp)
            xorps   %xmm0, %xmm0
            mov     $1, %eax
            cvtsi2ss %eax, %xmm1
            divss   %xmm0, %xmm1
            ud2
k_mxcsr:    pushq   %rbx                    /* reserved bits: #GP */
            ldmxcsr (%rsp)
            ud2
k_std:      std
            ud2
k_sys:      syscall
            mov     %rax, SH_RAX
            ud2
k_tf:       pushf
            orq     $0x100, (%rsp)
            popf
            nop
            nop
            ud2
k_rsp_ud2:  mov     %rax, %rsp
            ud2
k_lcall:    push    %rbx
            lcalll  *(%rsp)
            ud2
k_leak:     cpuid
            sgdt    -16(%rsp)
            sidt    -32(%rsp)
            sldt    %eax
            str     %ebx
            smsw    %ecx
            rdtsc
            ud2
k_movss:    mov     %ebx, %ss               /* a syscall in the MOV SS shadow */
            syscall
            mov     %rax, SH_RAX
            ud2

/* A system call must keep every register but rax, rcx, r11 and rsi (a
 * result word): compare them with regs[] after it. */
k_regs:     syscall
            mov     %rax, SH_RAX
            mov     SH_REGS, %rax
            cmp     8(%rax), %rbx
            jne     1f
            cmp     24(%rax), %rdx
            jne     1f
            cmp     40(%rax), %rdi
            jne     1f
            cmp     48(%rax), %rbp
            jne     1f
            cmp     56(%rax), %r8
            jne     1f
            cmp     64(%rax), %r9
            jne     1f
            cmp     72(%rax), %r10
            jne     1f
            cmp     88(%rax), %r12
            jne     1f
            cmp     96(%rax), %r13
            jne     1f
            cmp     104(%rax), %r14
            jne     1f
            cmp     112(%rax), %r15
            jne     1f
            ud2
1:          incq    SH_REGBAD
            ud2

/* int $n for every n */
    .balign 16
k_int:
    .irp hi, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    .irp lo, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    ENTRY
    int     $(\hi * 16 + \lo)
    ud2
    .endr
    .endr

/* privileged, system and odd instructions, each alone */
    .balign 16
k_priv:
    ENTRY; hlt; ud2
    ENTRY; cli; ud2
    ENTRY; sti; ud2
    ENTRY; inb $0x60, %al; ud2
    ENTRY; outb %al, $0x80; ud2
    ENTRY; inb %dx, %al; ud2
    ENTRY; outb %al, %dx; ud2
    ENTRY; insb; ud2
    ENTRY; outsb; ud2
    ENTRY; rdmsr; ud2
    ENTRY; wrmsr; ud2
    ENTRY; mov %cr0, %rax; ud2
    ENTRY; mov %rax, %cr0; ud2
    ENTRY; mov %rax, %cr3; ud2
    ENTRY; mov %cr4, %rax; ud2
    ENTRY; mov %rax, %cr8; ud2
    ENTRY; mov %dr7, %rax; ud2
    ENTRY; mov %rax, %dr7; ud2
    ENTRY; lgdt (%rsp); ud2
    ENTRY; lidt (%rsp); ud2
    ENTRY; lldt %ax; ud2
    ENTRY; ltr %ax; ud2
    ENTRY; lmsw %ax; ud2
    ENTRY; invlpg (%rax); ud2
    ENTRY; wbinvd; ud2
    ENTRY; invd; ud2
    ENTRY; clts; ud2
    ENTRY; swapgs; ud2
    ENTRY; sysretq; ud2
    ENTRY; sysretl; ud2
    ENTRY; sysenter; ud2
    ENTRY; sysexitl; ud2
    ENTRY; iretq; ud2
    ENTRY; vmrun; ud2
    ENTRY; vmmcall; ud2
    ENTRY; vmload; ud2
    ENTRY; vmsave; ud2
    ENTRY; stgi; ud2
    ENTRY; clgi; ud2
    ENTRY; skinit; ud2
    ENTRY; invlpga; ud2
    ENTRY; vmcall; ud2
    ENTRY; monitor; ud2
    ENTRY; mwait; ud2
    ENTRY; rdpmc; ud2
    ENTRY; xgetbv; ud2
    ENTRY; xsetbv; ud2
    ENTRY; rdtscp; ud2
    ENTRY; .byte 0xce; ud2              /* into: invalid in 64-bit mode */
    ENTRY; .byte 0x0f, 0xb9, 0xc0       /* ud1 */
    ENTRY; .byte 0xf0, 0x90; ud2        /* lock nop */
    ENTRY; .byte 0x0f, 0x0b             /* ud2 alone */
    ENTRY; xsave (%rsp); ud2
    ENTRY; fxrstor64 (%rax); ud2
    ENTRY; rdrand %rax; ud2
    ENTRY; hlt; hlt
    .balign 16
k_priv_end:

/* ---- 32-bit code ------------------------------------------------------------ */

/* Everything from here to fz_code32_end runs in compatibility mode: E
 * resumes a fault here at fz_resume32. */
    .code32
    .globl fz_code32_start
    .balign 16
fz_code32_start:
/* Entry from a far jump, call or return: esi picks the sequence. */
fz_c32_entry:
    mov     $USER_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    movl    $1, SH_MODE32
    and     $31, %esi
    shl     $4, %esi
    add     $fz_c32_subs, %esi
    jmp     *%esi

    .globl fz_resume32
fz_resume32:
    ljmp    $USER_CS64, $fz_hostile_resume

    .balign 16
fz_c32_subs:
    ENTRY; ud2
    ENTRY; int3; ud2
    ENTRY; int $0x80; ud2
    ENTRY; sysenter; ud2
    ENTRY; syscall; ud2                 /* known bug: MSR_CSTAR is 0 */
    ENTRY; hlt; ud2
    ENTRY; mov $0x7f, %al; add $1, %al; into; ud2
    ENTRY; .byte 0xd4, 0x00; ud2        /* aam 0: #DE */
    ENTRY; bound %eax, (%esp); ud2
    ENTRY; cli; ud2
    ENTRY; ljmp $USER_CS64, $fz_far64
    ENTRY; lcall $USER_CS64, $fz_far64
    ENTRY; push $0; pop %ss; ud2
    ENTRY; pushf; push $USER_CS64; push $fz_far64; iret
    ENTRY; mov %cr0, %eax; ud2
    ENTRY; pushf; orl $0x100, (%esp); popf; nop; nop; ud2
    ENTRY; jmp *%edi
    ENTRY; mov (%ebx), %eax; ud2
    ENTRY; int $3; ud2
    ENTRY; push $USER_CS64; push $fz_far64; lret
    ENTRY; inb $0x60, %al; ud2
    ENTRY; std; ud2                     /* known bug: no cld on entry */
    ENTRY; mov $0, %esp; push %eax; ud2
    ENTRY; int $0x2e; ud2
    .balign 16
    .globl fz_code32_end
fz_code32_end:
    .code64

/* Back in 64-bit mode from the 32-bit code. */
fz_far64:
    movq    $0, SH_MODE32
    ud2

    .section .rodata
    .balign 16
fz_kinds:                               /* { address, variants (0: none) } */
    .quad k_int3, 0                     /*  0 */
    .quad k_ud2, 0                      /*  1 */
    .quad k_div0, 0                     /*  2 */
    .quad k_int, 256               /*  3 */
    .quad k_priv, (k_priv_end - k_priv) / 16 /* 4 */
    .quad k_icebp, 0                    /*  5 */
    .quad k_jmp, 0                      /*  6 */
    .quad k_call, 0                     /*  7 */
    .quad k_read, 0                     /*  8 */
    .quad k_write, 0                    /*  9 */
    .quad k_rsp_push, 0                 /* 10 */
    .quad k_rsp_int3, 0                 /* 11 */
    .quad k_rsp_sys, 0                  /* 12 */
    .quad k_popf_sys, 0                 /* 13 */
    .quad k_ljmp, 0                     /* 14 */
    .quad k_lretl, 0                    /* 15 */
    .quad k_lretq, 0                    /* 16 */
    .quad k_iretq, 0                    /* 17 */
    .quad k_segs, 0                     /* 18 */
    .quad k_x87, 0                      /* 19 */
    .quad k_sse, 0                      /* 20 */
    .quad k_mxcsr, 0                    /* 21 */
    .quad k_std, 0                      /* 22 */
    .quad k_sys, 0                      /* 23 */
    .quad k_tf, 0                       /* 24 */
    .quad k_rsp_ud2, 0                  /* 25 */
    .quad k_lcall, 0                    /* 26 */
    .quad k_leak, 0                     /* 27 */
    .quad k_movss, 0                    /* 28 */
    .quad k_regs, 0                     /* 29 */
    .quad k_ud2, 0                      /* 30 */
    .quad k_ud2, 0                      /* 31 */

    .section .note.GNU-stack, "", @progbits
