/* Execution context (EC): a thread, or a portal handler. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <cairn/abi.h>
#include <cairn/utcb.h>
#include "kobj.h"
#include "list.h"
#include "regs.h"

struct pd;
struct sc;
struct sm;

struct ec {
    struct kobj k;           /* first: capabilities point here              */
    struct regs regs;        /* user frame: filled in place on kernel entry */
    bool global;             /* thread (gets an SC) rather than handler     */
    bool dead;
    bool blocked;            /* waiting on a semaphore                      */
    bool in_event;           /* its caller chain is an event, not a call    */
    bool wait_handler;       /* waits for callee (a busy handler) to be free */
    uint8_t attn;            /* EC_ATTN_*: its return to user mode takes
                                the general way                             */
    uint8_t refused;         /* vCPU: the VMM's state was refused (why)     */
    bool fpu_used;
    bool vcpu;               /* a virtual CPU: runs a guest from its VMCB   */
    bool retry_sleep;        /* sleeps before retrying a call (handler busy
                                on another CPU)                             */
    unsigned cpu;
    unsigned event;          /* event being delivered                       */
    struct pd *pd;
    struct pd *space;        /* address space while it runs: its PD; for a
                                vCPU the kernel's (the guest has the NPT)   */
    struct ec *pd_next;      /* list of the PD's ECs                        */
    struct ec *all_next;     /* list of all ECs (ec_destroy)                */
    struct cairn_utcb *utcb; /* kernel view                                 */
    uint64_t utcb_addr, sp, evt_base;
    void (*cont)(struct ec *); /* what to do when next dispatched           */
    struct ec *caller;       /* handler side: whom it serves                */
    struct ec *callee;       /* caller side: whom it called (or waits for)  */
    uint64_t call_pt;        /* selector of a call waiting to be retried    */
    struct sc *sc;           /* own SC (threads)                            */
    struct list parked;      /* SCs that wait for this EC to unblock        */
    struct sm *sm;           /* semaphore blocked on                        */
    struct list sm_link;
    uint64_t qual[2];        /* error code, fault address of the last event */
    uint64_t deadline;       /* timeout (0: none)                           */
    struct ec *to_next;
    void *vmcb;              /* vCPU: its control block (arch)              */
    struct debug_regs dbg;   /* its breakpoints (threads; arch)             */
    struct fpu_state fpu;
};

/* ec->attn: a RECALL event is pending; the EC has breakpoints (debug
 * registers to load whenever it returns to user mode). */
#define EC_ATTN_RECALL 0x1u
#define EC_ATTN_DEBUG  0x2u
#define EC_ATTN_FOREIGN 0x4u /* a thread of a foreign-ABI PD (syscall off) */

int ec_create(struct ec **out, struct pd *pd, unsigned cpu, uint64_t utcb, uint64_t sp,
              uint64_t evt_base, uint64_t ip, bool global);
/* A virtual CPU of VM PD `pd`: its first dispatch is a STARTUP event. */
/* The RECALL event of the EC's event space (a vCPU's has its own numbers). */
static inline unsigned ec_recall_event(const struct ec *ec)
{
    return ec->vcpu ? CAIRN_VM_RECALL : CAIRN_EVT_RECALL;
}
int ec_create_vcpu(struct ec **out, struct pd *pd, unsigned cpu, uint64_t evt_base);
/* Continuation: return to user mode (ec_ret_user as a function). */
void ec_cont_user(struct ec *ec);
void ec_cont_startup(struct ec *ec);
/* The general way back to user mode (ec_ret_attention): deliver a
 * pending recall, preempt, switch the debug registers, return. */
_Noreturn void ec_ret_general(struct ec *ec);
/* Finish the current system call of `ec` with `status`. */
_Noreturn void ec_sys_ret(struct ec *ec, int status);
/* Deliver event `evt` of the current EC `ec` through its event portal. */
_Noreturn void ec_event(struct ec *ec, unsigned evt);
/* Stop an EC for good (its PD died). */
void ec_kill(struct ec *ec);
/* Free an EC without references (kobj.c); false while it is in use. */
bool ec_destroy(struct ec *ec);

#include "ec_arch_inline.h"
#include "sched.h"

/* Does going back to user mode in `ec` need the general way: a recall
 * pending, a preemption, debug registers to load (the EC has
 * breakpoints) or to clear (this CPU's may hold another EC's), or the
 * syscall instruction to switch (off for a foreign-ABI thread, foreign.c)?
 * One test of two bytes; every return to user mode makes it. */
static inline __attribute__((always_inline)) bool ec_ret_attention(const struct ec *ec)
{
    return ec->attn | PERCPU_FIELD(attn);
}

/* Return to user mode, by the general way if need be. Inline: the end of
 * every system call and of both IPC directions. */
static inline __attribute__((always_inline)) _Noreturn void ec_ret_user(struct ec *ec)
{
    if (__builtin_expect(ec_ret_attention(ec), 0))
        ec_ret_general(ec);
    ec_arch_ret_user(ec);
}

/* The same for a caller whose call was answered: it entered by syscall. */
static inline __attribute__((always_inline)) _Noreturn void ec_ret_syscall(struct ec *ec)
{
    if (__builtin_expect(ec_ret_attention(ec), 0))
        ec_ret_general(ec);
    ec_arch_ret_syscall(ec);
}

/* Start handler `h` at its portal's entry ip with arg; the frame gets
 * them only if h does not run at once. */
static inline __attribute__((always_inline)) _Noreturn void ec_ret_handler(struct ec *h, uint64_t ip,
                                                                           uint64_t arg)
{
    if (__builtin_expect(ec_ret_attention(h), 0)) {
        ec_arch_enter(h, ip, arg);
        ec_ret_general(h);
    }
    ec_arch_ret_handler(h, ip, arg);
}
