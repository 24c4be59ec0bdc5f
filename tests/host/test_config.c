/* Host tests of init's configuration model and checks (config). */
// SOURCES: lib/xml.c lib/init/config.c
#include "host.h"

#include <stdio.h>

#include <cairn/init/config.h>

#define MSGS    64
#define MSG_LEN 320
#define MIB     (1ull << 20)

static struct init_config cfg;
static char msgs[MSGS][MSG_LEN];
static unsigned nmsgs;
static char *copy; /* the parsed text, exactly as long as it */
static struct config_budget budget = {.ram = 256 * MIB, .caps = 10000, .cpus = 4};

static void collect(void *ctx, const char *msg)
{
    assert_ptr_equal(ctx, &nmsgs);
    assert_true(strlen(msg) < MSG_LEN);
    if (nmsgs < MSGS)
        snprintf(msgs[nmsgs], MSG_LEN, "%s", msg);
    nmsgs++;
}

static int teardown(void **state)
{
    free(copy);
    copy = 0;
    return 0;
}

static unsigned parse_n(const char *xml, size_t len)
{
    free(copy);
    copy = malloc(len ? len : 1);
    memcpy(copy, xml, len);
    nmsgs = 0;
    unsigned n = config_parse(&cfg, copy, len, &budget, collect, &nmsgs);
    assert_int_equal(n, nmsgs);
    return n;
}

static unsigned parse(const char *xml)
{
    return parse_n(xml, strlen(xml));
}

static bool has(const char *s, const char *part)
{
    for (size_t n = strlen(part); *s; s++)
        if (!strncmp(s, part, n))
            return true;
    return false;
}

static void print_msgs(void)
{
    for (unsigned i = 0; i < nmsgs && i < MSGS; i++)
        print_message("  [%u] %s\n", i, msgs[i]);
}

/* Some message contains part. */
static void expect(const char *part)
{
    for (unsigned i = 0; i < nmsgs && i < MSGS; i++)
        if (has(msgs[i], part))
            return;
    print_msgs();
    fail_msg("no message contains \"%s\"", part);
}

/* The config fails with exactly this one message. */
static void only(const char *xml, const char *msg)
{
    if (parse(xml) != 1 || strcmp(msgs[0], msg)) {
        print_msgs();
        fail_msg("expected exactly: %s", msg);
    }
}

/* The config, with a <parent-provides> on lines 2-4, body from line 5. */
static char text[16384];
static const char *wrap(const char *body)
{
    snprintf(text, sizeof text,
             "<config>\n"
             "  <parent-provides>\n"
             "    <service name=\"LOG\"/> <service name=\"ROM\"/>\n"
             "  </parent-provides>\n"
             "%s"
             "</config>\n",
             body);
    return text;
}

/* A child "a" with attributes attrs and content body on line 5. */
static const char *start(const char *attrs, const char *body)
{
    static char s[4096];

    snprintf(s, sizeof s, "<start name=\"a\" %s>%s</start>\n", attrs, body);
    return wrap(s);
}

#define RAM1M "<resource name=\"RAM\" quantum=\"1M\"/>"

static const char realistic[] =
    "<?xml version=\"1.0\"?>\n"
    "<!-- a mixed-criticality box -->\n"
    "<config prio_levels=\"4\" verbose=\"no\">\n"
    "  <parent-provides>\n"
    "    <service name=\"ROM\"/>\n"
    "    <service name=\"LOG\"/>\n"
    "    <service name=\"PD\"/>\n"
    "    <service name=\"CPU\"/>\n"
    "    <service name=\"IO_PORT\"/>\n"
    "    <service name=\"IRQ\"/>\n"
    "    <service name=\"VM\"/>\n"
    "  </parent-provides>\n"
    "  <default-route>\n"
    "    <any-service> <parent/> <any-child/> </any-service>\n"
    "  </default-route>\n"
    "  <default caps=\"100\"/>\n"
    "  <start name=\"timer\" caps=\"120\">\n"
    "    <resource name=\"RAM\" quantum=\"1M\"/>\n"
    "    <provides> <service name=\"Timer\"/> </provides>\n"
    "    <route>\n"
    "      <service name=\"IO_PORT\"> <parent/> </service>\n"
    "      <service name=\"IRQ\"> <parent/> </service>\n"
    "      <any-service> <parent/> </any-service>\n"
    "    </route>\n"
    "  </start>\n"
    "  <start name=\"terminal_mux\" priority=\"-1\">\n"
    "    <binary name=\"terminal.mux\"/>\n"
    "    <resource name=\"RAM\" quantum=\"2M\"/>\n"
    "    <provides> <service name=\"Terminal\"/> <service name=\"LOG\"/> </provides>\n"
    "    <config>\n"
    "      <policy label_prefix=\"vm_rt\" tag=\"rt &amp; co\"/>\n"
    "      <default-policy/>\n"
    "    </config>\n"
    "  </start>\n"
    "  <start name=\"vm_rt\" caps=\"300\" priority=\"-2\" cpu=\"1\">\n"
    "    <binary name=\"vmm\"/>\n"
    "    <resource name=\"RAM\" quantum=\"64M\"/>\n"
    "    <route>\n"
    "      <service name=\"LOG\"> <child name=\"terminal_mux\"/> </service>\n"
    "      <service name=\"ROM\" label=\"guest\"> <parent/> </service>\n"
    "      <service name=\"Timer\"> <child name=\"timer\"/> </service>\n"
    "      <any-service> <parent/> </any-service>\n"
    "    </route>\n"
    "    <config ram=\"48M\"><guest kernel=\"rtos.elf\" cmdline=\"hz=1000\"/>"
    "<device name=\"uart\">text is the child's business</device></config>\n"
    "  </start>\n"
    "  <start name=\"vm_linux\" caps=\"400\" priority=\"-3\" ram=\"128M\">\n"
    "    <binary name=\"vmm\"/>\n"
    "    <config><guest kernel=\"bzImage\" initrd=\"initrd.gz\"/></config>\n"
    "  </start>\n"
    "</config>\n";

