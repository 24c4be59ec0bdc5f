/*
 * Sandbox internals (sandbox): what the library's files share; not for
 * its users.
 *
 *   sandbox.c  setup, starting and closing children, restarts, the wait
 *   serve.c    the children's parent interface and the servers' workers
 *   leak.c     <config leak_check="yes">: restarts in rounds
 */
#pragma once

#include <cairn/init/sandbox.h>

#define SANDBOX_ROMCFG 1u /* badge kind: a child's "config" ROM session */

/* Revoke and free our selector sel (0: none). */
void sandbox_drop_sel(uint64_t sel);

/* Set up the entrypoint's servers (sb->rpc); before the entrypoint runs. */
void sandbox_serve_init(struct sandbox *sb);
/* The entrypoint's function; arg is the sandbox. */
void sandbox_serve(void *arg, struct cairn_utcb *u, uint64_t badge);
/* A server's worker thread; arg is its struct sandbox_child. */
void sandbox_worker(void *arg, struct cairn_utcb *u);
/* Drop our selector sel for session id at service k of server and have
 * the server's worker close the session; caller holds sb->req_lock. */
void sandbox_close_later(struct sandbox *sb, unsigned server, unsigned k, uint32_t instance,
                         uint64_t id, uint64_t sel);

/* Close child i, which is gone (main thread). */
cairn_status_t sandbox_close(struct sandbox *sb, unsigned i);
/* May child i, which ended, start again? Says so either way. */
bool sandbox_may_restart(struct sandbox *sb, unsigned i);

/* A leak-check round, if every child that restarts has ended. */
void sandbox_leak_round(struct sandbox *sb);
