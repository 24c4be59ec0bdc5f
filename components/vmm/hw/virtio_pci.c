/* Legacy virtio PCI transport and split virtqueues (virtio_pci). */
#include "virtio_pci.h"

#include <string.h>

#define QSZ VIRTIO_QUEUE_SIZE

/* A descriptor as the guest lays it out. */
struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc layout");

/* --- guest memory --------------------------------------------------------- */

/* n bytes of guest RAM at gpa; CAIRN_EFAULT if they are not all RAM. */
static cairn_status_t mem_read(const struct virtio_pci *v, uint64_t gpa, void *dst, size_t n)
{
    const void *p = vmm_mem_ptr(&v->mem, gpa, n);
    if (!p)
        return CAIRN_EFAULT;
    memcpy(dst, p, n);
    return CAIRN_OK;
}

static cairn_status_t mem_write(const struct virtio_pci *v, uint64_t gpa, const void *src, size_t n)
{
    void *p = vmm_mem_ptr(&v->mem, gpa, n);
    if (!p)
        return CAIRN_EFAULT;
    memcpy(p, src, n);
    return CAIRN_OK;
}

/* --- device state --------------------------------------------------------- */

bool virtio_ready(const struct virtio_pci *v)
{
    return (v->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
           VIRTIO_STATUS_DRIVER_OK;
}

void virtio_error(struct virtio_pci *v, const char *msg)
{
    if (v->status & VIRTIO_STATUS_NEEDS_RESET)
        return; /* reported already */
    v->status |= VIRTIO_STATUS_NEEDS_RESET;
    if (v->error)
        v->error(v->error_ctx, msg);
}

static void device_reset(struct virtio_pci *v)
{
    memset(v->q, 0, sizeof(v->q));
    v->guest_features = 0;
    v->queue_sel = 0;
    v->status = 0;
    v->isr = 0;
    pci_intx(&v->pci, false);
}

/* Run every live queue (after DRIVER_OK). */
static void run_queues(struct virtio_pci *v)
{
    for (unsigned i = 0; i < v->nqueues && virtio_ready(v); i++)
        if (v->q[i].pfn && v->notify)
            v->notify(v, i);
}

static void set_status(struct virtio_pci *v, uint8_t status)
{
    if (!status) {
        device_reset(v);
        return;
    }
    /* NEEDS_RESET is the device's to set, and stays until a reset. */
    bool was_ready = virtio_ready(v);
    v->status = (uint8_t)((status & ~VIRTIO_STATUS_NEEDS_RESET) | (v->status & VIRTIO_STATUS_NEEDS_RESET));
    if (!was_ready && virtio_ready(v))
        run_queues(v); /* buffers the driver made available before */
}

/* The legacy layout: descriptors, available ring (flags, idx, ring,
 * used_event), then at the next 4096 boundary the used ring (flags, idx,
 * ring of {id, len}, avail_event). */
static void set_pfn(struct virtio_pci *v, uint32_t pfn)
{
    if (v->queue_sel >= v->nqueues)
        return;
    struct virtio_queue *q = &v->q[v->queue_sel];
    memset(q, 0, sizeof(*q));
    if (!pfn)
        return;
    uint64_t desc = (uint64_t)pfn << VIRTIO_PCI_QUEUE_ADDR_SHIFT;
    uint64_t avail = desc + 16 * QSZ;
    uint64_t used = (avail + 6 + 2 * QSZ + VIRTIO_PCI_VRING_ALIGN - 1) & ~(uint64_t)(VIRTIO_PCI_VRING_ALIGN - 1);
    uint64_t end = used + 6 + 8 * QSZ;
    if (!vmm_mem_ptr(&v->mem, desc, end - desc)) {
        virtio_error(v, "virtio: queue outside guest RAM");
        return;
    }
    *q = (struct virtio_queue){ .pfn = pfn, .desc = desc, .avail = avail, .used = used };
}

static void notify(struct virtio_pci *v, uint16_t qi)
{
    if (qi < v->nqueues && v->q[qi].pfn && virtio_ready(v) && v->notify)
        v->notify(v, qi);
}

/* --- registers ------------------------------------------------------------ */

static uint32_t common_reg(struct virtio_pci *v, unsigned dword)
{
    bool q = v->queue_sel < v->nqueues;
    switch (dword) {
    case 0:
        return v->host_features;
    case 1:
        return v->guest_features;
    case 2:
        return q ? v->q[v->queue_sel].pfn : 0;
    case 3:
        return (uint32_t)(q ? QSZ : 0) | (uint32_t)v->queue_sel << 16;
    default: /* notify reads 0; status; ISR */
        return (uint32_t)v->status << 16 | (uint32_t)v->isr << 24;
    }
}

static uint8_t read_byte(struct virtio_pci *v, unsigned off)
{
    if (off < VIRTIO_PCI_CONFIG)
        return (uint8_t)(common_reg(v, off / 4) >> (8 * (off % 4)));
    off -= VIRTIO_PCI_CONFIG;
    return off < v->config_len ? v->config[off] : 0xff;
}

uint32_t virtio_pci_read(struct virtio_pci *v, uint16_t port, unsigned size)
{
    uint32_t val = 0;
    size = vmm_io_size(size);
    for (unsigned i = 0; i < size; i++)
        val |= (uint32_t)read_byte(v, port + i) << (8 * i);
    if (port <= VIRTIO_PCI_ISR && port + size > VIRTIO_PCI_ISR) {
        v->isr = 0; /* reading ISR acknowledges the interrupt */
        pci_intx(&v->pci, false);
    }
    return val;
}

void virtio_pci_write(struct virtio_pci *v, uint16_t port, unsigned size, uint32_t value)
{
    size = vmm_io_size(size);
    if (size < 4)
        value &= (1u << (8 * size)) - 1;
    switch (port) {
    case VIRTIO_PCI_GUEST_FEATURES:
        v->guest_features = value & v->host_features;
        break;
    case VIRTIO_PCI_QUEUE_PFN:
        set_pfn(v, value);
        break;
    case VIRTIO_PCI_QUEUE_SEL:
        v->queue_sel = (uint16_t)value;
        break;
    case VIRTIO_PCI_QUEUE_NOTIFY:
        notify(v, (uint16_t)value);
        break;
    case VIRTIO_PCI_STATUS:
        set_status(v, (uint8_t)value);
        break;
    default: /* read-only registers; the configuration is too */
        break;
    }
}

static uint32_t bar_read(void *dev, uint16_t port, unsigned size)
{
    return virtio_pci_read(dev, port, size);
}

static void bar_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    virtio_pci_write(dev, port, size, value);
}

