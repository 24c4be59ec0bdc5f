/*
 * Time (time): the devices' clock (the host's TSC in nanoseconds), the
 * timer thread and HLT. The timer thread, one priority above the vCPU,
 * sleeps until the devices' next timer event (PIT or local APIC) and then
 * recalls the vCPU, so that the exit handler injects the interrupt even
 * into a guest that never exits on its own; it also polls for console
 * input (console.c). A HLT with interrupts on sleeps until the next
 * event; with them off the guest has stopped for good.
 */
#include "vmm.h"
#include <cairn/time.h>

#define VMM_INPUT_POLL_NS 20000000ull /* console input (input="yes"): polled every 20 ms */

/* TSC ticks to ns and back, without overflow for centuries of uptime. */
static uint64_t vmm_tsc_to_ns(uint64_t tsc)
{
    uint64_t khz = cairn_tsc_khz();
    return tsc / khz * 1000000 + tsc % khz * 1000000 / khz;
}

static uint64_t vmm_ns_to_tsc(uint64_t ns)
{
    uint64_t khz = cairn_tsc_khz();
    return ns / 1000000 * khz + ns % 1000000 * khz / 1000000;
}

uint64_t vmm_now_ns(void *ctx) { return vmm_tsc_to_ns(cairn_rdtsc()); }

/* The devices' clock now, and the guest's TSC at the same instant. */
uint64_t vmm_now_guest_tsc(uint64_t *guest_tsc)
{
    uint64_t tsc = cairn_rdtsc();
    *guest_tsc = tsc + vmm.tsc_off;
    return vmm_tsc_to_ns(tsc);
}

/* The guest's TSC (host TSC + offset, either sign) on the devices' clock:
 * the first ns at which it reads tsc or more (a TSC deadline never fires
 * early), 0 for a TSC the host passed before its own 0. */
uint64_t vmm_guest_tsc_to_ns(void *ctx, uint64_t tsc)
{
    int64_t host = (int64_t)(tsc - vmm.tsc_off);
    if (host <= 0)
        return 0;
    uint64_t khz = cairn_tsc_khz(), t = (uint64_t)host;
    return t / khz * 1000000 + (t % khz * 1000000 + khz - 1) / khz;
}

/* The devices' next event: a timer of the PIT or the local APIC. */
static uint64_t vmm_next_event_ns(void)
{
    uint64_t next = pit8254_next_event_ns(&vmm.pit);
    if (vmm.apic) {
        uint64_t l = lapic_next_event_ns(&vmm.lapic);
        next = l < next ? l : next;
    }
    return next;
}

/* Tell the timer thread when the devices' next event is due. A recall
 * that injected nothing while the next event is due again already (a
 * periodic timer faster than an exit whose interrupt the guest blocks:
 * IF off, its TPR, a masked line) would have the vCPU recalled at once
 * after every exit, and it never ran again: then recalls wait
 * VMM_RECALL_GAP_NS until an interrupt goes in (what unblocks one exits
 * anyway: STI at the window the handler asked for, the chips'
 * registers). An event that is not yet due is never held back. */
#define VMM_RECALL_GAP_NS 1000000ull

void vmm_publish_next(bool idle_recall)
{
    uint64_t next = vmm_next_event_ns(), now = vmm_now_ns(0);
    if (vmm.injected != vmm.quiet_injected)
        vmm.quiet_until = 0;
    if (idle_recall && next <= now && now >= vmm.quiet_until) {
        vmm.quiet_until = now + VMM_RECALL_GAP_NS;
        vmm.quiet_injected = vmm.injected;
    }
    if (next <= now && now < vmm.quiet_until)
        next = vmm.quiet_until;
    if (next != vmm.next_ns) {
        vmm.next_ns = next;
        cairn_sm_up(vmm.timer_sm);
    }
}

/* The timer thread: recall the vCPU when the next device event is due, so
 * the handler sees it and injects the interrupt; poll for console input.
 * It only reads next_ns, which the handler publishes after each exit. */
void vmm_timer(void *arg, struct cairn_utcb *u)
{
    uint64_t recalled = UINT64_MAX, poll = 0;
    for (;;) {
        if (vmm.stopped) {
            cairn_sm_down(vmm.timer_sm, 0);
            continue;
        }
        uint64_t now = vmm_now_ns(0), next = vmm.next_ns, wake;
        if (next <= now && next != recalled) {
            cairn_ec_recall(vmm.vcpu); /* due: the handler publishes the one after */
            recalled = next;
            continue;
        }
        wake = next > now ? next : UINT64_MAX;
        if (vmm.input) {
            if (now >= poll) {
                vmm_input_poll();
                poll = now + VMM_INPUT_POLL_NS;
            }
            wake = poll < wake ? poll : wake;
        }
        cairn_sm_down(vmm.timer_sm, wake == UINT64_MAX ? 0 : cairn_rdtsc() + vmm_ns_to_tsc(wake - now) + 1);
    }
}

/* HLT: with interrupts on, sleep until the next timer event; with them off
 * the guest has stopped for good. */
uint64_t vmm_hlt(struct cairn_exc *x)
{
    if (!(x->rflags & RFLAGS_IF)) {
        vmm_stop(x, "HLT with interrupts off", 0);
        return 0;
    }
    x->rip += 1; /* no next-RIP from the hardware: HLT is one byte */
    vmm_line_flush(&vmm.uart_line); /* the guest is idle: show its prompt */
    vmm_line_flush(&vmm.hvc_line);
    for (;;) {
        if (vmm_irq_pending())
            return CAIRN_MTD_RIP;
        uint64_t next = vmm_next_event_ns();
        if (next == UINT64_MAX && !vmm.input) {
            vmm_stop(x, "HLT with no interrupt to come", 0);
            return 0;
        }
        uint64_t now = vmm_now_ns(0);
        if (next == UINT64_MAX)
            cairn_sm_down(vmm.sleep_sm, 0); /* until input arrives */
        else if (next > now)
            cairn_sm_down(vmm.sleep_sm, cairn_rdtsc() + vmm_ns_to_tsc(next - now) + 1);
    }
}
