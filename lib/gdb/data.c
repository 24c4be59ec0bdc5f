/*
 * GDB engine: registers (g G p P) of the Hg thread and memory (m M X) of
 * its process. Memory reads show the original bytes under the engine's
 * breakpoints; writes there change what a removal restores.
 */
#include "internal.h"

#include <string.h>

/* --- registers -------------------------------------------------------------------- */

/* G: all registers; a shorter set replaces the first ones only. */
static const char *gdb_regs_write_all(struct gdb *g, struct gdb_in *in, struct gdb_tid t)
{
    size_t n = (size_t)(in->end - in->p);

    if (n % 2 || n / 2 > GDB_REGS_SIZE || !gdb_in_bytes(in, g->regs, n / 2))
        return GDB_E_INVAL;
    return g->target->write_regs(g->ctx, t, g->regs) == CAIRN_OK ? "OK" : GDB_E_TARGET;
}

/* p n, P n=value */
static const char *gdb_regs_one(struct gdb *g, struct gdb_in *in, struct gdb_tid t, bool write)
{
    uint64_t r;
    size_t off, size;

    if (!gdb_in_hex(in, &r) || r >= GDB_REG_COUNT || (write && !gdb_in_eat(in, '=')))
        return GDB_E_INVAL;
    off = gdb_reg_offset((unsigned)r);
    size = gdb_reg_size((unsigned)r);
    if (!write) {
        if (!gdb_in_done(in))
            return GDB_E_INVAL;
        gdb_begin(g);
        gdb_put_bytes(g, g->regs + off, size);
        gdb_end(g);
        return 0;
    }
    if (!gdb_in_bytes(in, g->regs + off, size) || !gdb_in_done(in))
        return GDB_E_INVAL;
    return g->target->write_regs(g->ctx, t, g->regs) == CAIRN_OK ? "OK" : GDB_E_TARGET;
}

const char *gdb_cmd_regs(struct gdb *g, struct gdb_in *in, char cmd)
{
    struct gdb_tid t;

    if (g->running)
        return GDB_E_STATE;
    if (!gdb_current(g, false, &t))
        return GDB_E_THREAD;
    if (g->target->read_regs(g->ctx, t, g->regs) != CAIRN_OK)
        return GDB_E_TARGET;
    switch (cmd) {
    case 'g':
        if (!gdb_in_done(in))
            return GDB_E_INVAL;
        gdb_begin(g);
        gdb_put_bytes(g, g->regs, GDB_REGS_SIZE);
        gdb_end(g);
        return 0;
    case 'G':
        return gdb_regs_write_all(g, in, t);
    default:
        return gdb_regs_one(g, in, t, cmd == 'P');
    }
}

/* --- memory ----------------------------------------------------------------------------- */

static const char *gdb_mem_read(struct gdb *g, uint32_t pid, uint64_t addr, uint64_t len)
{
    size_t n;

    if (!len)
        return "";
    if (len > sizeof g->mem) /* gdb takes a short read and asks for the rest */
        len = sizeof g->mem;
    n = g->target->read_mem(g->ctx, pid, addr, g->mem, (size_t)len);
    if (!n || n > len)
        return GDB_E_MEM;
    gdb_break_hide(g, pid, addr, g->mem, n);
    gdb_begin(g);
    gdb_put_bytes(g, g->mem, n);
    gdb_end(g);
    return 0;
}

static const char *gdb_mem_write(struct gdb *g, uint32_t pid, uint64_t addr, size_t len)
{
    gdb_break_shadow(g, pid, addr, g->mem, len);
    if (len && g->target->write_mem(g->ctx, pid, addr, g->mem, len) != len)
        return GDB_E_MEM;
    return "OK";
}

/* m addr,len   M addr,len:hex   X addr,len:binary */
const char *gdb_cmd_mem(struct gdb *g, struct gdb_in *in, char cmd)
{
    uint64_t addr, len;
    struct gdb_tid t;

    if (!gdb_in_hex(in, &addr) || !gdb_in_eat(in, ',') || !gdb_in_hex(in, &len))
        return GDB_E_INVAL;
    if (cmd != 'm' && (!gdb_in_eat(in, ':') || len > sizeof g->mem))
        return GDB_E_INVAL;
    if (cmd == 'M' && !gdb_in_bytes(in, g->mem, (size_t)len))
        return GDB_E_INVAL;
    if (cmd == 'X') {
        if ((uint64_t)(in->end - in->p) != len)
            return GDB_E_INVAL;
        memcpy(g->mem, in->p, (size_t)len);
        in->p += len;
    }
    if (!gdb_in_done(in))
        return GDB_E_INVAL;
    if (!gdb_current(g, false, &t))
        return GDB_E_THREAD;
    if (cmd == 'm')
        return gdb_mem_read(g, t.pid, addr, len);
    return gdb_mem_write(g, t.pid, addr, (size_t)len);
}
