/* virtio console (virtio_console). */
#include "virtio_console.h"

#include <string.h>

#define CFG_LEN 12 /* cols, rows (le16), max_nr_ports, emerg_wr (le32) */

/* Send a transmit chain's readable bytes out. */
static void transmit(struct virtio_console *c, const struct virtio_chain *ch)
{
    uint8_t chunk[64];
    uint64_t off = 0, n;
    while ((n = virtio_chain_read(&c->vp, ch, off, chunk, sizeof(chunk))) != 0) {
        for (uint64_t i = 0; i < n && c->tx; i++)
            c->tx(c->tx_ctx, chunk[i]);
        off += n;
    }
}

static void console_notify(struct virtio_pci *vp, unsigned q)
{
    struct virtio_console *c = (struct virtio_console *)vp;
    if (q != VIRTIO_CONSOLE_TXQ)
        return; /* receive buffers wait for input */
    while (virtio_pop(vp, q, &vp->chain) == CAIRN_OK) {
        transmit(c, &vp->chain);
        virtio_push(vp, q, &vp->chain, 0);
    }
    virtio_interrupt(vp, q);
}

size_t virtio_console_input(struct virtio_console *c, const uint8_t *buf, size_t len)
{
    struct virtio_pci *vp = &c->vp;
    size_t done = 0;
    while (done < len && virtio_pop(vp, VIRTIO_CONSOLE_RXQ, &vp->chain) == CAIRN_OK) {
        uint64_t want = len - done < UINT32_MAX ? len - done : UINT32_MAX;
        uint64_t n = virtio_chain_write(vp, &vp->chain, 0, buf + done, want);
        virtio_push(vp, VIRTIO_CONSOLE_RXQ, &vp->chain, (uint32_t)n);
        done += (size_t)n;
    }
    virtio_interrupt(vp, VIRTIO_CONSOLE_RXQ);
    return done;
}

void virtio_console_init(struct virtio_console *c, const struct virtio_pci_params *p,
                         void (*tx)(void *ctx, uint8_t c), void *tx_ctx)
{
    virtio_pci_init(&c->vp, p, VIRTIO_ID_CONSOLE, 0x078000 /* other communication, as QEMU */, 2, 0,
                    CFG_LEN, console_notify);
    c->tx = tx;
    c->tx_ctx = tx_ctx;
}
