/* A hostile real-mode guest: reads guest-physical 0x90000, beyond the RAM
 * its VMM gives it. The VMM must stop this VM, and only this one. */
    .code16
    .text
    mov     $0x9000, %ax
    mov     %ax, %ds
    mov     (0), %al
    hlt

    .code64
    .section .note.GNU-stack, "", @progbits
