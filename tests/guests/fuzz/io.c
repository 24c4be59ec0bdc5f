/* The fuzzing guest's port I/O: single and string forms on the devices'
 * ports and anywhere, and the virtio devices found on the PCI bus. */
#include "fuzz.h"

static const uint16_t fuzz_dev_ports[] = {
    0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x60, 0x64, 0x70, 0x71,
    0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0xcf8, 0xcfc, 0xcfd, 0xcfe, 0xcff,
    0xc000, 0xc010, 0xc040, 0xc050, 0x80, 0x92, 0xf4, 0x2f8, 0x3f6, 0x1f0,
};
#define FUZZ_DEV_PORTS (sizeof(fuzz_dev_ports) / sizeof(fuzz_dev_ports[0]))

static uint16_t fuzz_pick_port(void)
{
    switch (fuzz_below(4)) {
    case 0: case 1: return fuzz_dev_ports[fuzz_below(FUZZ_DEV_PORTS)];
    case 2: return (uint16_t)(fuzz_dev_ports[fuzz_below(FUZZ_DEV_PORTS)] + fuzz_below(32) - 16);
    default: return (uint16_t)fuzz_rand();
    }
}

/* Keep the guest alive and its log readable: no i8042 reset command
 * (0xf0-0xff even pulse the reset line, 0xd1 writes the output port) and
 * no byte into the UART's transmitter (its divisor latch takes it). */
static void fuzz_port_tame(uint16_t port, unsigned len, bool out, uint8_t *bytes, unsigned n)
{
    if (!out)
        return;
    if (port <= 0x64 && port + len > 0x64)
        for (unsigned i = 0; i < n; i++)
            if (bytes[i] >= 0xf0 || bytes[i] == 0xd1)
                bytes[i] = 0x20;
    if (port <= 0x3f8 && port + len > 0x3f8)
        fuzz_outb(0x3fb, 0x83); /* LCR: DLAB */
}

void fuzz_port(void)
{
    uint16_t port = fuzz_pick_port();
    unsigned size = 1u << fuzz_below(3);
    bool out = fuzz_below(2);
    uint32_t v = fuzz_value();
    if (fuzz_trace)
        fuzz_printf("%s%u port %x value %x", out ? "out" : "in", size * 8, port, v);
    fuzz_port_tame(port, size, out, (uint8_t *)&v, 4);
    if (out && size == 1)
        __asm__ volatile("outb %%al, %%dx" :: "a"(v), "d"(port));
    else if (out && size == 2)
        __asm__ volatile("outw %%ax, %%dx" :: "a"(v), "d"(port));
    else if (out)
        __asm__ volatile("outl %%eax, %%dx" :: "a"(v), "d"(port));
    else if (size == 1)
        __asm__ volatile("inb %%dx, %%al" : "+a"(v) : "d"(port));
    else if (size == 2)
        __asm__ volatile("inw %%dx, %%ax" : "+a"(v) : "d"(port));
    else
        __asm__ volatile("inl %%dx, %%eax" : "+a"(v) : "d"(port));
}

/* ---- string I/O ------------------------------------------------------------------ */

/* One string instruction (`insn`, e.g. "rep insb"), the direction flag
 * set if `down`; ECX, ESI, EDI come back as the instruction left them. */
#define FUZZ_STR(insn)                                                                 \
    __asm__ volatile("test %3, %3\n\tjz 2f\n\tstd\n2:\t" insn "\n\tcld"               \
                     : "+c"(r.ecx), "+S"(r.esi), "+D"(r.edi)                          \
                     : "r"((uint32_t)down), "a"(r.eax), "d"(r.port) : "memory", "cc")

struct fuzz_str_regs { uint32_t ecx, esi, edi, eax, port; };

