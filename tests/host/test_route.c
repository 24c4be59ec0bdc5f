/* Host tests of session routing (route). */
// SOURCES: lib/xml.c lib/init/config.c lib/init/route.c
#include "host.h"

#include <stdio.h>

#include <cairn/init/config.h>
#include <cairn/init/route.h>

static struct init_config cfg;
static struct route_result res;
static const struct config_budget budget = {.ram = 1ull << 30};

static void report(void *ctx, const char *msg)
{
    print_message("config: %s\n", msg);
}

static void load(const char *xml)
{
    assert_int_equal(config_parse(&cfg, xml, strlen(xml), &budget, report, 0), 0);
}

static uint32_t child(const char *name)
{
    uint32_t i;

    assert_int_equal(config_child_find(&cfg, name, &i), CAIRN_OK);
    return i;
}

static bool has(const char *s, const char *part)
{
    for (size_t n = strlen(part); *s; s++)
        if (!strncmp(s, part, n))
            return true;
    return false;
}

/* from asks for service (label): it goes to the child `to`, "parent" or
 * is denied ("" to), decided by the rule on `line`. */
static void route(const char *from, const char *service, const char *label, const char *to,
                  uint32_t line)
{
    enum route_kind k = route_resolve(&cfg, child(from), service, label, &res);

    assert_int_equal(k, res.kind);
    if (!to[0]) {
        if (k != ROUTE_DENIED)
            fail_msg("%s: %s (%s) routed, expected denied", from, service, label);
        assert_true(has(res.reason, from) && has(res.reason, service));
    } else if (!strcmp(to, "parent")) {
        if (k != ROUTE_PARENT)
            fail_msg("%s: %s (%s): %s", from, service, label, res.reason);
    } else {
        if (k != ROUTE_CHILD)
            fail_msg("%s: %s (%s): %s", from, service, label, res.reason);
        assert_string_equal(cfg.children[res.child].name, to);
    }
    assert_int_equal(res.line, line);
}

static const char rules[] =
    "<config>\n"            /*  1 */
    "  <parent-provides>\n" /*  2 */
    "    <service name=\"ROM\"/> <service name=\"LOG\"/> <service name=\"PD\"/>\n"
    "  </parent-provides>\n"                                    /*  4 */
    "  <default-route>\n"                                       /*  5 */
    "    <service name=\"Block\"> <any-child/> </service>"        /*  6 */
    "    <service name=\"Timer\"> <child name=\"timer\"/> <child name=\"timer2\"/> </service>\n"
    "    <any-service> <parent/> <any-child/> </any-service>\n" /*  7 */
    "  </default-route>\n"                                      /*  8 */
    "  <start name=\"timer\" caps=\"1\" ram=\"1M\">\n"          /*  9 */
    "    <provides> <service name=\"Timer\"/> </provides>\n"    /* 10 */
    "  </start>\n"                                              /* 11 */
    "  <start name=\"mux\" caps=\"1\" ram=\"1M\">\n"            /* 12 */
    "    <provides> <service name=\"LOG\"/> <service name=\"Terminal\"/> </provides>\n"
    "    <route> <any-service> <parent/> </any-service> </route>\n"   /* 14 */
    "  </start>\n"                                                    /* 15 */
    "  <start name=\"app\" caps=\"1\" ram=\"1M\">\n"                  /* 16 */
    "    <route>\n"                                                   /* 17 */
    "      <service name=\"LOG\"> <child name=\"mux\"/> </service>\n" /* 18 */
    "      <service name=\"ROM\" label=\"config\"> <child name=\"rom\"/> </service>\n"
    "      <any-service label=\"fast\"> <child name=\"timer2\"/> </any-service>\n"
    "      <service name=\"Timer\"> <child name=\"timer\"/> </service>"  /* 21 */
    "      <any-service> <parent/> <any-child/> </any-service>\n"
    "    </route>\n"                                              /* 22 */
    "  </start>\n"                                                /* 23 */
    "  <start name=\"rom\" caps=\"1\" ram=\"1M\">\n"              /* 24 */
    "    <provides> <service name=\"ROM\"/> </provides>\n"        /* 25 */
    "  </start>\n"                                                /* 26 */
    "  <start name=\"timer2\" caps=\"1\" ram=\"1M\">\n"           /* 27 */
    "    <provides> <service name=\"Timer\"/> <service name=\"Block\"/> </provides>\n"
    "  </start>\n" /* 29 */
    "</config>\n";

