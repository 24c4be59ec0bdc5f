/*
 * Cairn public ABI: system-call numbers, status codes, rights, capability
 * range descriptors (CRDs), events and message transfer descriptors (MTDs).
 *
 * Shared verbatim by the kernel and user land; docs/abi.md explains it.
 * Only fixed-width types: this header is included by freestanding code on
 * both sides and by host unit tests.
 */
#pragma once

#include <stdint.h>

/* ---------------------------------------------------------------------------
 * System calls
 *
 * Entry: the `syscall` instruction.
 *   rax  bits 0-7   system-call number (CAIRN_SYS_*)
 *        bits 8-15  flags of that call (CAIRN_*_F_*)
 *        bits 16-31 CPU number (create_ec only)
 *   rdi, rsi, rdx, r10, r8, r9   arguments 1-6
 * Exit:
 *   rax  status (CAIRN_OK or CAIRN_E*)
 *   rsi  first result word where a call has one (lookup, sc_ctrl)
 *   rcx, r11 are clobbered (by the instruction); all others are preserved.
 * ------------------------------------------------------------------------- */
enum cairn_sys {
    CAIRN_SYS_CALL      = 0,  /* pt_sel                                       */
    CAIRN_SYS_REPLY     = 1,  /* mtd (exception replies only)                 */
    CAIRN_SYS_CREATE_PD = 2,  /* dst_sel, pd_sel, cap_order, name[8]          */
    CAIRN_SYS_CREATE_EC = 3,  /* dst_sel, pd_sel, utcb, sp, evt_base, ip      */
    CAIRN_SYS_CREATE_SC = 4,  /* dst_sel, pd_sel, ec_sel, prio, quantum_us    */
    CAIRN_SYS_CREATE_PT = 5,  /* dst_sel, pd_sel, ec_sel, mtd, ip, badge      */
    CAIRN_SYS_CREATE_SM = 6,  /* dst_sel, pd_sel, count                       */
    CAIRN_SYS_DELEGATE  = 7,  /* src_pd, dst_pd, src_crd, dst_base            */
    CAIRN_SYS_REVOKE    = 8,  /* pd_sel, crd                                  */
    CAIRN_SYS_LOOKUP    = 9,  /* crd                 -> rsi: crd found        */
    CAIRN_SYS_EC_CTRL   = 10, /* ec_sel, op                                   */
    CAIRN_SYS_SC_CTRL   = 11, /* sc_sel, op, ...     -> rsi: consumed ticks   */
    CAIRN_SYS_SM_CTRL   = 12, /* sm_sel, op, deadline                         */
    CAIRN_SYS_PD_CTRL   = 13, /* pd_sel, op                                   */
    CAIRN_SYS_IRQ_CTRL  = 14, /* sm_sel (a GSI's), cpu                        */
    CAIRN_SYS_COUNT
};

/* Flags (rax bits 8-15) */
#define CAIRN_EC_F_GLOBAL   0x01u /* create_ec: a thread that gets an SC, starts at ip */
#define CAIRN_EC_F_VCPU     0x02u /* create_ec: a virtual CPU of a VM PD (needs an SC) */
#define CAIRN_PD_F_VM       0x01u /* create_pd: a VM: memory space is guest-physical   */
#define CAIRN_PD_F_FOREIGN  0x02u /* create_pd: foreign ABI: each syscall of its threads
                                     is the event CAIRN_EVT_SYSCALL, never a Cairn call */
#define CAIRN_DEL_F_HOST    0x01u /* delegate: source is host memory / ports (root only) */
#define CAIRN_REV_F_SELF    0x01u /* revoke: also remove the caller's own mapping */

/* Operations */
/* ec_ctrl ops. GET_STATE and SET_STATE (a3: MTD) move a thread's state
 * between it and the caller's UTCB (a struct cairn_exc at mr[0]) while it
 * does not run: blocked in a system call or an IPC, waiting in an event,
 * ready, or not yet started. */
