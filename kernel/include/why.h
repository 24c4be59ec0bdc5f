/*
 * Why a system call was refused: a kernel log line naming the caller, the
 * call, the status and the check that failed (seL4's userError), for a
 * developer chasing a status. Off by default; the word "why" on the
 * kernel command line turns it on. At most WHY_BURST lines a second: a
 * component that fails in a loop cannot flood the console.
 */
#pragma once

#include <stdbool.h>
#include "ec.h"

#define WHY_BURST 20u

extern bool why_on;

/* Reads the kernel command line. */
void why_init(const char *cmdline);

/* Log that `ec`'s current system call ends with `status` because of
 * `fmt` (printf-style). Caller: only when why_on. */
void why_log(const struct ec *ec, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), cold));
