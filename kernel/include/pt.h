/* Portal (PT): an IPC entry point bound to a handler EC. */
#pragma once

#include <stdint.h>
#include "kobj.h"

struct ec;

struct pt {
    struct kobj k;
    struct ec *ec;   /* handler                        */
    uint64_t ip;     /* entry point                    */
    uint64_t badge;  /* passed to the handler in rdi   */
    uint64_t mtd;    /* state transferred by events    */
};

int pt_create(struct pt **out, struct ec *ec, uint64_t ip, uint64_t badge, uint64_t mtd);
/* Free a portal without references (kobj.c). */
void pt_destroy(struct pt *pt);