/* The child's own rules come before <default-route>. */
static void test_precedence(void **state)
{
    load(rules);
    route("app", "LOG", 0, "mux", 18);      /* own rule, though the default would give parent */
    route("timer", "LOG", "", "parent", 7); /* default-route */
    route("mux", "LOG", 0, "parent", 14);   /* mux's own any-service: parent serves LOG */
    route("app", "PD", 0, "parent", 21);
}

static void test_any_service_falls_through(void **state)
{
    load(rules);
    /* mux's own <any-service><parent/> cannot serve Timer: on to default-route */
    route("mux", "Timer", 0, "timer", 6);
    route("app", "Timer", 0, "timer", 21);
    /* nobody provides Nic: every rule passes it on, then it is denied */
    route("app", "Nic", 0, "", 0);
    assert_string_equal(res.reason, "child 'app': no route for service 'Nic'");
    route("app", "Nic", "x", "", 0);
    assert_string_equal(res.reason, "child 'app': no route for service 'Nic' (label 'x')");
}

static void test_any_child(void **state)
{
    load(rules);
    /* the one other provider (two provide Timer: the config names them) */
    route("app", "Timer", 0, "timer", 21);
    route("timer", "Timer", 0, "timer2", 6);
    route("timer2", "Timer", 0, "timer", 6);
    route("app", "Terminal", 0, "mux", 21);
    route("mux", "Terminal", 0, "", 0);
    /* app's own any-service rule finds timer2 before the default's Block rule */
    route("app", "Block", 0, "timer2", 21);
    /* a <service> rule does not fall through: Block goes to another child or nowhere */
    route("timer", "Block", 0, "timer2", 6);
    route("timer2", "Block", 0, "", 6);
    assert_string_equal(res.reason, "child 'timer2': service 'Block' is routed to <any-child/> "
                                    "(line 6), but no other child provides it");
}

static void test_labels(void **state)
{
    load(rules);
    route("app", "ROM", "config", "rom", 19);
    route("app", "ROM", "other", "parent", 21);
    route("app", "ROM", "", "parent", 21);
    route("app", "ROM", 0, "parent", 21);
    route("app", "ROM", "config2", "parent", 21);
    route("app", "ROM", "confi", "parent", 21);
    route("app", "Timer", "fast", "timer2", 20);
    route("app", "LOG", "fast", "mux", 18);
    /* the labelled any-service rule cannot serve PD, so on to the next */
    route("app", "PD", "fast", "parent", 21);
}

/* <parent/> serves only what <parent-provides> lists. */
static void test_parent_provides(void **state)
{
    load(rules);
    route("mux", "Terminal", 0, "", 0);
    route("timer", "Block", 0, "timer2", 6);

    /* config_parse rejects a <service> rule to a parent that lacks the
     * service; route_resolve still checks, as here after the fact */
    load("<config><parent-provides><service name=\"LOG\"/></parent-provides>\n"
         "<start name=\"a\" caps=\"1\" ram=\"1M\"><route><service name=\"LOG\"><parent/></service>"
         "</route></start></config>");
    route("a", "LOG", 0, "parent", 2);
    cfg.parent_count = 0;
    route("a", "LOG", 0, "", 2);
    assert_string_equal(res.reason, "child 'a': service 'LOG' is routed to <parent/> (line 2), but "
                                    "it is not in <parent-provides>");
}

