/* x86 instruction decoder and emulator for MMIO exits: see insn.h. */
#include "insn.h"

#include <string.h>

#define REX_W 8
#define REX_R 4
#define REX_X 2
#define REX_B 1

#define FL_CF 0x001u
#define FL_PF 0x004u
#define FL_AF 0x010u
#define FL_ZF 0x040u
#define FL_SF 0x080u
#define FL_OF 0x800u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

struct cursor {
    const uint8_t *b;
    size_t len, pos;
};

/* The next byte into *b. */
static cairn_status_t fetch(struct cursor *c, uint8_t *b)
{
    if (c->pos >= INSN_MAX_LEN)
        return CAIRN_ETOOLONG;
    if (c->pos >= c->len)
        return CAIRN_ETRUNC;
    *b = c->b[c->pos++];
    return CAIRN_OK;
}

/* A little-endian value of n bytes (1, 2, 4, 8), sign-extended if sx. */
static cairn_status_t fetch_n(struct cursor *c, unsigned n, bool sx, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++) {
        uint8_t x;
        cairn_status_t st = fetch(c, &x);
        if (st)
            return st;
        v |= (uint64_t)x << (8 * k);
    }
    if (sx && n < 8 && (v >> (8 * n - 1)) & 1)
        v |= ~0ull << (8 * n);
    *out = v;
    return CAIRN_OK;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* ModRM memory operand (and SIB, displacement). */
static cairn_status_t decode_modrm(struct insn *i, struct cursor *c)
{
    uint8_t m;
    cairn_status_t st = fetch(c, &m);
    if (st)
        return st;
    i->modrm = (uint8_t)m;
    i->has_modrm = true;
    unsigned mod = (unsigned)m >> 6, rm = (unsigned)m & 7;
    i->reg = (uint8_t)((((unsigned)m >> 3) & 7) | (i->rex & REX_R ? 8 : 0));
    if (mod == 3)
        return CAIRN_EINVAL; /* a register operand made no memory access */
    i->base = i->index = INSN_NO_REG;
    i->scale = 1;
    unsigned dispsize = mod == 1 ? 1 : 0;
    bool ss = false;

    if (i->addrsize == 2) {
        static const uint8_t base16[8] = { 3, 3, 5, 5, 6, 7, 5, 3 };     /* bx bx bp bp si di bp bx */
        static const uint8_t index16[8] = { 6, 7, 6, 7, INSN_NO_REG, INSN_NO_REG, INSN_NO_REG,
                                            INSN_NO_REG };              /* si di si di */
        if (mod == 0 && rm == 6) {
            dispsize = 2;
        } else {
            i->base = base16[rm];
            i->index = index16[rm];
            ss = i->base == 5;
            if (mod == 2)
                dispsize = 2;
        }
    } else {
        if (mod == 2)
            dispsize = 4;
        if (rm == 4) {
            uint8_t s;
            if ((st = fetch(c, &s)))
                return st;
            i->sib = s;
            i->has_sib = true;
            unsigned idx = (((unsigned)s >> 3) & 7) | (i->rex & REX_X ? 8 : 0);
            if (idx != 4)
                i->index = (uint8_t)idx;
            i->scale = (uint8_t)(1u << ((unsigned)s >> 6));
            if ((s & 7) == 5 && mod == 0)
                dispsize = 4;
            else
                i->base = (uint8_t)((s & 7) | (i->rex & REX_B ? 8 : 0));
        } else if (rm == 5 && mod == 0) {
            dispsize = 4;
            i->rip_rel = i->mode == INSN_64;
        } else {
            i->base = (uint8_t)(rm | (i->rex & REX_B ? 8 : 0));
        }
        ss = i->base == 4 || i->base == 5;
    }
    if (!i->seg_override)
        i->seg = ss ? INSN_SEG_SS : INSN_SEG_DS;
    return dispsize ? fetch_n(c, dispsize, true, &i->disp) : CAIRN_OK;
}

