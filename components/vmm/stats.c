/*
 * Exit statistics and stopping (stats): the exit handler counts every
 * exit by event, the port of each I/O exit and the MSR of each MSR exit;
 * when the VM stops the VMM reports them (by event, the top six ports and
 * MSRs) and kills the VM.
 */
#include "vmm.h"
#include <cairn/fmt.h>

/* What the report calls each event. */
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

static void vmm_stats(void)
{
    printf("exits:");
    for (unsigned e = 0; e < CAIRN_VM_EVT_COUNT; e++)
        if (vmm.exits[e])
            printf(" %s %lu,", vmm_exit_names[e] ? vmm_exit_names[e] : "other", vmm.exits[e]);
    printf(" interrupts injected %lu\n", vmm.injected);
    for (unsigned k = 0; k < 2; k++) {
        struct vmm_tally *t = k ? vmm.msr : vmm.io;
        unsigned shown = 0;
        printf("%s exits by %s:", k ? "MSR" : "I/O", k ? "MSR" : "port");
        for (unsigned n = 0; n < 6; n++) { /* the top six, largest first */
            unsigned best = VMM_TALLY_SLOTS;
            for (unsigned i = 0; i < VMM_TALLY_SLOTS; i++)
                if (t[i].n && (best == VMM_TALLY_SLOTS || t[i].n > t[best].n))
                    best = i;
            if (best == VMM_TALLY_SLOTS)
                break;
            if (t[best].key == UINT32_MAX && best == VMM_TALLY_SLOTS - 1)
                printf(" others: %lu", t[best].n); /* the last slot sums the rest */
            else
                printf(" %#x: %lu", t[best].key, t[best].n);
            t[best].n = 0, shown++;
        }
        printf("%s\n", shown ? "" : " none");
    }
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
