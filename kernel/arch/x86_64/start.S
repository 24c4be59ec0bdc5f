/*
 * Boot: multiboot v1 and v2 headers and the 32-bit entry stub.
 *
 * QEMU's -kernel (multiboot v1) and GRUB (multiboot v2) load the flat image
 * at 1 MiB through the headers' address fields and enter start32 in
 * protected mode with paging off. The stub maps the first GiB twice
 * (identity, and at -2 GiB where the kernel is linked), enters long mode
 * and jumps to the kernel's C entry with the boot magic and the physical
 * address of the boot information.
 */
#include "asm.h"

#define MB1_MAGIC  0x1BADB002
#define MB1_FLAGS  0x00010003   /* page-align modules, memory map, address fields */
#define MB2_MAGIC  0xE85250D6

    .section .multiboot, "a"
    .align 4
mb1_header:
    .long MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS)
    .long mb1_header            /* header_addr   */
    .long 0x100000              /* load_addr     */
    .long image_load_end        /* load_end_addr */
    .long image_end_phys        /* bss_end_addr  */
    .long start32               /* entry_addr    */

    .align 8
mb2_header:
    .long MB2_MAGIC, 0, mb2_end - mb2_header, -(MB2_MAGIC + (mb2_end - mb2_header))
    .align 8                    /* address tag */
    .word 2, 0
    .long 24, mb2_header, 0x100000, image_load_end, image_end_phys
    .align 8                    /* entry address tag */
    .word 3, 0
    .long 12, start32
    .align 8                    /* module alignment tag */
    .word 6, 0
    .long 8
    .align 8                    /* end tag */
    .word 0, 0
    .long 8
mb2_end:

    .section .boot.text, "ax"
    .code32
    .global start32
start32:
    cli
    mov     %eax, %edi                  /* boot magic    */
    mov     %ebx, %esi                  /* boot info     */
    mov     $boot_stack_top, %esp

    /* No long mode: nothing we can run; stop. */
    mov     $0x80000001, %eax
    cpuid
    bt      $29, %edx
    jnc     no_long_mode

    /* PD: 512 x 2 MiB identity pages = first GiB */
    mov     $boot_pd, %ebx
    xor     %ecx, %ecx
1:  mov     %ecx, %eax
    shl     $21, %eax
    or      $0x83, %eax                 /* present, writable, 2 MiB page */
    mov     %eax, (%ebx,%ecx,8)
    movl    $0, 4(%ebx,%ecx,8)
    inc     %ecx
    cmp     $512, %ecx
    jne     1b

    movl    $boot_pd + 3, boot_pdpt_lo
    movl    $boot_pd + 3, boot_pdpt_hi + 510 * 8
    movl    $boot_pdpt_lo + 3, boot_pml4
    movl    $boot_pdpt_hi + 3, boot_pml4 + 511 * 8

    mov     %cr4, %eax
    or      $(CR4_PAE | CR4_PGE), %eax
    mov     %eax, %cr4
    mov     $boot_pml4, %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $(EFER_LME | EFER_NXE | EFER_SCE), %eax
    wrmsr
    mov     %cr0, %eax
    or      $(CR0_PG | CR0_WP | CR0_PE), %eax
    mov     %eax, %cr0

    lgdt    boot_gdt_ptr
    ljmp    $8, $start64_low

no_long_mode:
    hlt
    jmp     no_long_mode

    .code64
start64_low:
    mov     $16, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    xor     %eax, %eax
    mov     %eax, %fs
    mov     %eax, %gs
    movabs  $start64, %rax
    jmp     *%rax

    .section .boot.data, "aw"
    .align 4096
boot_pml4:      .fill 512, 8, 0
boot_pdpt_lo:   .fill 512, 8, 0
boot_pdpt_hi:   .fill 512, 8, 0
boot_pd:        .fill 512, 8, 0
boot_stack:     .fill 1024, 1, 0
boot_stack_top:
    .align 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 64-bit code */
    .quad 0x00cf92000000ffff            /* data        */
boot_gdt_ptr:
    .word boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt

    .text
start64:
    movabs  $(cpu0_stack + KSTACK_SIZE), %rsp
    xor     %ebp, %ebp
    /* edi = magic, esi = boot info (zero-extended by the 32-bit moves) */
    call    kmain
1:  hlt
    jmp     1b

    .section .note.GNU-stack, "", @progbits
