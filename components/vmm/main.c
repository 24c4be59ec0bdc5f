// SOURCES: components/vmm/hw/uart16550.c components/vmm/hw/pic8259.c components/vmm/hw/pit8254.c components/vmm/hw/i8042.c components/vmm/hw/rtc146818.c components/vmm/hw/pci.c components/vmm/hw/virtio_pci.c components/vmm/hw/virtio_blk.c components/vmm/hw/virtio_console.c components/vmm/hw/lapic.c components/vmm/hw/ioapic.c components/vmm/hw/mptable.c lib/xml.c
/*
 * vmm: the virtual machine monitor, one instance per VM. Its <config>
 * names the guest (a ROM module: a Linux bzImage, a multiboot kernel or
 * a flat real-mode image), its initrd and command line, and the guest
 * RAM; core's VM session gives the VM, its RAM and a vCPU. Exits come to
 * one handler: port I/O goes to the device models of hw/ (16550 UART as
 * the guest's console, printed tagged with the VM's name, 8259 PIC pair,
 * 8254 PIT, RTC, i8042, a PCI bus with virtio-block backed by a ROM
 * module and virtio-console), CPUID and MSRs are emulated here, and a report
 * stops this VM (and nothing else) on HLT with interrupts off, an access
 * outside its RAM, a triple fault, a reset, or a refused state; the VMM
 * then exits (0 after a reset, else 1), so that init can restart it. A timer
 * thread recalls the vCPU when a device's next event is due, so timer
 * interrupts reach a guest that never exits on its own.
 *
 *   <config kernel="vmlinuz" initrd="initrd" disk="disk" cmdline="console=ttyS0" ram="128M"/>
 *   <config guest="guest_hello" ram="64K"/>
 */
#include <cairn/cpu.h>
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/xml.h>
#include <string.h>
#include <cairn/time.h>
#include "hw/i8042.h"
#include "hw/pic8259.h"
#include "hw/rtc146818.h"
#include "hw/pit8254.h"
#include "hw/uart16550.h"
#include "hw/pci.h"
#include "hw/lapic.h"
#include "hw/ioapic.h"
#include "hw/mptable.h"
#include "insn.h"
#include "pio.h"
#include "cr.h"
#include "gmem.h"
#include "hw/virtio_blk.h"
#include "hw/virtio_console.h"
#include "cpuid.h"
#include "linux.h"

#define VMM_LOAD      0x1000u                /* flat real-mode guests start here */
#define VMM_RAM_VA    0x0000000400000000ull  /* where the guest RAM appears here */
#define VMM_RAM_MAX   (2ull << 30)
#define VMM_ROM_WIN   0x40000000ull          /* each ROM attached in its own 1 GiB window */
#define VMM_RTC_EPOCH 946684800              /* no wall clock here: the RTC starts at 2000-01-01 */
#define RFLAGS_IF     0x200u

enum { ROM_CONFIG, ROM_KERNEL, ROM_INITRD, ROM_DISK };

/* A console's output, logged a line at a time behind a prefix. */
struct vmm_line {
    const char *prefix;
    char text[200];
    unsigned len;
    unsigned esc; /* inside an escape sequence: 1 after ESC, 2 after ESC [ */
};

struct vmm_tally {
    uint32_t key;
    uint64_t n;
};

/* IA32_MISC_ENABLE as the guest finds it: fast strings; no BTS, no PEBS */
#define MISC_ENABLE_RESET 0x1801u

static struct vmm {
    uint64_t vm_pd, vcpu;
    struct vmm_mem mem;
    struct loader_entry entry;
    bool flat;            /* a flat real-mode guest */
    struct uart16550 uart;
    struct pic8259 pic;
    struct pit8254 pit;
    struct i8042 kbc;
    struct rtc146818 rtc;
    struct pci_bus pci;
    bool apic;            /* local APIC and IO-APIC (else the PICs only) */
    struct lapic lapic;
    struct ioapic ioapic;
    struct virtio_blk blk;
    struct virtio_console hvc;
    struct vmm_line uart_line, hvc_line;
    bool reset;           /* the guest pulled the reset line */
    uint64_t sleep_sm;    /* the handler sleeps on it in HLT */
    uint64_t timer_sm;    /* wakes the timer thread: the next event moved */
    volatile uint64_t next_ns; /* the devices' next event, for the timer thread */
    uint64_t injected;
    uint64_t port80;
    bool stopped;
    uint64_t quiet_until, quiet_injected; /* recalls held back (vmm_publish_next) */
    uint64_t de_cfg, hwcr, misc_enable; /* vendor MSRs the guest may write */
    uint64_t tsc_off;          /* the guest's TSC offset (it may write its TSC) */
    bool input;                /* the console's input goes to the guest's UART */
    uint8_t in_ring[256];      /* VMM_INPUT_RING: timer thread -> handler */
    volatile uint32_t in_head, in_tail;     /* AMD MSRs the guest may set and read back */
    unsigned unknown_msrs, refused;
    uint64_t cr4_rsvd, efer_rsvd; /* what cr.c checks against (vmm_cr_init) */
    struct cr_state last;      /* the guest's CRs, EFER and CS as last resumed */
    uint64_t last_rip;
    uint64_t exits[CAIRN_VM_EVT_COUNT];
    struct vmm_tally io[32], msr[32];
} vmm;

static const char *const vmm_exit_names[CAIRN_VM_EVT_COUNT] = {
    "startup", "I/O", "nested page fault", "HLT", "CPUID", "MSR", "interrupt window",
    "VMMCALL", "shutdown (triple fault)", "invalid state", "recall", "exit",
    "control register write",
};

static void vmm_tx(void *ctx, uint8_t c)
{
    struct vmm_line *l = ctx;
    if (c == 0x1b || l->esc) { /* terminal control (ESC [ ... letter): not for the log */
        l->esc = c == 0x1b ? 1 : l->esc == 1 && c == '[' ? 2 : l->esc == 2 && c < 0x40 ? 2 : 0;
        return;
    }
    if (c == '\n' || l->len == sizeof(l->text) - 1) {
        l->text[l->len] = 0;
        printf("%s: %s\n", l->prefix, l->text);
        l->len = 0;
    } else if (c == '\t') {
        l->text[l->len++] = ' ';
    } else if (c >= 0x20 && c < 0x7f) {
        l->text[l->len++] = (char)c;
    }
}

/* Log what a console holds of an unfinished line (a shell's prompt). */
static void vmm_line_flush(struct vmm_line *l)
{
    if (l->len)
        vmm_tx(l, '\n');
}

static void vmm_virtio_error(void *ctx, const char *msg)
{
    printf("%s: the guest's driver broke the device: %s (device stopped until reset)\n",
           (const char *)ctx, msg);
}

static void vmm_reset(void *ctx) { vmm.reset = true; }

/* Interrupt lines of the devices go to the PIC and, with APICs, to the
 * IO-APIC: ISA IRQ 0 at pin 2 (the usual override), other ISA IRQs at
 * their own pin, the PCI slots' INTA (IRQ 10, 11) at pins 16, 17. */
#define VMM_PCI_IRQ_FIRST 10
#define VMM_PCI_PIN_FIRST 16
static unsigned vmm_ioapic_pin(unsigned line)
{
    return line == 0 ? 2 : line >= VMM_PCI_IRQ_FIRST && line < VMM_PCI_IRQ_FIRST + 2
                               ? line - VMM_PCI_IRQ_FIRST + VMM_PCI_PIN_FIRST : line;
}

static void vmm_irq_pic(void *ctx, unsigned line, bool level)
{
    pic8259_set_irq(&vmm.pic, line, level);
    if (vmm.apic)
        ioapic_set_irq(&vmm.ioapic, vmm_ioapic_pin(line), level);
}

static void vmm_ioapic_deliver(void *ctx, uint8_t vector, bool level) { lapic_set_irq(&vmm.lapic, vector, level); }
static void vmm_lapic_eoi(void *ctx, uint8_t vector) { ioapic_eoi(&vmm.ioapic, vector); }

