/* Not a kernel: the setup header of a Linux bzImage with boot protocol 2.11 (no 64-bit entry point): its VMM must refuse it, saying so, rather than start it as a flat real-mode image. */
    .code16
    .text
start:
    .org    0x1f1
    .byte   1                           /* setup_sects */
    .org    0x1fe
    .word   0xaa55                      /* boot_flag */
    .byte   0xeb, 0x66                  /* jump: the header ends at 0x268 */
    .ascii  "HdrS"
    .word   0x020b                      /* version */
    .org    0x22c
    .long   0x7fffffff                  /* initrd_addr_max */
    .long   0x00100000                  /* kernel_alignment */
    .byte   1                           /* relocatable_kernel */
    .byte   0
    .word   1                           /* xloadflags: XLF_KERNEL_64 */
    .long   0x7ff                       /* cmdline_size */
    .org    0x258
    .quad   0x00100000                  /* pref_address */
    .long   0x00400000                  /* init_size */
    .org    0x1000

    .code64
    .section .note.GNU-stack, "", @progbits
