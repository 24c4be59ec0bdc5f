// SOURCES: components/vmm/hw/uart16550.c
/* Host tests of the 16550A UART model (uart16550). */
#include "host.h"

#include "../../components/vmm/hw/uart16550.h"

#define COM1 0x3f8

static uint8_t out[64];
static unsigned nout;
static bool line;
static unsigned edges; /* rising edges of the IRQ line */
static unsigned line_no;

static void tx(void *ctx, uint8_t c)
{
    if (nout < sizeof(out))
        out[nout] = c;
    nout++;
}

static void irq_set(void *ctx, unsigned l, bool level)
{
    line_no = l;
    if (level && !line)
        edges++;
    line = level;
}

static struct uart16550 u;

static int setup(void **state)
{
    nout = 0;
    line = false;
    edges = 0;
    uart16550_init(&u, tx, NULL, (struct vmm_irq){ irq_set, NULL }, 4);
    uart16550_write(&u, COM1 + 4, 1, 0x08); /* OUT2, as a PC's driver sets it */
    return 0;
}

static uint8_t in8(unsigned reg)
{
    return (uint8_t)uart16550_read(&u, (uint16_t)(COM1 + reg), 1);
}

static void out8(unsigned reg, uint8_t v)
{
    uart16550_write(&u, (uint16_t)(COM1 + reg), 1, v);
}

/* The 8250 driver's autoconfig: IER scratch test, loopback test, FIFO
 * detection (IIR bits 7:6 = 3 means 16550A; no EFR, no 64-byte FIFO). */
static void test_linux_probe(void **state)
{
    out8(1, 0);
    assert_int_equal(in8(1) & 0x0f, 0);
    out8(1, 0x0f);
    assert_int_equal(in8(1) & 0x0f, 0x0f);
    out8(1, 0);

    out8(7, 0xa5);
    assert_int_equal(in8(7), 0xa5);

    /* Loopback: MCR = LOOP | OUT2 | RTS; MSR must read DCD | CTS. */
    uint8_t save_mcr = in8(4);
    out8(4, 0x10 | 0x0a);
    assert_int_equal(in8(6) & 0xf0, 0x90);
    out8(4, save_mcr);

    /* FIFO detection. */
    out8(2, 0x01);
    assert_int_equal(in8(2) >> 6, 3);
    out8(3, 0xbf); /* conf mode B: EFR at 2 must not read 0 on a 16550A */
    assert_int_not_equal(in8(2), 0);
    out8(3, 0x80); /* DLAB: 64-byte FIFO probe */
    out8(2, 0x01 | 0x20);
    assert_int_equal(in8(2) & 0x20, 0);
    out8(3, 0);
    assert_int_equal(nout, 0);
}

static void test_divisor_latch(void **state)
{
    out8(3, 0x80);
    out8(0, 0x01);
    out8(1, 0x00);
    assert_int_equal(in8(0), 1);
    assert_int_equal(in8(1), 0);
    out8(3, 0x03); /* 8N1, DLAB off */
    assert_int_equal(in8(1), 0); /* IER untouched */
    out8(0, 'x');
    assert_int_equal(nout, 1);
    assert_int_equal(out[0], 'x');
    /* 16-bit write to DLL/DLM. */
    out8(3, 0x80);
    uart16550_write(&u, COM1, 2, 0x0203);
    assert_int_equal(uart16550_read(&u, COM1, 2), 0x0203);
}

static void test_tx_and_thre_irq(void **state)
{
    assert_int_equal(in8(5) & 0x60, 0x60);
    assert_int_equal(in8(2), 0x01);
    out8(1, 0x02); /* THRI */
    assert_true(line);
    assert_int_equal(line_no, 4);
    assert_int_equal(in8(2), 0x02);
    assert_false(line); /* reading IIR acknowledged it */
    assert_int_equal(in8(2), 0x01);
    unsigned e = edges;
    out8(0, 'a');
    out8(0, 'b');
    assert_true(line);
    assert_int_equal(edges, e + 2); /* one edge per byte */
    assert_int_equal(nout, 2);
    assert_memory_equal(out, "ab", 2);
    out8(1, 0);
    assert_false(line);
}

/* Linux's UART_BUG_THRE test: re-enabling THRI must re-raise it. */
static void test_thri_reenable(void **state)
{
    out8(1, 0x02);
    assert_int_equal(in8(2) & 0x0f, 0x02);
    out8(1, 0);
    out8(1, 0x02);
    assert_int_equal(in8(2) & 0x0f, 0x02);
}