void fuzz_string(void)
{
    unsigned size = 1u << fuzz_below(3), count = fuzz_below(8) ? 1 + fuzz_below(64) : 0;
    bool out = fuzz_below(2), rep = fuzz_below(4), down = fuzz_below(4) == 0;
    uint32_t mid = FUZZ_BUF + 0x8000, eax = fuzz_value();
    struct fuzz_str_regs r = { count, mid, mid, eax, fuzz_pick_port() };
    uint8_t *buf = (uint8_t *)(uintptr_t)(mid - 256);
    for (unsigned i = 0; i < 512; i++)
        buf[i] = (uint8_t)fuzz_rand();
    if (fuzz_trace)
        fuzz_printf("%s%s%u port %x count %u%s", rep ? "rep " : "", out ? "outs" : "ins", size * 8,
                    r.port, count, down ? " down" : "");
    fuzz_port_tame((uint16_t)r.port, size, out, buf, 512);
    fuzz_port_tame((uint16_t)r.port, size, out, (uint8_t *)&r.eax, 4);
    unsigned kind = (out ? 6 : 0) + (rep ? 3 : 0) + (size == 1 ? 0 : size == 2 ? 1 : 2);
    switch (kind) {
    case 0: FUZZ_STR("insb"); break;
    case 1: FUZZ_STR("insw"); break;
    case 2: FUZZ_STR("insl"); break;
    case 3: FUZZ_STR("rep insb"); break;
    case 4: FUZZ_STR("rep insw"); break;
    case 5: FUZZ_STR("rep insl"); break;
    case 6: FUZZ_STR("outsb"); break;
    case 7: FUZZ_STR("outsw"); break;
    case 8: FUZZ_STR("outsl"); break;
    case 9: FUZZ_STR("rep outsb"); break;
    case 10: FUZZ_STR("rep outsw"); break;
    default: FUZZ_STR("rep outsl"); break;
    }
    /* what the CPU does: REP runs ECX times, each moves ESI or EDI by size */
    uint32_t n = rep ? count : 1, moved = n * size;
    uint32_t want_ecx = rep ? 0 : count, want = down ? mid - moved : mid + moved;
    if (r.ecx != want_ecx || (out ? r.esi != want || r.edi != mid : r.edi != want || r.esi != mid)) {
        fuzz_stats.str_bad++;
        if (fuzz_trace)
            fuzz_printf(" -> wrong: ecx %u esi %x edi %x", r.ecx, r.esi, r.edi);
    }
}

/* ---- virtio ------------------------------------------------------------------- */

#define VIRTIO_VENDOR 0x1af4
#define VIO_GUEST_FEATURES 0x04
#define VIO_QUEUE_PFN      0x08
#define VIO_QUEUE_SIZE     0x0c
#define VIO_QUEUE_SEL      0x0e
#define VIO_QUEUE_NOTIFY   0x10
#define VIO_STATUS         0x12
#define VIO_ISR            0x13

struct fuzz_vdev { uint8_t slot; uint16_t bar; };
static struct fuzz_vdev fuzz_vdevs[4];
static unsigned fuzz_nvdevs;

static uint32_t fuzz_pci_read(unsigned slot, unsigned reg)
{
    fuzz_outl(0xcf8, 0x80000000u | slot << 11 | reg);
    return fuzz_inl(0xcfc);
}

static void fuzz_pci_write(unsigned slot, unsigned reg, uint32_t v)
{
    fuzz_outl(0xcf8, 0x80000000u | slot << 11 | reg);
    fuzz_outl(0xcfc, v);
}

/* Find the virtio devices (their I/O BAR, decoding on) and fill the
 * memory their descriptors point at with bytes a console does not print. */
