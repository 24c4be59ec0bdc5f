/*
 * GDB packet layer: "$payload#cs" framing, '+'/'-' acknowledgments,
 * escapes and run-length encoding on input, and the replies.
 *
 * Input is a state machine fed one byte at a time. The payload is decoded
 * as it arrives ('}' escapes, '*' runs) into g->rx, bounded by
 * GDB_PACKET_SIZE; the checksum is summed over the bytes as sent. An X
 * packet's '*' is data, not a run: gdb escapes '*' in binary data, but
 * older gdbs did not, and gdb never sends runs.
 */
#include "internal.h"

#include <string.h>

enum { RX_IDLE, RX_DATA, RX_CSUM1, RX_CSUM2 };

#define RX_ESC  0x01 /* the last byte was '}' */
#define RX_RUN  0x02 /* the last byte was '*': a repeat count follows */
#define RX_OVER 0x04 /* the payload did not fit */
#define RX_BAD  0x08 /* a broken escape or run */
#define RX_NOSUM 0x10 /* the checksum is not two hex digits */

void gdb_init(struct gdb *g, const struct gdb_target *target, void *ctx)
{
    memset(g, 0, sizeof *g);
    g->target = target;
    g->ctx = ctx;
}

/* --- input ------------------------------------------------------------------- */

int gdb_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void gdb_rx_store(struct gdb *g, char c)
{
    if (g->rx_len < GDB_PACKET_SIZE)
        g->rx[g->rx_len++] = c;
    else
        g->rx_flags |= RX_OVER;
}

/* "*n": the byte before repeats n - 29 more times. */
static void gdb_rx_run(struct gdb *g, uint8_t n)
{
    if (!g->rx_len || n < 29 + 1 || n > 126) {
        g->rx_flags |= RX_BAD;
        return;
    }
    for (int i = 0; i < n - 29; i++)
        gdb_rx_store(g, g->rx[g->rx_len - 1]);
}

static void gdb_rx_data(struct gdb *g, uint8_t c)
{
    g->rx_sum += c;
    if (g->rx_flags & RX_RUN) {
        g->rx_flags &= (uint8_t)~RX_RUN;
        gdb_rx_run(g, c);
    } else if (g->rx_flags & RX_ESC) {
        g->rx_flags &= (uint8_t)~RX_ESC;
        gdb_rx_store(g, (char)(c ^ 0x20));
    } else if (c == '}') {
        g->rx_flags |= RX_ESC;
    } else if (c == '*' && !(g->rx_len && g->rx[0] == 'X')) {
        g->rx_flags |= RX_RUN;
    } else {
        gdb_rx_store(g, (char)c);
    }
}

/* A whole packet arrived; its checksum is in rx_csum. */
static void gdb_rx_packet(struct gdb *g)
{
    /* Without acknowledgments there is no asking again: a corrupt
     * packet is dropped rather than acted on. */
    if (g->rx_flags & RX_NOSUM || g->rx_csum != g->rx_sum) {
        if (!g->no_ack)
            g->target->write(g->ctx, "-", 1);
        return;
    }
    if (!g->no_ack)
        g->target->write(g->ctx, "+", 1);
    if (g->rx_flags & RX_OVER)
        gdb_reply(g, GDB_E_TOOBIG);
    else if (g->rx_flags & (RX_BAD | RX_ESC | RX_RUN))
        gdb_reply(g, GDB_E_INVAL);
    else
        gdb_dispatch(g, g->rx, g->rx_len);
}

static void gdb_rx_idle(struct gdb *g, uint8_t c)
{
    switch (c) {
    case '$':
        g->rx_state = RX_DATA;
        g->rx_len = 0;
        g->rx_sum = 0;
        g->rx_flags = 0;
        break;
    case '-': /* gdb asks for the last reply again */
        if (!g->no_ack && g->tx_len)
            g->target->write(g->ctx, g->tx, g->tx_len);
        break;
    case 0x03:
        gdb_interrupt(g);
        break;
    default: /* '+' and noise between packets */
        break;
    }
}

