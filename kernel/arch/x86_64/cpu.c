/* CPU setup (x86_64): GDT, TSS, IDT, system-call MSRs, FPU, per-CPU base. */
#include "cpu.h"
#include <stddef.h>
#include "console.h"
#include "smp.h"
#include "string.h"
#include "x86.h"

struct cpu cpus[MAX_CPUS];
unsigned cpu_count = 1;
uint8_t cpu0_stack[KSTACK_SIZE] __attribute__((aligned(16)));
static uint8_t cpu0_fault_stack[4096] __attribute__((aligned(16)));
static uint8_t cpu0_db_stack[4096] __attribute__((aligned(16)));

extern char intr_stubs[], intr_db[];
extern char syscall_entry[], syscall_entry_smp[], syscall_entry_compat[];
uint8_t cpu_smap; /* entry.S: clac on interrupts from user mode */

struct idt_gate {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, reserved;
};
static struct idt_gate idt[256] __attribute__((aligned(16)));

_Static_assert(offsetof(struct cpu, pc) == CPU_PERCPU, "percpu_arch.h");
_Static_assert(offsetof(struct cpu, self) == CPU_SELF, "percpu_arch.h");
_Static_assert(offsetof(struct cpu, pc.cur) == CPU_CURRENT, "asm.h");
_Static_assert(offsetof(struct cpu, tss.rsp[0]) == CPU_FRAME_TOP, "asm.h");
struct percpu *percpu_of(unsigned cpu) { return &cpus[cpu].pc; }

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t a = v == 1 ? (uint64_t)intr_db : (uint64_t)intr_stubs + 16 * v;
        unsigned dpl = (v == 3 || v == 4) ? 3 : 0; /* int3/into from user: #BP/#OF */
        /* NMI and #DF run on their own stack: the kernel stack may be the
         * problem; #DB on another (entry.S, intr_db: it may come with a
         * user RSP) */
        idt[v] = (struct idt_gate){ .off0 = (uint16_t)a, .sel = SEL_KCODE,
                                    .ist = (v == 2 || v == 8) ? 1 : v == 1 ? 2 : 0,
                                    .type = (uint8_t)(0x8e | dpl << 5),
                                    .off1 = (uint16_t)(a >> 16), .off2 = (uint32_t)(a >> 32) };
    }
}

static void cpu_load_gdt(struct cpu *c)
{
    uint64_t tss = (uint64_t)&c->tss, limit = sizeof(c->tss) - 1;
    c->gdt[0] = 0;
    c->gdt[SEL_KCODE / 8] = 0x00af9a000000ffffull;
    c->gdt[SEL_KDATA / 8] = 0x00cf92000000ffffull;
    /* The 32-bit user code selector exists for STAR's layout only: SYSRET
     * never reads its descriptor, and not present it keeps user land out
     * of compatibility mode (a far jump there takes a #NP event). */
    c->gdt[SEL_UCODE32 / 8] = 0x00cf7a000000ffffull;
    c->gdt[SEL_UDATA / 8] = 0x00cff2000000ffffull;
    c->gdt[SEL_UCODE / 8] = 0x00affa000000ffffull;
    c->gdt[SEL_TSS / 8] = (limit & 0xffff) | (tss & 0xffffff) << 16 | 0x89ull << 40 |
                          ((limit >> 16) & 0xf) << 48 | ((tss >> 24) & 0xff) << 56;
    c->gdt[SEL_TSS / 8 + 1] = tss >> 32;
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gp = { sizeof(c->gdt) - 1, (uint64_t)c->gdt };
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } ip = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lgdt %0; lidt %1" ::"m"(gp), "m"(ip));
    __asm__ volatile("pushq %0; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:\n"
                     "mov %1, %%ds; mov %1, %%es; mov %1, %%ss"
                     ::"i"(SEL_KCODE), "r"(SEL_KDATA) : "rax", "memory");
    __asm__ volatile("ltr %w0" ::"r"(SEL_TSS));
}

/* The syscall entry: with the kernel lock once several CPUs run (smp.c
 * calls this again on the boot CPU when it starts the others). */
void cpu_syscall_entry(void)
{
    wrmsr(MSR_LSTAR, (uint64_t)(smp_on ? syscall_entry_smp : syscall_entry));
}

void cpu_init(unsigned id)
{
    struct cpu *c = &cpus[id];
    c->self = c;
    c->pc.id = id;
    if (id == 0) { /* the APs' stacks come from smp_boot */
        c->kstack_top = (uint64_t)cpu0_stack + KSTACK_SIZE;
        c->fault_stack_top = (uint64_t)cpu0_fault_stack + sizeof(cpu0_fault_stack);
        c->db_stack_top = (uint64_t)cpu0_db_stack + sizeof(cpu0_db_stack);
    }
    c->tss.rsp[0] = c->kstack_top;
    c->tss.ist[0] = c->fault_stack_top;
    c->tss.ist[1] = c->db_stack_top;
    c->tss.iomap_base = 0xffff; /* beyond the limit: no ports */
    memset(c->tss.iomap, 0xff, sizeof(c->tss.iomap));
    cpu_load_gdt(c);
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    wrmsr(MSR_STAR, (uint64_t)(SEL_UCODE32 | 3) << 48 | (uint64_t)SEL_KCODE << 32);
    cpu_syscall_entry();
    wrmsr(MSR_CSTAR, (uint64_t)syscall_entry_compat);
    wrmsr(MSR_SYSENTER_CS, 0); /* sysenter: #GP (Intel) or #UD (AMD) in user mode */
    wrmsr(MSR_SYSENTER_ESP, 0);
    wrmsr(MSR_SYSENTER_EIP, 0);
    wrmsr(MSR_FMASK, 0x47700); /* IF TF DF AC NT cleared on entry */
    write_cr0((read_cr0() | CR0_MP | CR0_NE | CR0_TS) & ~(uint64_t)CR0_EM);
    c->fpu_trap = true;
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    cpu_protect_user();
}

/* SMEP and SMAP where the CPU has them: the kernel neither runs nor
 * touches user pages (it reaches UTCBs through its own mapping). */
void cpu_protect_user(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    if (r[0] < 7)
        return;
    cpuid(7, 0, r);
    uint64_t cr4 = read_cr4();
    if (r[1] & (1u << 7))
        cr4 |= CR4_SMEP;
    if (r[1] & (1u << 20)) {
        cr4 |= CR4_SMAP;
        cpu_smap = 1;
    }
    write_cr4(cr4);
}
