// SOURCES: components/vmm/hw/uart16550.c
/*
 * vmtest: the kernel's virtual CPUs, driven by a minimal VMM in the root
 * task. Each guest is a VM PD with 64 KiB of RAM at guest-physical 0 and
 * one vCPU whose exits come to a handler here: it sets the initial state
 * (STARTUP), gives the guest a 16550 UART (the VMM's device model) and
 * port 0x80, and stops the VM on HLT, a nested page fault outside its
 * RAM, or a triple fault. It also measures the VM exit round trip (guest
 * out -> VMM -> guest) and the part of it spent in the VMM.
 */
#include <cairn/ec.h>
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/mem.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>
#include <cairn/time.h>
#include <string.h>
#include "../../components/vmm/hw/uart16550.h"

#define GUEST_RAM   (64u * 1024u)
#define GUEST_LOAD  0x1000u
#define BENCH_EXITS 10000u

extern const char guest_hello[], guest_hello_end[], guest_wild[], guest_wild_end[],
    guest_triple[], guest_triple_end[];

struct vm {
    const char *name;
    uint64_t pd, vcpu, done;      /* selectors; done: semaphore upped when it stopped */
    char line[128];
    unsigned len;
    uint64_t exits, t0, t1;       /* port 0x80 exits and TSC of the first and last */
    uint64_t vmm_ticks;           /* of those, ticks spent in the handler     */
    struct uart16550 uart;
    unsigned stop_event;
    uint64_t stop_addr;
};

static struct vm *vm_current;

static void vm_stop(struct vm *vm, unsigned event, uint64_t addr)
{
    vm->stop_event = event;
    vm->stop_addr = addr;
    cairn_pd_kill(vm->pd);
    cairn_sm_up(vm->done);
}

/* Real mode at GUEST_LOAD with a stack below it. */
static uint64_t vm_startup(struct cairn_exc *x)
{
    struct cairn_seg flat = { .sel = 0, .ar = 0x93, .limit = 0xffff, .base = 0 };
    x->cs = (struct cairn_seg){ .sel = 0, .ar = 0x9b, .limit = 0xffff, .base = 0 };
    x->ss = x->ds = x->es = flat;
    x->rip = GUEST_LOAD;
    x->rsp = 0x800;
    x->rflags = 2;
    return CAIRN_MTD_RIP | CAIRN_MTD_RSP | CAIRN_MTD_RFLAGS | CAIRN_MTD_CS_SS | CAIRN_MTD_DS_ES;
}

/* The UART's transmitter: collect lines and print them tagged. */
static void vm_uart_tx(void *ctx, uint8_t c)
{
    struct vm *vm = ctx;
    if (c == '\n' || vm->len == sizeof(vm->line) - 1) {
        vm->line[vm->len] = 0;
        printf("%s guest: %s\n", vm->name, vm->line);
        vm->len = 0;
    } else {
        vm->line[vm->len++] = (char)c;
    }
}

static uint64_t vm_io(struct vm *vm, struct cairn_exc *x, uint64_t t_entry)
{
    unsigned port = (unsigned)(x->qual[0] >> 16), in = x->qual[0] & 1;
    unsigned size = (x->qual[0] >> 4) & 7; /* SZ8/SZ16/SZ32 bits: 1, 2, 4 */
    x->rip = x->qual[1]; /* the hardware gives the next RIP for I/O */
    if (port >= 0x3f8 && port < 0x400) {
        if (in) {
            x->rax = (x->rax & ~0xffull) | uart16550_read(&vm->uart, (uint16_t)port, size ? size : 1);
            return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB;
        }
        uart16550_write(&vm->uart, (uint16_t)port, size ? size : 1, (uint32_t)x->rax);
    } else if (in) {
        x->rax = (x->rax & ~0xffull) | 0xff; /* nothing there */
        return CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB;
    } else if (port == 0x80) {
        if (!vm->exits++)
            vm->t0 = t_entry;
        vm->t1 = t_entry;
        vm->vmm_ticks += cairn_rdtsc() - t_entry;
    }
    return CAIRN_MTD_RIP;
}

static void vm_exit_handler(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    uint64_t t_entry = cairn_rdtsc();
    struct cairn_exc *x = (struct cairn_exc *)u->mr;
    struct vm *vm = vm_current;
    uint64_t mtd = 0;
    switch (x->event) {
    case CAIRN_VM_STARTUP: mtd = vm_startup(x); break;
    case CAIRN_VM_IO:      mtd = vm_io(vm, x, t_entry); break;
    case CAIRN_VM_NPF:     vm_stop(vm, (unsigned)x->event, x->qual[1]); break;
    default:               vm_stop(vm, (unsigned)x->event, x->rip); break;
    }
    u->untyped = u->typed = 0;
    cairn_reply(mtd);
}

static uint64_t vm_ram(struct vm *vm, const char *code, size_t size)
{
    uint8_t *p = cairn_page_alloc(GUEST_RAM / 4096);
    if (!p)
        return CAIRN_ENOMEM;
    memcpy(p + GUEST_LOAD, code, size);
    /* the guest executes it: delegate from the host frames, with X */
    struct cairn_mem_chunk c = cairn_mem_chunks(cairn_page_phys(p) >> 12, 0, GUEST_RAM / 4096, 20);
    while (cairn_mem_chunk_next(&c)) {
        uint64_t st = cairn_delegate(CAIRN_ROOT_SEL_PD, vm->pd,
                                     CAIRN_CRD(CAIRN_CRD_MEM, c.a, c.order, CAIRN_MEM_RWX), c.b,
                                     CAIRN_DEL_F_HOST);
        if (st != CAIRN_OK)
            return st;
    }
    return CAIRN_OK;
}