enum cairn_ec_op { CAIRN_EC_RECALL = 0, CAIRN_EC_GET_STATE = 1, CAIRN_EC_SET_STATE = 2 };
enum cairn_sc_op {
    CAIRN_SC_TIME   = 0, /*                        -> rsi: consumed ticks      */
    CAIRN_SC_BUDGET = 1, /* budget_us, period_us: at most that much per period */
    CAIRN_SC_SHARE  = 2, /* sc_sel: draw from that SC's budget (same CPU)      */
};
enum cairn_sm_op { CAIRN_SM_UP = 0, CAIRN_SM_DOWN = 1, CAIRN_SM_ZERO = 2 };
/* PD_CTRL: KILL; KMEM: bytes in use of the PD's kernel memory account
 * (rsi); POOL: bytes free in the kernel's pool (rsi). */
enum cairn_pd_op { CAIRN_PD_KILL = 0, CAIRN_PD_KMEM = 1, CAIRN_PD_POOL = 2 };

/* ---------------------------------------------------------------------------
 * Status codes (rax on return). One enum for every error in the system.
 * ------------------------------------------------------------------------- */
enum cairn_status {
    CAIRN_OK       = 0,
    CAIRN_ETIMEOUT = 1,  /* semaphore down timed out                          */
    CAIRN_EABORT   = 2,  /* partner died, or call aborted                     */
    CAIRN_ESYS     = 3,  /* no such system call / operation                   */
    CAIRN_ECAP     = 4,  /* selector out of range or slot empty               */
    CAIRN_ETYPE    = 5,  /* capability names an object of the wrong type      */
    CAIRN_EPERM    = 6,  /* capability lacks a right the call needs           */
    CAIRN_EPAR     = 7,  /* bad parameter (alignment, range, order, address)  */
    CAIRN_EEXIST   = 8,  /* destination selector / range already in use       */
    CAIRN_ENOMEM   = 9,  /* kernel memory exhausted                           */
    CAIRN_ECPU     = 10, /* no such CPU                                       */
    CAIRN_EDEADLK  = 11, /* call would wait on itself                         */
    CAIRN_EFEAT    = 12, /* feature not available on this machine            */
    CAIRN_EBUSY    = 13, /* the EC runs on a CPU now (ec_ctrl's state)        */
    CAIRN_STATUS_COUNT
};

/* ---------------------------------------------------------------------------
 * Capability range descriptor (CRD): names a naturally aligned power-of-two
 * range in one of a PD's three spaces.
 *
 *   63                          12 11     7 6      2 1  0
 *  +------------------------------+--------+--------+----+
 *  | base (page / port / selector)| order  | rights |type|
 *  +------------------------------+--------+--------+----+
 *
 * The range is [base, base + 2^order) in units of the space (4 KiB pages,
 * I/O ports, selectors); base must be a multiple of 2^order.
 * ------------------------------------------------------------------------- */
enum cairn_crd_type { CAIRN_CRD_NULL = 0, CAIRN_CRD_MEM = 1, CAIRN_CRD_IO = 2, CAIRN_CRD_OBJ = 3 };

#define CAIRN_CRD(type, base, order, rights)                                                   \
    ((uint64_t)(type) | ((uint64_t)((rights) & 0x1f) << 2) | ((uint64_t)((order) & 0x1f) << 7) | \
     ((uint64_t)(base) << 12))
#define CAIRN_CRD_TYPE(c)   ((unsigned)((c) & 3))
#define CAIRN_CRD_RIGHTS(c) ((unsigned)(((c) >> 2) & 0x1f))
#define CAIRN_CRD_ORDER(c)  ((unsigned)(((c) >> 7) & 0x1f))
#define CAIRN_CRD_BASE(c)   ((uint64_t)(c) >> 12)

/* Memory rights */
#define CAIRN_MEM_R   0x01u
#define CAIRN_MEM_W   0x02u
#define CAIRN_MEM_X   0x04u
#define CAIRN_MEM_RWX 0x07u
/* I/O port rights: any non-zero value grants access */
#define CAIRN_IO_A    0x01u

