/*
 * Child PDs of the root task that run code from the root's own image.
 *
 * A child gets the root's text (read + execute) and read-only data at the
 * same virtual addresses, so a function of the root can be the entry of a
 * thread or portal handler in the child (cairn/ec.h). The child does not
 * get the root's .data/.bss unless asked: its code must not use globals.
 */
#pragma once

#include <stdint.h>

#define CAIRN_PD_SHARE_DATA 0x1u /* also .data/.bss, read-write (shared!) */

/* Create a PD (selector from cairn_sel_alloc into *pd). */
uint64_t cairn_pd_create(uint64_t *pd, const char *name, unsigned cap_order);

/* Map the root's image into pd at the same addresses. */
uint64_t cairn_pd_share_image(uint64_t pd, unsigned flags);

/* Delegate the root's capability `sel` to dst_sel in dst_pd's space with
 * at most `rights`. */
uint64_t cairn_obj_delegate(uint64_t dst_pd, uint64_t sel, uint64_t dst_sel, unsigned rights);
