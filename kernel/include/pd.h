/* Protection domain (PD): capability space, memory space, I/O space. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "cap.h"
#include "kobj.h"

struct ec;

struct pd {
    struct kobj k;
    bool dead;
    bool vm;           /* memory space is guest-physical (nested paging) */
    uint32_t asid;     /* VM: address space ID of its vCPUs          */
    char name[9];
    struct cap_space caps;
    struct mdb *mem;   /* memory mappings, sorted by page      */
    struct mdb *io;    /* I/O port mappings, sorted by port    */
    uint64_t *pml4;    /* page table root (kernel virtual)     */
    uint64_t cr3;
    uint8_t *iobm;     /* 8 KiB I/O bitmap, 1 = denied; NULL: no ports */
    struct ec *ecs;    /* ECs of this PD, via ec->pd_next      */
};

/* The kernel's own address space (no user half), for ECs without one. */
extern struct pd pd_kernel_space;

/* Create a PD; returns a CAIRN_* status. */
int pd_create(struct pd **out, unsigned cap_order, uint64_t name, bool vm);
/* Kill a PD: log `why`, stop its ECs, revoke its mappings. */
void pd_kill(struct pd *pd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Capability space shortcut */
static inline __attribute__((always_inline)) struct kobj *pd_cap(struct pd *pd, uint64_t sel, unsigned type, unsigned rights, int *st)
{
    return cap_get(&pd->caps, sel, type, rights, st);
}