/* Count key (a port, an MSR) in a small table; the last slot takes the rest. */
static void vmm_count(struct vmm_tally *t, uint32_t key)
{
    unsigned i = 0;
    while (i < 31 && t[i].n && t[i].key != key)
        i++;
    t[i].key = i < 31 ? key : UINT32_MAX;
    t[i].n++;
}

static void vmm_stop(const struct cairn_exc *x, const char *what, uint64_t addr);
static void vmm_input_drain(void);

/* ---- start ------------------------------------------------------------ */

static uint64_t vmm_startup(struct cairn_exc *x)
{
    const struct loader_entry *e = &vmm.entry;
    uint64_t mtd = CAIRN_MTD_RIP | CAIRN_MTD_RSP | CAIRN_MTD_RFLAGS | CAIRN_MTD_CS_SS |
                   CAIRN_MTD_DS_ES;
    vmm.misc_enable = MISC_ENABLE_RESET;
    x->rflags = 2;
    if (vmm.flat) {
        struct cairn_seg flat = { .sel = 0, .ar = 0x93, .limit = 0xffff, .base = 0 };
        x->cs = (struct cairn_seg){ .sel = 0, .ar = 0x9b, .limit = 0xffff, .base = 0 };
        x->ss = x->ds = x->es = flat;
        x->rip = VMM_LOAD;
        x->rsp = 0x800;
        return mtd;
    }
    /* protected or long mode on the loader's GDT: 0x08/0x10 code, 0x18 data */
    struct cairn_seg data = { .sel = 0x18, .ar = 0xc93, .limit = 0xffffffff, .base = 0 };
    x->cs = e->long_mode ? (struct cairn_seg){ 0x10, 0xa9b, 0xffffffff, 0 }
                         : (struct cairn_seg){ 0x08, 0xc9b, 0xffffffff, 0 };
    x->ss = x->ds = x->es = x->fs = x->gs = data;
    x->tr = (struct cairn_seg){ 0, 0x8b, 0x67, 0 };
    x->ldtr = (struct cairn_seg){ 0, 0x82, 0, 0 };
    x->gdtr = (struct cairn_seg){ 0, 0, 31, LOADER_GDT };
    x->idtr = (struct cairn_seg){ 0, 0, 0, 0 };
    x->cr0 = e->long_mode ? 0x80010033 : 0x11; /* PE ET (MP NE WP PG) */
    x->cr2 = 0;
    x->cr3 = e->cr3;
    x->cr4 = e->long_mode ? 0x20 : 0; /* PAE */
    x->efer = e->long_mode ? 0x500 : 0; /* LME LMA */
    x->pat = 0x0007040600070406ull;
    x->rip = e->rip;
    x->rsp = e->rsp;
    x->rax = e->rax, x->rbx = e->rbx, x->rcx = x->rdx = 0;
    x->rsi = e->rsi, x->rdi = x->rbp = 0;
    return mtd | CAIRN_MTD_FS_GS | CAIRN_MTD_TR | CAIRN_MTD_LDTR | CAIRN_MTD_GDTR |
           CAIRN_MTD_IDTR | CAIRN_MTD_CR | CAIRN_MTD_EFER_PAT | CAIRN_MTD_GPR_ACDB |
           CAIRN_MTD_GPR_BSD;
}

/* ---- port I/O ------------------------------------------------------------ */

/* The guest's port map: each range goes to a device model's callbacks. */
struct vmm_port {
    uint16_t first, last;
    const struct vmm_io_ops *ops;
    void *dev;
};

static const struct vmm_port vmm_ports[] = {
    { 0x20, 0x21, &pic8259_io_ops, &vmm.pic },     { 0xa0, 0xa1, &pic8259_io_ops, &vmm.pic },
    { 0x4d0, 0x4d1, &pic8259_io_ops, &vmm.pic },   { 0x40, 0x43, &pit8254_io_ops, &vmm.pit },
    { 0x61, 0x61, &pit8254_io_ops, &vmm.pit },     { 0x60, 0x60, &i8042_io_ops, &vmm.kbc },
    { 0x64, 0x64, &i8042_io_ops, &vmm.kbc },       { 0x70, 0x71, &rtc146818_io_ops, &vmm.rtc },
    { 0x3f8, 0x3ff, &uart16550_io_ops, &vmm.uart }, { 0xcf8, 0xcff, &pci_io_ops, &vmm.pci },
};

/* Ports no fixed device decodes go to the PCI devices' I/O BARs. */
static const struct vmm_port vmm_port_pci = { 0, 0xffff, &pci_bar_io_ops, &vmm.pci };

static const struct vmm_port *vmm_port_dev(unsigned port)
{
    for (unsigned i = 0; i < sizeof(vmm_ports) / sizeof(vmm_ports[0]); i++)
        if (port >= vmm_ports[i].first && port <= vmm_ports[i].last)
            return &vmm_ports[i];
    return &vmm_port_pci;
}

static uint64_t vmm_io_string(struct cairn_exc *x);

static uint64_t vmm_io(struct cairn_exc *x)
{
    unsigned port = (unsigned)(x->qual[0] >> 16), in = x->qual[0] & 1;
    unsigned size = (x->qual[0] >> 4) & 7; /* SZ8/SZ16/SZ32: 1, 2, 4 */
    const struct vmm_port *dev = vmm_port_dev(port);
    vmm_count(vmm.io, port);
    if (x->qual[0] & PIO_STR)
        return vmm_io_string(x);
    x->rip = x->qual[1];
    size = size ? size : 1;
    if (in) {
        /* no device: the bus floats high (the PCI fallback reads all ones);
         * only the accessed bytes change */
        uint64_t mask = (1ull << (8 * size)) - 1;
        uint64_t v = dev->ops->read(dev->dev, (uint16_t)port, size);
        x->rax = (x->rax & ~mask) | (v & mask);
        return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB;
    }
    if (port == 0x80)
        vmm.port80++;
    dev->ops->write(dev->dev, (uint16_t)port, size, (uint32_t)x->rax);
    return CAIRN_MTD_RIP;
}

/* ---- CPUID and MSRs --------------------------------------------------------- */

/* The guest's CPUID: the host's, filtered. */
static void vmm_guest_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4], bool apic)
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
    vmm_cpuid_filter(leaf, sub, r, apic);
}

/* What EFER and CR4 writes are checked against: the CPU's own CR4 bits
 * (a CPU checks against what it has, whatever CPUID tells the guest) but
 * VMXE and SMXE, and
 * the EFER bits the guest's CPUID offers. */
static void vmm_cr_init(void)
{
    uint32_t l1[4], l7[4] = { 0 }, e1[4];
    __asm__ volatile("cpuid" : "=a"(l1[0]), "=b"(l1[1]), "=c"(l1[2]), "=d"(l1[3]) : "a"(0), "c"(0));
    bool has7 = l1[0] >= 7;
    __asm__ volatile("cpuid" : "=a"(l1[0]), "=b"(l1[1]), "=c"(l1[2]), "=d"(l1[3]) : "a"(1), "c"(0));
    if (has7)
        __asm__ volatile("cpuid" : "=a"(l7[0]), "=b"(l7[1]), "=c"(l7[2]), "=d"(l7[3]) : "a"(7), "c"(0));
    vmm_guest_cpuid(0x80000001, 0, e1, vmm.apic);
    /* but not VMX or SMX: the guest has neither (CPUID hides them, and
     * the kernel keeps VMXE for itself on an Intel host) */
    vmm.cr4_rsvd = cr_cr4_reserved(l1[2] & ~(1u << 5 | 1u << 6), l7[1], l7[2]);
    vmm.efer_rsvd = cr_efer_reserved(e1[3]);
}

static uint64_t vmm_cpuid(struct cairn_exc *x)
{
    uint32_t r[4];
    vmm_guest_cpuid((uint32_t)x->rax, (uint32_t)x->rcx, r, vmm.apic);
    x->rax = r[0], x->rbx = r[1], x->rcx = r[2], x->rdx = r[3];
    x->rip += 2; /* no next-RIP here: CPUID is 0f a2 */
    return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB;
}