const struct vmm_io_ops virtio_pci_bar_ops = { bar_read, bar_write };

/* The transitional PCI device ID of virtio device type id: the ones the
 * virtio spec lists, else 0x1000 + id - 1 (the driver goes by the
 * subsystem ID anyway). */
static uint16_t pci_device_id(uint16_t id)
{
    switch (id) {
    case 1: /* network */
        return 0x1000;
    case 2: /* block */
        return 0x1001;
    case 5: /* balloon */
        return 0x1002;
    case 3: /* console */
        return 0x1003;
    case 8: /* SCSI host */
        return 0x1004;
    case 4: /* entropy */
        return 0x1005;
    case 9: /* 9P */
        return 0x1009;
    default:
        return id >= 1 && id <= 0x40 ? (uint16_t)(0x1000 + id - 1) : 0x103f;
    }
}

void virtio_pci_init(struct virtio_pci *v, const struct virtio_pci_params *p, uint16_t id,
                     uint32_t class_code, unsigned nqueues, uint32_t features, unsigned config_len,
                     void (*notify_cb)(struct virtio_pci *v, unsigned q))
{
    struct pci_id pid = {
        .vendor = VIRTIO_PCI_VENDOR,
        .device = pci_device_id(id),
        .subsys_vendor = VIRTIO_PCI_VENDOR,
        .subsys = id,
        .class_code = class_code,
        .revision = 0,
    };
    memset(v, 0, sizeof(*v));
    v->mem = p->mem;
    v->nqueues = nqueues < VIRTIO_MAX_QUEUES ? nqueues : VIRTIO_MAX_QUEUES;
    v->host_features = features | 1u << VIRTIO_RING_F_INDIRECT_DESC;
    v->config_len = config_len < VIRTIO_CONFIG_MAX ? config_len : VIRTIO_CONFIG_MAX;
    v->notify = notify_cb;
    v->error = p->error;
    v->error_ctx = p->error_ctx;
    uint32_t bar = 32;
    while (bar < VIRTIO_PCI_CONFIG + v->config_len)
        bar *= 2;
    pci_dev_init(&v->pci, &pid);
    pci_dev_set_io_bar(&v->pci, 0, p->io_base, bar, &virtio_pci_bar_ops, v);
    pci_dev_set_irq(&v->pci, p->irq, p->irq_line);
}

