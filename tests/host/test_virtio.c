// SOURCES: components/vmm/hw/pci.c components/vmm/hw/virtio_pci.c components/vmm/hw/virtio_blk.c components/vmm/hw/virtio_console.c
/*
 * Host tests of the legacy virtio PCI transport (virtio_pci) and its
 * block and console devices, end to end: a driver written here does what
 * Linux's virtio_pci legacy path does, over the PCI bus's BAR decoding,
 * with guest RAM in a heap buffer (so ASan sees any access outside it).
 */
#include "host.h"

#include <stdio.h>

#include "../../components/vmm/hw/pci.h"
#include "../../components/vmm/hw/virtio_blk.h"
#include "../../components/vmm/hw/virtio_console.h"

#define RAM_SIZE  (256 * 1024)
#define BLK_SLOT  3
#define CON_SLOT  4
#define BLK_IO    0xc000
#define CON_IO    0xc040
#define BLK_IRQ   10
#define CON_IRQ   11
#define DISK_SECS 64
#define N         VIRTIO_QUEUE_SIZE

#define BLK_QBASE 0x10000 /* rings */
#define RX_QBASE  0x14000
#define TX_QBASE  0x18000
#define HDR_GPA   0x20000 /* request buffers */
#define DATA_GPA  0x21000
#define STAT_GPA  0x28000
#define IND_GPA   0x29000 /* indirect tables */

static uint8_t *ram;
static uint8_t disk[DISK_SECS * 512];
static struct pci_bus bus;
static struct virtio_blk blk;
static struct virtio_console con;
static bool line[16];
static unsigned nerr;
static char errmsg[128];
static uint8_t txout[512];
static unsigned ntx;

static void irq_set(void *ctx, unsigned l, bool level)
{
    assert_true(l < 16);
    line[l] = level;
}

static void on_error(void *ctx, const char *msg)
{
    nerr++;
    snprintf(errmsg, sizeof(errmsg), "%s", msg);
}

static void con_tx(void *ctx, uint8_t c)
{
    assert_ptr_equal(ctx, &con);
    if (ntx < sizeof(txout))
        txout[ntx] = c;
    ntx++;
}

static void make_devices(bool read_only)
{
    struct virtio_pci_params p = {
        .mem = { ram, RAM_SIZE },
        .irq = { irq_set, NULL },
        .error = on_error,
    };
    pci_bus_init(&bus);
    p.io_base = BLK_IO;
    p.irq_line = BLK_IRQ;
    virtio_blk_init(&blk, &p, disk, sizeof(disk), read_only, "cairn-disk-0");
    p.io_base = CON_IO;
    p.irq_line = CON_IRQ;
    virtio_console_init(&con, &p, con_tx, &con);
    assert_int_equal(pci_bus_add(&bus, BLK_SLOT, &blk.vp.pci), CAIRN_OK);
    assert_int_equal(pci_bus_add(&bus, CON_SLOT, &con.vp.pci), CAIRN_OK);
}

static int setup(void **state)
{
    ram = aligned_alloc(4096, RAM_SIZE);
    assert_non_null(ram);
    memset(ram, 0xcc, RAM_SIZE);
    for (unsigned i = 0; i < sizeof(disk); i++)
        disk[i] = (uint8_t)(i * 7 + i / 512);
    memset(line, 0, sizeof(line));
    nerr = 0;
    errmsg[0] = 0;
    ntx = 0;
    make_devices(false);
    return 0;
}

static int teardown(void **state)
{
    free(ram);
    return 0;
}

/* --- the driver side --------------------------------------------------- */

static uint32_t in(uint16_t port, unsigned size)
{
    return pci_bar_read(&bus, port, size);
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
    pci_bar_write(&bus, port, size, v);
}

static uint32_t cfg_read(unsigned slot, unsigned reg, unsigned size)
{
    pci_write(&bus, 0xcf8, 4, 0x80000000u | slot << 11 | (reg & 0xfc));
    return pci_read(&bus, (uint16_t)(0xcfc + (reg & 3)), size);
}

static void cfg_write(unsigned slot, unsigned reg, unsigned size, uint32_t v)
{
    pci_write(&bus, 0xcf8, 4, 0x80000000u | slot << 11 | (reg & 0xfc));
    pci_write(&bus, (uint16_t)(0xcfc + (reg & 3)), size, v);
}

struct vq {
    uint16_t io;
    unsigned index;
    uint64_t desc, avail, used;
    uint16_t avail_idx, last_used, next_desc;
};

static uint8_t status(uint16_t io)
{
    return (uint8_t)in(io + VIRTIO_PCI_STATUS, 1);
}