/* The immediate of the operation size: ib, iw, or id (sign-extended if 8). */
static cairn_status_t decode_imm(struct insn *i, struct cursor *c, bool byte)
{
    unsigned n = byte ? 1 : i->opsize == 2 ? 2 : 4;
    i->src_imm = true;
    return fetch_n(c, n, true, &i->imm);
}

cairn_status_t insn_decode(struct insn *i, const uint8_t *bytes, size_t len, enum insn_mode mode)
{
    if (!i || (!bytes && len) || (mode != INSN_16 && mode != INSN_32 && mode != INSN_64))
        return CAIRN_EPAR;
    memset(i, 0, sizeof *i);
    i->mode = (uint8_t)mode;
    i->seg = INSN_SEG_DS;
    i->base = i->index = INSN_NO_REG;
    i->scale = 1;
    struct cursor c = { bytes, len, 0 };
    bool opsz = false, adsz = false;
    uint8_t op;
    cairn_status_t err;

    /* Prefixes. A REX counts only directly before the opcode. */
    for (;;) {
        if ((err = fetch(&c, &op)))
            return err;
        switch (op) {
        case 0x66: opsz = true; break;
        case 0x67: adsz = true; break;
        case 0xf0: i->lock = true; break;
        case 0xf2: i->repne = true; break;
        case 0xf3: i->rep = true; break;
        case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
            i->seg = (uint8_t)(op == 0x64 ? INSN_SEG_FS : op == 0x65 ? INSN_SEG_GS : (op >> 3) & 3);
            i->seg_override = true;
            break;
        default:
            if (mode == INSN_64 && (op & 0xf0) == 0x40) {
                i->rex = (uint8_t)op;
                continue;
            }
            goto opcode;
        }
        i->rex = 0;
    }
opcode:
    switch (mode) {
    case INSN_64:
        i->opsize = i->rex & REX_W ? 8 : opsz ? 2 : 4;
        i->addrsize = adsz ? 4 : 8;
        break;
    case INSN_32:
        i->opsize = opsz ? 2 : 4;
        i->addrsize = adsz ? 2 : 4;
        break;
    default:
        i->opsize = opsz ? 4 : 2;
        i->addrsize = adsz ? 4 : 2;
        break;
    }

    bool byte = !(op & 1); /* for most opcodes here, bit 0 clear = 8-bit */
    if (op == 0x0f) {
        if ((err = fetch(&c, &op)))
            return err;
        if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
            return CAIRN_EUNSUP;
        i->op = op >= 0xbe ? INSN_MOVSX : INSN_MOVZX;
        i->memsize = op & 1 ? 2 : 1;
        i->mem_read = true;
        if ((err = decode_modrm(i, &c)))
            return err;
    } else if (op < 0x40 && (op & 7) < 4) {
        /* ALU r/m,reg (bit 1 clear) or reg,r/m (bit 1 set) */
        i->op = (uint8_t)(op >> 3);
        if (byte)
            i->opsize = 1;
        i->mem_dst = !(op & 2);
        if ((err = decode_modrm(i, &c)))
            return err;
    } else if (op >= 0x80 && op <= 0x83) {
        if (op == 0x82 && mode == INSN_64)
            return CAIRN_EUNSUP;
        if (op != 0x81)
            i->opsize = op == 0x83 ? i->opsize : 1;
        i->mem_dst = true;
        if ((err = decode_modrm(i, &c)))
            return err;
        i->op = i->modrm >> 3 & 7;
        if ((err = decode_imm(i, &c, op != 0x81)))
            return err;
    } else if (op == 0x84 || op == 0x85 || op == 0x86 || op == 0x87 || (op >= 0x88 && op <= 0x8b)) {
        i->op = op <= 0x85 ? INSN_TEST : op <= 0x87 ? INSN_XCHG : INSN_MOV;
        if (byte)
            i->opsize = 1;
        i->mem_dst = op <= 0x89;
        if ((err = decode_modrm(i, &c)))
            return err;
    } else if (op >= 0xa0 && op <= 0xa3) {
        i->op = INSN_MOV;
        if (byte)
            i->opsize = 1;
        i->mem_dst = op >= 0xa2;
        i->moffs = true;
        i->reg = 0;
        if ((err = fetch_n(&c, i->addrsize, false, &i->disp)))
            return err;
    } else if (op == 0xc6 || op == 0xc7 || op == 0xf6 || op == 0xf7) {
        i->op = op <= 0xc7 ? INSN_MOV : INSN_TEST;
        if (byte)
            i->opsize = 1;
        i->mem_dst = true;
        if ((err = decode_modrm(i, &c)))
            return err;
        unsigned digit = i->modrm >> 3 & 7;
        if (op <= 0xc7 ? digit != 0 : digit > 1)
            return CAIRN_EUNSUP;
        if ((err = decode_imm(i, &c, byte)))
            return err;
    } else {
        return CAIRN_EUNSUP;
    }

    if (i->src_imm)
        i->reg = 0;
    else if (i->opsize == 1 && !i->rex && i->reg >= 4 && i->reg < 8) {
        i->reg -= 4;
        i->reg_high = true;
    }
    if (!i->memsize)
        i->memsize = i->opsize;
    switch (i->op) {
    case INSN_MOV:
        i->mem_write = i->mem_dst;
        i->mem_read = !i->mem_dst;
        break;
    case INSN_CMP:
    case INSN_TEST:
    case INSN_MOVZX:
    case INSN_MOVSX:
        i->mem_read = true;
        break;
    case INSN_XCHG:
        i->mem_read = i->mem_write = true;
        break;
    default: /* ALU */
        i->mem_read = true;
        i->mem_write = i->mem_dst;
        break;
    }
    /* LOCK is legal only on a read-modify-write of memory. */
    if (i->lock && !(i->mem_read && i->mem_write))
        return CAIRN_EINVAL; /* LOCK here: the CPU raises #UD */
    i->len = (uint8_t)c.pos;
    return CAIRN_OK;
}

