/*
 * Session routing (route): rule matching and target choice, see route.h.
 */
#include <cairn/init/route.h>

#include <cairn/fmt.h>
#include <string.h>

static bool route_matches(const struct config_route *r, const char *service, const char *label)
{
    if (!r->any_service && strcmp(r->service, service))
        return false;
    return !r->has_label || !strcmp(r->label, label);
}

/* Can target t serve `service` for child `self`? Sets res on success. */
static bool route_target(const struct init_config *cfg, uint32_t self,
                         const struct config_target *t, const char *service,
                         struct route_result *res)
{
    switch (t->kind) {
    case CONFIG_TARGET_PARENT:
        res->kind = ROUTE_PARENT;
        return config_parent_provides(cfg, service);
    case CONFIG_TARGET_CHILD:
        res->kind = ROUTE_CHILD;
        res->child = t->child;
        return t->child != self && t->child < cfg->child_count &&
               config_child_provides(&cfg->children[t->child], service);
    case CONFIG_TARGET_ANY_CHILD:
        res->kind = ROUTE_CHILD;
        for (res->child = 0; res->child < cfg->child_count; res->child++)
            if (res->child != self && config_child_provides(&cfg->children[res->child], service))
                return true;
        return false;
    }
    return false;
}

/* Why the single target t of a <service> rule cannot serve. */
static void route_why(const struct init_config *cfg, uint32_t self, const struct config_route *r,
                      const char *service, struct route_result *res)
{
    const char *child = cfg->children[self].name;

    /* service matched a rule's name, so it is a checked name (< 64 chars). */
    const struct config_target *t = &r->targets[0];

    if (r->target_count != 1)
        snprintf(res->reason, sizeof res->reason,
                 "child '%s': no target of the route for service '%s' (line %u) provides it",
                 child, service, r->line);
    else if (t->kind == CONFIG_TARGET_PARENT)
        snprintf(res->reason, sizeof res->reason,
                 "child '%s': service '%s' is routed to <parent/> "
                 "(line %u), but it is not in <parent-provides>",
                 child, service, r->line);
    else if (t->kind == CONFIG_TARGET_ANY_CHILD)
        snprintf(res->reason, sizeof res->reason,
                 "child '%s': service '%s' is routed to "
                 "<any-child/> (line %u), but no other child provides it",
                 child, service, r->line);
    else if (t->child == self)
        snprintf(res->reason, sizeof res->reason,
                 "child '%s': service '%s' is routed to the child itself (line %u)",
                 child, service, r->line);
    else
        snprintf(res->reason, sizeof res->reason,
                 "child '%s': service '%s' is routed to child "
                 "'%s' (line %u), which does not provide it",
                 child, service, t->child < cfg->child_count ? cfg->children[t->child].name : "?",
                 r->line);
}

/* Try rules[0..n); true once one decided (served or denied). */
static bool route_rules(const struct init_config *cfg, uint32_t self,
                        const struct config_route *rules, uint32_t n, const char *service,
                        const char *label, struct route_result *res)
{
    for (uint32_t i = 0; i < n; i++) {
        const struct config_route *r = &rules[i];
        if (!route_matches(r, service, label))
            continue;
        res->line = r->line;
        for (uint32_t t = 0; t < r->target_count; t++)
            if (route_target(cfg, self, &r->targets[t], service, res))
                return true;
        if (!r->any_service) {
            res->kind = ROUTE_DENIED;
            res->child = 0;
            route_why(cfg, self, r, service, res);
            return true;
        }
    }
    return false;
}

enum route_kind route_resolve(const struct init_config *cfg, uint32_t child, const char *service,
                              const char *label, struct route_result *res)
{
    *res = (struct route_result){.kind = ROUTE_DENIED};
    label = label ? label : "";
    if (child >= cfg->child_count) {
        snprintf(res->reason, sizeof res->reason, "no child #%u: service '%.63s' denied", child,
                 service);
        return res->kind;
    }
    const struct config_child *c = &cfg->children[child];
    if (route_rules(cfg, child, c->routes, c->route_count, service, label, res) ||
        route_rules(cfg, child, cfg->defaults, cfg->default_count, service, label, res))
        return res->kind;
    *res = (struct route_result){.kind = ROUTE_DENIED};
    snprintf(res->reason, sizeof res->reason, "child '%s': no route for service '%.63s'%s%.63s%s",
             c->name, service, label[0] ? " (label '" : "", label, label[0] ? "')" : "");
    return res->kind;
}
