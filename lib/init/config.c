/*
 * Init configuration (config): builds the model from the XML tree and
 * checks it, in four passes over the tree:
 *
 *   1. <config>'s own elements and every <start> except its <route>;
 *   2. duplicate start names;
 *   3. every <route> and <default-route>, now that all children and
 *      their <provides> are known, so targets resolve to child indices;
 *   4. a service that several children provide must not reach an
 *      <any-child/>, which would choose one of them by file order.
 *
 * Checking goes on after a problem, so one run reports them all. A
 * failed name reads as "" and matches nothing, which keeps one mistake
 * from turning into a cascade of odd follow-up messages.
 */
#include <cairn/init/config.h>

#include <cairn/fmt.h>
#include <stdarg.h>
#include <string.h>

#define CONFIG_MSG_MAX 256
#define CONFIG_VAL_MAX 48 /* a value quoted in a message */

struct config_parser {
    struct init_config *cfg;
    struct xml_doc doc;
    const struct config_budget *budget;
    config_report_fn report;
    void *ctx;
    unsigned errors;
    uint64_t default_caps;                              /* <default caps>, 0: none */
    bool too_many;                                      /* "more than N <start>" said */
    const struct xml_node *routes[CONFIG_MAX_CHILDREN]; /* each child's <route> */
    char where[CONFIG_NAME_MAX + 16];                   /* "start 'x': " or "" */
};

static const char *const config_no_attrs[] = {0};

/* --- messages ------------------------------------------------------------- */

static void __attribute__((format(printf, 3, 4)))
config_error(struct config_parser *pc, uint32_t line, const char *fmt, ...)
{
    char msg[CONFIG_MSG_MAX], full[CONFIG_MSG_MAX + sizeof pc->where + 16];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "line %u: %s%s", line, pc->where, msg);
    pc->errors++;
    if (pc->report)
        pc->report(pc->ctx, full);
}

/* The element's name, for "<%.*s>". */
#define CONFIG_EL(pc, n) config_clip((n)->name_len), (pc)->doc.buf + (n)->name

/* At most 40 characters of a name in a message. */
static int config_clip(size_t len)
{
    return len > 40 ? 40 : (int)len;
}

