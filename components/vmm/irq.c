/*
 * Interrupts (irq): the devices' interrupt lines wired as on a PC, and
 * their delivery to the vCPU. A line goes to the 8259 PICs and, with
 * APICs, to the IO-APIC, which delivers to the local APIC. After each
 * exit the handler injects what is pending if the guest can take it now
 * (IF set, no interrupt shadow, no event on its way), else asks for an
 * exit when it can.
 */
#include "vmm.h"

/* ISA IRQ 0 at IO-APIC pin 2 (the usual override), other ISA IRQs at
 * their own pin, the PCI slots' INTA (IRQ 10, 11) at pins 16, 17. */
static unsigned vmm_ioapic_pin(unsigned line)
{
    return line == 0 ? 2 : line >= VMM_PCI_IRQ_FIRST && line < VMM_PCI_IRQ_FIRST + 2
                               ? line - VMM_PCI_IRQ_FIRST + VMM_PCI_PIN_FIRST : line;
}

void vmm_irq_pic(void *ctx, unsigned line, bool level)
{
    pic8259_set_irq(&vmm.pic, line, level);
    if (vmm.apic)
        ioapic_set_irq(&vmm.ioapic, vmm_ioapic_pin(line), level);
}

void vmm_ioapic_deliver(void *ctx, uint8_t vector, bool level) { lapic_set_irq(&vmm.lapic, vector, level); }
void vmm_lapic_eoi(void *ctx, uint8_t vector) { ioapic_eoi(&vmm.ioapic, vector); }

/* Advance the timers; true if an interrupt waits for the guest. */
bool vmm_irq_pending(void)
{
    if (vmm.input)
        vmm_input_drain();
    pit8254_update(&vmm.pit);
    if (!vmm.apic)
        return pic8259_pending(&vmm.pic);
    lapic_update(&vmm.lapic);
    return vmm.lapic.nmi || lapic_pending(&vmm.lapic) >= 0 ||
           (lapic_extint_enabled(&vmm.lapic) && pic8259_pending(&vmm.pic));
}

/* Deliver a pending interrupt if the guest can take one now, else ask for
 * an exit when it can. An event already on its way (an exception we
 * raise, or one whose delivery an exit cut short) goes first. */
uint64_t vmm_inject(struct cairn_exc *x, uint64_t mtd)
{
    if (!vmm_irq_pending())
        return mtd;
    if ((x->inj_info & 1u << 31) || (x->intr_state & 1)) {
        x->ctrl[0] = 1; /* exit when the event on its way (or the shadow) is done */
        return mtd | CAIRN_MTD_CTRL;
    }
    if (vmm.apic && lapic_take_nmi(&vmm.lapic)) {
        x->inj_info = 2u | 2u << 8 | 1u << 31; /* NMI, valid */
        return mtd | CAIRN_MTD_INJ;
    }
    if (!(x->rflags & RFLAGS_IF)) {
        x->ctrl[0] = 1; /* exit at the interrupt window */
        return mtd | CAIRN_MTD_CTRL;
    }
    int vector = -1;
    if (vmm.apic && lapic_pending(&vmm.lapic) >= 0)
        vector = lapic_ack(&vmm.lapic);
    else if (!vmm.apic || lapic_extint_enabled(&vmm.lapic))
        vector = pic8259_ack(&vmm.pic);
    if (vector < 0)
        return mtd;
    x->inj_info = (uint32_t)(vector & 0xff) | 1u << 31; /* external interrupt, valid */
    x->inj_error = 0;
    vmm.injected++;
    return mtd | CAIRN_MTD_INJ;
}