void fuzz_virtio_init(void)
{
    uint8_t *dma = (uint8_t *)FUZZ_DMA;
    for (uint32_t i = 0; i < FUZZ_DMA_SIZE; i++)
        dma[i] = (uint8_t)(0x80 | fuzz_rand());
    fuzz_memset((void *)FUZZ_VQ, 0, FUZZ_DMA - FUZZ_VQ);
    for (unsigned slot = 0; slot < 32 && fuzz_nvdevs < 4; slot++) {
        uint32_t id = fuzz_pci_read(slot, 0), bar = fuzz_pci_read(slot, 0x10);
        if ((id & 0xffff) != VIRTIO_VENDOR || !(bar & 1))
            continue;
        fuzz_pci_write(slot, 4, fuzz_pci_read(slot, 4) | 1);
        fuzz_vdevs[fuzz_nvdevs++] = (struct fuzz_vdev){ (uint8_t)slot, (uint16_t)(bar & ~3u) };
    }
    fuzz_stats.virtio_devs = fuzz_nvdevs;
}

/* A guest-physical address for a descriptor or a queue: mostly the DMA
 * or queue area, else outside RAM or across its end; never this guest's
 * code, stack or tables. */
static uint64_t fuzz_dma_addr(void)
{
    switch (fuzz_below(8)) {
    case 0: return fuzz_ram + fuzz_below(0x100000);
    case 1: return fuzz_ram - fuzz_below(64);
    case 2: return (uint64_t)fuzz_rand() | 1ull << 63;
    case 3: return FUZZ_VQ + fuzz_below(FUZZ_DMA - FUZZ_VQ);
    default: return FUZZ_DMA + fuzz_below(FUZZ_DMA_SIZE);
    }
}

struct fuzz_vdesc { uint64_t addr; uint32_t len; uint16_t flags, next; };

/* Queue q of device d at a fresh ring of random descriptors, some
 * requests in its available ring, and a notify. */
static void fuzz_virtio_queue(const struct fuzz_vdev *d, unsigned q)
{
    fuzz_outb((uint16_t)(d->bar + VIO_STATUS), 0x07); /* ACK DRIVER DRIVER_OK */
    __asm__ volatile("outw %%ax, %%dx" :: "a"(q), "d"(d->bar + VIO_QUEUE_SEL));
    uint16_t size;
    __asm__ volatile("inw %%dx, %%ax" : "=a"(size) : "d"(d->bar + VIO_QUEUE_SIZE));
    uint32_t area = FUZZ_VQ + ((d - fuzz_vdevs) * 2 + (q & 1)) * 0x10000;
    if (size == 0 || size > 1024 || (size & (size - 1)))
        return;
    uint32_t pfn = area >> 12;
    switch (fuzz_below(10)) {
    case 0: pfn = 0; break;
    case 1: pfn = (uint32_t)(fuzz_dma_addr() >> 12); break;
    case 2: pfn = fuzz_value(); break;
    }
    struct fuzz_vdesc *desc = (struct fuzz_vdesc *)area;
    uint16_t *avail = (uint16_t *)(area + 16u * size);
    unsigned n = 1 + fuzz_below(8);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = fuzz_below(size);
        desc[k] = (struct fuzz_vdesc){ fuzz_dma_addr(), fuzz_below(4) ? fuzz_below(4096) : fuzz_value(),
                                       (uint16_t)fuzz_below(8),
                                       (uint16_t)(fuzz_below(4) ? fuzz_below(size) : fuzz_rand()) };
        if (desc[k].addr >= FUZZ_DMA && desc[k].addr + 16 <= FUZZ_DMA + FUZZ_DMA_SIZE && fuzz_below(2)) {
            uint32_t *hdr = (uint32_t *)(uintptr_t)desc[k].addr; /* a block request header */
            hdr[0] = fuzz_below(3), hdr[1] = 0, hdr[2] = fuzz_below(4096), hdr[3] = 0;
        }
        avail[2 + (avail[1] + i) % size] = (uint16_t)(fuzz_below(8) ? k : fuzz_rand());
    }
    avail[1] = (uint16_t)(avail[1] + (fuzz_below(8) ? n : fuzz_rand()));
    if (fuzz_trace)
        fuzz_printf("queue %u of slot %u (size %u) at page %x, %u requests", q, d->slot, size, pfn, n);
    fuzz_outl((uint16_t)(d->bar + VIO_QUEUE_PFN), pfn);
    __asm__ volatile("outw %%ax, %%dx" :: "a"(q), "d"(d->bar + VIO_QUEUE_NOTIFY));
}

