/* Why a system call was refused (why.h). */
#include "why.h"
#include <stdarg.h>
#include <cairn/abi.h>
#include "arch.h"
#include "console.h"
#include "pd.h"
#include "regs.h"

bool why_on;
static uint64_t why_window, why_lines, why_dropped;

static const char *const why_calls[CAIRN_SYS_COUNT] = {
    "call", "reply", "create_pd", "create_ec", "create_sc", "create_pt", "create_sm", "delegate",
    "revoke", "lookup", "ec_ctrl", "sc_ctrl", "sm_ctrl", "pd_ctrl", "irq_ctrl",
};

static const char *const why_status[CAIRN_STATUS_COUNT] = {
    "OK", "ETIMEOUT", "EABORT", "ESYS", "ECAP", "ETYPE", "EPERM", "EPAR", "EEXIST", "ENOMEM",
    "ECPU", "EDEADLK", "EFEAT", "EBUSY",
};

/* Is the word `w` on the command line (words are separated by blanks)? */
static bool why_word(const char *s, const char *w)
{
    while (*s) {
        while (*s == ' ')
            s++;
        unsigned i = 0;
        while (w[i] && s[i] == w[i])
            i++;
        if (!w[i] && (s[i] == 0 || s[i] == ' '))
            return true;
        while (*s && *s != ' ')
            s++;
    }
    return false;
}

void why_init(const char *cmdline)
{
    why_on = cmdline && why_word(cmdline, "why");
    if (why_on)
        kprintf("[kernel] why: refused system calls are logged (at most %u lines a second)\n",
                WHY_BURST);
}

void why_log(const struct ec *ec, int status, const char *fmt, ...)
{
    extern uint64_t hip_tsc_khz;
    uint64_t now = arch_time(), second = hip_tsc_khz * 1000;
    if (now - why_window >= second) {
        if (why_dropped)
            kprintf("[kernel] why: %lu more refusals not shown\n", why_dropped);
        why_window = now, why_lines = 0, why_dropped = 0;
    }
    if (why_lines++ >= WHY_BURST) {
        if (!why_dropped++)
            kprintf("[kernel] why: over %u refusals this second: the rest of it not shown\n",
                    WHY_BURST);
        return;
    }
    unsigned nr = SYS_NR(&ec->regs);
    kprintf("[kernel] why: PD '%s' %s -> %s: ", ec->pd->name,
            nr < CAIRN_SYS_COUNT ? why_calls[nr] : "no such call",
            status >= 0 && status < CAIRN_STATUS_COUNT ? why_status[status] : "?");
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
}