/* --- virtqueues ----------------------------------------------------------- */

static cairn_status_t add_buf(struct virtio_pci *v, struct virtio_chain *c,
                              const struct vring_desc *d)
{
    if (!vmm_mem_ptr(&v->mem, d->addr, d->len)) {
        virtio_error(v, "virtio: buffer outside guest RAM");
        return CAIRN_EINVAL;
    }
    bool w = (d->flags & VRING_DESC_F_WRITE) != 0;
    c->buf[c->n++] = (struct virtio_buf){ d->addr, d->len, w };
    if (w)
        c->wlen += d->len;
    else
        c->rlen += d->len;
    return CAIRN_OK;
}

/* An indirect descriptor: check it, and point the walk at its table. */
static cairn_status_t enter_indirect(struct virtio_pci *v, const struct virtio_chain *c,
                                     const struct vring_desc *d, bool *indirect, uint64_t *table,
                                     unsigned *count)
{
    if (!(v->guest_features & 1u << VIRTIO_RING_F_INDIRECT_DESC)) {
        virtio_error(v, "virtio: indirect descriptor not negotiated");
        return CAIRN_EINVAL;
    }
    if (*indirect || c->n || (d->flags & VRING_DESC_F_NEXT)) {
        virtio_error(v, "virtio: indirect descriptor inside a chain");
        return CAIRN_EINVAL;
    }
    if (!d->len || d->len % 16 || d->len / 16 > QSZ) {
        virtio_error(v, "virtio: bad indirect table length");
        return CAIRN_EINVAL;
    }
    if (!vmm_mem_ptr(&v->mem, d->addr, d->len)) {
        virtio_error(v, "virtio: indirect table outside guest RAM");
        return CAIRN_EINVAL;
    }
    *indirect = true;
    *table = d->addr;
    *count = d->len / 16;
    return CAIRN_OK;
}

/* Walk the chain at head of q into c. */
static cairn_status_t walk(struct virtio_pci *v, const struct virtio_queue *q, uint16_t head,
                           struct virtio_chain *c)
{
    bool indirect = false;
    uint64_t table = q->desc; /* the descriptor table walked */
    unsigned count = QSZ, i = head;
    struct vring_desc d;
    c->head = head;
    c->n = 0;
    c->rlen = c->wlen = 0;
    for (;;) {
        if (mem_read(v, table + 16 * (uint64_t)i, &d, sizeof(d)) != CAIRN_OK) {
            virtio_error(v, "virtio: descriptor outside guest RAM");
            return CAIRN_EINVAL;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (enter_indirect(v, c, &d, &indirect, &table, &count) != CAIRN_OK)
                return CAIRN_EINVAL;
            i = 0;
            continue;
        }
        if (c->n >= count) {
            virtio_error(v, "virtio: descriptor chain longer than its table (a loop)");
            return CAIRN_EINVAL;
        }
        if (add_buf(v, c, &d) != CAIRN_OK)
            return CAIRN_EINVAL;
        if (!(d.flags & VRING_DESC_F_NEXT))
            return CAIRN_OK;
        if (d.next >= count) {
            virtio_error(v, "virtio: bad next descriptor index");
            return CAIRN_EINVAL;
        }
        i = d.next;
    }
}

