/*
 * Heap of a component: RAM from its PD session at core (CAIRN_PD_RAM),
 * page-granular or as a malloc/free heap on top of it.
 *
 * RAM counts against the component's quota and is never returned to
 * core: cairn_free makes a block reusable by later cairn_malloc calls of
 * the same component only. The heap is not thread-safe: use it from one
 * EC at a time. Components only (the root task has cairn/mem.h).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CAIRN_HEAP_CHUNK (64u * 1024u) /* the heap grows by at least this much */

/* Ask core for `bytes` (rounded up to pages) of fresh zeroed RAM mapped
 * read-write; its address goes to *out. Returns the status: CAIRN_EQUOTA
 * beyond the quota, CAIRN_EINVAL for 0 bytes. */
uint64_t cairn_pd_ram(size_t bytes, void **out);

/* cairn_pd_ram without the status: the address, or 0 on failure. */
void *cairn_ram_alloc(size_t bytes);

/* A block of at least `size` bytes, 16-byte aligned, not zeroed; 0 if
 * the quota is exhausted. */
void *cairn_malloc(size_t size);

/* Give back a block from cairn_malloc (0 is ignored). Freeing anything
 * else, or a block twice, traps. */
void cairn_free(void *p);
