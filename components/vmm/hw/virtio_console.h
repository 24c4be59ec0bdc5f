/*
 * virtio console (virtio_console): one serial port over the legacy
 * virtio PCI transport (virtio_pci.h), no multiport, no size, no
 * emergency write; Linux's virtio_console makes it /dev/hvc0.
 *
 * Queue 0 (receiveq) takes the driver's empty buffers, which the VMM
 * fills with virtio_console_input; queue 1 (transmitq) carries the
 * guest's output: every readable byte of a chain goes to the tx callback
 * at once, and the chain is returned with used length 0. The
 * configuration (cols, rows, max_nr_ports, emerg_wr) reads 0.
 */
#pragma once

#include "virtio_pci.h"

#define VIRTIO_ID_CONSOLE 3

#define VIRTIO_CONSOLE_RXQ 0
#define VIRTIO_CONSOLE_TXQ 1

struct virtio_console {
    struct virtio_pci vp; /* first: the transport */
    void (*tx)(void *ctx, uint8_t c);
    void *tx_ctx;
};

/* tx may be NULL (output dropped). Plug &c->vp.pci into the bus after. */
void virtio_console_init(struct virtio_console *c, const struct virtio_pci_params *p,
                         void (*tx)(void *ctx, uint8_t c), void *tx_ctx);

/* Put up to len bytes of input into the receive queue's buffers (and
 * interrupt the driver); returns how many went in: fewer when the driver
 * has no buffers available (or is not ready), then the caller keeps the
 * rest and offers it again later. */
size_t virtio_console_input(struct virtio_console *c, const uint8_t *buf, size_t len);
