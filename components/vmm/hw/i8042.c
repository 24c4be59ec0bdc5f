/* 8042 keyboard controller (i8042). */
#include "i8042.h"

#include <string.h>

#define STAT_OBF     0x01
#define STAT_SYS     0x04
#define STAT_CMD     0x08 /* last write went to 0x64 */
#define STAT_UNLOCK  0x10 /* keyboard not inhibited */
#define STAT_AUX_OBF 0x20
#define STAT_TIMEOUT 0x40

#define CMD_KBD_INT  0x01
#define CMD_AUX_INT  0x02
#define CMD_SYS      0x04
#define CMD_KBD_DIS  0x10
#define CMD_AUX_DIS  0x20

static bool slot_aux(const struct i8042 *k, unsigned slot)
{
    return (k->aux_bits[slot / 8] >> (slot % 8)) & 1;
}

static void update_irq(struct i8042 *k)
{
    bool aux = k->count && slot_aux(k, k->head);
    bool irq1 = k->count && !aux && (k->cmd_byte & CMD_KBD_INT);
    bool irq12 = k->count && aux && (k->cmd_byte & CMD_AUX_INT);
    if (irq1 != k->irq1) {
        k->irq1 = irq1;
        vmm_irq_set(&k->irq, 1, irq1);
    }
    if (irq12 != k->irq12) {
        k->irq12 = irq12;
        vmm_irq_set(&k->irq, 12, irq12);
    }
}

/* Queue a byte for the guest; CAIRN_ERETRY if the queue is full (a reply
 * to a command is then lost, as on the chip). */
static cairn_status_t push(struct i8042 *k, uint8_t v, bool aux)
{
    if (k->count >= I8042_QUEUE)
        return CAIRN_ERETRY;
    unsigned slot = (k->head + k->count) % I8042_QUEUE;
    k->queue[slot] = v;
    if (aux)
        k->aux_bits[slot / 8] |= (uint8_t)(1u << (slot % 8));
    else
        k->aux_bits[slot / 8] &= (uint8_t)~(1u << (slot % 8));
    k->count++;
    return CAIRN_OK;
}

static uint8_t pop(struct i8042 *k)
{
    if (!k->count)
        return k->queue[k->head]; /* the last byte again, as hardware */
    uint8_t v = k->queue[k->head];
    k->head = (uint8_t)((k->head + 1) % I8042_QUEUE);
    k->count--;
    return v;
}

static void kbd_reset(struct i8042 *k)
{
    k->scanning = true;
    k->kbd_pending = 0;
}

void i8042_init(struct i8042 *k, struct vmm_irq irq, void (*reset)(void *ctx), void *reset_ctx)
{
    memset(k, 0, sizeof(*k));
    k->irq = irq;
    k->reset = reset;
    k->reset_ctx = reset_ctx;
    k->cmd_byte = CMD_KBD_INT | CMD_SYS | CMD_AUX_DIS | 0x40; /* translate */
    k->status = STAT_SYS;
    k->outport = 0x03; /* reset line high, A20 on */
    kbd_reset(k);
}

cairn_status_t i8042_kbd_input(struct i8042 *k, uint8_t scancode)
{
    if (!k->scanning || (k->cmd_byte & CMD_KBD_DIS))
        return CAIRN_ERETRY;
    cairn_status_t st = push(k, scancode, false);
    update_irq(k);
    return st;
}

static void do_reset(struct i8042 *k)
{
    if (k->reset)
        k->reset(k->reset_ctx);
}

/* A byte the guest sends to the keyboard. */
static void kbd_write(struct i8042 *k, uint8_t v)
{
    uint8_t arg_of = k->kbd_pending;
    k->kbd_pending = 0;
    if (arg_of) { /* the argument of 0xed, 0xf3 or 0xf0 */
        push(k, 0xfa, false);
        if (arg_of == 0xf0 && v == 0)
            push(k, 0x02, false);
        return;
    }
    switch (v) {
    case 0xff:
        kbd_reset(k);
        push(k, 0xfa, false);
        push(k, 0xaa, false);
        break;
    case 0xf2:
        push(k, 0xfa, false);
        push(k, 0xab, false);
        push(k, 0x83, false);
        break;
    case 0xee:
        push(k, 0xee, false);
        break;
    case 0xed:
    case 0xf3:
    case 0xf0:
        k->kbd_pending = v;
        push(k, 0xfa, false);
        break;
    case 0xf4:
        k->scanning = true;
        push(k, 0xfa, false);
        break;
    case 0xf5:
        k->scanning = false;
        push(k, 0xfa, false);
        break;
    case 0xf6:
        k->scanning = true;
        push(k, 0xfa, false);
        break;
    default:
        push(k, v >= 0xf7 && v <= 0xfd ? 0xfa : 0xfe, false);
        break;
    }
}

