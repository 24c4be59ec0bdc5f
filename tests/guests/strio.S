/* A real-mode guest using string port I/O, which its VMM emulates: it
 * prints lines through the 16550 with REP OUTSB (forwards, backwards with
 * DF set, with 32-bit addresses), reads the line status register into
 * memory with REP INSB, sends a word with OUTSW, and wraps SI at 64 KiB,
 * checking the registers each leaves behind. Then it reads a port into
 * memory the VM does not have (ES:DI = 0x2000:0, linear 0x20000 of a
 * 64 KiB VM): its VMM must stop the VM saying so. A failed check prints
 * "string I/O check N failed" and halts. */
#define AT(label) ((label) - start + 0x1000)
#define COM1      0x3f8
    .code16
    .text
start:
    cli
    cld
    xor     %ax, %ax
    mov     %ax, %ds
    mov     %ax, %es
    /* 1: REP OUTSB: CX counts down to 0, SI moves past the line */
    mov     $'1', %bl
    mov     $AT(line1), %si
    mov     $line1_end - line1, %cx
    mov     $COM1, %dx
    rep outsb
    test    %cx, %cx
    jnz     fail
    cmp     $AT(line1_end), %si
    jne     fail
    /* 2: REP INSB of the line status: THR empty and transmitter empty */
    mov     $'2', %bl
    mov     $AT(buf), %di
    mov     $4, %cx
    mov     $COM1 + 5, %dx
    rep insb
    test    %cx, %cx
    jnz     fail
    cmp     $AT(buf) + 4, %di
    jne     fail
    cmpl    $0x60606060, AT(buf)
    jne     fail
    /* 3: DF set: a reversed line sent from its end comes out forwards */
    mov     $'3', %bl
    std
    mov     $AT(rev_end) - 1, %si
    mov     $rev_end - rev, %cx
    mov     $COM1, %dx
    rep outsb
    cld
    cmp     $AT(rev) - 1, %si
    jne     fail
    /* 4: OUTSW without REP: SI steps by 2, CX stays */
    mov     $'4', %bl
    mov     $AT(buf), %si
    mov     $7, %cx
    mov     $0x80, %dx
    outsw
    cmp     $7, %cx
    jne     fail
    cmp     $AT(buf) + 2, %si
    jne     fail
    /* 5: 32-bit addresses: ESI and ECX */
    mov     $'5', %bl
    mov     $AT(line5), %esi
    mov     $line5_end - line5, %ecx
    mov     $COM1, %dx
    addr32 rep outsb
    test    %ecx, %ecx
    jnz     fail
    cmp     $AT(line5_end), %esi
    jne     fail
    /* 6: 16-bit addresses wrap: SI from 0xffff to 1, ESI's top half kept */
    mov     $'6', %bl
    mov     $0x1234ffff, %esi
    mov     $2, %cx
    mov     $0x80, %dx
    rep outsb
    cmp     $0x12340001, %esi
    jne     fail
    mov     $AT(done), %si
    mov     $done_end - done, %cx
    mov     $COM1, %dx
    rep outsb
    /* 7: into memory this VM does not have: its VMM stops it */
    mov     $0x2000, %ax
    mov     %ax, %es
    xor     %di, %di
    mov     $COM1 + 5, %dx
    insb
    mov     $'7', %bl
fail:
    mov     %bl, AT(digit)
    mov     $AT(failed), %si
1:  lodsb
    test    %al, %al
    jz      2f
    mov     $COM1, %dx
    out     %al, %dx
    jmp     1b
2:  cli
    hlt

line1:
    .ascii  "string I/O: rep outsb forwards\n"
line1_end:
rev:
    .ascii  "\nsdrawkcab bstuo per :O/I gnirts"
rev_end:
line5:
    .ascii  "string I/O: addr32 rep outsb\n"
line5_end:
done:
    .ascii  "string I/O: 6 checks passed\n"
done_end:
failed:
    .ascii  "string I/O check "
digit:
    .asciz  "? failed\n"
buf:
    .long   0

    .code64
    .section .note.GNU-stack, "", @progbits