/* Raise #GP(0) in the guest (RIP stays at the faulting instruction); in
 * real mode a CPU pushes no error code. */
static uint64_t vmm_gp(struct cairn_exc *x)
{
    bool err = x->cr0 & CR0_PE;
    x->inj_info = 13u | 3u << 8 | (err ? 1u << 11 : 0) | 1u << 31; /* exception, valid */
    x->inj_error = 0;
    return CAIRN_MTD_INJ;
}

/* The guest's EFER, CR0, CR4 and CS as cr.c checks them. */
static struct cr_state vmm_cr_state(const struct cairn_exc *x)
{
    return (struct cr_state){ .cr0 = x->cr0, .cr3 = x->cr3, .cr4 = x->cr4, .efer = x->efer,
                              .cs_l = x->cs.ar & 0x200, .cs_d = x->cs.ar & 0x400,
                              .cr4_rsvd = vmm.cr4_rsvd, .efer_rsvd = vmm.efer_rsvd };
}

/* A write the CPU refuses: #GP, and a line saying why (the first eight). */
static uint64_t vmm_refuse(struct cairn_exc *x, const char *insn, const char *reg, uint64_t v,
                           const char *why)
{
    if (vmm.refused++ < 8)
        printf("guest %s to %s %#lx at rip %#lx: #GP (%s)\n", insn, reg, (unsigned long)v,
               (unsigned long)x->rip, why);
    return vmm_gp(x);
}

#define MSR_TSC        0x10u
#define MSR_PAT        0x277u
#define MSR_EFER       0xc0000080u
#define MSR_PATCH      0x8bu
#define MSR_SYSCFG     0xc0010010u
#define MSR_HWCR       0xc0010015u
#define MSR_NB_CFG     0xc001001fu
#define MSR_DE_CFG     0xc0011029u
#define MSR_FEATURE_CONTROL 0x3au  /* Intel's */
#define MSR_PLATFORM_ID 0x17u
#define MSR_MISC_ENABLE 0x1a0u

static bool vmm_pat_valid(uint64_t pat)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned t = (pat >> (8 * i)) & 0xff;
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

static uint64_t vmm_msr(struct cairn_exc *x)
{
    uint32_t msr = (uint32_t)x->rcx;
    bool wr = x->qual[0] & 1;
    uint64_t v = (x->rdx & 0xffffffffu) << 32 | (uint32_t)x->rax, mtd = CAIRN_MTD_RIP;
    vmm_count(vmm.msr, msr);
    switch (msr) {
    case MSR_TSC:
        if (wr)
            x->tsc_off = vmm.tsc_off = v - (x->tsc_val - x->tsc_off), mtd |= CAIRN_MTD_TSC;
        v = x->tsc_val;
        break;
    case MSR_PAT:
        if (wr && !vmm_pat_valid(v))
            return vmm_gp(x);
        if (wr)
            x->pat = v, mtd |= CAIRN_MTD_EFER_PAT;
        v = x->pat;
        break;
    case MSR_EFER: {
        struct cr_state cs = vmm_cr_state(x);
        const char *why;
        if (wr && cr_efer_write(&cs, v, &why) != CAIRN_OK)
            return vmm_refuse(x, "WRMSR", "EFER", v, why);
        if (wr)
            x->efer = cr_efer_value(&cs, v), mtd |= CAIRN_MTD_EFER_PAT;
        v = x->efer;
        break;
    }
    case LAPIC_MSR_APIC_BASE:
        if (!vmm.apic)
            return vmm_gp(x);
        if (wr && lapic_write_apic_base(&vmm.lapic, v) != CAIRN_OK)
            return vmm_gp(x);
        v = lapic_read_apic_base(&vmm.lapic);
        break;
    case MSR_PATCH: case MSR_SYSCFG: case MSR_NB_CFG:
        v = 0; /* no microcode level, nothing configured; writes are ignored */
        break;
    case MSR_HWCR:
        if (wr)
            vmm.hwcr = v;
        v = vmm.hwcr;
        break;
    case MSR_DE_CFG:
        if (wr)
            vmm.de_cfg = v;
        v = vmm.de_cfg;
        break;
    case MSR_FEATURE_CONTROL: /* locked with VMX off, as firmware leaves it: writes #GP */
        if (wr)
            return vmm_gp(x);
        v = 1;
        break;
    case MSR_PLATFORM_ID:
        v = 0;
        break;
    case MSR_MISC_ENABLE: /* Linux reads it on Intel before it has an IDT */
        if (wr)
            vmm.misc_enable = v;
        v = vmm.misc_enable;
        break;
    default:
        if (vmm.unknown_msrs++ < 8)
            printf("guest %s unknown MSR %#x: #GP\n", wr ? "wrote" : "read", msr);
        return vmm_gp(x);
    }
    if (!wr)
        x->rax = (uint32_t)v, x->rdx = v >> 32, mtd |= CAIRN_MTD_GPR_ACDB;
    x->rip += 2; /* RDMSR/WRMSR: 0f 32 / 0f 30 */
    return mtd;
}

/* ---- MMIO: the APICs ------------------------------------------------------------ */

/* The instruction bytes at the guest's RIP (up to 15, fewer at the end of
 * its RAM); 0 if its RIP does not map to RAM. */
static size_t vmm_fetch(const struct cairn_exc *x, uint8_t *buf)
{
    const struct gmem_paging g = { x->cr0, x->cr3, x->cr4, x->efer };
    bool lm = (x->efer & EFER_LMA) && (x->cs.ar & 0x200);
    return gmem_read(&vmm.mem, &g, x->rip + (lm ? 0 : x->cs.base), buf, INSN_MAX_LEN);
}

/* ---- string port I/O ------------------------------------------------------ */

#define VMM_PIO_MAX 1024 /* elements of a REP per exit; the guest runs it again for more */

static uint32_t vmm_pio_in(void *ctx, uint16_t port, unsigned size)
{
    const struct vmm_port *dev = vmm_port_dev(port);
    return (uint32_t)dev->ops->read(dev->dev, port, size);
}

static void vmm_pio_out(void *ctx, uint16_t port, unsigned size, uint32_t v)
{
    const struct vmm_port *dev = vmm_port_dev(port);
    vmm.port80 += port == 0x80;
    dev->ops->write(dev->dev, port, size, v);
}

/* n bytes at guest-linear la, through the guest's page tables. */
static cairn_status_t vmm_pio_mem(void *ctx, uint64_t la, void *buf, unsigned n, bool write)
{
    const struct cairn_exc *x = ctx;
    const struct gmem_paging g = { x->cr0, x->cr3, x->cr4, x->efer };
    return gmem_copy(&vmm.mem, &g, la, buf, n, write);
}

/* INS/OUTS (pio.c); what it cannot carry out stops the VM, saying why. */
static uint64_t vmm_io_string(struct cairn_exc *x)
{
    static char why[120];
    uint8_t bytes[INSN_MAX_LEN];
    const struct cairn_seg *segs[6] = { &x->es, &x->cs, &x->ss, &x->ds, &x->fs, &x->gs };
    struct pio_string s = { .rcx = x->rcx, .rsi = x->rsi, .rdi = x->rdi, .rflags = x->rflags,
                            .rip = x->rip, .info = x->qual[0], .next_rip = x->qual[1],
                            .long_mode = (x->efer & EFER_LMA) && (x->cs.ar & 0x200),
                            .cs_d = x->cs.ar & 0x400, .insn = bytes };
    struct pio_ops ops = { vmm_pio_in, vmm_pio_out, vmm_pio_mem, x };
    for (unsigned i = 0; i < 6; i++)
        s.seg_base[i] = segs[i]->base;
    s.insn_len = vmm_fetch(x, bytes);
    cairn_status_t err = pio_string(&s, &ops, VMM_PIO_MAX);
    if (err == CAIRN_EFAULT)
        snprintf(why, sizeof(why), "string I/O on port %#x with guest-linear %#lx, which is not "
                 "in guest RAM", (unsigned)(x->qual[0] >> 16), (unsigned long)s.fault);
    if (err) {
        vmm_stop(x, err == CAIRN_EFAULT ? why : "a string I/O instruction the VMM cannot decode", 0);
        return 0;
    }
    x->rcx = s.rcx, x->rsi = s.rsi, x->rdi = s.rdi, x->rip = s.rip;
    return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB | CAIRN_MTD_GPR_BSD;
}

