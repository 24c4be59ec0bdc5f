/* core: the parent interface of its child (init), and session creation. */
#include "core.h"
#include <cairn/args.h>
#include <cairn/fmt.h>
#include <string.h>

void core_label(char *out, int from, const char *arg_label)
{
    const char *base = from >= 0 ? core_pds[from].label : "";
    if (!arg_label[0])
        snprintf(out, CORE_LABEL, "%s", base);
    else if (!base[0])
        snprintf(out, CORE_LABEL, "%s", arg_label);
    else
        snprintf(out, CORE_LABEL, "%s -> %s", base, arg_label);
}

static uint64_t core_session(unsigned from, const char *service, const char *args, uint64_t *pt)
{
    char label[CORE_LABEL], arg_label[CORE_LABEL] = "";
    cairn_arg_str(args, "label", arg_label, sizeof(arg_label));
    core_label(label, (int)from, arg_label);
    if (!strcmp(service, "LOG"))
        return core_log_create(label, pt);
    if (!strcmp(service, "ROM"))
        return core_rom_create(args, pt);
    if (!strcmp(service, "PD"))
        return core_pd_create((int)from, label, args, pt);
    if (!strcmp(service, "CPU"))
        return core_cpu_create(label, pt);
    if (!strcmp(service, "IO_PORT"))
        return core_io_port_create(args, pt);
    if (!strcmp(service, "IO_MEM"))
        return core_io_mem_create(args, pt);
    if (!strcmp(service, "IRQ"))
        return core_irq_create(args, pt);
    if (!strcmp(service, "VM"))
        return core_vm_create((int)from, label, args, pt);
    printf("%s: no service '%s' at core\n", label, service);
    return CAIRN_ENOTFOUND;
}

/* CAIRN_PARENT_EXIT: exit code. */
static void core_parent_exit(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                             struct cairn_utcb *u)
{
    int64_t code = (int64_t)cairn_msg_get(in);
    printf("%s exited with %ld\n", core_pds[CORE_ID(badge)].label, code);
    cairn_rpc_status(u, CAIRN_OK);
}

/* CAIRN_PARENT_SESSION: service, args -> the session's portal. */
static void core_parent_session(struct cairn_rpc_server *srv, uint64_t badge, struct cairn_msg *in,
                                struct cairn_utcb *u)
{
    char service[32], args[256];
    unsigned id = CORE_ID(badge);
    uint64_t pt = 0, st;
    struct cairn_msg out;
    if (cairn_msg_get_str(in, service, sizeof(service)) != CAIRN_OK ||
        cairn_msg_get_str(in, args, sizeof(args)) != CAIRN_OK) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    st = core_session(id, service, args, &pt);
    if (st == CAIRN_OK) { /* its portal goes when the PD session of its label closes */
        char label[CORE_LABEL], arg_label[CORE_LABEL] = "";
        cairn_arg_str(args, "label", arg_label, sizeof(arg_label));
        core_label(label, (int)id, arg_label);
        core_own(core_owner((int)id, label), pt);
    }
    cairn_msg_begin(&out, u, st);
    if (st == CAIRN_OK)
        cairn_msg_item(&out, CAIRN_CRD(CAIRN_CRD_OBJ, pt, 0, CAIRN_R_PT_CALL), 0);
}

static const cairn_rpc_fn core_parent_ops[] = { [CAIRN_PARENT_SESSION] = core_parent_session,
                                                [CAIRN_PARENT_EXIT] = core_parent_exit };
struct cairn_rpc_server core_parent_server = { CAIRN_RPC_OPS(core_parent_ops) };
