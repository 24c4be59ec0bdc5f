/*
 * virtio block device (virtio_blk): a disk over the legacy virtio PCI
 * transport (virtio_pci.h), backed by a buffer of the caller's.
 *
 * One request queue (0). The configuration holds the capacity in 512-byte
 * sectors (the buffer's size rounded down) and seg_max; features offered:
 * VIRTIO_BLK_F_SEG_MAX (a queue's worth of descriptors, less header and
 * status) and VIRTIO_BLK_F_RO for a read-only disk. The device has no
 * write cache (no VIRTIO_BLK_F_FLUSH): a write is in the buffer when it
 * completes.
 *
 * A request is a chain of a 16-byte header {type, reserved, sector} in
 * its readable bytes, the data (readable for a write, writable for a
 * read), and a status byte, the last writable byte; the bytes may be
 * split over descriptors any way. Types: IN (read), OUT (write; IOERR on
 * a read-only disk), FLUSH (nothing to do), GET_ID (the 20-byte serial,
 * NUL-padded); any other is UNSUPP. A transfer that is not whole sectors
 * or leaves the disk fails with IOERR and touches nothing. The used length
 * is the number of bytes written into the guest's buffers (data and
 * status). A chain without a header or a status byte breaks the device
 * (NEEDS_RESET).
 */
#pragma once

#include "virtio_pci.h"

#define VIRTIO_ID_BLOCK 2

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_FLUSH    9

#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8

#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_SECTOR   512

struct virtio_blk {
    struct virtio_pci vp; /* first: the transport */
    uint8_t *data;
    uint64_t size; /* bytes the guest can reach: whole sectors */
    bool read_only;
    char serial[VIRTIO_BLK_ID_BYTES];
};

/* A disk of the size bytes at data (serial may be NULL: no serial, all
 * zero). Plug &b->vp.pci into the bus afterwards. */
void virtio_blk_init(struct virtio_blk *b, const struct virtio_pci_params *p, uint8_t *data, uint64_t size,
                     bool read_only, const char *serial);
