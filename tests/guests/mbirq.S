/* A 32-bit multiboot (v1) guest exercising the interrupts of three chips.
 * The image is flat: its header gives the a.out-kludge addresses for a
 * load at 1 MiB (the whole file, no bss). It checks the loader's magic in
 * EAX, takes the memory size and the command line from the multiboot
 * information, loads its own GDT and an IDT (exceptions 0-31 report
 * "exception N" and halt with interrupts off; vectors 0x20-0x2f for the
 * PICs), programs the 8259 pair (IRQ 0 and IRQ 4 only), the 8254 (channel
 * 0, rate generator at 100 Hz) and the 16550 (8N1, FIFOs, OUT2), and waits
 * with STI; HLT. After a settling time (see SETTLE) it counts 10 timer
 * interrupts, then prints one line, transmitted a byte per THR-empty
 * interrupt (the main code only queues text), ending with the number of
 * UART interrupts taken so far, and resets through the i8042. Any failure
 * prints a line with "multiboot guest failed" by polling the UART and
 * halts with interrupts off. */
#define LOAD        0x100000
#define AT(label)   ((label) - start + LOAD)
#define MB_MAGIC    0x1badb002
#define MB_FLAGS    0x00010002          /* memory info, address fields */
#define MB_BOOTED   0x2badb002
/* Timer interrupts let pass before the 10 counted ones: 0.5 s, so that
 * this VM reports well after the other guests of the vm scenario have
 * finished (run.py matches expects in file order). */
#define SETTLE      50
#define COUNT       10
#define TXMASK      511                 /* transmit ring: 512 bytes */
#define COM1        0x3f8
    .code32
    .text
start:
mb_header:
    .long   MB_MAGIC
    .long   MB_FLAGS
    .long   -(MB_MAGIC + MB_FLAGS)
    .long   AT(mb_header)               /* header_addr */
    .long   LOAD                        /* load_addr */
    .long   0                           /* load_end_addr: the whole file */
    .long   0                           /* bss_end_addr: none */
    .long   AT(entry)                   /* entry_addr */

entry:
    cli
    cld
    mov     $AT(stack_top), %esp
    cmp     $MB_BOOTED, %eax
    je      1f
    mov     $AT(s_magic), %esi
    jmp     fail
1:  mov     %ebx, AT(mbi)
    lgdt    AT(gdt_desc)
    ljmp    $0x08, $AT(2f)
2:  mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    mov     %ax, %fs
    mov     %ax, %gs

    /* IDT: exceptions 0-31, IRQs 0x20-0x2f */
    xor     %ecx, %ecx
3:  mov     %ecx, %eax
    shl     $4, %eax
    add     $AT(exc_stubs), %eax
    call    set_gate
    inc     %ecx
    cmp     $32, %ecx
    jb      3b
4:  mov     $AT(irq_other), %eax
    cmp     $0x20, %ecx
    jne     5f
    mov     $AT(irq_timer), %eax
5:  cmp     $0x24, %ecx
    jne     6f
    mov     $AT(irq_uart), %eax
6:  call    set_gate
    inc     %ecx
    cmp     $0x30, %ecx
    jb      4b
    lidt    AT(idt_desc)

    /* the multiboot information: memory sizes and command line */
    mov     AT(mbi), %ebx
    mov     (%ebx), %eax
    and     $5, %eax
    cmp     $5, %eax
    je      7f
    mov     $AT(s_mbi), %esi
    jmp     fail
7:
    /* 8259 pair: vectors 0x20/0x28, slave on IR2, only IRQ 0 and 4 */
    mov     $0x11, %al                  /* ICW1: edge, cascade, ICW4 */
    out     %al, $0x20
    out     %al, $0xa0
    mov     $0x20, %al                  /* ICW2 */
    out     %al, $0x21
    mov     $0x28, %al
    out     %al, $0xa1
    mov     $0x04, %al                  /* ICW3 */
    out     %al, $0x21
    mov     $0x02, %al
    out     %al, $0xa1
    mov     $0x01, %al                  /* ICW4: 8086 mode */
    out     %al, $0x21
    out     %al, $0xa1
    mov     $0xee, %al                  /* OCW1 */
    out     %al, $0x21
    mov     $0xff, %al
    out     %al, $0xa1

    /* 8254: channel 0, lo/hi, mode 2, 1193182 Hz / 11932 = 100 Hz */
    mov     $0x34, %al
    out     %al, $0x43
    mov     $11932 & 0xff, %al
    out     %al, $0x40
    mov     $11932 >> 8, %al
    out     %al, $0x40

    /* 16550: 115200 baud 8N1, FIFOs on and cleared, DTR RTS OUT2 (OUT2
     * gates the IRQ on a PC); THR-empty interrupts are enabled while
     * there is something to send */
    mov     $COM1 + 1, %dx
    xor     %al, %al                    /* IER: none yet */
    out     %al, %dx
    mov     $COM1 + 3, %dx
    mov     $0x80, %al                  /* LCR: DLAB */
    out     %al, %dx
    mov     $COM1, %dx
    mov     $1, %al                     /* divisor 1 */
    out     %al, %dx
    inc     %dx
    xor     %al, %al
    out     %al, %dx
    mov     $COM1 + 3, %dx
    mov     $0x03, %al                  /* LCR: 8N1 */
    out     %al, %dx
    mov     $COM1 + 2, %dx
    mov     $0x07, %al                  /* FCR: enable, clear both FIFOs */
    out     %al, %dx
    mov     $COM1 + 4, %dx
    mov     $0x0b, %al                  /* MCR: DTR RTS OUT2 */
    out     %al, %dx

    /* settle, then count COUNT timer interrupts */
    sti
