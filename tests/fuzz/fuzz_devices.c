// SOURCES: components/vmm/hw/uart16550.c components/vmm/hw/pic8259.c components/vmm/hw/pit8254.c components/vmm/hw/i8042.c components/vmm/hw/rtc146818.c components/vmm/hw/pci.c components/vmm/hw/virtio_pci.c components/vmm/hw/virtio_blk.c components/vmm/hw/virtio_console.c
/*
 * libFuzzer target: the port-I/O device models of components/vmm/hw/.
 * tools/fuzz.sh builds and runs it.
 *
 * The input is a sequence of 8-byte operations, each a read or write of
 * any port and size, or an input event (a UART receive byte, a PIC line,
 * a scan code, a clock step, an interrupt acknowledge), on one model. The
 * models' IRQ lines feed the PIC, as on a PC; the first byte also picks
 * the RTC's epoch (some out of its range). Besides the sanitizers, it
 * checks what the models promise: queues stay in bounds, the PIC's INTR
 * callback agrees with pic8259_pending, acknowledged vectors come from
 * the programmed bases, and the PIT's next event is never in the past
 * right after an update.
 *
 * The PCI bus (0xcf8-0xcff) holds a virtio block device (slot 1, BAR0 at
 * 0xc000, IRQ 10) and a virtio console (slot 2, 0xc040, IRQ 11) over a
 * small guest RAM whose bytes the operations write too; besides port
 * accesses to the configuration ports and to the BARs (wherever the
 * guest moved them), an operation can run a driver's init sequence with
 * queues at chosen pages, and feed the console input. Checked: a device
 * only breaks (NEEDS_RESET) with an error reported, the ISR agrees with
 * the INTx pin, guest features stay within the host's, the host bridge
 * keeps its identity; the sanitizers watch guest RAM and the disk.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../components/vmm/hw/i8042.h"
#include "../../components/vmm/hw/pci.h"
#include "../../components/vmm/hw/pic8259.h"
#include "../../components/vmm/hw/pit8254.h"
#include "../../components/vmm/hw/rtc146818.h"
#include "../../components/vmm/hw/uart16550.h"
#include "../../components/vmm/hw/virtio_blk.h"
#include "../../components/vmm/hw/virtio_console.h"
#include "fuzz.h"

static struct uart16550 uart;
static struct pic8259 pic;
static struct pit8254 pit;
static struct i8042 kbd;
static struct rtc146818 rtc;
static uint64_t clock_ns;
static bool intr;

#define NDEV     8
#define RAM_SIZE (8 * 4096)
#define BLK_IO   0xc000
#define CON_IO   0xc040

static struct pci_bus pci;
static struct virtio_blk blk;
static struct virtio_console con;
static uint8_t ram[RAM_SIZE];
static uint8_t disk[8 * 512];
static unsigned errors[2]; /* reported by blk, con */

static uint64_t fake_now(void *ctx)
{
    return clock_ns;
}

static void pic_line(void *ctx, unsigned line, bool level)
{
    pic8259_set_irq(&pic, line, level);
}

static void intr_set(void *ctx, unsigned line, bool level)
{
    FUZZ_CHECK(line == 0);
    intr = level;
}

static void tx(void *ctx, uint8_t c)
{
}

static void reset(void *ctx)
{
}

static void virtio_err(void *ctx, const char *msg)
{
    FUZZ_CHECK(msg && msg[0]);
    errors[ctx == &con]++;
}

static void virtio_setup(struct vmm_irq to_pic)
{
    struct virtio_pci_params p = {
        .mem = { ram, RAM_SIZE },
        .irq = to_pic,
        .error = virtio_err,
    };
    memset(ram, 0, sizeof(ram));
    memset(errors, 0, sizeof(errors));
    pci_bus_init(&pci);
    p.io_base = BLK_IO;
    p.irq_line = 10;
    p.error_ctx = &blk;
    virtio_blk_init(&blk, &p, disk, sizeof(disk), false, "fuzz");
    p.io_base = CON_IO;
    p.irq_line = 11;
    p.error_ctx = &con;
    virtio_console_init(&con, &p, tx, NULL);
    pci_bus_add(&pci, 1, &blk.vp.pci);
    pci_bus_add(&pci, 2, &con.vp.pci);
}

/* A driver's init sequence on one device: features from val's bits 31:24
 * and 11:0, queue q at page (val >> (12 + 4q)) & 15 (half outside RAM),
 * DRIVER_OK unless bit 20. */
