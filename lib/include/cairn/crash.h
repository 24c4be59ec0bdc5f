/*
 * Crash reporting for the root task: portals at the root's event selectors
 * (evt_base 0) whose handler prints the event, RIP and fault address of a
 * faulting root EC and exits with status CAIRN_CRASH_STATUS, instead of the
 * kernel silently killing the root.
 */
#pragma once

#include <stdint.h>

#define CAIRN_CRASH_STATUS 2

/* Install handlers for the CPU exceptions (events 0..31). */
uint64_t cairn_crash_install(void);