static void test_rx_fifo(void **state)
{
    out8(2, 0x01 | 0x80); /* FIFO, trigger 8 */
    out8(1, 0x01);
    assert_false(line);
    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(uart16550_receive(&u, (uint8_t)i), CAIRN_OK);
    assert_int_equal(uart16550_receive(&u, 99), CAIRN_ERETRY);
    assert_true(line);
    assert_int_equal(in8(2), 0xc4);
    for (unsigned i = 0; i < 10; i++) {
        assert_true(in8(5) & 1);
        assert_int_equal(in8(0), i);
    }
    /* Below the trigger level: character timeout. */
    assert_int_equal(in8(2), 0xcc);
    for (unsigned i = 10; i < 16; i++)
        assert_int_equal(in8(0), i);
    assert_false(in8(5) & 1);
    assert_false(line);
    assert_int_equal(in8(2), 0xc1);
    /* FIFOs off: one byte holds. */
    out8(2, 0);
    assert_int_equal(uart16550_receive(&u, 1), CAIRN_OK);
    assert_int_equal(uart16550_receive(&u, 2), CAIRN_ERETRY);
    assert_int_equal(in8(2), 0x04);
    /* FCR clear RX. */
    out8(2, 0x01);
    assert_int_equal(uart16550_receive(&u, 1), CAIRN_OK);
    out8(2, 0x03);
    assert_false(in8(5) & 1);
}

static void test_iir_priority(void **state)
{
    out8(1, 0x0f);
    out8(4, 0x10); /* loopback */
    assert_int_equal(in8(2) & 0x0f, 0x02); /* THRE */
    out8(4, 0x12); /* RTS: CTS changes, DCTS */
    /* THRE acknowledged by the read above; modem status next. */
    assert_int_equal(in8(2) & 0x0f, 0x00);
    assert_int_equal(in8(6), 0x1b); /* CTS; DCTS, DDSR, DDCD since loopback */
    assert_int_equal(in8(2) & 0x0f, 0x01);
    /* Loop back 2 bytes with FIFOs off: the second overruns. */
    out8(0, 'p');
    out8(0, 'q');
    assert_int_equal(nout, 0);
    assert_int_equal(in8(2) & 0x0f, 0x06); /* line status first */
    assert_int_equal(in8(5) & 0x03, 0x03);
    assert_int_equal(in8(2) & 0x0f, 0x04); /* then data */
    assert_int_equal(in8(0), 'p');
    assert_int_equal(in8(2) & 0x0f, 0x02); /* then THRE */
    assert_int_equal(uart16550_receive(&u, 'z'), CAIRN_ERETRY); /* input disconnected */
    out8(4, 0);
    assert_int_equal(uart16550_receive(&u, 'z'), CAIRN_OK);
}

/* On a PC, OUT2 connects the interrupt output to the PIC. */
static void test_out2_gates_irq(void **state)
{
    out8(4, 0);
    out8(1, 0x02); /* THRE interrupt: pending at once */
    assert_false(line);
    out8(4, 0x08);
    assert_true(line);
    out8(4, 0);
    assert_false(line);
}

/* Any access sequence is safe, and the state stays sane. */
/* A wide access at the UART's last ports goes on to the ports after
 * them, which are not the UART's: a dword written at 0x3fe does not wrap
 * around into the transmitter at 0x3f8, and reads there float high. */
static void test_wide_access_at_the_end(void **state)
{
    uart16550_write(&u, COM1 + 6, 4, 0x41424344); /* MSR, SCR, then 0x400, 0x401 */
    assert_int_equal(nout, 0);
    assert_int_equal(in8(7), 0x43);
    assert_int_equal(in8(1), 0); /* IER untouched */
    assert_int_equal(uart16550_read(&u, COM1 + 7, 2), 0xff43);
    assert_int_equal(uart16550_read(&u, COM1 + 6, 4) >> 8, 0xffff43);
}

static void test_random(void **state)
{
    uint64_t seed = 0x1234567;
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t r = host_rand(&seed);
        uint16_t port = (uint16_t)(r >> 8);
        unsigned size = (unsigned)(r >> 24) & 7;
        switch (r & 3) {
        case 0:
            uart16550_read(&u, port, size);
            break;
        case 1:
            uart16550_receive(&u, (uint8_t)(r >> 32));
            break;
        default:
            uart16550_write(&u, port, size, (uint32_t)(r >> 32));
        }
        assert_true(u.rx_count <= UART16550_FIFO);
        assert_true(u.rx_head < UART16550_FIFO);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_linux_probe, setup),
        cmocka_unit_test_setup(test_divisor_latch, setup),
        cmocka_unit_test_setup(test_tx_and_thre_irq, setup),
        cmocka_unit_test_setup(test_thri_reenable, setup),
        cmocka_unit_test_setup(test_rx_fifo, setup),
        cmocka_unit_test_setup(test_iir_priority, setup),
        cmocka_unit_test_setup(test_out2_gates_irq, setup),
        cmocka_unit_test_setup(test_wide_access_at_the_end, setup),
        cmocka_unit_test_setup(test_random, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
