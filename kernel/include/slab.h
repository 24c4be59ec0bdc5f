/* Slab allocator (slab): caches of fixed-size kernel objects. */
#pragma once

#include <stddef.h>

/*
 * A cache hands out objects of one size, carved from slabs of palloc
 * pages. Objects are 16-byte aligned; their size is rounded up to a
 * multiple of 16. A slab is one page (order 0) for objects up to 2 KiB;
 * bigger objects get the smallest order that holds two of them, so at most
 * a third of a slab is wasted. Objects over 4 MiB (PALLOC_MAX_ORDER) are
 * never handed out.
 *
 * Slabs are never given back to palloc: a cache keeps its peak size and
 * reuses freed objects. This keeps a cache to one free list and no
 * per-slab bookkeeping.
 *
 * Caller holds the kernel lock for every function here.
 */

#define SLAB_ALIGN 16

struct slab_obj; /* a free object: its first word links to the next */

struct slab_cache {
    const char *name;
    size_t size;           /* object size, a multiple of SLAB_ALIGN */
    unsigned order;        /* each slab is 2^order pages */
    size_t in_use;         /* objects handed out */
    size_t nslabs;         /* slabs taken from palloc */
    struct slab_obj *free; /* free objects of all slabs */
};

/* Set up an empty cache; name must outlive it. Takes no memory yet. */
void slab_init(struct slab_cache *c, size_t size, const char *name);

/* A zero-filled object, or NULL when palloc has no slab to give. */
void *slab_alloc(struct slab_cache *c);

/* Give back p, which slab_alloc(c) returned; NULL is ignored. */
void slab_free(struct slab_cache *c, void *p);

/* Objects of c handed out and not yet freed. */
size_t slab_in_use(const struct slab_cache *c);