static void write_outport(struct i8042 *k, uint8_t v)
{
    k->outport = v;
    if (!(v & 1))
        do_reset(k);
}

static void write_data(struct i8042 *k, uint8_t v)
{
    uint8_t cmd = k->pending;
    k->pending = 0;
    k->status &= (uint8_t)~STAT_CMD;
    switch (cmd) {
    case 0x60:
        k->cmd_byte = v;
        k->status = (uint8_t)((k->status & ~STAT_SYS) | (v & CMD_SYS));
        break;
    case 0xd1:
        write_outport(k, v);
        break;
    case 0xd2:
        push(k, v, false);
        break;
    case 0xd3:
        push(k, v, true);
        break;
    case 0xd4: /* no aux device: a timeout */
        k->status |= STAT_TIMEOUT;
        push(k, 0xfe, true);
        break;
    default:
        /* Sending to the keyboard enables its interface (as QEMU). */
        k->cmd_byte &= (uint8_t)~CMD_KBD_DIS;
        k->status &= (uint8_t)~STAT_TIMEOUT;
        kbd_write(k, v);
        break;
    }
}

static void write_command(struct i8042 *k, uint8_t v)
{
    k->status |= STAT_CMD;
    k->pending = 0;
    switch (v) {
    case 0x20:
        push(k, k->cmd_byte, false);
        break;
    case 0x60:
    case 0xd1:
    case 0xd2:
    case 0xd3:
    case 0xd4:
        k->pending = v;
        break;
    case 0xa7:
        k->cmd_byte |= CMD_AUX_DIS;
        break;
    case 0xa8:
        k->cmd_byte &= (uint8_t)~CMD_AUX_DIS;
        break;
    case 0xa9:
    case 0xab:
        push(k, 0x00, false);
        break;
    case 0xaa:
        k->status |= STAT_SYS;
        push(k, 0x55, false);
        break;
    case 0xad:
        k->cmd_byte |= CMD_KBD_DIS;
        break;
    case 0xae:
        k->cmd_byte &= (uint8_t)~CMD_KBD_DIS;
        break;
    case 0xc0:
        push(k, 0x80, false); /* keyboard not inhibited */
        break;
    case 0xd0:
        push(k, (uint8_t)((k->outport & 0x0f) | (k->count ? 0x10 : 0)), false);
        break;
    case 0xdd:
        k->outport &= (uint8_t)~0x02;
        break;
    case 0xdf:
        k->outport |= 0x02;
        break;
    default:
        if (v >= 0xf0 && !(v & 1)) /* pulse output bit 0: reset */
            do_reset(k);
        break;
    }
}

static uint8_t read_status(const struct i8042 *k)
{
    uint8_t s = (uint8_t)(k->status | STAT_UNLOCK);
    if (k->count) {
        s |= STAT_OBF;
        if (slot_aux(k, k->head))
            s |= STAT_AUX_OBF;
    }
    return s;
}

uint32_t i8042_read(struct i8042 *k, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    size = vmm_io_size(size);
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        uint8_t b = 0xff;
        if (p == 0x60)
            b = pop(k);
        else if (p == 0x64)
            b = read_status(k);
        v |= (uint32_t)b << (8 * i);
        update_irq(k);
    }
    return v;
}

void i8042_write(struct i8042 *k, uint16_t port, unsigned size, uint32_t value)
{
    size = vmm_io_size(size);
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        uint8_t b = (uint8_t)(value >> (8 * i));
        if (p == 0x60)
            write_data(k, b);
        else if (p == 0x64)
            write_command(k, b);
        update_irq(k);
    }
}

static uint32_t io_read(void *dev, uint16_t port, unsigned size)
{
    return i8042_read(dev, port, size);
}

static void io_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    i8042_write(dev, port, size, value);
}

const struct vmm_io_ops i8042_io_ops = { io_read, io_write };