static void test_realistic(void **state)
{
    const struct config_child *c;

    if (parse(realistic))
        print_msgs();
    assert_int_equal(nmsgs, 0);
    assert_int_equal(cfg.prio_levels, 4);
    assert_false(cfg.verbose);
    assert_int_equal(cfg.parent_count, 7);
    assert_string_equal(cfg.parent[0], "ROM");
    assert_string_equal(cfg.parent[6], "VM");
    assert_true(config_parent_provides(&cfg, "IRQ"));
    assert_false(config_parent_provides(&cfg, "Timer"));
    assert_false(config_parent_provides(&cfg, ""));

    assert_int_equal(cfg.default_count, 1);
    assert_true(cfg.defaults[0].any_service);
    assert_int_equal(cfg.defaults[0].target_count, 2);
    assert_int_equal(cfg.defaults[0].targets[0].kind, CONFIG_TARGET_PARENT);
    assert_int_equal(cfg.defaults[0].targets[1].kind, CONFIG_TARGET_ANY_CHILD);
    assert_int_equal(cfg.defaults[0].line, 14);

    assert_int_equal(cfg.child_count, 4);
    c = &cfg.children[0];
    assert_string_equal(c->name, "timer");
    assert_string_equal(c->binary, "timer");
    assert_int_equal(c->caps, 120);
    assert_int_equal(c->priority, 0);
    assert_int_equal(c->cpu, 0);
    assert_int_equal(c->ram, 1 * MIB);
    assert_int_equal(c->line, 17);
    assert_int_equal(c->provides_count, 1);
    assert_true(config_child_provides(c, "Timer"));
    assert_int_equal(c->route_count, 3);
    assert_string_equal(c->routes[0].service, "IO_PORT");
    assert_null(c->config);

    c = &cfg.children[1];
    assert_string_equal(c->binary, "terminal.mux");
    assert_int_equal(c->caps, 100); /* <default caps> */
    assert_int_equal(c->priority, -1);
    assert_int_equal(c->provides_count, 2);
    assert_string_equal(c->provides[1], "LOG");
    assert_int_equal(c->route_count, 0);
    const char *conf = "<config>\n"
                       "      <policy label_prefix=\"vm_rt\" tag=\"rt &amp; co\"/>\n"
                       "      <default-policy/>\n"
                       "    </config>";
    assert_int_equal(c->config_len, strlen(conf));
    assert_memory_equal(c->config, conf, c->config_len);
    assert_true(c->config >= copy && c->config + c->config_len <= copy + strlen(realistic));

    c = &cfg.children[2];
    assert_string_equal(c->name, "vm_rt");
    assert_string_equal(c->binary, "vmm");
    assert_int_equal(c->caps, 300);
    assert_int_equal(c->priority, -2);
    assert_int_equal(c->cpu, 1);
    assert_int_equal(c->ram, 64 * MIB);
    assert_int_equal(c->route_count, 4);
    assert_string_equal(c->routes[0].service, "LOG");
    assert_int_equal(c->routes[0].targets[0].kind, CONFIG_TARGET_CHILD);
    assert_int_equal(c->routes[0].targets[0].child, 1);
    assert_true(c->routes[1].has_label);
    assert_string_equal(c->routes[1].label, "guest");
    assert_int_equal(c->routes[2].targets[0].child, 0);
    assert_true(c->routes[3].any_service);
    conf = "<config ram=\"48M\"><guest kernel=\"rtos.elf\" cmdline=\"hz=1000\"/>"
           "<device name=\"uart\">text is the child's business</device></config>";
    assert_int_equal(c->config_len, strlen(conf));
    assert_memory_equal(c->config, conf, c->config_len);

    c = &cfg.children[3];
    assert_int_equal(c->ram, 128 * MIB); /* <start ram> */
    assert_int_equal(c->priority, -3);
    assert_int_equal(cfg.ram_total, 195 * MIB);
    assert_int_equal(cfg.caps_total, 920);
    uint32_t i = 99;
    assert_int_equal(config_child_find(&cfg, "vm_linux", &i), CAIRN_OK);
    assert_int_equal(i, 3);
    assert_int_equal(config_child_find(&cfg, "vm", &i), CAIRN_ENOTFOUND);
    assert_int_equal(config_child_find(&cfg, "", &i), CAIRN_ENOTFOUND);
    assert_int_equal(i, 3); /* unchanged */
}