/* A memory-mapped device window. */
struct vmm_mmio {
    uint64_t base, size;
    const struct vmm_mmio_ops *ops;
    void *dev;
};

static cairn_status_t vmm_mmio_access(void *ctx, uint64_t gpa, unsigned size, bool write,
                                      uint64_t *value)
{
    const struct vmm_mmio *m = ctx;
    if (gpa - m->base >= m->size || size > m->size - (gpa - m->base))
        return CAIRN_EFAULT; /* the access leaves the device's window */
    if (write)
        m->ops->write(m->dev, gpa - m->base, size, *value);
    else
        *value = m->ops->read(m->dev, gpa - m->base, size);
    return CAIRN_OK;
}

/* A nested page fault: emulate the instruction if it touched a device,
 * else stop the VM. */
static uint64_t vmm_npf(struct cairn_exc *x)
{
    static const struct vmm_mmio windows[] = {
        { LAPIC_BASE, 0x1000, &lapic_mmio_ops, &vmm.lapic },
        { IOAPIC_BASE, 0x1000, &ioapic_mmio_ops, &vmm.ioapic },
    };
    uint64_t gpa = x->qual[1];
    const struct vmm_mmio *m = 0;
    for (unsigned i = 0; vmm.apic && i < sizeof(windows) / sizeof(windows[0]); i++)
        if (gpa - windows[i].base < windows[i].size)
            m = &windows[i];
    if (!m) {
        vmm_stop(x, "access outside guest RAM", gpa);
        return 0;
    }
    uint8_t bytes[INSN_MAX_LEN];
    struct insn in;
    size_t n = vmm_fetch(x, bytes);
    enum insn_mode mode = (x->efer & 0x400) && (x->cs.ar & 0x200) ? INSN_64
                          : (x->cs.ar & 0x400)                    ? INSN_32 : INSN_16;
    cairn_status_t err = n ? insn_decode(&in, bytes, n, mode) : CAIRN_ETRUNC;
    struct insn_regs r = { .gpr = { x->rax, x->rcx, x->rdx, x->rbx, x->rsp, x->rbp, x->rsi, x->rdi,
                                    x->r8, x->r9, x->r10, x->r11, x->r12, x->r13, x->r14, x->r15 },
                           .rip = x->rip, .rflags = x->rflags };
    if (!err)
        err = insn_emulate(&in, &r, gpa, vmm_mmio_access, (void *)m);
    if (err) {
        vmm_stop(x, "an instruction on a device the VMM cannot emulate", gpa);
        return 0;
    }
    uint64_t *g[16] = { &x->rax, &x->rcx, &x->rdx, &x->rbx, &x->rsp, &x->rbp, &x->rsi, &x->rdi,
                        &x->r8, &x->r9, &x->r10, &x->r11, &x->r12, &x->r13, &x->r14, &x->r15 };
    for (unsigned i = 0; i < 16; i++)
        *g[i] = r.gpr[i];
    x->rip = r.rip, x->rflags = r.rflags;
    return CAIRN_MTD_GPR_ALL | CAIRN_MTD_RSP | CAIRN_MTD_RIP | CAIRN_MTD_RFLAGS;
}

/* ---- stopping --------------------------------------------------------------- */

static void vmm_stats(void)
{
    printf("exits:");
    for (unsigned e = 0; e < CAIRN_VM_EVT_COUNT; e++)
        if (vmm.exits[e])
            printf(" %s %lu,", vmm_exit_names[e] ? vmm_exit_names[e] : "other", vmm.exits[e]);
    printf(" interrupts injected %lu\n", vmm.injected);
    for (unsigned k = 0; k < 2; k++) {
        struct vmm_tally *t = k ? vmm.msr : vmm.io;
        unsigned shown = 0;
        printf("%s exits by %s:", k ? "MSR" : "I/O", k ? "MSR" : "port");
        for (unsigned n = 0; n < 6; n++) { /* the top six, largest first */
            unsigned best = 32;
            for (unsigned i = 0; i < 32; i++)
                if (t[i].n && (best == 32 || t[i].n > t[best].n))
                    best = i;
            if (best == 32)
                break;
            if (t[best].key == UINT32_MAX && best == 31)
                printf(" others: %lu", t[best].n); /* the 32nd slot sums the rest */
            else
                printf(" %#x: %lu", t[best].key, t[best].n);
            t[best].n = 0, shown++;
        }
        printf("%s\n", shown ? "" : " none");
    }
}

/* Stop this VM with a report: the guest is gone, the VMM stays. */
static void vmm_stop(const struct cairn_exc *x, const char *what, uint64_t addr)
{
    vmm_line_flush(&vmm.uart_line); /* the guest's last words, even without their newline */
    vmm_line_flush(&vmm.hvc_line);
    printf("VM stopped: %s at rip %#lx%s", what, x->rip, addr ? "" : "\n");
    if (addr)
        printf(", guest-physical %#lx\n", addr);
    if (vmm.port80)
        printf("the guest wrote port 0x80 %lu times\n", vmm.port80);
    if (vmm.flat) {
        if (vmm.injected)
            printf("%lu interrupts injected\n", vmm.injected);
    } else {
        vmm_stats();
    }
    vmm.stopped = true;
    cairn_pd_kill(vmm.vm_pd);
}

/* ---- interrupts and time ------------------------------------------------- */

/* TSC ticks to ns and back, without overflow for centuries of uptime. */
static uint64_t vmm_tsc_to_ns(uint64_t tsc)
{
    uint64_t khz = cairn_tsc_khz();
    return tsc / khz * 1000000 + tsc % khz * 1000000 / khz;
}

static uint64_t vmm_ns_to_tsc(uint64_t ns)
{
    uint64_t khz = cairn_tsc_khz();
    return ns / 1000000 * khz + ns % 1000000 * khz / 1000000;
}

static uint64_t vmm_now_ns(void *ctx) { return vmm_tsc_to_ns(cairn_rdtsc()); }

/* The guest's TSC (host TSC + offset) on the devices' clock. */
static uint64_t vmm_guest_tsc_to_ns(void *ctx, uint64_t tsc)
{
    return tsc < vmm.tsc_off ? 0 : vmm_tsc_to_ns(tsc - vmm.tsc_off);
}

/* The devices' next event: a timer of the PIT or the local APIC. */
static uint64_t vmm_next_event_ns(void)
{
    uint64_t next = pit8254_next_event_ns(&vmm.pit);
    if (vmm.apic) {
        uint64_t l = lapic_next_event_ns(&vmm.lapic);
        next = l < next ? l : next;
    }
    return next;
}

/* Advance the timers; true if an interrupt waits for the guest. */
static bool vmm_irq_pending(void)
{
    if (vmm.input)
        vmm_input_drain();
    pit8254_update(&vmm.pit);
    if (!vmm.apic)
        return pic8259_pending(&vmm.pic);
    lapic_update(&vmm.lapic);
    return vmm.lapic.nmi || lapic_pending(&vmm.lapic) >= 0 ||
           (lapic_extint_enabled(&vmm.lapic) && pic8259_pending(&vmm.pic));
}

/* Deliver a pending interrupt if the guest can take one now, else ask for
 * an exit when it can. An event already on its way (an exception we
 * raise, or one whose delivery an exit cut short) goes first. */
