/*
 * The VMM's state (vmm): one struct vmm per VMM, shared by its files,
 * and what they call across each other. Each file holds one concern:
 *
 *   main.c     main, the exit handler and its dispatch table
 *   config.c   the config ROM and other ROM modules
 *   load.c     the guest into its RAM, the state it starts in
 *   devices.c  the PC's devices set up, each registering its ranges
 *   iomap.c    which device answers a port or a guest-physical address
 *   io.c       port I/O exits, string I/O (INS/OUTS)
 *   mmio.c     nested page faults: instructions on device windows
 *   msr.c      CPUID and MSR exits
 *   cpuid.c    the CPU the guest sees: the host's CPUID, filtered
 *   pv.c       KVM's paravirtual interface: kvmclock, PV EOI
 *   state.c    CR0/CR4 writes, refused states, #GP
 *   irq.c      interrupt lines and injection
 *   time.c     the devices' clock, the timer thread, HLT
 *   console.c  the guest's consoles: output by line, input to the UART
 *   stats.c    exit statistics; stopping the VM
 *
 * Threads: the exit handler owns struct vmm. The timer thread (time.c)
 * only reads next_ns, which the handler publishes after each exit, and
 * stopped and input, and fills console.c's input ring (in_ring, in_head),
 * which the handler drains.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>
#include <cairn/sys.h>
#include <cairn/utcb.h>
#include "cr.h"
#include "hw/i8042.h"
#include "hw/ioapic.h"
#include "hw/lapic.h"
#include "hw/pci.h"
#include "hw/pic8259.h"
#include "hw/pit8254.h"
#include "hw/rtc146818.h"
#include "hw/uart16550.h"
#include "hw/virtio_blk.h"
#include "hw/virtio_console.h"
#include "linux.h"

#define VMM_LOAD      0x1000u                /* flat real-mode guests start here */
#define VMM_RAM_VA    0x0000000400000000ull  /* where the guest RAM appears here */
#define VMM_RAM_MAX   (2ull << 30)
#define RFLAGS_IF     0x200u

/* A console's output, logged a line at a time behind a prefix. */
struct vmm_line {
    const char *prefix;
    char text[200];
    unsigned len;
    unsigned esc; /* inside an escape sequence: 1 after ESC, 2 after ESC [ */
};

/* Exits counted by key (a port, an MSR, a guest-physical address, a
 * CPUID leaf); the last slot takes the rest. */
#define VMM_TALLY_SLOTS 32
struct vmm_tally {
    uint32_t key;
    uint64_t n;
};

#define VMM_INPUT_RING 256u

struct vmm {
    uint64_t vm_pd, vcpu;
    struct vmm_mem mem;
    struct loader_entry entry;
    bool flat;            /* a flat real-mode guest */
    struct uart16550 uart;
    struct pic8259 pic;
    struct pit8254 pit;
    struct i8042 kbc;
    struct rtc146818 rtc;
    struct pci_bus pci;
    bool apic;            /* local APIC and IO-APIC (else the PICs only) */
    struct lapic lapic;
    struct ioapic ioapic;
    struct virtio_blk blk;
    struct virtio_console hvc;
    struct vmm_line uart_line, hvc_line;
    bool reset;           /* the guest pulled the reset line */
    uint64_t sleep_sm;    /* the handler sleeps on it in HLT */
    uint64_t timer_sm;    /* wakes the timer thread: the next event moved */
    volatile uint64_t next_ns; /* the devices' next event, for the timer thread */
    uint64_t injected;
    uint64_t port80;
    bool stopped;
    uint64_t quiet_until, quiet_injected; /* recalls held back (vmm_publish_next) */
    uint64_t de_cfg, hwcr, misc_enable; /* vendor MSRs the guest may write */
    uint64_t tsc_off;          /* the guest's TSC offset (it may write its TSC) */
    uint64_t pv_wall, pv_time, pv_eoi; /* the paravirtual MSRs (pv.c) */
    bool pv_eoi_set;           /* the guest's PV EOI flag set at the last entry */
    bool input;                /* the console's input goes to the guest's UART */
    uint8_t in_ring[VMM_INPUT_RING];    /* timer thread -> handler (console.c) */
    volatile uint32_t in_head, in_tail;
    unsigned unknown_msrs, refused;
    uint64_t cr4_rsvd, efer_rsvd; /* what cr.c checks against (vmm_cr_init) */
    struct cr_state last;      /* the guest's CRs, EFER and CS as last resumed */
    uint64_t last_rip;
    uint64_t exits[CAIRN_VM_EVT_COUNT];
    struct vmm_tally io[VMM_TALLY_SLOTS], msr[VMM_TALLY_SLOTS];
    struct vmm_tally mmio[VMM_TALLY_SLOTS], cpuid[VMM_TALLY_SLOTS];
};

