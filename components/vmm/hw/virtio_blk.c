/* virtio block device (virtio_blk). */
#include "virtio_blk.h"
#include "le.h"

#include <string.h>

#define CFG_CAPACITY 0  /* le64, sectors */
#define CFG_SEG_MAX  12 /* le32 */
#define CFG_LEN      36 /* up to num_queues; the rest stays zero */

struct blk_hdr {
    uint32_t type, reserved;
    uint64_t sector;
};

/* Is [sector, sector + len bytes) a whole-sector range on the disk? */
static bool in_range(const struct virtio_blk *b, uint64_t sector, uint64_t len)
{
    uint64_t sectors = b->size / VIRTIO_BLK_SECTOR;
    return len % VIRTIO_BLK_SECTOR == 0 && sector <= sectors &&
           len / VIRTIO_BLK_SECTOR <= sectors - sector;
}

/* Carry out one request; its status in *status, the data bytes written
 * into the guest's buffers returned. */
static uint64_t blk_do(struct virtio_blk *b, const struct virtio_chain *c, const struct blk_hdr *h,
                       uint8_t *status)
{
    uint64_t in_len = c->wlen - 1, out_len = c->rlen - sizeof(*h);
    *status = VIRTIO_BLK_S_OK;
    switch (h->type) {
    case VIRTIO_BLK_T_IN:
        if (!in_range(b, h->sector, in_len))
            break;
        if (!in_len)
            return 0;
        return virtio_chain_write(&b->vp, c, 0, b->data + h->sector * VIRTIO_BLK_SECTOR, in_len);
    case VIRTIO_BLK_T_OUT:
        if (b->read_only || !in_range(b, h->sector, out_len))
            break;
        if (out_len)
            virtio_chain_read(&b->vp, c, sizeof(*h), b->data + h->sector * VIRTIO_BLK_SECTOR, out_len);
        return 0;
    case VIRTIO_BLK_T_FLUSH:
        return 0;
    case VIRTIO_BLK_T_GET_ID:
        return virtio_chain_write(&b->vp, c, 0, b->serial,
                                  in_len < VIRTIO_BLK_ID_BYTES ? in_len : VIRTIO_BLK_ID_BYTES);
    default:
        *status = VIRTIO_BLK_S_UNSUPP;
        return 0;
    }
    *status = VIRTIO_BLK_S_IOERR;
    return 0;
}

/* One request: CAIRN_EINVAL if the chain is malformed (the device broke). */
static cairn_status_t blk_request(struct virtio_blk *b, const struct virtio_chain *c,
                                  uint32_t *used)
{
    struct blk_hdr h;
    uint8_t status;
    if (c->rlen < sizeof(h) || c->wlen < 1) {
        virtio_error(&b->vp, "virtio-blk: request without header or status byte");
        return CAIRN_EINVAL;
    }
    virtio_chain_read(&b->vp, c, 0, &h, sizeof(h));
    uint64_t n = blk_do(b, c, &h, &status);
    n += virtio_chain_write(&b->vp, c, c->wlen - 1, &status, 1);
    *used = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    return CAIRN_OK;
}

static void blk_notify(struct virtio_pci *vp, unsigned q)
{
    struct virtio_blk *b = (struct virtio_blk *)vp;
    uint32_t used;
    while (virtio_pop(vp, q, &vp->chain) == CAIRN_OK &&
           blk_request(b, &vp->chain, &used) == CAIRN_OK)
        virtio_push(vp, q, &vp->chain, used);
    virtio_interrupt(vp, q);
}

void virtio_blk_init(struct virtio_blk *b, const struct virtio_pci_params *p, uint8_t *data, uint64_t size,
                     bool read_only, const char *serial)
{
    uint32_t features = 1u << VIRTIO_BLK_F_SEG_MAX | (read_only ? 1u << VIRTIO_BLK_F_RO : 0);
    virtio_pci_init(&b->vp, p, VIRTIO_ID_BLOCK, 0x010000 /* SCSI storage, as QEMU */, 1, features, CFG_LEN,
                    blk_notify);
    b->data = data;
    b->size = size - size % VIRTIO_BLK_SECTOR;
    b->read_only = read_only;
    memset(b->serial, 0, sizeof(b->serial));
    if (serial)
        memcpy(b->serial, serial, strnlen(serial, sizeof(b->serial)));
    wr64(b->vp.config + CFG_CAPACITY, b->size / VIRTIO_BLK_SECTOR);
    wr32(b->vp.config + CFG_SEG_MAX, VIRTIO_QUEUE_SIZE - 2);
}
