/*
 * Program entry and EC entry stubs.
 *
 * _start: rdi = HIP address, rsi = UTCB address, rsp = stack top (see
 * docs/abi.md, "The root PD"). Zero .bss (the loader need not), then call
 * cairn_crt_start(hip, utcb) with the stack aligned as the C ABI wants.
 *
 * cairn_thread_entry / cairn_portal_entry: where ECs made by lib/ec.c
 * start. Their creator put { fn, arg, utcb, 0 } at the stack pointer the
 * EC starts with; a portal's handler also gets the badge in rdi.
 */
    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    movq    %rdi, %r12
    movq    %rsi, %r13
    leaq    __bss_start(%rip), %rdi
    leaq    __bss_end(%rip), %rcx
    subq    %rdi, %rcx
    xorl    %eax, %eax
    cld
    rep stosb
    /* A component started by core gets no arguments: its environment
     * page and UTCB sit at fixed addresses (cairn/session.h). */
    testq   %r12, %r12
    jnz     1f
    movabsq $0x00007fffffffd000, %r12   /* CAIRN_ENV_ADDR */
    movabsq $0x00007fffffffc000, %r13   /* CAIRN_ENV_UTCB */
1:  movq    %r12, %rdi
    movq    %r13, %rsi
    andq    $-16, %rsp
    xorl    %ebp, %ebp
    call    cairn_crt_start
    ud2
    .size _start, . - _start

    .text
/* void fn(void *arg, struct cairn_utcb *utcb); must not return */
    .globl cairn_thread_entry
    .type cairn_thread_entry, @function
cairn_thread_entry:
    movq    16(%rsp), %rsi
    movq    8(%rsp), %rdi
    movq    0(%rsp), %rax
    xorl    %ebp, %ebp
    call    *%rax
    ud2
    .size cairn_thread_entry, . - cairn_thread_entry

/* void fn(void *arg, struct cairn_utcb *utcb, uint64_t badge); ends in
 * cairn_reply(). The kernel resets rsp for every call, so the four words
 * above the stack pointer stay intact between calls. */
    .globl cairn_portal_entry
    .type cairn_portal_entry, @function
cairn_portal_entry:
    movq    %rdi, %rdx
    movq    16(%rsp), %rsi
    movq    8(%rsp), %rdi
    movq    0(%rsp), %rax
    xorl    %ebp, %ebp
    call    *%rax
    ud2
    .size cairn_portal_entry, . - cairn_portal_entry

    .section .note.GNU-stack, "", @progbits
