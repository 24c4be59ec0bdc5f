/* IPC: call, reply and events through portals. */
#pragma once

#include <stdint.h>

struct ec;
struct regs;

/* The system calls call (rdi: portal selector) and reply (rdi: MTD), as
 * entries of syscall.c's table: the IPC path, with nothing between the
 * entry's dispatch and the switch to the other EC. */
_Noreturn void sys_call(struct ec *ec, struct regs *r);
_Noreturn void sys_reply(struct ec *ec, struct regs *r);
/* The same for entry.S's short way (one CPU, no flags in rax), which
 * hands over the current EC and rdi (docs/abi.md: call and reply may
 * clobber the caller-saved registers, so the frame has only the others). */
_Noreturn void sys_ipc_call(struct ec *ec, uint64_t sel);
_Noreturn void sys_ipc_reply(struct ec *ec, uint64_t mtd);