8:  hlt
    cmpl    $SETTLE, AT(jiffies)
    jb      8b
    movl    $1, AT(counting)
9:  cli
    cmpl    $0, AT(counting)
    je      10f
    sti
    hlt
    jmp     9b
10: sti

    /* the line, all but the UART count */
    mov     $AT(line), %edi
    mov     $AT(s_line1), %esi
    call    strcpy
    mov     AT(counted), %eax
    call    utoa
    mov     $AT(s_line2), %esi
    call    strcpy
    mov     AT(mbi), %ebx
    mov     16(%ebx), %esi              /* cmdline */
    mov     $80, %ecx                   /* at most 80 bytes of it */
11: lodsb
    test    %al, %al
    jz      12f
    stosb
    loop    11b
12: mov     $AT(s_line3), %esi
    call    strcpy
    mov     8(%ebx), %eax               /* mem_upper */
    call    utoa
    mov     $AT(s_line4), %esi
    call    strcpy
    movb    $0, (%edi)
    mov     $AT(line), %esi
    call    queue
    call    drain

    /* ... and the UART interrupts it took */
    mov     AT(uart_irqs), %eax
    test    %eax, %eax
    jnz     13f
    mov     $AT(s_nouart), %esi
    jmp     fail
13: mov     $AT(line), %edi
    call    utoa
    mov     $AT(s_line5), %esi
    call    strcpy
    movb    $0, (%edi)
    mov     $AT(line), %esi
    call    queue
    call    drain

    cli
    mov     $0xfe, %al                  /* pulse the reset line */
    out     %al, $0x64
    hlt

/* Gate ECX of the IDT: a 32-bit interrupt gate to EAX. */
set_gate:
    mov     $AT(idt), %edx
    mov     %ax, (%edx,%ecx,8)
    movw    $0x08, 2(%edx,%ecx,8)
    movw    $0x8e00, 4(%edx,%ecx,8)
    shr     $16, %eax
    mov     %ax, 6(%edx,%ecx,8)
    ret

/* Copy the string at ESI to EDI (without its NUL); EDI ends after it. */
strcpy:
    lodsb
    test    %al, %al
    jz      1f
    stosb
    jmp     strcpy
1:  ret

/* EAX in decimal at EDI; EDI ends after it. */
utoa:
    push    %ebx
    push    %ecx
    push    %edx
    mov     $10, %ebx
    xor     %ecx, %ecx
1:  xor     %edx, %edx
    div     %ebx
    push    %edx
    inc     %ecx
    test    %eax, %eax
    jnz     1b
2:  pop     %eax
    add     $'0', %al
    stosb
    loop    2b
    pop     %edx
    pop     %ecx
    pop     %ebx
    ret

/* Append the string at ESI to the transmit ring and enable the THR-empty
 * interrupt, which the UART raises at once with THR empty. */
queue:
    pushf
    cli
    mov     AT(tx_tail), %edx
1:  lodsb
    test    %al, %al
    jz      2f
    movb    %al, AT(tx_buf)(%edx)
    inc     %edx
    and     $TXMASK, %edx
    jmp     1b
2:  mov     %edx, AT(tx_tail)
    mov     $COM1 + 1, %dx
    mov     $0x02, %al                  /* IER: THR empty */
    out     %al, %dx
    popf
    ret

/* Wait with STI; HLT until the ring is sent; fail after 1 s. */
drain:
    mov     AT(jiffies), %ebx
1:  cli
    mov     AT(tx_head), %eax
    cmp     AT(tx_tail), %eax
    je      2f
    mov     AT(jiffies), %eax
    sub     %ebx, %eax
    cmp     $100, %eax
    ja      3f
    sti
    hlt
    jmp     1b
