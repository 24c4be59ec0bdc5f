/*
 * irqtest: a small driver. It asks for the PIT's I/O ports and for ISA
 * IRQ 0 through its parent, programs the PIT for one-shot countdowns and
 * waits for each interrupt on the IRQ session's semaphore.
 */
#include <cairn/fmt.h>
#include <cairn/io.h>
#include <cairn/log.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/session.h>
#include <cairn/sys.h>
#include <cairn/time.h>

#define PIT_HZ    1193182u
#define PIT_CH0   0x40
#define PIT_MODE  0x43

/* Attach a session: its resources arrive as typed items in our windows. */
static uint64_t irqtest_attach(uint64_t session, uint64_t op)
{
    struct cairn_msg m;
    cairn_msg_begin(&m, cairn_utcb_main, op);
    return cairn_rpc_call(session, cairn_utcb_main);
}

/* Channel 0, mode 0: one interrupt when the count runs out. */
static void irqtest_pit_oneshot(unsigned us)
{
    unsigned count = (unsigned)((uint64_t)PIT_HZ * us / 1000000);
    cairn_outb(PIT_MODE, 0x30);
    cairn_outb(PIT_CH0, (uint8_t)count);
    cairn_outb(PIT_CH0, (uint8_t)(count >> 8));
}

int main(const struct cairn_hip *hip, struct cairn_utcb *u)
{
    uint64_t io, irq, sm = cairn_sel_alloc(0), st;
    cairn_log_init("irqtest");
    if ((st = cairn_session("IO_PORT", "base=0x40, size=4", &io)) != CAIRN_OK ||
        (st = cairn_session("IRQ", "irq=0", &irq)) != CAIRN_OK) {
        printf("error: no PIT sessions: %s\n", cairn_status_name(st));
        return 1;
    }
    u->rcv_io = CAIRN_CRD(CAIRN_CRD_IO, 0, 16, 0);
    st = irqtest_attach(io, CAIRN_IO_ATTACH);
    u->rcv_io = 0;
    if (st != CAIRN_OK) {
        printf("error: cannot attach the PIT's ports: %s\n", cairn_status_name(st));
        return 1;
    }
    irqtest_pit_oneshot(50000); /* quiet the firmware's periodic mode first */
    u->rcv_obj = CAIRN_CRD(CAIRN_CRD_OBJ, sm, 0, 0);
    st = irqtest_attach(irq, CAIRN_IRQ_ATTACH);
    u->rcv_obj = 0;
    if (st != CAIRN_OK) {
        printf("error: cannot attach IRQ 0: %s\n", cairn_status_name(st));
        return 1;
    }
    for (unsigned i = 1; i <= 3; i++) {
        unsigned us = 5000 * i;
        irqtest_pit_oneshot(us);
        uint64_t t0 = cairn_rdtsc();
        st = cairn_sm_down(sm, cairn_deadline_us(1000000));
        uint64_t took = (cairn_rdtsc() - t0) * 1000 / cairn_tsc_khz();
        if (st != CAIRN_OK) {
            printf("error: no interrupt for a %u us countdown: %s\n", us, cairn_status_name(st));
            return 1;
        }
        printf("IRQ 0 after a %u us countdown: woke after %lu us\n", us, took);
    }
    /* Nobody may wait on an interrupt it was not given. */
    st = cairn_irq_ctrl(sm, 0);
    printf("rerouting the interrupt ourselves: %s\n", cairn_status_name(st));
    printf("done\n");
    return 0;
}
