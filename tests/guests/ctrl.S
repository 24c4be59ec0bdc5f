/* A real-mode guest writing EFER and CR4 as a CPU must refuse, each time
 * expecting the #GP a CPU raises (its handler counts it and resumes at
 * the next check): WRMSR to EFER with a reserved bit; MOV to CR4 with a
 * reserved bit, and with VMXE on a CPU without VMX; EFER.LME with CR4.PAE
 * off (refused by this VMM: see docs/vmm.md), followed by port I/O, the
 * exit that froze the whole machine when the VMM let LME through. Then
 * writes that must succeed: PAE, then LME, read back; with LME on and
 * paging off a CR4 write (PGE) that the VMM carries out, and one clearing
 * PAE that gets #GP here; both off again.
 * It prints "control registers: 7 checks passed" (a failed check prints
 * "control register check N failed" and halts). Last it sets CR0.NW
 * without CD, which QEMU lets through until the next VMRUN refuses the
 * state: its VMM stops it naming the rule (on a CPU it gets #GP). */
#define AT(label) ((label) - start + 0x1000)
#define COM1      0x3f8
#define EFER      0xc0000080
    .code16
    .text
start:
    cli
    cld
    xor     %ax, %ax
    mov     %ax, %ds
    mov     %ax, %es
    movw    $AT(gp), 13 * 4             /* IVT entry 13: #GP */
    movw    $0, 13 * 4 + 2
    /* 1: EFER bit 2 is reserved */
    mov     $'1', %bl
    movw    $AT(1f), AT(resume)
    mov     $EFER, %ecx
    mov     $4, %eax
    xor     %edx, %edx
    wrmsr
    jmp     fail
1:  cmpw    $1, AT(gps)
    jne     fail
    /* 2: CR4 bit 15 is reserved */
    mov     $'2', %bl
    movw    $AT(2f), AT(resume)
    mov     $1 << 15, %eax
    mov     %eax, %cr4
    jmp     fail
2:  cmpw    $2, AT(gps)
    jne     fail
    /* 3: CR4.VMXE, on a CPU without VMX */
    mov     $'3', %bl
    movw    $AT(3f), AT(resume)
    mov     $1 << 13, %eax
    mov     %eax, %cr4
    jmp     fail
3:  cmpw    $3, AT(gps)
    jne     fail
    /* 4: EFER.LME with CR4.PAE off, then port I/O */
    mov     $'4', %bl
    movw    $AT(4f), AT(resume)
    mov     $EFER, %ecx
    mov     $0x100, %eax
    xor     %edx, %edx
    wrmsr
    jmp     fail
4:  cmpw    $4, AT(gps)
    jne     fail
    out     %al, $0x80
    /* 5: nothing refused changed anything; PAE then LME is fine */
    mov     $'5', %bl
    movw    $AT(fail), AT(resume)
    mov     %cr4, %eax
    test    %eax, %eax
    jnz     fail
    mov     $EFER, %ecx
    rdmsr
    test    %eax, %eax
    jnz     fail
    mov     $0x20, %eax
    mov     %eax, %cr4
    mov     $0x100, %eax
    xor     %edx, %edx
    wrmsr
    out     %al, $0x80
    rdmsr
    cmp     $0x100, %eax
    jne     fail
    /* 6: with LME on and paging off a CR4 write exits (the kernel hands
     * it to the VMM, which carries it out) */
    mov     $'6', %bl
    mov     $0xa0, %eax                 /* PAE, PGE */
    mov     %eax, %cr4
    mov     %cr4, %eax
    cmp     $0xa0, %eax
    jne     fail
    /* 7: clearing PAE with LME on: #GP here (docs/vmm.md) */
    mov     $'7', %bl
    movw    $AT(7f), AT(resume)
    xor     %eax, %eax
    mov     %eax, %cr4
    jmp     fail
7:  cmpw    $5, AT(gps)
    jne     fail
    movw    $AT(fail), AT(resume)
    mov     $EFER, %ecx
    xor     %eax, %eax
    xor     %edx, %edx
    wrmsr
    mov     %eax, %cr4
    mov     $AT(passed), %si
    call    puts
    /* 6: CR0.NW without CD. A CPU raises #GP; QEMU's SVM takes it and
     * refuses the state at the next VMRUN (CR writes do not exit here),
     * so the VMM stops the VM naming the rule (docs/vmm.md). */
    movw    $AT(nw_gp), AT(resume)
    mov     %cr0, %eax
    and     $~(1 << 30), %eax
    or      $1 << 29, %eax
    mov     %eax, %cr0
    out     %al, $0x80
    mov     $AT(nw_taken), %si
    jmp     print
nw_gp:
    mov     $AT(nw_refused), %si
    jmp     print

gp:
    push    %bp
    mov     %sp, %bp
    push    %ax
    mov     AT(resume), %ax
    mov     %ax, 2(%bp)                 /* the return IP */
    incw    AT(gps)
    pop     %ax
    pop     %bp
    iret

fail:
    mov     %bl, AT(digit)
    mov     $AT(failed), %si
print:
    call    puts
    cli
    hlt

/* Print the NUL-terminated string at si. */
puts:
    lodsb
    test    %al, %al
    jz      1f
    mov     $COM1, %dx
    out     %al, %dx
    jmp     puts
1:  ret

resume:
    .word   0
gps:
    .word   0
passed:
    .asciz  "control registers: 7 checks passed\n"
nw_taken:
    .asciz  "CR0.NW without CD went through\n"
nw_refused:
    .asciz  "CR0.NW without CD: #GP\n"
failed:
    .ascii  "control register check "
digit:
    .asciz  "? failed\n"

    .code64
    .section .note.GNU-stack, "", @progbits