static void test_minimal(void **state)
{
    assert_int_equal(parse("<config/>"), 0);
    assert_int_equal(cfg.child_count, 0);
    assert_int_equal(cfg.prio_levels, CONFIG_PRIO_LEVELS);
    assert_int_equal(parse(start("caps=\"1\"", RAM1M)), 0);
    assert_int_equal(cfg.children[0].ram, MIB);
    /* without a budget nothing is checked against one */
    assert_int_equal(config_parse(&cfg, "<config/>", 9, 0, 0, 0), 0);
}

static void test_names(void **state)
{
    char body[512], name[80];

    memset(name, 'n', 63);
    name[63] = 0;
    snprintf(body, sizeof body, "<start name=\"%s\" caps=\"1\">" RAM1M "</start>\n", name);
    assert_int_equal(parse(wrap(body)), 0);
    assert_string_equal(cfg.children[0].name, name);
    name[63] = 'n';
    name[64] = 0;
    snprintf(body, sizeof body, "<start name=\"%s\" caps=\"1\">" RAM1M "</start>\n", name);
    assert_int_equal(parse(wrap(body)), 1);
    expect("line 5: name 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...' in <start> is "
           "longer than 63 characters");

    only(wrap("<start name=\"\" caps=\"1\">" RAM1M "</start>\n"), "line 5: empty name in <start>");
    only(wrap("<start caps=\"1\">" RAM1M "</start>\n"),
         "line 5: missing attribute 'name' in <start>");
    only(wrap("<start name=\"a b\" caps=\"1\">" RAM1M "</start>\n"),
         "line 5: name 'a b' in <start>: ' ' is not allowed in a name");
    only(wrap("<start name=\"a&lt;b\" caps=\"1\">" RAM1M "</start>\n"),
         "line 5: name 'a<b' in <start>: '<' is not allowed in a name");
    only(wrap("<start name=\"a&#9;\" caps=\"1\">" RAM1M "</start>\n"),
         "line 5: name in <start>: byte 0x09 is not allowed in a name");
    only(wrap("<start name=\"&#xe9;\" caps=\"1\">" RAM1M "</start>\n"),
         "line 5: name in <start>: byte 0xc3 is not allowed in a name");
    /* entities decode into names */
    assert_int_equal(parse(wrap("<start name=\"a&#x2d;b\" caps=\"1\">" RAM1M "</start>\n")), 0);
    assert_string_equal(cfg.children[0].name, "a-b");
}

static void test_unknown(void **state)
{
    only(wrap("<strat name=\"a\"/>\n"), "line 5: unknown element <strat> in <config>");
    only(start("caps=\"1\"", "<resource name=\"RAM\" quantum=\"1M\" quantun=\"2M\"/>"),
         "line 5: start 'a': unknown attribute 'quantun' in <resource>");
    assert_int_equal(parse(start("caps=\"1\"", "<resource name=\"RAM\" quantun=\"1M\"/>")), 2);
    expect("line 5: start 'a': unknown attribute 'quantun' in <resource>");
    expect("line 5: start 'a': missing attribute 'quantum' in <resource>");
    only(start("caps=\"1\" ld=\"no\"", RAM1M),
         "line 5: start 'a': unknown attribute 'ld' in <start>");
    only(start("caps=\"1\"", RAM1M "<affinity xpos=\"1\"/>"),
         "line 5: start 'a': unknown element <affinity> in <start>");
    only(start("caps=\"1\"", RAM1M "<binary name=\"x\" ver=\"2\"/>"),
         "line 5: start 'a': unknown attribute 'ver' in <binary>");
    only(start("caps=\"1\"", RAM1M "<binary name=\"x\"><y/></binary>"),
         "line 5: start 'a': unknown element <y> in <binary>");
    only(start("caps=\"1\"", RAM1M "<provides><server name=\"x\"/></provides>"),
         "line 5: start 'a': unknown element <server> in <provides>");
    only("<config verbos=\"yes\"/>", "line 1: unknown attribute 'verbos' in <config>");
    only(wrap("<parent-provides/>\n"), "line 5: more than one <parent-provides> (first at line 2)");
    only(wrap("<default-route/>\n<default-route/>\n"),
         "line 6: more than one <default-route> (first at line 5)");
    only("<init/>", "line 1: the root element is <init>, expected <config>");
}

static void test_text(void **state)
{
    only(start("caps=\"1\"", "\n  hello world " RAM1M),
         "line 6: start 'a': unexpected text 'hello' in <start>");
    only("<config>\n  stray\n</config>", "line 2: unexpected text 'stray' in <config>");
    only("<config>\n  \xc3\xa9\n</config>", "line 2: unexpected text in <config>");
    only(wrap("<default-route><any-service>x<parent/></any-service></default-route>\n"),
         "line 5: default-route: unexpected text 'x' in <any-service>");
    /* text in a child's own config is the child's business */
    assert_int_equal(parse(start("caps=\"1\"", RAM1M "<config>text<x>more</x></config>")), 0);
}

