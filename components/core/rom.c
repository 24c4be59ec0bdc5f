/* core: ROM sessions (boot modules by name, attached read-only) and the
 * I/O sessions (ports and device memory), all handed out as typed items. */
#include "core.h"
#include <cairn/args.h>
#include <cairn/fmt.h>
#include <cairn/mem.h>
#include <cairn/runtime.h>
#include <cairn/sys.h>
#include <string.h>

/* Append memory [va, va + bytes) of core as typed items at window offset 0. */
#define CORE_ROM_SKEW_PAGES 1024u

static void core_give_mem(struct cairn_msg *out, uint64_t va, uint64_t bytes, unsigned rights,
                          uint64_t off)
{
    uint64_t pages = ((va & 4095) + bytes + 4095) >> 12;
    if (cairn_msg_mem_items(out, (const void *)(uintptr_t)(va & ~4095ull), pages << 12, rights,
                            off) != CAIRN_OK)
        out->bad = 1; /* the caller answers ENOMEM */
}

uint64_t core_rom_create(const char *args, uint64_t *pt)
{
    char name[64];
    const struct core_rom *r;
    if (cairn_arg_str(args, "name", name, sizeof(name)) != CAIRN_OK || !(r = core_rom_find(name)))
        return CAIRN_ENOTFOUND;
    *pt = core_portal(CORE_BADGE(CORE_ROM, r - core_roms));
    return *pt ? CAIRN_OK : CAIRN_ENOMEM;
}

/* CAIRN_ROM_ATTACH -> size, offset; the module's pages as items. */
static void core_rom_attach(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                            struct cairn_utcb *u)
{
    struct cairn_msg out;
    unsigned id = CORE_ID(badge);
    const struct core_rom *r = &core_roms[id];
    if (id >= core_nroms) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    /* The ROM goes to the receive window at the offset that matches its
     * frames' alignment (up to 4 MiB), so that it travels in large pieces. */
    uint64_t skew = ((uint64_t)(uintptr_t)r->data >> 12) & (CORE_ROM_SKEW_PAGES - 1);
    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, r->size);
    cairn_msg_word(&out, skew << 12);
    core_give_mem(&out, (uint64_t)(uintptr_t)r->data, r->size, CAIRN_MEM_R, skew);
    if (out.bad)
        cairn_rpc_status(u, CAIRN_ENOMEM);
}

static const cairn_rpc_fn core_rom_ops[] = { [CAIRN_ROM_ATTACH] = core_rom_attach };
struct cairn_rpc_server core_rom_server = { CAIRN_RPC_OPS(core_rom_ops) };

/* ---- I/O ports ------------------------------------------------------------ */

struct core_io { uint64_t base, size; };
static struct core_io io_ports[32], io_mems[32];
static unsigned io_nports, io_nmems;

/* The range in args ("base=B, size=S"): CAIRN_EINVAL unless it is
 * non-empty and below max. */
static cairn_status_t core_io_range(const char *args, uint64_t max, struct core_io *r)
{
    r->base = cairn_arg_num(args, "base", ~0ull);
    r->size = cairn_arg_num(args, "size", 0);
    return r->size && r->base < max && r->size <= max - r->base ? CAIRN_OK : CAIRN_EINVAL;
}

uint64_t core_io_port_create(const char *args, uint64_t *pt)
{
    struct core_io r;
    if (core_io_range(args, 0x10000, &r) != CAIRN_OK || io_nports == 32)
        return CAIRN_EINVAL;
    if (r.base < 0x400 && r.base + r.size > 0x3f8)
        return CAIRN_EDENIED; /* COM1 carries core's LOG */
    io_ports[io_nports] = r;
    *pt = core_portal(CORE_BADGE(CORE_IO_PORT, io_nports));
    if (!*pt)
        return CAIRN_ENOMEM;
    io_nports++;
    return CAIRN_OK;
}

/* CAIRN_IO_ATTACH -> the ports as items. */
static void core_io_port_attach(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                                struct cairn_utcb *u)
{
    struct cairn_msg out;
    const struct core_io *r = &io_ports[CORE_ID(badge)];
    cairn_msg_begin(&out, u, CAIRN_OK);
    struct cairn_mem_chunk c = cairn_mem_chunks(r->base, r->base, r->size, 20);
    while (!out.bad && cairn_mem_chunk_next(&c)) {
        uint64_t crd = CAIRN_CRD(CAIRN_CRD_IO, c.a, c.order, CAIRN_IO_A), st;
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, crd, c.a, CAIRN_DEL_F_HOST);
        if (st != CAIRN_OK && st != CAIRN_EEXIST) {
            cairn_rpc_status(u, st);
            return;
        }
        cairn_msg_item(&out, crd, c.a); /* ports keep their numbers: window base 0 */
    }
}

