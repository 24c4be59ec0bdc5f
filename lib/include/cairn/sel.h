/*
 * Capability-selector allocator of the root task: a bump allocator over
 * the root's space from CAIRN_ROOT_SEL_FIRST up to 2^hip->cap_order.
 * Single selectors may be given back (cairn_sel_free) once empty; they
 * are handed out again first.
 */
#pragma once

#include <stdint.h>

/* A free, 2^order aligned block of 2^order selectors; 0 when exhausted
 * (0 is never handed out: it lies in the root's event selectors). */
uint64_t cairn_sel_alloc(unsigned order);
/* Give back a selector of cairn_sel_alloc(0) whose slot is empty now. */
void cairn_sel_free(uint64_t sel);