static void test_numbers(void **state)
{
    only(start("caps=\"abc\"", RAM1M), "line 5: start 'a': caps 'abc' in <start> is not a number");
    only(start("caps=\"4294967296\"", RAM1M),
         "line 5: start 'a': caps '4294967296' in <start> is too large");
    only(start("caps=\"0\"", RAM1M), "line 5: start 'a': caps in <start> is zero");
    only(start("", RAM1M),
         "line 5: start 'a': missing attribute 'caps' in <start> (and no <default caps=\"...\"/>)");
    only(start("caps=\"1\" priority=\"1\"", RAM1M),
         "line 5: start 'a': priority 1 in <start> must be 0 or negative");
    only(
        start("caps=\"1\" priority=\"-128\"", RAM1M),
        "line 5: start 'a': priority -128 in <start> is below -127, the lowest of prio_levels 128");
    only(start("caps=\"1\" priority=\"-x\"", RAM1M),
         "line 5: start 'a': priority '-x' in <start> is not a number");
    only(start("caps=\"1\" priority=\"-99999999999999999999\"", RAM1M),
         "line 5: start 'a': priority '-99999999999999999999' in <start> is too large");
    assert_int_equal(parse(start("caps=\"1\" priority=\"-127\"", RAM1M)), 0);
    assert_int_equal(cfg.children[0].priority, -127);
    only(start("caps=\"1\" cpu=\"4\"", RAM1M),
         "line 5: start 'a': cpu 4 in <start> does not exist (init has 4 CPUs)");
    assert_int_equal(parse(start("caps=\"1\" cpu=\"3\"", RAM1M)), 0);
    assert_int_equal(cfg.children[0].cpu, 3);
    only(start("caps=\"1\" cpu=\"-1\"", RAM1M),
         "line 5: start 'a': cpu '-1' in <start> is not a number");

    only("<config prio_levels=\"3\"/>",
         "line 1: prio_levels 3 in <config> is not a power of two from 1 to 128");
    only("<config prio_levels=\"256\"/>",
         "line 1: prio_levels 256 in <config> is not a power of two from 1 to 128");
    only("<config verbose=\"maybe\"/>", "line 1: verbose 'maybe' in <config> is not yes or no");
    assert_int_equal(parse("<config verbose=\"yes\" prio_levels=\"2\"/>"), 0);
    assert_true(cfg.verbose);
    only("<config prio_levels=\"2\">\n<start name=\"a\" caps=\"1\" priority=\"-2\">" RAM1M
         "</start></config>",
         "line 2: start 'a': priority -2 in <start> is below -1, the lowest of prio_levels 2");

    only(wrap("<default caps=\"0\"/>\n"), "line 5: caps in <default> is zero");
    only(wrap("<default/>\n"), "line 5: missing attribute 'caps' in <default>");
    only(wrap("<default caps=\"1\"/><default caps=\"2\"/>\n"),
         "line 5: more than one <default> (first at line 5)");
    /* <default> after the starts still applies */
    assert_int_equal(parse(wrap("<start name=\"a\">" RAM1M "</start>\n<default caps=\"7\"/>\n")),
                     0);
    assert_int_equal(cfg.children[0].caps, 7);
}

static void test_ram(void **state)
{
    only(start("caps=\"1\"", ""),
         "line 5: start 'a': missing <resource name=\"RAM\" quantum=\"...\"/> in <start>");
    only(start("caps=\"1\"", "<resource name=\"RAM\" quantum=\"0\"/>"),
         "line 5: start 'a': RAM quantum is zero");
    only(start("caps=\"1\"", "<resource name=\"RAM\" quantum=\"4X\"/>"),
         "line 5: start 'a': quantum '4X' in <resource> is not a size (bytes, or a number with K, "
         "M or G)");
    only(start("caps=\"1\"", "<resource name=\"RAM\" quantum=\"99999999999G\"/>"),
         "line 5: start 'a': quantum '99999999999G' in <resource> is too large");
    only(start("caps=\"1\"", "<resource name=\"RAM\"/>"),
         "line 5: start 'a': missing attribute 'quantum' in <resource>");
    assert_int_equal(parse(start("caps=\"1\"", "<resource name=\"GPU\" quantum=\"10\"/>")), 2);
    expect("line 5: start 'a': unknown resource 'GPU' in <resource> (RAM or CPU)");
    expect("missing <resource name=\"RAM\"");
    only(start("caps=\"1\"", "<resource name=\"RAM\" quantum=\"1M\" period=\"1ms\"/>"),
         "line 5: start 'a': attribute 'period' is for <resource name=\"CPU\">, not RAM");
    only(start("caps=\"1\"", RAM1M RAM1M),
         "line 5: start 'a': RAM given more than once (<resource name=\"RAM\"> or <start ram>)");
    only(start("caps=\"1\" ram=\"2M\"", RAM1M),
         "line 5: start 'a': RAM given more than once (<resource name=\"RAM\"> or <start ram>)");
    only(start("caps=\"1\" ram=\"0\"", ""), "line 5: start 'a': RAM quantum is zero");
    assert_int_equal(parse(start("caps=\"1\"", "<resource name=\"RAM\" quantum=\"4096\"/>")), 0);
    assert_int_equal(cfg.children[0].ram, 4096);
}

/* Child "a" with 1M of RAM and <resource name="CPU" attrs/> fails with
 * exactly "line 5: start 'a': " msg. */
static void cpu_only(const char *attrs, const char *msg)
{
    char body[256], full[MSG_LEN];
    snprintf(body, sizeof body, RAM1M "<resource name=\"CPU\" %s/>", attrs);
    snprintf(full, sizeof full, "line 5: start 'a': %s", msg);
    only(start("caps=\"1\"", body), full);
}