2:  sti
    ret
3:  mov     $AT(s_stuck), %esi
    jmp     fail

/* Print "multiboot guest failed: " and the string at ESI by polling the
 * UART, on a line of its own, then halt with interrupts off. */
fail:
    cli
    push    %esi
    cmpl    $0, AT(tx_tail)             /* a line may be half sent: end it */
    je      1f
    mov     $AT(s_newline), %esi
    call    puts_polled
1:
    mov     $AT(s_failed), %esi
    call    puts_polled
    pop     %esi
    call    puts_polled
    cli
2:  hlt
    jmp     2b

puts_polled:
    lodsb
    test    %al, %al
    jz      3f
    mov     %al, %ah
    mov     $COM1 + 5, %dx              /* LSR: wait for THR empty */
2:  in      %dx, %al
    test    $0x20, %al
    jz      2b
    mov     $COM1, %dx
    mov     %ah, %al
    out     %al, %dx
    jmp     puts_polled
3:  ret

/* IRQ 0: count jiffies, and COUNT interrupts once asked to */
irq_timer:
    push    %eax
    incl    AT(jiffies)
    cmpl    $0, AT(counting)
    je      1f
    incl    AT(counted)
    cmpl    $COUNT, AT(counted)
    jb      1f
    movl    $0, AT(counting)
1:  mov     $0x20, %al                  /* EOI */
    out     %al, $0x20
    pop     %eax
    iret

/* IRQ 4: on THR empty send the next byte, or with none left disable the
 * interrupt */
irq_uart:
    push    %eax
    push    %edx
    incl    AT(uart_irqs)
    mov     $COM1 + 2, %dx              /* IIR (reading it acknowledges THR empty) */
    in      %dx, %al
    test    $1, %al
    jnz     2f                          /* nothing pending */
    and     $0x0e, %al
    cmp     $0x02, %al
    jne     2f
    mov     AT(tx_head), %edx
    cmp     AT(tx_tail), %edx
    je      1f
    movb    AT(tx_buf)(%edx), %al
    inc     %edx
    and     $TXMASK, %edx
    mov     %edx, AT(tx_head)
    mov     $COM1, %dx
    out     %al, %dx
    jmp     2f
1:  mov     $COM1 + 1, %dx
    xor     %al, %al                    /* IER: nothing more to send */
    out     %al, %dx
2:  mov     $0x20, %al                  /* EOI */
    out     %al, $0x20
    pop     %edx
    pop     %eax
    iret

/* Other PIC vectors: masked lines, or a spurious IRQ 7/15 (no EOI). */
irq_other:
    iret

/* Exceptions: one stub per vector, 16 bytes apart. */
    .balign 16
exc_stubs:
    .set    vec, 0
    .rept   32
    .balign 16
    push    $vec
    jmp     exception
    .set    vec, vec + 1
    .endr
exception:
    cli
    mov     $AT(line), %edi
    mov     $AT(s_exc), %esi
    call    strcpy
    pop     %eax
    call    utoa
    movw    $'\n', (%edi)
    mov     $AT(line), %esi
    jmp     fail

    .balign 8
gdt:
    .quad   0
    .quad   0x00cf9a000000ffff          /* 0x08: 32-bit code */
    .quad   0x00cf92000000ffff          /* 0x10: data */
gdt_desc:
    .word   gdt_desc - gdt - 1
    .long   AT(gdt)
idt_desc:
    .word   0x30 * 8 - 1
    .long   AT(idt)

s_magic:  .asciz "EAX is not the multiboot magic 0x2badb002\n"
s_mbi:    .asciz "no memory sizes or command line in the multiboot information\n"
s_nouart: .asciz "no UART interrupt\n"
s_stuck:  .asciz "the interrupt-driven UART did not send its text within 1 s\n"
s_failed: .asciz "multiboot guest failed: "
s_newline: .asciz "\n"
s_exc:    .asciz "exception "
s_line1:  .asciz "multiboot guest: "
s_line2:  .asciz " timer interrupts, cmdline '"
s_line3:  .asciz "', "
s_line4:  .asciz " KiB above 1 MiB, "
s_line5:  .asciz " UART interrupts\n"

    .balign 4
mbi:        .long 0
jiffies:    .long 0
counting:   .long 0
counted:    .long 0
uart_irqs:  .long 0
tx_head:    .long 0
tx_tail:    .long 0
    .balign 8
idt:        .space 0x30 * 8
tx_buf:     .space TXMASK + 1
line:       .space 256
    .balign 16
            .space 4096
stack_top:

    .code64
    .section .note.GNU-stack, "", @progbits
