/*
 * GDB engine: breakpoints (Z z). Software breakpoints (Z0) are the
 * engine's own: it writes int3 (0xcc) through target->write_mem and keeps
 * the byte it replaced, which memory reads show instead and a removal
 * puts back. When the int3 traps, gdb_stopped() rewinds RIP onto it.
 * Hardware breakpoints and watchpoints (Z1-Z4) are the target's
 * (target->set_hw), as debug registers are per thread.
 */
#include "internal.h"

#define GDB_INT3 0xcc

struct gdb_break *gdb_break_at(struct gdb *g, uint32_t pid, uint64_t addr)
{
    for (size_t i = 0; i < GDB_BREAKS_MAX; i++) {
        struct gdb_break *b = &g->breaks[i];
        if (b->used && b->pid == pid && b->addr == addr)
            return b;
    }
    return 0;
}

void gdb_break_hide(struct gdb *g, uint32_t pid, uint64_t addr, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < GDB_BREAKS_MAX; i++) {
        struct gdb_break *b = &g->breaks[i];
        if (b->used && b->pid == pid && b->addr - addr < n)
            buf[b->addr - addr] = b->orig;
    }
}

void gdb_break_shadow(struct gdb *g, uint32_t pid, uint64_t addr, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < GDB_BREAKS_MAX; i++) {
        struct gdb_break *b = &g->breaks[i];
        if (b->used && b->pid == pid && b->addr - addr < n) {
            b->orig = buf[b->addr - addr];
            buf[b->addr - addr] = GDB_INT3;
        }
    }
}

void gdb_break_clear(struct gdb *g, uint32_t pid)
{
    for (size_t i = 0; i < GDB_BREAKS_MAX; i++) {
        struct gdb_break *b = &g->breaks[i];
        if (b->used && (pid == GDB_ALL || b->pid == pid)) {
            g->target->write_mem(g->ctx, b->pid, b->addr, &b->orig, 1);
            b->used = false;
        }
    }
}

static const char *gdb_break_insert(struct gdb *g, uint32_t pid, uint64_t addr)
{
    static const uint8_t int3 = GDB_INT3;
    struct gdb_break *b = 0;
    uint8_t orig;

    if (gdb_break_at(g, pid, addr)) /* gdb may insert again: nothing to do */
        return "OK";
    for (size_t i = 0; i < GDB_BREAKS_MAX && !b; i++)
        if (!g->breaks[i].used)
            b = &g->breaks[i];
    if (!b)
        return GDB_E_FULL;
    if (g->target->read_mem(g->ctx, pid, addr, &orig, 1) != 1 ||
        g->target->write_mem(g->ctx, pid, addr, &int3, 1) != 1)
        return GDB_E_MEM;
    *b = (struct gdb_break){.addr = addr, .pid = pid, .orig = orig, .used = true};
    return "OK";
}

static const char *gdb_break_remove(struct gdb *g, uint32_t pid, uint64_t addr)
{
    struct gdb_break *b = gdb_break_at(g, pid, addr);

    if (!b)
        return "OK";
    b->used = false;
    if (g->target->write_mem(g->ctx, pid, addr, &b->orig, 1) != 1)
        return GDB_E_MEM;
    return "OK";
}

/* Ztype,addr,kind  ztype,addr,kind (conditions after ';' are ignored:
 * the engine does not offer them) */
const char *gdb_cmd_break(struct gdb *g, struct gdb_in *in, bool insert)
{
    uint64_t type, addr, kind;
    struct gdb_tid t;
    cairn_status_t st;

    if (!gdb_in_hex(in, &type) || !gdb_in_eat(in, ',') || !gdb_in_hex(in, &addr) ||
        !gdb_in_eat(in, ',') || !gdb_in_hex(in, &kind) || (!gdb_in_done(in) && *in->p != ';'))
        return GDB_E_INVAL;
    if (type > GDB_HW_AWATCH)
        return "";
    if (!gdb_current(g, false, &t))
        return GDB_E_THREAD;
    if (type == 0 && kind != 1) /* x86 has one software breakpoint: int3 */
        return GDB_E_INVAL;
    if (type == 0)
        return insert ? gdb_break_insert(g, t.pid, addr) : gdb_break_remove(g, t.pid, addr);
    if (!g->target->set_hw)
        return "";
    st = g->target->set_hw(g->ctx, t.pid, (enum gdb_hw)type, addr, kind, insert);
    if (st == CAIRN_EUNSUP)
        return "";
    return st == CAIRN_OK ? "OK" : GDB_E_TARGET;
}
