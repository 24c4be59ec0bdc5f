/* A real-mode guest, loaded at guest-physical 0x1000 by the VMM: prints a
 * line through the serial port (checking the transmitter is empty, as a
 * driver does), counts to 1000 on port 0x80, and halts. */
#define AT(label) ((label) - start + 0x1000)
    .code16
    .text
start:
    mov     $AT(msg), %si
1:  lodsb
    test    %al, %al
    jz      3f
    mov     %al, %bl
    mov     $0x3fd, %dx             /* line status: wait for THR empty */
2:  in      %dx, %al
    test    $0x20, %al
    jz      2b
    mov     $0x3f8, %dx
    mov     %bl, %al
    out     %al, %dx
    jmp     1b
3:  mov     $1000, %cx
4:  out     %al, $0x80
    loop    4b
    hlt
msg:
    .asciz  "Hello from a guest of the vmm component\n"

    .code64
    .section .note.GNU-stack, "", @progbits
