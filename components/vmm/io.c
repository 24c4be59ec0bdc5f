/*
 * Port I/O exits (io): IN and OUT go to the device model the port map
 * names (iomap.c); INS and OUTS are carried out element by element
 * (pio.c) between that device and guest memory, reached through the
 * guest's page tables (gmem.c). Every exit counts its port; writes to
 * port 0x80 (POST codes, the VM exit benchmark's port) are counted too.
 */
#include "vmm.h"
#include <cairn/fmt.h>
#include "gmem.h"
#include "insn.h"
#include "iomap.h"
#include "pio.h"

#define VMM_PIO_MAX 1024 /* elements of a REP per exit; the guest runs it again for more */

static uint32_t vmm_pio_in(void *ctx, uint16_t port, unsigned size)
{
    const struct vmm_io_range *dev = vmm_io_find(port);
    return (uint32_t)dev->ops->read(dev->dev, port, size);
}

static void vmm_pio_out(void *ctx, uint16_t port, unsigned size, uint32_t v)
{
    const struct vmm_io_range *dev = vmm_io_find(port);
    vmm.port80 += port == 0x80;
    dev->ops->write(dev->dev, port, size, v);
}

/* n bytes at guest-linear la, through the guest's page tables. */
static cairn_status_t vmm_pio_mem(void *ctx, uint64_t la, void *buf, unsigned n, bool write)
{
    const struct cairn_exc *x = ctx;
    const struct gmem_paging g = { x->cr0, x->cr3, x->cr4, x->efer };
    return gmem_copy(&vmm.mem, &g, la, buf, n, write);
}

/* INS/OUTS (pio.c); what it cannot carry out stops the VM, saying why. */
static uint64_t vmm_io_string(struct cairn_exc *x)
{
    static char why[120];
    uint8_t bytes[INSN_MAX_LEN];
    const struct cairn_seg *segs[6] = { &x->es, &x->cs, &x->ss, &x->ds, &x->fs, &x->gs };
    struct pio_string s = { .rcx = x->rcx, .rsi = x->rsi, .rdi = x->rdi, .rflags = x->rflags,
                            .rip = x->rip, .info = x->qual[0], .next_rip = x->qual[1],
                            .long_mode = (x->efer & EFER_LMA) && (x->cs.ar & 0x200),
                            .cs_d = x->cs.ar & 0x400, .insn = bytes };
    struct pio_ops ops = { vmm_pio_in, vmm_pio_out, vmm_pio_mem, x };
    for (unsigned i = 0; i < 6; i++)
        s.seg_base[i] = segs[i]->base;
    s.insn_len = vmm_fetch(x, bytes);
    cairn_status_t err = pio_string(&s, &ops, VMM_PIO_MAX);
    if (err == CAIRN_EFAULT)
        snprintf(why, sizeof(why), "string I/O on port %#x with guest-linear %#lx, which is not "
                 "in guest RAM", (unsigned)(x->qual[0] >> 16), (unsigned long)s.fault);
    if (err) {
        vmm_stop(x, err == CAIRN_EFAULT ? why : "a string I/O instruction the VMM cannot decode", 0);
        return 0;
    }
    x->rcx = s.rcx, x->rsi = s.rsi, x->rdi = s.rdi, x->rip = s.rip;
    return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB | CAIRN_MTD_GPR_BSD;
}

uint64_t vmm_io(struct cairn_exc *x)
{
    unsigned port = (unsigned)(x->qual[0] >> 16), in = x->qual[0] & 1;
    unsigned size = (x->qual[0] >> 4) & 7; /* SZ8/SZ16/SZ32: 1, 2, 4 */
    const struct vmm_io_range *dev = vmm_io_find((uint16_t)port);
    vmm_count(vmm.io, port);
    if (x->qual[0] & PIO_STR)
        return vmm_io_string(x);
    x->rip = x->qual[1];
    size = size ? size : 1;
    if (in) {
        /* no device: the bus floats high (the PCI fallback reads all ones);
         * only the accessed bytes change */
        uint64_t mask = (1ull << (8 * size)) - 1;
        uint64_t v = dev->ops->read(dev->dev, (uint16_t)port, size);
        x->rax = (x->rax & ~mask) | (v & mask);
        return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB;
    }
    if (port == 0x80)
        vmm.port80++;
    dev->ops->write(dev->dev, (uint16_t)port, size, (uint32_t)x->rax);
    return CAIRN_MTD_RIP;
}
