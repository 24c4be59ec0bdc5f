/*
 * String port I/O (pio): INS/OUTS emulation, see pio.h.
 */
#include "pio.h"

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS };

/* The segment of OUTS's source from the prefixes before the opcode into
 * *seg (and in *a67 whether one is 67, the address-size override), or
 * CAIRN_EINVAL if the bytes are not an INS/OUTS in the exit's direction. */
static cairn_status_t pio_prefixes(const struct pio_string *s, bool in, unsigned *seg, bool *a67)
{
    static const uint8_t segs[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
    unsigned over = SEG_DS;
    size_t i = 0;
    for (*a67 = false; i < s->insn_len && i < 15; i++) {
        uint8_t b = s->insn[i];
        bool prefix = b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
                      (s->long_mode && (b & 0xf0) == 0x40);
        for (unsigned k = 0; k < 6; k++)
            if (b == segs[k])
                over = k, prefix = true;
        *a67 |= b == 0x67;
        if (!prefix)
            break;
    }
    if (i == s->insn_len || i == 15 || (s->insn[i] & 0xfe) != (in ? 0x6c : 0x6e))
        return CAIRN_EINVAL;
    *seg = in ? SEG_ES : over;
    return CAIRN_OK;
}

/* The address size's mask: EXITINFO1's, or if it has none (QEMU's SVM
 * gives none) the code segment's, switched by a 67 prefix. */
static uint64_t pio_addr_mask(const struct pio_string *s, bool a67)
{
    unsigned abits = (s->info >> PIO_A_SHIFT) & 7;
    if (!abits)
        abits = s->long_mode ? (a67 ? 2 : 4) : s->cs_d != a67 ? 2 : 1;
    return abits == 1 ? 0xffff : abits == 2 ? 0xffffffffull : abits == 4 ? ~0ull : 0;
}

/* reg advanced by delta within the address size (mask), as the CPU
 * writes it: 16 bits merge, 32 bits zero-extend. */
static uint64_t pio_step(uint64_t reg, int64_t delta, uint64_t mask)
{
    uint64_t v = (reg + (uint64_t)delta) & mask;
    return mask == 0xffff ? (reg & ~mask) | v : v;
}

cairn_status_t pio_string(struct pio_string *s, const struct pio_ops *ops, unsigned max)
{
    bool in = s->info & PIO_IN, rep = s->info & PIO_REP;
    unsigned szbits = (s->info >> PIO_SZ_SHIFT) & 7;
    unsigned size = szbits == 1 ? 1 : szbits == 2 ? 2 : szbits == 4 ? 4 : 0;
    uint16_t port = (uint16_t)(s->info >> 16);
    bool a67 = false;
    unsigned seg = SEG_DS;
    cairn_status_t st = pio_prefixes(s, in, &seg, &a67);
    uint64_t mask = pio_addr_mask(s, a67);
    if (!(s->info & PIO_STR) || !size || !mask || !max || st != CAIRN_OK ||
        (mask == ~0ull && !s->long_mode) || (mask == 0xffff && s->long_mode) ||
        s->next_rip - s->rip - 1 >= 15)
        return CAIRN_EINVAL;
    uint64_t base = !s->long_mode || seg >= SEG_FS ? s->seg_base[seg] : 0;
    uint64_t count = rep ? s->rcx & mask : 1, *idx = in ? &s->rdi : &s->rsi;
    int64_t delta = s->rflags & (1u << 10) ? -(int64_t)size : (int64_t)size; /* DF */
    for (; count && max; count--, max--) {
        uint64_t la = base + (*idx & mask);
        uint32_t v = 0;
        if (!s->long_mode)
            la &= 0xffffffffull;
        if (in)
            v = ops->in(ops->ctx, port, size);
        if ((st = ops->mem(ops->ctx, la, &v, size, in)) != CAIRN_OK) {
            s->fault = la;
            return st;
        }
        if (!in)
            ops->out(ops->ctx, port, size, v);
        *idx = pio_step(*idx, delta, mask);
        if (rep)
            s->rcx = pio_step(s->rcx, -1, mask);
    }
    if (!count)
        s->rip = s->next_rip; /* done; else the guest runs it again for the rest */
    return CAIRN_OK;
}
