/*
 * ktest: the kernel test suite, run as the root task.
 *
 * A test is a function registered with TEST(name) in one of the area files
 * (objects.c, ipc.c, memory.c, sched.c, faults.c, isolation.c, fuzz.c).
 * main.c runs them in area order and prints one line per test:
 *
 *   [ktest] TEST <name> ... ok
 *   [ktest] TEST <name> ... FAILED: <file>:<line>: <reason>
 *
 * The KT_* check macros record the first failure and return from the test.
 * Each area file defines KTEST_AREA (its place in the run) before
 * including this header.
 */
#pragma once

#include <stdint.h>

#include <cairn/session.h>
#include <cairn/abi.h>
#include <cairn/ec.h>
#include <cairn/fmt.h>
#include <cairn/mem.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>
#include <cairn/time.h>

struct ktest {
    const char *name;
    void (*fn)(void);
    int area, line;
};

/* Registry entries go to section .cairn_tests (lib/user.ld collects them). */
#define TEST(name_)                                                                           \
    static void kt_test_##name_(void);                                                        \
    static const struct ktest kt_reg_##name_                                                  \
        __attribute__((used, section(".cairn_tests"), aligned(8))) = {                        \
            #name_, kt_test_##name_, KTEST_AREA, __LINE__};                                   \
    static void kt_test_##name_(void)

/* Record a failure of the running test (only the first one counts). */
void kt_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Name of a status, also of the KT_CALL_FAILED values below. */
const char *kt_st(uint64_t status);

#define KT_CHECK(cond, ...)                                                                   \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            kt_fail(__FILE__, __LINE__, __VA_ARGS__);                                         \
            return;                                                                           \
        }                                                                                     \
    } while (0)

