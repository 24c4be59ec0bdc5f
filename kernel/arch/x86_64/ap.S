/*
 * Application processor start-up: copied to a free page below 1 MiB
 * (smp.c) and entered by the INIT-SIPI-SIPI sequence in real mode at its
 * start, with CS the page's segment. It finds its own base from CS (kept
 * in EBX), goes through 32-bit protected mode to long mode on the page
 * table at ap_cr3 (the kernel's, plus an identity map of the first 2 MiB
 * for this code), then jumps to ap_entry with the stack at ap_stack (smp.c
 * fills in those three words for each CPU in turn). Every address in it
 * is relative to that base, so it runs wherever it was copied.
 */
#include "asm.h"

#define AP(x)    ((x) - ap_start) /* offset from the base */

    .section .rodata
    .global ap_start, ap_end, ap_cr3, ap_stack, ap_entry
    .code16
ap_start:
    cli
    mov     %cs, %ax
    mov     %ax, %ds
    movzwl  %ax, %ebx
    shl     $4, %ebx                    /* the base, for the flat modes */
    leal    AP(ap_gdt)(%ebx), %eax
    movl    %eax, AP(ap_gdt_desc) + 2
    leal    AP(ap_32)(%ebx), %eax
    movl    %eax, AP(ap_far32)
    lgdtl   AP(ap_gdt_desc)
    mov     %cr0, %eax
    or      $CR0_PE, %eax
    mov     %eax, %cr0
    ljmpl   *AP(ap_far32)

    .code32
ap_32:
    mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %ss
    mov     %cr4, %eax
    or      $(CR4_PAE | CR4_PGE), %eax
    mov     %eax, %cr4
    mov     AP(ap_cr3)(%ebx), %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $(EFER_LME | EFER_NXE | EFER_SCE), %eax
    wrmsr
    mov     %cr0, %eax
    or      $(CR0_PG | CR0_WP), %eax
    mov     %eax, %cr0
    lea     AP(ap_64)(%ebx), %eax
    mov     %eax, AP(ap_far64)(%ebx)
    ljmp    *AP(ap_far64)(%ebx)

    .code64
ap_64:
    mov     %ebx, %ebx                  /* the upper half is undefined */
    mov     AP(ap_stack)(%rbx), %rsp
    mov     AP(ap_entry)(%rbx), %rax
    jmp     *%rax

    .align 8
ap_gdt:
    .quad   0, 0x00cf9a000000ffff, 0x00cf92000000ffff, 0x00af9a000000ffff
ap_gdt_desc:
    .word   31
    .long   0                           /* ap_gdt's address, set above */
ap_far32:
    .long   0                           /* ap_32's address, set above */
    .word   0x08
ap_far64:
    .long   0                           /* ap_64's address, set above */
    .word   0x18
    .align 8
ap_cr3:
    .quad   0
ap_stack:
    .quad   0
ap_entry:
    .quad   0
ap_end:

    .section .note.GNU-stack, "", @progbits
