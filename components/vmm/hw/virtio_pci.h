/*
 * Legacy virtio PCI transport (virtio_pci): a "transitional" virtio 0.9.5
 * device as Linux's virtio_pci driver takes it over its legacy path (no
 * capabilities list, so its modern probe leaves the device alone), with
 * an I/O BAR and INTx only.
 *
 * PCI identity: vendor 0x1af4, the spec's transitional device ID (0x1001
 * block, 0x1003 console; in 0x1000-0x103f, the range Linux's legacy probe
 * takes), subsystem 0x1af4:<virtio device id>, which is what the driver
 * goes by, and revision 0 (the legacy ABI version). BAR0 (I/O) registers:
 *
 *   0x00 host features (32, read-only)   0x04 guest features (32)
 *   0x08 queue PFN (32; 0 resets the queue)  0x0c queue size (16, RO)
 *   0x0e queue select (16)   0x10 queue notify (16)
 *   0x12 device status (8; writing 0 resets the device)
 *   0x13 ISR (8; reading returns and clears it, dropping INTx)
 *   0x14 on: the device-specific configuration (writes ignored)
 *
 * A register is written by an access starting at its offset, the value
 * cut to its width (as QEMU); reads may take any bytes. Queues are split
 * virtqueues of VIRTIO_QUEUE_SIZE entries at PFN * 4096 in guest memory,
 * the legacy layout (descriptors, available ring, used ring at the next
 * 4096 boundary). Features offered by the transport: indirect
 * descriptors (VIRTIO_RING_F_INDIRECT_DESC, only as a chain's head).
 *
 * The device works synchronously: a notify, or the driver setting
 * DRIVER_OK, runs the backend's notify callback for the queue(s), which
 * pops chains (virtio_pop), reads and writes their buffers
 * (virtio_chain_read/write) and returns them (virtio_push); a batch ends
 * with virtio_interrupt, which raises ISR bit 0 and INTx unless the driver
 * set VRING_AVAIL_F_NO_INTERRUPT. Nothing is consumed before DRIVER_OK.
 *
 * Guest memory is reached only through vmm_mem_ptr. A malformed queue
 * (a ring or buffer outside guest RAM, a bad head or next index, a chain
 * longer than the queue, an available index more than a queue ahead, an
 * unnegotiated or nested indirect table) puts the device in NEEDS_RESET
 * (status bit 0x40): it processes nothing more until the driver resets
 * it, and the error callback, if any, gets a message.
 */
#pragma once

#include "io.h"
#include "pci.h"

#define VIRTIO_QUEUE_SIZE 128
#define VIRTIO_MAX_QUEUES 2
#define VIRTIO_CONFIG_MAX 64

#define VIRTIO_PCI_VENDOR 0x1af4

/* BAR0 registers. */
#define VIRTIO_PCI_HOST_FEATURES  0x00
#define VIRTIO_PCI_GUEST_FEATURES 0x04
#define VIRTIO_PCI_QUEUE_PFN      0x08
#define VIRTIO_PCI_QUEUE_NUM      0x0c
#define VIRTIO_PCI_QUEUE_SEL      0x0e
#define VIRTIO_PCI_QUEUE_NOTIFY   0x10
#define VIRTIO_PCI_STATUS         0x12
#define VIRTIO_PCI_ISR            0x13
#define VIRTIO_PCI_CONFIG         0x14

#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12
#define VIRTIO_PCI_VRING_ALIGN      4096

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER      0x02
#define VIRTIO_STATUS_DRIVER_OK   0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED      0x80

#define VIRTIO_ISR_QUEUE  0x01
#define VIRTIO_ISR_CONFIG 0x02

#define VIRTIO_RING_F_INDIRECT_DESC 28

/* Split virtqueue layout. */
#define VRING_DESC_F_NEXT          1
#define VRING_DESC_F_WRITE         2
#define VRING_DESC_F_INDIRECT      4
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct virtio_queue {
    uint32_t pfn; /* 0: not set up */
    uint64_t desc, avail, used; /* guest-physical addresses */
    uint16_t last_avail; /* next available entry to take */
    uint16_t used_idx;   /* the used ring's idx, as we wrote it */
    bool pushed;         /* used entries since the last virtio_interrupt */
};

