/* The fuzzing guest's entry: a multiboot v1 header (a.out-kludge fields,
 * loaded at 1 MiB, bss zeroed by the loader), its own GDT and an IDT of
 * 256 generated stubs, then C (fuzz_main in guest.c) on its own stack.
 * Every vector goes to fuzz_trap(frame); the stubs load flat data
 * segments first (a fuzzed DS may be anything) and leave them flat. */
#define MB_MAGIC    0x1badb002
#define MB_FLAGS    0x00010002          /* memory info, address fields */
    .code32
    .section .text.start, "ax"
    .globl  _start
_start:
mb_header:
    .long   MB_MAGIC
    .long   MB_FLAGS
    .long   -(MB_MAGIC + MB_FLAGS)
    .long   mb_header                   /* header_addr */
    .long   _start                      /* load_addr */
    .long   _edata                      /* load_end_addr */
    .long   _end                        /* bss_end_addr */
    .long   entry                       /* entry_addr */

entry:
    cli
    cld
    mov     $stack_top, %esp
    lgdt    fuzz_gdt_desc
    ljmp    $0x08, $1f
1:  mov     $0x10, %cx
    mov     %cx, %ds
    mov     %cx, %es
    mov     %cx, %ss
    mov     %cx, %fs
    mov     %cx, %gs
    push    %ebx                        /* multiboot information */
    push    %eax                        /* magic */
    call    fuzz_main
2:  cli
    hlt
    jmp     2b

/* Vectors that push an error code: 8, 10-14, 17, 21, 29, 30. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                    (v) == 21 || (v) == 29 || (v) == 30)
    .balign 16
    .globl  fuzz_stubs
fuzz_stubs:
    .set    vec, 0
    .rept   256
    .balign 16
    .if     !HAS_ERR(vec)
    push    $0
    .endif
    push    $vec
    jmp     trap_common
    .set    vec, vec + 1
    .endr

trap_common:
    pusha
    mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %es
    push    %esp                        /* struct fuzz_frame * */
    call    fuzz_trap
    add     $4, %esp
    popa
    add     $8, %esp                    /* vector, error code */
    iret

/* The 64-bit IDT's stubs (cpu.c: the long mode window): an NMI returns,
 * any other vector is noted in fuzz_lm_vec and halts with interrupts off. */
    .code64
    .balign 16
    .globl  fuzz_stubs64
fuzz_stubs64:
    .set    vec, 0
    .rept   256
    .balign 16
    push    $vec
    jmp     trap64
    .set    vec, vec + 1
    .endr
trap64:
    cmpq    $2, (%rsp)
    jne     1f
    add     $8, %rsp
    iretq
1:  mov     (%rsp), %eax
    mov     $fuzz_lm_vec, %edx          /* (an absolute address: elf32 relocation) */
    mov     %eax, (%rdx)
2:  cli
    hlt
    jmp     2b
    .code32

/* Software interrupts: fuzz_int_table + 4 * n is "int $n; ret". */
    .balign 4
    .globl  fuzz_int_table
fuzz_int_table:
    .set    vec, 0
    .rept   256
    .balign 4
    int     $vec
    ret
    .set    vec, vec + 1
    .endr

    .data
    .balign 8
    .globl  fuzz_gdt, fuzz_gdt_desc
fuzz_gdt:
    .quad   0
    .quad   0x00cf9a000000ffff          /* 0x08: 32-bit code */
    .quad   0x00cf92000000ffff          /* 0x10: data */
    .quad   0x00af9a000000ffff          /* 0x18: 64-bit code */
    .quad   0x000f92000000ffff          /* 0x20: data, byte limit 1 MiB */
    .quad   0x00cf12000000ffff          /* 0x28: data, not present */
    .quad   0x00cf9a000000ffff          /* 0x30: code (not loadable in SS) */
    .quad   0x00cfb2000000ffff          /* 0x38: data, DPL 1 */
    .quad   0x00008b0000000067          /* 0x40: 32-bit TSS, limit 0x67, base 0 */
    .quad   0x0000820000000000          /* 0x48: LDT, limit 0 */
fuzz_gdt_end:
fuzz_gdt_desc:
    .word   fuzz_gdt_end - fuzz_gdt - 1
    .long   fuzz_gdt

    .globl  fuzz_lm_vec
fuzz_lm_vec:
    .long   0

    .bss
    .balign 16
    .space  16384
stack_top:

    .section .note.GNU-stack, "", @progbits
