/* The fuzzing guest's CPU state attacks: MSRs, CPUID, control registers
 * and EFER, long mode, descriptor tables. */
#include "fuzz.h"

/* ---- MSRs and CPUID ----------------------------------------------------------- */

static const uint32_t fuzz_msrs[] = {
    0x10, 0x1b, 0x277, 0x8b, 0xc0010010, 0xc0010015, 0xc001001f, 0xc0011029, /* the VMM's */
    0x174, 0x175, 0x176, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,       /* the VMCB's */
    0xc0000100, 0xc0000101, 0xc0000102,
    0x0, 0x1, 0x3a, 0x48, 0x49, 0xfe, 0x179, 0x1d9, 0x200, 0x2ff, 0x6e0, 0x802, 0xc0000103,
    0xc0010114, 0xc0010117, 0xc0010140, 0xc0000080,
};
#define FUZZ_MSRS (sizeof(fuzz_msrs) / sizeof(fuzz_msrs[0]))
#define MSR_EFER  0xc0000080u

static uint32_t fuzz_pick_msr(void)
{
    switch (fuzz_below(4)) {
    case 0: case 1: return fuzz_msrs[fuzz_below(FUZZ_MSRS)];
    case 2: return (uint32_t[]){ 0, 0xc0000000u, 0xc0010000u }[fuzz_below(3)] + fuzz_below(0x2000);
    default: return (uint32_t)fuzz_rand();
    }
}

/* Flat FS and GS again: a WRMSR of their bases moves them. */
static void fuzz_flat_segs(void)
{
    __asm__ volatile("mov $0x10, %%ecx; mov %%ecx, %%fs; mov %%ecx, %%gs" ::: "ecx");
}

