/*
 * GDB remote serial protocol engine (lib/gdb/): one stub that both the
 * monitor (components) and the VMM (a guest's vCPUs) plug a target into.
 *
 * The engine makes no system call. Bytes from the serial line go in with
 * gdb_input(), one at a time; replies go out through target->write. It
 * reaches the debuggee only through the callbacks of struct gdb_target,
 * and the target reports events with gdb_stopped() and gdb_exited().
 *
 *   serial line ──gdb_input()──> struct gdb ──target->read_regs() ...──> target
 *   serial line <──target->write()─┘     ^───gdb_stopped()/gdb_exited()──┘
 *
 * Mode: all-stop. Resuming is asynchronous: target->resume returns at
 * once and the stop reply goes out when the target calls gdb_stopped().
 * docs/gdb.md lists the packets the engine answers.
 *
 * Threads and processes: a thread is (pid, tid), both non-zero and below
 * 2^31; tids are unique over all processes (gdb without the multiprocess
 * extension names threads by tid alone). Memory belongs to a process,
 * registers to a thread.
 *
 * Registers travel as one byte array in the order of the target
 * description the engine serves (x86-64, GDB_REG_*): every register
 * little-endian, GDB_REGS_SIZE bytes in all. The x87 stack registers are
 * 10 bytes (the FXSAVE image's), the segment selectors and eflags 4.
 *
 * Concurrency: the engine is not locked. gdb_input, gdb_stopped and
 * gdb_exited must be called from one thread (or under one lock), and
 * they call the target's callbacks from inside, so a callback must not
 * take a lock its caller holds. resume and interrupt may call
 * gdb_stopped() or gdb_exited() themselves (a target that steps at once);
 * the other callbacks must not.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>

#define GDB_PACKET_SIZE  4096 /* longest packet payload accepted and sent */
#define GDB_THREADS_MAX  64   /* threads the engine lists (more are not shown) */
#define GDB_BREAKS_MAX   64   /* software breakpoints at once */
#define GDB_PENDING_MAX  8    /* stops reported while gdb was not waiting */
#define GDB_NAME_MAX     32   /* thread name, NUL included */

/* --- the x86-64 register file, in target description order ------------- */
enum gdb_reg {
    GDB_REG_RAX, GDB_REG_RBX, GDB_REG_RCX, GDB_REG_RDX, GDB_REG_RSI, GDB_REG_RDI,
    GDB_REG_RBP, GDB_REG_RSP, GDB_REG_R8, GDB_REG_R9, GDB_REG_R10, GDB_REG_R11,
    GDB_REG_R12, GDB_REG_R13, GDB_REG_R14, GDB_REG_R15,
    GDB_REG_RIP,                               /* 8 bytes */
    GDB_REG_EFLAGS,                            /* 4 bytes, as are the selectors */
    GDB_REG_CS, GDB_REG_SS, GDB_REG_DS, GDB_REG_ES, GDB_REG_FS, GDB_REG_GS,
    GDB_REG_ST0,                               /* st0..st7: 10 bytes each */
    GDB_REG_FCTRL = GDB_REG_ST0 + 8,           /* fctrl fstat ftag fiseg fioff */
    GDB_REG_FOP = GDB_REG_FCTRL + 7,           /*   foseg fooff fop: 4 bytes */
    GDB_REG_XMM0,                              /* xmm0..xmm15: 16 bytes each */
    GDB_REG_MXCSR = GDB_REG_XMM0 + 16,         /* 4 bytes */
    GDB_REG_FS_BASE, GDB_REG_GS_BASE,          /* 8 bytes */
    GDB_REG_COUNT
};
#define GDB_REGS_SIZE 552 /* bytes of all registers */

/* Byte offset and size of register r (< GDB_REG_COUNT) in the array. */
size_t gdb_reg_offset(unsigned r);
size_t gdb_reg_size(unsigned r);

/* --- signals: gdb's numbers (not the host's) ------------------------------ */
enum gdb_signal {
    GDB_SIGINT = 2,
    GDB_SIGILL = 4,
    GDB_SIGTRAP = 5,
    GDB_SIGFPE = 8,
    GDB_SIGKILL = 9,
    GDB_SIGBUS = 10,
    GDB_SIGSEGV = 11,
};

/* The signal gdb should see for x86 exception `vector` (#DE -> SIGFPE,
 * #DB/#BP -> SIGTRAP, #UD -> SIGILL, #GP/#PF -> SIGSEGV, ...). */
int gdb_signal_of_vector(unsigned vector);

/* --- the target ------------------------------------------------------------ */
struct gdb_tid {
    uint32_t pid, tid;
};

struct gdb_thread {
    struct gdb_tid id;
    char name[GDB_NAME_MAX]; /* "" if none */
};

/* Why a thread stopped (gdb_stopped). */
enum gdb_stop {
    GDB_STOP_SIGNAL,    /* a fault or exception: `sig` says which */
    GDB_STOP_INT3,      /* #BP; addr = RIP as the trap left it, after the int3 */
    GDB_STOP_STEP,      /* a single step ended (#DB, TF) */
    GDB_STOP_HWBREAK,   /* a hardware breakpoint (#DB) */
    GDB_STOP_WATCH,     /* a write watchpoint hit; addr = the data address */
    GDB_STOP_RWATCH,    /* a read watchpoint */
    GDB_STOP_AWATCH,    /* an access watchpoint */
    GDB_STOP_INTERRUPT, /* stopped on target->interrupt (Ctrl-C) */
};

