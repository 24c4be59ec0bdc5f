/*
 * The parent interface, client side: ask for sessions, announce services,
 * report exit. Components only (the root task has no parent).
 */
#pragma once

#include <stdint.h>
#include <cairn/utcb.h>

/* Open a session of `service` with `args` ("key=value, ..."); the session
 * capability lands at a fresh selector, returned in *cap. A service not
 * announced yet is asked for again (up to ~10 s) before giving up. */
uint64_t cairn_session(const char *service, const char *args, uint64_t *cap);
/* The same from an EC other than the main one, through its UTCB `u`. */
uint64_t cairn_session_u(struct cairn_utcb *u, const char *service, const char *args, uint64_t *cap);
/* One attempt only: CAIRN_ERETRY comes back to the caller (a parent
 * forwarding a request must not wait on its entrypoint). The capability
 * lands at *cap, which the caller must set to a free selector. */
uint64_t cairn_session_try_u(struct cairn_utcb *u, const char *service, const char *args,
                             uint64_t *cap);

/* Announce `service`, served through the portal at `service_pt`. */
uint64_t cairn_announce(const char *service, uint64_t service_pt);

/* Tell the parent we exit with `code`. */
void cairn_parent_exit(int code);