/* Linux: reset, ACKNOWLEDGE, DRIVER, features; returns the host's. */
static uint32_t drv_begin(uint16_t io, uint32_t want)
{
    out(io + VIRTIO_PCI_STATUS, 1, 0);
    assert_int_equal(status(io), 0);
    out(io + VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
    out(io + VIRTIO_PCI_STATUS, 1, status(io) | VIRTIO_STATUS_DRIVER);
    uint32_t host = in(io + VIRTIO_PCI_HOST_FEATURES, 4);
    out(io + VIRTIO_PCI_GUEST_FEATURES, 4, host & want);
    return host;
}

static void vq_layout(struct vq *q, uint64_t base)
{
    q->desc = base;
    q->avail = base + 16 * N;
    q->used = (q->avail + 6 + 2 * N + 4095) & ~4095ull;
}

/* Linux's setup_vq: select, size, "already active?", the PFN. */
static void vq_setup(struct vq *q, uint16_t io, unsigned index, uint64_t base)
{
    memset(q, 0, sizeof(*q));
    q->io = io;
    q->index = index;
    out(io + VIRTIO_PCI_QUEUE_SEL, 2, index);
    assert_int_equal(in(io + VIRTIO_PCI_QUEUE_NUM, 2), N);
    assert_int_equal(in(io + VIRTIO_PCI_QUEUE_PFN, 4), 0);
    vq_layout(q, base);
    memset(ram + base, 0, q->used + 6 + 8 * N - base);
    out(io + VIRTIO_PCI_QUEUE_PFN, 4, (uint32_t)(base >> 12));
    assert_int_equal(in(io + VIRTIO_PCI_QUEUE_PFN, 4), base >> 12);
}

static void drv_ok(uint16_t io)
{
    out(io + VIRTIO_PCI_STATUS, 1, status(io) | VIRTIO_STATUS_DRIVER_OK);
}

static struct vq bq, rxq, txq;

static void blk_up(uint32_t want)
{
    drv_begin(BLK_IO, want);
    vq_setup(&bq, BLK_IO, 0, BLK_QBASE);
    drv_ok(BLK_IO);
    assert_int_equal(status(BLK_IO), 7);
}

static void con_up(void)
{
    drv_begin(CON_IO, 0);
    vq_setup(&rxq, CON_IO, 0, RX_QBASE);
    vq_setup(&txq, CON_IO, 1, TX_QBASE);
    drv_ok(CON_IO);
}

static void put_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *p = ram + table + 16 * i;
    memcpy(p, &addr, 8);
    memcpy(p + 8, &len, 4);
    memcpy(p + 12, &flags, 2);
    memcpy(p + 14, &next, 2);
}

static void put16(uint64_t gpa, uint16_t v)
{
    memcpy(ram + gpa, &v, 2);
}

static uint16_t get16(uint64_t gpa)
{
    uint16_t v;
    memcpy(&v, ram + gpa, 2);
    return v;
}

static uint32_t get32(uint64_t gpa)
{
    uint32_t v;
    memcpy(&v, ram + gpa, 4);
    return v;
}

/* Make head available. */
static void avail_push(struct vq *q, uint16_t head)
{
    put16(q->avail + 4 + 2 * (q->avail_idx % N), head);
    q->avail_idx++;
    put16(q->avail + 2, q->avail_idx);
}

struct seg {
    uint64_t addr;
    uint32_t len;
    bool write;
};

/* A chain of segs in the ring's descriptors; returns the head. */
static uint16_t vq_add(struct vq *q, const struct seg *s, unsigned n)
{
    uint16_t head = q->next_desc;
    for (unsigned i = 0; i < n; i++) {
        uint16_t d = (uint16_t)((head + i) % N), next = (uint16_t)((head + i + 1) % N);
        put_desc(q->desc, d, s[i].addr, s[i].len,
                 (uint16_t)((s[i].write ? VRING_DESC_F_WRITE : 0) | (i + 1 < n ? VRING_DESC_F_NEXT : 0)),
                 i + 1 < n ? next : 0);
    }
    q->next_desc = (uint16_t)((head + n) % N);
    avail_push(q, head);
    return head;
}

static void kick(struct vq *q)
{
    out(q->io + VIRTIO_PCI_QUEUE_NOTIFY, 2, q->index);
}

/* The next used element, if any. */
static bool vq_used(struct vq *q, uint32_t *id, uint32_t *len)
{
    if (get16(q->used + 2) == q->last_used)
        return false;
    uint64_t e = q->used + 4 + 8 * (q->last_used % N);
    *id = get32(e);
    *len = get32(e + 4);
    q->last_used++;
    return true;
}

static uint8_t isr(uint16_t io)
{
    return (uint8_t)in(io + VIRTIO_PCI_ISR, 1);
}

struct blk_hdr {
    uint32_t type, reserved;
    uint64_t sector;
};

/* A block request: header, one data buffer, status; returns the head. */
static uint16_t blk_req(uint32_t type, uint64_t sector, uint32_t len)
{
    struct blk_hdr h = { type, 0, sector };
    memcpy(ram + HDR_GPA, &h, sizeof(h));
    ram[STAT_GPA] = 0xee;
    struct seg s[3] = {
        { HDR_GPA, sizeof(h), false },
        { DATA_GPA, len, type != VIRTIO_BLK_T_OUT },
        { STAT_GPA, 1, true },
    };
    if (!len) {
        s[1] = s[2];
        return vq_add(&bq, s, 2);
    }
    return vq_add(&bq, s, 3);
}

/* Run one request; its used length returned, its status in *st. */
static uint32_t blk_run(uint32_t type, uint64_t sector, uint32_t len, uint8_t *st)
{
    uint16_t head = blk_req(type, sector, len);
    uint32_t id, ulen;
    kick(&bq);
    assert_true(vq_used(&bq, &id, &ulen));
    assert_int_equal(id, head);
    assert_false(vq_used(&bq, &id, &ulen));
    *st = ram[STAT_GPA];
    return ulen;
}

static void assert_broken(uint16_t io, const char *what)
{
    assert_int_equal(status(io) & VIRTIO_STATUS_NEEDS_RESET, VIRTIO_STATUS_NEEDS_RESET);
    assert_int_equal(nerr, 1);
    assert_non_null(strstr(errmsg, what));
}

/* --- PCI identity -------------------------------------------------------- */

