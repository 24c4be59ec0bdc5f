/*
 * Page allocator of the root task and memory sharing with other PDs.
 */
#include <cairn/mem.h>

#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sys.h>
#include <string.h>

#define MEM_PAGE_SHIFT 12

#define MEM_REGIONS 64 /* regions of the HIP's memory map served */

/* Each region is handed out bottom-up: the next free address in region i
 * (0: its start). A request too large for one region leaves it as it is. */
static uint64_t mem_next[MEM_REGIONS];

/* Pages given back, as sorted, merged runs [va, va + pages * 4K); they
 * stay mapped in the window and are handed out again before the regions.
 * A run that finds the table full is lost (mem_lost counts its pages). */
#define MEM_RUNS 512
static struct mem_run { uint64_t va, pages; } mem_runs[MEM_RUNS];
static unsigned mem_nruns;
static uint64_t mem_lost;

static const struct cairn_hip_mem *mem_map_entry(unsigned i)
{
    return (const struct cairn_hip_mem *)((const char *)cairn_hip + cairn_hip->mem_offset) + i;
}

/* Usable part of region i above the cursor: [*lo, *hi), page aligned and
 * inside the window. */
static void mem_region_range(unsigned i, uint64_t *lo, uint64_t *hi)
{
    const struct cairn_hip_mem *m = mem_map_entry(i);
    uint64_t b = (m->base + CAIRN_PAGE_SIZE - 1) & ~(CAIRN_PAGE_SIZE - 1);
    uint64_t e = (m->base + m->size) & ~(CAIRN_PAGE_SIZE - 1);

    if (m->type != CAIRN_HIP_MEM_AVAILABLE || e <= b)
        b = e = 0;
    if (b < CAIRN_PAGE_SIZE)
        b = CAIRN_PAGE_SIZE; /* keep frame 0 out: a null pointer must fault */
    if (e > CAIRN_MEM_WINDOW_SIZE)
        e = CAIRN_MEM_WINDOW_SIZE;
    if (i >= MEM_REGIONS)
        b = e = 0;
    else if (b < mem_next[i])
        b = mem_next[i];
    *lo = b;
    *hi = e > b ? e : b;
}

/* Map physical [phys, phys + pages) at the window, from the host. */
static uint64_t mem_map_host(uint64_t phys, uint64_t pages)
{
    uint64_t p = phys >> MEM_PAGE_SHIFT, win = CAIRN_MEM_WINDOW >> MEM_PAGE_SHIFT;

    struct cairn_mem_chunk c = cairn_mem_chunks(p, win + p, pages, 20);

    while (cairn_mem_chunk_next(&c)) {
        uint64_t crd = CAIRN_CRD(CAIRN_CRD_MEM, c.a, c.order, CAIRN_MEM_R | CAIRN_MEM_W);
        uint64_t st = cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, crd, c.b, CAIRN_DEL_F_HOST);
        if (st != CAIRN_OK)
            return st;
    }
    return CAIRN_OK;
}

void *cairn_mem_map_phys(uint64_t phys, size_t bytes)
{
    uint64_t first = phys & ~(CAIRN_PAGE_SIZE - 1);
    uint64_t pages = (phys + bytes - first + CAIRN_PAGE_SIZE - 1) / CAIRN_PAGE_SIZE;
    uint64_t st = mem_map_host(first, pages);
    if (st != CAIRN_OK && st != CAIRN_EEXIST)
        return 0;
    return (void *)(uintptr_t)(CAIRN_MEM_WINDOW + phys);
}

static void mem_run_cut(unsigned i)
{
    memmove(&mem_runs[i], &mem_runs[i + 1], (mem_nruns - i - 1) * sizeof(mem_runs[0]));
    mem_nruns--;
}

static void mem_run_insert(unsigned i, uint64_t va, uint64_t pages)
{
    if (mem_nruns == MEM_RUNS) {
        mem_lost += pages;
        return;
    }
    memmove(&mem_runs[i + 1], &mem_runs[i], (mem_nruns - i) * sizeof(mem_runs[0]));
    mem_runs[i] = (struct mem_run){ va, pages };
    mem_nruns++;
}

/* Take `bytes` aligned to `a` from the first run that holds them. */
static void *mem_run_take(uint64_t bytes, uint64_t a)
{
    for (unsigned i = 0; i < mem_nruns; i++) {
        struct mem_run r = mem_runs[i];
        uint64_t start = (r.va + a - 1) & ~(a - 1), end = r.va + r.pages * CAIRN_PAGE_SIZE;
        if (start >= end || end - start < bytes)
            continue;
        mem_run_cut(i);
        if (end > start + bytes)
            mem_run_insert(i, start + bytes, (end - start - bytes) / CAIRN_PAGE_SIZE);
        if (start > r.va)
            mem_run_insert(i, r.va, (start - r.va) / CAIRN_PAGE_SIZE);
        memset((void *)(uintptr_t)start, 0, bytes);
        return (void *)(uintptr_t)start;
    }
    return 0;
}

