/*
 * Port-I/O device interface (io): what every device model in hw/ shares.
 *
 * A model is a state struct plus two access callbacks,
 *
 *   uint32_t X_read(struct X *d, uint16_t port, unsigned size);
 *   void X_write(struct X *d, uint16_t port, unsigned size, uint32_t value);
 *
 * called by the VMM for each IN/OUT the guest does on the model's ports.
 * size is 1, 2 or 4; any other size is taken as 1 (vmm_io_size). The chips
 * here are all 8-bit parts, so a wider access is split, as the ISA bus
 * does, into byte accesses to port, port+1, ... (little-endian). A port
 * the model does not decode reads as all ones and ignores writes.
 *
 * The host's clock and interrupt lines are callbacks the VMM supplies;
 * either callback may be NULL (the clock then stands at 0, the line is
 * not wired). Models never allocate and accept any access sequence.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>

/* An interrupt line: level true = asserted. */
struct vmm_irq {
    void (*set)(void *ctx, unsigned line, bool level);
    void *ctx;
};

/* A monotonic clock in nanoseconds. */
struct vmm_clock {
    uint64_t (*now_ns)(void *ctx);
    void *ctx;
};

/* Type-erased access callbacks, registered with the ports they serve in
 * the VMM's device map (iomap.h); each model exports one as X_io_ops,
 * taking its struct X as dev. */
struct vmm_io_ops {
    uint32_t (*read)(void *dev, uint16_t port, unsigned size);
    void (*write)(void *dev, uint16_t port, unsigned size, uint32_t value);
};

#define VMM_NS_PER_S 1000000000ull

static inline void vmm_irq_set(const struct vmm_irq *irq, unsigned line, bool level)
{
    if (irq->set)
        irq->set(irq->ctx, line, level);
}

static inline uint64_t vmm_clock_now(const struct vmm_clock *clk)
{
    return clk->now_ns ? clk->now_ns(clk->ctx) : 0;
}

/* The access size a model honours: 1, 2 or 4. */
static inline unsigned vmm_io_size(unsigned size)
{
    return size == 2 || size == 4 ? size : 1;
}

/*
 * Memory-mapped devices: the VMM decodes the guest's instruction at a
 * nested page fault inside the device's window and calls these with the
 * offset from the window's base. size is 1, 2, 4 or 8.
 */
struct vmm_mmio_ops {
    uint64_t (*read)(void *dev, uint64_t offset, unsigned size);
    void (*write)(void *dev, uint64_t offset, unsigned size, uint64_t value);
};

/*
 * Guest-physical memory as the VMM sees it: guest RAM from 0 to size,
 * mapped at base. Devices that do DMA (virtio) reach guest memory only
 * through vmm_mem_ptr, which checks the whole range: a guest handing an
 * address outside its RAM gets NULL, never the VMM's memory.
 */
struct vmm_mem {
    uint8_t *base;
    uint64_t size;
};

static inline void *vmm_mem_ptr(const struct vmm_mem *m, uint64_t gpa, uint64_t len)
{
    if (gpa > m->size || len > m->size - gpa)
        return NULL;
    return m->base + gpa;
}