/* <resource name="CPU" quantum="percent" period="time"/>: a budget. */
static void test_cpu(void **state)
{
    assert_int_equal(parse(start("caps=\"1\"", RAM1M "<resource name=\"CPU\" quantum=\"30\"/>")), 0);
    assert_int_equal(cfg.children[0].cpu_pct, 30);
    assert_int_equal(cfg.children[0].cpu_period_us, 10000);
    assert_int_equal(parse(start("caps=\"1\"", RAM1M "<resource name=\"CPU\" quantum=\"100\" period=\"2s\"/>")), 0);
    assert_int_equal(cfg.children[0].cpu_pct, 100);
    assert_int_equal(cfg.children[0].cpu_period_us, 2000000);
    assert_int_equal(parse(start("caps=\"1\"", RAM1M "<resource name=\"CPU\" quantum=\"50\" period=\"200us\"/>")), 0);
    assert_int_equal(cfg.children[0].cpu_period_us, 200);
    assert_int_equal(parse(start("caps=\"1\"", RAM1M)), 0);
    assert_int_equal(cfg.children[0].cpu_pct, 0); /* no budget */
    cpu_only("quantum=\"0\"", "CPU quantum 0% is not 1 to 100 percent");
    cpu_only("quantum=\"101\"", "CPU quantum 101% is not 1 to 100 percent");
    cpu_only("", "missing attribute 'quantum' (percent) in <resource name=\"CPU\">");
    static const char *const bad_periods[] = { "10", "11s", "99999999999999999999999ms", "ms" };
    for (unsigned k = 0; k < sizeof bad_periods / sizeof bad_periods[0]; k++) {
        char attrs[64], msg[128];
        snprintf(attrs, sizeof attrs, "quantum=\"10\" period=\"%s\"", bad_periods[k]);
        snprintf(msg, sizeof msg,
                 "period '%s' in <resource> is not a time up to 10 s (a number with us, ms or s)",
                 bad_periods[k]);
        cpu_only(attrs, msg);
    }
    cpu_only("quantum=\"5\" period=\"1ms\"", "CPU quantum 5% of a 1000 us period is less than 100 us");
    cpu_only("quantum=\"5\"/><resource name=\"CPU\" quantum=\"5\"", /* two of them */
             "CPU given more than once in <resource>");
    /* The children on one CPU get at most 100% together. */
    only(wrap("<start name=\"a\" caps=\"1\" cpu=\"1\">" RAM1M "<resource name=\"CPU\" quantum=\"60\"/></start>\n"
              "<start name=\"b\" caps=\"1\" cpu=\"0\">" RAM1M "<resource name=\"CPU\" quantum=\"60\"/></start>\n"
              "<start name=\"c\" caps=\"1\" cpu=\"1\">" RAM1M "<resource name=\"CPU\" quantum=\"50\"/></start>\n"),
         "line 1: the CPU quanta of the children on CPU 1 add up to 110%");
}

/* restart="yes|no|N" on <start>. */
static void test_restart(void **state)
{
    assert_int_equal(parse(start("caps=\"1\"", RAM1M)), 0);
    assert_int_equal(cfg.children[0].restarts, 0);
    assert_int_equal(parse(start("caps=\"1\" restart=\"no\"", RAM1M)), 0);
    assert_int_equal(cfg.children[0].restarts, 0);
    assert_int_equal(parse(start("caps=\"1\" restart=\"3\"", RAM1M)), 0);
    assert_int_equal(cfg.children[0].restarts, 3);
    assert_int_equal(parse(start("caps=\"1\" restart=\"yes\"", RAM1M)), 0);
    assert_int_equal(cfg.children[0].restarts, CONFIG_RESTART_ALWAYS);
    only(start("caps=\"1\" restart=\"always\"", RAM1M),
         "line 5: start 'a': restart 'always' in <start> is not yes, no or a number of times");
    only(start("caps=\"1\" restart=\"4294967295\"", RAM1M),
         "line 5: start 'a': restart '4294967295' in <start> is not yes, no or a number of times");
    only(start("caps=\"1\" restart=\"-1\"", RAM1M),
         "line 5: start 'a': restart '-1' in <start> is not yes, no or a number of times");
}

static void test_once(void **state)
{
    only(start("caps=\"1\"", RAM1M "<binary name=\"x\"/>\n<binary name=\"y\"/>"),
         "line 6: start 'a': more than one <binary> (first at line 5)");
    only(start("caps=\"1\"", RAM1M "<provides/><provides/>"),
         "line 5: start 'a': more than one <provides> (first at line 5)");
    only(start("caps=\"1\"", RAM1M "<route/><route/>"),
         "line 5: start 'a': more than one <route> (first at line 5)");
    only(start("caps=\"1\"", RAM1M "<config/><config/>"),
         "line 5: start 'a': more than one <config> (first at line 5)");
    only(start("caps=\"1\"", RAM1M "<binary/>"),
         "line 5: start 'a': missing attribute 'name' in <binary>");
}

