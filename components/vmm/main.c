// SOURCES: components/vmm/hw/uart16550.c components/vmm/hw/pic8259.c components/vmm/hw/pit8254.c components/vmm/hw/i8042.c components/vmm/hw/rtc146818.c components/vmm/hw/pci.c components/vmm/hw/virtio_pci.c components/vmm/hw/virtio_blk.c components/vmm/hw/virtio_console.c components/vmm/hw/lapic.c components/vmm/hw/ioapic.c components/vmm/hw/mptable.c components/vmm/hw/pvclock.c lib/xml.c
/*
 * vmm: the virtual machine monitor, one instance per VM. Its <config>
 * names the guest (a ROM module: a Linux bzImage, a multiboot kernel or
 * a flat real-mode image), its initrd and command line, and the guest
 * RAM (config.c); core's VM session gives the VM, its RAM and a vCPU.
 * Exits come to one handler, vmm_exit, which dispatches them by event:
 * port I/O goes to the device models of hw/ (16550 UART as the guest's
 * console, printed tagged with the VM's name, 8259 PIC pair, 8254 PIT,
 * RTC, i8042, a PCI bus with virtio-block backed by a ROM module and
 * virtio-console), each registered with its ports by devices.c; CPUID
 * and MSRs are emulated (msr.c), and a report (stats.c) stops this VM
 * (and nothing else) on HLT with interrupts off, an access outside its
 * RAM, a triple fault, a reset, or a refused state; the VMM then exits (0
 * after a reset, else 1), so that init can restart it. A timer thread
 * (time.c) recalls the vCPU when a device's next event is due, so timer
 * interrupts reach a guest that never exits on its own. vmm.h lists
 * which file holds what.
 */
#include "vmm.h"
#include <string.h>
#include "pv.h"
#include <cairn/cpu.h>
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>

struct vmm vmm;

/* An exit the VMM has no business with: the VM stops, naming it. */
uint64_t vmm_unexpected(struct cairn_exc *x)
{
    uint64_t e = x->event;
    vmm_stop(x, vmm_exit_name(e) ? vmm_exit_name(e) : "exit", 0);
    return 0;
}

/* The interrupt window opened, or the timer thread recalled the vCPU:
 * nothing but the injection every exit gets. */
static uint64_t vmm_nothing(struct cairn_exc *x) { return 0; }

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
    vmm_pv_eoi_from_guest(); /* before the handler looks at the APIC */
    if (e < CAIRN_VM_EVT_COUNT && vmm_handlers[e])
        mtd = vmm_handlers[e](x);
    else
        mtd = vmm_unexpected(x);
    if (vmm.reset && !vmm.stopped) /* no reboot yet: a reset ends the VM */
        vmm_stop(x, "reset by the guest through the i8042", 0);
    if (vmm.stopped)
        mtd = 0;
    else if (e != CAIRN_VM_STARTUP)
        mtd = vmm_inject(x, mtd), vmm_pv_eoi_to_guest();
    if (vmm.stopped) /* the VM is gone: so is its VMM (init may start it again) */
        cairn_exit(vmm.reset ? 0 : 1);
    vmm.last = vmm_cr_state(x), vmm.last_rip = x->rip; /* as it resumes (vmm_invalid) */
    vmm_publish_next(e == CAIRN_VM_RECALL && vmm.injected == injected);
    u->untyped = u->typed = 0;
    cairn_reply(mtd);
}

/* ---- setup ------------------------------------------------------------ */

/* The VM from core's VM session, with all of its guest RAM, in *vm: the
 * VM PD in vmm.vm_pd, the RAM at VMM_RAM_VA. Else a message. */
