/*
 * The guest's PC (devices): each device model set up by an attach
 * function of its own, which wires its interrupt line and clock and
 * registers its ports and MMIO windows in the device map (iomap.c).
 * vmm_devices runs the parts list below in order; adding a chip is an
 * attach function and a line in it. Port I/O nobody claims goes to the
 * PCI devices' I/O BARs.
 *
 *   COM1 16550 UART   0x3f8-0x3ff      IRQ 4, the guest's console
 *   8259 PIC pair     0x20, 0xa0       ELCR at 0x4d0
 *   8254 PIT          0x40-0x43, 0x61  IRQ 0
 *   i8042             0x60, 0x64       IRQ 1 and 12; its reset ends the VM
 *   MC146818 RTC      0x70-0x71        no interrupts; CMOS: the RAM size
 *   PCI host bridge   0xcf8-0xcff      virtio-blk in slot 1 (IRQ 10),
 *                                      virtio-console in slot 2 (IRQ 11)
 *   local APIC        0xfee00000       with apic: found through the MP
 *   IO-APIC           0xfec00000       table at 0xf0000
 */
#include "vmm.h"
#include <string.h>
#include <cairn/fmt.h>
#include <cairn/runtime.h>
#include "iomap.h"
#include "hw/mptable.h"

#define VMM_RTC_EPOCH 946684800              /* no wall clock here: the RTC starts at 2000-01-01 */

static void vmm_virtio_error(void *ctx, const char *msg)
{
    printf("%s: the guest's driver broke the device: %s (device stopped until reset)\n",
           (const char *)ctx, msg);
}

static void vmm_reset(void *ctx) { vmm.reset = true; }

/* Give a device ports first..last; a refusal (two devices claiming a
 * port, a full map) is the VMM's own bug, said as such. */
static cairn_status_t vmm_attach_io(uint16_t first, uint16_t last, const struct vmm_io_ops *ops,
                                    void *dev)
{
    cairn_status_t st = vmm_io_register(first, last, ops, dev);
    if (st != CAIRN_OK)
        printf("error: ports %#x-%#x: %s\n", first, last, cairn_status_name(st));
    return st;
}

static cairn_status_t vmm_attach_mmio(uint64_t base, uint64_t size,
                                      const struct vmm_mmio_ops *ops, void *dev)
{
    cairn_status_t st = vmm_mmio_register(base, size, ops, dev);
    if (st != CAIRN_OK)
        printf("error: device window at %#lx: %s\n", (unsigned long)base, cairn_status_name(st));
    return st;
}

static cairn_status_t vmm_uart_attach(const struct vmm_config *c)
{
    vmm.uart_line.prefix = "guest";
    uart16550_init(&vmm.uart, vmm_tx, &vmm.uart_line, (struct vmm_irq){ vmm_irq_pic, 0 }, 4);
    return vmm_attach_io(0x3f8, 0x3ff, &uart16550_io_ops, &vmm.uart);
}

static cairn_status_t vmm_pic_attach(const struct vmm_config *c)
{
    pic8259_init(&vmm.pic, (struct vmm_irq){ 0, 0 });
    cairn_status_t st = vmm_attach_io(0x20, 0x21, &pic8259_io_ops, &vmm.pic);
    if (st == CAIRN_OK)
        st = vmm_attach_io(0xa0, 0xa1, &pic8259_io_ops, &vmm.pic);
    if (st == CAIRN_OK)
        st = vmm_attach_io(0x4d0, 0x4d1, &pic8259_io_ops, &vmm.pic);
    return st;
}

static cairn_status_t vmm_pit_attach(const struct vmm_config *c)
{
    pit8254_init(&vmm.pit, (struct vmm_clock){ vmm_now_ns, 0 },
                 (struct vmm_irq){ vmm_irq_pic, 0 }, 0);
    cairn_status_t st = vmm_attach_io(0x40, 0x43, &pit8254_io_ops, &vmm.pit);
    return st == CAIRN_OK ? vmm_attach_io(0x61, 0x61, &pit8254_io_ops, &vmm.pit) : st;
}

