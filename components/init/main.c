/*
 * init: starts the children its config names, with their RAM quotas and
 * priorities, and routes each session request a child makes as the config
 * says: to init's own parent, or to the child providing the service.
 * A request no route allows is denied and logged. The config model
 * (cairn/init/config.h), routing (cairn/init/route.h) and the children's
 * handling (cairn/init/sandbox.h) are the init library's, which the
 * monitor shares; init reads its config ROM, checks it, and runs the
 * sandbox without hooks.
 */
#include <cairn/fmt.h>
#include <cairn/init/config.h>
#include <cairn/init/sandbox.h>
#include <cairn/log.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/time.h>
#include <string.h>

#define INIT_RESERVE (1ull << 20) /* RAM init keeps for itself beyond its image */

static struct init_config cfg;
static struct sandbox sandbox;

static void init_report(void *ctx, const char *msg) { printf("config: %s\n", msg); }

static const char *init_config_rom(size_t *len)
{
    struct cairn_utcb *u = cairn_utcb_main;
    struct cairn_msg m;
    uint64_t rom;
    if (cairn_session("ROM", "name=config", &rom) != CAIRN_OK)
        return 0;
    u->rcv_mem = CAIRN_CRD(CAIRN_CRD_MEM, CAIRN_ROM_AREA >> 12, 18, 0);
    cairn_msg_begin(&m, u, CAIRN_ROM_ATTACH);
    uint64_t st = cairn_rpc_call(rom, u);
    u->rcv_mem = 0;
    if (st != CAIRN_OK || u->untyped < 3 || u->mr[2] >= (4u << 20))
        return 0;
    *len = u->mr[1];
    return (const char *)(CAIRN_ROM_AREA + u->mr[2]);
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    size_t len = 0;
    cairn_log_init("init");
    const char *xml = init_config_rom(&len);
    if (!xml) {
        printf("error: no config ROM\n");
        return 1;
    }
    struct config_budget budget = { .ram = cairn_env->ram_quota > INIT_RESERVE * 4
                                               ? cairn_env->ram_quota - INIT_RESERVE * 4 : 0,
                                    .cpus = cairn_env->cpus };
    unsigned errors = config_parse(&cfg, xml, len, &budget, init_report, 0);
    if (errors) {
        printf("config has %u error%s: starting nothing\n", errors, errors == 1 ? "" : "s");
        cairn_block_forever();
    }
    cairn_status_t st = sandbox_init(&sandbox, &cfg, 0, 0);
    if (st != CAIRN_OK) {
        printf("error: cannot create the entrypoint: %s\n", cairn_status_name(st));
        return 1;
    }
    for (unsigned i = 0; i < cfg.child_count; i++)
        sandbox_start(&sandbox, i);
    if (cfg.verbose || cairn_env->label[0] == 0 || !strcmp(cairn_env->label, "init"))
        printf("BENCH boot_to_init_ready %lu ticks\n", cairn_rdtsc() - cairn_env->boot_tsc);
    if (cfg.verbose)
        printf("started %u children\n", cfg.child_count);
    for (;;)
        sandbox_wait(&sandbox);
}