static void test_duplicates(void **state)
{
    only(wrap("<start name=\"a\" caps=\"1\">" RAM1M "</start>\n"
              "<start name=\"b\" caps=\"1\">" RAM1M "</start>\n"
              "<start name=\"a\" caps=\"1\">" RAM1M "</start>\n"),
         "line 7: duplicate start name 'a' (first at line 5)");
    only(start("caps=\"1\"",
               RAM1M "<provides><service name=\"X\"/><service name=\"X\"/></provides>"),
         "line 5: start 'a': service 'X' listed twice in <provides>");
    only("<config><parent-provides><service name=\"LOG\"/>\n<service name=\"LOG\"/>"
         "</parent-provides></config>",
         "line 2: service 'LOG' listed twice in <parent-provides>");
}

static void test_limits(void **state)
{
    char body[12000];
    size_t n = 0;

    /* 32 children fit, the 33rd does not (one message for all extra ones) */
    for (int i = 0; i <= CONFIG_MAX_CHILDREN + 2; i++)
        n += (size_t)snprintf(body + n, sizeof body - n,
                              "<start name=\"c%d\" caps=\"1\">" RAM1M "</start>\n", i);
    only(wrap(body), "line 37: more than 32 <start> elements");
    assert_int_equal(cfg.child_count, CONFIG_MAX_CHILDREN);

    n = (size_t)snprintf(body, sizeof body, "<provides>");
    for (int i = 0; i <= CONFIG_MAX_PROVIDES; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "<service name=\"S%d\"/>", i);
    snprintf(body + n, sizeof body - n, "</provides>" RAM1M);
    only(start("caps=\"1\"", body), "line 5: start 'a': more than 8 services in <provides>");

    n = (size_t)snprintf(body, sizeof body, "<config><parent-provides>");
    for (int i = 0; i <= CONFIG_MAX_PARENT; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "<service name=\"S%d\"/>", i);
    snprintf(body + n, sizeof body - n, "</parent-provides></config>");
    only(body, "line 1: more than 16 services in <parent-provides>");

    n = (size_t)snprintf(body, sizeof body, "<route>");
    for (int i = 0; i <= CONFIG_MAX_ROUTES + 1; i++)
        n += (size_t)snprintf(body + n, sizeof body - n,
                              "<service name=\"LOG\" label=\"l%d\"><parent/></service>\n", i);
    snprintf(body + n, sizeof body - n, "</route>" RAM1M);
    only(start("caps=\"1\"", body), "line 21: start 'a': more than 16 rules in <route>");
    assert_int_equal(cfg.children[0].route_count, CONFIG_MAX_ROUTES);

    only(start("caps=\"1\"", RAM1M "<route><any-service><parent/><parent/><parent/><parent/>"
                                   "<parent/></any-service></route>"),
         "line 5: start 'a': route for any service has more than 4 targets");

    /* the XML node limit */
    n = (size_t)snprintf(body, sizeof body, "<config>");
    for (int i = 0; i < CONFIG_MAX_NODES; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "<x/>");
    snprintf(body + n, sizeof body - n, "</config>");
    only(body, "line 1:4101: more than 1024 elements");
}

static void test_routes(void **state)
{
    const char *timer = "<start name=\"timer\" caps=\"1\">" RAM1M
                        "<provides><service name=\"Timer\"/></provides></start>\n";
    const char *plain = "<start name=\"plain\" caps=\"1\">" RAM1M "</start>\n";
    char body[2048];

#define ROUTE(r)                                                                              \
    (snprintf(body, sizeof body,                                                              \
              "%s%s<start name=\"a\" caps=\"1\">" RAM1M "<route>%s</route></start>\n", timer, \
              plain, r),                                                                      \
     wrap(body))

    assert_int_equal(parse(ROUTE("<service name=\"Timer\"><child name=\"timer\"/></service>")), 0);
    only(ROUTE("<service name=\"Timer\"><child name=\"tmier\"/></service>"),
         "line 7: start 'a': route for service 'Timer' names child 'tmier', which does not exist");
    only(ROUTE("<service name=\"Timer\"><child name=\"plain\"/></service>"),
         "line 7: start 'a': route for service 'Timer' names child 'plain', which provides no "
         "services (it has no <provides>)");
    only(ROUTE("<any-service><child name=\"plain\"/></any-service>"),
         "line 7: start 'a': route for any service names child 'plain', which provides no "
         "services (it has no <provides>)");
    only(ROUTE("<service name=\"Nic\"><child name=\"timer\"/></service>"),
         "line 7: start 'a': route for service 'Nic' names child 'timer', which does not provide "
         "'Nic'");
    only(ROUTE("<service name=\"LOG\"><child name=\"a\"/></service>"),
         "line 7: start 'a': route for service 'LOG' names child 'a' itself");
    only(ROUTE("<service name=\"Timer\"><parent/></service>"),
         "line 7: start 'a': route for service 'Timer' goes to <parent/>, but 'Timer' is not in "
         "<parent-provides>");
    only(ROUTE("<service name=\"Nic\"><any-child/></service>"),
         "line 7: start 'a': route for service 'Nic' goes to <any-child/>, but no other child "
         "provides 'Nic'");
    only(ROUTE("<service name=\"LOG\" label=\"x\"></service>"),
         "line 7: start 'a': route for service 'LOG' (label 'x') has no target (<parent/>, "
         "<child name=\"...\"/> or <any-child/>)");
    assert_int_equal(parse(ROUTE("<service name=\"LOG\"><sibling/></service>")), 2);
    expect("line 7: start 'a': unknown element <sibling> in <service> (expected <parent/>, "
           "<child name=\"...\"/> or <any-child/>)");
    expect("has no target");
    only(ROUTE("<services name=\"LOG\"><parent/></services>"),
         "line 7: start 'a': unknown element <services> in <route> (expected <service> or "
         "<any-service>)");
    only(ROUTE("<service name=\"LOG\" lable=\"x\"><parent/></service>"),
         "line 7: start 'a': unknown attribute 'lable' in <service>");
    only(ROUTE("<service name=\"LOG\"><parent label=\"x\"/></service>"),
         "line 7: start 'a': unknown attribute 'label' in <parent>");
    only(ROUTE("<service name=\"LOG\"><child/></service>"),
         "line 7: start 'a': missing attribute 'name' in <child>");
    only(ROUTE("<any-service name=\"LOG\"><parent/></any-service>"),
         "line 7: start 'a': unknown attribute 'name' in <any-service>");
    only(ROUTE("<service name=\"LOG\" label=\"\"><parent/></service>"),
         "line 7: start 'a': empty label in <service>");
    only(ROUTE("<service name=\"LOG\" label=\"a&#10;b\"><parent/></service>"),
         "line 7: start 'a': label in <service>: byte 0x0a is not allowed in a label");
    assert_int_equal(
        parse(ROUTE("<service name=\"LOG\" label=\"vm -> uart 1\"><parent/></service>")), 0);
    assert_string_equal(cfg.children[2].routes[0].label, "vm -> uart 1");
    /* in <default-route>, naming a child is fine: it serves the others */
    assert_int_equal(parse(wrap("<default-route><service name=\"Timer\"><child name=\"timer\"/>"
                                "</service></default-route>\n")),
                     1);
    expect("line 5: default-route: route for service 'Timer' names child 'timer', which does not "
           "exist");
    snprintf(body, sizeof body,
             "<default-route><service name=\"Timer\"><child name=\"timer\"/>"
             "</service><service name=\"X\"><any-child/></service></default-route>\n%s",
             timer);
    only(wrap(body), "line 5: default-route: route for service 'X' goes to <any-child/>, but no "
                     "child provides 'X'");
#undef ROUTE
}

