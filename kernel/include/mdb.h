/*
 * Mapping database (MDB): who delegated what to whom.
 *
 * Every mapping of a PD (a range of memory pages, I/O ports or capability
 * selectors) is a node. A delegation makes a child node in the receiving
 * PD; revoking a node removes its whole subtree, deepest first, so what
 * was delegated onward disappears too.
 *
 *          root PD: [host frames 0x1000-0x1fff]        parent
 *                     |child                             ^
 *          core: [0x400-0x40f] --sibling--> vmm: [...]   |
 *                     |child                             |
 *          init: [0x10-0x13]  ---------------------------+
 *
 * Nodes of memory and I/O spaces are also kept on a list per PD and
 * space, sorted by base; capability slots are nodes themselves (cap.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pd;
struct kobj;

#define MDB_KERNEL 0x01 /* kernel-owned (UTCB, HIP): not delegable, not revocable */

struct mdb {
    struct mdb *parent, *child, *sibling; /* delegation tree          */
    struct mdb *next;                     /* PD's space list (sorted) */
    struct pd *pd;                        /* space owner              */
    uint64_t base;                        /* page / port / selector   */
    uint8_t type, order, rights, flags;   /* type: CAIRN_CRD_*        */
    uint32_t reserved;
    union {
        uint64_t phys;    /* memory: frame number of base */
        struct kobj *obj; /* capability: the object       */
    };
};

static inline uint64_t mdb_end(const struct mdb *m) { return m->base + (1ull << m->order); }

/* Attach `child` below `parent` (parent may be NULL: a root mapping). */
void mdb_link(struct mdb *parent, struct mdb *child);
/* Detach a node without children from its parent. */
void mdb_unlink(struct mdb *m);
/* Remove every descendant of `m`, deepest first, calling `release` for
 * each after detaching it. Iterative: delegation depth is user-chosen. */
void mdb_destroy_children(struct mdb *m, void (*release)(struct mdb *));

/* Sorted space lists */
struct mdb *mdb_find(struct mdb *list, uint64_t addr);        /* node holding addr */
bool mdb_overlaps(struct mdb *list, uint64_t base, uint64_t end);
void mdb_insert(struct mdb **list, struct mdb *m);
void mdb_remove(struct mdb **list, struct mdb *m);