/* A child never gets a session from itself. */
static void test_self(void **state)
{
    load("<config>\n"
         "<default-route><service name=\"X\"><child name=\"b\"/></service></default-route>\n"
         "<start name=\"a\" caps=\"1\" ram=\"1M\"/>\n"
         "<start name=\"b\" caps=\"1\" ram=\"1M\"><provides><service "
         "name=\"X\"/></provides></start>\n"
         "</config>");
    route("a", "X", 0, "b", 2);
    route("b", "X", 0, "", 2);
    assert_string_equal(res.reason,
                        "child 'b': service 'X' is routed to the child itself (line 2)");

    /* in its own <route> it is a config error */
    const char *self =
        "<config><start name=\"b\" caps=\"1\" ram=\"1M\"><provides><service name=\"X\"/>"
        "</provides><route><service name=\"X\"><child name=\"b\"/></service></route>"
        "</start></config>";
    assert_int_equal(config_parse(&cfg, self, strlen(self), &budget, 0, 0), 1);
}

static void test_multiple_targets(void **state)
{
    load("<config><parent-provides><service name=\"LOG\"/></parent-provides>\n"
         "<start name=\"a\" caps=\"1\" ram=\"1M\"><route>\n"
         "<service name=\"LOG\"><child name=\"b\"/><parent/></service>\n"
         "<service name=\"Y\"><child name=\"c\"/></service>\n"
         "</route></start>\n"
         "<start name=\"b\" caps=\"1\" ram=\"1M\"><provides><service "
         "name=\"LOG\"/></provides></start>\n"
         "<start name=\"c\" caps=\"1\" ram=\"1M\"><provides><service "
         "name=\"Y\"/></provides></start>\n"
         "</config>");
    /* the first target that can serve decides */
    route("a", "LOG", 0, "b", 3);
    /* one that cannot is skipped (config_parse would flag b for not
     * providing Y: put it in front after the fact) */
    struct config_route *r = &cfg.children[child("a")].routes[1];
    r->targets[1] = r->targets[0];
    r->targets[0] =
        (struct config_target){.kind = CONFIG_TARGET_CHILD, .child = (uint8_t)child("b")};
    r->target_count = 2;
    route("a", "Y", 0, "c", 4);
    cfg.children[child("c")].provides_count = 0;
    route("a", "Y", 0, "", 4);
    assert_string_equal(res.reason, "child 'a': no target of the route for service 'Y' (line 4) "
                                    "provides it");
}

static void test_no_rules(void **state)
{
    load("<config><start name=\"a\" caps=\"1\" ram=\"1M\"/></config>");
    route("a", "LOG", 0, "", 0);
    assert_string_equal(res.reason, "child 'a': no route for service 'LOG'");
    assert_int_equal(route_resolve(&cfg, 1, "LOG", 0, &res), ROUTE_DENIED);
    assert_string_equal(res.reason, "no child #1: service 'LOG' denied");
    route("a", "", 0, "", 0);
}

/* Every child asks for every service with and without a label: the answer
 * is always one the config allows. */
static void test_invariants(void **state)
{
    static const char *services[] = {"ROM", "LOG", "PD", "Timer", "Terminal", "Block", "Nic", ""};
    static const char *labels[] = {0, "", "config", "fast", "x"};

    load(rules);
    for (uint32_t c = 0; c < cfg.child_count; c++)
        for (size_t s = 0; s < sizeof services / sizeof *services; s++)
            for (size_t l = 0; l < sizeof labels / sizeof *labels; l++) {
                enum route_kind k = route_resolve(&cfg, c, services[s], labels[l], &res);
                if (k == ROUTE_PARENT)
                    assert_true(config_parent_provides(&cfg, services[s]));
                if (k == ROUTE_CHILD) {
                    assert_true(res.child < cfg.child_count && res.child != c);
                    assert_true(config_child_provides(&cfg.children[res.child], services[s]));
                }
                if (k == ROUTE_DENIED)
                    assert_true(has(res.reason, cfg.children[c].name));
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),       cmocka_unit_test(test_any_service_falls_through),
        cmocka_unit_test(test_any_child),        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_parent_provides),  cmocka_unit_test(test_self),
        cmocka_unit_test(test_multiple_targets), cmocka_unit_test(test_no_rules),
        cmocka_unit_test(test_invariants),
    };
    return cmocka_run_group_tests_name("route", tests, 0, 0);
}