void fuzz_msr(void)
{
    uint32_t msr = fuzz_pick_msr(), lo = fuzz_value(), hi = fuzz_value();
    bool wr = fuzz_below(2);
    if (msr == MSR_EFER && !fuzz_has('e'))
        msr = 0xc0000090u; /* EFER belongs to the e phase */
    if (fuzz_trace)
        fuzz_printf("%s %x value %x:%x", wr ? "wrmsr" : "rdmsr", msr, hi, lo);
    int vec = wr ? fuzz_try("wrmsr", :: "c"(msr), "a"(lo), "d"(hi) : "memory")
                 : fuzz_try("rdmsr", : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    if (vec >= 0)
        fuzz_stats.faults[PH_MSR]++;
    if (fuzz_trace)
        fuzz_printf(vec >= 0 ? " -> vector %u" : " -> %x:%x", vec >= 0 ? (uint32_t)vec : hi, lo);
    fuzz_flat_segs();
}

void fuzz_cpuid(void)
{
    uint32_t leaf, sub = fuzz_below(2) ? fuzz_below(4) : fuzz_value(), b, c, d;
    switch (fuzz_below(4)) {
    case 0: leaf = fuzz_below(0x20); break;
    case 1: leaf = 0x80000000u + fuzz_below(0x30); break;
    case 2: leaf = (uint32_t[]){ 0x40000000u, 0xc0000000u, 0x8ffffff0u, 0x20000000u }[fuzz_below(4)] +
                   fuzz_below(16); break;
    default: leaf = (uint32_t)fuzz_rand(); break;
    }
    if (fuzz_trace)
        fuzz_printf("cpuid %x.%x", leaf, sub);
    __asm__ volatile("cpuid" : "+a"(leaf), "=b"(b), "+c"(sub), "=d"(d));
    (void)c;
}

/* ---- control registers and EFER ---------------------------------------------- */

#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define EFER_LME (1u << 8)

/* CR0 to v and back; an FPU instruction in between (TS or EM: #NM). */
static uint32_t fuzz_read_cr0(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static uint32_t fuzz_read_cr4(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static int fuzz_cr0(uint32_t v)
{
    uint32_t old = fuzz_read_cr0();
    if (fuzz_trace)
        fuzz_printf("cr0 %x ", v);
    int vec = fuzz_try("mov %0, %%cr0\n\tfnop", :: "r"(v) : "memory");
    __asm__ volatile("mov %0, %%cr0" :: "r"(old) : "memory");
    return vec;
}

static int fuzz_cr4(uint32_t v)
{
    uint32_t old = fuzz_read_cr4();
    if (fuzz_trace)
        fuzz_printf("cr4 %x ", v);
    int vec = fuzz_try("mov %0, %%cr4", :: "r"(v) : "memory");
    __asm__ volatile("mov %0, %%cr4" :: "r"(old) : "memory");
    return vec;
}

static uint64_t fuzz_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static int fuzz_wrmsr(uint32_t msr, uint64_t v)
{
    return fuzz_try("wrmsr", :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* What each CR attack expects: a #GP (1), none (0), either (-1). */
void fuzz_cr(void)
{
    uint32_t cr0 = fuzz_read_cr0(), cr4 = fuzz_read_cr4(), bit;
    uint64_t efer = fuzz_rdmsr(MSR_EFER);
    int vec, want;
    unsigned op = fuzz_below(6);
    if (fuzz_trace)
        fuzz_printf("cr op %u ", op);
    switch (op) {
    case 0: /* CR4: a reserved or unsupported bit (VMXE, SMXE, PCIDE outside long mode, LA57) */
        bit = (uint32_t[]){ 12, 13, 14, 17, 19, 24, 25, 26, 27, 28, 29, 30, 31 }[fuzz_below(13)];
        vec = fuzz_cr4(cr4 | 1u << bit), want = bit == 19 || bit == 12 ? -1 : 1;
        break;
    case 1: /* CR0.PG without PE; on an identity map, as QEMU's TCG takes it */
        __asm__ volatile("mov %0, %%cr3; mov %1, %%cr4" :: "r"(FUZZ_PT32), "r"(cr4 | CR4_PSE) : "memory");
        vec = fuzz_cr0((cr0 & ~CR0_PE) | CR0_PG), want = 1;
        __asm__ volatile("mov %0, %%cr4" :: "r"(cr4) : "memory");
        break;
    case 2: /* CR0.NW without CD */
        vec = fuzz_cr0((cr0 & ~CR0_CD) | CR0_NW), want = 1;
        break;
    case 3: /* harmless CR0 bits: the FPU instruction faults with TS or EM */
        vec = fuzz_cr0(cr0 ^ (fuzz_below(16) << 1) ^ (fuzz_below(2) ? CR0_CD | CR0_NW : 0));
        want = -1;
        break;
    case 4: /* EFER: a reserved bit (SVME: the VMM offers no SVM) */
        bit = (uint32_t[]){ 1, 2, 3, 4, 5, 6, 7, 9, 12, 13, 15, 16, 20, 31, 32, 40, 63 }[fuzz_below(17)];
        vec = fuzz_wrmsr(MSR_EFER, efer | 1ull << bit), want = 1;
        if (vec < 0)
            fuzz_wrmsr(MSR_EFER, efer);
        break;
    default: /* EFER written back as read, and its writable bits */
        vec = fuzz_wrmsr(MSR_EFER, efer ^ (fuzz_below(2) ? 1u << 11 | 1u : 0));
        fuzz_wrmsr(MSR_EFER, efer);
        want = 0;
        break;
    }
    if (vec >= 0)
        fuzz_stats.faults[PH_CR]++;
    if (want >= 0 && (vec == 13) != want) {
        fuzz_stats.cr_bad++;
        if (fuzz_trace || fuzz_stats.cr_bad <= 4) {
            fuzz_uart_init();
            fuzz_printf("fuzz: CR op %u: vector %u, expected %s\n", op, (uint32_t)vec,
                        want ? "#GP" : "none");
        }
    }
    if (fuzz_trace)
        fuzz_printf("-> vector %u", (uint32_t)vec);
}

/* ---- long mode ------------------------------------------------------------------ */

/* The 64-bit IDT for the compatibility-mode window: NMIs return, any
 * other vector halts (start.S: fuzz_stubs64). */
struct fuzz_gate64 { uint16_t lo, sel, type, mid; uint32_t hi, zero; };
static struct fuzz_gate64 fuzz_idt64[256];
extern const char fuzz_stubs64[];

static void fuzz_lidt(const void *base, uint16_t limit)
{
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } d = { limit, (uint32_t)(uintptr_t)base };
    __asm__ volatile("lidt %0" :: "m"(d) : "memory");
}

/* Into long mode (compatibility mode: this code stays 32-bit) on the
 * identity map at FUZZ_PT, a few MMIO and port operations, and out. No
 * exit happens between loading the 64-bit IDT and turning paging on, or
 * between turning it off and loading the 32-bit one again: an NMI is
 * only injected at an exit. */
static void fuzz_long_window(uint64_t efer)
{
    uint32_t cr0 = fuzz_read_cr0(), cr4 = fuzz_read_cr4();
    for (unsigned v = 0; v < 256 && !fuzz_idt64[0].sel; v++) {
        uint32_t a = (uint32_t)(uintptr_t)(fuzz_stubs64 + 16 * v);
        fuzz_idt64[v] = (struct fuzz_gate64){ (uint16_t)a, 0x18, 0x8e00, (uint16_t)(a >> 16), 0, 0 };
    }
    __asm__ volatile("mov %0, %%cr3; mov %1, %%cr4" :: "r"(FUZZ_PT), "r"(cr4 | CR4_PAE) : "memory");
    fuzz_wrmsr(MSR_EFER, efer | EFER_LME);
    fuzz_lidt(fuzz_idt64, sizeof(fuzz_idt64) - 1);
    __asm__ volatile("mov %0, %%cr0" :: "r"(cr0 | CR0_PG) : "memory");
    if (!(fuzz_rdmsr(MSR_EFER) & (1u << 10))) /* LMA */
        fuzz_stats.cr_bad++;
    for (unsigned n = 1 + fuzz_below(8); n; n--)
        fuzz_below(2) ? fuzz_mmio_access() : fuzz_port();
    __asm__ volatile("mov %0, %%cr0" :: "r"(cr0) : "memory");
    fuzz_idt_load();
    fuzz_wrmsr(MSR_EFER, efer);
    __asm__ volatile("mov %0, %%cr4" :: "r"(cr4) : "memory");
}

void fuzz_long(void)
{
    uint64_t efer = fuzz_rdmsr(MSR_EFER);
    unsigned op = fuzz_below(3);
    if (fuzz_trace)
        fuzz_printf("long op %u\n", op); /* whole: the next step may freeze */
    switch (op) {
    case 0: /* EFER.LME with paging off (allowed), port I/O meanwhile */
        if (fuzz_wrmsr(MSR_EFER, efer | EFER_LME) >= 0)
            fuzz_stats.cr_bad++;
        fuzz_outb(0x80, (uint8_t)fuzz_rand());
        fuzz_inb(0x71);
        fuzz_wrmsr(MSR_EFER, efer);
        break;
    case 1: /* ... then paging without PAE: #GP */
        fuzz_wrmsr(MSR_EFER, efer | EFER_LME);
        __asm__ volatile("mov %0, %%cr3" :: "r"(FUZZ_PT32) : "memory");
        if (fuzz_cr0(fuzz_read_cr0() | CR0_PG) != 13)
            fuzz_stats.cr_bad++;
        fuzz_wrmsr(MSR_EFER, efer);
        break;
    default:
        fuzz_long_window(efer);
        break;
    }
}

/* ---- descriptor tables --------------------------------------------------------- */

extern const char fuzz_int_table[];
extern uint64_t fuzz_gdt[];
struct __attribute__((packed)) fuzz_dtr { uint16_t limit; uint32_t base; };
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

/* A random descriptor whose base lies below this guest (in its scratch
 * memory), so that what it describes is RAM. */
static uint64_t fuzz_descriptor(void)
{
    uint64_t base = fuzz_below(0x80000), limit = fuzz_below(1u << 20);
    uint64_t type = fuzz_below(16), s = fuzz_below(4) != 0, dpl = fuzz_below(4) ? 0 : fuzz_below(4);
    uint64_t p = fuzz_below(8) != 0, flags = fuzz_below(16);
    return (limit & 0xffff) | (base & 0xffffff) << 16 | type << 40 | s << 44 | dpl << 45 | p << 47 |
           (limit >> 16) << 48 | flags << 52 | (base >> 24) << 56;
}

/* Load selector sel into a segment register, the LDTR or the TR; the
 * data segments are flat again right after (the fault resumes with them
 * flat already). */
static int fuzz_load_sel(unsigned what, uint16_t sel)
{
    switch (what) {
    case 0: return fuzz_try("mov %w0, %%ds\n\tmov $0x10, %%ecx\n\tmov %%ecx, %%ds", :: "r"(sel) : "ecx", "memory");
    case 1: return fuzz_try("mov %w0, %%es\n\tmov $0x10, %%ecx\n\tmov %%ecx, %%es", :: "r"(sel) : "ecx", "memory");
    case 2: return fuzz_try("mov %w0, %%fs\n\tmov $0x10, %%ecx\n\tmov %%ecx, %%fs", :: "r"(sel) : "ecx", "memory");
    case 3: return fuzz_try("mov %w0, %%gs\n\tmov $0x10, %%ecx\n\tmov %%ecx, %%gs", :: "r"(sel) : "ecx", "memory");
    case 4: return fuzz_try("mov %w0, %%ss\n\tmov $0x10, %%ecx\n\tmov %%ecx, %%ss", :: "r"(sel) : "ecx", "memory");
    case 5: return fuzz_try("lldt %w0", :: "r"(sel) : "memory");
    default: return fuzz_try("ltr %w0", :: "r"(sel) : "memory");
    }
}

/* The GDT, segments and LDTR as they were. */
static void fuzz_desc_restore(void)
{
    __asm__ volatile("lgdt %%cs:fuzz_gdt_desc\n\tmov $0x10, %%ecx\n\tmov %%ecx, %%ds\n\t"
                     "mov %%ecx, %%es\n\tmov %%ecx, %%fs\n\tmov %%ecx, %%gs\n\tmov %%ecx, %%ss\n\t"
                     "xor %%ecx, %%ecx\n\tlldt %%cx" ::: "ecx", "memory");
}

void fuzz_desc(void)
{
    unsigned op = fuzz_below(3), what = fuzz_below(7);
    int vec;
    if (op == 0) { /* this guest's GDT, any selector */
        uint16_t sel = (uint16_t)(fuzz_below(2) ? fuzz_below(0x60) : fuzz_rand());
        if (fuzz_trace)
            fuzz_printf("load %u selector %x", what, sel);
        vec = fuzz_load_sel(what, sel);
    } else if (op == 1) { /* a GDT of random descriptors behind our code and data ones */
        uint64_t *gdt = (uint64_t *)FUZZ_TABLES;
        unsigned n = 4 + fuzz_below(60);
        for (unsigned i = 0; i < n; i++)
            gdt[i] = i < 4 ? fuzz_gdt[i] : fuzz_descriptor();
        struct fuzz_dtr d = { (uint16_t)(0x1f + (fuzz_below(8) ? fuzz_below(n * 8 - 0x1f) : fuzz_below(0xffe0))),
                              FUZZ_TABLES };
        uint16_t sel = (uint16_t)(fuzz_below(8) ? fuzz_below(n * 8 + 16) : fuzz_rand());
        if (fuzz_trace)
            fuzz_printf("GDT limit %x, load %u selector %x", d.limit, what, sel);
        __asm__ volatile("lgdt %0" :: "m"(d) : "memory");
        vec = fuzz_load_sel(what, sel);
    } else { /* a shorter IDT, and a software interrupt */
        uint16_t limit = (uint16_t)(0x6f + fuzz_below(0x800 - 0x6f));
        unsigned v = fuzz_below(256);
        if (HAS_ERR(v) && v * 8 + 7 <= limit) /* its stub would take a word for the error code */
            v = 0xff;
        if (fuzz_trace)
            fuzz_printf("IDT limit %x, int %u", limit, v);
        fuzz_lidt(fuzz_idt_base(), limit);
        vec = fuzz_try("call *%0", :: "r"(fuzz_int_table + 4 * v) : "memory");
        fuzz_idt_load();
    }
    fuzz_desc_restore();
    if (vec >= 0)
        fuzz_stats.faults[PH_DESC]++;
    if (fuzz_trace)
        fuzz_printf(" -> vector %u", (uint32_t)vec);
}
