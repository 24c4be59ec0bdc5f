/*
 * The benchmark's portal handler: reply at once with no words. It runs
 * in the server PD with rdi = badge; the UTCB's untyped and typed counts
 * stay 0, so the reply carries nothing. Kept in assembly so the measured
 * round trip is the kernel's path plus these three instructions.
 */
    .text
    .globl bench_handler
    .type bench_handler, @function
bench_handler:
    xorl    %edi, %edi          /* mtd: nothing (not an event) */
    movl    $1, %eax            /* CAIRN_SYS_REPLY */
    syscall
    ud2                         /* reply does not return */
    .size bench_handler, . - bench_handler

    .section .note.GNU-stack, "", @progbits
