/* Protection domain (PD): capability space, memory space, I/O space. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <cairn/abi.h>
#include "cap.h"
#include "kobj.h"

struct ec;

/* Kernel memory account: what a PD's objects, page tables, capability
 * leaves and mapping nodes may take from the kernel's pool. A PD made
 * with a quota has its own account (charged in full to its creator's);
 * one made without shares its creator's. */
struct kmem {
    uint64_t limit, used;
};

struct pd {
    struct kobj k;
    bool dead;
    bool vm;           /* memory space is guest-physical (nested paging) */
    bool foreign;      /* foreign ABI: its threads' syscalls are events */
    uint32_t asid;     /* VM: address space ID of its vCPUs          */
    uint32_t tlb_gen;  /* VM: bumped when mappings go (guest TLBs)   */
    char name[9];
    struct cap_space caps;
    struct mdb *mem;   /* memory mappings, sorted by page      */
    struct mdb *io;    /* I/O port mappings, sorted by port    */
    uint64_t *pml4;    /* page table root (kernel virtual)     */
    uint64_t cr3;
    uint8_t *iobm;     /* 8 KiB I/O bitmap, 1 = denied; NULL: no ports */
    struct ec *ecs;    /* ECs of this PD, via ec->pd_next      */
    struct kmem own;
    struct kmem *acct; /* &own, or the creator's account        */
    uint64_t kmem_tables; /* its account paid for page tables, capability
                             leaves, I/O bitmap: back when it is freed */
};

/* Take `bytes` of pd's kernel memory account: CAIRN_OK or ENOMEM. */
static inline int pd_kmem_take(struct pd *pd, uint64_t bytes)
{
    struct kmem *a = pd->acct;
    if (!a)
        return CAIRN_OK; /* the kernel's own (boot) objects */
    if (bytes > a->limit - a->used)
        return CAIRN_ENOMEM;
    a->used += bytes;
    return CAIRN_OK;
}

static inline void pd_kmem_give(struct pd *pd, uint64_t bytes)
{
    if (pd->acct)
        pd->acct->used -= bytes < pd->acct->used ? bytes : pd->acct->used;
}

/* The kernel's own address space (no user half), for ECs without one. */
extern struct pd pd_kernel_space;

/* Create a PD; returns a CAIRN_* status. */
/* Create a PD with a kernel memory quota `kmem` taken from `parent`'s
 * account (0: it shares parent's account; parent NULL: the root, whose
 * account is the whole pool). */
int pd_create(struct pd **out, unsigned cap_order, uint64_t name, bool vm, struct pd *parent,
              uint64_t kmem);
/* Kernel memory a new PD itself takes (object, tables) */
uint64_t pd_kmem_size(unsigned cap_order);
/* Kill a PD: log `why`, stop its ECs, revoke its mappings. */
void pd_kill(struct pd *pd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Free a PD without references (kobj.c); false while a CPU has it loaded. */
bool pd_destroy(struct pd *pd);

/* Capability space shortcuts */
static inline __attribute__((always_inline)) struct kobj *pd_cap_find(struct pd *pd, uint64_t sel, unsigned type,
                                                                      unsigned rights)
{
    return cap_find(&pd->caps, sel, type, rights);
}

static inline __attribute__((always_inline)) struct kobj *pd_cap(struct pd *pd, uint64_t sel, unsigned type, unsigned rights, int *st)
{
    return cap_get(&pd->caps, sel, type, rights, st);
}
