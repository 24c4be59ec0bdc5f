// SOURCES: components/vmm/hw/uart16550.c components/vmm/hw/pic8259.c components/vmm/hw/pit8254.c components/vmm/hw/i8042.c components/vmm/hw/rtc146818.c
/*
 * libFuzzer target: the port-I/O device models of components/vmm/hw/.
 * tools/fuzz.sh builds and runs it.
 *
 * The input is a sequence of 8-byte operations, each a read or write of
 * any port and size, or an input event (a UART receive byte, a PIC line,
 * a scan code, a clock step, an interrupt acknowledge), on one model. The
 * models' IRQ lines feed the PIC, as on a PC; the first byte also picks
 * the RTC's epoch (some out of its range). Besides the sanitizers, it
 * checks what the models promise: queues stay in bounds, the PIC's INTR
 * callback agrees with pic8259_pending, acknowledged vectors come from
 * the programmed bases, and the PIT's next event is never in the past
 * right after an update.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../components/vmm/hw/i8042.h"
#include "../../components/vmm/hw/pic8259.h"
#include "../../components/vmm/hw/pit8254.h"
#include "../../components/vmm/hw/rtc146818.h"
#include "../../components/vmm/hw/uart16550.h"

#define FUZZ_CHECK(c)         \
    do {                      \
        if (!(c))             \
            __builtin_trap(); \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct uart16550 uart;
static struct pic8259 pic;
static struct pit8254 pit;
static struct i8042 kbd;
static struct rtc146818 rtc;
static uint64_t clock_ns;
static bool intr;

static uint64_t fake_now(void *ctx)
{
    return clock_ns;
}

static void pic_line(void *ctx, unsigned line, bool level)
{
    pic8259_set_irq(&pic, line, level);
}

static void intr_set(void *ctx, unsigned line, bool level)
{
    FUZZ_CHECK(line == 0);
    intr = level;
}

static void tx(void *ctx, uint8_t c)
{
}

static void reset(void *ctx)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vmm_irq to_pic = { pic_line, NULL };
    clock_ns = 0;
    intr = false;
    pic8259_init(&pic, (struct vmm_irq){ intr_set, NULL });
    uart16550_init(&uart, tx, NULL, to_pic, 4);
    pit8254_init(&pit, (struct vmm_clock){ fake_now, NULL }, to_pic, 0);
    i8042_init(&kbd, to_pic, reset, NULL);
    rtc146818_init(&rtc, (struct vmm_clock){ fake_now, NULL }, (int64_t)(size ? data[0] % 5 : 0) << 59);

    for (; size >= 8; data += 8, size -= 8) {
        uint8_t dev = data[0] % 5, op = data[0] / 5;
        uint16_t port = (uint16_t)(data[1] | data[2] << 8);
        unsigned sz = data[3];
        uint32_t val;
        memcpy(&val, data + 4, 4);
        /* Half the operations take a random port, half one of the device's. */
        if (op & 1) {
            static const uint16_t own[5][8] = {
                { 0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff },
                { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x20, 0xa0 },
                { 0x40, 0x41, 0x42, 0x43, 0x61, 0x43, 0x40, 0x42 },
                { 0x70, 0x71, 0x70, 0x71, 0x70, 0x71, 0x72, 0x6f },
                { 0x60, 0x64, 0x60, 0x64, 0x60, 0x64, 0x61, 0x65 },
            };
            port = own[dev][data[1] & 7];
        }
        switch ((op >> 1) & 7) {
        case 0:
        case 1:
            switch (dev) {
            case 0:
                uart16550_write(&uart, port, sz, val);
                break;
            case 1:
                pic8259_write(&pic, port, sz, val);
                break;
            case 2:
                pit8254_write(&pit, port, sz, val);
                break;
            case 3:
                rtc146818_write(&rtc, port, sz, val);
                break;
            default:
                i8042_write(&kbd, port, sz, val);
            }
            break;
        case 2:
        case 3:
            switch (dev) {
            case 0:
                uart16550_read(&uart, port, sz);
                break;
            case 1:
                pic8259_read(&pic, port, sz);
                break;
            case 2:
                pit8254_read(&pit, port, sz);
                break;
            case 3:
                rtc146818_read(&rtc, port, sz);
                break;
            default:
                i8042_read(&kbd, port, sz);
            }
            break;
        case 4: /* input events */
            if (dev == 0)
                uart16550_receive(&uart, (uint8_t)val);
            else if (dev == 1)
                pic8259_set_irq(&pic, val & 0xff, (val >> 8) & 1);
            else
                i8042_kbd_input(&kbd, (uint8_t)val);
            break;
        case 5: { /* time passes */
            uint64_t step = (val & 0x80000000u) ? (uint64_t)val << 16 : val;
            clock_ns += step;
            pit8254_update(&pit);
            uint64_t next = pit8254_next_event_ns(&pit);
            FUZZ_CHECK(next > clock_ns);
            break;
        }
        case 6: { /* the CPU acknowledges */
            int v = pic8259_ack(&pic);
            FUZZ_CHECK(v >= 0 && v < 256);
            FUZZ_CHECK((v & ~7) == pic.chip[0].base || (v & ~7) == pic.chip[1].base);
            break;
        }
        default: /* jump to the next event */
            clock_ns = pit8254_next_event_ns(&pit) == UINT64_MAX ? clock_ns : pit8254_next_event_ns(&pit);
            pit8254_update(&pit);
            break;
        }
        FUZZ_CHECK(intr == pic8259_pending(&pic));
        FUZZ_CHECK(uart.rx_count <= UART16550_FIFO && uart.rx_head < UART16550_FIFO);
        FUZZ_CHECK(kbd.count <= I8042_QUEUE && kbd.head < I8042_QUEUE);
        for (unsigned i = 0; i < 3; i++)
            FUZZ_CHECK(pit.ch[i].count >= 1 && pit.ch[i].count <= 0x10000);
    }
    return 0;
}
