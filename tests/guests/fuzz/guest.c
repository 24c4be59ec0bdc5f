/*
 * The fuzzing guest (build/bin/guest_fuzz): a 32-bit multiboot kernel
 * that attacks its VMM, reproducibly by a seed. Its command line (the
 * VMM's cmdline="...") says what to do:
 *
 *   seed=N      the pseudo-random sequence (xorshift64*), default 1
 *   count=N     operations, default 2000
 *   ops=LETTERS the phases drawn from, default "pmrcdvt":
 *               p  port I/O: in/out of every size on the devices' ports,
 *                  near them and anywhere
 *               s  string port I/O: ins/outs of every size, with and
 *                  without REP, either direction; checks ECX/ESI/EDI after
 *               m  MMIO on the local APIC and IO-APIC windows with every
 *                  form the VMM's decoder knows, with paging off, 32-bit
 *                  (4 MiB pages) and PAE paging
 *               r  RDMSR/WRMSR of the MSRs the VMM emulates, those the
 *                  hardware switches, and any other (EFER only with e)
 *               c  CPUID of any leaf and subleaf
 *               e  invalid CR0/CR4 values and EFER writes (#GP expected),
 *                  and EFER.LME set with paging off around port I/O
 *               l  long mode: EFER.LME, PAE and paging on, MMIO and port
 *                  I/O in compatibility mode, and back
 *               d  fuzzed GDTs (random descriptors, segment loads, LLDT,
 *                  LTR) and IDT limits with software interrupts
 *               v  virtio (legacy PCI): random queue addresses, rings and
 *                  descriptors, notifies, status and config writes; PCI
 *                  configuration space writes
 *               t  timers at their extremes: the PIT's channels and the
 *                  local APIC's timer with tiny (or any) counts, periodic
 *   end=NAME    how it ends, after its summary line: halt (HLT with
 *               interrupts off), triple (a fault with an empty IDT), idt
 *               (an IDT outside RAM), gdt (a GDT outside RAM), unmapped
 *               (a read outside RAM), reset (i8042), vmmcall, vmrun, mmio
 *               (a string store on the local APIC), straddle (a read
 *               across the end of the IO-APIC's window), random (one of
 *               these, chosen by the seed; the default)
 *   trace=N     print each operation from the N-th on before doing it
 *
 * It runs with interrupts off (NMIs arrive and are counted) and prints
 *   fuzz seed N: ... done, ending with NAME
 * through a reinitialized 16550 before its end. A fault outside an
 * operation prints "fuzz seed N: exception ..." and halts.
 */
#include "fuzz.h"
#include <stdarg.h>

struct fuzz_stats fuzz_stats;
volatile uint32_t fuzz_resume, fuzz_esp, fuzz_vec;
uint32_t fuzz_ram = 2u << 20;
bool fuzz_trace;

static uint64_t fuzz_state;
static uint32_t fuzz_seed, fuzz_count = 2000, fuzz_trace_from = ~0u;
static char fuzz_phases[16] = "pmrcdvt";
static char fuzz_end[16] = "random";

struct fuzz_gate { uint16_t lo, sel, type, hi; };
static struct fuzz_gate fuzz_idt[256];
extern const char fuzz_stubs[];

/* ---- random numbers ---------------------------------------------------- */

uint64_t fuzz_rand(void)
{
    fuzz_state ^= fuzz_state >> 12;
    fuzz_state ^= fuzz_state << 25;
    fuzz_state ^= fuzz_state >> 27;
    return fuzz_state * 0x2545f4914f6cdd1dull;
}

/* A number below n (n > 0). */
uint32_t fuzz_below(uint32_t n) { return (uint32_t)(((fuzz_rand() >> 32) * n) >> 32); }

/* A value for a register: often one a check cares about. */
uint32_t fuzz_value(void)
{
    switch (fuzz_below(6)) {
    case 0: return 0;
    case 1: return ~0u;
    case 2: return fuzz_below(256);
    case 3: return 1u << fuzz_below(32);
    default: return (uint32_t)fuzz_rand();
    }
}

void *fuzz_memset(void *d, int c, uint32_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

/* ---- ports and the console ---------------------------------------------- */

void fuzz_outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
void fuzz_outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
uint8_t fuzz_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
uint32_t fuzz_inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

#define COM1 0x3f8

/* The fuzzing may have left the UART in any state: 8N1, no loopback. */
void fuzz_uart_init(void)
{
    fuzz_outb(COM1 + 1, 0);     /* IER */
    fuzz_outb(COM1 + 3, 0x80);  /* LCR: DLAB */
    fuzz_outb(COM1, 1);
    fuzz_outb(COM1 + 1, 0);
    fuzz_outb(COM1 + 3, 0x03);  /* 8N1 */
    fuzz_outb(COM1 + 2, 0x07);  /* FIFOs on and cleared */
    fuzz_outb(COM1 + 4, 0x03);  /* DTR RTS, no loopback */
}

static void fuzz_putc(char c)
{
    for (unsigned i = 0; i < 100000 && !(fuzz_inb(COM1 + 5) & 0x20); i++)
        ;
    fuzz_outb(COM1, (uint8_t)c);
}

static void fuzz_putu(uint32_t v, unsigned base)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n)
        fuzz_putc(buf[--n]);
}

