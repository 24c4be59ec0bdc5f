/* core: the root task (core.h). */
#include "core.h"
#include <cairn/crash.h>
#include <cairn/ec.h>
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/mem.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>
#include <string.h>

struct core_rom core_roms[CORE_MAX_ROMS];
unsigned core_nroms;
uint64_t core_inbox;

static struct cairn_ec core_ep;

const struct core_rom *core_rom_find(const char *name)
{
    for (unsigned i = 0; i < core_nroms; i++)
        if (!strcmp(core_roms[i].name, name))
            return &core_roms[i];
    return 0;
}

/* A module's ROM name: "name=X" among its arguments, else its file name. */
static void core_rom_name(const char *cmdline, char *out, size_t size)
{
    const char *p = strstr(cmdline, "name=");
    const char *start = cmdline, *end;
    if (p && (p == cmdline || p[-1] == ' ')) {
        start = p + 5;
        end = start;
        while (*end && *end != ' ')
            end++;
    } else {
        end = cmdline;
        while (*end && *end != ' ')
            end++;
        for (const char *q = cmdline; q < end; q++)
            if (*q == '/')
                start = q + 1;
    }
    size_t n = (size_t)(end - start) < size - 1 ? (size_t)(end - start) : size - 1;
    memcpy(out, start, n);
    out[n] = 0;
}

static void core_roms_init(const struct cairn_hip *hip)
{
    const struct cairn_hip_mod *mod = (const void *)((const char *)hip + hip->mod_offset);
    for (unsigned i = 1; i < hip->mod_count && core_nroms < CORE_MAX_ROMS; i++) {
        struct core_rom *r = &core_roms[core_nroms];
        core_rom_name((const char *)hip + mod[i].cmdline, r->name, sizeof(r->name));
        r->phys = mod[i].base;
        r->size = mod[i].size;
        r->data = cairn_mem_map_phys(mod[i].base, mod[i].size ? mod[i].size : 1);
        if (!r->data) {
            printf("warning: cannot map module '%s'\n", r->name);
            continue;
        }
        core_nroms++;
    }
}

/* The received capability stays at the inbox selector (revoking it would
 * revoke every copy made from it); the next one arrives at a fresh one. */
uint64_t core_take_item(uint64_t pd, uint64_t sel)
{
    uint64_t got = cairn_msg_item_crd(core_ep_utcb(), 0), st = CAIRN_OK, next;
    if (!got)
        return CAIRN_EINVAL;
    if (pd != CAIRN_ROOT_SEL_PD || sel != core_inbox)
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, pd,
                            CAIRN_CRD(CAIRN_CRD_OBJ, core_inbox, 0, CAIRN_R_ALL), sel, 0);
    next = cairn_sel_alloc(0);
    if (next)
        core_inbox = next;
    return st;
}

struct cairn_utcb *core_ep_utcb(void) { return (struct cairn_utcb *)core_ep.utcb; }

uint64_t core_portal(uint64_t badge)
{
    uint64_t pt = cairn_sel_alloc(0);
    if (!pt || cairn_create_pt(pt, CAIRN_ROOT_SEL_PD, core_ep.ec, 0, (uintptr_t)cairn_portal_entry,
                               badge) != CAIRN_OK)
        return 0;
    /* cairn_portal_entry finds fn/arg on the handler's stack (lib/ec.c) */
    return pt;
}

static struct { int owner; uint64_t sel; } core_owned[CORE_MAX_OWNED]; /* sel 0: free */

void core_own(int owner, uint64_t sel)
{
    if (owner < 0 || !sel)
        return;
    for (unsigned i = 0; i < CORE_MAX_OWNED; i++)
        if (!core_owned[i].sel) {
            core_owned[i].owner = owner;
            core_owned[i].sel = sel;
            return;
        }
    printf("warning: no room to record selector %#lx of session %d: it stays taken\n", sel, owner);
}

void core_disown(int owner)
{
    for (unsigned i = 0; i < CORE_MAX_OWNED; i++)
        if (core_owned[i].sel && core_owned[i].owner == owner) {
            cairn_revoke(CAIRN_ROOT_SEL_PD, CAIRN_CRD(CAIRN_CRD_OBJ, core_owned[i].sel, 0, 0),
                         CAIRN_REV_F_SELF);
            cairn_sel_free(core_owned[i].sel);
            core_owned[i].sel = 0;
        }
}

int core_owner(int from, const char *label)
{
    int i;
    return core_pd_of(label, &i) == CAIRN_OK ? i : core_payer(from, label);
}

/* A component's event, on the same entrypoint as all else: core's state
 * is touched by one EC only. */
static _Noreturn void core_fault(unsigned id, struct cairn_utcb *u)
{
    struct cairn_exc x = *(const struct cairn_exc *)u->mr;
    core_pd_fault(id, &x);
    /* Resumed (mtd 0: state unchanged, the instruction is retried), or a
     * reply to a dead EC, which the kernel drops. */
    u->untyped = u->typed = 0;
    u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, core_inbox, 0, 0);
    cairn_reply(0);
}

/* The entrypoint: every session request and session call of components. */
static void core_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    struct cairn_msg in;
    cairn_msg_read(&in, u);
    unsigned id = CORE_ID(badge);
    switch (CORE_KIND(badge)) {
    case CORE_PARENT:  core_parent_op(id, &in, u); break;
    case CORE_LOG:     core_log_op(id, &in, u); break;
    case CORE_ROM:     core_rom_op(id, &in, u); break;
    case CORE_PD:      core_pd_op(id, &in, u, false); break;
    case CORE_PD_CHILD: core_pd_op(id, &in, u, true); break;
    case CORE_FAULT:   core_fault(id, u); return;
    case CORE_CPU:     core_cpu_op(id, &in, u); break;
    case CORE_IO_PORT: core_io_port_op(id, &in, u); break;
    case CORE_IO_MEM:  core_io_mem_op(id, &in, u); break;
    case CORE_IRQ:     core_irq_op(id, &in, u); break;
    case CORE_VM:      core_vm_op(id, &in, u); break;
    default:           cairn_rpc_status(u, CAIRN_EINVAL); break;
    }
    u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, core_inbox, 0, 0);
    cairn_reply(0);
}

uint64_t core_fault_portal(unsigned id)
{
    uint64_t pt = cairn_sel_alloc(0);
    if (!pt || cairn_create_pt(pt, CAIRN_ROOT_SEL_PD, core_ep.ec, CAIRN_MTD_EC_ALL,
                               (uintptr_t)cairn_portal_entry, CORE_BADGE(CORE_FAULT, id)) != CAIRN_OK)
        return 0;
    return pt;
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    cairn_log_init("core");
    cairn_crash_install();
    core_roms_init(hip);
    core_inbox = cairn_sel_alloc(0);
    if (cairn_handler_create(&core_ep, CAIRN_ROOT_SEL_PD, 0, core_serve, 0) != CAIRN_OK) {
        printf("error: cannot create the entrypoint\n");
        return 1;
    }
    core_ep_utcb()->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, core_inbox, 0, 0);
    printf("%u ROM modules, %lu MiB RAM\n", core_nroms, cairn_page_avail() >> 20);
    core_start_init(cairn_page_avail() - (4ull << 20));
    cairn_block_forever();
}
