/*
 * Exit statistics and stopping (stats): the exit handler counts every
 * exit by event, the port of each I/O exit, the MSR of each MSR exit, the
 * guest-physical address of each MMIO exit and the leaf of each CPUID.
 * When the VM stops the VMM reports them, each figure twice: as a line
 * for the reader and as a BENCH line for tools/bench.py,
 *
 *   BENCH vmm_exit.io 5120 exits        one per event that happened
 *   BENCH vmm_injected 812 interrupts
 *   BENCH vmm_io.0x3f8 2048 exits       the top six ports, and "others"
 *   BENCH vmm_msr.0x10 12 exits         the top six MSRs, and "others"
 *   BENCH vmm_mmio.0xfee000b0 9 exits   the top six MMIO addresses, "others"
 *   BENCH vmm_cpuid.0x1 7 exits         the top six CPUID leaves, "others"
 *   exits: I/O 5120, ..., interrupts injected 812
 *   I/O exits by port: 0x3f8: 2048 ...
 *   MSR exits by MSR: 0x10: 12 ...
 *   MMIO exits by address: 0xfee000b0: 9 ...
 *   CPUID exits by leaf: 0x1: 7 ...
 *
 * the BENCH lines first, as a scenario may end at the last prose line.
 */
#include "vmm.h"
#include <cairn/fmt.h>

#define VMM_TOP 6 /* ports, MSRs, addresses and leaves reported */

/* What the report calls each event, and its BENCH key. */
static const char *const vmm_exit_names[CAIRN_VM_EVT_COUNT] = {
    [CAIRN_VM_STARTUP] = "startup",
    [CAIRN_VM_IO] = "I/O",
    [CAIRN_VM_NPF] = "nested page fault",
    [CAIRN_VM_HLT] = "HLT",
    [CAIRN_VM_CPUID] = "CPUID",
    [CAIRN_VM_MSR] = "MSR",
    [CAIRN_VM_VINTR] = "interrupt window",
    [CAIRN_VM_VMMCALL] = "VMMCALL",
    [CAIRN_VM_SHUTDOWN] = "shutdown (triple fault)",
    [CAIRN_VM_INVALID] = "invalid state",
    [CAIRN_VM_RECALL] = "recall",
    [CAIRN_VM_OTHER] = "exit",
    [CAIRN_VM_CR] = "control register write",
};

static const char *const vmm_exit_keys[CAIRN_VM_EVT_COUNT] = {
    [CAIRN_VM_STARTUP] = "startup", [CAIRN_VM_IO] = "io",           [CAIRN_VM_NPF] = "npf",
    [CAIRN_VM_HLT] = "hlt",         [CAIRN_VM_CPUID] = "cpuid",     [CAIRN_VM_MSR] = "msr",
    [CAIRN_VM_VINTR] = "intwin",    [CAIRN_VM_VMMCALL] = "vmmcall", [CAIRN_VM_SHUTDOWN] = "shutdown",
    [CAIRN_VM_INVALID] = "invalid", [CAIRN_VM_RECALL] = "recall",   [CAIRN_VM_OTHER] = "exit",
    [CAIRN_VM_CR] = "cr",
};

/* The event's name, or NULL for one without. */
const char *vmm_exit_name(uint64_t event)
{
    return event < CAIRN_VM_EVT_COUNT ? vmm_exit_names[event] : 0;
}

/* Count key (a port, an MSR) in a small table; the last slot takes the rest. */
void vmm_count(struct vmm_tally *t, uint32_t key)
{
    unsigned i = 0;
    while (i < VMM_TALLY_SLOTS - 1 && t[i].n && t[i].key != key)
        i++;
    t[i].key = i < VMM_TALLY_SLOTS - 1 ? key : UINT32_MAX;
    t[i].n++;
}

/* A tally's top entries, largest first. */
struct vmm_top {
    uint32_t key;
    bool others; /* the last slot, which sums the rest */
    uint64_t n;
};

/* Take the top VMM_TOP entries out of t into top (their counts zeroed in
 * t); returns how many there were. */
