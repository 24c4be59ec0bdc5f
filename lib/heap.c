/*
 * Heap of a component: RAM from the PD session, and a first-fit heap.
 *
 * Free blocks form one list sorted by address; a freed block merges with
 * free neighbours that touch it. Each block starts with a header:
 *
 *   free list -> +------+------+-----------+    +------+------+------
 *                | size | next | ...       | -> | size | next | ...
 *                +------+------+-----------+    +------+------+------
 *   in use:      | size | USED | payload (16-byte aligned)  ...
 *
 * size counts the header; every block is a multiple of 16 bytes.
 */
#include <cairn/heap.h>
#include <cairn/lock.h>

#include <cairn/cpu.h>
#include <cairn/rpc.h>
#include <cairn/session.h>

#define HEAP_PAGE  4096u
#define HEAP_ALIGN 16u
#define HEAP_USED  ((struct heap_block *)0x75736564u) /* "used": not a list pointer */

struct heap_block {
    size_t size;
    struct heap_block *next;
};

#define HEAP_MIN (sizeof(struct heap_block) + HEAP_ALIGN) /* smallest block worth a split */

static struct heap_block *heap_free_list;

uint64_t cairn_pd_ram(size_t bytes, void **out)
{
    struct cairn_utcb *u = cairn_utcb_self();
    struct cairn_msg m;

    cairn_msg_begin(&m, u, CAIRN_PD_RAM);
    cairn_msg_word(&m, bytes);
    uint64_t st = cairn_rpc_call(CAIRN_SEL_PD_SESSION, u);
    if (st == CAIRN_OK && u->untyped < 2)
        st = CAIRN_EINVAL;
    *out = st == CAIRN_OK ? (void *)(uintptr_t)u->mr[1] : 0;
    return st;
}

void *cairn_ram_alloc(size_t bytes)
{
    void *p;

    cairn_pd_ram(bytes, &p);
    return p;
}

/* Put b into the free list at its place by address; merge with touching
 * neighbours. */
static void heap_insert(struct heap_block *b)
{
    struct heap_block *prev = 0, *next = heap_free_list;

    while (next && next < b) {
        prev = next;
        next = next->next;
    }
    b->next = next;
    if (next && (char *)b + b->size == (char *)next) {
        b->size += next->size;
        b->next = next->next;
    }
    if (prev && (char *)prev + prev->size == (char *)b) {
        prev->size += b->size;
        prev->next = b->next;
    } else if (prev) {
        prev->next = b;
    } else {
        heap_free_list = b;
    }
}

/* Add at least `need` bytes of fresh RAM to the free list; CAIRN_EQUOTA
 * if the PD session gives no more. */
static cairn_status_t heap_grow(size_t need)
{
    size_t bytes = (need + HEAP_PAGE - 1) & ~(size_t)(HEAP_PAGE - 1);
    struct heap_block *b;

    if (bytes < CAIRN_HEAP_CHUNK)
        bytes = CAIRN_HEAP_CHUNK;
    b = cairn_ram_alloc(bytes);
    if (!b)
        return CAIRN_EQUOTA;
    b->size = bytes;
    heap_insert(b);
    return CAIRN_OK;
}

/* First fit: unlink (and split) the first free block of at least need. */
static void *heap_take(size_t need)
{
    for (struct heap_block **pp = &heap_free_list; *pp; pp = &(*pp)->next) {
        struct heap_block *b = *pp;
        if (b->size < need)
            continue;
        if (b->size - need >= HEAP_MIN) {
            struct heap_block *rest = (struct heap_block *)((char *)b + need);
            rest->size = b->size - need;
            rest->next = b->next;
            *pp = rest;
            b->size = need;
        } else {
            *pp = b->next;
        }
        b->next = HEAP_USED;
        return b + 1;
    }
    return 0;
}

void *cairn_malloc(size_t size)
{
    if (size > ((size_t)1 << 40))
        return 0;
    size_t need = sizeof(struct heap_block) + ((size + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1));
    void *p;

    if (need < HEAP_MIN)
        need = HEAP_MIN;
    cairn_lock_take(&cairn_heap_lock);
    p = heap_take(need);
    if (!p && heap_grow(need) == CAIRN_OK)
        p = heap_take(need);
    cairn_lock_give(&cairn_heap_lock);
    return p;
}

void cairn_free(void *p)
{
    if (!p)
        return;
    struct heap_block *b = (struct heap_block *)p - 1;
    if (b->next != HEAP_USED || b->size < HEAP_MIN || b->size % HEAP_ALIGN)
        __builtin_trap(); /* not a block of ours, or freed twice */
    cairn_lock_take(&cairn_heap_lock);
    heap_insert(b);
    cairn_lock_give(&cairn_heap_lock);
}
