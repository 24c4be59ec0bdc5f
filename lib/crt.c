/*
 * C side of program start and exit.
 */
#include <cairn/runtime.h>

#include <cairn/fmt.h>
#include <cairn/io.h>
#include <cairn/lock.h>
#include <cairn/log.h>
#include <cairn/parent.h>
#include <cairn/sel.h>
#include <cairn/sys.h>

#define CRT_DEBUG_EXIT 0xf4u /* QEMU isa-debug-exit */

const struct cairn_hip *cairn_hip;
const struct cairn_env *cairn_env;

uint64_t cairn_self_pd(void) { return cairn_env ? CAIRN_SEL_PD : CAIRN_ROOT_SEL_PD; }
struct cairn_utcb *cairn_utcb_main;

__attribute__((noreturn)) void cairn_crt_start(const struct cairn_hip *hip,
                                               struct cairn_utcb *utcb);

__attribute__((noreturn)) void cairn_crt_start(const struct cairn_hip *hip,
                                               struct cairn_utcb *utcb)
{
    if (hip && ((const struct cairn_env *)hip)->magic == CAIRN_ENV_MAGIC) {
        cairn_env = (const struct cairn_env *)hip;
        hip = 0;
    }
    cairn_hip = hip;
    cairn_utcb_main = utcb;
    cairn_lock_init(&cairn_log_lock);
    cairn_lock_init(&cairn_heap_lock);
    cairn_exit(main(hip, utcb));
}

void cairn_block_forever(void)
{
    uint64_t sm = cairn_sel_alloc(0);

    if (sm && cairn_create_sm(sm, cairn_self_pd(), 0) == CAIRN_OK)
        for (;;)
            cairn_sm_down(sm, 0);
    for (;;)
        __asm__ volatile("pause");
}

void cairn_exit(int status)
{
    cairn_log_flush();
    if (cairn_env) {
        cairn_parent_exit(status);
        cairn_block_forever();
    }
    printf("exit %d\n", status);

    uint64_t crd = CAIRN_CRD(CAIRN_CRD_IO, CRT_DEBUG_EXIT, 2, CAIRN_IO_A);
    uint64_t st = cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, crd, CRT_DEBUG_EXIT,
                                 CAIRN_DEL_F_HOST);
    /* EEXIST: an earlier exit attempt already holds the port. */
    if (st == CAIRN_OK || st == CAIRN_EEXIST)
        cairn_outb(CRT_DEBUG_EXIT, (uint8_t)status);
    cairn_block_forever();
}

const char *cairn_status_name(cairn_status_t status)
{
    static const char *const names[] = {
        [CAIRN_OK] = "OK",           [CAIRN_ETIMEOUT] = "ETIMEOUT", [CAIRN_EABORT] = "EABORT",
        [CAIRN_ESYS] = "ESYS",       [CAIRN_ECAP] = "ECAP",         [CAIRN_ETYPE] = "ETYPE",
        [CAIRN_EPERM] = "EPERM",     [CAIRN_EPAR] = "EPAR",         [CAIRN_EEXIST] = "EEXIST",
        [CAIRN_ENOMEM] = "ENOMEM",   [CAIRN_ECPU] = "ECPU",         [CAIRN_EDEADLK] = "EDEADLK",
        [CAIRN_EFEAT] = "EFEAT",     [CAIRN_EBUSY] = "EBUSY",
        [CAIRN_EDENIED] = "EDENIED", [CAIRN_EQUOTA] = "EQUOTA",     [CAIRN_ENOTFOUND] = "ENOTFOUND",
        [CAIRN_ERETRY] = "ERETRY",   [CAIRN_EINVAL] = "EINVAL",     [CAIRN_ETRUNC] = "ETRUNC",
        [CAIRN_ETOOLONG] = "ETOOLONG", [CAIRN_EUNSUP] = "EUNSUP",   [CAIRN_ERANGE] = "ERANGE",
        [CAIRN_EFAULT] = "EFAULT",
    };

    _Static_assert(sizeof(names) / sizeof(names[0]) == CAIRN_USER_STATUS_END,
                   "every user-land status has a name");
    return status < sizeof(names) / sizeof(names[0]) && names[status] ? names[status] : "E?";
}