static uint64_t vmm_inject(struct cairn_exc *x, uint64_t mtd)
{
    if (!vmm_irq_pending())
        return mtd;
    if ((x->inj_info & 1u << 31) || (x->intr_state & 1)) {
        x->ctrl[0] = 1; /* exit when the event on its way (or the shadow) is done */
        return mtd | CAIRN_MTD_CTRL;
    }
    if (vmm.apic && lapic_take_nmi(&vmm.lapic)) {
        x->inj_info = 2u | 2u << 8 | 1u << 31; /* NMI, valid */
        return mtd | CAIRN_MTD_INJ;
    }
    if (!(x->rflags & RFLAGS_IF)) {
        x->ctrl[0] = 1; /* exit at the interrupt window */
        return mtd | CAIRN_MTD_CTRL;
    }
    int vector = -1;
    if (vmm.apic && lapic_pending(&vmm.lapic) >= 0)
        vector = lapic_ack(&vmm.lapic);
    else if (!vmm.apic || lapic_extint_enabled(&vmm.lapic))
        vector = pic8259_ack(&vmm.pic);
    if (vector < 0)
        return mtd;
    x->inj_info = (uint32_t)(vector & 0xff) | 1u << 31; /* external interrupt, valid */
    x->inj_error = 0;
    vmm.injected++;
    return mtd | CAIRN_MTD_INJ;
}

/* Tell the timer thread when the devices' next event is due. A recall
 * that injected nothing while the next event is due again already (a
 * periodic timer faster than an exit whose interrupt the guest blocks:
 * IF off, its TPR, a masked line) would have the vCPU recalled at once
 * after every exit, and it never ran again: then recalls wait
 * VMM_RECALL_GAP_NS until an interrupt goes in (what unblocks one exits
 * anyway: STI at the window the handler asked for, the chips'
 * registers). An event that is not yet due is never held back. */
#define VMM_RECALL_GAP_NS 1000000ull

static void vmm_publish_next(bool idle_recall)
{
    uint64_t next = vmm_next_event_ns(), now = vmm_now_ns(0);
    if (vmm.injected != vmm.quiet_injected)
        vmm.quiet_until = 0;
    if (idle_recall && next <= now && now >= vmm.quiet_until) {
        vmm.quiet_until = now + VMM_RECALL_GAP_NS;
        vmm.quiet_injected = vmm.injected;
    }
    if (next <= now && now < vmm.quiet_until)
        next = vmm.quiet_until;
    if (next != vmm.next_ns) {
        vmm.next_ns = next;
        cairn_sm_up(vmm.timer_sm);
    }
}

/* Console input (input="yes"): the timer thread polls core's LOG session
 * and hands the bytes to the exit handler through this ring. */
#define VMM_INPUT_RING    256u
#define VMM_INPUT_POLL_NS 20000000ull

static void vmm_input_poll(void)
{
    char buf[CAIRN_LOG_READ_MAX];
    uint32_t head = vmm.in_head, room = VMM_INPUT_RING - (head - vmm.in_tail);
    size_t n = cairn_log_read(buf, room < sizeof(buf) ? room : sizeof(buf));
    for (size_t i = 0; i < n; i++)
        vmm.in_ring[(head + i) % VMM_INPUT_RING] = (uint8_t)buf[i];
    __asm__ volatile("" ::: "memory");
    vmm.in_head = head + (uint32_t)n;
    if (n) {
        cairn_sm_up(vmm.sleep_sm); /* a HLT waiting for it */
        cairn_ec_recall(vmm.vcpu);
    }
}

/* In the handler: move received bytes into the UART while it takes them. */
static void vmm_input_drain(void)
{
    uint32_t tail = vmm.in_tail;
    __asm__ volatile("" ::: "memory");
    while (tail != vmm.in_head &&
           uart16550_receive(&vmm.uart, vmm.in_ring[tail % VMM_INPUT_RING]) == CAIRN_OK)
        tail++;
    vmm.in_tail = tail;
}

/* The timer thread: recall the vCPU when the next device event is due, so
 * the handler sees it and injects the interrupt; poll for console input.
 * It only reads next_ns, which the handler publishes after each exit. */
static void vmm_timer(void *arg, struct cairn_utcb *u)
{
    uint64_t recalled = UINT64_MAX, poll = 0;
    for (;;) {
        if (vmm.stopped) {
            cairn_sm_down(vmm.timer_sm, 0);
            continue;
        }
        uint64_t now = vmm_now_ns(0), next = vmm.next_ns, wake;
        if (next <= now && next != recalled) {
            cairn_ec_recall(vmm.vcpu); /* due: the handler publishes the one after */
            recalled = next;
            continue;
        }
        wake = next > now ? next : UINT64_MAX;
        if (vmm.input) {
            if (now >= poll) {
                vmm_input_poll();
                poll = now + VMM_INPUT_POLL_NS;
            }
            wake = poll < wake ? poll : wake;
        }
        cairn_sm_down(vmm.timer_sm, wake == UINT64_MAX ? 0 : cairn_rdtsc() + vmm_ns_to_tsc(wake - now) + 1);
    }
}

/* HLT: with interrupts on, sleep until the next timer event; with them off
 * the guest has stopped for good. */
static uint64_t vmm_hlt(struct cairn_exc *x)
{
    if (!(x->rflags & RFLAGS_IF)) {
        vmm_stop(x, "HLT with interrupts off", 0);
        return 0;
    }
    x->rip += 1; /* no next-RIP from the hardware: HLT is one byte */
    vmm_line_flush(&vmm.uart_line); /* the guest is idle: show its prompt */
    vmm_line_flush(&vmm.hvc_line);
    for (;;) {
        if (vmm_irq_pending())
            return CAIRN_MTD_RIP;
        uint64_t next = vmm_next_event_ns();
        if (next == UINT64_MAX && !vmm.input) {
            vmm_stop(x, "HLT with no interrupt to come", 0);
            return 0;
        }
        uint64_t now = vmm_now_ns(0);
        if (next == UINT64_MAX)
            cairn_sm_down(vmm.sleep_sm, 0); /* until input arrives */
        else if (next > now)
            cairn_sm_down(vmm.sleep_sm, cairn_rdtsc() + vmm_ns_to_tsc(next - now) + 1);
    }
}

/* Why the kernel refused the state this VMM handed it (abi.h). */
static const char *vmm_refusal(uint64_t why)
{
    static const char *const names[] = {
        [CAIRN_VMREF_CR0] = "CR0 bits 63:32, NW without CD, or PG without PE",
        [CAIRN_VMREF_CR3] = "CR3 beyond the physical address width",
        [CAIRN_VMREF_CR4] = "CR4 bits the CPU lacks",
        [CAIRN_VMREF_EFER] = "EFER bits the CPU lacks",
        [CAIRN_VMREF_LONG] = "EFER.LME without CR4.PAE, or with CR0.PG but without CR0.PE",
        [CAIRN_VMREF_CS] = "long mode with CS.L and CS.D",
        [CAIRN_VMREF_DR7] = "DR7 bits 63:32",
        [CAIRN_VMREF_INJ] = "an event injection of a reserved type or vector",
        [CAIRN_VMREF_FLAGS] = "RFLAGS.VM in long mode",
        [CAIRN_VMREF_SEG] = "a segment limit above 1 MiB not in 4 KiB units (VMX)",
    };
    return why < sizeof(names) / sizeof(names[0]) && names[why] ? names[why] : "a rule of its own";
}

/*
 * The guest's state was refused. The kernel refuses a state this VMM
 * handed it before applying any of it (qual[0] names the rule; the state
 * may be the guest's own doing, as a MOV to CR0 that does not exit). The CPU
 * refused one the kernel let through (CAIRN_VMREF_HW: the kernel has
 * reset the vCPU, so what the guest ran with is the state of the last
 * exit, as the VMM resumed it: vmm.last). QEMU's SVM also refuses a MOV
 * to CR4 with reserved bits, where a CPU raises #GP (CAIRN_VMREF_GUEST:
 * x is the guest's state at the MOV): the VMM raises the #GP, unless an
 * event is still on its way (no instruction ran). Else stop, naming the
 * rule the state breaks.
 */