/* Object rights (per type; CAIRN_R_ALL grants all) */
#define CAIRN_R_ALL       0x1fu
#define CAIRN_R_PD_CREATE 0x01u /* create objects in this PD                     */
#define CAIRN_R_PD_CTRL   0x02u /* delegate from/to, revoke in this PD           */
#define CAIRN_R_PD_HOST   0x04u /* delegate host resources (root PD only)        */
#define CAIRN_R_PD_SC     0x08u /* create scheduling contexts for its ECs        */
#define CAIRN_R_PD_VM     0x10u /* create VM PDs (create_pd with CAIRN_PD_F_VM)  */
#define CAIRN_R_EC_CTRL   0x01u /* recall, get and set its state                 */
#define CAIRN_R_EC_SC     0x02u /* bind a scheduling context                     */
#define CAIRN_R_EC_PT     0x04u /* bind portals                                  */
#define CAIRN_R_SC_CTRL   0x01u /* query consumed time                           */
#define CAIRN_R_PT_CALL   0x01u /* call                                          */
#define CAIRN_R_SM_UP     0x01u
#define CAIRN_R_SM_DOWN   0x02u

/* ---------------------------------------------------------------------------
 * Events: a fault or exception of an EC calls the portal at
 * (its event-selector base + event number) in the EC's own PD.
 * ------------------------------------------------------------------------- */
enum cairn_event {
    CAIRN_EVT_DE = 0, CAIRN_EVT_DB = 1, CAIRN_EVT_BP = 3, CAIRN_EVT_OF = 4,
    CAIRN_EVT_BR = 5, CAIRN_EVT_UD = 6, CAIRN_EVT_NM = 7, CAIRN_EVT_TS = 10,
    CAIRN_EVT_NP = 11, CAIRN_EVT_SS = 12, CAIRN_EVT_GP = 13, CAIRN_EVT_PF = 14,
    CAIRN_EVT_MF = 16, CAIRN_EVT_AC = 17, CAIRN_EVT_XM = 19,
    CAIRN_EVT_RECALL  = 32, /* ec_ctrl(RECALL) took effect                       */
    CAIRN_EVT_SYSCALL = 33, /* reserved: foreign-ABI syscall                     */
    CAIRN_EVT_COUNT   = 64  /* event selectors an EC reserves from its base      */
};

/* Events of a virtual CPU (VM exits), at its evt_base + event. qual[0] and
 * qual[1] hold the hardware's exit information (SVM: EXITINFO1/2), ctrl[1]
 * the raw exit code. */
enum cairn_vm_event {
    CAIRN_VM_STARTUP  = 0,  /* before the first run: set the initial state   */
    CAIRN_VM_IO       = 1,  /* in/out; qual[0]: port << 16 | size/dir bits   */
    CAIRN_VM_NPF      = 2,  /* nested page fault; qual[1]: guest-physical    */
    CAIRN_VM_HLT      = 3,
    CAIRN_VM_CPUID    = 4,
    CAIRN_VM_MSR      = 5,  /* rdmsr (qual[0] = 0) / wrmsr (1)               */
    CAIRN_VM_VINTR    = 6,  /* interrupt window open                         */
    CAIRN_VM_VMMCALL  = 7,
    CAIRN_VM_SHUTDOWN = 8,  /* triple fault                                  */
    CAIRN_VM_INVALID  = 9,  /* the state was refused (VMEXIT_INVALID)        */
    CAIRN_VM_RECALL   = 10, /* ec_ctrl(RECALL)                               */
    CAIRN_VM_OTHER    = 11, /* any other exit: see ctrl[1]                   */
    CAIRN_VM_CR       = 12, /* a write to CR0/CR4 the kernel intercepts
                               (qual[0]: the register's number)             */
    CAIRN_VM_EVT_COUNT = 16
};

/* Why a vCPU reports CAIRN_VM_INVALID (in qual[0]). The kernel checks the
 * state a VMM's reply hands it against the hardware's VM-entry rules (AMD
 * APM vol. 2 "Canonicalization and consistency checks") and refuses, not
 * applying any of it, what the hardware would refuse: the guest keeps the
 * state it had, and the VMM hears why instead of the guest running. */