/* The exit portals: the one for I/O exits carries what vm_io reads (the
 * qualification and RAX), the other all of the vCPU's state. As in NOVA,
 * each event's portal names the state its handler needs, so an exit costs
 * what its handler asks for. */
struct exit_pts {
    uint64_t all, io;
};

/* Boot `code` in a fresh VM and wait until it stops. */
static uint64_t vm_run(struct vm *vm, const struct exit_pts *pts, const char *code, size_t size)
{
    uint64_t st, sc = cairn_sel_alloc(0);
    vm->pd = cairn_sel_alloc(0);
    vm->vcpu = cairn_sel_alloc(0);
    vm->done = cairn_sel_alloc(0);
    vm_current = vm;
    uart16550_init(&vm->uart, vm_uart_tx, vm, (struct vmm_irq){ 0, 0 }, 4);
    st = cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_VM, vm->pd, CAIRN_ROOT_SEL_PD, 5,
                       cairn_name_pack(vm->name), 0, 0);
    if (st == CAIRN_OK)
        st = cairn_create_sm(vm->done, CAIRN_ROOT_SEL_PD, 0);
    if (st == CAIRN_OK)
        st = vm_ram(vm, code, size);
    for (unsigned e = 0; st == CAIRN_OK && e < CAIRN_VM_EVT_COUNT; e++)
        st = cairn_delegate(CAIRN_ROOT_SEL_PD, vm->pd,
                            CAIRN_CRD(CAIRN_CRD_OBJ, e == CAIRN_VM_IO ? pts->io : pts->all, 0, CAIRN_R_ALL),
                            e, 0);
    if (st == CAIRN_OK)
        st = cairn_syscall(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU, vm->vcpu, vm->pd, 0, 0, 0, 0);
    if (st == CAIRN_OK)
        st = cairn_create_sc(sc, CAIRN_ROOT_SEL_PD, vm->vcpu, 2, 10000);
    if (st == CAIRN_OK)
        st = cairn_sm_down(vm->done, cairn_deadline_us(20000000));
    return st;
}

static const char *vm_event_name(unsigned e)
{
    static const char *const n[] = { "startup", "I/O", "nested page fault", "HLT", "CPUID", "MSR",
                                     "interrupt window", "VMMCALL", "shutdown (triple fault)",
                                     "invalid state", "recall", "other exit" };
    return e < sizeof(n) / sizeof(n[0]) ? n[e] : "?";
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    static struct cairn_ec handler;
    static struct vm hello = { .name = "hello" }, wild = { .name = "wild" },
                     triple = { .name = "triple" };
    struct exit_pts pt = { cairn_sel_alloc(0), cairn_sel_alloc(0) };
    uint64_t st;
    cairn_log_init("vmtest");
    if (!(hip->features & CAIRN_HIP_F_VIRT) || !(hip->features & CAIRN_HIP_F_NPT)) {
        printf("error: no SVM or VMX with nested paging\n");
        return 1;
    }
    st = cairn_handler_create(&handler, CAIRN_ROOT_SEL_PD, 0, vm_exit_handler, 0);
    if (st == CAIRN_OK)
        st = cairn_create_pt(pt.all, CAIRN_ROOT_SEL_PD, handler.ec, CAIRN_MTD_VCPU_ALL,
                             (uintptr_t)cairn_portal_entry, 0);
    if (st == CAIRN_OK)
        st = cairn_create_pt(pt.io, CAIRN_ROOT_SEL_PD, handler.ec, CAIRN_MTD_QUAL | CAIRN_MTD_GPR_ACDB,
                             (uintptr_t)cairn_portal_entry, 0);
    if (st == CAIRN_OK)
        st = vm_run(&hello, &pt, guest_hello, (size_t)(guest_hello_end - guest_hello));
    if (st != CAIRN_OK) {
        printf("error: guest 'hello' did not stop: %s\n", cairn_status_name(st));
        return 1;
    }
    printf("hello guest stopped at %s after %lu exits to port 0x80\n",
           vm_event_name(hello.stop_event), hello.exits);
    if (hello.exits == BENCH_EXITS) {
        uint64_t rtt = (hello.t1 - hello.t0) / (BENCH_EXITS - 1), vmm = hello.vmm_ticks / BENCH_EXITS;
        printf("BENCH vmexit_rtt %lu ticks\n", rtt);
        printf("BENCH vmexit_in_vmm %lu ticks\n", vmm);
        printf("BENCH vmexit_in_kernel_and_guest %lu ticks\n", rtt > vmm ? rtt - vmm : 0);
    }
    st = vm_run(&wild, &pt, guest_wild, (size_t)(guest_wild_end - guest_wild));
    printf("wild guest: %s at %#lx, VM stopped (%s)\n", vm_event_name(wild.stop_event),
           wild.stop_addr, cairn_status_name(st));
    st = vm_run(&triple, &pt, guest_triple, (size_t)(guest_triple_end - guest_triple));
    printf("triple guest: %s, VM stopped (%s)\n", vm_event_name(triple.stop_event),
           cairn_status_name(st));
    printf("done\n");
    return 0;
}
