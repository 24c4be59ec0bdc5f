/* core: VM sessions. A VM is a VM PD (nested paging) with guest RAM at
 * guest-physical 0, paid from the session's RAM quota; its VMM gets the
 * VM PD (to put its exit portals there), the RAM (to load and emulate)
 * and vCPUs with scheduling contexts one priority below the session's (the
 * VMM's own threads, such as its device timer, preempt its vCPUs). */
#include "core.h"
#include <cairn/args.h>
#include <cairn/fmt.h>
#include <cairn/mem.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>
#include <string.h>

#define CORE_MAX_VMS 16
#define VM_RAM_MAX   (1ull << 30)

struct core_vm {
    bool used;
    char label[CORE_LABEL];
    unsigned prio, vcpus;
    uint64_t acct_sc; /* the VMM's budget account (0: none) */
    int owner;        /* the VMM's PD session */
    uint64_t cap;     /* bytes at mem: guest RAM, kept for the next VM once closed */
    unsigned cpu;          /* the VMM's CPU: its vCPUs run there */
    uint64_t ram;       /* bytes of guest RAM */
    uint8_t *mem;       /* core's view        */
    uint64_t pd;        /* the VM PD (core's selector), 0 until CREATE */
};

static struct core_vm core_vms[CORE_MAX_VMS];

/* The kernel memory of a VM (its nested page tables and vCPUs), paid
 * from the VMM's quota like the guest RAM. */
static uint64_t vm_kmem(uint64_t ram) { return CORE_KMEM_MIN + ram / 256; }

uint64_t core_vm_create(int from, const char *label, const char *args, uint64_t *pt)
{
    uint64_t ram = (cairn_arg_num(args, "ram", 0) + 4095) & ~4095ull;
    /* The VM is the asking component's: its RAM quota pays for guest RAM
     * and its CPU and priority place the vCPUs (a sub-label "x -> y"
     * falls back to the PD of "x"). */
    int payer;
    if (core_pd_of(label, &payer) != CAIRN_OK)
        payer = core_payer(from, label);
    struct core_pd *p = payer >= 0 ? &core_pds[payer] : 0;
    unsigned i;
    if (!(cairn_hip->features & CAIRN_HIP_F_NPT))
        return CAIRN_EFEAT;
    /* A free slot: the smallest whose RAM (left by a closed VM) fits,
     * else one without RAM, else any (its RAM is too small: dropped). */
    i = CORE_MAX_VMS;
    for (unsigned j = 0; j < CORE_MAX_VMS; j++)
        if (!core_vms[j].used && core_vms[j].cap >= ram && (i == CORE_MAX_VMS || core_vms[j].cap < core_vms[i].cap))
            i = j;
    for (unsigned j = 0; j < CORE_MAX_VMS && i == CORE_MAX_VMS; j++)
        if (!core_vms[j].used && !core_vms[j].cap)
            i = j;
    for (unsigned j = 0; j < CORE_MAX_VMS && i == CORE_MAX_VMS; j++)
        if (!core_vms[j].used)
            i = j;
    if (i == CORE_MAX_VMS || !ram || ram > VM_RAM_MAX)
        return i == CORE_MAX_VMS ? CAIRN_ENOMEM : CAIRN_EINVAL;
    if (p && p->cpu == 0 && (cairn_hip->features & CAIRN_HIP_F_VCPU_CPU0_OFF)) {
        unsigned last = cairn_hip->cpu_online - 1;
        printf("%s: no VM on CPU 0 under QEMU's TCG with several CPUs (another CPU's FXRSTOR"
               " can undo CPU 0's switch into and out of a guest): place it on CPU %s%u\n",
               label, last > 1 ? "1 to " : "", last);
        return CAIRN_ECPU;
    }
    if (!p || ram + vm_kmem(ram) > p->quota - p->ram) {
        printf("%s: guest RAM of %lu KiB and its %lu KiB of kernel memory exceed the quota left"
               " (%lu of %lu KiB)\n", label, ram >> 10, vm_kmem(ram) >> 10,
               p ? (p->quota - p->ram) >> 10 : 0, p ? p->quota >> 10 : 0);
        return CAIRN_EQUOTA;
    }
    *pt = core_portal(CORE_BADGE(CORE_VM, i));
    if (!*pt)
        return CAIRN_ENOMEM;
    p->ram += ram + vm_kmem(ram);
    uint8_t *keep = core_vms[i].cap >= ram ? core_vms[i].mem : 0;
    uint64_t cap = keep ? core_vms[i].cap : 0;
    core_vms[i] = (struct core_vm){ .used = true, .ram = ram, .prio = p->max_prio > 1 ? p->max_prio - 1 : 1,
                                    .cpu = p->cpu, .acct_sc = p->acct_sc, .owner = payer,
                                    .mem = keep, .cap = cap };
    /* one below the VMM's own threads: its device timers preempt its vCPUs */
    snprintf(core_vms[i].label, sizeof(core_vms[i].label), "%s", label);
    return CAIRN_OK;
}

#define VM_ALIGN_PAGES 8192u /* 32 MiB */

/* Guest RAM: fresh zeroed pages at guest-physical 0, executable for the
 * guest, delegated from the host frames. */