static unsigned vmm_top(struct vmm_tally *t, struct vmm_top *top)
{
    unsigned shown = 0;
    for (; shown < VMM_TOP; shown++) {
        unsigned best = VMM_TALLY_SLOTS;
        for (unsigned i = 0; i < VMM_TALLY_SLOTS; i++)
            if (t[i].n && (best == VMM_TALLY_SLOTS || t[i].n > t[best].n))
                best = i;
        if (best == VMM_TALLY_SLOTS)
            break;
        top[shown] = (struct vmm_top){ t[best].key,
                                       t[best].key == UINT32_MAX && best == VMM_TALLY_SLOTS - 1,
                                       t[best].n };
        t[best].n = 0;
    }
    return shown;
}

static void vmm_top_bench(const char *what, const struct vmm_top *top, unsigned shown)
{
    for (unsigned i = 0; i < shown; i++)
        if (top[i].others)
            printf("BENCH vmm_%s.others %lu exits\n", what, top[i].n);
        else
            printf("BENCH vmm_%s.0x%x %lu exits\n", what, top[i].key, top[i].n);
}

static void vmm_top_prose(const char *what, const struct vmm_top *top, unsigned shown)
{
    printf("%s:", what);
    for (unsigned i = 0; i < shown; i++)
        if (top[i].others)
            printf(" others: %lu", top[i].n);
        else
            printf(" %#x: %lu", top[i].key, top[i].n);
    printf("%s\n", shown ? "" : " none");
}

static void vmm_stats(void)
{
    struct vmm_top io[VMM_TOP], msr[VMM_TOP], mmio[VMM_TOP], cpuid[VMM_TOP];
    unsigned nio = vmm_top(vmm.io, io), nmsr = vmm_top(vmm.msr, msr);
    unsigned nmmio = vmm_top(vmm.mmio, mmio), ncpuid = vmm_top(vmm.cpuid, cpuid);
    for (unsigned e = 0; e < CAIRN_VM_EVT_COUNT; e++)
        if (vmm.exits[e])
            printf("BENCH vmm_exit.%s %lu exits\n", vmm_exit_keys[e] ? vmm_exit_keys[e] : "other",
                   vmm.exits[e]);
    printf("BENCH vmm_injected %lu interrupts\n", vmm.injected);
    vmm_top_bench("io", io, nio);
    vmm_top_bench("msr", msr, nmsr);
    vmm_top_bench("mmio", mmio, nmmio);
    vmm_top_bench("cpuid", cpuid, ncpuid);
    printf("exits:");
    for (unsigned e = 0; e < CAIRN_VM_EVT_COUNT; e++)
        if (vmm.exits[e])
            printf(" %s %lu,", vmm_exit_names[e] ? vmm_exit_names[e] : "other", vmm.exits[e]);
    printf(" interrupts injected %lu\n", vmm.injected);
    vmm_top_prose("I/O exits by port", io, nio);
    vmm_top_prose("MMIO exits by address", mmio, nmmio);
    vmm_top_prose("CPUID exits by leaf", cpuid, ncpuid);
    vmm_top_prose("MSR exits by MSR", msr, nmsr);
}

/* Stop this VM with a report: the guest is gone, the VMM stays. */
void vmm_stop(const struct cairn_exc *x, const char *what, uint64_t addr)
{
    vmm_line_flush(&vmm.uart_line); /* the guest's last words, even without their newline */
    vmm_line_flush(&vmm.hvc_line);
    printf("VM stopped: %s at rip %#lx%s", what, x->rip, addr ? "" : "\n");
    if (addr)
        printf(", guest-physical %#lx\n", addr);
    if (vmm.port80)
        printf("the guest wrote port 0x80 %lu times\n", vmm.port80);
    if (vmm.flat) {
        if (vmm.injected)
            printf("%lu interrupts injected\n", vmm.injected);
    } else {
        vmm_stats();
    }
    vmm.stopped = true;
    cairn_pd_kill(vmm.vm_pd);
}
