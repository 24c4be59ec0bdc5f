/*
 * Session routing (route): which server a child's session request goes to,
 * by the rules of init's config, as Genode's init decides it.
 *
 * The child's own <route> rules are tried first, in order, then those of
 * <default-route>. A rule matches if its service is the one asked for (or
 * it is <any-service>) and, if it has a label, the session label is that
 * label exactly (the label as the child gives it, without init's
 * "child ->" prefix). The matching rule's targets are tried in order:
 *
 *   <parent/>           if the service is in <parent-provides>
 *   <child name="Y"/>   if Y provides the service and is not the child itself
 *   <any-child/>        the first other child (in <start> order) providing it
 *
 * The first target that can serve decides. If none can, a <service> rule
 * denies the request (a named service's route is meant, so it does not
 * fall through); an <any-service> rule passes it on to the next rule. If
 * no rule serves the request, it is denied.
 */
#pragma once

#include <cairn/init/config.h>

#define ROUTE_MSG_MAX 192

enum route_kind {
    ROUTE_DENIED,
    ROUTE_PARENT,
    ROUTE_CHILD,
};

struct route_result {
    enum route_kind kind;
    uint32_t child;             /* ROUTE_CHILD: index into cfg->children */
    uint32_t line;              /* line of the deciding rule, 0 if none */
    char reason[ROUTE_MSG_MAX]; /* ROUTE_DENIED: why, naming child and service */
};

/*
 * Route a session request of child `child` for `service` with session
 * label `label` (0 or "" for none). cfg must have parsed without errors.
 * Returns res->kind.
 */
enum route_kind route_resolve(const struct init_config *cfg, uint32_t child, const char *service,
                              const char *label, struct route_result *res);
