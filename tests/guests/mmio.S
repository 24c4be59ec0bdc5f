/* A 32-bit multiboot guest poking the emulated IO-APIC (its VMM runs with
 * apic="yes"). It reads the IO-APIC's version register through the
 * index/data window, as an OS does (MOV, emulated through the VMM's
 * instruction decoder), prints it through the UART, and then uses an
 * instruction the VMM does not emulate on a device (a string store,
 * MOVSL), which must stop its VM with a report naming the address. */
#define LOAD        0x100000
#define AT(label)   ((label) - start + LOAD)
#define MB_MAGIC    0x1badb002
#define MB_FLAGS    0x00010000          /* address fields */
#define IOAPIC      0xfec00000
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
    mov     $AT(msg), %esi
    call    puts
    movl    $1, IOAPIC                  /* IOREGSEL = 1: the version register */
    mov     IOAPIC + 0x10, %eax         /* IOWIN */
    mov     $8, %ecx                    /* eight hex digits */
1:  rol     $4, %eax
    mov     %eax, %ebx
    and     $0xf, %ebx
    mov     AT(hex)(%ebx), %bl
    push    %eax
    mov     %bl, %al
    call    putc
    pop     %eax
    loop    1b
    mov     $'\n', %al
    call    putc
    mov     $AT(msg), %esi              /* now a string store onto the device */
    mov     $IOAPIC, %edi
    movsl
    mov     $AT(bad), %esi              /* not reached if the VMM stops us */
    call    puts
    hlt

/* Print the NUL-terminated string at esi. */
puts:
    lodsb
    test    %al, %al
    jz      2f
    call    putc
    jmp     puts
2:  ret

/* Print al, polling the line status register. */
putc:
    mov     %al, %ah
    mov     $COM1 + 5, %dx
3:  in      %dx, %al
    test    $0x20, %al
    jz      3b
    mov     $COM1, %dx
    mov     %ah, %al
    out     %al, %dx
    ret

msg:
    .asciz  "IO-APIC version register: 0x"
bad:
    .asciz  "the string store went through\n"
hex:
    .ascii  "0123456789abcdef"

    .code64
    .section .note.GNU-stack, "", @progbits