/* %u %x %s %c, nothing else. */
void fuzz_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            fuzz_putc(*fmt);
            continue;
        }
        switch (*++fmt) {
        case 'u': fuzz_putu(va_arg(ap, uint32_t), 10); break;
        case 'x': fuzz_putc('0'), fuzz_putc('x'), fuzz_putu(va_arg(ap, uint32_t), 16); break;
        case 'c': fuzz_putc((char)va_arg(ap, int)); break;
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                fuzz_putc(*s);
            break;
        default: fuzz_putc(*fmt); break;
        }
    }
    va_end(ap);
}

/* ---- faults --------------------------------------------------------------- */

static _Noreturn void fuzz_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Every vector comes here (start.S). A fault inside fuzz_try resumes
 * after its operation; an NMI is counted; anything else is a bug of this
 * guest or of what runs it, so it says so and halts. */
void fuzz_trap(struct fuzz_frame *f);
void fuzz_trap(struct fuzz_frame *f)
{
    if (f->vec == 2) {
        fuzz_stats.nmis++;
        return;
    }
    if (fuzz_resume) {
        fuzz_vec = f->vec;
        if (f->vec < 32)
            fuzz_stats.vec[f->vec]++;
        f->eip = fuzz_resume;
        fuzz_resume = 0;
        return;
    }
    if (f->vec >= 32) { /* an interrupt, with IF off: should not come */
        fuzz_stats.strays++;
        return;
    }
    fuzz_uart_init();
    fuzz_printf("\nfuzz seed %u: exception %u (error %x) at eip %x outside an operation\n",
                fuzz_seed, f->vec, f->err, f->eip);
    fuzz_halt();
}

static void fuzz_idt_init(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint32_t a = (uint32_t)(uintptr_t)(fuzz_stubs + 16 * v);
        fuzz_idt[v] = (struct fuzz_gate){ (uint16_t)a, 0x08, 0x8e00, (uint16_t)(a >> 16) };
    }
    fuzz_idt_load();
}

const void *fuzz_idt_base(void) { return fuzz_idt; }

/* The IDT back as it was (the d phase shortens it). */
void fuzz_idt_load(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } d = {
        sizeof(fuzz_idt) - 1, (uint32_t)(uintptr_t)fuzz_idt };
    __asm__ volatile("lidt %0" :: "m"(d));
}

/* ---- the command line ------------------------------------------------------- */

static uint32_t fuzz_atou(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    return v;
}

static bool fuzz_word(const char *s, const char *key)
{
    while (*key && *s == *key)
        s++, key++;
    return !*key;
}

static void fuzz_copy_word(char *d, unsigned size, const char *s)
{
    unsigned n = 0;
    while (n < size - 1 && *s && *s != ' ')
        d[n++] = *s++;
    d[n] = 0;
}

static void fuzz_cmdline(const char *s)
{
    while (s && *s) {
        if (fuzz_word(s, "seed="))
            fuzz_seed = fuzz_atou(s + 5);
        else if (fuzz_word(s, "count="))
            fuzz_count = fuzz_atou(s + 6);
        else if (fuzz_word(s, "trace="))
            fuzz_trace_from = fuzz_atou(s + 6);
        else if (fuzz_word(s, "ops="))
            fuzz_copy_word(fuzz_phases, sizeof(fuzz_phases), s + 4);
        else if (fuzz_word(s, "end="))
            fuzz_copy_word(fuzz_end, sizeof(fuzz_end), s + 4);
        while (*s && *s != ' ')
            s++;
        while (*s == ' ')
            s++;
    }
}

/* Whether phase letter `phase` is one this run draws from. */
bool fuzz_has(char phase)
{
    for (const char *c = fuzz_phases; *c; c++)
        if (*c == phase)
            return true;
    return false;
}

/* ---- the ends ------------------------------------------------------------------ */

static const char *const fuzz_ends[] = {
    "halt", "triple", "idt", "gdt", "unmapped", "reset", "vmmcall", "vmrun", "mmio", "straddle",
};
#define FUZZ_ENDS (sizeof(fuzz_ends) / sizeof(fuzz_ends[0]))

