/* Page allocator (palloc): a buddy allocator of 4 KiB pages. */
#include "palloc.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * One donated region, after trimming to pages:
 *
 *   start                                                 start + npages*4K
 *   | map |  free and allocated blocks, block of order k = 2^k pages,   |
 *   |     |  aligned to 2^k pages in address                            |
 *     |
 *     +-> map[i], one byte per page i of the region (map pages included):
 *           k               page i heads a free block of order k
 *           PALLOC_NOT_FREE allocated, inside a block, or map itself
 *
 * Free blocks of order k, from every region, are on palloc_free_list[k],
 * linked through their first bytes (the memory is free, so we may):
 *
 *   palloc_free_list[0]  -> [4K] <-> [4K] <-> [4K]
 *   palloc_free_list[1]  -> [  8K  ]
 *   ...
 *   palloc_free_list[10] -> [      4M      ] <-> [      4M      ]
 *
 * The buddy of block a at order k is a ^ (4K << k). It is merged only if it
 * lies in the same region and its map byte says "free at order k"; the map
 * pages read as not free, so they stop merges at a region's start, and the
 * bounds check stops them at its end. Every operation walks at most
 * PALLOC_MAX_ORDER orders, plus a scan of at most PALLOC_MAX_REGIONS regions.
 */

#define PALLOC_NOT_FREE 0xffu

struct palloc_node {
    struct palloc_node *next;
    struct palloc_node **pprev; /* the pointer that points at us */
};

struct palloc_region {
    uintptr_t start; /* page aligned; the map lives here */
    size_t npages;   /* pages in the region, map pages included */
};

static struct palloc_region palloc_regions[PALLOC_MAX_REGIONS];
static unsigned palloc_nregions;
static struct palloc_node *palloc_free_list[PALLOC_MAX_ORDER + 1];
static size_t palloc_nfree;

/* A loop, not memset: the kernel has no libc (string.h may come later). */
typedef uint64_t __attribute__((may_alias)) palloc_word;
static void palloc_zero(void *p, size_t n)
{
    for (palloc_word *q = p; n; n -= sizeof *q)
        *q++ = 0;
}

static uint8_t *palloc_map(const struct palloc_region *r, uintptr_t a)
{
    return (uint8_t *)r->start + ((a - r->start) >> PALLOC_PAGE_SHIFT);
}

static struct palloc_region *palloc_region_of(uintptr_t a)
{
    for (unsigned i = 0; i < palloc_nregions; i++) {
        struct palloc_region *r = &palloc_regions[i];
        if (a >= r->start && (a - r->start) >> PALLOC_PAGE_SHIFT < r->npages)
            return r;
    }
    return NULL;
}

static void palloc_push(const struct palloc_region *r, uintptr_t a, unsigned k)
{
    struct palloc_node *n = (struct palloc_node *)a;
    n->next = palloc_free_list[k];
    n->pprev = &palloc_free_list[k];
    if (n->next)
        n->next->pprev = &n->next;
    palloc_free_list[k] = n;
    *palloc_map(r, a) = (uint8_t)k;
}

static void palloc_unlink(const struct palloc_region *r, uintptr_t a)
{
    struct palloc_node *n = (struct palloc_node *)a;
    *n->pprev = n->next;
    if (n->next)
        n->next->pprev = n->pprev;
    *palloc_map(r, a) = PALLOC_NOT_FREE;
}

static bool palloc_buddy_free(const struct palloc_region *r, uintptr_t b, unsigned k)
{
    return b >= r->start && (b - r->start) >> PALLOC_PAGE_SHIFT < r->npages &&
           *palloc_map(r, b) == k;
}

/* Put block a of order k on its list, merging it with free buddies first. */
static void palloc_release(const struct palloc_region *r, uintptr_t a, unsigned k)
{
    for (; k < PALLOC_MAX_ORDER; k++) {
        uintptr_t b = a ^ (PALLOC_PAGE_SIZE << k);
        if (!palloc_buddy_free(r, b, k))
            break;
        palloc_unlink(r, b);
        a &= ~(PALLOC_PAGE_SIZE << k); /* lower of the two */
    }
    palloc_push(r, a, k);
}

void palloc_add(void *base, size_t size)
{
    uintptr_t lo = (uintptr_t)base, hi = lo + size;
    if (hi < lo)
        hi = UINTPTR_MAX;
    lo = (lo + PALLOC_PAGE_SIZE - 1) & ~(PALLOC_PAGE_SIZE - 1);
    hi &= ~(PALLOC_PAGE_SIZE - 1);
    if (lo < (uintptr_t)base || hi <= lo || palloc_nregions == PALLOC_MAX_REGIONS)
        return;

    size_t npages = (hi - lo) >> PALLOC_PAGE_SHIFT;
    size_t nmap = (npages + PALLOC_PAGE_SIZE - 1) >> PALLOC_PAGE_SHIFT;
    if (npages <= nmap)
        return;

    struct palloc_region *r = &palloc_regions[palloc_nregions++];
    *r = (struct palloc_region){ .start = lo, .npages = npages };
    for (size_t i = 0; i < npages; i++)
        ((uint8_t *)lo)[i] = PALLOC_NOT_FREE;

    /* Cut the rest into the largest aligned blocks that fit. */
    for (uintptr_t a = lo + (nmap << PALLOC_PAGE_SHIFT); a < hi;) {
        unsigned k = PALLOC_MAX_ORDER;
        while ((a & ((PALLOC_PAGE_SIZE << k) - 1)) || hi - a < (PALLOC_PAGE_SIZE << k))
            k--;
        palloc_push(r, a, k);
        palloc_nfree += (size_t)1 << k;
        a += PALLOC_PAGE_SIZE << k;
    }
}

void *palloc_alloc(unsigned order)
{
    unsigned k = order;
    while (k <= PALLOC_MAX_ORDER && !palloc_free_list[k])
        k++;
    if (k > PALLOC_MAX_ORDER)
        return NULL;

    uintptr_t a = (uintptr_t)palloc_free_list[k];
    const struct palloc_region *r = palloc_region_of(a);
    palloc_unlink(r, a);
    while (k > order) { /* split, keeping the lower half */
        k--;
        palloc_push(r, a + (PALLOC_PAGE_SIZE << k), k);
    }
    palloc_nfree -= (size_t)1 << order;
    palloc_zero((void *)a, PALLOC_PAGE_SIZE << order);
    return (void *)a;
}

void palloc_free(void *p, unsigned order)
{
    const struct palloc_region *r = palloc_region_of((uintptr_t)p);
    if (!r || order > PALLOC_MAX_ORDER)
        return;
    palloc_nfree += (size_t)1 << order;
    palloc_release(r, (uintptr_t)p, order);
}

size_t palloc_free_pages(void)
{
    return palloc_nfree;
}

#ifdef CAIRN_HOST_TEST
void palloc_reset(void)
{
    for (unsigned k = 0; k <= PALLOC_MAX_ORDER; k++)
        palloc_free_list[k] = NULL;
    palloc_nregions = 0;
    palloc_nfree = 0;
}
#endif