static const cairn_rpc_fn core_io_port_ops[] = { [CAIRN_IO_ATTACH] = core_io_port_attach };
struct cairn_rpc_server core_io_port_server = { CAIRN_RPC_OPS(core_io_port_ops) };

/* ---- device memory ------------------------------------------------------- */

/* Device memory must not be RAM or anything the kernel lists. */
static bool core_io_mem_ok(const struct core_io *r)
{
    const struct cairn_hip_mem *m = (const void *)((const char *)cairn_hip + cairn_hip->mem_offset);
    if ((r->base | r->size) & 4095)
        return false;
    for (unsigned i = 0; i < cairn_hip->mem_count; i++)
        if (m[i].type != CAIRN_HIP_MEM_RESERVED && r->base < m[i].base + m[i].size &&
            r->base + r->size > m[i].base)
            return false;
    return true;
}

uint64_t core_io_mem_create(const char *args, uint64_t *pt)
{
    struct core_io r;
    if (core_io_range(args, 1ull << 46, &r) != CAIRN_OK || io_nmems == 32)
        return CAIRN_EINVAL;
    if (!core_io_mem_ok(&r))
        return CAIRN_EDENIED;
    io_mems[io_nmems] = r;
    *pt = core_portal(CORE_BADGE(CORE_IO_MEM, io_nmems));
    if (!*pt)
        return CAIRN_ENOMEM;
    io_nmems++;
    return CAIRN_OK;
}

/* CAIRN_IO_ATTACH -> size; the device memory as items. */
static void core_io_mem_attach(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                               struct cairn_utcb *u)
{
    struct cairn_msg out;
    const struct core_io *r = &io_mems[CORE_ID(badge)];
    void *va = cairn_mem_map_phys(r->base, r->size);
    if (!va) {
        cairn_rpc_status(u, CAIRN_ENOMEM);
        return;
    }
    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, r->size);
    core_give_mem(&out, (uint64_t)(uintptr_t)va, r->size, CAIRN_MEM_R | CAIRN_MEM_W, 0);
    if (out.bad)
        cairn_rpc_status(u, CAIRN_ENOMEM);
}

static const cairn_rpc_fn core_io_mem_ops[] = { [CAIRN_IO_ATTACH] = core_io_mem_attach };
struct cairn_rpc_server core_io_mem_server = { CAIRN_RPC_OPS(core_io_mem_ops) };

/* ---- interrupts ------------------------------------------------------------ */

/* An IRQ session: "irq=N" is an ISA IRQ (0-15, mapped through the
 * firmware's overrides) or, with "gsi=N", a GSI. One session per GSI. */
static bool irq_taken[256];

uint64_t core_irq_create(const char *args, uint64_t *pt)
{
    uint64_t irq = cairn_arg_num(args, "irq", ~0ull), gsi = cairn_arg_num(args, "gsi", ~0ull);
    if (irq < 16)
        gsi = cairn_hip->isa_gsi[irq];
    if (gsi >= cairn_hip->gsi_count)
        return CAIRN_ENOTFOUND;
    if (irq_taken[gsi])
        return CAIRN_EDENIED; /* one driver per interrupt */
    *pt = core_portal(CORE_BADGE(CORE_IRQ, gsi));
    if (!*pt)
        return CAIRN_ENOMEM;
    irq_taken[gsi] = true;
    return CAIRN_OK;
}

/* CAIRN_IRQ_ATTACH: route the GSI to CPU 0 and hand over its semaphore
 * (DOWN only: the driver waits, it cannot fake interrupts). */
static void core_irq_attach(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                            struct cairn_utcb *u)
{
    struct cairn_msg out;
    uint64_t sm = CAIRN_ROOT_SEL_GSI + CORE_ID(badge), st = cairn_irq_ctrl(sm, 0);
    cairn_msg_begin(&out, u, st);
    if (st == CAIRN_OK)
        cairn_msg_item(&out, CAIRN_CRD(CAIRN_CRD_OBJ, sm, 0, CAIRN_R_SM_DOWN), 0);
}

static const cairn_rpc_fn core_irq_ops[] = { [CAIRN_IRQ_ATTACH] = core_irq_attach };
struct cairn_rpc_server core_irq_server = { CAIRN_RPC_OPS(core_irq_ops) };
