/* Slab allocator (slab): caches of fixed-size kernel objects. */
#include "slab.h"

#include <stdbool.h>
#include <stdint.h>

#include "palloc.h"

/*
 * One free list threads the free objects of every slab, newest first:
 *
 *   c->free -> obj 3 -> obj 0 -> obj 1 -> (objects of other slabs) -> NULL
 *
 *   slab:  | obj 0 | obj 1 | obj 2 | obj 3 | tail < size |
 *                            in use
 */

struct slab_obj {
    struct slab_obj *next;
};

/* A loop, not memset: the kernel has no libc (string.h may come later). */
typedef uint64_t __attribute__((may_alias)) slab_word;
static void slab_zero(void *p, size_t n)
{
    for (slab_word *q = p; n; n -= sizeof *q)
        *q++ = 0;
}

static size_t slab_objs_per_slab(const struct slab_cache *c)
{
    return (PALLOC_PAGE_SIZE << c->order) / c->size;
}

void slab_init(struct slab_cache *c, size_t size, const char *name)
{
    size_t max = PALLOC_PAGE_SIZE << PALLOC_MAX_ORDER;
    if (size > max)
        size = max + 1; /* fits no slab; also keeps the rounding below from wrapping */
    if (size < SLAB_ALIGN)
        size = SLAB_ALIGN;
    *c = (struct slab_cache){
        .name = name,
        .size = (size + SLAB_ALIGN - 1) & ~(size_t)(SLAB_ALIGN - 1),
    };
    while (c->order < PALLOC_MAX_ORDER && slab_objs_per_slab(c) < 2)
        c->order++;
}

/* Take a slab from palloc and put all its objects on the free list. */
static bool slab_grow(struct slab_cache *c)
{
    size_t n = slab_objs_per_slab(c);
    uint8_t *s = n ? palloc_alloc(c->order) : NULL;
    if (!s)
        return false;
    while (n--) {
        struct slab_obj *o = (struct slab_obj *)(s + n * c->size);
        o->next = c->free;
        c->free = o;
    }
    c->nslabs++;
    return true;
}

void *slab_alloc(struct slab_cache *c)
{
    if (!c->free && !slab_grow(c))
        return NULL;
    struct slab_obj *o = c->free;
    c->free = o->next;
    c->in_use++;
    slab_zero(o, c->size);
    return o;
}

void slab_free(struct slab_cache *c, void *p)
{
    if (!p)
        return;
    struct slab_obj *o = p;
    o->next = c->free;
    c->free = o;
    c->in_use--;
}

size_t slab_in_use(const struct slab_cache *c)
{
    return c->in_use;
}
