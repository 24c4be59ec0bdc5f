/*
 * The component framework's protocols (user level, not kernel ABI):
 * the environment every component starts with, the parent interface,
 * the service interface, and the sessions core offers.
 *
 * Every RPC is a portal call: mr[0] = opcode and arguments follow; the
 * reply has mr[0] = status and results follow. Strings travel as a length
 * word and the bytes packed into words (lib/rpc.c). Capabilities travel
 * as typed items. docs/framework.md describes the protocol.
 */
#pragma once

#include <stdint.h>
#include <cairn/abi.h>
#include <cairn/status.h>

/* ---- environment of a component (not the root task) ---------------------- */
#define CAIRN_ENV_MAGIC      0x564e4543u /* "CENV" */
#define CAIRN_SEL_PARENT     64u  /* portal: the parent interface            */
#define CAIRN_SEL_PD         65u  /* own PD: create ECs, portals, semaphores  */
#define CAIRN_SEL_EC         66u  /* main EC                                  */
#define CAIRN_SEL_PD_SESSION 67u  /* own PD session at core: RAM              */
#define CAIRN_SEL_FIRST      68u  /* first free selector                      */
#define CAIRN_COMPONENT_CAP_ORDER 12u

#define CAIRN_ENV_ADDR       0x00007fffffffd000ull /* where the root has the HIP */
#define CAIRN_ENV_UTCB       0x00007fffffffc000ull
#define CAIRN_STACK_TOP      0x00007fffffff0000ull
#define CAIRN_STACK_SIZE     (64u * 1024u)
#define CAIRN_HEAP_BASE      0x0000000100000000ull /* RAM from the PD session */
#define CAIRN_UTCB_AREA      0x0000000200000000ull /* UTCBs of further threads */
#define CAIRN_ROM_AREA       0x0000000300000000ull /* ROM modules attached     */

/* The read-only page at CAIRN_ENV_ADDR. */
struct cairn_env {
    uint32_t magic;
    uint32_t cpus;          /* CPUs online, numbered from 0            */
    uint64_t ram_quota;     /* bytes of RAM the component may allocate */
    uint64_t tsc_khz;       /* TSC frequency                           */
    uint64_t boot_tsc;      /* TSC when the kernel started             */
    char label[192];        /* e.g. "init -> timer"                    */
};

/* Status codes beyond the kernel's (CAIRN_EDENIED..): <cairn/status.h>. */

/* ---- parent interface (portal CAIRN_SEL_PARENT) ----------------------------- */
enum cairn_parent_op {
    CAIRN_PARENT_SESSION  = 1, /* service, args -> session portal (typed item) */
    CAIRN_PARENT_ANNOUNCE = 2, /* service; typed item: service portal          */
    CAIRN_PARENT_EXIT     = 3, /* exit code                                    */
};

/* ---- service interface (a server's service portal) ------------------------ */
enum cairn_service_op {
    CAIRN_SERVICE_CREATE = 1,  /* label, args -> id (not 0), session portal (typed item) */
    CAIRN_SERVICE_CLOSE  = 2,  /* id: the session and its portal go           */
};

/* ---- sessions ----------------------------------------------------------- */
/* LOG_WRITE string; LOG_READ -> count, then up to CAIRN_LOG_READ_MAX bytes
 * of console input packed into words (little-endian) */
enum cairn_log_op  { CAIRN_LOG_WRITE = 1, CAIRN_LOG_READ = 2 };
#define CAIRN_LOG_READ_MAX 64u
/* ROM_ATTACH -> size, byte offset of the ROM in the receive window (below
 * 4 MiB: the window must hold offset + size); memory (typed) */
enum cairn_rom_op  { CAIRN_ROM_ATTACH = 1 };
enum cairn_pd_session_op {
    CAIRN_PD_LOAD    = 1,  /* ROM name of the ELF binary                       */
    CAIRN_PD_PARENT  = 2,  /* typed item: the child's parent portal            */
    CAIRN_PD_START   = 3,  /* priority                                         */
    CAIRN_PD_RAM     = 4,  /* bytes -> address of fresh RAM in the caller      */
    CAIRN_PD_STATE   = 5,  /* -> state, event, rip, addr, pages backed on demand */
    CAIRN_PD_NOTIFY  = 6,  /* typed item: semaphore core ups on a fault        */
    CAIRN_PD_CLOSE   = 7,  /* end the component (and its children and VMs): its
                              quota returns to the parent; the session is gone */
    CAIRN_PD_USAGE   = 8,  /* -> bytes: kernel memory in use (the whole pool's
                              account), kernel pool free, core's RAM free, this
                              session's quota left (the component may ask) */
};
enum cairn_pd_session_state { CAIRN_PD_RUNNING = 0, CAIRN_PD_FAULTED = 1, CAIRN_PD_EXITED = 2 };
enum cairn_cpu_op  { CAIRN_CPU_THREAD = 1 };        /* ip, sp, prio -> EC sel   */
enum cairn_irq_op  { CAIRN_IRQ_ATTACH = 1 };        /* -> semaphore (typed)     */
enum cairn_vm_op {
    CAIRN_VM_CREATE = 1, /* -> RAM size; items: the VM PD (CREATE|CTRL) in rcv_obj,
                            the guest RAM (read-write) in rcv_mem at offset 0 */
    CAIRN_VM_VCPU   = 2, /* -> item: a vCPU (CTRL) of the VM, running once its
                            exit portals are at its event selectors 0..15  */
};
enum cairn_io_op   { CAIRN_IO_ATTACH = 1 };         /* -> ports / memory (typed) */
enum cairn_timer_op {
    CAIRN_TIMER_NOW      = 1,  /* -> microseconds since boot                   */
    CAIRN_TIMER_ONESHOT  = 2,  /* us; typed item: semaphore to up at expiry     */
    CAIRN_TIMER_PERIODIC = 3,  /* us; typed item: semaphore to up every period */
    CAIRN_TIMER_STOP     = 4,
};
