/*
 * 16550 UART: polled transmit and receive.
 */
#include <cairn/uart.h>

#include <cairn/io.h>
#include <cairn/sys.h>

#define UART_THR     0 /* transmit holding register */
#define UART_LSR     5 /* line status register      */
#define UART_LSR_THRE 0x20
#define UART_LSR_DR   0x01 /* data ready */

uint64_t cairn_uart_claim(uint16_t base)
{
    uint64_t crd = CAIRN_CRD(CAIRN_CRD_IO, base, 3, CAIRN_IO_A);

    return cairn_delegate(CAIRN_ROOT_SEL_PD, CAIRN_ROOT_SEL_PD, crd, base, CAIRN_DEL_F_HOST);
}

static void cairn_uart_putc(uint16_t base, char c)
{
    /* Bounded wait: a missing UART must not hang the component. */
    for (unsigned i = 0; i < 100000; i++)
        if (cairn_inb(base + UART_LSR) & UART_LSR_THRE)
            break;
    cairn_outb(base + UART_THR, (uint8_t)c);
}

void cairn_uart_write(uint16_t base, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cairn_uart_putc(base, s[i]);
}

int cairn_uart_getc(uint16_t base)
{
    if (!(cairn_inb(base + UART_LSR) & UART_LSR_DR))
        return -1;
    return cairn_inb(base + UART_THR); /* the receive buffer, same port */
}