static cairn_status_t vmm_kbc_attach(const struct vmm_config *c)
{
    i8042_init(&vmm.kbc, (struct vmm_irq){ vmm_irq_pic, 0 }, vmm_reset, 0);
    cairn_status_t st = vmm_attach_io(0x60, 0x60, &i8042_io_ops, &vmm.kbc);
    return st == CAIRN_OK ? vmm_attach_io(0x64, 0x64, &i8042_io_ops, &vmm.kbc) : st;
}

/* The RTC, whose CMOS memory fields hold the guest RAM's size. */
static cairn_status_t vmm_rtc_attach(const struct vmm_config *c)
{
    rtc146818_init(&vmm.rtc, (struct vmm_clock){ vmm_now_ns, 0 }, VMM_RTC_EPOCH);
    rtc146818_set_memory(&vmm.rtc, c->ram, 0);
    return vmm_attach_io(0x70, 0x71, &rtc146818_io_ops, &vmm.rtc);
}

/* The PCI bus: virtio-block (if the config names a disk) in slot 1 on
 * IRQ 10, virtio-console in slot 2 on IRQ 11, both level-triggered; the
 * bus decodes the ports no other device claims (its devices' I/O BARs).
 * CAIRN_ENOTFOUND (and a message) if the disk's ROM is missing. */
static cairn_status_t vmm_pci_attach(const struct vmm_config *c)
{
    struct virtio_pci_params p = { .mem = vmm.mem, .irq = { vmm_irq_pic, 0 }, .error = vmm_virtio_error };
    pci_bus_init(&vmm.pci);
    pic8259_write(&vmm.pic, 0x4d1, 1, 0x0c); /* ELCR: IRQ 10 and 11 level, as firmware sets it */
    cairn_status_t st = vmm_attach_io(0xcf8, 0xcff, &pci_io_ops, &vmm.pci);
    if (st != CAIRN_OK)
        return st;
    vmm_io_fallback(&pci_bar_io_ops, &vmm.pci);
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
    vmm.hvc_line.prefix = "hvc";
    p.io_base = 0xc040, p.irq_line = 11, p.error_ctx = (void *)"virtio-console";
    virtio_console_init(&vmm.hvc, &p, vmm_tx, &vmm.hvc_line);
    pci_bus_add(&vmm.pci, 2, &vmm.hvc.vp.pci);
    return CAIRN_OK;
}

/* The local APIC and IO-APIC, found by the guest through an MP table in
 * the BIOS area: on by default for Linux, apic="yes|no" decides (after
 * loading: the guest's kind is known). CAIRN_ERANGE (and a message) if
 * guest RAM cannot hold the MP table. */
static cairn_status_t vmm_apic_attach(const struct vmm_config *c)
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
    cairn_status_t st = vmm_attach_mmio(LAPIC_BASE, 0x1000, &lapic_mmio_ops, &vmm.lapic);
    return st == CAIRN_OK ? vmm_attach_mmio(IOAPIC_BASE, 0x1000, &ioapic_mmio_ops, &vmm.ioapic) : st;
}

/* The parts list, in the order the devices are set up. */
static cairn_status_t (*const vmm_parts[])(const struct vmm_config *) = {
    vmm_uart_attach, vmm_pic_attach, vmm_pit_attach, vmm_kbc_attach,
    vmm_rtc_attach,  vmm_pci_attach, vmm_apic_attach,
};

cairn_status_t vmm_devices(const struct vmm_config *c)
{
    for (unsigned i = 0; i < sizeof(vmm_parts) / sizeof(vmm_parts[0]); i++) {
        cairn_status_t st = vmm_parts[i](c);
        if (st != CAIRN_OK)
            return st;
    }
    return CAIRN_OK;
}