static void test_pci_identity(void **state)
{
    assert_int_equal(cfg_read(BLK_SLOT, 0x00, 4), 0x10011af4u);
    assert_int_equal(cfg_read(BLK_SLOT, 0x08, 4), 0x01000000u); /* class, revision 0 */
    assert_int_equal(cfg_read(BLK_SLOT, 0x2c, 4), 0x00021af4u);
    assert_int_equal(cfg_read(CON_SLOT, 0x00, 4), 0x10031af4u);
    assert_int_equal(cfg_read(CON_SLOT, 0x08, 4), 0x07800000u);
    assert_int_equal(cfg_read(CON_SLOT, 0x2c, 4), 0x00031af4u);
    /* No capabilities: Linux's modern probe leaves the device. */
    assert_int_equal(cfg_read(BLK_SLOT, 0x06, 2) & 0x10, 0);
    assert_int_equal(cfg_read(BLK_SLOT, 0x3c, 2), 0x0100 | BLK_IRQ);
    assert_int_equal(cfg_read(CON_SLOT, 0x3c, 2), 0x0100 | CON_IRQ);
    /* BAR0: I/O, 64 bytes (registers and the block config), 32 for the
     * console. */
    assert_int_equal(cfg_read(BLK_SLOT, 0x10, 4), BLK_IO | 1);
    cfg_write(BLK_SLOT, 0x04, 2, 0);
    cfg_write(BLK_SLOT, 0x10, 4, 0xffffffffu);
    assert_int_equal(cfg_read(BLK_SLOT, 0x10, 4), 0xffc1);
    cfg_write(BLK_SLOT, 0x10, 4, BLK_IO);
    cfg_write(CON_SLOT, 0x10, 4, 0xffffffffu);
    assert_int_equal(cfg_read(CON_SLOT, 0x10, 4), 0xffe1);
    cfg_write(CON_SLOT, 0x10, 4, CON_IO);
    assert_int_equal(cfg_read(BLK_SLOT, 0x14, 4), 0);
    /* Decoding off: the registers are gone. */
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_QUEUE_NUM, 2), 0xffff);
    cfg_write(BLK_SLOT, 0x04, 2, 5);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_QUEUE_NUM, 2), N);
}

/* The OS moves the BAR: the registers follow. */
static void test_bar_relocation(void **state)
{
    cfg_write(BLK_SLOT, 0x04, 2, 0);
    cfg_write(BLK_SLOT, 0x10, 4, 0xe000);
    cfg_write(BLK_SLOT, 0x04, 2, 5);
    assert_false(pci_io_claims(&bus, BLK_IO));
    assert_true(pci_io_claims(&bus, 0xe03f));
    assert_false(pci_io_claims(&bus, 0xe040));
    assert_int_equal(pci_bar_read(&bus, 0xe000 + VIRTIO_PCI_QUEUE_NUM, 2), N);
    assert_int_equal(pci_bar_read(&bus, BLK_IO + VIRTIO_PCI_QUEUE_NUM, 2), 0xffff);
}

/* --- registers ------------------------------------------------------------ */

static void test_registers(void **state)
{
    uint32_t host = drv_begin(BLK_IO, 0xffffffffu);
    assert_int_equal(host, 1u << VIRTIO_BLK_F_SEG_MAX | 1u << VIRTIO_RING_F_INDIRECT_DESC);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_GUEST_FEATURES, 4), host); /* masked */
    assert_int_equal(status(BLK_IO), 3);
    /* One queue: queue 1 has size 0 (Linux stops there). */
    out(BLK_IO + VIRTIO_PCI_QUEUE_SEL, 2, 1);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_QUEUE_SEL, 2), 1);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_QUEUE_NUM, 2), 0);
    out(BLK_IO + VIRTIO_PCI_QUEUE_PFN, 4, 0x10);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_QUEUE_PFN, 4), 0);
    vq_setup(&bq, BLK_IO, 0, BLK_QBASE);
    /* Read-only registers ignore writes. */
    out(BLK_IO + VIRTIO_PCI_HOST_FEATURES, 4, 0);
    out(BLK_IO + VIRTIO_PCI_QUEUE_NUM, 2, 16);
    out(BLK_IO + VIRTIO_PCI_ISR, 1, 1);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_HOST_FEATURES, 4), host);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_QUEUE_NUM, 2), N);
    assert_int_equal(isr(BLK_IO), 0);
    /* Config, byte by byte as Linux's legacy vp_get: capacity, seg_max. */
    uint8_t cfg[16];
    for (unsigned i = 0; i < sizeof(cfg); i++)
        cfg[i] = (uint8_t)in(BLK_IO + VIRTIO_PCI_CONFIG + i, 1);
    uint64_t cap;
    uint32_t seg_max;
    memcpy(&cap, cfg, 8);
    memcpy(&seg_max, cfg + 12, 4);
    assert_int_equal(cap, DISK_SECS);
    assert_int_equal(seg_max, N - 2);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_CONFIG, 4), DISK_SECS);
    out(BLK_IO + VIRTIO_PCI_CONFIG, 4, 7); /* read-only */
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_CONFIG, 4), DISK_SECS);
    /* Past the config: all ones. */
    assert_int_equal(in(BLK_IO + 0x3e, 2), 0xffff);
    /* The status keeps what the driver writes; 0 resets everything. */
    drv_ok(BLK_IO);
    assert_int_equal(status(BLK_IO), 7);
    out(BLK_IO + VIRTIO_PCI_STATUS, 1, 0);
    assert_int_equal(status(BLK_IO), 0);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_GUEST_FEATURES, 4), 0);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_QUEUE_SEL, 2), 0);
    assert_int_equal(in(BLK_IO + VIRTIO_PCI_QUEUE_PFN, 4), 0);
    /* A dword read at 0x10 covers notify, status and ISR. */
    out(BLK_IO + VIRTIO_PCI_STATUS, 1, 3);
    assert_int_equal(in(BLK_IO + 0x10, 4), 0x00030000u);
    assert_int_equal(nerr, 0);
}

