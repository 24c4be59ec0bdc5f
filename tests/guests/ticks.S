/* A real-mode guest exercising interrupts: it programs the 8259 PICs
 * (IRQ 0 at vector 0x20), the 8254 PIT (channel 0, rate generator at
 * 100 Hz) and waits with STI; HLT for 10 timer interrupts, acknowledging
 * each with an EOI; then it reports through the 16550 and resets the
 * machine through the i8042. */
#define AT(label) ((label) - start + 0x1000)
    .code16
    .text
start:
    cli
    xor     %ax, %ax
    mov     %ax, %ds
    movw    $AT(isr), 0x80              /* IVT entry 0x20: offset, segment */
    movw    $0, 0x82
    mov     $0x11, %al                  /* ICW1: edge, cascade, ICW4 */
    out     %al, $0x20
    out     %al, $0xa0
    mov     $0x20, %al                  /* ICW2: master vectors 0x20.. */
    out     %al, $0x21
    mov     $0x28, %al                  /* slave vectors 0x28.. */
    out     %al, $0xa1
    mov     $0x04, %al                  /* ICW3: slave on IR2 */
    out     %al, $0x21
    mov     $0x02, %al
    out     %al, $0xa1
    mov     $0x01, %al                  /* ICW4: 8086 mode */
    out     %al, $0x21
    out     %al, $0xa1
    mov     $0xfe, %al                  /* OCW1: only IRQ 0 */
    out     %al, $0x21
    mov     $0xff, %al
    out     %al, $0xa1
    mov     $0x34, %al                  /* PIT channel 0, lo/hi, mode 2 */
    out     %al, $0x43
    mov     $11932 & 0xff, %al          /* 1193182 Hz / 11932 = 100 Hz */
    out     %al, $0x40
    mov     $11932 >> 8, %al
    out     %al, $0x40
    sti
1:  hlt
    cmpw    $10, AT(count)
    jb      1b
    cli
    mov     $AT(msg), %si
2:  lodsb
    test    %al, %al
    jz      4f
    mov     %al, %bl
    mov     $0x3fd, %dx
3:  in      %dx, %al
    test    $0x20, %al
    jz      3b
    mov     $0x3f8, %dx
    mov     %bl, %al
    out     %al, %dx
    jmp     2b
4:  mov     $0xfe, %al                  /* pulse the reset line */
    out     %al, $0x64
    hlt

isr:
    incw    %cs:AT(count)
    push    %ax
    mov     $0x20, %al                  /* EOI */
    out     %al, $0x20
    pop     %ax
    iret

count:
    .word   0
msg:
    .asciz  "10 timer interrupts through the PIC\n"

    .code64
    .section .note.GNU-stack, "", @progbits