void fuzz_virtio(void)
{
    if (!fuzz_nvdevs)
        return;
    const struct fuzz_vdev *d = &fuzz_vdevs[fuzz_below(fuzz_nvdevs)];
    uint32_t v = fuzz_value();
    switch (fuzz_below(8)) {
    case 0: /* configuration space: any register of any slot, but BAR 0 and the command */
        if (fuzz_trace)
            fuzz_printf("PCI config");
        fuzz_pci_write(fuzz_below(4), fuzz_below(64) * 4, v);
        fuzz_pci_write(d->slot, 0x10, d->bar | 1);
        fuzz_pci_write(d->slot, 4, fuzz_pci_read(d->slot, 4) | 1);
        break;
    case 1:
        if (fuzz_trace)
            fuzz_printf("status %x", v & 0xff);
        fuzz_outb((uint16_t)(d->bar + VIO_STATUS), (uint8_t)v);
        break;
    case 2:
        if (fuzz_trace)
            fuzz_printf("features %x", v);
        fuzz_outl((uint16_t)(d->bar + VIO_GUEST_FEATURES), v);
        break;
    case 3:
        if (fuzz_trace)
            fuzz_printf("ISR");
        fuzz_inb((uint16_t)(d->bar + VIO_ISR));
        break;
    case 4: {
        uint16_t port = (uint16_t)(d->bar + fuzz_below(0x40));
        if (fuzz_trace)
            fuzz_printf("port %x value %x", port, v);
        if (fuzz_below(2))
            fuzz_outl(port, v);
        else
            fuzz_inl(port);
        break;
    }
    default:
        fuzz_virtio_queue(d, fuzz_below(8) ? fuzz_below(2) : fuzz_below(65536));
        break;
    }
}

/* ---- timers ------------------------------------------------------------------- */

/* The PIT or the local APIC timer with a tiny period (or any): with
 * interrupts off their interrupts stay pending, which must not stop this
 * guest from running on. */
void fuzz_timer(void)
{
    uint32_t count = fuzz_below(2) ? 1 + fuzz_below(4) : fuzz_value();
    if (fuzz_below(2)) {
        unsigned ch = fuzz_below(4) ? 0 : fuzz_below(3), mode = fuzz_below(6);
        if (fuzz_trace)
            fuzz_printf("PIT channel %u mode %u count %x", ch, mode, count & 0xffff);
        fuzz_outb(0x43, (uint8_t)(ch << 6 | 3 << 4 | mode << 1)); /* lo/hi byte */
        fuzz_outb((uint16_t)(0x40 + ch), (uint8_t)count);
        fuzz_outb((uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
        if (ch == 2)
            fuzz_outb(0x61, (uint8_t)fuzz_below(4)); /* its gate */
        return;
    }
    volatile uint32_t *apic = (volatile uint32_t *)LAPIC_BASE;
    uint32_t lvt = (0x20 + fuzz_below(0xe0)) | (fuzz_below(4) ? 1u << 17 : 0) | (fuzz_below(4) ? 0 : 1u << 16);
    if (fuzz_trace)
        fuzz_printf("APIC timer LVT %x divide %u count %x", lvt, count & 0xb, count);
    apic[0xf0 / 4] = 0x1ff;            /* software enabled */
    apic[0x3e0 / 4] = count & 0xb;     /* divide configuration */
    apic[0x320 / 4] = lvt;             /* periodic (mostly), masked (sometimes) */
    apic[0x380 / 4] = count;           /* initial count: starts it */
}