/* --- block ------------------------------------------------------------------- */

static void test_blk_read(void **state)
{
    blk_up(0xffffffffu);
    uint8_t st;
    uint32_t len = blk_run(VIRTIO_BLK_T_IN, 5, 1024, &st);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    assert_int_equal(len, 1025);
    assert_memory_equal(ram + DATA_GPA, disk + 5 * 512, 1024);
    assert_int_equal(ram[DATA_GPA + 1024], 0xcc); /* nothing past the buffer */
    /* The interrupt: ISR bit 0 and the level line, until ISR is read. */
    assert_true(line[BLK_IRQ]);
    assert_false(line[CON_IRQ]);
    assert_int_equal(cfg_read(BLK_SLOT, 0x06, 2) & 0x08, 0x08);
    assert_int_equal(isr(BLK_IO), 1);
    assert_false(line[BLK_IRQ]);
    assert_int_equal(isr(BLK_IO), 0);
    /* The last sector. */
    len = blk_run(VIRTIO_BLK_T_IN, DISK_SECS - 1, 512, &st);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    assert_int_equal(len, 513);
    assert_memory_equal(ram + DATA_GPA, disk + (DISK_SECS - 1) * 512, 512);
    assert_int_equal(nerr, 0);
}

static void test_blk_write(void **state)
{
    blk_up(0xffffffffu);
    for (unsigned i = 0; i < 1536; i++)
        ram[DATA_GPA + i] = (uint8_t)(0xa0 ^ i);
    uint8_t before[512], st;
    memcpy(before, disk + 10 * 512, 512);
    uint32_t len = blk_run(VIRTIO_BLK_T_OUT, 7, 1536, &st);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    assert_int_equal(len, 1);
    assert_memory_equal(disk + 7 * 512, ram + DATA_GPA, 1536);
    assert_memory_equal(disk + 10 * 512, before, 512);
    assert_true(line[BLK_IRQ]);
    /* Flush: nothing to do, OK. */
    len = blk_run(VIRTIO_BLK_T_FLUSH, 0, 0, &st);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    assert_int_equal(len, 1);
}

static void test_blk_out_of_range(void **state)
{
    blk_up(0xffffffffu);
    uint8_t st, copy[sizeof(disk)];
    memcpy(copy, disk, sizeof(disk));
    static const struct {
        uint32_t type;
        uint64_t sector;
        uint32_t len;
    } bad[] = {
        { VIRTIO_BLK_T_IN, DISK_SECS, 512 },
        { VIRTIO_BLK_T_IN, DISK_SECS - 1, 1024 },
        { VIRTIO_BLK_T_IN, 1ull << 55, 512 },      /* sector * 512 overflows */
        { VIRTIO_BLK_T_IN, UINT64_MAX, 512 },
        { VIRTIO_BLK_T_IN, 0, 100 },               /* not whole sectors */
        { VIRTIO_BLK_T_OUT, DISK_SECS, 512 },
        { VIRTIO_BLK_T_OUT, (UINT64_MAX / 512) + 1, 512 },
        { VIRTIO_BLK_T_OUT, 3, 513 },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(ram + DATA_GPA, 0x5a, 1024);
        uint32_t len = blk_run(bad[i].type, bad[i].sector, bad[i].len, &st);
        assert_int_equal(st, VIRTIO_BLK_S_IOERR);
        assert_int_equal(len, 1);
        assert_int_equal(ram[DATA_GPA], 0x5a);
    }
    assert_memory_equal(disk, copy, sizeof(disk));
    /* The device still works. */
    assert_int_equal(blk_run(VIRTIO_BLK_T_IN, 0, 512, &st), 513);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    assert_int_equal(nerr, 0);
}

static void test_blk_read_only(void **state)
{
    make_devices(true);
    uint32_t host = drv_begin(BLK_IO, 0xffffffffu);
    assert_true(host & 1u << VIRTIO_BLK_F_RO);
    vq_setup(&bq, BLK_IO, 0, BLK_QBASE);
    drv_ok(BLK_IO);
    uint8_t st, copy[sizeof(disk)];
    memcpy(copy, disk, sizeof(disk));
    memset(ram + DATA_GPA, 0x77, 512);
    assert_int_equal(blk_run(VIRTIO_BLK_T_OUT, 0, 512, &st), 1);
    assert_int_equal(st, VIRTIO_BLK_S_IOERR);
    assert_memory_equal(disk, copy, sizeof(disk));
    assert_int_equal(blk_run(VIRTIO_BLK_T_IN, 1, 512, &st), 513);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    assert_memory_equal(ram + DATA_GPA, disk + 512, 512);
}

static void test_blk_get_id_and_unsupported(void **state)
{
    blk_up(0xffffffffu);
    uint8_t st;
    memset(ram + DATA_GPA, 0xcc, 64);
    assert_int_equal(blk_run(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES, &st), 21);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    assert_memory_equal(ram + DATA_GPA, "cairn-disk-0\0\0\0\0\0\0\0\0", 20);
    assert_int_equal(ram[DATA_GPA + 20], 0xcc);
    /* A shorter buffer gets what fits. */
    assert_int_equal(blk_run(VIRTIO_BLK_T_GET_ID, 0, 5, &st), 6);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    static const uint32_t types[] = { 2, 11, 13, 0x80000000u, 0xffffffffu };
    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        memset(ram + DATA_GPA, 0xcc, 512);
        assert_int_equal(blk_run(types[i], 0, 512, &st), 1);
        assert_int_equal(st, VIRTIO_BLK_S_UNSUPP);
        assert_int_equal(ram[DATA_GPA], 0xcc);
    }
    assert_int_equal(nerr, 0);
}