/* The guest's MOV to control register `want` at x->rip, decoded:
 * CAIRN_OK and *v, *len; CAIRN_EUNSUP if the instruction there is not one. */
static cairn_status_t vmm_cr_mov(const struct cairn_exc *x, const struct cr_state *cs,
                                 unsigned want, uint64_t *v, unsigned *len)
{
    const uint64_t *g[16] = { &x->rax, &x->rcx, &x->rdx, &x->rbx, &x->rsp, &x->rbp, &x->rsi,
                              &x->rdi, &x->r8, &x->r9, &x->r10, &x->r11, &x->r12, &x->r13,
                              &x->r14, &x->r15 };
    uint8_t bytes[INSN_MAX_LEN];
    unsigned cr, gpr;
    bool lm = (x->efer & EFER_LMA) && cs->cs_l;
    if (cr_decode_mov(bytes, vmm_fetch(x, bytes), lm, &cr, &gpr, len) != CAIRN_OK || cr != want)
        return CAIRN_EUNSUP;
    *v = lm ? *g[gpr] : (uint32_t)*g[gpr];
    return CAIRN_OK;
}

/*
 * A write to CR0 or CR4, which the kernel intercepts while EFER.LME is set
 * (CR0 in long mode, CR4 with paging off: docs/vmm.md): checked as a CPU
 * checks it, then done (the kernel keeps EFER.LMA in step with CR0.PG).
 * CLTS is a CR0 write too; LMSW in long mode is not emulated.
 */
static uint64_t vmm_cr_write(struct cairn_exc *x, unsigned want)
{
    struct cr_state cs = vmm_cr_state(x);
    uint8_t bytes[INSN_MAX_LEN];
    uint64_t v;
    unsigned len;
    if (want == 0 && vmm_fetch(x, bytes) >= 2 && bytes[0] == 0x0f && bytes[1] == 0x06) {
        x->cr0 &= ~(uint64_t)CR0_TS; /* CLTS */
        x->rip += 2;
        return CAIRN_MTD_CR | CAIRN_MTD_RIP;
    }
    if (vmm_cr_mov(x, &cs, want, &v, &len) != CAIRN_OK) {
        vmm_stop(x, want ? "a CR4 write the VMM cannot decode" : "a CR0 write the VMM cannot decode", 0);
        return 0;
    }
    const char *bad;
    if ((want ? cr_cr4_write(&cs, v, &bad) : cr_cr0_write(&cs, v, &bad)) != CAIRN_OK)
        return vmm_refuse(x, "MOV", want ? "CR4" : "CR0", v, bad);
    if (want)
        x->cr4 = v;
    else
        x->cr0 = v;
    x->rip += len;
    return CAIRN_MTD_CR | CAIRN_MTD_RIP;
}

static uint64_t vmm_invalid(struct cairn_exc *x)
{
    static char msg[120];
    struct cr_state cs = vmm_cr_state(x);
    if (x->qual[0] != CAIRN_VMREF_HW && x->qual[0] != CAIRN_VMREF_GUEST) {
        const char *rule;
        if (cr_state_check(&cs, &rule) == CAIRN_OK) /* else the guest's own doing, handed back */
            rule = vmm_refusal(x->qual[0]);
        snprintf(msg, sizeof(msg), "invalid state (the kernel refused it: %s)", rule);
        vmm_stop(x, msg, 0);
        return 0;
    }
    uint64_t v;
    unsigned len;
    const char *why = "not for its CR0, CR4, EFER or CS", *bad;
    bool last_ok = cr_state_check(&vmm.last, &why) == CAIRN_OK;
    if (x->qual[0] == CAIRN_VMREF_GUEST && last_ok && cr_state_check(&cs, 0) == CAIRN_OK &&
        !(x->inj_info & 1u << 31) && vmm_cr_mov(x, &cs, 4, &v, &len) == CAIRN_OK &&
        cr_cr4_write(&cs, v, &bad) != CAIRN_OK)
        return vmm_refuse(x, "MOV", "CR4", v, bad);
    snprintf(msg, sizeof(msg), "invalid state (the CPU refused it: %s)", why);
    if (x->qual[0] == CAIRN_VMREF_HW)
        x->rip = vmm.last_rip; /* where it was resumed last */
    vmm_stop(x, msg, 0);
    return 0;
}

/* An exit the VMM has no business with: the VM stops, naming it. */
static uint64_t vmm_unexpected(struct cairn_exc *x)
{
    uint64_t e = x->event;
    vmm_stop(x, e < CAIRN_VM_EVT_COUNT && vmm_exit_names[e] ? vmm_exit_names[e] : "exit", 0);
    return 0;
}

/* The interrupt window opened, or the timer thread recalled the vCPU:
 * nothing but the injection every exit gets. */
static uint64_t vmm_nothing(struct cairn_exc *x) { return 0; }

/* A CR0 or CR4 write the kernel passed on (qual[0]: the CR's number). */
static uint64_t vmm_cr(struct cairn_exc *x)
{
    if (x->qual[0] != 0 && x->qual[0] != 4)
        return vmm_unexpected(x);
    return vmm_cr_write(x, (unsigned)x->qual[0]);
}

/* Each event's handler: it returns the MTD of the state it changed. */
static uint64_t (*const vmm_handlers[CAIRN_VM_EVT_COUNT])(struct cairn_exc *) = {
    [CAIRN_VM_STARTUP] = vmm_startup, [CAIRN_VM_IO] = vmm_io,
    [CAIRN_VM_NPF] = vmm_npf,         [CAIRN_VM_HLT] = vmm_hlt,
    [CAIRN_VM_CPUID] = vmm_cpuid,     [CAIRN_VM_MSR] = vmm_msr,
    [CAIRN_VM_VINTR] = vmm_nothing,   [CAIRN_VM_RECALL] = vmm_nothing,
    [CAIRN_VM_INVALID] = vmm_invalid, [CAIRN_VM_CR] = vmm_cr,
};

static void vmm_exit(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    struct cairn_exc *x = (struct cairn_exc *)u->mr; /* printf keeps it (lib/log.c) */
    uint64_t mtd, e = x->event, injected = vmm.injected;
    vmm.exits[e < CAIRN_VM_EVT_COUNT ? e : CAIRN_VM_OTHER]++;
    if (e < CAIRN_VM_EVT_COUNT && vmm_handlers[e])
        mtd = vmm_handlers[e](x);
    else
        mtd = vmm_unexpected(x);
    if (vmm.reset && !vmm.stopped) /* no reboot yet: a reset ends the VM */
        vmm_stop(x, "reset by the guest through the i8042", 0);
    if (vmm.stopped)
        mtd = 0;
    else if (e != CAIRN_VM_STARTUP)
        mtd = vmm_inject(x, mtd);
    if (vmm.stopped) /* the VM is gone: so is its VMM (init may start it again) */
        cairn_exit(vmm.reset ? 0 : 1);
    vmm.last = vmm_cr_state(x), vmm.last_rip = x->rip; /* as it resumes (vmm_invalid) */
    vmm_publish_next(e == CAIRN_VM_RECALL && vmm.injected == injected);
    u->untyped = u->typed = 0;
    cairn_reply(mtd);
}

/* ---- setup ------------------------------------------------------------ */

static uint64_t vmm_call(uint64_t session, uint64_t op)
{
    struct cairn_msg m;
    cairn_msg_begin(&m, cairn_utcb_main, op);
    return cairn_rpc_call(session, cairn_utcb_main);
}

/* Attach ROM module `name` in window `slot`; returns its size (0 if it
 * failed) and its address in *at. */
