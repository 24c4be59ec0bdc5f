/* 8259A PIC pair (pic8259). */
#include "pic8259.h"

#include <string.h>

/* The highest-priority bit set in mask, as a priority 0-7; 8 if none. */
static unsigned get_priority(const struct pic8259_chip *c, uint8_t mask)
{
    if (!mask)
        return 8;
    unsigned prio = 0;
    while (!(mask & (1u << ((prio + c->priority_add) & 7))))
        prio++;
    return prio;
}

/* The line this chip requests, or -1. */
static int chip_irq(const struct pic8259_chip *c, bool master)
{
    unsigned prio = get_priority(c, c->irr & (uint8_t)~c->imr);
    if (prio == 8)
        return -1;
    uint8_t in_service = c->isr;
    if (c->special_mask)
        in_service &= (uint8_t)~c->imr;
    if (master && c->sfnm) /* the slave may nest above its own IR2 */
        in_service &= (uint8_t)~(1u << 2);
    if (prio < get_priority(c, in_service))
        return (int)((prio + c->priority_add) & 7);
    return -1;
}

static void chip_set(struct pic8259_chip *c, unsigned irq, bool level)
{
    uint8_t mask = (uint8_t)(1u << irq);
    if (c->elcr & mask) {
        if (level)
            c->irr |= mask;
        else
            c->irr &= (uint8_t)~mask;
    } else if (level && !(c->lines & mask)) {
        c->irr |= mask; /* rising edge; IRR holds until acknowledged */
    }
    if (level)
        c->lines |= mask;
    else
        c->lines &= (uint8_t)~mask;
}

/* Acknowledge line irq of chip c. */
static void chip_intack(struct pic8259_chip *c, unsigned irq)
{
    uint8_t mask = (uint8_t)(1u << irq);
    if (c->auto_eoi) {
        if (c->rotate_auto_eoi)
            c->priority_add = (uint8_t)((irq + 1) & 7);
    } else {
        c->isr |= mask;
    }
    if (!(c->elcr & mask))
        c->irr &= (uint8_t)~mask;
}

/* Propagate the slave's output to master IR2 and the master's to INTR. */
static void update(struct pic8259 *p)
{
    chip_set(&p->chip[0], 2, chip_irq(&p->chip[1], false) >= 0);
    bool level = chip_irq(&p->chip[0], true) >= 0;
    if (level != p->intr_level) {
        p->intr_level = level;
        vmm_irq_set(&p->intr, 0, level);
    }
}

/* Reset as ICW1 does; level-triggered requests and input levels stay. */
static void chip_reset(struct pic8259_chip *c, uint8_t base)
{
    uint8_t elcr = c->elcr, elcr_mask = c->elcr_mask, lines = c->lines;
    uint8_t irr = c->irr & c->elcr;
    memset(c, 0, sizeof(*c));
    c->elcr = elcr;
    c->elcr_mask = elcr_mask;
    c->lines = lines;
    c->irr = irr;
    c->base = base;
}

void pic8259_init(struct pic8259 *p, struct vmm_irq intr)
{
    memset(p, 0, sizeof(*p));
    p->intr = intr;
    p->chip[0].elcr_mask = 0xf8;
    p->chip[1].elcr_mask = 0xde;
    chip_reset(&p->chip[0], 0x08);
    chip_reset(&p->chip[1], 0x70);
    p->chip[0].imr = p->chip[1].imr = 0xff;
}

void pic8259_set_irq(struct pic8259 *p, unsigned line, bool level)
{
    if (line > 15 || line == 2)
        return;
    chip_set(&p->chip[line >> 3], line & 7, level);
    update(p);
}

bool pic8259_pending(struct pic8259 *p)
{
    return chip_irq(&p->chip[0], true) >= 0;
}

int pic8259_ack(struct pic8259 *p)
{
    struct pic8259_chip *m = &p->chip[0], *s = &p->chip[1];
    int vector;
    int irq = chip_irq(m, true);
    if (irq < 0) {
        vector = m->base + 7; /* spurious IRQ 7 */
    } else {
        chip_intack(m, (unsigned)irq);
        if (irq == 2) {
            int irq2 = chip_irq(s, false);
            if (irq2 >= 0)
                chip_intack(s, (unsigned)irq2);
            else
                irq2 = 7; /* spurious IRQ 15 */
            vector = s->base + irq2;
        } else {
            vector = m->base + irq;
        }
    }
    update(p);
    return vector;
}

