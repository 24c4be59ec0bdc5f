/* Interrupts (IRQ): every global system interrupt (GSI) has a semaphore
 * the kernel ups when it fires. The root PD holds them all at
 * CAIRN_ROOT_SEL_GSI + gsi and hands them to drivers. A level-triggered
 * GSI stays masked after it fires until its driver waits again (down). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define IRQ_MAX 64

struct sm;
struct pd;

/* Create the GSI semaphores and give them to the root PD. */
void irq_init(unsigned count, const uint8_t isa_gsi[16], const uint16_t isa_flags[16]);
void irq_install(struct pd *root);
unsigned irq_count(void);
/* An interrupt arrived for `gsi` (interrupts off, kernel entry). */
void irq_handle(unsigned gsi);
/* Route the GSI of `sm` to `cpu` and unmask it. EPAR if sm is no GSI's. */
int irq_assign(struct sm *sm, unsigned cpu);
/* The driver waits again: unmask a level-triggered GSI. */
void irq_rearm(struct sm *sm);

/* Arch hooks (the I/O APIC) */
unsigned irq_arch_init(uint64_t phys, unsigned gsi_base); /* returns GSIs reachable */
void irq_arch_route(unsigned gsi, unsigned cpu, bool level, bool low);
void irq_arch_mask(unsigned gsi, bool masked);