enum cairn_vm_refusal {
    CAIRN_VMREF_HW    = 1, /* the CPU refused a state the kernel passed; the
                              vCPU was reset to INIT (the VMCB may have held
                              the host's state)                                 */
    CAIRN_VMREF_CR0   = 2, /* CR0: bits 63:32, NW without CD, PG without PE     */
    CAIRN_VMREF_CR3   = 3, /* CR3: bits beyond the physical address width       */
    CAIRN_VMREF_CR4   = 4, /* CR4: reserved or unsupported bits                 */
    CAIRN_VMREF_EFER  = 5, /* EFER: reserved or unsupported bits                */
    CAIRN_VMREF_LONG  = 6, /* EFER.LME without CR4.PAE (QEMU 7.2 stops the host
                              at the next exit from such a guest, even with
                              paging off), or with CR0.PG but without CR0.PE   */
    CAIRN_VMREF_CS    = 7, /* long mode with CS.L and CS.D both set             */
    CAIRN_VMREF_DR7   = 8, /* DR7: bits 63:32                                   */
    CAIRN_VMREF_INJ   = 9, /* event injection: bad type or exception vector     */
    CAIRN_VMREF_FLAGS = 10, /* RFLAGS.VM in long mode                           */
    CAIRN_VMREF_GUEST = 11, /* the CPU refused what a guest instruction did (QEMU
                              does so for a MOV to CR4 with reserved bits): the
                              state is the guest's at that instruction          */
    CAIRN_VMREF_SEG   = 12, /* VMX: a segment limit above 1 MiB that is not a
                              multiple of 4 KiB (no granularity expresses it)  */
};

/* ---------------------------------------------------------------------------
 * Message transfer descriptor (MTD): selects the groups of architectural
 * state an event transfers into the handler's UTCB (portal MTD) and back
 * into the EC (the handler's reply MTD). See struct cairn_exc in utcb.h.
 * ------------------------------------------------------------------------- */
#define CAIRN_MTD_GPR_ACDB   (1u << 0)  /* rax rcx rdx rbx          */
#define CAIRN_MTD_GPR_BSD    (1u << 1)  /* rbp rsi rdi              */
#define CAIRN_MTD_RSP        (1u << 2)
#define CAIRN_MTD_RIP        (1u << 3)  /* rip, instruction length  */
#define CAIRN_MTD_RFLAGS     (1u << 4)
#define CAIRN_MTD_DS_ES      (1u << 5)
#define CAIRN_MTD_FS_GS      (1u << 6)  /* selectors and bases      */
#define CAIRN_MTD_CS_SS      (1u << 7)
#define CAIRN_MTD_TR         (1u << 8)
#define CAIRN_MTD_LDTR       (1u << 9)
#define CAIRN_MTD_GDTR       (1u << 10)
#define CAIRN_MTD_IDTR       (1u << 11)
#define CAIRN_MTD_CR         (1u << 12) /* cr0 cr2 cr3 cr4          */
#define CAIRN_MTD_DR         (1u << 13) /* threads: dr[0..3] dr6 dr7; vCPUs: dr7 */
#define CAIRN_MTD_SYSENTER   (1u << 14)
#define CAIRN_MTD_QUAL       (1u << 15) /* qual[0], qual[1] (read-only) */
#define CAIRN_MTD_CTRL       (1u << 16) /* intercept controls       */
#define CAIRN_MTD_INJ        (1u << 17) /* event injection          */
#define CAIRN_MTD_STA        (1u << 18) /* interruptibility state   */
#define CAIRN_MTD_TSC        (1u << 19) /* tsc value / offset       */
#define CAIRN_MTD_EFER_PAT   (1u << 20)
#define CAIRN_MTD_GPR_R8_R15 (1u << 21)
#define CAIRN_MTD_SYSCALL    (1u << 22) /* star lstar cstar fmask kernel_gs_base */
#define CAIRN_MTD_FPU        (1u << 23) /* threads: FXSAVE image after the record (utcb.h) */

#define CAIRN_MTD_GPR_ALL (CAIRN_MTD_GPR_ACDB | CAIRN_MTD_GPR_BSD | CAIRN_MTD_GPR_R8_R15)
/* The state a vCPU's event can transfer. */
#define CAIRN_MTD_VCPU_ALL                                                                   \
    (CAIRN_MTD_EC_ALL | CAIRN_MTD_DS_ES | CAIRN_MTD_CS_SS | CAIRN_MTD_TR | CAIRN_MTD_LDTR | \
     CAIRN_MTD_GDTR | CAIRN_MTD_IDTR | CAIRN_MTD_CR | CAIRN_MTD_DR | CAIRN_MTD_SYSENTER |   \
     CAIRN_MTD_CTRL | CAIRN_MTD_INJ | CAIRN_MTD_STA | CAIRN_MTD_TSC | CAIRN_MTD_EFER_PAT | \
     CAIRN_MTD_SYSCALL)