/* expr must return the status `want`. */
#define KT_ST(expr, want)                                                                     \
    do {                                                                                      \
        uint64_t kt_s_ = (expr), kt_w_ = (want);                                              \
        KT_CHECK(kt_s_ == kt_w_, "%.48s: %s, want %s", #expr, kt_st(kt_s_), kt_st(kt_w_));    \
    } while (0)

#define KT_OK(expr) KT_ST(expr, CAIRN_OK)

#define KT_EQ(a, b)                                                                           \
    do {                                                                                      \
        uint64_t kt_a_ = (uint64_t)(a), kt_b_ = (uint64_t)(b);                                \
        KT_CHECK(kt_a_ == kt_b_, "%.40s = %#lx, want %#lx", #a, kt_a_, kt_b_);                \
    } while (0)

/* Poll `cond` every millisecond for up to `ms` (root sleeps between). */
#define KT_WAIT(cond, ms)                                                                     \
    ({                                                                                        \
        uint64_t kt_end_ = cairn_deadline_us((ms) * 1000ull);                                 \
        while (!(cond) && cairn_rdtsc() < kt_end_)                                            \
            cairn_sleep_us(1000);                                                             \
        (cond);                                                                               \
    })

/* ---- environment (env.c) ------------------------------------------------ */

/*
 * Selectors of a test child PD (2^KT_CHILD_ORDER selectors):
 *
 *   0 .. 63   event selectors of its ECs (evt_base 0)
 *   64        its own PD, if made with KT_CHILD_SELF
 *   70        the park semaphore (KT_SEL_PARK, same selector as in the root)
 *   80 ..     free for the test (KT_CSEL_FREE)
 */
#define KT_CHILD_ORDER 8u
#define KT_CSEL_SELF   64u
#define KT_SEL_PARK    (CAIRN_SEL_FIRST + 2) /* main.c allocates it first, after the runtime's two locks */
#define KT_CSEL_FREE   80u

#define KT_CHILD_SELF  0x1u /* give the child a capability to its own PD */
#define KT_AGENT_EVT   0x2u /* agents: handle the server's faults in the root */

#define KT_QUANTUM_US  1000u
#define KT_FAULT_MARK  0xfa17fa17fa17fa17ull /* rax after a recovered probe fault */

/* What a call into a child returns when the call itself failed. */
#define KT_CALL_FAILED(st) (0x100u + (st))

/* Create a child PD running the root's image (text + rodata), with the park
 * semaphore, and with KT_CHILD_SELF its own PD capability. */
uint64_t kt_child_create(uint64_t *pd, const char *name, unsigned flags);
uint64_t kt_child_create_order(uint64_t *pd, const char *name, unsigned flags, unsigned order);

/* `pages` zeroed pages at the same address in the root and in pd (RW). */
void *kt_share(uint64_t pd, unsigned pages);

/* A thread in pd (evt_base 0) at priority prio, KT_QUANTUM_US quantum. */
uint64_t kt_thread(struct cairn_ec *t, uint64_t pd, cairn_thread_fn fn, void *arg,
                   unsigned prio);

/* Block the calling EC (root or child) forever on the park semaphore. */
__attribute__((noreturn)) void kt_park(void);

/* A thread function that only parks. */
void kt_park_thread(void *arg, struct cairn_utcb *u);

/* Revoke all memory the root delegated to pd (its threads then fault and,
 * without event handlers, the kernel kills the PD). */
void kt_child_kill(uint64_t pd);

/* Scratch addresses tests choose in children (kt_child_kill revokes them). */
#define KT_SCRATCH 0x300000000ull

/* A fresh selector in the root's space. */
static inline uint64_t kt_sel(void)
{
    return cairn_sel_alloc(0);
}

/* The machine can run vCPUs (the HIP names a virtualization extension
 * the kernel turned on). */
static inline int kt_vcpus(void)
{
    return !!(cairn_hip->features & CAIRN_HIP_F_VIRT);
}

/* Set when the suite runs with "verbose" on its command line. */
extern int kt_verbose;

static inline uint64_t kt_ms(uint64_t ms)
{
    return cairn_us_to_tsc(ms * 1000);
}

/* ---- event handlers in the root (env.c) --------------------------------- */

struct kt_evt;
/* Decide how to resume; returns the reply MTD. */
typedef uint64_t (*kt_evt_fn)(struct kt_evt *e, struct cairn_exc *x);

struct kt_evt {
    volatile uint64_t count;     /* events handled                  */
    volatile uint64_t event, rip, err, addr, rsp, rflags, mtd;
    volatile uint64_t badge;
    struct cairn_exc last;       /* copy of the last event's state  */
    kt_evt_fn on;                /* 0: kt_evt_recover               */
    void *ctx;                   /* for `on`                        */
    struct cairn_ec ec;          /* the handler, a local EC in the root */
};

/* Handle the events in `mask` (bit n: event n) of ECs with evt_base in pd:
 * create a handler EC in the root and portals (MTD CAIRN_MTD_THREAD_ALL) at
 * pd's selectors evt_base + n. */
uint64_t kt_evt_attach(struct kt_evt *e, uint64_t pd, uint64_t evt_base, uint64_t mask);

/* Default policy: a fault at a known fault site (probe.S) resumes at the
 * site's resume address with rax = KT_FAULT_MARK; any other event kills
 * the EC (non-canonical RIP). */
uint64_t kt_evt_recover(struct kt_evt *e, struct cairn_exc *x);

/* Resume address of the fault site whose faulting instruction is at rip,
 * 0 if rip is not a known site. */
uint64_t kt_site_resume(uint64_t rip);

#define KT_EVT_CPU 0xffffffffull /* CPU exceptions 0..31 */

/* ---- the agent: a portal server in a child PD (agent.c) ----------------- */

enum kt_agent_op {
    KT_AG_ECHO,    /* -> mr[0] = untyped words received, mr[i] = mr[i] + i         */
    KT_AG_SYSCALL, /* mr[1] = rax, mr[2..7] = args -> mr[0] = status, mr[1] = rsi  */
    KT_AG_READ,    /* mr[1] = address -> mr[0] = value or KT_FAULT_MARK             */
    KT_AG_WRITE,   /* mr[1] = address, mr[2] = value -> mr[0] = 0 or KT_FAULT_MARK */
    KT_AG_INB,     /* mr[1] = port -> mr[0] = value or KT_FAULT_MARK                */
    KT_AG_OUTB,    /* mr[1] = port, mr[2] = value -> mr[0] = 0 or KT_FAULT_MARK     */
    KT_AG_SPIN,    /* mr[1] = TSC deadline: busy until then                        */
    KT_AG_WINDOWS, /* mr[1..3] = rcv_mem, rcv_io, rcv_obj of the server's UTCB      */
    KT_AG_TYPED,   /* -> mr[0] = typed items received, mr[1..] = their CRDs         */
    KT_AG_CALL,    /* mr[1] = portal (child's selector), mr[2] = word: call it with
                      KT_AG_ECHO -> mr[0] = status, mr[1] = the reply's mr[1]        */
    KT_AG_GIVE,    /* mr[1] = CRD, mr[2] = offset: reply with it as a typed item    */
    KT_AG_EXEC,    /* mr[1] = address: call it -> mr[0] = its rax                  */
};

/* Badges of extra portals to an agent server: KT_BADGE_NULL replies at
 * once with no words, any other non-zero badge replies mr[0] = badge. */
#define KT_BADGE_NULL 1u

struct kt_agent {
    uint64_t pd;          /* the child PD (root's selector)            */
    uint64_t pt;          /* portal to the server (root's selector)    */
    struct cairn_ec srv;  /* the server, a local EC in the child       */
    struct kt_evt evt;    /* its fault handler, with KT_AGENT_EVT      */
};

/* A child PD named `name` with an agent server (flags: KT_CHILD_SELF,
 * KT_AGENT_EVT). */
uint64_t kt_agent_start(struct kt_agent *a, const char *name, unsigned flags);

/* Call the agent with op and n argument words; the reply is in
 * cairn_utcb_main->mr. Returns the call's status. */
uint64_t kt_agent_op(struct kt_agent *a, uint64_t op, unsigned n, const uint64_t *args);

/* Have the agent make a system call; returns its status or
 * KT_CALL_FAILED(call status). */
uint64_t kt_agent_sys(struct kt_agent *a, uint64_t rax, uint64_t a1, uint64_t a2, uint64_t a3,
                      uint64_t a4, uint64_t a5, uint64_t a6, uint64_t *rsi);

/* Agent memory / port access; value or KT_FAULT_MARK, or
 * KT_CALL_FAILED(status) when the call failed. */
uint64_t kt_agent_read(struct kt_agent *a, uint64_t addr);
uint64_t kt_agent_write(struct kt_agent *a, uint64_t addr, uint64_t value);
uint64_t kt_agent_inb(struct kt_agent *a, uint16_t port);
uint64_t kt_agent_outb(struct kt_agent *a, uint16_t port, uint8_t value);
uint64_t kt_agent_exec(struct kt_agent *a, uint64_t ip);

/* The agent's server function (runs in the child). */
void kt_agent_serve(void *arg, struct cairn_utcb *u, uint64_t badge);

/* ---- fault sites and probes (probe.S) -------------------------------------
 * Each fault site is a function whose faulting instruction is at the label
 * <name>_insn and which continues at <name>_resume; `flags` points to three
 * words: flags[0] = 1 is stored before the faulting instruction, flags[1] = 1
 * after it (so "after" stays 0 if the EC dies there), kt_site_pf stores the
 * word it read in flags[2]. */
uint64_t kt_probe_read(uint64_t addr);
uint64_t kt_probe_write(uint64_t addr, uint64_t value);
uint64_t kt_probe_inb(uint64_t port);
uint64_t kt_probe_outb(uint64_t port, uint64_t value);
void kt_site_pf(volatile uint64_t *flags, uint64_t addr);
void kt_site_ud(volatile uint64_t *flags);
void kt_site_de(volatile uint64_t *flags);
void kt_site_bp(volatile uint64_t *flags);
void kt_site_gpr(volatile uint64_t *flags, uint64_t *out);
void kt_site_compat(volatile uint64_t *flags);
void kt_site_sysenter(volatile uint64_t *flags);
void kt_site_std(volatile uint64_t *flags, uint64_t spins);
void kt_site_step(volatile uint64_t *flags);
uint64_t kt_site_fsys(uint64_t rax, uint64_t rdi);
extern char kt_site_fsys_insn[];
uint64_t kt_read_fs0(void);
void kt_site_dbg(volatile uint64_t *flags, volatile uint64_t *var);
void kt_site_movss(volatile uint64_t *flags, volatile uint64_t *var);
void kt_site_xmm(volatile uint64_t *stop, uint64_t pattern, volatile uint64_t *count,
                 volatile uint64_t *bad);

struct kt_regs_run {
    volatile uint64_t stop, count, bad; /* offsets 0, 8, 16: probe.S */
    uint64_t vals[14];
    volatile uint64_t done;
};
void kt_site_regs(struct kt_regs_run *r);

extern char kt_probe_read_insn[], kt_probe_read_resume[];
extern char kt_probe_write_insn[], kt_probe_write_resume[];
extern char kt_probe_inb_insn[], kt_probe_inb_resume[];
extern char kt_probe_outb_insn[], kt_probe_outb_resume[];
extern char kt_site_pf_insn[], kt_site_pf_resume[];
extern char kt_site_ud_insn[], kt_site_ud_resume[];
extern char kt_site_de_insn[], kt_site_de_resume[];
extern char kt_site_bp_insn[], kt_site_bp_after[], kt_site_bp_next[];
extern char kt_site_gpr_insn[], kt_site_gpr_resume[];
extern char kt_site_compat_insn[], kt_site_compat_resume[];
extern char kt_site_sysenter_insn[], kt_site_sysenter_resume[];
extern char kt_site_std_insn[], kt_site_std_resume[];
extern char kt_site_step_end[];
extern char kt_site_dbg_insn[], kt_site_dbg_written[];

/* A system call with every register loaded from in[] (rax rdi rsi rdx r10
 * r8 r9 rbx rbp r12 r13 r14 r15) and all of them stored to out[] after. */
void kt_regs_syscall(const uint64_t in[13], uint64_t out[13]);
