/* Spaces: delegation, revocation and lookup of memory pages, I/O ports
 * and capability selectors between PDs, recorded in the MDB. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pd;
struct kobj;

/* Delegate `crd` of `src` to `dst_base` in `dst`. With `host` the source
 * is host memory / ports. On success *out is the CRD now in dst.
 * `window`, if non-zero, is a receive window the destination must lie in. */
int space_delegate(struct pd *src, struct pd *dst, uint64_t crd, uint64_t dst_base, bool host,
                   uint64_t window, uint64_t *out);
int space_revoke(struct pd *pd, uint64_t crd, bool self);
uint64_t space_lookup(struct pd *pd, uint64_t crd);
/* Revoke everything a dying PD holds (kernel mappings stay). */
void space_revoke_all(struct pd *pd);
/* Free a dead PD's spaces: mappings, page tables, I/O bitmap, capability
 * table (what its account paid is pd->kmem_tables). */
void space_destroy(struct pd *pd);
/* Remove the kernel mapping at `page` (a freed EC's UTCB). */
void space_unmap_kernel(struct pd *pd, uint64_t page);

/* Kernel-made mappings (root image, UTCB, HIP): a root node of pd. */
int space_map_kernel(struct pd *pd, uint64_t page, uint64_t frame, unsigned rights, unsigned flags);
/* Install a new object's first capability at a free selector of pd. */
int space_install(struct pd *pd, uint64_t sel, struct kobj *obj, unsigned rights);
/* Is `sel` free in pd? ECAP if out of range, EEXIST if used, ENOMEM. */
int space_sel_free(struct pd *pd, uint64_t sel);

/* Physical ranges the root may not delegate (kernel memory). */
void space_host_reserve(uint64_t base, uint64_t size);