static cairn_status_t vmm_vm(const struct vmm_config *cfg, struct cairn_utcb *u, uint64_t *vm)
{
    char args[64];
    snprintf(args, sizeof(args), "ram=%lu", cfg->ram);
    vmm.vm_pd = cairn_sel_alloc(0);
    vmm.vcpu = cairn_sel_alloc(0);
    cairn_status_t st = cairn_session("VM", args, vm);
    if (st == CAIRN_OK) {
        u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, vmm.vm_pd, 0, 0);
        u->rcv_mem = CAIRN_CRD(CAIRN_CRD_MEM, VMM_RAM_VA >> 12, 20, 0);
        st = vmm_call(*vm, CAIRN_VM_CREATE);
        u->rcv_obj = u->rcv_mem = 0;
    }
    if (st != CAIRN_OK) {
        printf("error: no VM: %s\n", cairn_status_name(st));
        return st;
    }
    /* The guest RAM came as memory items after the VM PD: the kernel says
     * what each delegated (0: nothing). All of it must be here. */
    uint64_t pages = 0;
    for (unsigned i = 1; i < u->typed; i++) {
        uint64_t crd = cairn_msg_item_crd(u, i);
        if (CAIRN_CRD_TYPE(crd) == CAIRN_CRD_MEM)
            pages += 1ull << CAIRN_CRD_ORDER(crd);
    }
    if (pages * 4096 < cfg->ram) {
        printf("error: no VM: %lu KiB of its %lu KiB of guest RAM arrived (%u items)\n",
               (unsigned long)(pages * 4), (unsigned long)(cfg->ram >> 10), (unsigned)u->typed);
        return CAIRN_EQUOTA;
    }
    vmm.mem = (struct vmm_mem){ (uint8_t *)VMM_RAM_VA, cfg->ram };
    return CAIRN_OK;
}

static const char *vmm_kind(void)
{
    return vmm.flat ? "flat real-mode guest" : vmm.entry.long_mode ? "Linux" : "multiboot kernel";
}

/* Run the guest: the exit handler behind a portal for each event, the
 * vCPU, the timer thread. */
static cairn_status_t vmm_run(const struct vmm_config *cfg, struct cairn_utcb *u, uint64_t vm)
{
    static struct cairn_ec handler, timer;
    uint64_t pt = cairn_sel_alloc(0);
    vmm.sleep_sm = cairn_sel_alloc(0);
    vmm.timer_sm = cairn_sel_alloc(0);
    cairn_status_t st = cairn_create_sm(vmm.sleep_sm, CAIRN_SEL_PD, 0);
    if (st != CAIRN_OK || (st = cairn_create_sm(vmm.timer_sm, CAIRN_SEL_PD, 0)) != CAIRN_OK)
        return st;
    st = cairn_handler_start(&handler, vmm_exit, 0);
    if (st == CAIRN_OK)
        st = cairn_create_pt(pt, CAIRN_SEL_PD, handler.ec, CAIRN_MTD_VCPU_ALL,
                             (uintptr_t)cairn_portal_entry, 0);
    for (unsigned e = 0; st == CAIRN_OK && e < CAIRN_VM_EVT_COUNT; e++)
        st = cairn_delegate(CAIRN_SEL_PD, vmm.vm_pd, CAIRN_CRD(CAIRN_CRD_OBJ, pt, 0, CAIRN_R_ALL), e, 0);
    if (st == CAIRN_OK) {
        /* said before the vCPU exists: on another CPU it may run at once */
        printf("booting %s '%s' with %lu KiB of RAM%s\n", vmm_kind(), cfg->kernel, cfg->ram >> 10,
               vmm.apic ? ", local APIC and IO-APIC" : "");
        u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, vmm.vcpu, 0, 0);
        st = vmm_call(vm, CAIRN_VM_VCPU);
        u->rcv_obj = 0;
        if (st == CAIRN_OK && u->untyped >= 3)
            printf("vCPU on CPU %lu at priority %lu\n", (unsigned long)u->mr[1], (unsigned long)u->mr[2]);
    }
    if (st == CAIRN_OK)
        st = cairn_thread_start(&timer, vmm_timer, 0, 0);
    if (st != CAIRN_OK)
        printf("error: cannot start the vCPU: %s\n", cairn_status_name(st));
    return st;
}

int main(const struct cairn_hip *hip, struct cairn_utcb *u)
{
    static struct vmm_config cfg;
    uint64_t vm;
    const char *why;
    cairn_log_init("vmm");
    if (vmm_config(&cfg) != CAIRN_OK || vmm_vm(&cfg, u, &vm) != CAIRN_OK)
        return 1;
    if (vmm_load(&cfg, &why) != CAIRN_OK) {
        printf("error: %s\n", why);
        cairn_pd_kill(vmm.vm_pd);
        return 1;
    }
    if (vmm_devices(&cfg) != CAIRN_OK)
        return 1;
    vmm_cr_init();
    vmm.input = !strcmp(cfg.input, "yes");
    vmm.next_ns = UINT64_MAX;
    if (vmm_run(&cfg, u, vm) != CAIRN_OK)
        return 1;
    cairn_block_forever();
}