static bool fuzz_streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static _Noreturn void fuzz_finish(unsigned end)
{
    static const struct __attribute__((packed)) { uint16_t limit; uint32_t base; }
        empty = { 0, 0 }, outside = { 0xffff, 0xd0000000u };
    switch (end) {
    case 1: __asm__ volatile("lidt %0; ud2" :: "m"(empty)); break;
    case 2: __asm__ volatile("lidt %0; ud2" :: "m"(outside)); break;
    case 3: __asm__ volatile("lgdt %0; mov $0x10, %%ax; mov %%ax, %%ds" :: "m"(outside) : "eax"); break;
    case 4: {
        uint32_t a = fuzz_ram + (fuzz_below(0xe0000000u - fuzz_ram) & ~3u);
        __asm__ volatile("mov (%0), %0" : "+r"(a) :: "memory");
        break;
    }
    case 5: fuzz_outb(0x64, 0xfe); break;
    case 6: __asm__ volatile("vmmcall"); break;
    case 7: __asm__ volatile("vmrun" :: "a"(0)); break;
    case 8: __asm__ volatile("rep stosl" :: "D"(LAPIC_BASE + 0x80), "c"(4), "a"(0) : "memory"); break;
    case 9: __asm__ volatile("mov (%0), %%eax" :: "r"(IOAPIC_BASE + 0xffe) : "eax", "memory"); break;
    default: break;
    }
    fuzz_halt();
}

/* ---- the run ---------------------------------------------------------------- */

static const char fuzz_letters[PH_COUNT] = { 'p', 's', 'm', 'r', 'c', 'e', 'l', 'd', 'v', 't' };
static void (*const fuzz_ops[PH_COUNT])(void) = {
    fuzz_port, fuzz_string, fuzz_mmio, fuzz_msr, fuzz_cpuid, fuzz_cr, fuzz_long, fuzz_desc, fuzz_virtio,
    fuzz_timer,
};

static void fuzz_summary(const char *end)
{
    fuzz_uart_init();
    fuzz_printf("\nfuzz seed %u: ", fuzz_seed);
    for (unsigned p = 0; p < PH_COUNT; p++)
        if (fuzz_stats.ops[p])
            fuzz_printf("%c %u/%u, ", fuzz_letters[p], fuzz_stats.ops[p], fuzz_stats.faults[p]);
    fuzz_printf("exceptions");
    for (unsigned v = 0; v < 32; v++)
        if (fuzz_stats.vec[v])
            fuzz_printf(" %u:%u", v, fuzz_stats.vec[v]);
    fuzz_printf(", %u NMIs, %u virtio devices", fuzz_stats.nmis, fuzz_stats.virtio_devs);
    if (fuzz_stats.ops[PH_CR] || fuzz_stats.ops[PH_LONG])
        fuzz_printf(", %u CR/EFER changes answered unlike the CPU would", fuzz_stats.cr_bad);
    if (fuzz_stats.ops[PH_STR])
        fuzz_printf(", %u string I/O with wrong ECX/ESI/EDI", fuzz_stats.str_bad);
    fuzz_printf("\nfuzz seed %u: done, ending with %s\n", fuzz_seed, end);
}

struct fuzz_mbi { uint32_t flags, mem_lower, mem_upper, boot_device, cmdline; };

void fuzz_main(uint32_t magic, const struct fuzz_mbi *mbi);
void fuzz_main(uint32_t magic, const struct fuzz_mbi *mbi)
{
    unsigned phases[PH_COUNT], n = 0, end = 0;
    fuzz_idt_init();
    fuzz_uart_init();
    if (magic != 0x2badb002) {
        fuzz_printf("fuzz: not started by a multiboot loader\n");
        fuzz_halt();
    }
    if (mbi->flags & 4)
        fuzz_cmdline((const char *)(uintptr_t)mbi->cmdline);
    if (mbi->flags & 1)
        fuzz_ram = (1u << 20) + (mbi->mem_upper << 10);
    fuzz_state = 0x9e3779b97f4a7c15ull ^ ((uint64_t)fuzz_seed << 17 | fuzz_seed);
    for (unsigned i = 0; i < 8; i++)
        fuzz_rand();
    for (const char *c = fuzz_phases; *c; c++)
        for (unsigned p = 0; p < PH_COUNT; p++)
            if (*c == fuzz_letters[p])
                phases[n++] = p;
    while (end < FUZZ_ENDS && !fuzz_streq(fuzz_end, fuzz_ends[end]))
        end++;
    if (end == FUZZ_ENDS)
        end = fuzz_below(FUZZ_ENDS);
    fuzz_printf("fuzz seed %u: %u operations of '%s', %u KiB of RAM\n", fuzz_seed, fuzz_count,
                fuzz_phases, fuzz_ram >> 10);
    fuzz_paging_init();
    fuzz_virtio_init();
    for (uint32_t i = 0; n && i < fuzz_count; i++) {
        unsigned p = phases[fuzz_below(n)];
        fuzz_trace = i >= fuzz_trace_from;
        if (fuzz_trace) {
            fuzz_uart_init();
            fuzz_printf("fuzz %u: %c\n", i, fuzz_letters[p]); /* whole: the operation may hang */
        }
        fuzz_stats.ops[p]++;
        fuzz_ops[p]();
        if (fuzz_trace)
            fuzz_printf("\n");
    }
    fuzz_summary(fuzz_ends[end]);
    fuzz_finish(end);
}
