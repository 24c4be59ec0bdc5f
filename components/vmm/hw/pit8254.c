/* 8254 PIT (pit8254). */
#include "pit8254.h"

#include <string.h>

enum { RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3 };

/* PIT ticks in ns, without overflow for any uint64_t. */
static uint64_t ns_to_ticks(uint64_t ns)
{
    return ns / VMM_NS_PER_S * PIT8254_HZ + ns % VMM_NS_PER_S * PIT8254_HZ / VMM_NS_PER_S;
}

/* The first ns at or after which ticks have passed; saturates. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
    uint64_t s = ticks / PIT8254_HZ;
    if (s >= UINT64_MAX / VMM_NS_PER_S - 1)
        return UINT64_MAX;
    return s * VMM_NS_PER_S + ((ticks % PIT8254_HZ) * VMM_NS_PER_S + PIT8254_HZ - 1) / PIT8254_HZ;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t now(struct pit8254 *p)
{
    return vmm_clock_now(&p->clock);
}

/* Ticks since the channel started (0 if the clock went back). */
static uint64_t elapsed(const struct pit8254_channel *c, uint64_t t)
{
    return t > c->load_ns ? ns_to_ticks(t - c->load_ns) : 0;
}

static uint16_t get_count(const struct pit8254_channel *c, uint64_t t)
{
    if (!c->running)
        return (uint16_t)c->count;
    uint64_t d = elapsed(c, t);
    switch (c->mode) {
    case 2:
        return (uint16_t)(c->count - d % c->count);
    case 3:
        return (uint16_t)(c->count - (2 * d) % c->count);
    default: /* 0, 1, 4, 5: count down, wrapping after terminal count */
        return (uint16_t)(c->count - d);
    }
}

static bool get_out(const struct pit8254_channel *c, uint64_t t)
{
    if (!c->running) /* the state the control word leaves OUT in */
        return c->mode != 0 && c->mode != 1;
    uint64_t d = elapsed(c, t);
    switch (c->mode) {
    case 0:
    case 1:
        return d >= c->count;
    case 2:
        return c->count == 1 || d % c->count != c->count - 1;
    case 3:
        return d % c->count < (c->count + 1) / 2;
    default: /* 4, 5: low for the tick at terminal count */
        return d != c->count;
    }
}

static void set_irq(struct pit8254 *p, bool level)
{
    if (level != p->irq_level) {
        p->irq_level = level;
        vmm_irq_set(&p->irq, p->irq_line, level);
    }
}

void pit8254_update(struct pit8254 *p)
{
    struct pit8254_channel *c = &p->ch[0];
    if (!c->running)
        return;
    uint64_t d = elapsed(c, now(p));
    switch (c->mode) {
    case 0:
    case 1:
        if (d >= c->count)
            set_irq(p, true);
        break;
    case 2:
    case 3:
        if (d / c->count > c->fired) {
            c->fired = d / c->count;
            set_irq(p, false);
            set_irq(p, true);
            set_irq(p, false);
        }
        break;
    default:
        if (d >= c->count && !c->fired) {
            c->fired = 1;
            set_irq(p, false);
            set_irq(p, true);
            set_irq(p, false);
        }
        break;
    }
}

uint64_t pit8254_next_event_ns(struct pit8254 *p)
{
    struct pit8254_channel *c = &p->ch[0];
    if (!c->running)
        return UINT64_MAX;
    switch (c->mode) {
    case 0:
    case 1:
        if (p->irq_level)
            return UINT64_MAX;
        return add_sat(c->load_ns, ticks_to_ns(c->count));
    case 2:
    case 3:
        return add_sat(c->load_ns, ticks_to_ns((c->fired + 1) * c->count));
    default:
        if (c->fired)
            return UINT64_MAX;
        return add_sat(c->load_ns, ticks_to_ns(c->count));
    }
}

static void start(struct pit8254_channel *c, uint64_t t)
{
    c->load_ns = t;
    c->fired = 0;
    c->null_count = false;
    /* Modes 1 and 5 wait for a rising gate. */
    c->running = (c->mode != 1 && c->mode != 5);
}

static void load_count(struct pit8254 *p, struct pit8254_channel *c, uint32_t v)
{
    c->count = v ? v : 0x10000;
    start(c, now(p));
    if (c == &p->ch[0])
        set_irq(p, get_out(c, now(p)) && (c->mode == 0 || c->mode == 1));
}

static void latch_count(struct pit8254 *p, struct pit8254_channel *c)
{
    if (c->latched)
        return;
    c->latch = get_count(c, now(p));
    c->latched = c->rw;
}

static void latch_status(struct pit8254 *p, struct pit8254_channel *c)
{
    if (c->status_latched)
        return;
    c->status = (uint8_t)((get_out(c, now(p)) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) |
                          (c->rw << 4) | (c->mode << 1) | c->bcd);
    c->status_latched = true;
}

