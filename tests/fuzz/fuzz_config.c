/*
 * libFuzzer target: init's config (lib/xml.c, lib/init/config.c)
 * and routing (lib/init/route.c). tools/fuzz.sh builds and runs it.
 *
 * The input is parsed as init's config. Besides the sanitizers, it checks
 * what the parser promises: every problem is reported as "line N: ...";
 * a clean config has children's config spans inside the input; and every
 * route answer is one the config allows (a serving parent or another
 * child that provides the service).
 */
// SOURCES: lib/xml.c lib/init/config.c lib/init/route.c
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairn/init/config.h>
#include <cairn/init/route.h>
#include "fuzz.h"

static struct init_config cfg;
static struct xml_node nodes[256];
static unsigned reports;

static void fuzz_report(void *ctx, const char *msg)
{
    FUZZ_CHECK(ctx == &reports);
    FUZZ_CHECK(!strncmp(msg, "line ", 5) && strlen(msg) < 512);
    reports++;
}

/* Route one request and check the answer against the config. */
static void fuzz_route(uint32_t child, const char *service, const char *label)
{
    struct route_result r;
    enum route_kind k = route_resolve(&cfg, child, service, label, &r);

    FUZZ_CHECK(k == r.kind);
    if (k == ROUTE_PARENT)
        FUZZ_CHECK(config_parent_provides(&cfg, service));
    if (k == ROUTE_CHILD) {
        FUZZ_CHECK(r.child < cfg.child_count && r.child != child);
        FUZZ_CHECK(config_child_provides(&cfg.children[r.child], service));
    }
    if (k == ROUTE_DENIED)
        FUZZ_CHECK(r.reason[0] && strlen(r.reason) < ROUTE_MSG_MAX);
}

/* Every child asks for every service named anywhere, with the labels the
 * rules name and without one. */
static void fuzz_routes(void)
{
    for (uint32_t c = 0; c < cfg.child_count; c++) {
        const struct config_child *ch = &cfg.children[c];
        fuzz_route(c, "LOG", 0);
        fuzz_route(c, "", "");
        for (uint32_t i = 0; i < cfg.parent_count; i++)
            fuzz_route(c, cfg.parent[i], 0);
        for (uint32_t j = 0; j < cfg.child_count; j++)
            for (uint32_t i = 0; i < cfg.children[j].provides_count; i++)
                fuzz_route(c, cfg.children[j].provides[i], 0);
        for (uint32_t i = 0; i < ch->route_count; i++)
            fuzz_route(c, ch->routes[i].any_service ? "X" : ch->routes[i].service,
                       ch->routes[i].label);
        for (uint32_t i = 0; i < cfg.default_count; i++)
            fuzz_route(c, cfg.defaults[i].any_service ? "X" : cfg.defaults[i].service,
                       cfg.defaults[i].label);
    }
}

/* The raw XML interface, strict about text: walk and decode everything. */
static void fuzz_xml(const char *buf, size_t size)
{
    struct xml_doc doc;
    struct xml_attr a;
    char v[16];
    uint64_t u;
    int64_t s;

    if (xml_parse(&doc, buf, size, nodes, sizeof nodes / sizeof *nodes, XML_TEXT_ERROR) !=
        CAIRN_OK) {
        FUZZ_CHECK(doc.err[0] && doc.err_line);
        return;
    }
    for (uint32_t i = 0; i < doc.count; i++) {
        size_t cursor = 0;
        FUZZ_CHECK(nodes[i].start < nodes[i].end && nodes[i].end <= size);
        FUZZ_CHECK(nodes[i].text == XML_NO_TEXT);
        while (xml_attr_next(&doc, &nodes[i], &cursor, &a)) {
            FUZZ_CHECK(a.value + a.value_len <= buf + size);
            xml_decode(a.value, a.value_len, v, sizeof v, 0);
            xml_parse_u64(a.value, a.value_len, &u);
            xml_parse_i64(a.value, a.value_len, &s);
            xml_parse_size(a.value, a.value_len, &u);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    struct config_budget budget = {.ram = 1ull << 30, .caps = 100000, .cpus = 4};
    unsigned errors;

    fuzz_xml(buf, size);
    reports = 0;
    errors = config_parse(&cfg, buf, size, &budget, fuzz_report, &reports);
    FUZZ_CHECK(errors == reports);
    if (errors)
        return 0;
    FUZZ_CHECK(cfg.ram_total <= budget.ram && cfg.child_count <= CONFIG_MAX_CHILDREN);
    for (uint32_t c = 0; c < cfg.child_count; c++) {
        const struct config_child *ch = &cfg.children[c];
        FUZZ_CHECK(ch->name[0] && ch->binary[0] && ch->ram && ch->caps);
        if (ch->config) {
            FUZZ_CHECK(ch->config >= buf && ch->config + ch->config_len <= buf + size);
            FUZZ_CHECK(!strncmp(ch->config, "<config", 7) && ch->config[ch->config_len - 1] == '>');
        }
    }
    fuzz_routes();
    return 0;
}