cairn_status_t virtio_pop(struct virtio_pci *v, unsigned qi, struct virtio_chain *c)
{
    if (!virtio_ready(v) || qi >= v->nqueues || !v->q[qi].pfn)
        return CAIRN_ENOTFOUND;
    struct virtio_queue *q = &v->q[qi];
    uint16_t idx, head;
    if (mem_read(v, q->avail + 2, &idx, 2) != CAIRN_OK) {
        virtio_error(v, "virtio: available ring outside guest RAM");
        return CAIRN_EINVAL;
    }
    uint16_t pending = (uint16_t)(idx - q->last_avail);
    if (!pending)
        return CAIRN_ENOTFOUND;
    if (pending > QSZ) {
        virtio_error(v, "virtio: available index more than a queue ahead");
        return CAIRN_EINVAL;
    }
    if (mem_read(v, q->avail + 4 + 2 * (uint64_t)(q->last_avail % QSZ), &head, 2) != CAIRN_OK) {
        virtio_error(v, "virtio: available ring outside guest RAM");
        return CAIRN_EINVAL;
    }
    if (head >= QSZ) {
        virtio_error(v, "virtio: bad head descriptor index");
        return CAIRN_EINVAL;
    }
    q->last_avail++;
    return walk(v, q, head, c);
}

void virtio_push(struct virtio_pci *v, unsigned qi, const struct virtio_chain *c, uint32_t len)
{
    if (qi >= v->nqueues || !v->q[qi].pfn)
        return;
    struct virtio_queue *q = &v->q[qi];
    uint32_t elem[2] = { c->head, len };
    uint64_t at = q->used + 4 + 8 * (uint64_t)(q->used_idx % QSZ);
    if (mem_write(v, at, elem, sizeof(elem)) != CAIRN_OK) {
        virtio_error(v, "virtio: used ring outside guest RAM");
        return;
    }
    q->used_idx++;
    __atomic_thread_fence(__ATOMIC_RELEASE); /* the element before the index */
    if (mem_write(v, q->used + 2, &q->used_idx, 2) != CAIRN_OK)
        virtio_error(v, "virtio: used ring outside guest RAM");
    q->pushed = true;
}

void virtio_interrupt(struct virtio_pci *v, unsigned qi)
{
    if (qi >= v->nqueues || !v->q[qi].pushed)
        return;
    struct virtio_queue *q = &v->q[qi];
    uint16_t flags;
    q->pushed = false;
    if (mem_read(v, q->avail, &flags, 2) != CAIRN_OK || (flags & VRING_AVAIL_F_NO_INTERRUPT))
        return;
    v->isr |= VIRTIO_ISR_QUEUE;
    pci_intx(&v->pci, true);
}

/* Copy between the host and the chain's readable or writable stream. */
static uint64_t chain_copy(const struct virtio_pci *v, const struct virtio_chain *c, bool writable,
                           uint64_t off, uint8_t *host, uint64_t len)
{
    uint64_t done = 0;
    for (unsigned i = 0; i < c->n && done < len; i++) {
        const struct virtio_buf *b = &c->buf[i];
        if (b->writable != writable)
            continue;
        if (off >= b->len) {
            off -= b->len;
            continue;
        }
        uint64_t n = b->len - off;
        if (n > len - done)
            n = len - done;
        uint8_t *p = vmm_mem_ptr(&v->mem, b->addr + off, n);
        if (!p)
            break;
        if (writable)
            memmove(p, host + done, n);
        else
            memmove(host + done, p, n);
        done += n;
        off = 0;
    }
    return done;
}

uint64_t virtio_chain_read(const struct virtio_pci *v, const struct virtio_chain *c, uint64_t off,
                           void *dst, uint64_t len)
{
    return chain_copy(v, c, false, off, dst, len);
}

uint64_t virtio_chain_write(const struct virtio_pci *v, const struct virtio_chain *c, uint64_t off,
                            const void *src, uint64_t len)
{
    return chain_copy(v, c, true, off, (uint8_t *)(uintptr_t)src, len);
}
