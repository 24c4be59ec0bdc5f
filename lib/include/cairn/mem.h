/*
 * Memory of the root task.
 *
 * Page allocator: takes RAM from the HIP's AVAILABLE regions, delegates it
 * from the host to the root itself and maps frame `phys` at virtual
 * CAIRN_MEM_WINDOW + phys, so the physical address of an allocation is
 * always known. Bump allocation; pages given back are reused first.
 *
 *   0x000000400000  program image (lib/user.ld)
 *   0x000100000000  CAIRN_MEM_WINDOW: RAM frames 0..4 GiB
 *   0x000200000000  CAIRN_UTCB_WINDOW: UTCBs of ECs made by lib/ec.c
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>

#define CAIRN_PAGE_SIZE    4096ull
#define CAIRN_MEM_WINDOW   0x100000000ull
#define CAIRN_MEM_WINDOW_SIZE 0x100000000ull
#define CAIRN_UTCB_WINDOW  0x200000000ull

/* `pages` zeroed, physically contiguous pages mapped read-write; 0 if no
 * memory is left or the kernel refused. */
void *cairn_page_alloc(size_t pages);
/* The same, starting at a multiple of `align` pages (a power of two). */
void *cairn_page_alloc_aligned(size_t pages, size_t align);

/* Root task: map host physical memory [phys, phys + bytes) at the window
 * (read-write) and return its address there; 0 on failure. */
void *cairn_mem_map_phys(uint64_t phys, size_t bytes);

/*
 * Splitting n pages that go from page a to page b (b = a where only one
 * side counts) into naturally aligned power-of-two chunks, the pieces the
 * kernel maps, delegates and sends as items: each chunk is the largest
 * 2^order pages with a and b both 2^order aligned, 2^order <= the pages
 * left and order <= max_order.
 *
 *   for (struct cairn_mem_chunk c = cairn_mem_chunks(a, b, n, 20); cairn_mem_chunk_next(&c);)
 *       ... 2^c.order pages from c.a to c.b ...
 */
struct cairn_mem_chunk {
    uint64_t a, b;      /* the chunk's first page on each side          */
    uint64_t n;         /* pages left from a on, the chunk included     */
    uint64_t step;      /* the chunk's pages, passed by the next call   */
    unsigned order;     /* the chunk is 2^order pages                   */
    unsigned max_order;
};

static inline struct cairn_mem_chunk cairn_mem_chunks(uint64_t a, uint64_t b, uint64_t n,
                                                      unsigned max_order)
{
    return (struct cairn_mem_chunk){ .a = a, .b = b, .n = n, .max_order = max_order };
}

/* Move on to the next chunk; 0 when no pages are left. */
static inline int cairn_mem_chunk_next(struct cairn_mem_chunk *c)
{
    unsigned o = 0;

    c->a += c->step, c->b += c->step, c->n -= c->step;
    if (!c->n)
        return 0;
    while (o < c->max_order && !((c->a | c->b) & ((2ull << o) - 1)) && (2ull << o) <= c->n)
        o++;
    c->order = o;
    c->step = 1ull << o;
    return 1;
}

/* Physical address of an address returned by cairn_page_alloc. */
static inline uint64_t cairn_page_phys(const void *va)
{
    return (uint64_t)(uintptr_t)va - CAIRN_MEM_WINDOW;
}

/* Give back pages of cairn_page_alloc (any part of what it returned):
 * the next allocations take them first. Root task only; not thread-safe
 * (core allocates from its one entrypoint). */
void cairn_page_free(void *p, size_t pages);
/* Bytes still available to cairn_page_alloc. */
uint64_t cairn_page_avail(void);

struct cairn_msg;
/* Append to `out` memory items that give [va, va + bytes) of this PD to
 * the receiver at page `off` of its window: naturally aligned chunks,
 * each inside one mapping of ours (the kernel delegates an item only
 * from one source mapping, and a range the allocator handed out may span
 * two). CAIRN_EPAR if part of the range is not mapped here; a message
 * too small for the items is marked bad (out->bad). */
cairn_status_t cairn_msg_mem_items(struct cairn_msg *out, const void *va, size_t bytes,
                                   unsigned rights, uint64_t off);

/* Delegate the caller's (root's) mappings covering [va, va + bytes) to
 * dst_va in dst_pd with `rights` (CAIRN_MEM_*), in as few naturally aligned
 * chunks as the existing mappings allow. va, dst_va and bytes must be page
 * aligned. Returns the first failing status or CAIRN_OK. */
uint64_t cairn_mem_share(uint64_t dst_pd, const void *va, size_t bytes, unsigned rights,
                         uint64_t dst_va);
