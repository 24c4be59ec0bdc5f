// SOURCES: components/vmm/hw/uart16550.c components/vmm/hw/pic8259.c components/vmm/hw/pit8254.c components/vmm/hw/i8042.c components/vmm/hw/rtc146818.c lib/xml.c
/*
 * vmm: the virtual machine monitor, one instance per VM. Its <config>
 * names the guest (a ROM module, a flat real-mode image loaded at
 * guest-physical 0x1000) and the guest RAM; core's VM session gives the
 * VM, its RAM and a vCPU. Exits come to one handler: a 16550 UART (the
 * guest's console, printed tagged with the VM's name), the 8259 PIC pair
 * and the 8254 PIT (timer interrupts injected when the guest can take
 * them; a HLT with interrupts on waits for the next one), port 0x80, and
 * a report that stops this VM (and nothing else) on HLT with interrupts
 * off, a nested page fault outside its RAM, a triple fault or a refused
 * state.
 *
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

#define VMM_LOAD     0x1000u
#define VMM_RAM_VA   0x0000000400000000ull /* where the guest RAM appears here */
#define VMM_RTC_EPOCH 946684800            /* no wall clock here: the RTC starts at 2000-01-01 */

static struct vmm {
    uint64_t vm_pd, vcpu;
    uint8_t *ram;
    uint64_t ram_size;
    struct uart16550 uart;
    struct pic8259 pic;
    struct pit8254 pit;
    struct i8042 kbc;
    struct rtc146818 rtc;
    bool reset;           /* the guest pulled the reset line */
    uint64_t sleep_sm;
    uint64_t injected;
    char line[160];
    unsigned len;
    uint64_t port80;
    bool stopped;
} vmm;

static const char *const vmm_exit_names[CAIRN_VM_EVT_COUNT] = {
    "startup", "I/O", "nested page fault", "HLT", "CPUID", "MSR", "interrupt window",
    "VMMCALL", "shutdown (triple fault)", "invalid state", "recall", "exit",
};

static void vmm_tx(void *ctx, uint8_t c)
{
    if (c == '\n' || vmm.len == sizeof(vmm.line) - 1) {
        vmm.line[vmm.len] = 0;
        printf("guest: %s\n", vmm.line);
        vmm.len = 0;
    } else if (c >= 0x20 && c < 0x7f) {
        vmm.line[vmm.len++] = (char)c;
    }
}

static void vmm_reset(void *ctx) { vmm.reset = true; }

/* Interrupt lines of the devices go to the PIC. */
static void vmm_irq_pic(void *ctx, unsigned line, bool level) { pic8259_set_irq(&vmm.pic, line, level); }

static uint64_t vmm_startup(struct cairn_exc *x)
{
    struct cairn_seg flat = { .sel = 0, .ar = 0x93, .limit = 0xffff, .base = 0 };
    x->cs = (struct cairn_seg){ .sel = 0, .ar = 0x9b, .limit = 0xffff, .base = 0 };
    x->ss = x->ds = x->es = flat;
    x->rip = VMM_LOAD;
    x->rsp = 0x800;
    x->rflags = 2;
    return CAIRN_MTD_RIP | CAIRN_MTD_RSP | CAIRN_MTD_RFLAGS | CAIRN_MTD_CS_SS | CAIRN_MTD_DS_ES;
}

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
    { 0x3f8, 0x3ff, &uart16550_io_ops, &vmm.uart },
};

static uint64_t vmm_io(struct cairn_exc *x)
{
    unsigned port = (unsigned)(x->qual[0] >> 16), in = x->qual[0] & 1;
    unsigned size = (x->qual[0] >> 4) & 7; /* SZ8/SZ16/SZ32: 1, 2, 4 */
    const struct vmm_port *dev = 0;
    x->rip = x->qual[1];
    size = size ? size : 1;
    for (unsigned i = 0; i < sizeof(vmm_ports) / sizeof(vmm_ports[0]); i++)
        if (port >= vmm_ports[i].first && port <= vmm_ports[i].last)
            dev = &vmm_ports[i];
    if (in) {
        /* no device: the bus floats high; only the accessed bytes change */
        uint64_t mask = (1ull << (8 * size)) - 1;
        uint64_t v = dev ? dev->ops->read(dev->dev, (uint16_t)port, size) : mask;
        x->rax = (x->rax & ~mask) | (v & mask);
        return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB;
    }
    if (dev)
        dev->ops->write(dev->dev, (uint16_t)port, size, (uint32_t)x->rax);
    else if (port == 0x80)
        vmm.port80++;
    return CAIRN_MTD_RIP;
}