/* Hardware breakpoints and watchpoints: the Z1..Z4 kinds. */
enum gdb_hw {
    GDB_HW_BREAK = 1,
    GDB_HW_WATCH = 2,  /* write */
    GDB_HW_RWATCH = 3, /* read */
    GDB_HW_AWATCH = 4, /* access */
};

/*
 * What the debuggee offers. All callbacks but set_hw, kill and detach are
 * required. ctx is gdb_init's.
 */
struct gdb_target {
    /* The serial line: send len bytes. */
    void (*write)(void *ctx, const char *buf, size_t len);
    /* Fill out[0..max) with the live threads, the first the default one;
     * return how many there are. */
    size_t (*threads)(void *ctx, struct gdb_thread *out, size_t max);
    /* All registers of a stopped thread (GDB_REGS_SIZE bytes, GDB_REG_*
     * order). CAIRN_ENOTFOUND: no such thread. */
    cairn_status_t (*read_regs)(void *ctx, struct gdb_tid t, uint8_t *regs);
    cairn_status_t (*write_regs)(void *ctx, struct gdb_tid t, const uint8_t *regs);
    /* Process memory at a virtual address: return the number of bytes
     * done from the start (less than len where an unmapped or read-only
     * page begins). Writes go to text too (breakpoints). */
    size_t (*read_mem)(void *ctx, uint32_t pid, uint64_t addr, void *buf, size_t len);
    size_t (*write_mem)(void *ctx, uint32_t pid, uint64_t addr, const void *buf, size_t len);
    /* Insert or remove a hardware breakpoint/watchpoint for every thread
     * of pid. CAIRN_EUNSUP (or no callback): gdb hears "not supported". */
    cairn_status_t (*set_hw)(void *ctx, uint32_t pid, enum gdb_hw kind, uint64_t addr,
                             uint64_t len, bool insert);
    /* Run (step: one instruction) a stopped thread; sig: the signal gdb
     * passes to it (0: none; the target may ignore it). Returns at once. */
    void (*resume)(void *ctx, struct gdb_tid t, bool step, int sig);
    /* Stop everything soon, then report one thread with GDB_STOP_INTERRUPT. */
    void (*interrupt)(void *ctx);
    /* End the process; no report needed. */
    void (*kill)(void *ctx, uint32_t pid);
    /* gdb leaves: let the process's threads run on undebugged. */
    void (*detach)(void *ctx, uint32_t pid);
};

/* One connection's state (about 15 KiB). Opaque to users: gdb_* only. */
struct gdb {
    const struct gdb_target *target;
    void *ctx;
    /* receiving */
    uint8_t rx_state, rx_flags, rx_sum, rx_csum;
    size_t rx_len;
    char rx[GDB_PACKET_SIZE];
    /* sending: the last packet, framed, kept for a retransmit */
    size_t tx_len;
    char tx[GDB_PACKET_SIZE + 4];
    bool no_ack, multiprocess, gdb_swbreak, gdb_hwbreak;
    /* execution */
    bool running, have_stop;
    struct gdb_tid gen, cont;   /* Hg and Hc; tid 0: any, UINT32_MAX: all */
    struct gdb_tid last;        /* the thread of the last stop reply */
    struct gdb_event {
        uint8_t kind;           /* enum gdb_stop, or exit / termination */
        uint8_t sig;
        struct gdb_tid t;
        uint64_t addr;
        int code;
    } stop, pending[GDB_PENDING_MAX];
    uint32_t pending_count;
    /* the thread list, as last read (qsThreadInfo and qXfer continue it) */
    size_t nthreads, thread_next;
    struct gdb_thread threads[GDB_THREADS_MAX];
    /* software breakpoints: int3 written by the engine */
    struct gdb_break {
        uint64_t addr;
        uint32_t pid;
        uint8_t orig;
        bool used;
    } breaks[GDB_BREAKS_MAX];
    uint8_t regs[GDB_REGS_SIZE];          /* scratch */
    uint8_t mem[GDB_PACKET_SIZE / 2];     /* scratch */
};

/* Start a connection: nothing sent yet, acknowledgments on, the target
 * taken as stopped (gdb attaches to a stopped target). */
void gdb_init(struct gdb *g, const struct gdb_target *target, void *ctx);

/* One byte (or len bytes) from gdb. */
void gdb_input(struct gdb *g, uint8_t byte);
void gdb_input_buf(struct gdb *g, const void *buf, size_t len);

/*
 * The target reports that thread t stopped (see enum gdb_stop). In
 * all-stop mode the target stops its other threads too, before or when it
 * reports; it reports only real events, not the threads it stopped for
 * that. For GDB_STOP_INT3 at one of the engine's breakpoints, the engine
 * rewinds the thread's RIP onto the breakpoint (through write_regs).
 * A stop while gdb is not waiting for one is kept and reported at the
 * next resume instead of resuming.
 */
void gdb_stopped(struct gdb *g, struct gdb_tid t, enum gdb_stop why, int sig, uint64_t addr);

/* Process pid ended: with exit code `code`, or killed by gdb signal
 * `sig` if sig != 0. */
void gdb_exited(struct gdb *g, uint32_t pid, int code, int sig);

/* Is the debuggee running (a resume not yet answered by a stop)? */
bool gdb_running(const struct gdb *g);
