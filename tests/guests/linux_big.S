/* Not a kernel: the setup header of a Linux bzImage with boot protocol 2.15 whose init_size (16 MiB from 1 MiB) needs more than its VM's 2 MiB of RAM: its VMM must refuse it, naming both sizes, rather than start it. */
    .code16
    .text
start:
    .org    0x1f1
    .byte   1                           /* setup_sects */
    .org    0x1fe
    .word   0xaa55                      /* boot_flag */
    .byte   0xeb, 0x66                  /* jump: the header ends at 0x268 */
    .ascii  "HdrS"
    .word   0x020f                      /* version */
    .org    0x22c
    .long   0x7fffffff                  /* initrd_addr_max */
    .long   0x00100000                  /* kernel_alignment */
    .byte   1                           /* relocatable_kernel */
    .byte   0
    .word   1                           /* xloadflags: XLF_KERNEL_64 */
    .long   0x7ff                       /* cmdline_size */
    .org    0x258
    .quad   0x00100000                  /* pref_address */
    .long   0x01000000                  /* init_size */
    .org    0x1000

    .code64
    .section .note.GNU-stack, "", @progbits