/* One buffer of a chain, checked to lie in guest RAM. */
struct virtio_buf {
    uint64_t addr;
    uint32_t len;
    bool writable;
};

/* A descriptor chain as popped: its buffers, readable and writable, in
 * order; rlen/wlen are the readable/writable byte totals. */
struct virtio_chain {
    uint16_t head;
    unsigned n;
    uint64_t rlen, wlen;
    struct virtio_buf buf[VIRTIO_QUEUE_SIZE];
};

struct virtio_pci {
    struct pci_dev pci;
    struct vmm_mem mem;
    uint32_t host_features, guest_features;
    uint16_t queue_sel;
    uint8_t status, isr;
    unsigned nqueues;
    struct virtio_queue q[VIRTIO_MAX_QUEUES];
    uint8_t config[VIRTIO_CONFIG_MAX]; /* device-specific, little-endian */
    unsigned config_len;
    /* The backend: runs queue q after a notify (the device is ready). */
    void (*notify)(struct virtio_pci *v, unsigned q);
    void (*error)(void *ctx, const char *msg);
    void *error_ctx;
    struct virtio_chain chain; /* scratch for the backend's pops */
};

/* Parameters common to every virtio PCI device. */
struct virtio_pci_params {
    struct vmm_mem mem;  /* guest RAM */
    uint16_t io_base;    /* BAR0, firmware-assigned (0: unassigned) */
    struct vmm_irq irq;  /* INTA goes to irq_line of irq */
    unsigned irq_line;
    void (*error)(void *ctx, const char *msg); /* may be NULL */
    void *error_ctx;
};

/* Set up the transport for virtio device type id (PCI class class_code)
 * with nqueues queues (at most VIRTIO_MAX_QUEUES), the given device
 * features and config_len bytes of configuration (at most
 * VIRTIO_CONFIG_MAX; the caller fills v->config). BAR0 is the smallest
 * power of two holding the registers and the configuration. Plug &v->pci
 * into a bus afterwards. */
void virtio_pci_init(struct virtio_pci *v, const struct virtio_pci_params *p, uint16_t id,
                     uint32_t class_code, unsigned nqueues, uint32_t features, unsigned config_len,
                     void (*notify)(struct virtio_pci *v, unsigned q));

/* BAR0 accesses; port is the offset in the BAR. */
uint32_t virtio_pci_read(struct virtio_pci *v, uint16_t port, unsigned size);
void virtio_pci_write(struct virtio_pci *v, uint16_t port, unsigned size, uint32_t value);
extern const struct vmm_io_ops virtio_pci_bar_ops; /* dev: struct virtio_pci */

/* DRIVER_OK set and no NEEDS_RESET: the device may use its queues. */
bool virtio_ready(const struct virtio_pci *v);
/* Mark the device broken (NEEDS_RESET) and report msg. */
void virtio_error(struct virtio_pci *v, const char *msg);

/* Take the next available chain of queue q into c: CAIRN_OK;
 * CAIRN_ENOTFOUND if there is none or the device is not ready; another
 * error if the chain was malformed (then the device is in NEEDS_RESET). */
cairn_status_t virtio_pop(struct virtio_pci *v, unsigned q, struct virtio_chain *c);
/* Return c to the driver with len bytes written into its buffers. */
void virtio_push(struct virtio_pci *v, unsigned q, const struct virtio_chain *c, uint32_t len);
/* After pushing: interrupt the driver unless it asked not to be. */
void virtio_interrupt(struct virtio_pci *v, unsigned q);

/* Copy bytes off..off+len of the chain's readable (resp. writable)
 * buffers, taken as one stream, to dst (from src); returns how many
 * were copied (fewer if the stream ends). */
uint64_t virtio_chain_read(const struct virtio_pci *v, const struct virtio_chain *c, uint64_t off,
                           void *dst, uint64_t len);
uint64_t virtio_chain_write(const struct virtio_pci *v, const struct virtio_chain *c, uint64_t off,
                            const void *src, uint64_t len);