static void virtio_driver_init(struct virtio_pci *v, uint32_t val)
{
    v->pci.cfg[PCI_COMMAND] |= PCI_COMMAND_IO;
    uint16_t io = pci_dev_io_base(&v->pci, 0);
    pci_bar_write(&pci, io + VIRTIO_PCI_STATUS, 1, 0);
    pci_bar_write(&pci, io + VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    pci_bar_write(&pci, io + VIRTIO_PCI_GUEST_FEATURES, 4, val & 0xff000fff);
    for (unsigned q = 0; q < 2; q++) {
        pci_bar_write(&pci, io + VIRTIO_PCI_QUEUE_SEL, 2, q);
        pci_bar_write(&pci, io + VIRTIO_PCI_QUEUE_PFN, 4, (val >> (12 + 4 * q)) & 0xf);
    }
    pci_bar_write(&pci, io + VIRTIO_PCI_STATUS, 1, (val & 0x100000) ? 3 : 7);
}

/* A driver posts a chain on queue val & 1 of v and notifies: a block
 * request header (type and sector from val), then buffers of 512 or 1024
 * bytes (device-writable unless the type is a write), then a status
 * byte; 1 to 4 descriptors from a slot of val, in the ring or (bit 23)
 * in an indirect table, buffers at a page of val. Bit 24 makes the last
 * descriptor go on to next index val >> 25 (a loop, or out of range). */
static void virtio_post(struct virtio_pci *v, uint32_t val)
{
    unsigned q = val & 1, n = 1 + ((val >> 1) & 3), first = (val >> 3) & (VIRTIO_QUEUE_SIZE - 1);
    if (q >= v->nqueues || !v->q[q].pfn)
        return;
    const struct virtio_queue *vq = &v->q[q];
    uint64_t buf = 0x100 + ((val >> 10) & 0xf) * 0x400;
    uint64_t table = vq->desc, ind = buf + 0x300;
    if (val & (1u << 23)) { /* the head: an indirect table of the chain */
        uint64_t addr = ind;
        uint32_t len = 16 * n;
        uint16_t flags = VRING_DESC_F_INDIRECT;
        uint8_t *d = ram + vq->desc + 16 * first;
        memcpy(d, &addr, 8);
        memcpy(d + 8, &len, 4);
        memcpy(d + 12, &flags, 2);
        table = ind;
    }
    uint32_t hdr[4] = { (val >> 14) & 0xf, 0, (val >> 18) & 0xf, 0 };
    memcpy(ram + buf, hdr, sizeof(hdr));
    for (unsigned i = 0; i < n; i++) {
        uint64_t addr = i ? buf + 16 + (i - 1) * 1024 : buf;
        uint32_t len = i == 0 ? 16 : i == n - 1 ? 1 : 512u << ((val >> 22) & 1);
        uint16_t flags = (uint16_t)((i + 1 < n ? VRING_DESC_F_NEXT : 0) |
                                    (i && (hdr[0] != VIRTIO_BLK_T_OUT || i == n - 1) ? VRING_DESC_F_WRITE : 0));
        unsigned at = table == ind ? i : (first + i) % VIRTIO_QUEUE_SIZE;
        uint16_t next = (uint16_t)(table == ind ? i + 1 : (first + i + 1) % VIRTIO_QUEUE_SIZE);
        if (i == n - 1 && (val & (1u << 24))) {
            flags |= VRING_DESC_F_NEXT;
            next = (uint16_t)(val >> 25);
        }
        uint8_t *d = ram + table + 16 * at;
        memcpy(d, &addr, 8);
        memcpy(d + 8, &len, 4);
        memcpy(d + 12, &flags, 2);
        memcpy(d + 14, &next, 2);
    }
    uint16_t idx, head = (uint16_t)first;
    memcpy(&idx, ram + vq->avail + 2, 2);
    memcpy(ram + vq->avail + 4 + 2 * (idx % VIRTIO_QUEUE_SIZE), &head, 2);
    idx++;
    memcpy(ram + vq->avail + 2, &idx, 2);
    pci_bar_write(&pci, (uint16_t)(pci_dev_io_base(&v->pci, 0) + VIRTIO_PCI_QUEUE_NOTIFY), 2, q);
}

static void virtio_check(struct virtio_pci *v, unsigned errs)
{
    if (v->status & VIRTIO_STATUS_NEEDS_RESET)
        FUZZ_CHECK(errs > 0);
    FUZZ_CHECK((v->isr != 0) == v->pci.intx);
    FUZZ_CHECK(v->pci.irq_level == (v->pci.intx && !(v->pci.cfg[PCI_COMMAND + 1] & 0x04)));
    FUZZ_CHECK((v->guest_features & ~v->host_features) == 0);
    FUZZ_CHECK(v->pci.cfg[PCI_BAR0] & 1);
    FUZZ_CHECK(v->pci.cfg[PCI_BAR0 + 2] == 0 && v->pci.cfg[PCI_BAR0 + 3] == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmm_irq to_pic = { pic_line, NULL };
    clock_ns = 0;
    intr = false;
    pic8259_init(&pic, (struct vmm_irq){ intr_set, NULL });
    uart16550_init(&uart, tx, NULL, to_pic, 4);
    pit8254_init(&pit, (struct vmm_clock){ fake_now, NULL }, to_pic, 0);
    i8042_init(&kbd, to_pic, reset, NULL);
    rtc146818_init(&rtc, (struct vmm_clock){ fake_now, NULL }, (int64_t)(size ? data[0] % 5 : 0) << 59);
    virtio_setup(to_pic);

    for (; size >= 8; data += 8, size -= 8) {
        uint8_t dev = data[0] % NDEV, op = data[0] / NDEV;
        uint16_t port = (uint16_t)(data[1] | data[2] << 8);
        unsigned sz = data[3];
        uint32_t val;
        memcpy(&val, data + 4, 4);
        /* Half the operations take a random port, half one of the device's. */
        if ((op & 1) && dev == 6) {
            port = (uint16_t)(BLK_IO + (data[2] & 0x7f)); /* the BARs */
        } else if ((op & 1) && dev < 6) {
            static const uint16_t own[6][8] = {
                { 0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff },
                { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x20, 0xa0 },
                { 0x40, 0x41, 0x42, 0x43, 0x61, 0x43, 0x40, 0x42 },
                { 0x70, 0x71, 0x70, 0x71, 0x70, 0x71, 0x72, 0x6f },
                { 0x60, 0x64, 0x60, 0x64, 0x60, 0x64, 0x61, 0x65 },
                { 0xcf8, 0xcfc, 0xcfd, 0xcfe, 0xcff, 0xcfc, 0xcf8, 0xcfc },
            };
            port = own[dev][data[1] & 7];
            if (port == PCI_ADDR_PORT) { /* aim CONFIG_ADDRESS at slots 0-3 */
                val = 0x80000000u | (val & 0x18fc);
                sz = 4;
            }
        }
        switch ((op >> 1) & 7) {
        case 0:
        case 1:
            switch (dev) {
            case 0:
                uart16550_write(&uart, port, sz, val);
                break;
            case 1:
                pic8259_write(&pic, port, sz, val);
                break;
            case 2:
                pit8254_write(&pit, port, sz, val);
                break;
            case 3:
                rtc146818_write(&rtc, port, sz, val);
                break;
            case 4:
                i8042_write(&kbd, port, sz, val);
                break;
            case 5:
                pci_io_ops.write(&pci, port, sz, val);
                break;
            case 6:
                pci_bar_io_ops.write(&pci, port, sz, val);
                break;
            default: /* guest RAM */
                memcpy(ram + port % (RAM_SIZE - 3), &val, 4);
            }
            break;
        case 2:
        case 3:
            switch (dev) {
            case 0:
                uart16550_read(&uart, port, sz);
                break;
            case 1:
                pic8259_read(&pic, port, sz);
                break;
            case 2:
                pit8254_read(&pit, port, sz);
                break;
            case 3:
                rtc146818_read(&rtc, port, sz);
                break;
            case 4:
                i8042_read(&kbd, port, sz);
                break;
            case 5:
                pci_io_ops.read(&pci, port, sz);
                break;
            case 6:
                pci_bar_io_ops.read(&pci, port, sz);
                break;
            default: /* a driver sets a device up */
                virtio_driver_init((port & 1) ? &con.vp : &blk.vp, val);
            }
            break;
        case 4: /* input events */
            if (dev == 0)
                uart16550_receive(&uart, (uint8_t)val);
            else if (dev == 1)
                pic8259_set_irq(&pic, val & 0xff, (val >> 8) & 1);
            else if (dev == 5)
                virtio_console_input(&con, data + 1, val & 7);
            else if (dev >= 6)
                virtio_post(dev == 6 ? &blk.vp : &con.vp, val);
            else
                i8042_kbd_input(&kbd, (uint8_t)val);
            break;
        case 5: { /* time passes */
            uint64_t step = (val & 0x80000000u) ? (uint64_t)val << 16 : val;
            clock_ns += step;
            pit8254_update(&pit);
            uint64_t next = pit8254_next_event_ns(&pit);
            FUZZ_CHECK(next > clock_ns);
            break;
        }
        case 6: { /* the CPU acknowledges */
            int v = pic8259_ack(&pic);
            FUZZ_CHECK(v >= 0 && v < 256);
            FUZZ_CHECK((v & ~7) == pic.chip[0].base || (v & ~7) == pic.chip[1].base);
            break;
        }
        default: /* jump to the next event */
            clock_ns = pit8254_next_event_ns(&pit) == UINT64_MAX ? clock_ns : pit8254_next_event_ns(&pit);
            pit8254_update(&pit);
            break;
        }
        FUZZ_CHECK(intr == pic8259_pending(&pic));
        FUZZ_CHECK(uart.rx_count <= UART16550_FIFO && uart.rx_head < UART16550_FIFO);
        FUZZ_CHECK(kbd.count <= I8042_QUEUE && kbd.head < I8042_QUEUE);
        for (unsigned i = 0; i < 3; i++)
            FUZZ_CHECK(pit.ch[i].count >= 1 && pit.ch[i].count <= 0x10000);
        virtio_check(&blk.vp, errors[0]);
        virtio_check(&con.vp, errors[1]);
        FUZZ_CHECK(pci.host.cfg[0] == 0x36 && pci.host.cfg[1] == 0x1b && pci.host.cfg[0x0b] == 0x06);
    }
    return 0;
}
