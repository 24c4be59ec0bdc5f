/* Interrupts (IRQ): GSI semaphores (irq.h). */
#include "irq.h"
#include <cairn/abi.h>
#include "console.h"
#include "pd.h"
#include "sm.h"
#include "space.h"

static struct sm *irq_sm[IRQ_MAX];
static bool irq_level[IRQ_MAX], irq_low[IRQ_MAX];
static unsigned irq_n;

/* ISA IRQs are edge-triggered, active high unless the firmware overrides
 * them; other GSIs (PCI) are level-triggered, active low. */
void irq_init(unsigned count, const uint8_t isa_gsi[16], const uint16_t isa_flags[16])
{
    irq_n = count;
    for (unsigned g = 0; g < count; g++) {
        irq_level[g] = irq_low[g] = g >= 16;
        if (sm_create(&irq_sm[g], 0) != CAIRN_OK)
            panic("no memory for interrupt semaphores");
        irq_sm[g]->gsi = (int16_t)g;
        kobj_get(&irq_sm[g]->k); /* irq_sm[] points at it for good */
    }
    for (unsigned i = 0; i < 16; i++) {
        unsigned g = isa_gsi[i], pol = isa_flags[i] & 3, trig = (isa_flags[i] >> 2) & 3;
        if (g >= count)
            continue;
        irq_level[g] = trig == 3;
        irq_low[g] = pol == 3;
    }
}

void irq_install(struct pd *root)
{
    for (unsigned g = 0; g < irq_n; g++)
        if (space_install(root, CAIRN_ROOT_SEL_GSI + g, &irq_sm[g]->k, CAIRN_R_ALL) != CAIRN_OK)
            panic("cannot give interrupt %u to the root", g);
}

unsigned irq_count(void) { return irq_n; }

void irq_handle(unsigned gsi)
{
    if (gsi >= irq_n)
        return;
    if (irq_level[gsi]) {
        irq_arch_mask(gsi, true); /* until the driver has served the device */
        irq_sm[gsi]->gsi_masked = true;
    }
    sm_up(irq_sm[gsi]);
}

int irq_assign(struct sm *sm, unsigned cpu)
{
    if (sm->gsi < 0)
        return CAIRN_EPAR;
    unsigned g = (unsigned)sm->gsi;
    irq_arch_route(g, cpu, irq_level[g], irq_low[g]);
    sm->gsi_masked = false;
    return CAIRN_OK;
}

void irq_rearm(struct sm *sm)
{
    if (sm->gsi >= 0 && sm->gsi_masked) {
        sm->gsi_masked = false;
        irq_arch_mask((unsigned)sm->gsi, false);
    }
}
