/* Mapping database (MDB): delegation tree and per-PD space lists. */
#include "mdb.h"
#include <stddef.h>

void mdb_link(struct mdb *parent, struct mdb *child)
{
    child->parent = parent;
    child->child = NULL;
    child->sibling = NULL;
    if (parent) {
        child->sibling = parent->child;
        parent->child = child;
    }
}

void mdb_unlink(struct mdb *m)
{
    if (m->parent) {
        struct mdb **pp = &m->parent->child;
        while (*pp != m)
            pp = &(*pp)->sibling;
        *pp = m->sibling;
    }
    m->parent = m->sibling = NULL;
}

void mdb_destroy_children(struct mdb *top, void (*release)(struct mdb *))
{
    struct mdb *m = top;
    for (;;) {
        while (m->child)
            m = m->child;
        if (m == top)
            return;
        /* m is a leaf and its parent's first child */
        struct mdb *parent = m->parent;
        parent->child = m->sibling;
        m->parent = m->sibling = NULL;
        release(m);
        m = parent;
    }
}

struct mdb *mdb_find(struct mdb *list, uint64_t addr)
{
    for (; list && list->base <= addr; list = list->next)
        if (addr < mdb_end(list))
            return list;
    return NULL;
}

bool mdb_overlaps(struct mdb *list, uint64_t base, uint64_t end)
{
    for (; list && list->base < end; list = list->next)
        if (mdb_end(list) > base)
            return true;
    return false;
}

void mdb_insert(struct mdb **list, struct mdb *m)
{
    while (*list && (*list)->base < m->base)
        list = &(*list)->next;
    m->next = *list;
    *list = m;
}

void mdb_remove(struct mdb **list, struct mdb *m)
{
    while (*list && *list != m)
        list = &(*list)->next;
    if (*list)
        *list = m->next;
    m->next = NULL;
}