static uint64_t vm_build(struct core_vm *v)
{
    uint64_t pd = cairn_sel_alloc(0), st;
    const char *last = v->label;
    core_own(v->owner, pd);
    for (const char *c = strstr(last, " -> "); c; c = strstr(last, " -> "))
        last = c + 4;
    /* Aligned, so that it goes to the guest and the VMM in few large
     * pieces (one kernel mapping node and one message item each). */
    uint64_t align = 1;
    while (align < VM_ALIGN_PAGES && align * 2 <= v->ram / 4096)
        align *= 2;
    if (v->mem) {
        memset(v->mem, 0, v->ram); /* the last VM's RAM: nothing of it may show */
    } else {
        v->mem = cairn_page_alloc_aligned(v->ram / 4096, align);
        v->cap = v->mem ? v->ram : 0;
    }
    if (!pd || !v->mem)
        return CAIRN_ENOMEM;
    st = cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_VM, pd, CAIRN_ROOT_SEL_PD, 5,
                       cairn_name_pack(last), vm_kmem(v->ram), 0);
    struct cairn_mem_chunk c = cairn_mem_chunks(cairn_page_phys(v->mem) >> 12, 0, v->ram / 4096, 20);
    while (st == CAIRN_OK && cairn_mem_chunk_next(&c))
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, pd,
                            CAIRN_CRD(CAIRN_CRD_MEM, c.a, c.order, CAIRN_MEM_RWX), c.b,
                            CAIRN_DEL_F_HOST);
    if (st == CAIRN_OK)
        v->pd = pd;
    return st;
}

void core_vm_close(int owner)
{
    for (unsigned i = 0; i < CORE_MAX_VMS; i++) {
        struct core_vm *v = &core_vms[i];
        if (!v->used || v->owner != owner)
            continue;
        if (v->pd)
            cairn_pd_kill(v->pd);
        v->used = false; /* mem and cap stay: the next VM of up to cap bytes takes them */
        v->pd = 0;
    }
}

/* CAIRN_VM_CREATE (once) -> RAM size; items: the VM PD, its RAM. */
static void core_vm_build(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                          struct cairn_utcb *u)
{
    struct core_vm *v = &core_vms[CORE_ID(badge)];
    struct cairn_msg out;
    if (v->pd) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    uint64_t st = vm_build(v);
    cairn_msg_begin(&out, u, st);
    if (st != CAIRN_OK)
        return;
    cairn_msg_word(&out, v->ram);
    cairn_msg_item(&out, CAIRN_CRD(CAIRN_CRD_OBJ, v->pd, 0, CAIRN_R_PD_CREATE | CAIRN_R_PD_CTRL), 0);
    /* The RAM may span two of core's own mappings: items split there. */
    if (cairn_msg_mem_items(&out, v->mem, v->ram, CAIRN_MEM_R | CAIRN_MEM_W, 0) != CAIRN_OK ||
        out.bad)
        cairn_rpc_status(u, CAIRN_ENOMEM);
}

/* CAIRN_VM_VCPU (up to 8) -> CPU, priority; item: the vCPU. */
static void core_vm_vcpu(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                         struct cairn_utcb *u)
{
    struct core_vm *v = &core_vms[CORE_ID(badge)];
    struct cairn_msg out;
    uint64_t st = CAIRN_EINVAL, vcpu = 0, sc;
    if (v->pd && v->vcpus < 8) {
        vcpu = cairn_sel_alloc(0);
        sc = cairn_sel_alloc(0);
        core_own(v->owner, vcpu);
        core_own(v->owner, sc);
        st = vcpu && sc ? CAIRN_OK : CAIRN_ENOMEM;
        if (st == CAIRN_OK)
            st = cairn_syscall6(CAIRN_SYS_RAX(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU, v->cpu), vcpu,
                                v->pd, 0, 0, 0, 0, 0);
        if (st == CAIRN_OK)
            st = cairn_create_sc(sc, CAIRN_ROOT_SEL_PD, vcpu, v->prio, CORE_QUANTUM_US);
        if (st == CAIRN_OK && v->acct_sc) /* the VMM's CPU quota covers its vCPUs */
            st = cairn_sc_share(sc, v->acct_sc);
        v->vcpus += st == CAIRN_OK;
    }
    cairn_msg_begin(&out, u, st);
    if (st == CAIRN_OK && vcpu) {
        cairn_msg_word(&out, v->cpu);
        cairn_msg_word(&out, v->prio);
        cairn_msg_item(&out, CAIRN_CRD(CAIRN_CRD_OBJ, vcpu, 0, CAIRN_R_EC_CTRL), 0);
    }
}

/* A closed session (its VM ended with its VMM) answers nothing. */
static int core_vm_accept(struct cairn_rpc_server *s, uint64_t badge, uint64_t op)
{
    return core_vms[CORE_ID(badge)].used;
}

static const cairn_rpc_fn core_vm_ops[] = { [CAIRN_VM_CREATE] = core_vm_build,
                                            [CAIRN_VM_VCPU] = core_vm_vcpu };
struct cairn_rpc_server core_vm_server = { CAIRN_RPC_OPS(core_vm_ops), .accept = core_vm_accept };