/* Stop this VM with a report: the guest is gone, the VMM stays. */
static void vmm_stop(const struct cairn_exc *x, const char *what, uint64_t addr)
{
    printf("VM stopped: %s at rip %#lx%s", what, x->rip, addr ? "" : "\n");
    if (addr)
        printf(", guest-physical %#lx\n", addr);
    if (vmm.port80)
        printf("the guest wrote port 0x80 %lu times\n", vmm.port80);
    if (vmm.injected)
        printf("%lu interrupts injected\n", vmm.injected);
    vmm.stopped = true;
    cairn_pd_kill(vmm.vm_pd);
}

#define RFLAGS_IF 0x200u

static uint64_t vmm_now_ns(void *ctx) { return cairn_rdtsc() * 1000000 / cairn_tsc_khz(); }

/* Deliver a pending interrupt if the guest can take one now, else ask for
 * an exit when it can. */
static uint64_t vmm_inject(struct cairn_exc *x, uint64_t mtd)
{
    pit8254_update(&vmm.pit);
    if (!pic8259_pending(&vmm.pic))
        return mtd;
    if (!(x->rflags & RFLAGS_IF) || (x->intr_state & 1)) {
        x->ctrl[0] = 1; /* exit at the interrupt window */
        return mtd | CAIRN_MTD_CTRL;
    }
    int vector = pic8259_ack(&vmm.pic);
    x->inj_info = (uint32_t)(vector & 0xff) | 1u << 31; /* external interrupt, valid */
    x->inj_error = 0;
    vmm.injected++;
    return mtd | CAIRN_MTD_INJ;
}

/* HLT: with interrupts on, sleep until the next timer event; with them off
 * the guest has stopped for good. */
static uint64_t vmm_hlt(struct cairn_exc *x)
{
    if (!(x->rflags & RFLAGS_IF)) {
        vmm_stop(x, "HLT", 0);
        return 0;
    }
    x->rip += 1; /* no next-RIP from the hardware: HLT is one byte */
    for (;;) {
        pit8254_update(&vmm.pit);
        if (pic8259_pending(&vmm.pic))
            return CAIRN_MTD_RIP;
        uint64_t next = pit8254_next_event_ns(&vmm.pit);
        if (next == UINT64_MAX) {
            vmm_stop(x, "HLT with no interrupt to come", 0);
            return 0;
        }
        uint64_t now = vmm_now_ns(0);
        if (next > now)
            cairn_sm_down(vmm.sleep_sm, cairn_rdtsc() + (next - now) * cairn_tsc_khz() / 1000000 + 1);
    }
}