/* A value fit to quote: decoded, cut short, unprintable bytes as '?'. */
static const char *config_quote(struct config_parser *pc, const struct xml_node *n,
                                const char *attr, char buf[CONFIG_VAL_MAX])
{
    xml_attr_string(&pc->doc, n, attr, buf, CONFIG_VAL_MAX, 0);
    for (char *s = buf; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            *s = '?';
    return buf;
}

static void config_size_str(uint64_t v, char *buf, size_t size)
{
    static const char unit[] = "GMK";

    for (int i = 0; i < 3; i++) {
        unsigned shift = 30 - 10 * (unsigned)i;
        if (v && !(v & ((1ull << shift) - 1))) {
            snprintf(buf, size, "%llu%c", (unsigned long long)(v >> shift), unit[i]);
            return;
        }
    }
    snprintf(buf, size, "%llu bytes", (unsigned long long)v);
}

/* --- generic checks ------------------------------------------------------- */

static bool config_in(const char *const *list, const struct xml_attr *a)
{
    for (; *list; list++)
        if (xml_attr_is(a, *list))
            return true;
    return false;
}

/* Every attribute of n must be in allowed (0-terminated). */
static void config_attrs(struct config_parser *pc, const struct xml_node *n,
                         const char *const *allowed)
{
    struct xml_attr a;
    size_t cursor = 0;

    while (xml_attr_next(&pc->doc, n, &cursor, &a))
        if (!config_in(allowed, &a)) {
            uint32_t line, col;
            xml_position(&pc->doc, a.off, &line, &col);
            config_error(pc, line, "unknown attribute '%.*s' in <%.*s>", config_clip(a.name_len),
                         a.name, CONFIG_EL(pc, n));
        }
}

/* Init's own elements hold elements only, no text. */
static void config_no_text(struct config_parser *pc, const struct xml_node *n)
{
    const char *s = pc->doc.buf;
    uint32_t line, col, i = n->text;

    if (i == XML_NO_TEXT)
        return;
    while (i < pc->doc.len && i - n->text < 20 && s[i] > ' ' && s[i] < 0x7f && s[i] != '<')
        i++;
    xml_position(&pc->doc, n->text, &line, &col);
    if (i == n->text) /* not printable: do not quote it */
        config_error(pc, line, "unexpected text in <%.*s>", CONFIG_EL(pc, n));
    else
        config_error(pc, line, "unexpected text '%.*s' in <%.*s>", (int)(i - n->text),
                     s + n->text, CONFIG_EL(pc, n));
}

/* A leaf element: the given attributes, no children, no text. */
static void config_leaf(struct config_parser *pc, const struct xml_node *n,
                        const char *const *allowed)
{
    config_attrs(pc, n, allowed);
    config_no_text(pc, n);
    for (const struct xml_node *c = xml_child(&pc->doc, n, 0); c; c = xml_next(&pc->doc, c, 0))
        config_error(pc, c->line, "unknown element <%.*s> in <%.*s>", CONFIG_EL(pc, c),
                     CONFIG_EL(pc, n));
}

/* The first element named `name` before `n` among its siblings, if any. */
static const struct xml_node *config_earlier(struct config_parser *pc, const struct xml_node *n)
{
    const struct xml_node *parent = xml_parent(&pc->doc, n);
    size_t len;
    const char *name = xml_name(&pc->doc, n, &len);

    for (const struct xml_node *c = xml_child(&pc->doc, parent, 0); c && c != n;
         c = xml_next(&pc->doc, c, 0))
        if (c->name_len == len && !memcmp(pc->doc.buf + c->name, name, len))
            return c;
    return 0;
}

/* n may appear once in its parent; false (with a message) if repeated. */
static bool config_once(struct config_parser *pc, const struct xml_node *n)
{
    const struct xml_node *first = config_earlier(pc, n);

    if (first)
        config_error(pc, n->line, "more than one <%.*s> (first at line %u)", CONFIG_EL(pc, n),
                     first->line);
    return !first;
}

/* --- names and numbers ---------------------------------------------------- */

static bool config_name_char(char c, bool label)
{
    if (label)
        return c >= 0x20 && c <= 0x7e;
    return c > 0x20 && c <= 0x7e && !strchr("\"'<>&\\", c);
}

/*
 * Attribute `attr` of n as a name (label: a session label, which may hold
 * blanks) into buf. CAIRN_OK if present and valid; else buf is "" and the
 * status says why: CAIRN_ENOTFOUND (absent: an error only if required),
 * CAIRN_ETOOLONG or CAIRN_EINVAL (reported).
 */
static cairn_status_t config_name(struct config_parser *pc, const struct xml_node *n,
                                  const char *attr, char buf[CONFIG_NAME_MAX], bool label,
                                  bool required)
{
    size_t len;
    cairn_status_t st = xml_attr_string(&pc->doc, n, attr, buf, CONFIG_NAME_MAX, &len);
    char q[CONFIG_VAL_MAX];

    if (st == CAIRN_ENOTFOUND && required)
        config_error(pc, n->line, "missing attribute '%s' in <%.*s>", attr, CONFIG_EL(pc, n));
    if (st == CAIRN_ETOOLONG)
        config_error(pc, n->line, "%s '%s...' in <%.*s> is longer than %d characters", attr,
                     config_quote(pc, n, attr, q), CONFIG_EL(pc, n), CONFIG_NAME_MAX - 1);
    if (st == CAIRN_OK && !len)
        config_error(pc, n->line, "empty %s in <%.*s>", attr, CONFIG_EL(pc, n));
    for (size_t i = 0; st == CAIRN_OK && i < len; i++) {
        if (config_name_char(buf[i], label))
            continue;
        if (buf[i] >= 0x20 && buf[i] <= 0x7e)
            config_error(pc, n->line, "%s '%s' in <%.*s>: '%c' is not allowed in a %s", attr,
                         config_quote(pc, n, attr, q), CONFIG_EL(pc, n), buf[i],
                         label ? "label" : "name");
        else
            config_error(pc, n->line, "%s in <%.*s>: byte 0x%02x is not allowed in a %s", attr,
                         CONFIG_EL(pc, n), (unsigned char)buf[i], label ? "label" : "name");
        len = 0;
    }
    if (st != CAIRN_OK || !len)
        buf[0] = 0;
    return buf[0] ? CAIRN_OK : st != CAIRN_OK ? st : CAIRN_EINVAL;
}

/* Report a bad number; `what` names the kind ("number", "size"). */
static void config_bad_number(struct config_parser *pc, const struct xml_node *n, const char *attr,
                              cairn_status_t st, const char *what)
{
    char q[CONFIG_VAL_MAX];

    if (st == CAIRN_ENOTFOUND)
        config_error(pc, n->line, "missing attribute '%s' in <%.*s>", attr, CONFIG_EL(pc, n));
    else if (st == CAIRN_ERANGE)
        config_error(pc, n->line, "%s '%s' in <%.*s> is too large", attr,
                     config_quote(pc, n, attr, q), CONFIG_EL(pc, n));
    else
        config_error(pc, n->line, "%s '%s' in <%.*s> is not a %s", attr,
                     config_quote(pc, n, attr, q), CONFIG_EL(pc, n), what);
}

/* An unsigned attribute up to max; *out unchanged if absent
 * (CAIRN_ENOTFOUND) or bad (reported). */
static cairn_status_t config_u64(struct config_parser *pc, const struct xml_node *n,
                                 const char *attr, uint64_t max, uint64_t *out)
{
    uint64_t v;
    cairn_status_t st = xml_attr_u64(&pc->doc, n, attr, &v);

    if (st == CAIRN_OK && v > max)
        st = CAIRN_ERANGE;
    if (st == CAIRN_OK)
        *out = v;
    else if (st != CAIRN_ENOTFOUND)
        config_bad_number(pc, n, attr, st, "number");
    return st;
}

/* A size attribute; *out unchanged if absent (CAIRN_ENOTFOUND) or bad
 * (reported). */
static cairn_status_t config_size(struct config_parser *pc, const struct xml_node *n,
                                  const char *attr, uint64_t *out)
{
    cairn_status_t st = xml_attr_size(&pc->doc, n, attr, out);

    if (st != CAIRN_OK && st != CAIRN_ENOTFOUND)
        config_bad_number(pc, n, attr, st, "size (bytes, or a number with K, M or G)");
    return st;
}

/* --- lookups -------------------------------------------------------------- */

static bool config_listed(const char (*list)[CONFIG_NAME_MAX], uint32_t count, const char *name)
{
    for (uint32_t i = 0; i < count; i++)
        if (!strcmp(list[i], name))
            return true;
    return false;
}

cairn_status_t config_child_find(const struct init_config *cfg, const char *name, uint32_t *index)
{
    for (uint32_t i = 0; name[0] && i < cfg->child_count; i++)
        if (!strcmp(cfg->children[i].name, name)) {
            *index = i;
            return CAIRN_OK;
        }
    return CAIRN_ENOTFOUND;
}

bool config_child_provides(const struct config_child *child, const char *service)
{
    return service[0] && config_listed(child->provides, child->provides_count, service);
}

bool config_parent_provides(const struct init_config *cfg, const char *service)
{
    return service[0] && config_listed(cfg->parent, cfg->parent_count, service);
}

/* --- <parent-provides> and <provides> ------------------------------------- */

/* <service name="..."/> entries of n into list[0..max). */
static void config_services(struct config_parser *pc, const struct xml_node *n,
                            char (*list)[CONFIG_NAME_MAX], uint32_t *count, uint32_t max)
{
    static const char *const attrs[] = {"name", 0};
    char name[CONFIG_NAME_MAX];

    config_attrs(pc, n, config_no_attrs);
    config_no_text(pc, n);
    for (const struct xml_node *s = xml_child(&pc->doc, n, 0); s; s = xml_next(&pc->doc, s, 0)) {
        if (!xml_is(&pc->doc, s, "service")) {
            config_error(pc, s->line, "unknown element <%.*s> in <%.*s>", CONFIG_EL(pc, s),
                         CONFIG_EL(pc, n));
            continue;
        }
        config_leaf(pc, s, attrs);
        if (config_name(pc, s, "name", name, false, true) != CAIRN_OK)
            continue;
        if (config_listed(list, *count, name))
            config_error(pc, s->line, "service '%s' listed twice in <%.*s>", name,
                         CONFIG_EL(pc, n));
        else if (*count == max)
            config_error(pc, s->line, "more than %u services in <%.*s>", max, CONFIG_EL(pc, n));
        else
            memcpy(list[(*count)++], name, CONFIG_NAME_MAX);
    }
}

/* --- <start> -------------------------------------------------------------- */

static void config_binary(struct config_parser *pc, struct config_child *c,
                          const struct xml_node *n)
{
    static const char *const attrs[] = {"name", 0};

    config_leaf(pc, n, attrs);
    if (config_once(pc, n))
        config_name(pc, n, "name", c->binary, false, true);
}

/* RAM of a child: given by <resource name="RAM"> or the ram attribute. */
struct config_ram {
    bool given, valid;
};

static bool config_has(struct config_parser *pc, const struct xml_node *n, const char *attr)
{
    struct xml_attr a;

    return xml_attr_find(&pc->doc, n, attr, &a);
}

static void config_ram_once(struct config_parser *pc, const struct xml_node *n,
                            struct config_ram *ram, bool valid)
{
    if (ram->given) {
        config_error(pc, n->line,
                     "RAM given more than once (<resource name=\"RAM\"> or <start ram>)");
        ram->valid = false;
        return;
    }
    ram->given = true;
    ram->valid = valid;
}

/* A time attribute: a number with us, ms or s, in microseconds up to max.
 * *out unchanged if absent (CAIRN_ENOTFOUND) or bad (CAIRN_EINVAL,
 * reported). */
static cairn_status_t config_time(struct config_parser *pc, const struct xml_node *n,
                                  const char *attr, uint64_t max, uint64_t *out)
{
    char v[CONFIG_VAL_MAX], q[CONFIG_VAL_MAX];
    cairn_status_t st = xml_attr_string(&pc->doc, n, attr, v, sizeof v, 0);
    uint64_t t = 0, unit = 0;
    const char *c = v;

    if (st == CAIRN_ENOTFOUND)
        return st;
    for (; st == CAIRN_OK && *c >= '0' && *c <= '9' && t <= max; c++)
        t = t * 10 + (uint64_t)(*c - '0');
    if (c != v && !strcmp(c, "us"))
        unit = 1;
    else if (c != v && !strcmp(c, "ms"))
        unit = 1000;
    else if (c != v && !strcmp(c, "s"))
        unit = 1000000;
    if (st != CAIRN_OK || !unit || t > max / unit) {
        config_error(pc, n->line, "%s '%s' in <%.*s> is not a time up to %llu s "
                     "(a number with us, ms or s)", attr, config_quote(pc, n, attr, q),
                     CONFIG_EL(pc, n), (unsigned long long)(max / 1000000));
        return CAIRN_EINVAL;
    }
    *out = t * unit;
    return CAIRN_OK;
}

/* <resource name="CPU" quantum="P" period="T"/>: P percent of the CPU's
 * time in every period T (default 10 ms). */
static void config_cpu(struct config_parser *pc, struct config_child *c, const struct xml_node *n)
{
    uint64_t pct = 0, period = CONFIG_CPU_PERIOD;

    if (c->cpu_pct) {
        config_error(pc, n->line, "CPU given more than once in <resource>");
        return;
    }
    if (!config_has(pc, n, "quantum")) {
        config_error(pc, n->line, "missing attribute 'quantum' (percent) in <resource name=\"CPU\">");
        return;
    }
    if (config_u64(pc, n, "quantum", UINT32_MAX, &pct) != CAIRN_OK)
        return;
    if (!pct || pct > 100) {
        config_error(pc, n->line, "CPU quantum %llu%% is not 1 to 100 percent", (unsigned long long)pct);
        return;
    }
    if (config_has(pc, n, "period") &&
        config_time(pc, n, "period", 10000000, &period) != CAIRN_OK)
        return;
    if (period < 100 || period * pct / 100 < 100) {
        config_error(pc, n->line, "CPU quantum %llu%% of a %llu us period is less than 100 us",
                     (unsigned long long)pct, (unsigned long long)period);
        return;
    }
    c->cpu_pct = (uint32_t)pct;
    c->cpu_period_us = (uint32_t)period;
}

static void config_resource(struct config_parser *pc, struct config_child *c,
                            const struct xml_node *n, struct config_ram *ram)
{
    static const char *const attrs[] = {"name", "quantum", "period", 0};
    char name[CONFIG_NAME_MAX], q[CONFIG_VAL_MAX];

    config_leaf(pc, n, attrs);
    if (config_name(pc, n, "name", name, false, true) != CAIRN_OK)
        return;
    if (!strcmp(name, "CPU")) {
        config_cpu(pc, c, n);
        return;
    }
    if (strcmp(name, "RAM")) {
        config_error(pc, n->line, "unknown resource '%s' in <resource> (RAM or CPU)",
                     config_quote(pc, n, "name", q));
        return;
    }
    if (config_has(pc, n, "period"))
        config_error(pc, n->line, "attribute 'period' is for <resource name=\"CPU\">, not RAM");
    if (!config_has(pc, n, "quantum")) {
        config_error(pc, n->line, "missing attribute 'quantum' in <resource>");
        config_ram_once(pc, n, ram, false);
        return;
    }
    config_ram_once(pc, n, ram, config_size(pc, n, "quantum", &c->ram) == CAIRN_OK);
}

/* The attributes of <start> other than name. */
static void config_start_attrs(struct config_parser *pc, struct config_child *c,
                               const struct xml_node *n, struct config_ram *ram)
{
    uint64_t caps = pc->default_caps, cpu = 0;
    int64_t prio = 0, lowest = 1 - (int64_t)pc->cfg->prio_levels;
    cairn_status_t st;

    if (!config_has(pc, n, "caps") && !caps)
        config_error(pc, n->line,
                     "missing attribute 'caps' in <start> (and no <default caps=\"...\"/>)");
    if (config_u64(pc, n, "caps", UINT32_MAX, &caps) == CAIRN_OK && !caps)
        config_error(pc, n->line, "caps in <start> is zero");
    c->caps = (uint32_t)caps;

    st = xml_attr_i64(&pc->doc, n, "priority", &prio);
    if (st != CAIRN_OK && st != CAIRN_ENOTFOUND)
        config_bad_number(pc, n, "priority", st, "number");
    else if (prio > 0)
        config_error(pc, n->line, "priority %lld in <start> must be 0 or negative",
                     (long long)prio);
    else if (prio < lowest)
        config_error(pc, n->line,
                     "priority %lld in <start> is below %lld, the lowest of prio_levels %u",
                     (long long)prio, (long long)lowest, pc->cfg->prio_levels);
    else
        c->priority = (int32_t)prio;

    if (config_u64(pc, n, "cpu", UINT32_MAX, &cpu) == CAIRN_OK && pc->budget && pc->budget->cpus &&
        cpu >= pc->budget->cpus)
        config_error(pc, n->line, "cpu %llu in <start> does not exist (init has %u CPUs)",
                     (unsigned long long)cpu, pc->budget->cpus);
    c->cpu = (uint32_t)cpu;

    if (config_has(pc, n, "ram"))
        config_ram_once(pc, n, ram, config_size(pc, n, "ram", &c->ram) == CAIRN_OK);

    /* restart="yes|no|N": start the child again when it exits or faults */
    char r[CONFIG_VAL_MAX];
    uint64_t times = 0;
    if (xml_attr_string(&pc->doc, n, "restart", r, sizeof r, 0) == CAIRN_OK && !strcmp(r, "yes"))
        c->restarts = CONFIG_RESTART_ALWAYS;
    else if (config_has(pc, n, "restart") && strcmp(r, "no")) {
        if (xml_attr_u64(&pc->doc, n, "restart", &times) != CAIRN_OK ||
            times >= CONFIG_RESTART_ALWAYS)
            config_error(pc, n->line, "restart '%s' in <start> is not yes, no or a number of times",
                         config_quote(pc, n, "restart", r));
        else
            c->restarts = (uint32_t)times;
    }
}

/* One element inside <start>. */
static void config_start_child(struct config_parser *pc, struct config_child *c,
                               const struct xml_node *e, struct config_ram *ram)
{
    struct xml_doc *d = &pc->doc;
    int index = (int)(c - pc->cfg->children);

    if (xml_is(d, e, "binary")) {
        config_binary(pc, c, e);
    } else if (xml_is(d, e, "resource")) {
        config_resource(pc, c, e, ram);
    } else if (xml_is(d, e, "provides")) {
        if (config_once(pc, e))
            config_services(pc, e, c->provides, &c->provides_count, CONFIG_MAX_PROVIDES);
    } else if (xml_is(d, e, "route")) {
        if (config_once(pc, e))
            pc->routes[index] = e;
    } else if (xml_is(d, e, "config")) {
        if (config_once(pc, e)) {
            c->config = d->buf + e->start;
            c->config_len = e->end - e->start;
        }
    } else {
        config_error(pc, e->line, "unknown element <%.*s> in <start>", CONFIG_EL(pc, e));
    }
}

static void config_start(struct config_parser *pc, const struct xml_node *n)
{
    static const char *const attrs[] = {"name", "caps", "priority", "cpu", "ram", "restart", 0};
    struct init_config *cfg = pc->cfg;
    struct config_ram ram = {0};

    if (cfg->child_count == CONFIG_MAX_CHILDREN) {
        if (!pc->too_many)
            config_error(pc, n->line, "more than %d <start> elements", CONFIG_MAX_CHILDREN);
        pc->too_many = true;
        return;
    }
    struct config_child *c = &cfg->children[cfg->child_count++];
    c->line = n->line;
    if (config_name(pc, n, "name", c->name, false, true) == CAIRN_OK)
        snprintf(pc->where, sizeof pc->where, "start '%s': ", c->name);
    else
        snprintf(pc->where, sizeof pc->where, "start #%u: ", cfg->child_count);
    config_attrs(pc, n, attrs);
    config_no_text(pc, n);
    config_start_attrs(pc, c, n, &ram);
    for (const struct xml_node *e = xml_child(&pc->doc, n, 0); e; e = xml_next(&pc->doc, e, 0))
        config_start_child(pc, c, e, &ram);
    if (!xml_child(&pc->doc, n, "binary"))
        memcpy(c->binary, c->name, CONFIG_NAME_MAX);
    if (!ram.given)
        config_error(pc, n->line, "missing <resource name=\"RAM\" quantum=\"...\"/> in <start>");
    else if (ram.valid && !c->ram)
        config_error(pc, n->line, "RAM quantum is zero");
    pc->where[0] = 0;
}

/* --- routes --------------------------------------------------------------- */

/* "route for service 'LOG'" or "route for any service", and the label. */
static void config_rule_str(const struct config_route *r, char *buf, size_t size)
{
    snprintf(buf, size, "route for %s%s%s%s%s%s", r->any_service ? "any service" : "service '",
             r->service, r->any_service ? "" : "'", r->has_label ? " (label '" : "", r->label,
             r->has_label ? "')" : "");
}

/* Does a child other than self provide service? */
static bool config_other_provides(const struct init_config *cfg, int self, const char *service)
{
    for (uint32_t i = 0; i < cfg->child_count; i++)
        if ((int)i != self && config_child_provides(&cfg->children[i], service))
            return true;
    return false;
}

/* <child name="..."/>: its index into *index, or CAIRN_ENOTFOUND (no such
 * child, or no valid name) with a message. A child that exists but cannot
 * serve the rule is reported and still returned. */
static cairn_status_t config_target_child(struct config_parser *pc, const struct config_route *r,
                                          const struct xml_node *t, int self, const char *rule,
                                          uint32_t *index)
{
    static const char *const attrs[] = {"name", 0};
    char name[CONFIG_NAME_MAX];
    uint32_t i;

    config_leaf(pc, t, attrs);
    if (config_name(pc, t, "name", name, false, true) != CAIRN_OK)
        return CAIRN_ENOTFOUND;
    if (config_child_find(pc->cfg, name, &i) != CAIRN_OK) {
        config_error(pc, t->line, "%s names child '%s', which does not exist", rule, name);
        return CAIRN_ENOTFOUND;
    }
    *index = i;
    if ((int)i == self)
        config_error(pc, t->line, "%s names child '%s' itself", rule, name);
    else if (!pc->cfg->children[i].provides_count)
        config_error(pc, t->line,
                     "%s names child '%s', which provides no services (it has no <provides>)",
                     rule, name);
    else if (!r->any_service && !config_child_provides(&pc->cfg->children[i], r->service))
        config_error(pc, t->line, "%s names child '%s', which does not provide '%s'", rule, name,
                     r->service);
    return CAIRN_OK;
}

/* One target element of rule r; false if it is not a target at all. */
static bool config_target_parse(struct config_parser *pc, struct config_route *r,
                                const struct xml_node *t, int self, const char *rule)
{
    struct init_config *cfg = pc->cfg;
    struct config_target tg = {0};
    uint32_t child;

    if (xml_is(&pc->doc, t, "parent")) {
        config_leaf(pc, t, config_no_attrs);
        tg.kind = CONFIG_TARGET_PARENT;
        if (!r->any_service && !config_parent_provides(cfg, r->service))
            config_error(pc, t->line, "%s goes to <parent/>, but '%s' is not in <parent-provides>",
                         rule, r->service);
    } else if (xml_is(&pc->doc, t, "child")) {
        if (config_target_child(pc, r, t, self, rule, &child) != CAIRN_OK)
            return true;
        tg.kind = CONFIG_TARGET_CHILD;
        tg.child = (uint8_t)child;
    } else if (xml_is(&pc->doc, t, "any-child")) {
        config_leaf(pc, t, config_no_attrs);
        tg.kind = CONFIG_TARGET_ANY_CHILD;
        if (!r->any_service && !config_other_provides(cfg, self, r->service))
            config_error(pc, t->line, "%s goes to <any-child/>, but no %schild provides '%s'", rule,
                         self >= 0 ? "other " : "", r->service);
    } else {
        return false;
    }
    if (r->target_count == CONFIG_MAX_TARGETS)
        config_error(pc, t->line, "%s has more than %d targets", rule, CONFIG_MAX_TARGETS);
    else
        r->targets[r->target_count++] = tg;
    return true;
}

/* A <service> or <any-service> rule n into *r; false if n is neither. */
static bool config_rule(struct config_parser *pc, const struct xml_node *n, struct config_route *r,
                        int self)
{
    static const char *const service_attrs[] = {"name", "label", 0};
    static const char *const any_attrs[] = {"label", 0};
    char rule[CONFIG_NAME_MAX * 2 + 48];
    unsigned targets = 0;

    memset(r, 0, sizeof *r);
    r->any_service = xml_is(&pc->doc, n, "any-service");
    r->line = n->line;
    if (!r->any_service && !xml_is(&pc->doc, n, "service"))
        return false;
    config_attrs(pc, n, r->any_service ? any_attrs : service_attrs);
    config_no_text(pc, n);
    if (!r->any_service && config_name(pc, n, "name", r->service, false, true) != CAIRN_OK)
        return true;
    if (config_has(pc, n, "label") &&
        !(r->has_label = config_name(pc, n, "label", r->label, true, true) == CAIRN_OK))
        return true;
    config_rule_str(r, rule, sizeof rule);
    for (const struct xml_node *t = xml_child(&pc->doc, n, 0); t; t = xml_next(&pc->doc, t, 0)) {
        if (config_target_parse(pc, r, t, self, rule))
            targets++;
        else
            config_error(pc, t->line,
                         "unknown element <%.*s> in <%.*s> (expected <parent/>, "
                         "<child name=\"...\"/> or <any-child/>)",
                         CONFIG_EL(pc, t), CONFIG_EL(pc, n));
    }
    if (!targets)
        config_error(pc, n->line,
                     "%s has no target (<parent/>, <child name=\"...\"/> or <any-child/>)",
                     rule);
    return true;
}

/* The rules of a <route> (self: the child's index) or <default-route> (-1). */
static void config_rule_list(struct config_parser *pc, const struct xml_node *n,
                             struct config_route *routes, uint32_t *count, int self)
{
    bool said = false; /* "more than N rules" reported */

    config_attrs(pc, n, config_no_attrs);
    config_no_text(pc, n);
    for (const struct xml_node *e = xml_child(&pc->doc, n, 0); e; e = xml_next(&pc->doc, e, 0)) {
        struct config_route r;
        if (!config_rule(pc, e, &r, self))
            config_error(pc, e->line,
                         "unknown element <%.*s> in <%.*s> (expected <service> or <any-service>)",
                         CONFIG_EL(pc, e), CONFIG_EL(pc, n));
        else if (*count < CONFIG_MAX_ROUTES)
            routes[(*count)++] = r;
        else if (!said && (said = true))
            config_error(pc, e->line, "more than %d rules in <%.*s>", CONFIG_MAX_ROUTES,
                         CONFIG_EL(pc, n));
    }
}

/* Pass 3: every child's <route>, then <default-route>. */
static void config_all_routes(struct config_parser *pc, const struct xml_node *root)
{
    struct init_config *cfg = pc->cfg;
    const struct xml_node *def = xml_child(&pc->doc, root, "default-route");

    for (uint32_t i = 0; i < cfg->child_count; i++) {
        struct config_child *c = &cfg->children[i];
        if (!pc->routes[i])
            continue;
        if (c->name[0])
            snprintf(pc->where, sizeof pc->where, "start '%s': ", c->name);
        else
            snprintf(pc->where, sizeof pc->where, "start #%u: ", i + 1);
        config_rule_list(pc, pc->routes[i], c->routes, &c->route_count, (int)i);
    }
    snprintf(pc->where, sizeof pc->where, "default-route: ");
    if (def)
        config_rule_list(pc, def, cfg->defaults, &cfg->default_count, -1);
    pc->where[0] = 0;
}

/* --- ambiguous services ----------------------------------------------------- */

/* The first two children other than self that provide service: 1 or 2
 * found (*a, *b), or 0. */
static unsigned config_providers(const struct init_config *cfg, int self, const char *service,
                                 uint32_t *a, uint32_t *b)
{
    unsigned n = 0;

    for (uint32_t i = 0; i < cfg->child_count && n < 2; i++)
        if ((int)i != self && config_child_provides(&cfg->children[i], service))
            *(n++ ? b : a) = i;
    return n;
}

/*
 * Walk child self's rules (its own, then <default-route>'s) for service
 * as route_resolve does, for every label at once: the first rule whose
 * <any-child/> would have to choose among two or more providers (*def:
 * it is one of <default-route>'s), or 0 if a rule decides before. A
 * labelled rule decides only for its label, so the walk goes on after it.
 */
static const struct config_route *config_ambiguous_rule(const struct init_config *cfg, int self,
                                                        const char *service, bool *def)
{
    const struct config_child *c = &cfg->children[self];
    uint32_t a, b;

    for (uint32_t i = 0; i < c->route_count + cfg->default_count; i++) {
        const struct config_route *r =
            i < c->route_count ? &c->routes[i] : &cfg->defaults[i - c->route_count];
        bool served = false;
        if (!r->any_service && strcmp(r->service, service))
            continue;
        for (uint32_t t = 0; t < r->target_count && !served; t++) {
            const struct config_target *tg = &r->targets[t];
            *def = i >= c->route_count;
            if (tg->kind == CONFIG_TARGET_ANY_CHILD &&
                config_providers(cfg, self, service, &a, &b) == 2)
                return r;
            served = tg->kind == CONFIG_TARGET_PARENT ? config_parent_provides(cfg, service)
                     : tg->kind == CONFIG_TARGET_CHILD
                         ? tg->child != self &&
                               config_child_provides(&cfg->children[tg->child], service)
                         : config_providers(cfg, self, service, &a, &b) == 1;
        }
        if (!r->has_label && (served || !r->any_service))
            return 0; /* served, or denied by a <service> rule */
    }
    return 0;
}

/* Service s of child p is also provided by an earlier child. */
static bool config_provided_before(const struct init_config *cfg, uint32_t p, const char *s)
{
    for (uint32_t i = 0; i < p; i++)
        if (config_child_provides(&cfg->children[i], s))
            return true;
    return false;
}

/* The message for rule r, reached by child c's request for service. */
static void config_say_ambiguous(struct config_parser *pc, const struct config_route *r,
                                 bool def, uint32_t c, const char *service)
{
    const struct init_config *cfg = pc->cfg;
    char rule[CONFIG_NAME_MAX * 2 + 40], asked[CONFIG_NAME_MAX + 16] = "";
    uint32_t a = 0, b = 0;

    config_providers(cfg, (int)c, service, &a, &b);
    config_rule_str(r, rule, sizeof rule);
    if (def)
        snprintf(asked, sizeof asked, " (asked by '%s')", cfg->children[c].name);
    snprintf(pc->where, sizeof pc->where, "%s%s%s", def ? "default-route: " : "start '",
             def ? "" : cfg->children[c].name, def ? "" : "': ");
    config_error(pc, r->line,
                 "%s sends '%s'%s to <any-child/>, but children '%s' (line %u) and '%s' (line "
                 "%u) both provide it: name one with <child name=\"...\"/>",
                 rule, service, asked, cfg->children[a].name, cfg->children[a].line,
                 cfg->children[b].name, cfg->children[b].line);
    pc->where[0] = 0;
}

/*
 * Pass 4: a service that two or more children provide must not reach
 * <any-child/>, which would pick one of them by their order in the file:
 * each rule that would is an error naming the service and two of them.
 */
static void config_ambiguous(struct config_parser *pc)
{
    const struct init_config *cfg = pc->cfg;

    for (uint32_t p = 0; p < cfg->child_count; p++)
        for (uint32_t s = 0; s < cfg->children[p].provides_count; s++) {
            const char *service = cfg->children[p].provides[s];
            const struct config_route *said[CONFIG_MAX_CHILDREN];
            uint32_t n = 0, a, b;
            if (config_provided_before(cfg, p, service) || config_providers(cfg, -1, service, &a, &b) < 2)
                continue; /* said for the first provider, or provided once */
            for (uint32_t c = 0; c < cfg->child_count; c++) {
                bool def = false, dup = false;
                const struct config_route *r = config_ambiguous_rule(cfg, (int)c, service, &def);
                for (uint32_t k = 0; k < n && !dup; k++)
                    dup = said[k] == r;
                if (!r || dup)
                    continue;
                said[n++] = r;
                config_say_ambiguous(pc, r, def, c, service);
            }
        }
}

/* --- <config> ------------------------------------------------------------- */

static void config_root_attrs(struct config_parser *pc, const struct xml_node *root)
{
    static const char *const attrs[] = {"verbose", "prio_levels", "leak_check", 0};
    char v[CONFIG_VAL_MAX];
    uint64_t levels = CONFIG_PRIO_LEVELS;

    config_attrs(pc, root, attrs);
    config_no_text(pc, root);
    if (xml_attr_string(&pc->doc, root, "verbose", v, sizeof v, 0) == CAIRN_OK) {
        pc->cfg->verbose = !strcmp(v, "yes") || !strcmp(v, "true");
        if (!pc->cfg->verbose && strcmp(v, "no") && strcmp(v, "false"))
            config_error(pc, root->line, "verbose '%s' in <config> is not yes or no",
                         config_quote(pc, root, "verbose", v));
    }
    if (xml_attr_string(&pc->doc, root, "leak_check", v, sizeof v, 0) == CAIRN_OK) {
        pc->cfg->leak_check = !strcmp(v, "yes");
        if (!pc->cfg->leak_check && strcmp(v, "no"))
            config_error(pc, root->line, "leak_check '%s' in <config> is not yes or no",
                         config_quote(pc, root, "leak_check", v));
    }
    if (config_u64(pc, root, "prio_levels", UINT32_MAX, &levels) == CAIRN_OK &&
        (!levels || levels > CONFIG_PRIO_LEVELS || (levels & (levels - 1)))) {
        config_error(pc, root->line,
                     "prio_levels %llu in <config> is not a power of two from 1 to %d",
                     (unsigned long long)levels, CONFIG_PRIO_LEVELS);
        levels = CONFIG_PRIO_LEVELS;
    }
    pc->cfg->prio_levels = (uint32_t)levels;
}

/* <default caps="N"/>: read before the <start> elements that use it. */
static void config_default(struct config_parser *pc, const struct xml_node *root)
{
    static const char *const attrs[] = {"caps", 0};
    const struct xml_node *n = xml_child(&pc->doc, root, "default");

    if (!n)
        return;
    config_leaf(pc, n, attrs);
    if (!config_has(pc, n, "caps"))
        config_error(pc, n->line, "missing attribute 'caps' in <default>");
    else if (config_u64(pc, n, "caps", UINT32_MAX, &pc->default_caps) == CAIRN_OK &&
             !pc->default_caps)
        config_error(pc, n->line, "caps in <default> is zero");
}

/* Pass 1: the elements of <config>. */
static void config_elements(struct config_parser *pc, const struct xml_node *root)
{
    struct init_config *cfg = pc->cfg;

    for (const struct xml_node *e = xml_child(&pc->doc, root, 0); e; e = xml_next(&pc->doc, e, 0)) {
        if (xml_is(&pc->doc, e, "start"))
            config_start(pc, e);
        else if (xml_is(&pc->doc, e, "parent-provides")) {
            if (config_once(pc, e))
                config_services(pc, e, cfg->parent, &cfg->parent_count, CONFIG_MAX_PARENT);
        } else if (xml_is(&pc->doc, e, "default-route") || xml_is(&pc->doc, e, "default"))
            config_once(pc, e); /* read in pass 3 / before the loop */
        else
            config_error(pc, e->line, "unknown element <%.*s> in <config>", CONFIG_EL(pc, e));
    }
}

/* Pass 2: start names are unique. */
static void config_unique(struct config_parser *pc)
{
    struct init_config *cfg = pc->cfg;

    for (uint32_t i = 1; i < cfg->child_count; i++)
        for (uint32_t j = 0; j < i; j++)
            if (cfg->children[i].name[0] && !strcmp(cfg->children[i].name, cfg->children[j].name)) {
                config_error(pc, cfg->children[i].line,
                             "duplicate start name '%s' (first at line %u)", cfg->children[i].name,
                             cfg->children[j].line);
                break;
            }
}

/* The children's quotas against what init has. */
static void config_check_budget(struct config_parser *pc, const struct xml_node *root)
{
    struct init_config *cfg = pc->cfg;
    const struct config_budget *b = pc->budget;
    char need[32], have[32];

    for (uint32_t i = 0; i < cfg->child_count; i++) {
        uint64_t ram = cfg->children[i].ram;
        cfg->ram_total = cfg->ram_total + ram < ram ? UINT64_MAX : cfg->ram_total + ram;
        cfg->caps_total += cfg->children[i].caps; /* 32 x 32 bits: cannot overflow */
    }
    if (b && cfg->ram_total > b->ram) {
        config_size_str(cfg->ram_total, need, sizeof need);
        config_size_str(b->ram, have, sizeof have);
        config_error(pc, root->line,
                     "the children's RAM quanta add up to %s, more than the %s init has",
                     need, have);
    }
    for (uint32_t i = 0; i < cfg->child_count; i++) { /* CPU quanta: at most 100% per CPU */
        uint32_t cpu = cfg->children[i].cpu, sum = 0, j;
        for (j = 0; j < i && cfg->children[j].cpu != cpu; j++)
            ;
        if (j < i)
            continue; /* that CPU was counted already */
        for (j = i; j < cfg->child_count; j++)
            sum += cfg->children[j].cpu == cpu ? cfg->children[j].cpu_pct : 0;
        if (sum > 100)
            config_error(pc, root->line, "the CPU quanta of the children on CPU %u add up to %u%%",
                         cpu, sum);
    }
    if (b && b->caps && cfg->caps_total > b->caps)
        config_error(pc, root->line,
                     "the children's caps add up to %llu, more than the %llu init has",
                     (unsigned long long)cfg->caps_total, (unsigned long long)b->caps);
}

unsigned config_parse(struct init_config *cfg, const char *xml, size_t len,
                      const struct config_budget *budget, config_report_fn report, void *ctx)
{
    struct config_parser pc = {.cfg = cfg, .budget = budget, .report = report, .ctx = ctx};
    const struct xml_node *root;

    memset(cfg, 0, offsetof(struct init_config, nodes));
    cfg->prio_levels = CONFIG_PRIO_LEVELS;
    while (len && !xml[len - 1])
        len--; /* a ROM padded with NULs, or a C string with its terminator */
    if (xml_parse(&pc.doc, xml, len, cfg->nodes, CONFIG_MAX_NODES, 0) != CAIRN_OK) {
        if (report)
            report(ctx, pc.doc.err);
        return 1;
    }
    root = xml_root(&pc.doc);
    if (!xml_is(&pc.doc, root, "config")) {
        config_error(&pc, root->line, "the root element is <%.*s>, expected <config>",
                     CONFIG_EL(&pc, root));
        return pc.errors;
    }
    config_root_attrs(&pc, root);
    config_default(&pc, root);
    config_elements(&pc, root);
    config_unique(&pc);
    config_all_routes(&pc, root);
    config_ambiguous(&pc);
    config_check_budget(&pc, root);
    return pc.errors;
}
