/*
 * The guest's device map (iomap.h): two fixed tables of ranges, filled
 * by the devices' setup and searched on each port exit and nested page
 * fault.
 */
#include "iomap.h"

static struct vmm_io_range iomap_io[VMM_IO_RANGES];
static unsigned iomap_io_count;
static struct vmm_mmio_range iomap_mmio[VMM_MMIO_RANGES];
static unsigned iomap_mmio_count;

/* No device: the bus floats high, writes go nowhere. */
static uint32_t iomap_none_read(void *dev, uint16_t port, unsigned size) { return UINT32_MAX; }
static void iomap_none_write(void *dev, uint16_t port, unsigned size, uint32_t value) {}
static const struct vmm_io_ops iomap_none_ops = { iomap_none_read, iomap_none_write };

static struct vmm_io_range iomap_fallback = { 0, 0xffff, &iomap_none_ops, 0 };

cairn_status_t vmm_io_register(uint16_t first, uint16_t last, const struct vmm_io_ops *ops,
                               void *dev)
{
    if (first > last || !ops)
        return CAIRN_EINVAL;
    for (unsigned i = 0; i < iomap_io_count; i++)
        if (first <= iomap_io[i].last && iomap_io[i].first <= last)
            return CAIRN_EEXIST;
    if (iomap_io_count == VMM_IO_RANGES)
        return CAIRN_ENOMEM;
    iomap_io[iomap_io_count++] = (struct vmm_io_range){ first, last, ops, dev };
    return CAIRN_OK;
}

void vmm_io_fallback(const struct vmm_io_ops *ops, void *dev)
{
    iomap_fallback.ops = ops ? ops : &iomap_none_ops;
    iomap_fallback.dev = ops ? dev : 0;
}

const struct vmm_io_range *vmm_io_find(uint16_t port)
{
    for (unsigned i = 0; i < iomap_io_count; i++)
        if (port >= iomap_io[i].first && port <= iomap_io[i].last)
            return &iomap_io[i];
    return &iomap_fallback;
}

cairn_status_t vmm_mmio_register(uint64_t base, uint64_t size, const struct vmm_mmio_ops *ops,
                                 void *dev)
{
    if (!size || base + size < base || !ops)
        return CAIRN_EINVAL;
    for (unsigned i = 0; i < iomap_mmio_count; i++)
        if (base < iomap_mmio[i].base + iomap_mmio[i].size && iomap_mmio[i].base < base + size)
            return CAIRN_EEXIST;
    if (iomap_mmio_count == VMM_MMIO_RANGES)
        return CAIRN_ENOMEM;
    iomap_mmio[iomap_mmio_count++] = (struct vmm_mmio_range){ base, size, ops, dev };
    return CAIRN_OK;
}

const struct vmm_mmio_range *vmm_mmio_find(uint64_t gpa)
{
    for (unsigned i = 0; i < iomap_mmio_count; i++)
        if (gpa - iomap_mmio[i].base < iomap_mmio[i].size)
            return &iomap_mmio[i];
    return 0;
}
