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
struct cairn_inbox core_inbox;

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
 * is touched by one EC only. Its message is the EC's state, no opcode. */
static void core_fault(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                       struct cairn_utcb *u)
{
    struct cairn_exc x = *(const struct cairn_exc *)u->mr;
    core_pd_fault(CORE_ID(badge), &x);
    /* Resumed (mtd 0: state unchanged, the instruction is retried), or a
     * reply to a dead EC, which the kernel drops. */
    u->untyped = u->typed = 0;
}

static struct cairn_rpc_server core_fault_server = { .any = core_fault };

/* The entrypoint: every session request, session call and event of
 * components, by the kind in the badge. */
static struct cairn_rpc_server *const core_servers[] = {
    [CORE_PARENT] = &core_parent_server,   [CORE_LOG] = &core_log_server,
    [CORE_ROM] = &core_rom_server,         [CORE_PD] = &core_pd_server,
    [CORE_PD_CHILD] = &core_pd_child_server, [CORE_FAULT] = &core_fault_server,
    [CORE_CPU] = &core_cpu_server,         [CORE_IO_PORT] = &core_io_port_server,
    [CORE_IO_MEM] = &core_io_mem_server,   [CORE_IRQ] = &core_irq_server,
    [CORE_VM] = &core_vm_server,
};
static struct cairn_rpc_ep core_rpc = { core_servers, sizeof(core_servers) / sizeof(core_servers[0]),
                                        0, &core_inbox };

static void core_serve(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    cairn_rpc_ep_serve(&core_rpc, u, badge);
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
    core_inbox.sel = cairn_sel_alloc(0);
    if (cairn_handler_create(&core_ep, CAIRN_ROOT_SEL_PD, 0, core_serve, 0) != CAIRN_OK) {
        printf("error: cannot create the entrypoint\n");
        return 1;
    }
    core_ep_utcb()->rcv_obj = cairn_inbox_crd(&core_inbox);
    printf("%u ROM modules, %lu MiB RAM\n", core_nroms, cairn_page_avail() >> 20);
    core_start_init(cairn_page_avail() - (4ull << 20));
    cairn_block_forever();
}
