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
