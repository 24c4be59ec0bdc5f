/*
 * Small real-mode guests for vmtest, loaded at guest-physical 0x1000.
 * Addresses inside a guest are computed relative to its start.
 */
#define AT(label, start) ((label) - (start) + 0x1000)

    .section .rodata
    .code16

/* hello: print a line on the serial port, then 10000 port writes to 0x80
 * (the VM exit benchmark), then HLT. */
    .global guest_hello, guest_hello_end
guest_hello:
    mov     $0x3f8, %dx
    mov     $AT(hello_msg, guest_hello), %si
1:  lodsb
    test    %al, %al
    jz      2f
    out     %al, %dx
    jmp     1b
2:  mov     $10000, %cx
3:  out     %al, $0x80
    loop    3b
    hlt
hello_msg:
    .asciz  "Hello from the guest\n"
guest_hello_end:

/* wild: read guest-physical 0x20000, beyond the 64 KiB of RAM it has. */
    .global guest_wild, guest_wild_end
guest_wild:
    mov     $0x2000, %ax
    mov     %ax, %ds
    mov     (0), %al
    hlt
guest_wild_end:

/* triple: an empty interrupt table, then a breakpoint: #BP cannot be
 * delivered, nor #GP, nor #DF: the CPU shuts down. */
    .global guest_triple, guest_triple_end
guest_triple:
    lidt    %cs:AT(null_idt, guest_triple)
    int3
    hlt
null_idt:
    .word   0
    .long   0
guest_triple_end:

    .code64
    .section .note.GNU-stack, "", @progbits