/* Two children providing one service: an <any-child/> that could reach
 * them is an error naming both; routes that name one are fine. */
static void test_ambiguous(void **state)
{
    const char *two = "<start name=\"t1\" caps=\"1\">" RAM1M
                      "<provides><service name=\"Timer\"/></provides></start>\n"
                      "<start name=\"t2\" caps=\"1\">" RAM1M
                      "<provides><service name=\"Timer\"/><service name=\"Block\"/></provides>"
                      "</start>\n";
    char body[2048];

#define AMB(def, own)                                                                          \
    (snprintf(body, sizeof body,                                                               \
              "<default-route>%s</default-route>\n%s<start name=\"a\" caps=\"1\">" RAM1M       \
              "<route>%s</route></start>\n",                                                   \
              def, two, own),                                                                  \
     wrap(body))

    only(AMB("<any-service><parent/><any-child/></any-service>", ""),
         "line 5: default-route: route for any service sends 'Timer' (asked by 'a') to "
         "<any-child/>, but children 't1' (line 6) and 't2' (line 7) both provide it: name one "
         "with <child name=\"...\"/>");
    only(AMB("<service name=\"Timer\"><any-child/></service>", ""),
         "line 5: default-route: route for service 'Timer' sends 'Timer' (asked by 'a') to "
         "<any-child/>, but children 't1' (line 6) and 't2' (line 7) both provide it: name one "
         "with <child name=\"...\"/>");
    /* in a child's own route; a labelled rule is ambiguous for its label */
    only(AMB("", "<service name=\"Timer\" label=\"x\"><any-child/></service>"
                 "<service name=\"Timer\"><child name=\"t1\"/></service>"),
         "line 8: start 'a': route for service 'Timer' (label 'x') sends 'Timer' to "
         "<any-child/>, but children 't1' (line 6) and 't2' (line 7) both provide it: name one "
         "with <child name=\"...\"/>");
    /* named routes first: unambiguous (the providers ask each other: one other each) */
    assert_int_equal(parse(AMB("<service name=\"Timer\"><child name=\"t1\"/><child name=\"t2\"/>"
                               "</service><any-service><parent/><any-child/></any-service>",
                               "")),
                     0);
    assert_int_equal(parse(AMB("<any-service><parent/><any-child/></any-service>",
                               "<service name=\"Timer\"><child name=\"t2\"/></service>")),
                     0);
    /* an <any-service> rule whose <parent/> serves first */
    assert_int_equal(parse(AMB("<any-service><parent/></any-service>", "")), 0);
    /* Block has one provider: any-child is fine for it, Timer is not */
    only(AMB("<service name=\"Block\"><any-child/></service>",
             "<any-service><any-child/></any-service>"),
         "line 8: start 'a': route for any service sends 'Timer' to <any-child/>, but children "
         "'t1' (line 6) and 't2' (line 7) both provide it: name one with <child name=\"...\"/>");
    /* a denying <service> rule first: nothing reaches the any-child */
    assert_int_equal(parse(AMB("<service name=\"Timer\"><child name=\"t1\"/></service>"
                               "<any-service><any-child/></any-service>",
                               "")),
                     0);
    /* t1 and t2 ask for Timer through the default: each has one other provider */
    snprintf(body, sizeof body,
             "<default-route><any-service><parent/><any-child/></any-service></default-route>\n%s",
             two);
    assert_int_equal(parse(wrap(body)), 0);
#undef AMB
}

