/*
 * cairn-irqoff, for /init's attack "irqoff" (the isolation tests): ring-0
 * code spinning with interrupts off. Debian's kernel ships no module that
 * does so on demand (no lkdtm, test_lockup, rcutorture or
 * preemptirq_delay_test), and iopl(3) no longer permits CLI, so this
 * program kexecs (kexec_load, then reboot(LINUX_REBOOT_CMD_KEXEC)) into a
 * payload at 1 MiB that turns interrupts off, spins until the TSC has
 * advanced by the cycles given (for ever without an argument) and halts
 * -- what a guest kernel gone wrong does. Freestanding: raw system calls,
 * no C library, built by the host's compiler.
 *
 *   cairn-irqoff [TSC-CYCLES]
 */
struct kexec_segment { const void *buf; unsigned long bufsz, mem, memsz; };

#define LOAD 0x100000ul

/* The payload, position independent: cli; spin until TSC - start >= cycles; hlt. */
extern unsigned char payload[], payload_cycles[], payload_end[];
__asm__(".data\n"
        "payload: cli\n"
        "	rdtsc\n"
        "	shl $32, %rdx\n"
        "	or %rdx, %rax\n"
        "	mov %rax, %rbx\n"
        "	mov payload_cycles(%rip), %rcx\n"
        "1:	rdtsc\n"
        "	shl $32, %rdx\n"
        "	or %rdx, %rax\n"
        "	sub %rbx, %rax\n"
        "	cmp %rcx, %rax\n"
        "	jb 1b\n"
        "2:	hlt\n"
        "	jmp 2b\n"
        "	.balign 8\n"
        "payload_cycles: .quad -1\n"
        "payload_end:\n"
        ".text\n"
        ".globl _start\n"
        "_start: mov %rsp, %rdi\n"
        "	and $-16, %rsp\n"
        "	call start\n");

static long sys4(long n, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
	                 : "rcx", "r11", "memory");
	return r;
}

static void say(const char *s, long num)
{
	char buf[96], digits[24];
	unsigned long n = 0, d = 0, u = num < 0 ? -num : num;
	while (*s && n < 64)
		buf[n++] = *s++;
	buf[n++] = ' ', buf[n++] = num < 0 ? '-' : '+';
	do
		digits[d++] = (char)('0' + u % 10);
	while (u /= 10);
	while (d)
		buf[n++] = digits[--d];
	buf[n++] = '\n';
	sys4(1, 2, (long)buf, (long)n, 0); /* write(2, ...) */
}

void start(long *sp)
{
	char **argv = (char **)(sp + 1);
	if (sp[0] > 1) {
		unsigned long c = 0;
		for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++)
			c = c * 10 + (unsigned long)(*p - '0');
		*(unsigned long *)payload_cycles = c;
	}
	struct kexec_segment seg = { payload, (unsigned long)(payload_end - payload), LOAD, 0x1000 };
	long r = sys4(246, LOAD, 1, (long)&seg, 0); /* kexec_load(entry, 1, &seg, 0) */
	if (r < 0)
		say("cairn-irqoff: kexec_load failed: error", r);
	else
		say("cairn-irqoff: reboot returned", sys4(169, 0xfee1dead, 672274793,
		                                          0x45584543, 0)); /* LINUX_REBOOT_CMD_KEXEC */
	sys4(60, 1, 0, 0, 0); /* exit(1) */
	for (;;)
		;
}