uint64_t insn_ea(const struct insn *i, const struct insn_regs *r, uint64_t seg_base)
{
    uint64_t amask = size_mask(i->addrsize);
    uint64_t ea;
    if (i->moffs) {
        ea = i->disp;
    } else if (i->rip_rel) {
        ea = r->rip + i->len + i->disp;
    } else {
        ea = i->disp;
        if (i->base < 16)
            ea += r->gpr[i->base];
        if (i->index < 16)
            ea += r->gpr[i->index] * i->scale;
    }
    ea &= amask;
    if (i->mode == INSN_64)
        return i->seg == INSN_SEG_FS || i->seg == INSN_SEG_GS ? ea + seg_base : ea;
    return (ea + seg_base) & 0xffffffffu;
}

static uint64_t get_reg(const struct insn_regs *r, unsigned reg, bool high, unsigned size)
{
    if (high)
        return (r->gpr[reg] >> 8) & 0xff;
    return r->gpr[reg] & size_mask(size);
}

/* The register after writing v of size: 4 zero-extends, 1 and 2 merge. */
static uint64_t put_reg(uint64_t old, bool high, unsigned size, uint64_t v)
{
    if (high)
        return (old & ~0xff00ull) | (v & 0xff) << 8;
    if (size >= 4)
        return v & size_mask(size);
    return (old & ~size_mask(size)) | (v & size_mask(size));
}

static bool parity_even(uint64_t v)
{
    unsigned b = (unsigned)v & 0xff;
    b ^= b >> 4;
    b ^= b >> 2;
    b ^= b >> 1;
    return !(b & 1);
}