/* OCW3 poll: acknowledge the request, answer 0x80 | line, or 0. */
static uint8_t chip_poll(struct pic8259 *p, struct pic8259_chip *c)
{
    c->poll = false;
    int irq = chip_irq(c, c == &p->chip[0]);
    if (irq < 0)
        return 0;
    chip_intack(c, (unsigned)irq);
    return (uint8_t)(0x80 | irq);
}

static void chip_eoi(struct pic8259_chip *c, unsigned irq, bool rotate)
{
    c->isr &= (uint8_t)~(1u << irq);
    if (rotate)
        c->priority_add = (uint8_t)((irq + 1) & 7);
}

static void chip_write(struct pic8259_chip *c, unsigned a0, uint8_t v)
{
    if (a0 == 0) {
        if (v & 0x10) { /* ICW1 */
            chip_reset(c, 0);
            c->init_state = 1;
            c->init4 = v & 1;
            c->single = (v & 2) != 0;
        } else if (v & 0x08) { /* OCW3 */
            if (v & 0x04)
                c->poll = true;
            if (v & 0x02)
                c->read_isr = v & 1;
            if (v & 0x40)
                c->special_mask = (v & 0x20) != 0;
        } else { /* OCW2 */
            unsigned prio;
            switch (v >> 5) {
            case 0: /* clear rotate in auto-EOI */
            case 4: /* set rotate in auto-EOI */
                c->rotate_auto_eoi = (v >> 7) != 0;
                break;
            case 1: /* non-specific EOI */
            case 5: /* rotate on non-specific EOI */
                prio = get_priority(c, c->isr);
                if (prio != 8)
                    chip_eoi(c, (prio + c->priority_add) & 7, (v >> 5) == 5);
                break;
            case 3: /* specific EOI */
            case 7: /* rotate on specific EOI */
                chip_eoi(c, v & 7, (v >> 5) == 7);
                break;
            case 6: /* set priority: line v&7 lowest */
                c->priority_add = (uint8_t)((v + 1) & 7);
                break;
            default: /* 2: no operation */
                break;
            }
        }
        return;
    }
    switch (c->init_state) {
    case 0: /* OCW1 */
        c->imr = v;
        break;
    case 1: /* ICW2 */
        c->base = v & 0xf8;
        c->init_state = c->single ? (c->init4 ? 3 : 0) : 2;
        break;
    case 2: /* ICW3: the PC wiring is fixed */
        c->init_state = c->init4 ? 3 : 0;
        break;
    default: /* ICW4 */
        c->auto_eoi = (v & 2) != 0;
        c->sfnm = (v & 0x10) != 0;
        c->init_state = 0;
        break;
    }
}

static uint8_t read_byte(struct pic8259 *p, uint16_t port)
{
    struct pic8259_chip *c;
    switch (port) {
    case 0x20:
    case 0x21:
    case 0xa0:
    case 0xa1:
        c = &p->chip[port >> 7];
        if (c->poll)
            return chip_poll(p, c);
        if (port & 1)
            return c->imr;
        return c->read_isr ? c->isr : c->irr;
    case 0x4d0:
    case 0x4d1:
        return p->chip[port & 1].elcr;
    default:
        return 0xff;
    }
}

static void write_byte(struct pic8259 *p, uint16_t port, uint8_t v)
{
    switch (port) {
    case 0x20:
    case 0x21:
    case 0xa0:
    case 0xa1:
        chip_write(&p->chip[port >> 7], port & 1, v);
        break;
    case 0x4d0:
    case 0x4d1:
        p->chip[port & 1].elcr = v & p->chip[port & 1].elcr_mask;
        break;
    default:
        break;
    }
}

uint32_t pic8259_read(struct pic8259 *p, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    size = vmm_io_size(size);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)read_byte(p, (uint16_t)(port + i)) << (8 * i);
        update(p);
    }
    return v;
}

void pic8259_write(struct pic8259 *p, uint16_t port, unsigned size, uint32_t value)
{
    size = vmm_io_size(size);
    for (unsigned i = 0; i < size; i++) {
        write_byte(p, (uint16_t)(port + i), (uint8_t)(value >> (8 * i)));
        update(p);
    }
}

static uint32_t io_read(void *dev, uint16_t port, unsigned size)
{
    return pic8259_read(dev, port, size);
}

static void io_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    pic8259_write(dev, port, size, value);
}

const struct vmm_io_ops pic8259_io_ops = { io_read, io_write };