/* The header and data split over descriptors any way; several requests
 * in one notify; one interrupt. */
static void test_blk_split_batch(void **state)
{
    blk_up(0xffffffffu);
    struct blk_hdr h = { VIRTIO_BLK_T_IN, 0, 2 };
    memcpy(ram + HDR_GPA, &h, sizeof(h));
    struct seg s[] = {
        { HDR_GPA, 5, false },       { HDR_GPA + 5, 11, false }, { DATA_GPA, 100, true },
        { DATA_GPA + 100, 900, true }, { DATA_GPA + 1000, 24, true }, { STAT_GPA, 1, true },
    };
    uint16_t h1 = vq_add(&bq, s, 6);
    struct blk_hdr h2 = { VIRTIO_BLK_T_IN, 0, 9 };
    memcpy(ram + HDR_GPA + 64, &h2, sizeof(h2));
    /* Data and status in one buffer: the status is its last byte. */
    struct seg s2[] = { { HDR_GPA + 64, 16, false }, { DATA_GPA + 0x1000, 513, true } };
    uint16_t h2i = vq_add(&bq, s2, 2);
    kick(&bq);
    uint32_t id, len;
    assert_true(vq_used(&bq, &id, &len));
    assert_int_equal(id, h1);
    assert_int_equal(len, 1025);
    assert_true(vq_used(&bq, &id, &len));
    assert_int_equal(id, h2i);
    assert_int_equal(len, 513);
    assert_false(vq_used(&bq, &id, &len));
    assert_memory_equal(ram + DATA_GPA, disk + 2 * 512, 1024);
    assert_int_equal(ram[STAT_GPA], 0);
    assert_memory_equal(ram + DATA_GPA + 0x1000, disk + 9 * 512, 512);
    assert_int_equal(ram[DATA_GPA + 0x1000 + 512], 0);
    assert_int_equal(isr(BLK_IO), 1);
    assert_int_equal(nerr, 0);
}

static void test_blk_indirect(void **state)
{
    blk_up(0xffffffffu);
    struct blk_hdr h = { VIRTIO_BLK_T_OUT, 0, 4 };
    memcpy(ram + HDR_GPA, &h, sizeof(h));
    memset(ram + DATA_GPA, 0x42, 512);
    memset(ram + DATA_GPA + 512, 0x43, 512);
    put_desc(IND_GPA, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 2);
    put_desc(IND_GPA, 2, DATA_GPA, 512, VRING_DESC_F_NEXT, 1);
    put_desc(IND_GPA, 1, DATA_GPA + 512, 512, VRING_DESC_F_NEXT, 3);
    put_desc(IND_GPA, 3, STAT_GPA, 1, VRING_DESC_F_WRITE, 0);
    ram[STAT_GPA] = 0xee;
    put_desc(bq.desc, 7, IND_GPA, 4 * 16, VRING_DESC_F_INDIRECT, 0);
    avail_push(&bq, 7);
    kick(&bq);
    uint32_t id, len;
    assert_true(vq_used(&bq, &id, &len));
    assert_int_equal(id, 7);
    assert_int_equal(len, 1);
    assert_int_equal(ram[STAT_GPA], VIRTIO_BLK_S_OK);
    assert_memory_equal(disk + 4 * 512, ram + DATA_GPA, 1024);
    assert_int_equal(nerr, 0);
}

/* VRING_AVAIL_F_NO_INTERRUPT: used, but no interrupt. */
static void test_no_interrupt(void **state)
{
    blk_up(0xffffffffu);
    put16(bq.avail, VRING_AVAIL_F_NO_INTERRUPT);
    uint8_t st;
    assert_int_equal(blk_run(VIRTIO_BLK_T_IN, 0, 512, &st), 513);
    assert_false(line[BLK_IRQ]);
    assert_int_equal(isr(BLK_IO), 0);
    put16(bq.avail, 0);
    assert_int_equal(blk_run(VIRTIO_BLK_T_IN, 0, 512, &st), 513);
    assert_true(line[BLK_IRQ]);
}

/* Nothing before DRIVER_OK; then what is waiting is served. */
static void test_before_driver_ok(void **state)
{
    drv_begin(BLK_IO, 0);
    vq_setup(&bq, BLK_IO, 0, BLK_QBASE);
    blk_req(VIRTIO_BLK_T_IN, 1, 512);
    kick(&bq);
    assert_int_equal(get16(bq.used + 2), 0);
    assert_false(line[BLK_IRQ]);
    drv_ok(BLK_IO);
    assert_int_equal(get16(bq.used + 2), 1);
    assert_int_equal(ram[STAT_GPA], VIRTIO_BLK_S_OK);
    assert_true(line[BLK_IRQ]);
    /* A reset drops the interrupt. */
    out(BLK_IO + VIRTIO_PCI_STATUS, 1, 0);
    assert_false(line[BLK_IRQ]);
    assert_int_equal(isr(BLK_IO), 0);
}

/* INTx disable in the command register gates the line, not the ISR. */
static void test_intx_disable(void **state)
{
    blk_up(0);
    cfg_write(BLK_SLOT, 0x04, 2, 0x0405);
    uint8_t st;
    blk_run(VIRTIO_BLK_T_IN, 0, 512, &st);
    assert_false(line[BLK_IRQ]);
    assert_int_equal(cfg_read(BLK_SLOT, 0x06, 2) & 0x08, 0x08);
    cfg_write(BLK_SLOT, 0x04, 2, 0x0005);
    assert_true(line[BLK_IRQ]);
    assert_int_equal(isr(BLK_IO), 1);
    assert_false(line[BLK_IRQ]);
}

