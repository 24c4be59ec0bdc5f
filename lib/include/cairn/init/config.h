/*
 * Init configuration (config): init's <config> as a checked model. Part
 * of the init library (lib/init/), which init and the monitor share.
 *
 * config_parse reads the whole file and reports every problem it finds,
 * each as one message "line N: ..." naming the element and, inside a
 * <start>, the child. A config with any problem must not be used: init
 * starts nothing (docs/init-config.md). After a clean parse every name is
 * valid, every route target exists and offers what is routed to it, and
 * the quotas fit the budget, so starting the children cannot fail on
 * the config.
 *
 *   init_config
 *   ├─ parent[]    services of <parent-provides>
 *   ├─ defaults[]  rules of <default-route>
 *   └─ children[]  one per <start>, in file order
 *        ├─ name, binary, caps, priority, cpu, ram
 *        ├─ provides[]   services of <provides>
 *        ├─ routes[]     rules of <route>, each: service (or any), label,
 *        │               targets[] (parent | child index | any-child)
 *        └─ config       span of its <config>..</config> in the buffer
 */
#pragma once

#include <cairn/xml.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_NAME_MAX     64   /* names and labels: 1..63 characters + NUL */
#define CONFIG_MAX_CHILDREN 32   /* <start> elements */
#define CONFIG_MAX_ROUTES   16   /* rules in one <route> or in <default-route> */
#define CONFIG_MAX_TARGETS  4    /* targets in one rule, tried in order */
#define CONFIG_MAX_PROVIDES 8    /* services in one child's <provides> */
#define CONFIG_MAX_PARENT   16   /* services in <parent-provides> */
#define CONFIG_MAX_NODES    1024 /* elements in the file, children's configs included */
#define CONFIG_PRIO_LEVELS  128  /* default and largest prio_levels */
#define CONFIG_CPU_PERIOD   10000u /* default period of a CPU quota, microseconds */

enum config_target_kind {
    CONFIG_TARGET_PARENT,    /* <parent/> */
    CONFIG_TARGET_CHILD,     /* <child name="..."/>: target.child */
    CONFIG_TARGET_ANY_CHILD, /* <any-child/> */
};

struct config_target {
    uint8_t kind;  /* enum config_target_kind */
    uint8_t child; /* CONFIG_TARGET_CHILD: index into init_config.children */
};

/* <service name="X" [label="L"]> or <any-service [label="L"]>, with targets. */
struct config_route {
    bool any_service;
    bool has_label;
    uint8_t target_count;
    struct config_target targets[CONFIG_MAX_TARGETS];
    uint32_t line;
    char service[CONFIG_NAME_MAX]; /* "" for <any-service> */
    char label[CONFIG_NAME_MAX];   /* exact session label, if has_label */
};

struct config_child {
    char name[CONFIG_NAME_MAX];
    char binary[CONFIG_NAME_MAX]; /* ROM module; default: name */
    uint32_t caps;
    int32_t priority; /* 0 or negative: levels below init's own */
    uint32_t cpu;
    uint64_t ram; /* bytes */
    uint32_t cpu_pct;       /* <resource name="CPU" quantum>: percent, 0: no budget */
    uint32_t cpu_period_us; /* <resource name="CPU" period>: default 10 ms */
    uint32_t restarts;      /* <start restart>: times to start it again, or: */
#define CONFIG_RESTART_ALWAYS 0xffffffffu
    uint32_t line;
    uint32_t provides_count;
    char provides[CONFIG_MAX_PROVIDES][CONFIG_NAME_MAX];
    uint32_t route_count;
    struct config_route routes[CONFIG_MAX_ROUTES];
    const char *config; /* "<config ...>...</config>" inside the parsed buffer, or 0 */
    size_t config_len;
};

/* What init has to give; caps and cpus 0: not checked. */
struct config_budget {
    uint64_t ram;
    uint64_t caps;
    uint32_t cpus;
};

struct init_config {
    uint32_t prio_levels; /* <config prio_levels>: priorities -(levels-1)..0 */
    bool verbose;         /* <config verbose="yes"> */
    bool leak_check;      /* <config leak_check="yes">: restart in rounds, compare */
    uint32_t parent_count;
    char parent[CONFIG_MAX_PARENT][CONFIG_NAME_MAX];
    uint32_t default_count;
    struct config_route defaults[CONFIG_MAX_ROUTES];
    uint32_t child_count;
    struct config_child children[CONFIG_MAX_CHILDREN];
    uint64_t ram_total, caps_total;          /* sums over the children */
    struct xml_node nodes[CONFIG_MAX_NODES]; /* scratch of config_parse */
};

/* Receives one message per problem, without a trailing newline. */
typedef void (*config_report_fn)(void *ctx, const char *msg);

/*
 * Parse and check xml[0..len) into *cfg. Returns the number of problems
 * (each reported through report, if given); 0 means cfg is complete and
 * consistent. budget 0 skips the quota checks (caps and cpus 0 in it
 * skip those). NUL bytes at the end of xml (ROM padding, a C string's
 * terminator) are ignored. The child config spans point into xml: keep
 * it alive.
 */
unsigned config_parse(struct init_config *cfg, const char *xml, size_t len,
                      const struct config_budget *budget, config_report_fn report, void *ctx);

/* Index of the child called name into *index, or CAIRN_ENOTFOUND. */
cairn_status_t config_child_find(const struct init_config *cfg, const char *name, uint32_t *index);
bool config_child_provides(const struct config_child *child, const char *service);
bool config_parent_provides(const struct init_config *cfg, const char *service);