static void vmm_exit(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    struct cairn_exc *x = (struct cairn_exc *)u->mr;
    uint64_t mtd = 0, e = x->event;
    if (e == CAIRN_VM_STARTUP)
        mtd = vmm_startup(x);
    else if (e == CAIRN_VM_IO)
        mtd = vmm_io(x);
    else if (e == CAIRN_VM_HLT)
        mtd = vmm_hlt(x);
    else if (e == CAIRN_VM_VINTR || e == CAIRN_VM_RECALL)
        mtd = 0;
    else if (e == CAIRN_VM_NPF)
        vmm_stop(x, "access outside guest RAM", x->qual[1]);
    else
        vmm_stop(x, e < CAIRN_VM_EVT_COUNT && vmm_exit_names[e] ? vmm_exit_names[e] : "exit", 0);
    if (vmm.reset && !vmm.stopped) /* no reboot yet: a reset ends the VM */
        vmm_stop(x, "reset by the guest through the i8042", 0);
    if (vmm.stopped)
        mtd = 0;
    else if (e != CAIRN_VM_STARTUP)
        mtd = vmm_inject(x, mtd);
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

/* Attach a ROM module at addr; returns its size (0 if it failed). */
static uint64_t vmm_rom(const char *name, uint64_t addr)
{
    char args[96];
    uint64_t rom, st;
    snprintf(args, sizeof(args), "name=%s", name);
    if (cairn_session("ROM", args, &rom) != CAIRN_OK)
        return 0;
    cairn_utcb_main->rcv_mem = CAIRN_CRD(CAIRN_CRD_MEM, addr >> 12, 18, 0);
    st = vmm_call(rom, CAIRN_ROM_ATTACH);
    cairn_utcb_main->rcv_mem = 0;
    return st == CAIRN_OK && cairn_utcb_main->untyped > 1 ? cairn_utcb_main->mr[1] : 0;
}

static int vmm_config(char *guest, size_t size, uint64_t *ram)
{
    static struct xml_node nodes[8];
    struct xml_doc doc;
    uint64_t len = vmm_rom("config", CAIRN_ROM_AREA);
    if (!len || !xml_parse(&doc, (const char *)CAIRN_ROM_AREA, len, nodes, 8, XML_TEXT_ERROR)) {
        printf("error: no usable config%s%s\n", len ? ": " : "", len ? doc.err : "");
        return 0;
    }
    const struct xml_node *root = xml_root(&doc);
    if (xml_attr_string(&doc, root, "guest", guest, size, 0) != XML_OK) {
        printf("error: config: <config> needs guest=\"ROM name\"\n");
        return 0;
    }
    if (xml_attr_size(&doc, root, "ram", ram) != XML_OK || *ram < 16 * 1024 || *ram > (256u << 20)) {
        printf("error: config: ram=\"...\" must be a size from 16K to 256M\n");
        return 0;
    }
    return 1;
}

int main(const struct cairn_hip *hip, struct cairn_utcb *u)
{
    static struct cairn_ec handler;
    char guest[64], args[64];
    uint64_t ram, vm, pt = cairn_sel_alloc(0), st, size;
    cairn_log_init("vmm");
    if (!vmm_config(guest, sizeof(guest), &ram))
        return 1;
    snprintf(args, sizeof(args), "ram=%lu", ram);
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
    vmm.ram = (uint8_t *)VMM_RAM_VA;
    vmm.ram_size = ram;
    size = vmm_rom(guest, CAIRN_ROM_AREA + 0x10000000);
    if (!size || size > ram - VMM_LOAD) {
        printf("error: guest '%s' %s\n", guest, size ? "does not fit in its RAM" : "not found");
        cairn_pd_kill(vmm.vm_pd);
        return 1;
    }
    memcpy(vmm.ram + VMM_LOAD, (const void *)(CAIRN_ROM_AREA + 0x10000000), size);
    uart16550_init(&vmm.uart, vmm_tx, 0, (struct vmm_irq){ 0, 0 }, 4);
    pic8259_init(&vmm.pic, (struct vmm_irq){ 0, 0 });
    pit8254_init(&vmm.pit, (struct vmm_clock){ vmm_now_ns, 0 },
                 (struct vmm_irq){ vmm_irq_pic, 0 }, 0);
    i8042_init(&vmm.kbc, (struct vmm_irq){ vmm_irq_pic, 0 }, vmm_reset, 0);
    rtc146818_init(&vmm.rtc, (struct vmm_clock){ vmm_now_ns, 0 }, VMM_RTC_EPOCH);
    rtc146818_set_memory(&vmm.rtc, ram, 0);
    vmm.sleep_sm = cairn_sel_alloc(0);
    if (cairn_create_sm(vmm.sleep_sm, CAIRN_SEL_PD, 0) != CAIRN_OK)
        return 1;
    st = cairn_handler_start(&handler, vmm_exit, 0);
    if (st == CAIRN_OK)
        st = cairn_create_pt(pt, CAIRN_SEL_PD, handler.ec, CAIRN_MTD_VCPU_ALL,
                             (uintptr_t)cairn_portal_entry, 0);
    for (unsigned e = 0; st == CAIRN_OK && e < CAIRN_VM_EVT_COUNT; e++)
        st = cairn_delegate(CAIRN_SEL_PD, vmm.vm_pd, CAIRN_CRD(CAIRN_CRD_OBJ, pt, 0, CAIRN_R_ALL), e, 0);
    if (st == CAIRN_OK) {
        u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, vmm.vcpu, 0, 0);
        st = vmm_call(vm, CAIRN_VM_VCPU);
        u->rcv_obj = 0;
    }
    if (st != CAIRN_OK) {
        printf("error: cannot start the vCPU: %s\n", cairn_status_name(st));
        return 1;
    }
    printf("booting '%s' with %lu KiB of RAM\n", guest, ram >> 10);
    cairn_block_forever();
}