static void control(struct pit8254 *p, uint8_t v)
{
    unsigned sel = v >> 6;
    if (sel == 3) { /* read-back */
        for (unsigned i = 0; i < 3; i++) {
            if (!(v & (2u << i)))
                continue;
            if (!(v & 0x20))
                latch_count(p, &p->ch[i]);
            if (!(v & 0x10))
                latch_status(p, &p->ch[i]);
        }
        return;
    }
    struct pit8254_channel *c = &p->ch[sel];
    unsigned rw = (v >> 4) & 3;
    if (rw == RW_LATCH) {
        latch_count(p, c);
        return;
    }
    unsigned mode = (v >> 1) & 7;
    c->rw = (uint8_t)rw;
    c->mode = (uint8_t)(mode >= 6 ? mode - 4 : mode);
    c->bcd = v & 1;
    c->read_hi = c->write_hi = false;
    c->latched = 0;
    c->status_latched = false;
    c->running = false; /* until a count is written */
    c->null_count = true;
    if (sel == 0)
        set_irq(p, false);
}

static uint8_t read_counter(struct pit8254 *p, struct pit8254_channel *c)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->latched) {
        uint8_t v;
        switch (c->latched) {
        case RW_LSB:
            v = (uint8_t)c->latch;
            c->latched = 0;
            break;
        case RW_MSB:
            v = (uint8_t)(c->latch >> 8);
            c->latched = 0;
            break;
        default:
            v = (uint8_t)(c->read_hi ? c->latch >> 8 : c->latch);
            if (c->read_hi)
                c->latched = 0;
            c->read_hi = !c->read_hi;
            break;
        }
        return v;
    }
    uint16_t count = get_count(c, now(p));
    switch (c->rw) {
    case RW_LSB:
        return (uint8_t)count;
    case RW_MSB:
        return (uint8_t)(count >> 8);
    default: {
        uint8_t v = (uint8_t)(c->read_hi ? count >> 8 : count);
        c->read_hi = !c->read_hi;
        return v;
    }
    }
}

static void write_counter(struct pit8254 *p, struct pit8254_channel *c, uint8_t v)
{
    switch (c->rw) {
    case RW_LSB:
        load_count(p, c, v);
        break;
    case RW_MSB:
        load_count(p, c, (uint32_t)v << 8);
        break;
    default:
        if (!c->write_hi) {
            c->write_lsb = v;
        } else {
            load_count(p, c, c->write_lsb | (uint32_t)v << 8);
        }
        c->write_hi = !c->write_hi;
        break;
    }
}

static void set_gate(struct pit8254 *p, struct pit8254_channel *c, bool gate)
{
    /* A rising gate (re)starts modes 1, 2, 3 and 5. */
    if (gate && !c->gate && c->mode != 0 && c->mode != 4 && !c->null_count) {
        c->load_ns = now(p);
        c->fired = 0;
        c->running = true;
    }
    c->gate = gate;
}

static uint8_t read_byte(struct pit8254 *p, uint16_t port)
{
    switch (port) {
    case 0x40:
    case 0x41:
    case 0x42:
        return read_counter(p, &p->ch[port - 0x40]);
    case 0x61: {
        uint64_t t = now(p);
        return (uint8_t)(p->port61 | ((t / 15085) & 1 ? 0x10 : 0) | (get_out(&p->ch[2], t) ? 0x20 : 0));
    }
    default: /* 0x43 is write-only */
        return 0xff;
    }
}

static void write_byte(struct pit8254 *p, uint16_t port, uint8_t v)
{
    switch (port) {
    case 0x40:
    case 0x41:
    case 0x42:
        write_counter(p, &p->ch[port - 0x40], v);
        break;
    case 0x43:
        control(p, v);
        break;
    case 0x61:
        p->port61 = v & 0x0f;
        set_gate(p, &p->ch[2], v & 1);
        break;
    default:
        break;
    }
}

void pit8254_init(struct pit8254 *p, struct vmm_clock clock, struct vmm_irq irq, unsigned irq_line)
{
    memset(p, 0, sizeof(*p));
    p->clock = clock;
    p->irq = irq;
    p->irq_line = irq_line;
    for (unsigned i = 0; i < 3; i++) {
        struct pit8254_channel *c = &p->ch[i];
        c->mode = 3;
        c->rw = RW_WORD;
        c->gate = i != 2;
        load_count(p, c, 0);
    }
}

uint32_t pit8254_read(struct pit8254 *p, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    size = vmm_io_size(size);
    pit8254_update(p);
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)read_byte(p, (uint16_t)(port + i)) << (8 * i);
    return v;
}

void pit8254_write(struct pit8254 *p, uint16_t port, unsigned size, uint32_t value)
{
    size = vmm_io_size(size);
    pit8254_update(p);
    for (unsigned i = 0; i < size; i++)
        write_byte(p, (uint16_t)(port + i), (uint8_t)(value >> (8 * i)));
    pit8254_update(p);
}

static uint32_t io_read(void *dev, uint16_t port, unsigned size)
{
    return pit8254_read(dev, port, size);
}

static void io_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    pit8254_write(dev, port, size, value);
}

const struct vmm_io_ops pit8254_io_ops = { io_read, io_write };
