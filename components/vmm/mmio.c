/*
 * Memory-mapped devices (mmio): a nested page fault inside a device's
 * window (iomap.c) is the guest's instruction touching the device. The
 * VMM fetches it through the guest's page tables (gmem.c), decodes it
 * and carries it out against the device (insn.c); any other nested page
 * fault, or an instruction the decoder does not know, stops the VM. Every
 * MMIO exit counts its address.
 */
#include "vmm.h"
#include "gmem.h"
#include "insn.h"
#include "iomap.h"

/* The instruction bytes at the guest's RIP (up to 15, fewer at the end of
 * its RAM); 0 if its RIP does not map to RAM. */
size_t vmm_fetch(const struct cairn_exc *x, uint8_t *buf)
{
    const struct gmem_paging g = { x->cr0, x->cr3, x->cr4, x->efer };
    bool lm = (x->efer & EFER_LMA) && (x->cs.ar & 0x200);
    return gmem_read(&vmm.mem, &g, x->rip + (lm ? 0 : x->cs.base), buf, INSN_MAX_LEN);
}

static cairn_status_t vmm_mmio_access(void *ctx, uint64_t gpa, unsigned size, bool write,
                                      uint64_t *value)
{
    const struct vmm_mmio_range *m = ctx;
    if (gpa - m->base >= m->size || size > m->size - (gpa - m->base))
        return CAIRN_EFAULT; /* the access leaves the device's window */
    if (write)
        m->ops->write(m->dev, gpa - m->base, size, *value);
    else
        *value = m->ops->read(m->dev, gpa - m->base, size);
    return CAIRN_OK;
}

/* A nested page fault: emulate the instruction if it touched a device,
 * else stop the VM. */
uint64_t vmm_npf(struct cairn_exc *x)
{
    uint64_t gpa = x->qual[1];
    const struct vmm_mmio_range *m = vmm_mmio_find(gpa);
    if (!m) {
        vmm_stop(x, "access outside guest RAM", gpa);
        return 0;
    }
    vmm_count(vmm.mmio, (uint32_t)gpa); /* device windows are below 4 GiB */
    uint8_t bytes[INSN_MAX_LEN];
    struct insn in;
    size_t n = vmm_fetch(x, bytes);
    enum insn_mode mode = (x->efer & 0x400) && (x->cs.ar & 0x200) ? INSN_64
                          : (x->cs.ar & 0x400)                    ? INSN_32 : INSN_16;
    cairn_status_t err = n ? insn_decode(&in, bytes, n, mode) : CAIRN_ETRUNC;
    struct insn_regs r = { .gpr = { x->rax, x->rcx, x->rdx, x->rbx, x->rsp, x->rbp, x->rsi, x->rdi,
                                    x->r8, x->r9, x->r10, x->r11, x->r12, x->r13, x->r14, x->r15 },
                           .rip = x->rip, .rflags = x->rflags };
    if (!err)
        err = insn_emulate(&in, &r, gpa, vmm_mmio_access, (void *)m);
    if (err) {
        vmm_stop(x, "an instruction on a device the VMM cannot emulate", gpa);
        return 0;
    }
    uint64_t *g[16] = { &x->rax, &x->rcx, &x->rdx, &x->rbx, &x->rsp, &x->rbp, &x->rsi, &x->rdi,
                        &x->r8, &x->r9, &x->r10, &x->r11, &x->r12, &x->r13, &x->r14, &x->r15 };
    for (unsigned i = 0; i < 16; i++)
        *g[i] = r.gpr[i];
    x->rip = r.rip, x->rflags = r.rflags;
    return CAIRN_MTD_GPR_ALL | CAIRN_MTD_RSP | CAIRN_MTD_RIP | CAIRN_MTD_RFLAGS;
}