void gdb_input(struct gdb *g, uint8_t c)
{
    int d = gdb_hex_digit((char)c);

    switch (g->rx_state) {
    case RX_IDLE:
        gdb_rx_idle(g, c);
        break;
    case RX_DATA:
        if (c == '#')
            g->rx_state = RX_CSUM1;
        else if (c == '$') /* a new packet: the old one was cut off */
            gdb_rx_idle(g, c);
        else
            gdb_rx_data(g, c);
        break;
    case RX_CSUM1:
    case RX_CSUM2:
        if (d < 0)
            g->rx_flags |= RX_NOSUM;
        g->rx_csum = (uint8_t)(g->rx_csum << 4 | (d & 15));
        if (g->rx_state++ == RX_CSUM2) {
            g->rx_state = RX_IDLE;
            gdb_rx_packet(g);
        }
        break;
    }
}

void gdb_input_buf(struct gdb *g, const void *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        gdb_input(g, ((const uint8_t *)buf)[i]);
}

/* --- parsing ----------------------------------------------------------------- */

bool gdb_in_done(const struct gdb_in *in)
{
    return in->p >= in->end;
}

bool gdb_in_eat(struct gdb_in *in, char c)
{
    if (gdb_in_done(in) || *in->p != c)
        return false;
    in->p++;
    return true;
}

bool gdb_in_prefix(struct gdb_in *in, const char *s)
{
    size_t n = strlen(s);

    if ((size_t)(in->end - in->p) < n || memcmp(in->p, s, n))
        return false;
    in->p += n;
    return true;
}

bool gdb_in_hex(struct gdb_in *in, uint64_t *v)
{
    unsigned n = 0;
    int d;

    *v = 0;
    while (!gdb_in_done(in) && (d = gdb_hex_digit(*in->p)) >= 0) {
        if (++n > 16)
            return false;
        *v = *v << 4 | (unsigned)d;
        in->p++;
    }
    return n > 0;
}

bool gdb_in_bytes(struct gdb_in *in, uint8_t *buf, size_t n)
{
    if ((size_t)(in->end - in->p) < 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = gdb_hex_digit(in->p[2 * i]), lo = gdb_hex_digit(in->p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        buf[i] = (uint8_t)(hi << 4 | lo);
    }
    in->p += 2 * n;
    return true;
}

/* --- replies -------------------------------------------------------------------
 * g->tx: '$', the payload (at most GDB_PACKET_SIZE bytes), then "#cs". */

void gdb_begin(struct gdb *g)
{
    g->tx[0] = '$';
    g->tx_len = 1;
}

size_t gdb_room(const struct gdb *g)
{
    return GDB_PACKET_SIZE + 1 - g->tx_len;
}

void gdb_put(struct gdb *g, char c)
{
    if (gdb_room(g))
        g->tx[g->tx_len++] = c;
}

void gdb_put_str(struct gdb *g, const char *s)
{
    while (*s)
        gdb_put(g, *s++);
}

void gdb_put_hex8(struct gdb *g, uint8_t b)
{
    gdb_put(g, "0123456789abcdef"[b >> 4]);
    gdb_put(g, "0123456789abcdef"[b & 15]);
}

void gdb_put_hex(struct gdb *g, uint64_t v)
{
    int shift = 60;

    while (shift > 0 && !(v >> shift))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        gdb_put(g, "0123456789abcdef"[(v >> shift) & 15]);
}

void gdb_put_bytes(struct gdb *g, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gdb_put_hex8(g, b[i]);
}

bool gdb_put_binary(struct gdb *g, uint8_t b)
{
    bool esc = b == '#' || b == '$' || b == '}' || b == '*';

    if (gdb_room(g) < (esc ? 2u : 1u))
        return false;
    if (esc) {
        gdb_put(g, '}');
        b ^= 0x20;
    }
    gdb_put(g, (char)b);
    return true;
}

void gdb_end(struct gdb *g)
{
    uint8_t sum = 0;

    for (size_t i = 1; i < g->tx_len; i++)
        sum += (uint8_t)g->tx[i];
    g->tx[g->tx_len++] = '#';
    g->tx[g->tx_len++] = "0123456789abcdef"[sum >> 4];
    g->tx[g->tx_len++] = "0123456789abcdef"[sum & 15];
    g->target->write(g->ctx, g->tx, g->tx_len);
}

void gdb_reply(struct gdb *g, const char *s)
{
    gdb_begin(g);
    gdb_put_str(g, s);
    gdb_end(g);
}
