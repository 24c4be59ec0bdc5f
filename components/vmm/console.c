/*
 * The guest's consoles (console): what the guest writes to its UART and
 * to virtio-console is logged a line at a time behind a prefix ("guest",
 * "hvc"), terminal escape sequences dropped. With input="yes" the timer
 * thread polls core's LOG session for console input and hands the bytes
 * to the exit handler through a ring, which moves them into the UART's
 * receive FIFO while it takes them.
 */
#include "vmm.h"
#include <cairn/fmt.h>
#include <cairn/log.h>
#include <cairn/session.h>

/* A byte the guest wrote to a console (ctx: its struct vmm_line). */
void vmm_tx(void *ctx, uint8_t c)
{
    struct vmm_line *l = ctx;
    if (c == 0x1b || l->esc) { /* terminal control (ESC [ ... letter): not for the log */
        l->esc = c == 0x1b ? 1 : l->esc == 1 && c == '[' ? 2 : l->esc == 2 && c < 0x40 ? 2 : 0;
        return;
    }
    if (c == '\n' || l->len == sizeof(l->text) - 1) {
        l->text[l->len] = 0;
        printf("%s: %s\n", l->prefix, l->text);
        l->len = 0;
    } else if (c == '\t') {
        l->text[l->len++] = ' ';
    } else if (c >= 0x20 && c < 0x7f) {
        l->text[l->len++] = (char)c;
    }
}

/* Log what a console holds of an unfinished line (a shell's prompt). */
void vmm_line_flush(struct vmm_line *l)
{
    if (l->len)
        vmm_tx(l, '\n');
}

/* The timer thread: what core's LOG session holds, into the ring. */
void vmm_input_poll(void)
{
    char buf[CAIRN_LOG_READ_MAX];
    uint32_t head = vmm.in_head, room = VMM_INPUT_RING - (head - vmm.in_tail);
    size_t n = cairn_log_read(buf, room < sizeof(buf) ? room : sizeof(buf));
    for (size_t i = 0; i < n; i++)
        vmm.in_ring[(head + i) % VMM_INPUT_RING] = (uint8_t)buf[i];
    __asm__ volatile("" ::: "memory");
    vmm.in_head = head + (uint32_t)n;
    if (n) {
        cairn_sm_up(vmm.sleep_sm); /* a HLT waiting for it */
        cairn_ec_recall(vmm.vcpu);
    }
}

/* In the handler: move received bytes into the UART while it takes them. */
void vmm_input_drain(void)
{
    uint32_t tail = vmm.in_tail;
    __asm__ volatile("" ::: "memory");
    while (tail != vmm.in_head &&
           uart16550_receive(&vmm.uart, vmm.in_ring[tail % VMM_INPUT_RING]) == CAIRN_OK)
        tail++;
    vmm.in_tail = tail;
}
