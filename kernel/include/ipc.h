/* IPC: call, reply and events through portals. */
#pragma once

#include <stdint.h>

struct ec;

_Noreturn void ipc_call(struct ec *ec, uint64_t pt_sel);
_Noreturn void ipc_reply(struct ec *ec, uint64_t mtd);
