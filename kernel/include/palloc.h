/* Page allocator (palloc): a buddy allocator of 4 KiB pages. */
#pragma once

#include <stddef.h>

/*
 * Memory is named by kernel virtual address: the kernel donates ranges of
 * its direct map of physical memory, host tests donate an arena.
 *
 * A block of order k is 2^k contiguous pages and is aligned to 2^k pages in
 * address (block address % (PALLOC_PAGE_SIZE << k) == 0).
 *
 * Caller holds the kernel lock for every function here.
 */

#define PALLOC_PAGE_SHIFT  12
#define PALLOC_PAGE_SIZE   ((size_t)1 << PALLOC_PAGE_SHIFT)
#define PALLOC_MAX_ORDER   10 /* largest block: 2^10 pages = 4 MiB */
#define PALLOC_MAX_REGIONS 32

/*
 * Donate [base, base + size). The range is trimmed inwards to whole pages;
 * its first page(s) hold the allocator's map of the region. Regions must
 * be disjoint and stay donated for good. A region too small to hold its
 * map and one page, or donated after PALLOC_MAX_REGIONS others, is dropped.
 */
void palloc_add(void *base, size_t size);

/* A zero-filled block of 2^order pages, or NULL if none (or order too big). */
void *palloc_alloc(unsigned order);

/*
 * Give back a block; p and order must be those of one palloc_alloc.
 * A p outside every region, or an order over the maximum, is ignored.
 */
void palloc_free(void *p, unsigned order);

/* Pages currently free, in all regions. */
size_t palloc_free_pages(void);

#ifdef CAIRN_HOST_TEST
/* Forget every region, so that each host test starts empty. */
void palloc_reset(void);
#endif
