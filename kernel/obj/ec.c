/* Execution context (EC). */
#include "ec.h"
#include <cairn/abi.h>
#include "arch.h"
#include "console.h"
#include "ec_arch.h"
#include "mdb.h"
#include "paging.h"
#include "palloc.h"
#include "pd.h"
#include "percpu.h"
#include "sched.h"
#include "slab.h"
#include "sm.h"
#include "space.h"
#include "vcpu.h"

static struct slab_cache ec_cache;
static struct ec *ec_all; /* every EC, via all_next */

/* A new EC joins its PD (which it keeps alive) and the list of all. */
static void ec_link(struct ec *ec, struct pd *pd)
{
    ec->pd_next = pd->ecs;
    pd->ecs = ec;
    kobj_get(&pd->k);
    ec->all_next = ec_all;
    ec_all = ec;
}

int ec_create(struct ec **out, struct pd *pd, unsigned cpu, uint64_t utcb, uint64_t sp,
              uint64_t evt_base, uint64_t ip, bool global)
{
    if (!ec_cache.size)
        slab_init(&ec_cache, sizeof(struct ec), "ec");
    struct ec *ec = slab_alloc(&ec_cache);
    void *page = palloc_alloc(0);
    int st = CAIRN_ENOMEM;
    if (!ec || !page)
        goto out_free;
    st = space_map_kernel(pd, utcb >> 12, virt_to_phys(page) >> 12, CAIRN_MEM_R | CAIRN_MEM_W,
                          MDB_KERNEL);
    if (st != CAIRN_OK)
        goto out_free;
    ec->k.type = KOBJ_EC;
    ec->global = global;
    ec->cpu = cpu;
    ec->pd = ec->space = pd;
    ec->utcb = page;
    ec->utcb_addr = utcb;
    ec->sp = sp;
    ec->evt_base = evt_base;
    ec->cont = ec_cont_user;
    list_init(&ec->parked);
    list_init(&ec->sm_link);
    ec_arch_init(ec, ip, sp);
    if (pd->foreign)
        ec_arch_foreign_init(ec);
    ec_link(ec, pd);
    *out = ec;
    return CAIRN_OK;

out_free:
    if (page)
        palloc_free(page, 0);
    if (ec)
        slab_free(&ec_cache, ec);
    return st;
}

int ec_create_vcpu(struct ec **out, struct pd *pd, unsigned cpu, uint64_t evt_base)
{
    if (!ec_cache.size)
        slab_init(&ec_cache, sizeof(struct ec), "ec");
    struct ec *ec = slab_alloc(&ec_cache);
    if (!ec)
        return CAIRN_ENOMEM;
    ec->pd = pd; /* the backend's control block names the VM's ASID and tables */
    int st = vcpu_arch_create(ec);
    if (st != CAIRN_OK) {
        slab_free(&ec_cache, ec);
        return st;
    }
    ec->k.type = KOBJ_EC;
    ec->global = true; /* takes an SC */
    ec->vcpu = true;
    ec->cpu = cpu;
    ec->pd = pd;
    ec->space = &pd_kernel_space;
    ec->evt_base = evt_base;
    ec->cont = ec_cont_startup;
    list_init(&ec->parked);
    list_init(&ec->sm_link);
    ec_link(ec, pd);
    *out = ec;
    return CAIRN_OK;
}

/* A vCPU's first dispatch: its VMM sets the initial state. */
void ec_cont_startup(struct ec *ec)
{
    ec->cont = ec_cont_user;
    ec_event(ec, CAIRN_VM_STARTUP);
}

void ec_cont_user(struct ec *ec) { ec_ret_user(ec); }

/* A recall waits while the EC is in an event (its reply returns here). */
_Noreturn void ec_ret_general(struct ec *ec)
{
    if ((ec->attn & EC_ATTN_RECALL) && !ec->in_event) {
        ec->attn &= (uint8_t)~EC_ATTN_RECALL;
        ec_event(ec, ec_recall_event(ec));
    }
    sched_check_preempt();
    ec_arch_user_switch(ec);
    ec_arch_ret_user(ec);
}

_Noreturn void ec_sys_ret(struct ec *ec, int status)
{
    SYS_STATUS(&ec->regs, (uint64_t)status);
    ec_ret_user(ec);
}

void ec_kill(struct ec *ec)
{
    ec->dead = true;
    if (ec->sm) {
        sm_cancel(ec);
        timeout_del(ec);
    }
    if (ec->retry_sleep) { /* waiting to retry a call on a busy handler */
        ec->retry_sleep = false;
        timeout_del(ec);
    }
    /* SCs of callers further up may be parked at the end of the chain this
     * EC started: with the chain cut here they must look again. */
    struct ec *end = ec->callee;
    while (end && end->callee)
        end = end->callee;
    if (end)
        sched_unpark(end);
    struct ec *caller = ec->caller;
    if (caller) {
        /* Its caller gets EABORT; an EC in an event retries the faulting
         * instruction and finds the handler gone. */
        ec->caller = NULL;
        caller->callee = NULL;
        if (caller->in_event)
            caller->in_event = false;
        else
            SYS_STATUS(&caller->regs, CAIRN_EABORT);
    }
    ec->blocked = false;
    sched_wake(ec, CAIRN_EABORT); /* unpark SCs that wait on it */
    ec_arch_fpu_forget(ec);
    ec_arch_debug_forget(ec);
}

static void ec_unlink(struct ec **list, struct ec *ec, size_t next_off)
{
    while (*list && *list != ec)
        list = (struct ec **)((char *)*list + next_off);
    if (*list)
        *list = *(struct ec **)((char *)ec + next_off);
}

/* Free when nothing can reach it: no CPU runs it, no handler serves a
 * call of it. Callers waiting for it as a busy handler look again. */
bool ec_destroy(struct ec *ec)
{
    if (ec_arch_in_use(ec) || (ec->callee && ec->callee->caller == ec))
        return false;
    if (!ec->dead)
        ec_kill(ec); /* no capability, SC or portal left: it can never run again */
    for (struct ec *e = ec_all; e; e = e->all_next)
        if (e->callee == ec) {
            e->callee = NULL;
            e->wait_handler = false;
        }
    sched_unpark(ec);
    ec_unlink(&ec->pd->ecs, ec, offsetof(struct ec, pd_next));
    ec_unlink(&ec_all, ec, offsetof(struct ec, all_next));
    if (ec->vcpu) {
        vcpu_arch_destroy(ec);
    } else {
        space_unmap_kernel(ec->pd, ec->utcb_addr >> 12);
        palloc_free(ec->utcb, 0);
    }
    kobj_put(&ec->pd->k);
    slab_free(&ec_cache, ec);
    return true;
}