/* A thread's registers and its event's qualification (the common part of
 * a thread's and a vCPU's state). */
#define CAIRN_MTD_EC_ALL                                                                     \
    (CAIRN_MTD_GPR_ALL | CAIRN_MTD_RSP | CAIRN_MTD_RIP | CAIRN_MTD_RFLAGS | CAIRN_MTD_QUAL | \
     CAIRN_MTD_FS_GS)
/* The state a thread's event can transfer (its debug registers too); other
 * bits are ignored for threads. */
#define CAIRN_MTD_THREAD_ALL (CAIRN_MTD_EC_ALL | CAIRN_MTD_DR | CAIRN_MTD_FPU)

/* A thread's debug registers (MTD_DR; docs/abi.md "Debug registers"):
 * DR0-DR3 hold user addresses, DR7 enables them. Breakpoint i (0..3): */
#define CAIRN_DR7_L(i)        (1ull << (2 * (i)))  /* enable (local; G alike) */
#define CAIRN_DR7_G(i)        (2ull << (2 * (i)))
#define CAIRN_DR7_RW(i, rw)   ((uint64_t)(rw) << (16 + 4 * (i)))
#define CAIRN_DR7_LEN(i, len) ((uint64_t)(len) << (18 + 4 * (i)))
#define CAIRN_DR_EXEC         0u /* R/W: instruction fetch (LEN must be 0) */
#define CAIRN_DR_WRITE        1u /* R/W: data writes                       */
#define CAIRN_DR_RDWR         3u /* R/W: data reads and writes (2, I/O, is refused) */
#define CAIRN_DR_LEN1         0u /* LEN: 1 byte; 2 bytes 1, 8 bytes 2, 4 bytes 3 */
#define CAIRN_DR_LEN2         1u
#define CAIRN_DR_LEN8         2u
#define CAIRN_DR_LEN4         3u
/* The DR7 bits a thread may set: the enables and each breakpoint's R/W
 * and LEN. GD, LE/GE and reserved bits are refused. */
#define CAIRN_DR7_THREAD      0xffff00ffull
/* DR6, as a #DB event's qual[0] reports it: breakpoint i hit, single step. */
#define CAIRN_DR6_B(i)        (1ull << (i))
#define CAIRN_DR6_BS          (1ull << 14)

/* ---------------------------------------------------------------------------
 * Fixed selectors and addresses of the root PD (the first boot module).
 * Its entry point is called with rdi = HIP address, rsi = UTCB address,
 * rsp = CAIRN_ROOT_STACK_TOP.
 * ------------------------------------------------------------------------- */
#define CAIRN_ROOT_SEL_PD     64u /* own PD, all rights including HOST       */
#define CAIRN_ROOT_SEL_EC     65u /* own main EC                             */
#define CAIRN_ROOT_SEL_SC     66u /* own SC                                  */
#define CAIRN_ROOT_SEL_FIRST  67u /* first free selector                     */
#define CAIRN_ROOT_SEL_GSI    0x3f00u /* semaphore of GSI g at this + g      */
#define CAIRN_ROOT_CAP_ORDER  14u /* root's capability space: 2^14 selectors */

#define CAIRN_USER_END        0x00007fffffffe000ull /* user addresses are below */
#define CAIRN_ROOT_HIP        0x00007fffffffd000ull
#define CAIRN_ROOT_UTCB       0x00007fffffffc000ull
#define CAIRN_ROOT_STACK_TOP  0x00007fffffff0000ull
#define CAIRN_ROOT_STACK_SIZE (256u * 1024u)

/* Scheduling */
#define CAIRN_PRIO_MAX        127u /* priorities 1..127, higher runs first */
#define CAIRN_CAP_ORDER_MAX   17u  /* largest capability space: 2^17 selectors */
