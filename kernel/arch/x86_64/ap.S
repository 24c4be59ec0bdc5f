/*
 * Application processor start-up: copied to AP_BASE (below 1 MiB) and
 * entered by the INIT-SIPI-SIPI sequence in real mode at AP_BASE. It
 * goes through 32-bit protected mode to long mode on the page table at
 * ap_cr3 (the kernel's, plus an identity map of the first GiB for this
 * code), then jumps to ap_entry with the stack at ap_stack (smp.c fills
 * in those three words for each CPU in turn).
 */
#include "asm.h"

#define AP_BASE  0x1000 /* smp.c: SMP_TRAMPOLINE */
#define AP(x)    ((x) - ap_start + AP_BASE)

    .section .rodata
    .global ap_start, ap_end, ap_cr3, ap_stack, ap_entry
    .code16
ap_start:
    cli
    xor     %ax, %ax
    mov     %ax, %ds
    lgdtl   AP(ap_gdt_desc)
    mov     %cr0, %eax
    or      $CR0_PE, %eax
    mov     %eax, %cr0
    ljmpl   $0x08, $AP(ap_32)

    .code32
ap_32:
    mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %ss
    mov     %cr4, %eax
    or      $(CR4_PAE | CR4_PGE), %eax
    mov     %eax, %cr4
    mov     AP(ap_cr3), %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $(EFER_LME | EFER_NXE | EFER_SCE), %eax
    wrmsr
    mov     %cr0, %eax
    or      $(CR0_PG | CR0_WP), %eax
    mov     %eax, %cr0
    ljmp    $0x18, $AP(ap_64)

    .code64
ap_64:
    mov     AP(ap_stack), %rsp
    mov     AP(ap_entry), %rax
    jmp     *%rax

    .align 8
ap_gdt:
    .quad   0, 0x00cf9a000000ffff, 0x00cf92000000ffff, 0x00af9a000000ffff
ap_gdt_desc:
    .word   31
    .long   AP(ap_gdt)
    .align 8
ap_cr3:
    .quad   0
ap_stack:
    .quad   0
ap_entry:
    .quad   0
ap_end:

    .section .note.GNU-stack, "", @progbits
