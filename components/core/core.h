/*
 * core: the root task. It owns every physical resource and offers it as
 * sessions (ROM, LOG, PD, CPU, IO_PORT, IO_MEM, IRQ) with RAM quotas,
 * loads components from ELF boot modules, pages them on demand, and
 * starts init as its only child.
 *
 * All sessions and all events of components (page faults are paged in,
 * other faults stop the component and tell its parent) are served by one
 * entrypoint (a local EC): one request at a time, so a LOG line is always
 * written whole and core's tables need no locks.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <cairn/rpc.h>
#include <cairn/session.h>

#define CORE_LABEL     192
#define CORE_MAX_ROMS  32
#define CORE_MAX_PDS   64
#define CORE_MAX_LOGS  128
#define CORE_MAX_OWNED 4096 /* selectors owned by PD sessions */
#define CORE_PRIO_INIT 64u  /* init's priority; children are below or equal */
#define CORE_QUANTUM_US 10000u
#define CORE_KMEM_MIN  (256u << 10) /* kernel memory of a component: quota/16 in these bounds */
#define CORE_KMEM_MAX  (4u << 20)

enum core_kind { CORE_PARENT = 1, CORE_LOG, CORE_ROM, CORE_PD, CORE_CPU, CORE_IO_PORT,
                 CORE_IO_MEM, CORE_FAULT, CORE_IRQ, CORE_PD_CHILD, CORE_VM };
#define CORE_BADGE(kind, id) ((uint64_t)(kind) << 32 | (uint32_t)(id))
#define CORE_KIND(badge)     ((unsigned)((badge) >> 32))
#define CORE_ID(badge)       ((unsigned)(uint32_t)(badge))

struct core_rom {
    char name[64];
    uint64_t phys, size;
    const uint8_t *data; /* mapped in core */
};

/* A range of a component's address space that core backs on demand: a
 * page fault there gets a fresh page, filled from `src` where the range
 * has file contents (an ELF segment), zero elsewhere. */
struct core_region {
    uint64_t start, end;  /* page aligned                             */
    uint64_t first;       /* index of its first page in core_pd.backed */
    const uint8_t *src;   /* bytes for [start + src_off, + src_len)   */
    uint64_t src_off, src_len;
    unsigned rights;
};
#define CORE_MAX_REGIONS 16

/* A PD session: a component's address space, RAM quota and main thread. */
struct core_pd {
    bool used;
    char label[CORE_LABEL];
    int payer;            /* PD session whose quota this one came from (-1: core) */
    uint64_t quota, ram;  /* bytes granted, bytes used                          */
    unsigned max_prio;
    unsigned cpu;         /* where its threads and vCPUs run                     */
    unsigned cpu_pct;     /* CPU quota: percent of each period (0: no budget)    */
    uint64_t cpu_period;  /* the period in microseconds                          */
    uint64_t acct_sc;     /* the main thread's SC, whose budget all its SCs share */
    uint64_t pt;          /* portal of this session (core's selector)           */
    uint64_t pd;          /* the component's PD, 0 until loaded                 */
    uint64_t main_ec, heap_next;
    unsigned nregions;
    struct core_region region[CORE_MAX_REGIONS];
    uint32_t *frame;      /* per reserved page: its frame once backed (0: not yet) */
    uint64_t frame_pages; /* pages of the frame array                      */
    uint8_t *env;         /* the environment page                          */
    uint64_t pages;       /* pages reserved (indices handed out)         */
    uint64_t faults;      /* pages mapped on demand */
    uint64_t child_pt;    /* the component's own portal: RAM and STATE only */
    bool started, closed;
    unsigned threads;
    unsigned state, event;
    uint64_t rip, addr, exit_code;
    uint64_t notify;      /* semaphore to up when the state changes (0: none)   */
};

extern struct core_rom core_roms[CORE_MAX_ROMS];
extern unsigned core_nroms;
extern struct core_pd core_pds[CORE_MAX_PDS];

/* Where received capabilities arrive (the entrypoint's window). */
extern struct cairn_inbox core_inbox;

const struct core_rom *core_rom_find(const char *name);
/* "parent -> child" label of a session requested by PD session `from`. */
void core_label(char *out, int from, const char *arg_label);

/* Sessions: create returns a status and the session's portal. */
uint64_t core_log_create(const char *label, uint64_t *pt);
uint64_t core_rom_create(const char *args, uint64_t *pt);
uint64_t core_pd_create(int payer, const char *label, const char *args, uint64_t *pt);
uint64_t core_cpu_create(const char *label, uint64_t *pt);
uint64_t core_io_port_create(const char *args, uint64_t *pt);
uint64_t core_io_mem_create(const char *args, uint64_t *pt);
uint64_t core_irq_create(const char *args, uint64_t *pt);
uint64_t core_vm_create(int from, const char *label, const char *args, uint64_t *pt);

/* The handlers of each kind of session's calls, by opcode (badge:
 * CORE_BADGE(kind, id)); the entrypoint picks the table by kind. */
extern struct cairn_rpc_server core_log_server, core_rom_server, core_pd_server,
    core_pd_child_server, core_cpu_server, core_io_port_server, core_io_mem_server,
    core_irq_server, core_vm_server, core_parent_server;
/* The PD session that pays for a new session labelled `label`. */
int core_payer(int from, const char *label);
/* End the VMs whose VMM is PD session `owner` (their RAM stays with core
 * for the next VM). */
void core_vm_close(int owner);
/* The PD session of the component labelled `label` itself into *id, or
 * CAIRN_ENOTFOUND. (A PD session id of -1, where one is passed or
 * returned, means core itself: a value, not an error.) */
cairn_status_t core_pd_of(const char *label, int *id);
/* A component's event: back a page on demand (the reply resumes it), or
 * stop it and tell its parent. */
void core_pd_fault(unsigned id, const struct cairn_exc *x);

struct cairn_utcb *core_ep_utcb(void);
/* Portal into core's fault handler for PD session `id`. */
uint64_t core_fault_portal(unsigned id);
/* Portal into core's entrypoint with `badge`; 0 when out of selectors. */
uint64_t core_portal(uint64_t badge);
/* Selector `sel` of core belongs to PD session `owner`: when it closes,
 * core_disown revokes it (and all delegated from it) and frees it. */
void core_own(int owner, uint64_t sel);
void core_disown(int owner);
/* PD session that owns a session labelled `label` asked for by `from`. */
int core_owner(int from, const char *label);
/* Free the LOG and CPU session slots of PD session `owner`. */
void core_log_close(int owner);
void core_cpu_close(int owner);
/* Start init from the boot modules "init" and "config". */
void core_start_init(uint64_t ram);