static void test_budget(void **state)
{
    only(wrap("<start name=\"a\" caps=\"1\" ram=\"200M\"/>\n<start name=\"b\" caps=\"1\" "
              "ram=\"200M\"/>\n"),
         "line 1: the children's RAM quanta add up to 400M, more than the 256M init has");
    assert_int_equal(parse(wrap("<start name=\"a\" caps=\"1\" ram=\"128M\"/>\n"
                                "<start name=\"b\" caps=\"1\" ram=\"128M\"/>\n")),
                     0);
    only(wrap("<start name=\"a\" caps=\"9000\" ram=\"1M\"/>\n<start name=\"b\" caps=\"1001\" "
              "ram=\"1M\"/>\n"),
         "line 1: the children's caps add up to 10001, more than the 10000 init has");
    only(
        wrap("<start name=\"a\" caps=\"1\" ram=\"256M\"/>\n<start name=\"b\" caps=\"1\" "
             "ram=\"1\"/>\n"),
        "line 1: the children's RAM quanta add up to 268435457 bytes, more than the 256M init has");
    /* sums that overflow 64 bits saturate */
    assert_int_equal(parse(wrap("<start name=\"a\" caps=\"1\" ram=\"17179869183G\"/>\n"
                                "<start name=\"b\" caps=\"1\" ram=\"17179869183G\"/>\n")),
                     1);
    assert_true(cfg.ram_total == UINT64_MAX);
}

/* Every problem is reported, not just the first. */
static void test_all_errors(void **state)
{
    assert_int_equal(
        parse(
            wrap("<strat/>\n"
                 "<start name=\"a\" caps=\"x\">" RAM1M "</start>\n"
                 "<start name=\"b\" caps=\"1\"/>\n"
                 "<start name=\"a\" caps=\"1\">" RAM1M
                 "<route><service name=\"LOG\"><child name=\"zz\"/></service></route></start>\n")),
        5);
    expect("line 5: unknown element <strat> in <config>");
    expect("line 6: start 'a': caps 'x' in <start> is not a number");
    expect("line 7: start 'b': missing <resource");
    expect("line 8: duplicate start name 'a' (first at line 6)");
    expect("line 8: start 'a': route for service 'LOG' names child 'zz', which does not exist");
}

static void test_xml_error(void **state)
{
    only("<config>\n  <start name=\"a\"\n</config>",
         "line 3:1: expected '>' after attribute list of <start>");
    only("<config>\n  <start name=\"a\" name=\"b\"/>\n</config>",
         "line 2:19: duplicate attribute 'name' in <start>");
}

/* Every prefix of the realistic config: no crash, no read past it; all
 * but the complete ones fail. */
static void test_prefixes(void **state)
{
    size_t len = strlen(realistic), full = len - 1; /* the last '\n' is optional */

    for (size_t n = 0; n <= len; n++)
        assert_true((parse_n(realistic, n) == 0) == (n >= full));
}

/* Random byte changes: always either clean or with messages. */
static void test_mutations(void **state)
{
    uint64_t seed = 42;
    size_t len = strlen(realistic);
    static char buf[sizeof realistic];
    static const char alphabet[] = "<>/=\"' \n-0M";

    for (int round = 0; round < 3000; round++) {
        memcpy(buf, realistic, len);
        for (int k = 0; k < 2; k++)
            buf[host_rand(&seed) % len] = alphabet[host_rand(&seed) % (sizeof alphabet - 1)];
        unsigned n = parse_n(buf, len);
        for (unsigned i = 0; i < n && i < MSGS; i++)
            assert_true(has(msgs[i], "line "));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_realistic, teardown),
        cmocka_unit_test_teardown(test_cpu, teardown),
        cmocka_unit_test_teardown(test_restart, teardown),
        cmocka_unit_test_teardown(test_minimal, teardown),
        cmocka_unit_test_teardown(test_names, teardown),
        cmocka_unit_test_teardown(test_unknown, teardown),
        cmocka_unit_test_teardown(test_text, teardown),
        cmocka_unit_test_teardown(test_numbers, teardown),
        cmocka_unit_test_teardown(test_ram, teardown),
        cmocka_unit_test_teardown(test_once, teardown),
        cmocka_unit_test_teardown(test_duplicates, teardown),
        cmocka_unit_test_teardown(test_limits, teardown),
        cmocka_unit_test_teardown(test_routes, teardown),
        cmocka_unit_test_teardown(test_ambiguous, teardown),
        cmocka_unit_test_teardown(test_budget, teardown),
        cmocka_unit_test_teardown(test_all_errors, teardown),
        cmocka_unit_test_teardown(test_xml_error, teardown),
        cmocka_unit_test_teardown(test_prefixes, teardown),
        cmocka_unit_test_teardown(test_mutations, teardown),
    };
    return cmocka_run_group_tests_name("config", tests, 0, 0);
}