void cairn_page_free(void *p, size_t pages)
{
    uint64_t va = (uintptr_t)p, end = va + pages * CAIRN_PAGE_SIZE;
    unsigned i = 0;

    if (!p || !pages)
        return;
    while (i < mem_nruns && mem_runs[i].va < va)
        i++;
    if (i > 0 && mem_runs[i - 1].va + mem_runs[i - 1].pages * CAIRN_PAGE_SIZE == va) {
        mem_runs[i - 1].pages += pages; /* joins the run below */
        if (i < mem_nruns && mem_runs[i].va == end) {
            mem_runs[i - 1].pages += mem_runs[i].pages;
            mem_run_cut(i);
        }
    } else if (i < mem_nruns && mem_runs[i].va == end) {
        mem_runs[i].va = va; /* joins the run above */
        mem_runs[i].pages += pages;
    } else {
        mem_run_insert(i, va, pages);
    }
}

void *cairn_page_alloc_aligned(size_t pages, size_t align)
{
    uint64_t lo, hi, bytes = pages * CAIRN_PAGE_SIZE, a = align ? align * CAIRN_PAGE_SIZE : CAIRN_PAGE_SIZE;
    void *run;

    if (a & (a - 1))
        return 0;
    if (pages && (run = mem_run_take(bytes, a)))
        return run;
    for (unsigned i = 0; cairn_hip && pages && i < cairn_hip->mem_count; i++) {
        mem_region_range(i, &lo, &hi);
        lo = (lo + a - 1) & ~(a - 1);
        if (lo >= hi || hi - lo < bytes)
            continue;
        mem_next[i] = lo + bytes; /* the alignment gap below lo is not reused */
        if (mem_map_host(lo, pages) != CAIRN_OK)
            return 0;
        void *va = (void *)(uintptr_t)(CAIRN_MEM_WINDOW + lo);
        memset(va, 0, bytes);
        return va;
    }
    return 0;
}

void *cairn_page_alloc(size_t pages) { return cairn_page_alloc_aligned(pages, 1); }

uint64_t cairn_page_avail(void)
{
    uint64_t sum = 0, lo, hi;

    for (unsigned i = 0; cairn_hip && i < cairn_hip->mem_count; i++) {
        mem_region_range(i, &lo, &hi);
        sum += hi - lo;
    }
    for (unsigned i = 0; i < mem_nruns; i++)
        sum += mem_runs[i].pages * CAIRN_PAGE_SIZE;
    return sum;
}

/* How many of the n pages from page p lie in the one mapping of ours at
 * p (*len): a delegation names one source mapping, so chunks stay inside
 * it. CAIRN_EPAR if nothing is mapped at p. */
static cairn_status_t mem_source_run(uint64_t p, uint64_t n, uint64_t *len)
{
    uint64_t m = 0, st = cairn_lookup(CAIRN_CRD(CAIRN_CRD_MEM, p, 0, 0), &m);
    if (st != CAIRN_OK)
        return st;
    if (CAIRN_CRD_TYPE(m) != CAIRN_CRD_MEM)
        return CAIRN_EPAR;
    uint64_t left = CAIRN_CRD_BASE(m) + (1ull << CAIRN_CRD_ORDER(m)) - p;
    *len = n < left ? n : left;
    return CAIRN_OK;
}

cairn_status_t cairn_msg_mem_items(struct cairn_msg *out, const void *va, size_t bytes,
                                   unsigned rights, uint64_t off)
{
    uint64_t p = (uintptr_t)va >> MEM_PAGE_SHIFT, d = off, n = bytes >> MEM_PAGE_SHIFT;

    while (n && !out->bad) {
        uint64_t len, st = mem_source_run(p, n, &len);
        if (st != CAIRN_OK)
            return st;
        struct cairn_mem_chunk c = cairn_mem_chunks(p, d, len, 20);
        while (!out->bad && cairn_mem_chunk_next(&c))
            cairn_msg_item(out, CAIRN_CRD(CAIRN_CRD_MEM, c.a, c.order, rights), c.b);
        p += len, d += len, n -= len;
    }
    return CAIRN_OK;
}

uint64_t cairn_mem_share(uint64_t dst_pd, const void *va, size_t bytes, unsigned rights,
                         uint64_t dst_va)
{
    uint64_t p = (uintptr_t)va >> MEM_PAGE_SHIFT, d = dst_va >> MEM_PAGE_SHIFT;
    uint64_t n = bytes >> MEM_PAGE_SHIFT;

    while (n) {
        uint64_t len, st = mem_source_run(p, n, &len);
        if (st != CAIRN_OK)
            return st;
        struct cairn_mem_chunk c = cairn_mem_chunks(p, d, len, 20);
        while (cairn_mem_chunk_next(&c)) {
            st = cairn_delegate(CAIRN_ROOT_SEL_PD, dst_pd,
                                CAIRN_CRD(CAIRN_CRD_MEM, c.a, c.order, rights), c.b, 0);
            if (st != CAIRN_OK)
                return st;
        }
        p += len, d += len, n -= len;
    }
    return CAIRN_OK;
}
