/*
 * ktest main: runs every registered test (ktest.h) in area order and
 * reports. Command-line words (the boot module's command line):
 *   only=<prefix>[:<prefix>...]   run only tests whose names start so
 *                                 (',' works too, but QEMU's -initrd
 *                                 splits modules at commas)
 *   verbose                       print "run <name>" before each test
 */
#include "ktest.h"

#include <cairn/crash.h>
#include <cairn/log.h>
#include <stdarg.h>
#include <string.h>

#define MAIN_MAX_TESTS 256

extern const struct ktest __cairn_tests_start[], __cairn_tests_end[];

int kt_verbose;

static int main_failed;
static char main_reason[200];
static const char *main_only;

void kt_fail(const char *file, int line, const char *fmt, ...)
{
    const char *base = file + strlen(file);
    va_list ap;

    if (main_failed++)
        return;
    while (base > file && base[-1] != '/')
        base--;
    int n = snprintf(main_reason, sizeof main_reason, "%s:%d: ", base, line);
    va_start(ap, fmt);
    vsnprintf(main_reason + n, sizeof main_reason - (size_t)n, fmt, ap);
    va_end(ap);
}

const char *kt_st(uint64_t status)
{
    /* Rotating buffers: one message may name several statuses. */
    static char bufs[4][32];
    static unsigned next;
    char *buf = bufs[next++ % 4];

    if (status >= KT_CALL_FAILED(0) && status < KT_CALL_FAILED(CAIRN_STATUS_COUNT)) {
        snprintf(buf, sizeof bufs[0], "call %s", cairn_status_name(status - KT_CALL_FAILED(0)));
        return buf;
    }
    if (status == KT_FAULT_MARK)
        return "FAULT";
    if (status >= CAIRN_STATUS_COUNT) {
        snprintf(buf, sizeof bufs[0], "%#lx", status);
        return buf;
    }
    return cairn_status_name(status);
}

/* The root's command line: the first module's. */
static const char *main_cmdline(const struct cairn_hip *hip)
{
    const struct cairn_hip_mod *m = (const void *)((const char *)hip + hip->mod_offset);

    if (!hip->mod_count || !m[0].cmdline || m[0].cmdline >= hip->length)
        return "";
    return (const char *)hip + m[0].cmdline;
}

static const char *main_word(const char *cmd, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = cmd; *p; p++)
        if ((p == cmd || p[-1] == ' ') && !strncmp(p, word, n))
            return p + n;
    return 0;
}

static int main_selected(const char *name)
{
    if (!main_only)
        return 1;
    for (const char *p = main_only; *p && *p != ' ';) {
        size_t n = 0;
        while (p[n] && p[n] != ',' && p[n] != ':' && p[n] != ' ')
            n++;
        if (n && !strncmp(name, p, n))
            return 1;
        p += n + (p[n] == ',' || p[n] == ':');
    }
    return 0;
}

/* Registry order is the link order; sort by (area, line). */
static unsigned main_collect(const struct ktest **t)
{
    unsigned n = 0;

    for (const struct ktest *k = __cairn_tests_start; k < __cairn_tests_end && n < MAIN_MAX_TESTS;
         k++) {
        unsigned i = n++;
        while (i && (t[i - 1]->area > k->area ||
                     (t[i - 1]->area == k->area && t[i - 1]->line > k->line))) {
            t[i] = t[i - 1];
            i--;
        }
        t[i] = k;
    }
    return n;
}

/* Undo what a test may have left in the main UTCB. */
static void main_reset_utcb(void)
{
    struct cairn_utcb *u = cairn_utcb_main;

    u->untyped = u->typed = 0;
    u->rcv_mem = u->rcv_io = u->rcv_obj = 0;
}

static int main_run(const struct ktest *t)
{
    main_failed = 0;
    main_reason[0] = 0;
    main_reset_utcb();
    if (kt_verbose)
        printf("run %s\n", t->name);
    t->fn();
    if (main_failed)
        printf("TEST %s ... FAILED: %s\n", t->name, main_reason);
    else
        printf("TEST %s ... ok\n", t->name);
    return !main_failed;
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    static const struct ktest *tests[MAIN_MAX_TESTS];
    unsigned passed = 0, failed = 0;

    cairn_log_init("ktest");
    printf("start\n");
    const char *cmd = main_cmdline(hip);
    main_only = main_word(cmd, "only=");
    kt_verbose = main_word(cmd, "verbose") != 0;

    /* The park semaphore must get the selector KT_SEL_PARK (see ktest.h):
     * allocate it before anything else takes selectors. */
    uint64_t park = cairn_sel_alloc(0);
    if (park != KT_SEL_PARK || cairn_create_sm(park, CAIRN_ROOT_SEL_PD, 0) != CAIRN_OK)
        printf("warning: no park semaphore at %lu\n", park);
    uint64_t st = cairn_crash_install();
    if (st != CAIRN_OK)
        printf("warning: crash handler: %s\n", cairn_status_name(st));

    unsigned n = main_collect(tests);
    for (unsigned i = 0; i < n; i++) {
        if (!main_selected(tests[i]->name))
            continue;
        if (main_run(tests[i]))
            passed++;
        else
            failed++;
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