static uint64_t vmm_rom(const char *name, unsigned slot, const uint8_t **at)
{
    char args[96];
    uint64_t rom, st, addr = CAIRN_ROM_AREA + slot * VMM_ROM_WIN;
    snprintf(args, sizeof(args), "name=%s", name);
    if (cairn_session("ROM", args, &rom) != CAIRN_OK)
        return 0;
    cairn_utcb_main->rcv_mem = CAIRN_CRD(CAIRN_CRD_MEM, addr >> 12, 18, 0);
    st = vmm_call(rom, CAIRN_ROM_ATTACH);
    cairn_utcb_main->rcv_mem = 0;
    if (st != CAIRN_OK || cairn_utcb_main->untyped < 3 || cairn_utcb_main->mr[2] >= (4u << 20) ||
        cairn_utcb_main->mr[1] > VMM_ROM_WIN - (4u << 20))
        return 0;
    *at = (const uint8_t *)(addr + cairn_utcb_main->mr[2]);
    return cairn_utcb_main->mr[1];
}

struct vmm_config {
    char kernel[64], initrd[64], disk[64], cmdline[512], apic[8], input[8];
    uint64_t ram;
};

/* Read the config ROM into *c: CAIRN_OK, or CAIRN_EINVAL after printing
 * what is wrong. */
static cairn_status_t vmm_config(struct vmm_config *c)
{
    static struct xml_node nodes[8];
    struct xml_doc doc;
    const uint8_t *at;
    uint64_t len = vmm_rom("config", ROM_CONFIG, &at);
    if (!len || xml_parse(&doc, (const char *)at, len, nodes, 8, XML_TEXT_ERROR) != CAIRN_OK) {
        printf("error: no usable config%s%s\n", len ? ": " : "", len ? doc.err : "");
        return CAIRN_EINVAL;
    }
    const struct xml_node *root = xml_root(&doc);
    if (xml_attr_string(&doc, root, "kernel", c->kernel, sizeof(c->kernel), 0) != CAIRN_OK &&
        xml_attr_string(&doc, root, "guest", c->kernel, sizeof(c->kernel), 0) != CAIRN_OK) {
        printf("error: config: <config> needs kernel=\"ROM name\" (or guest=)\n");
        return CAIRN_EINVAL;
    }
    cairn_status_t st = xml_attr_string(&doc, root, "initrd", c->initrd, sizeof(c->initrd), 0);
    if (st != CAIRN_OK && st != CAIRN_ENOTFOUND) {
        printf("error: config: initrd=\"...\" is not a usable ROM name\n");
        return CAIRN_EINVAL;
    }
    st = xml_attr_string(&doc, root, "disk", c->disk, sizeof(c->disk), 0);
    if (st != CAIRN_OK && st != CAIRN_ENOTFOUND) {
        printf("error: config: disk=\"...\" is not a usable ROM name\n");
        return CAIRN_EINVAL;
    }
    st = xml_attr_string(&doc, root, "apic", c->apic, sizeof(c->apic), 0);
    if (st == CAIRN_ENOTFOUND)
        c->apic[0] = 0;
    else if (st != CAIRN_OK || (strcmp(c->apic, "yes") && strcmp(c->apic, "no"))) {
        printf("error: config: apic=\"...\" must be yes or no\n");
        return CAIRN_EINVAL;
    }
    st = xml_attr_string(&doc, root, "input", c->input, sizeof(c->input), 0);
    if (st == CAIRN_ENOTFOUND)
        c->input[0] = 0;
    else if (st != CAIRN_OK || (strcmp(c->input, "yes") && strcmp(c->input, "no"))) {
        printf("error: config: input=\"...\" must be yes or no\n");
        return CAIRN_EINVAL;
    }
    st = xml_attr_string(&doc, root, "cmdline", c->cmdline, sizeof(c->cmdline), 0);
    if (st != CAIRN_OK && st != CAIRN_ENOTFOUND) {
        printf("error: config: cmdline=\"...\" longer than %zu bytes\n", sizeof(c->cmdline) - 1);
        return CAIRN_EINVAL;
    }
    if (xml_attr_size(&doc, root, "ram", &c->ram) != CAIRN_OK || c->ram < 16 * 1024 ||
        c->ram > VMM_RAM_MAX || (c->ram & 0xfff)) {
        printf("error: config: ram=\"...\" must be a size from 16K to 2G, in 4K pages\n");
        return CAIRN_EINVAL;
    }
    return CAIRN_OK;
}

/* Linux's command line: the config's, plus what this PC's firmware would
 * tell it otherwise. The guest runs on the host's invariant TSC, but
 *  - Linux's PIT calibration loop needs a port read every 10 us, more
 *    than an exit costs here, and there is no HPET or ACPI PM timer to
 *    calibrate against instead: tsc_early_khz gives the frequency;
 *  - its clocksource watchdog compares the TSC with jiffies, and jiffies
 *    lose ticks whenever an emulated guest keeps interrupts off for more
 *    than a tick: tsc=reliable says the TSC needs no watchdog;
 *  - its check that the timer interrupt works wants 5 ticks within 60 ms
 *    of busy waiting, which a guest sharing its CPU may not get:
 *    no_timer_check skips it (Linux does the same itself under KVM).
 * A parameter the config already sets is left as it is. */
static const char *vmm_linux_cmdline(const char *cmdline)
{
    static char line[sizeof(((struct vmm_config *)0)->cmdline) + 64];
    size_t n = (size_t)snprintf(line, sizeof(line), "%s", cmdline);
    if (!strstr(cmdline, "tsc_early_khz="))
        n += (size_t)snprintf(line + n, sizeof(line) - n, "%stsc_early_khz=%lu", n ? " " : "",
                              (unsigned long)cairn_tsc_khz());
    if (!strstr(cmdline, "tsc="))
        n += (size_t)snprintf(line + n, sizeof(line) - n, "%stsc=reliable", n ? " " : "");
    if (!strstr(cmdline, "timer_check"))
        snprintf(line + n, sizeof(line) - n, "%sno_timer_check", n ? " " : "");
    return line;
}

/* Put the guest into its RAM: Linux, multiboot or a flat image. On a
 * refusal *why says what is wrong. */
static cairn_status_t vmm_load(const struct vmm_config *c, const char **why)
{
    const uint8_t *image, *initrd = 0;
    uint64_t size = vmm_rom(c->kernel, ROM_KERNEL, &image), isize = 0;
    static char msg[128];
    if (!size) {
        snprintf(msg, sizeof(msg), "guest '%s' not found", c->kernel);
        *why = msg;
        return CAIRN_ENOTFOUND;
    }
    if (c->initrd[0] && !(isize = vmm_rom(c->initrd, ROM_INITRD, &initrd))) {
        snprintf(msg, sizeof(msg), "initrd '%s' not found", c->initrd);
        *why = msg;
        return CAIRN_ENOTFOUND;
    }
    if (linux_is_kernel(image, size)) /* startable or not: linux_load says why */
        return linux_load(&vmm.mem, image, size, initrd, isize, vmm_linux_cmdline(c->cmdline),
                          &vmm.entry, why);
    if (initrd) {
        *why = "an initrd is only for Linux guests";
        return CAIRN_EINVAL;
    }
    if (multiboot_is_image(image, size))
        return multiboot_load(&vmm.mem, image, size, c->cmdline, &vmm.entry, why);
    if (size > vmm.mem.size - VMM_LOAD) {
        *why = "the guest does not fit in its RAM";
        return CAIRN_ERANGE;
    }
    memcpy(vmm.mem.base + VMM_LOAD, image, size);
    vmm.flat = true;
    return CAIRN_OK;
}

/* The PCI bus: virtio-block (if the config names a disk) in slot 1 on
 * IRQ 10, virtio-console in slot 2 on IRQ 11, both level-triggered.
 * CAIRN_ENOTFOUND (and a message) if the disk's ROM is missing. */