/* --- console ------------------------------------------------------------- */

static void test_console_tx(void **state)
{
    con_up();
    assert_int_equal(in(CON_IO + VIRTIO_PCI_HOST_FEATURES, 4), 1u << VIRTIO_RING_F_INDIRECT_DESC);
    memcpy(ram + DATA_GPA, "hello, ", 7);
    memcpy(ram + DATA_GPA + 100, "world\n", 6);
    struct seg a[] = { { DATA_GPA, 7, false } };
    struct seg b[] = { { DATA_GPA + 100, 3, false }, { DATA_GPA + 103, 3, false } };
    uint16_t ha = vq_add(&txq, a, 1), hb = vq_add(&txq, b, 2);
    kick(&txq);
    assert_int_equal(ntx, 13);
    assert_memory_equal(txout, "hello, world\n", 13);
    uint32_t id, len;
    assert_true(vq_used(&txq, &id, &len));
    assert_int_equal(id, ha);
    assert_int_equal(len, 0);
    assert_true(vq_used(&txq, &id, &len));
    assert_int_equal(id, hb);
    assert_false(vq_used(&txq, &id, &len));
    assert_true(line[CON_IRQ]);
    assert_false(line[BLK_IRQ]);
    /* Kicking the receive queue sends nothing. */
    kick(&rxq);
    assert_int_equal(ntx, 13);
    assert_int_equal(nerr, 0);
}

static void test_console_rx(void **state)
{
    const uint8_t msg[] = "0123456789";
    /* Not ready: nothing goes in. */
    assert_int_equal(virtio_console_input(&con, msg, 10), 0);
    con_up();
    assert_int_equal(virtio_console_input(&con, msg, 10), 0); /* no buffers */
    assert_false(line[CON_IRQ]);
    struct seg a[] = { { DATA_GPA, 4, true } };
    struct seg b[] = { { DATA_GPA + 100, 2, true }, { DATA_GPA + 200, 2, true } };
    uint16_t ha = vq_add(&rxq, a, 1), hb = vq_add(&rxq, b, 2);
    kick(&rxq);
    assert_int_equal(get16(rxq.used + 2), 0); /* buffers wait for input */
    assert_int_equal(virtio_console_input(&con, msg, 10), 8);
    uint32_t id, len;
    assert_true(vq_used(&rxq, &id, &len));
    assert_int_equal(id, ha);
    assert_int_equal(len, 4);
    assert_true(vq_used(&rxq, &id, &len));
    assert_int_equal(id, hb);
    assert_int_equal(len, 4);
    assert_memory_equal(ram + DATA_GPA, "0123", 4);
    assert_memory_equal(ram + DATA_GPA + 100, "45", 2);
    assert_memory_equal(ram + DATA_GPA + 200, "67", 2);
    assert_true(line[CON_IRQ]);
    assert_int_equal(isr(CON_IO), 1);
    /* A partly filled buffer is returned with what it got. */
    struct seg c[] = { { DATA_GPA + 300, 16, true } };
    uint16_t hc = vq_add(&rxq, c, 1);
    assert_int_equal(virtio_console_input(&con, msg + 8, 2), 2);
    assert_true(vq_used(&rxq, &id, &len));
    assert_int_equal(id, hc);
    assert_int_equal(len, 2);
    assert_memory_equal(ram + DATA_GPA + 300, "89", 2);
    assert_int_equal(ntx, 0);
    assert_int_equal(nerr, 0);
}

/* --- hostile drivers ---------------------------------------------------- */

/* After a malformed chain: NEEDS_RESET, nothing used, nothing more done;
 * a reset and a fresh setup bring the device back. */
static void check_broken_then_recover(const char *what)
{
    uint32_t id, len;
    assert_broken(BLK_IO, what);
    assert_false(vq_used(&bq, &id, &len));
    blk_req(VIRTIO_BLK_T_IN, 0, 512);
    kick(&bq);
    assert_false(vq_used(&bq, &id, &len));
    assert_int_equal(ram[STAT_GPA], 0xee);
    /* The driver writing status bits keeps NEEDS_RESET. */
    out(BLK_IO + VIRTIO_PCI_STATUS, 1, 7);
    assert_int_equal(status(BLK_IO), 0x47);
    nerr = 0;
    blk_up(0xffffffffu);
    assert_int_equal(status(BLK_IO), 7);
    uint8_t st;
    assert_int_equal(blk_run(VIRTIO_BLK_T_IN, 3, 512, &st), 513);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    assert_int_equal(nerr, 0);
}

static void hostile_chain(const struct seg *s, unsigned n, const char *what)
{
    blk_up(0xffffffffu);
    struct blk_hdr h = { VIRTIO_BLK_T_IN, 0, 0 };
    memcpy(ram + HDR_GPA, &h, sizeof(h));
    vq_add(&bq, s, n);
    kick(&bq);
    check_broken_then_recover(what);
}