/* a op b of size bytes; the arithmetic flags of *fl are replaced. */
static uint64_t alu(unsigned op, uint64_t a, uint64_t b, unsigned size, uint64_t *fl)
{
    uint64_t mask = size_mask(size), sign = 1ull << (8 * size - 1);
    uint64_t res, cin = *fl & FL_CF;
    bool cf = false, of = false, af = false;
    a &= mask;
    b &= mask;
    switch (op) {
    case INSN_ADD:
    case INSN_ADC:
        if (op == INSN_ADD)
            cin = 0;
        res = (a + b + cin) & mask;
        cf = cin ? res <= a : res < a;
        of = (a ^ res) & (b ^ res) & sign;
        af = (a ^ b ^ res) & 0x10;
        break;
    case INSN_SUB:
    case INSN_SBB:
    case INSN_CMP:
        if (op != INSN_SBB)
            cin = 0;
        res = (a - b - cin) & mask;
        cf = cin ? a <= b : a < b;
        of = (a ^ b) & (a ^ res) & sign;
        af = (a ^ b ^ res) & 0x10;
        break;
    case INSN_OR:
        res = a | b;
        break;
    case INSN_XOR:
        res = a ^ b;
        break;
    default: /* AND, TEST */
        res = a & b;
        break;
    }
    uint64_t f = *fl & ~(uint64_t)FL_ARITH;
    f |= (cf ? FL_CF : 0) | (of ? FL_OF : 0) | (af ? FL_AF : 0);
    f |= (res == 0 ? FL_ZF : 0) | (res & sign ? FL_SF : 0) | (parity_even(res) ? FL_PF : 0);
    *fl = f;
    return res;
}

static uint64_t extend(uint64_t v, unsigned from, bool sx)
{
    v &= size_mask(from);
    if (sx && from < 8 && (v >> (8 * from - 1)) & 1)
        v |= ~0ull << (8 * from);
    return v;
}

cairn_status_t insn_emulate(const struct insn *i, struct insn_regs *r, uint64_t gpa,
                            cairn_status_t (*mmio)(void *ctx, uint64_t gpa, unsigned size, bool write,
                                                   uint64_t *value),
                            void *ctx)
{
    if (!i || !r || !mmio || i->reg > 15 || i->op > INSN_XCHG || i->len == 0 ||
        i->len > INSN_MAX_LEN || (i->opsize != 1 && i->opsize != 2 && i->opsize != 4 && i->opsize != 8) ||
        (i->memsize != 1 && i->memsize != 2 && i->memsize != 4 && i->memsize != 8))
        return CAIRN_EPAR;
    unsigned size = i->opsize, msize = i->memsize;
    uint64_t src = i->src_imm ? i->imm : get_reg(r, i->reg, i->reg_high, size);
    uint64_t fl = r->rflags, mem = 0, v;
    bool set_reg = false;
    uint64_t reg_val = 0;
    cairn_status_t st;

    if (i->mem_read) {
        if ((st = mmio(ctx, gpa, msize, false, &mem)))
            return st;
        mem &= size_mask(msize);
    }
    switch (i->op) {
    case INSN_MOV:
        if (i->mem_dst) {
            v = src & size_mask(msize);
            if ((st = mmio(ctx, gpa, msize, true, &v)))
                return st;
        } else {
            set_reg = true;
            reg_val = mem;
        }
        break;
    case INSN_MOVZX:
    case INSN_MOVSX:
        set_reg = true;
        reg_val = extend(mem, msize, i->op == INSN_MOVSX);
        break;
    case INSN_XCHG:
        v = src & size_mask(msize);
        if ((st = mmio(ctx, gpa, msize, true, &v)))
            return st;
        set_reg = true;
        reg_val = mem;
        break;
    default: /* ALU, TEST */
        if (i->mem_dst) {
            v = alu(i->op, mem, src, size, &fl);
            if (i->mem_write && (st = mmio(ctx, gpa, msize, true, &v)))
                return st;
        } else {
            reg_val = alu(i->op, src, mem, size, &fl);
            set_reg = i->op != INSN_CMP && i->op != INSN_TEST;
        }
        break;
    }
    if (set_reg)
        r->gpr[i->reg] = put_reg(r->gpr[i->reg], i->reg_high, size, reg_val);
    r->rflags = fl;
    uint64_t rip = r->rip + i->len;
    r->rip = i->mode == INSN_64 ? rip : i->mode == INSN_32 ? rip & 0xffffffffu : rip & 0xffff;
    return CAIRN_OK;
}