extern struct vmm vmm;

/* What the config names (config.c). */
struct vmm_config {
    char kernel[64], initrd[64], disk[64], cmdline[512], apic[8], input[8];
    uint64_t ram;
};

/* ROM module slots: each attached in its own window (config.c). */
enum { ROM_CONFIG, ROM_KERNEL, ROM_INITRD, ROM_DISK };

/* main.c */
uint64_t vmm_unexpected(struct cairn_exc *x);

/* config.c */
uint64_t vmm_call(uint64_t session, uint64_t op);
uint64_t vmm_rom(const char *name, unsigned slot, const uint8_t **at);
cairn_status_t vmm_config(struct vmm_config *c);

/* load.c */
cairn_status_t vmm_load(const struct vmm_config *c, const char **why);
uint64_t vmm_startup(struct cairn_exc *x);

/* devices.c */
cairn_status_t vmm_devices(const struct vmm_config *c);

/* io.c, mmio.c: exit handlers */
uint64_t vmm_io(struct cairn_exc *x);
uint64_t vmm_npf(struct cairn_exc *x);
size_t vmm_fetch(const struct cairn_exc *x, uint8_t *buf);

/* msr.c */
void vmm_guest_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4], bool apic);
uint64_t vmm_cpuid(struct cairn_exc *x);
uint64_t vmm_msr(struct cairn_exc *x);

/* state.c */
void vmm_cr_init(void);
struct cr_state vmm_cr_state(const struct cairn_exc *x);
uint64_t vmm_gp(struct cairn_exc *x);
uint64_t vmm_refuse(struct cairn_exc *x, const char *insn, const char *reg, uint64_t v,
                    const char *why);
uint64_t vmm_cr(struct cairn_exc *x);
uint64_t vmm_invalid(struct cairn_exc *x);

/* irq.c; the PCI slots' INTA lines are IRQ 10, 11 at IO-APIC pins 16, 17 */
#define VMM_PCI_IRQ_FIRST 10
#define VMM_PCI_PIN_FIRST 16
void vmm_irq_pic(void *ctx, unsigned line, bool level);
void vmm_ioapic_deliver(void *ctx, uint8_t vector, bool level);
void vmm_lapic_eoi(void *ctx, uint8_t vector);
bool vmm_irq_pending(void);
uint64_t vmm_inject(struct cairn_exc *x, uint64_t mtd);

/* time.c */
uint64_t vmm_now_ns(void *ctx);
uint64_t vmm_now_guest_tsc(uint64_t *guest_tsc);
uint64_t vmm_guest_tsc_to_ns(void *ctx, uint64_t tsc);
void vmm_publish_next(bool idle_recall);
void vmm_timer(void *arg, struct cairn_utcb *u);
uint64_t vmm_hlt(struct cairn_exc *x);

/* console.c */
void vmm_tx(void *ctx, uint8_t c);
void vmm_line_flush(struct vmm_line *l);
void vmm_input_poll(void);
void vmm_input_drain(void);

/* stats.c */
const char *vmm_exit_name(uint64_t event);
void vmm_count(struct vmm_tally *t, uint32_t key);
void vmm_stop(const struct cairn_exc *x, const char *what, uint64_t addr);