static void test_hostile_buffers(void **state)
{
    struct seg outside[] = { { HDR_GPA, 16, false }, { RAM_SIZE, 512, true }, { STAT_GPA, 1, true } };
    hostile_chain(outside, 3, "outside guest RAM");
    struct seg straddle[] = { { HDR_GPA, 16, false }, { RAM_SIZE - 256, 512, true }, { STAT_GPA, 1, true } };
    hostile_chain(straddle, 3, "outside guest RAM");
    struct seg huge[] = { { HDR_GPA, 16, false }, { DATA_GPA, 0xffffffffu, true }, { STAT_GPA, 1, true } };
    hostile_chain(huge, 3, "outside guest RAM");
    struct seg wrap[] = { { HDR_GPA, 16, false }, { UINT64_MAX - 15, 32, true }, { STAT_GPA, 1, true } };
    hostile_chain(wrap, 3, "outside guest RAM");
    struct seg far[] = { { 1ull << 62, 16, false }, { STAT_GPA, 1, true } };
    hostile_chain(far, 2, "outside guest RAM");
    /* No status byte, no header. */
    struct seg nostatus[] = { { HDR_GPA, 16, false }, { DATA_GPA, 512, false } };
    hostile_chain(nostatus, 2, "without header or status");
    struct seg shorthdr[] = { { HDR_GPA, 8, false }, { DATA_GPA, 512, true }, { STAT_GPA, 1, true } };
    hostile_chain(shorthdr, 3, "without header or status");
}