static cairn_status_t vmm_pci(const struct vmm_config *c)
{
    struct virtio_pci_params p = { .mem = vmm.mem, .irq = { vmm_irq_pic, 0 }, .error = vmm_virtio_error };
    pci_bus_init(&vmm.pci);
    pic8259_write(&vmm.pic, 0x4d1, 1, 0x0c); /* ELCR: IRQ 10 and 11 level, as firmware sets it */
    if (c->disk[0]) {
        const uint8_t *data;
        uint64_t size = vmm_rom(c->disk, ROM_DISK, &data);
        if (!size) {
            printf("error: disk '%s' not found\n", c->disk);
            return CAIRN_ENOTFOUND;
        }
        p.io_base = 0xc000, p.irq_line = 10, p.error_ctx = (void *)"virtio-blk";
        /* read-only: the device never writes the ROM's (read-only) pages */
        virtio_blk_init(&vmm.blk, &p, (uint8_t *)(uintptr_t)data, size, true, c->disk);
        pci_bus_add(&vmm.pci, 1, &vmm.blk.vp.pci);
    }
    p.io_base = 0xc040, p.irq_line = 11, p.error_ctx = (void *)"virtio-console";
    virtio_console_init(&vmm.hvc, &p, vmm_tx, &vmm.hvc_line);
    pci_bus_add(&vmm.pci, 2, &vmm.hvc.vp.pci);
    return CAIRN_OK;
}

/* The local APIC and IO-APIC, found by the guest through an MP table in
 * the BIOS area: on by default for Linux, apic="yes|no" decides.
 * CAIRN_ERANGE (and a message) if guest RAM cannot hold the MP table. */
static cairn_status_t vmm_apic(const struct vmm_config *c)
{
    vmm.apic = c->apic[0] ? !strcmp(c->apic, "yes") : !vmm.flat && vmm.entry.long_mode;
    if (!vmm.apic)
        return CAIRN_OK;
    if (vmm.mem.size < 0x100000) {
        printf("error: apic=\"yes\" needs at least 1 MiB of guest RAM (for the MP table)\n");
        return CAIRN_ERANGE;
    }
    lapic_init(&vmm.lapic, 0, 0, (struct vmm_clock){ vmm_now_ns, 0 },
               (struct lapic_tsc){ vmm_guest_tsc_to_ns, 0 }, (struct lapic_eoi){ vmm_lapic_eoi, 0 });
    ioapic_init(&vmm.ioapic, 1, vmm_ioapic_deliver, 0);
    static const struct mptable_pci_irq pci[] = { { 1, 1, VMM_PCI_PIN_FIRST }, { 2, 1, VMM_PCI_PIN_FIRST + 1 } };
    uint32_t r[4];
    vmm_guest_cpuid(1, 0, r, true);
    struct mptable_config mp = { .apic_id = 0, .ioapic_id = 1, .cpu_signature = r[0],
                                 .cpu_features = r[3], .pci_irqs = pci, .pci_irq_count = 2 };
    if (mptable_write(&vmm.mem, LOADER_BIOS, &mp) != CAIRN_OK) {
        printf("error: cannot write the MP table\n");
        return CAIRN_ERANGE;
    }
    return CAIRN_OK;
}

static const char *vmm_kind(void)
{
    return vmm.flat ? "flat real-mode guest" : vmm.entry.long_mode ? "Linux" : "multiboot kernel";
}

int main(const struct cairn_hip *hip, struct cairn_utcb *u)
{
    static struct cairn_ec handler, timer;
    static struct vmm_config cfg;
    char args[64];
    uint64_t vm, pt = cairn_sel_alloc(0), st;
    cairn_log_init("vmm");
    if (vmm_config(&cfg) != CAIRN_OK)
        return 1;
    snprintf(args, sizeof(args), "ram=%lu", cfg.ram);
    vmm.vm_pd = cairn_sel_alloc(0);
    vmm.vcpu = cairn_sel_alloc(0);
    st = cairn_session("VM", args, &vm);
    if (st == CAIRN_OK) {
        u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, vmm.vm_pd, 0, 0);
        u->rcv_mem = CAIRN_CRD(CAIRN_CRD_MEM, VMM_RAM_VA >> 12, 20, 0);
        st = vmm_call(vm, CAIRN_VM_CREATE);
        u->rcv_obj = u->rcv_mem = 0;
    }
    if (st != CAIRN_OK) {
        printf("error: no VM: %s\n", cairn_status_name(st));
        return 1;
    }
    /* The guest RAM came as memory items after the VM PD: the kernel says
     * what each delegated (0: nothing). All of it must be here. */
    uint64_t pages = 0;
    for (unsigned i = 1; i < u->typed; i++) {
        uint64_t crd = cairn_msg_item_crd(u, i);
        if (CAIRN_CRD_TYPE(crd) == CAIRN_CRD_MEM)
            pages += 1ull << CAIRN_CRD_ORDER(crd);
    }
    if (pages * 4096 < cfg.ram) {
        printf("error: no VM: %lu KiB of its %lu KiB of guest RAM arrived (%u items)\n",
               (unsigned long)(pages * 4), (unsigned long)(cfg.ram >> 10), (unsigned)u->typed);
        return 1;
    }
    vmm.mem = (struct vmm_mem){ (uint8_t *)VMM_RAM_VA, cfg.ram };
    const char *why;
    if (vmm_load(&cfg, &why) != CAIRN_OK) {
        printf("error: %s\n", why);
        cairn_pd_kill(vmm.vm_pd);
        return 1;
    }
    vmm.uart_line.prefix = "guest";
    vmm.hvc_line.prefix = "hvc";
    uart16550_init(&vmm.uart, vmm_tx, &vmm.uart_line, (struct vmm_irq){ vmm_irq_pic, 0 }, 4);
    pic8259_init(&vmm.pic, (struct vmm_irq){ 0, 0 });
    pit8254_init(&vmm.pit, (struct vmm_clock){ vmm_now_ns, 0 },
                 (struct vmm_irq){ vmm_irq_pic, 0 }, 0);
    i8042_init(&vmm.kbc, (struct vmm_irq){ vmm_irq_pic, 0 }, vmm_reset, 0);
    rtc146818_init(&vmm.rtc, (struct vmm_clock){ vmm_now_ns, 0 }, VMM_RTC_EPOCH);
    rtc146818_set_memory(&vmm.rtc, cfg.ram, 0);
    if (vmm_pci(&cfg) != CAIRN_OK || vmm_apic(&cfg) != CAIRN_OK)
        return 1;
    vmm_cr_init();
    vmm.input = !strcmp(cfg.input, "yes");
    vmm.next_ns = UINT64_MAX;
    vmm.sleep_sm = cairn_sel_alloc(0);
    vmm.timer_sm = cairn_sel_alloc(0);
    if (cairn_create_sm(vmm.sleep_sm, CAIRN_SEL_PD, 0) != CAIRN_OK ||
        cairn_create_sm(vmm.timer_sm, CAIRN_SEL_PD, 0) != CAIRN_OK)
        return 1;
    st = cairn_handler_start(&handler, vmm_exit, 0);
    if (st == CAIRN_OK)
        st = cairn_create_pt(pt, CAIRN_SEL_PD, handler.ec, CAIRN_MTD_VCPU_ALL,
                             (uintptr_t)cairn_portal_entry, 0);
    for (unsigned e = 0; st == CAIRN_OK && e < CAIRN_VM_EVT_COUNT; e++)
        st = cairn_delegate(CAIRN_SEL_PD, vmm.vm_pd, CAIRN_CRD(CAIRN_CRD_OBJ, pt, 0, CAIRN_R_ALL), e, 0);
    if (st == CAIRN_OK) {
        /* said before the vCPU exists: on another CPU it may run at once */
        printf("booting %s '%s' with %lu KiB of RAM%s\n", vmm_kind(), cfg.kernel, cfg.ram >> 10,
               vmm.apic ? ", local APIC and IO-APIC" : "");
        u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, vmm.vcpu, 0, 0);
        st = vmm_call(vm, CAIRN_VM_VCPU);
        u->rcv_obj = 0;
        if (st == CAIRN_OK && u->untyped >= 3)
            printf("vCPU on CPU %lu at priority %lu\n", (unsigned long)u->mr[1], (unsigned long)u->mr[2]);
    }
    if (st == CAIRN_OK)
        st = cairn_thread_start(&timer, vmm_timer, 0, 0);
    if (st != CAIRN_OK) {
        printf("error: cannot start the vCPU: %s\n", cairn_status_name(st));
        return 1;
    }
    cairn_block_forever();
}