static void test_hostile_loop(void **state)
{
    blk_up(0xffffffffu);
    put_desc(bq.desc, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
    put_desc(bq.desc, 1, DATA_GPA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 0);
    avail_push(&bq, 0);
    bq.next_desc = 2;
    kick(&bq);
    check_broken_then_recover("loop");
    /* A descriptor pointing at itself. */
    blk_up(0xffffffffu);
    put_desc(bq.desc, 5, HDR_GPA, 16, VRING_DESC_F_NEXT, 5);
    avail_push(&bq, 5);
    kick(&bq);
    check_broken_then_recover("loop");
}

static void test_hostile_indices(void **state)
{
    /* next out of the table */
    blk_up(0xffffffffu);
    put_desc(bq.desc, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, N);
    avail_push(&bq, 0);
    kick(&bq);
    check_broken_then_recover("next descriptor index");
    /* head out of the table */
    blk_up(0xffffffffu);
    avail_push(&bq, 0xffff);
    kick(&bq);
    check_broken_then_recover("head descriptor index");
    /* The available index jumps more than a queue ahead. */
    blk_up(0xffffffffu);
    put16(bq.avail + 2, N + 1);
    kick(&bq);
    check_broken_then_recover("available index");
    /* Exactly a queue ahead is fine: 128 requests in one go (all the
     * same descriptors). */
    blk_up(0xffffffffu);
    blk_req(VIRTIO_BLK_T_IN, 0, 512);
    for (unsigned i = 1; i < N; i++)
        avail_push(&bq, 0);
    kick(&bq);
    assert_int_equal(get16(bq.used + 2), N);
    assert_int_equal(nerr, 0);
}

static void test_hostile_indirect(void **state)
{
    /* Indirect without negotiating it. */
    blk_up(0);
    put_desc(IND_GPA, 0, STAT_GPA, 1, VRING_DESC_F_WRITE, 0);
    put_desc(bq.desc, 0, IND_GPA, 16, VRING_DESC_F_INDIRECT, 0);
    avail_push(&bq, 0);
    kick(&bq);
    check_broken_then_recover("not negotiated");

    static const struct {
        uint64_t addr;
        uint32_t len;
        uint16_t flags;
        const char *what;
    } bad[] = {
        { IND_GPA, 17, VRING_DESC_F_INDIRECT, "indirect table length" },
        { IND_GPA, 0, VRING_DESC_F_INDIRECT, "indirect table length" },
        { IND_GPA, 16 * (N + 1), VRING_DESC_F_INDIRECT, "indirect table length" },
        { RAM_SIZE - 16, 32, VRING_DESC_F_INDIRECT, "indirect table outside" },
        { IND_GPA, 32, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, "inside a chain" },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        blk_up(0xffffffffu);
        put_desc(bq.desc, 0, bad[i].addr, bad[i].len, bad[i].flags, 1);
        put_desc(bq.desc, 1, STAT_GPA, 1, VRING_DESC_F_WRITE, 0);
        avail_push(&bq, 0);
        kick(&bq);
        check_broken_then_recover(bad[i].what);
    }
    /* Nested indirect; an indirect table looping; its next out of it. */
    blk_up(0xffffffffu);
    put_desc(IND_GPA, 0, IND_GPA + 0x100, 16, VRING_DESC_F_INDIRECT, 0);
    put_desc(bq.desc, 0, IND_GPA, 16, VRING_DESC_F_INDIRECT, 0);
    avail_push(&bq, 0);
    kick(&bq);
    check_broken_then_recover("inside a chain");
    blk_up(0xffffffffu);
    put_desc(IND_GPA, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
    put_desc(IND_GPA, 1, STAT_GPA, 1, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 0);
    put_desc(bq.desc, 0, IND_GPA, 32, VRING_DESC_F_INDIRECT, 0);
    avail_push(&bq, 0);
    kick(&bq);
    check_broken_then_recover("loop");
    blk_up(0xffffffffu);
    put_desc(IND_GPA, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 2);
    put_desc(bq.desc, 0, IND_GPA, 32, VRING_DESC_F_INDIRECT, 0);
    avail_push(&bq, 0);
    kick(&bq);
    check_broken_then_recover("next descriptor index");
    /* An indirect descriptor after a direct one. */
    blk_up(0xffffffffu);
    put_desc(bq.desc, 0, HDR_GPA, 16, VRING_DESC_F_NEXT, 1);
    put_desc(bq.desc, 1, IND_GPA, 16, VRING_DESC_F_INDIRECT, 0);
    avail_push(&bq, 0);
    kick(&bq);
    check_broken_then_recover("inside a chain");
}

/* Queue addresses outside RAM: refused, the device breaks. */
static void test_hostile_pfn(void **state)
{
    static const uint32_t pfns[] = {
        RAM_SIZE >> 12,       /* starts at the end */
        (RAM_SIZE >> 12) - 1, /* descriptors fit, the used ring does not */
        0xffffffffu,
    };
    for (unsigned i = 0; i < sizeof(pfns) / sizeof(pfns[0]); i++) {
        nerr = 0;
        drv_begin(BLK_IO, 0);
        out(BLK_IO + VIRTIO_PCI_QUEUE_SEL, 2, 0);
        out(BLK_IO + VIRTIO_PCI_QUEUE_PFN, 4, pfns[i]);
        assert_int_equal(in(BLK_IO + VIRTIO_PCI_QUEUE_PFN, 4), 0);
        drv_ok(BLK_IO);
        assert_broken(BLK_IO, "queue outside guest RAM");
        out(BLK_IO + VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
        out(BLK_IO + VIRTIO_PCI_QUEUE_NOTIFY, 2, 0xffff);
    }
    /* The highest queue that fits (two pages) works. */
    nerr = 0;
    uint32_t top = (RAM_SIZE >> 12) - 2;
    drv_begin(BLK_IO, 0);
    vq_setup(&bq, BLK_IO, 0, (uint64_t)top << 12);
    drv_ok(BLK_IO);
    uint8_t st;
    assert_int_equal(blk_run(VIRTIO_BLK_T_IN, 0, 512, &st), 513);
    assert_int_equal(status(BLK_IO), 7);
    /* PFN 0 takes the queue away: notifies do nothing. */
    out(BLK_IO + VIRTIO_PCI_QUEUE_PFN, 4, 0);
    blk_req(VIRTIO_BLK_T_IN, 0, 512);
    kick(&bq);
    assert_int_equal(get16(bq.used + 2), 1);
    assert_int_equal(nerr, 0);
}

static void test_hostile_console(void **state)
{
    con_up();
    struct seg bad[] = { { DATA_GPA, 4, false }, { RAM_SIZE - 1, 2, false } };
    vq_add(&txq, bad, 2);
    kick(&txq);
    assert_broken(CON_IO, "outside guest RAM");
    assert_int_equal(ntx, 0);
    /* Input is refused while broken. */
    struct seg a[] = { { DATA_GPA, 4, true } };
    vq_add(&rxq, a, 1);
    assert_int_equal(virtio_console_input(&con, (const uint8_t *)"x", 1), 0);
    /* The block device is not affected. */
    assert_int_equal(status(BLK_IO) & VIRTIO_STATUS_NEEDS_RESET, 0);
    /* A receive chain of readable buffers only takes nothing. */
    nerr = 0;
    con_up();
    struct seg ro[] = { { DATA_GPA, 4, false } };
    vq_add(&rxq, ro, 1);
    vq_add(&rxq, a, 1);
    assert_int_equal(virtio_console_input(&con, (const uint8_t *)"xy", 2), 2);
    uint32_t id, len;
    assert_true(vq_used(&rxq, &id, &len));
    assert_int_equal(len, 0);
    assert_true(vq_used(&rxq, &id, &len));
    assert_int_equal(len, 2);
    assert_int_equal(nerr, 0);
}

/* Random registers and random rings: never outside RAM (ASan), and the
 * device either works or is in NEEDS_RESET with an error reported. */
static void test_random(void **state)
{
    uint64_t seed = 0xabcdef12345;
    for (unsigned round = 0; round < 300; round++) {
        nerr = 0;
        blk_up(0xffffffffu);
        con_up();
        for (unsigned i = 0; i < 2 * 4096; i++) {
            uint64_t r = host_rand(&seed);
            static const uint64_t bases[4] = { BLK_QBASE, RX_QBASE, TX_QBASE, HDR_GPA };
            uint64_t base = bases[r % 4];
            ram[base + (r >> 8) % 0x2000] = (uint8_t)(r >> 40);
        }
        for (unsigned i = 0; i < 64; i++) {
            uint64_t r = host_rand(&seed);
            uint16_t io = (r & 1) ? BLK_IO : CON_IO;
            uint16_t reg = (uint16_t)((r >> 1) & 0x3f);
            switch ((r >> 8) & 7) {
            case 0:
                in((uint16_t)(io + reg), (unsigned)(r >> 12) & 7);
                break;
            case 1:
                if (reg != VIRTIO_PCI_QUEUE_PFN) /* keep the rings */
                    out((uint16_t)(io + reg), (unsigned)(r >> 12) & 7, (uint32_t)(r >> 32));
                break;
            case 2:
                virtio_console_input(&con, ram + HDR_GPA, (r >> 16) & 0xff);
                break;
            default:
                out((uint16_t)(io + VIRTIO_PCI_QUEUE_NOTIFY), 2, (r >> 16) & 1);
            }
        }
        /* Only a reported error breaks a device. */
        uint8_t s = status(BLK_IO) | status(CON_IO);
        if (s & VIRTIO_STATUS_NEEDS_RESET)
            assert_true(nerr > 0);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_pci_identity),
        T(test_bar_relocation),
        T(test_registers),
        T(test_blk_read),
        T(test_blk_write),
        T(test_blk_out_of_range),
        T(test_blk_read_only),
        T(test_blk_get_id_and_unsupported),
        T(test_blk_split_batch),
        T(test_blk_indirect),
        T(test_no_interrupt),
        T(test_before_driver_ok),
        T(test_intx_disable),
        T(test_console_tx),
        T(test_console_rx),
        T(test_hostile_buffers),
        T(test_hostile_loop),
        T(test_hostile_indices),
        T(test_hostile_indirect),
        T(test_hostile_pfn),
        T(test_hostile_console),
        T(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
