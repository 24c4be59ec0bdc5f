/* Host tests of the GDB remote protocol engine (lib/gdb/). */
// SOURCES: lib/gdb/packet.c lib/gdb/gdb.c lib/gdb/query.c lib/gdb/run.c lib/gdb/data.c lib/gdb/break.c lib/gdb/x86_64.c
#include "host.h"

#include <cairn/gdb.h>
#include <stdio.h>

/* --- a fake target: process 1 with threads 1 and 2, 64 KiB of memory at
 * MEM_BASE whose last page is read-only ---------------------------------- */

#define MEM_BASE 0x10000u
#define MEM_SIZE 0x10000u
#define MEM_RO   (MEM_BASE + MEM_SIZE - 0x1000u)

static struct gdb g;
static uint8_t mem[MEM_SIZE];
static uint8_t regs[3][GDB_REGS_SIZE]; /* by tid */
static char out[1 << 16];
static size_t out_len;

static struct call {
    char what; /* r resume, i interrupt, k kill, d detach, h set_hw */
    uint32_t id;
    bool step;
    int sig;
    uint64_t addr;
} calls[32];
static unsigned ncalls;

static void record(char what, uint32_t id, bool step, int sig, uint64_t addr)
{
    assert_true(ncalls < 32);
    calls[ncalls++] = (struct call){what, id, step, sig, addr};
}

static void fake_write(void *ctx, const char *buf, size_t len)
{
    assert_ptr_equal(ctx, &g);
    assert_true(out_len + len <= sizeof out);
    memcpy(out + out_len, buf, len);
    out_len += len;
}

static size_t fake_threads(void *ctx, struct gdb_thread *t, size_t max)
{
    static const struct gdb_thread list[] = {{{1, 1}, "main"}, {{1, 2}, "<work&er>"}};

    for (size_t i = 0; i < 2 && i < max; i++)
        t[i] = list[i];
    return 2;
}

static cairn_status_t fake_read_regs(void *ctx, struct gdb_tid t, uint8_t *r)
{
    if (t.pid != 1 || t.tid < 1 || t.tid > 2)
        return CAIRN_ENOTFOUND;
    memcpy(r, regs[t.tid], GDB_REGS_SIZE);
    return CAIRN_OK;
}

static cairn_status_t fake_write_regs(void *ctx, struct gdb_tid t, const uint8_t *r)
{
    if (t.pid != 1 || t.tid < 1 || t.tid > 2)
        return CAIRN_ENOTFOUND;
    memcpy(regs[t.tid], r, GDB_REGS_SIZE);
    return CAIRN_OK;
}

/* Bytes of [addr, addr + len) inside [lo, hi), from addr on. */
static size_t fake_span(uint64_t addr, size_t len, uint64_t lo, uint64_t hi)
{
    if (addr < lo || addr >= hi)
        return 0;
    return hi - addr < len ? (size_t)(hi - addr) : len;
}

static size_t fake_read_mem(void *ctx, uint32_t pid, uint64_t addr, void *buf, size_t len)
{
    size_t n = pid == 1 ? fake_span(addr, len, MEM_BASE, MEM_BASE + MEM_SIZE) : 0;

    memcpy(buf, mem + (addr - MEM_BASE) * (n > 0), n);
    return n;
}

static size_t fake_write_mem(void *ctx, uint32_t pid, uint64_t addr, const void *buf, size_t len)
{
    size_t n = pid == 1 ? fake_span(addr, len, MEM_BASE, MEM_RO) : 0;

    memcpy(mem + (addr - MEM_BASE) * (n > 0), buf, n);
    return n;
}

static cairn_status_t fake_set_hw(void *ctx, uint32_t pid, enum gdb_hw kind, uint64_t addr,
                                  uint64_t len, bool insert)
{
    if (kind == GDB_HW_AWATCH)
        return CAIRN_EUNSUP;
    record('h', kind, insert, (int)len, addr);
    return CAIRN_OK;
}

static void fake_resume(void *ctx, struct gdb_tid t, bool step, int sig)
{
    record('r', t.tid, step, sig, 0);
}

static void fake_interrupt(void *ctx)
{
    record('i', 0, false, 0, 0);
}

static void fake_kill(void *ctx, uint32_t pid)
{
    record('k', pid, false, 0, 0);
}

static void fake_detach(void *ctx, uint32_t pid)
{
    record('d', pid, false, 0, 0);
}

static const struct gdb_target fake = {
    .write = fake_write,
    .threads = fake_threads,
    .read_regs = fake_read_regs,
    .write_regs = fake_write_regs,
    .read_mem = fake_read_mem,
    .write_mem = fake_write_mem,
    .set_hw = fake_set_hw,
    .resume = fake_resume,
    .interrupt = fake_interrupt,
    .kill = fake_kill,
    .detach = fake_detach,
};

static void set_rip(uint32_t tid, uint64_t rip)
{
    memcpy(regs[tid] + gdb_reg_offset(GDB_REG_RIP), &rip, 8);
}

static uint64_t rip_of(uint32_t tid)
{
    uint64_t rip;

    memcpy(&rip, regs[tid] + gdb_reg_offset(GDB_REG_RIP), 8);
    return rip;
}

/* --- talking like gdb -------------------------------------------------------------- */

static uint8_t checksum(const char *s, size_t n)
{
    uint8_t sum = 0;

    while (n--)
        sum += (uint8_t)*s++;
    return sum;
}

/* Send raw payload bytes (already escaped) as one packet. */
static void send_n(const char *payload, size_t n)
{
    char tail[4];

    gdb_input(&g, '$');
    gdb_input_buf(&g, payload, n);
    snprintf(tail, sizeof tail, "#%02x", checksum(payload, n));
    gdb_input_buf(&g, tail, 3);
}

static void send(const char *payload)
{
    send_n(payload, strlen(payload));
}

static char reply_buf[1 << 16];
static size_t reply_len;

/* The one packet in the output (after the '+' when acks are on): checked
 * and unframed (not unescaped) into reply_buf. */
static const char *reply(void)
{
    size_t i = 0;

    if (!g.no_ack) {
        assert_true(out_len > 0);
        assert_int_equal(out[0], '+');
        i = 1;
    }
    assert_true(out_len >= i + 4);
    assert_int_equal(out[i], '$');
    assert_int_equal(out[out_len - 3], '#');
    reply_len = out_len - i - 4;
    memcpy(reply_buf, out + i + 1, reply_len);
    reply_buf[reply_len] = 0;
    char sum[3];
    snprintf(sum, sizeof sum, "%02x", checksum(reply_buf, reply_len));
    assert_memory_equal(out + out_len - 2, sum, 2);
    out_len = 0;
    return reply_buf;
}

static const char *cmd(const char *payload)
{
    send(payload);
    return reply();
}

/* Nothing but the acknowledgment (a resume, 'k'). */
static void no_reply(void)
{
    assert_int_equal(out_len, 1);
    assert_int_equal(out[0], '+');
    out_len = 0;
}

static int setup(void **state)
{
    gdb_init(&g, &fake, &g);
    out_len = 0;
    ncalls = 0;
    for (size_t i = 0; i < MEM_SIZE; i++)
        mem[i] = (uint8_t)(i * 7 + 3);
    for (int t = 0; t < 3; t++)
        for (size_t i = 0; i < GDB_REGS_SIZE; i++)
            regs[t][i] = (uint8_t)(t * 16 + i);
    return 0;
}

/* As gdb starts: features with multiprocess, swbreak and hwbreak. */
static void handshake(void)
{
    cmd("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
}

static bool has(const char *s, const char *part)
{
    return strstr(s, part) != 0;
}

/* --- packet layer ---------------------------------------------------------------- */

static void test_framing(void **state)
{
    gdb_input_buf(&g, "+junk", 5); /* noise between packets */
    assert_int_equal(out_len, 0);
    assert_string_equal(cmd("qAttached"), "1");

    /* a bad checksum: NAK, no reply */
    gdb_input_buf(&g, "$qAttached#00", 13);
    assert_int_equal(out_len, 1);
    assert_int_equal(out[0], '-');
    out_len = 0;
    /* a checksum that is no hex number */
    gdb_input_buf(&g, "$qAttached#zz", 13);
    assert_int_equal(out_len, 1);
    assert_int_equal(out[0], '-');
    out_len = 0;
    /* upper-case hex is fine; '$' inside a packet starts over */
    gdb_input_buf(&g, "$qAtt$qAttached#8F", 18);
    assert_string_equal(reply(), "1");
}

static void test_retransmit(void **state)
{
    char first[64];
    size_t n;

    send("qAttached");
    memcpy(first, out + 1, n = out_len - 1);
    out_len = 0;
    gdb_input(&g, '-');
    assert_int_equal(out_len, n);
    assert_memory_equal(out, first, n);
    out_len = 0;
    gdb_input(&g, '+');
    assert_int_equal(out_len, 0);
}

static void test_no_ack(void **state)
{
    handshake();
    send("QStartNoAckMode");
    assert_int_equal(out[0], '+'); /* this one is still acknowledged */
    g.no_ack = false;
    assert_string_equal(reply(), "OK");
    g.no_ack = true;
    gdb_input(&g, '+'); /* gdb's last acknowledgment */
    assert_string_equal(cmd("qAttached"), "1");
    gdb_input_buf(&g, "$qAttached#00", 13); /* corrupt: dropped */
    gdb_input(&g, '-');                    /* no retransmits */
    assert_int_equal(out_len, 0);
    /* a new gdb: qSupported turns acknowledgments back on */
    send("qSupported");
    assert_int_equal(out[0], '+');
    assert_false(g.no_ack);
    assert_true(has(reply(), "QStartNoAckMode+"));
}

static void test_run_length(void **state)
{
    /* "m10* ,4": '0' and 32 - 29 = 3 more -> m10000,4 */
    const char *r = cmd("m10* ,4");
    char want[9];

    snprintf(want, sizeof want, "%02x%02x%02x%02x", mem[0], mem[1], mem[2], mem[3]);
    assert_string_equal(r, want);
    assert_string_equal(cmd("*!"), "E01");  /* a run of nothing */
    assert_string_equal(cmd("m1*\x1c"), "E01"); /* a count below 1 */
    assert_string_equal(cmd("qAttached}"), "E01"); /* an escape at the end */
}

static void test_oversize(void **state)
{
    static char big[GDB_PACKET_SIZE + 100];

    memset(big, 'q', sizeof big);
    send_n(big, sizeof big);
    assert_string_equal(reply(), "E02");
    /* a run past the limit */
    assert_string_equal(cmd("q0*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~"
                            "*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~"),
                        "E02");
    assert_string_equal(cmd("qAttached"), "1"); /* and on it goes */
}

static void test_ctrl_c(void **state)
{
    handshake();
    gdb_input(&g, 0x03); /* stopped: nothing to interrupt */
    assert_int_equal(ncalls, 0);
    send("vCont;c");
    no_reply();
    assert_true(gdb_running(&g));
    ncalls = 0;
    gdb_input(&g, 0x03);
    assert_int_equal(ncalls, 1);
    assert_int_equal(calls[0].what, 'i');
    assert_int_equal(out_len, 0);
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_INTERRUPT, 0, 0);
    g.no_ack = true; /* read the stop reply, which has no '+' before it */
    assert_string_equal(reply(), "T02thread:p1.2;");
    g.no_ack = false;
    assert_false(gdb_running(&g));
}

/* --- queries ---------------------------------------------------------------------- */

static void test_supported(void **state)
{
    const char *r = cmd("qSupported:multiprocess+;swbreak+;hwbreak+;fork-events+");

    assert_true(has(r, "PacketSize=1000"));
    assert_true(has(r, "qXfer:features:read+"));
    assert_true(has(r, "qXfer:threads:read+"));
    assert_true(has(r, "vContSupported+"));
    assert_true(has(r, "swbreak+"));
    assert_true(has(r, "hwbreak+"));
    assert_true(has(r, "QStartNoAckMode+"));
    assert_true(has(r, "multiprocess+"));
    assert_true(g.multiprocess && g.gdb_swbreak && g.gdb_hwbreak);
    /* a gdb without them: plain thread ids */
    assert_false(has(cmd("qSupported"), "multiprocess"));
    assert_string_equal(cmd("qC"), "QC1");
}

static void test_simple_queries(void **state)
{
    handshake();
    assert_string_equal(cmd("?"), "T05thread:p1.1;");
    assert_string_equal(cmd("qAttached"), "1");
    assert_string_equal(cmd("qAttached:1"), "1");
    assert_string_equal(cmd("qOffsets"), "");
    assert_string_equal(cmd("qTStatus"), "");
    assert_string_equal(cmd("qSymbol::"), "OK");
    assert_string_equal(cmd("vMustReplyEmpty"), "");
    assert_string_equal(cmd("qXfer:libraries:read::0,100"), "");
    assert_string_equal(cmd("j"), "");
    assert_string_equal(cmd(""), "");
    assert_string_equal(cmd("QNonStop:1"), "");
}

static void test_threads(void **state)
{
    handshake();
    assert_string_equal(cmd("qfThreadInfo"), "mp1.1,p1.2");
    assert_string_equal(cmd("qsThreadInfo"), "l");
    assert_string_equal(cmd("qC"), "QCp1.1");
    assert_string_equal(cmd("Hgp1.2"), "OK");
    assert_string_equal(cmd("qC"), "QCp1.2");
    assert_string_equal(cmd("Hg0"), "OK");
    assert_string_equal(cmd("Hc-1"), "OK");
    assert_string_equal(cmd("Hgp1.3"), "E03");
    assert_string_equal(cmd("Hx1"), "E01");
    assert_string_equal(cmd("Tp1.2"), "OK");
    assert_string_equal(cmd("T2"), "OK");
    assert_string_equal(cmd("Tp1.3"), "E03");
    assert_string_equal(cmd("Tp2.1"), "E03");
    assert_string_equal(cmd("T-1"), "E03");
    assert_string_equal(cmd("Tq"), "E01");
    /* "main" in hex */
    assert_string_equal(cmd("qThreadExtraInfo,p1.1"), "6d61696e");
    assert_string_equal(cmd("qThreadExtraInfo,p1.9"), "E03");
}

/* Read a whole qXfer object in chunks of `chunk`; returns its length. */
static size_t xfer(const char *object, size_t chunk, char *doc, size_t size)
{
    size_t len = 0;
    char req[128];

    for (;;) {
        snprintf(req, sizeof req, "qXfer:%s:%zx,%zx", object, len, chunk);
        const char *r = cmd(req);
        assert_true(r[0] == 'm' || r[0] == 'l');
        /* unescape */
        for (size_t i = 1; i < reply_len; i++) {
            char c = reply_buf[i];
            if (c == '}')
                c = (char)(reply_buf[++i] ^ 0x20);
            assert_true(len < size);
            doc[len++] = c;
        }
        assert_true(reply_len - 1 <= 2 * chunk);
        if (r[0] == 'l')
            break;
    }
    doc[len] = 0;
    return len;
}

static void test_xfer_target(void **state)
{
    static char whole[16384], chunked[16384];
    size_t n = xfer("features:read:target.xml", 0x4000, whole, sizeof whole - 1);
    size_t m = xfer("features:read:target.xml", 100, chunked, sizeof chunked - 1);

    assert_int_equal(n, m);
    assert_string_equal(whole, chunked);
    assert_true(has(whole, "<architecture>i386:x86-64</architecture>"));
    assert_true(has(whole, "<feature name=\"org.gnu.gdb.i386.core\">"));
    assert_true(has(whole, "<feature name=\"org.gnu.gdb.i386.sse\">"));
    assert_true(has(whole, "<feature name=\"org.gnu.gdb.i386.segments\">"));
    assert_true(has(whole, "<reg name=\"rax\" bitsize=\"64\" type=\"int64\" regnum=\"0\"/>"));
    assert_true(has(whole, "<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\" regnum=\"16\"/>"));
    assert_true(has(whole, "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\" regnum=\"31\""));
    assert_true(has(whole, "<reg name=\"fop\" bitsize=\"32\" type=\"int\" regnum=\"39\""));
    assert_true(has(whole, "<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\" regnum=\"55\""));
    assert_true(has(whole, "<reg name=\"mxcsr\" bitsize=\"32\""));
    assert_true(has(whole, "<reg name=\"gs_base\" bitsize=\"64\" type=\"int64\" regnum=\"58\"/>"));
    /* past the end; unknown annex; malformed */
    char req[64];
    snprintf(req, sizeof req, "qXfer:features:read:target.xml:%zx,10", n + 5);
    assert_string_equal(cmd(req), "l");
    assert_string_equal(cmd("qXfer:features:read:other.xml:0,10"), "E01");
    assert_string_equal(cmd("qXfer:features:read:target.xml:0"), "E01");
    assert_string_equal(cmd("qXfer:features:read:target.xml:0,10x"), "E01");
}

static void test_xfer_threads(void **state)
{
    static char doc[4096];

    handshake();
    xfer("threads:read:", 7, doc, sizeof doc - 1);
    assert_string_equal(doc, "<?xml version=\"1.0\"?>\n<threads>\n"
                             "<thread id=\"p1.1\" name=\"main\"/>\n"
                             "<thread id=\"p1.2\" name=\"&lt;work&amp;er&gt;\"/>\n"
                             "</threads>\n");
}

static void test_reg_layout(void **state)
{
    assert_int_equal(GDB_REG_COUNT, 59);
    assert_int_equal(gdb_reg_offset(GDB_REG_RIP), 128);
    assert_int_equal(gdb_reg_offset(GDB_REG_EFLAGS), 136);
    assert_int_equal(gdb_reg_offset(GDB_REG_ST0), 164);
    assert_int_equal(gdb_reg_size(GDB_REG_ST0 + 7), 10);
    assert_int_equal(gdb_reg_offset(GDB_REG_FCTRL), 244);
    assert_int_equal(gdb_reg_offset(GDB_REG_XMM0), 276);
    assert_int_equal(gdb_reg_offset(GDB_REG_MXCSR), 532);
    assert_int_equal(gdb_reg_offset(GDB_REG_FS_BASE), 536);
    assert_int_equal(gdb_reg_offset(GDB_REG_COUNT), GDB_REGS_SIZE);
    assert_int_equal(gdb_reg_size(GDB_REG_COUNT), 0);
}

/* --- registers and memory ------------------------------------------------------------- */

static void hex(char *s, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(s + 2 * i, "%02x", b[i]);
}

static void test_regs(void **state)
{
    static char want[2 * GDB_REGS_SIZE + 2], pkt[2 * GDB_REGS_SIZE + 2];
    uint8_t copy[GDB_REGS_SIZE];

    handshake();
    hex(want, regs[1], GDB_REGS_SIZE);
    assert_string_equal(cmd("g"), want);
    assert_string_equal(cmd("Hgp1.2"), "OK");
    hex(want, regs[2], GDB_REGS_SIZE);
    assert_string_equal(cmd("g"), want);

    /* G then g: the same bytes */
    for (size_t i = 0; i < GDB_REGS_SIZE; i++)
        copy[i] = (uint8_t)(0xa5 ^ i);
    pkt[0] = 'G';
    hex(pkt + 1, copy, GDB_REGS_SIZE);
    assert_string_equal(cmd(pkt), "OK");
    assert_memory_equal(regs[2], copy, GDB_REGS_SIZE);
    assert_string_equal(cmd("g"), pkt + 1);
    assert_string_equal(cmd("G123"), "E01");
    assert_string_equal(cmd("Gzz"), "E01");
    assert_string_equal(cmd("gx"), "E01");

    /* p and P: rip (0x10), st0 (0x18, 10 bytes), xmm15 (0x37), gs_base (0x3a) */
    set_rip(2, 0x1122334455667788ull);
    assert_string_equal(cmd("p10"), "8877665544332211");
    assert_string_equal(cmd("P10=0100000000000000"), "OK");
    assert_int_equal(rip_of(2), 1);
    assert_string_equal(cmd("P18=00112233445566778899"), "OK");
    assert_string_equal(cmd("p18"), "00112233445566778899");
    assert_string_equal(cmd("P37=000102030405060708090a0b0c0d0e0f"), "OK");
    assert_int_equal(regs[2][gdb_reg_offset(GDB_REG_XMM0 + 15) + 15], 0x0f);
    assert_string_equal(cmd("P3a=efbeadde00000000"), "OK");
    assert_string_equal(cmd("p3a"), "efbeadde00000000");
    assert_string_equal(cmd("p3b"), "E01");
    assert_string_equal(cmd("P10=01"), "E01");
    assert_string_equal(cmd("P10"), "E01");
}

static void test_memory(void **state)
{
    char want[64], pkt[64];

    handshake();
    hex(want, mem + 0x10, 4);
    assert_string_equal(cmd("m10010,4"), want);
    /* a read across the end: what could be read */
    hex(want, mem + MEM_SIZE - 2, 2);
    assert_string_equal(cmd("m1fffe,8"), want);
    assert_string_equal(cmd("m20000,4"), "E14");
    assert_string_equal(cmd("m0,1"), "E14");
    /* longer than a reply holds: a short read */
    assert_int_equal(strlen(cmd("m10000,4000")), GDB_PACKET_SIZE);
    assert_string_equal(cmd("m10000,0"), "");

    assert_string_equal(cmd("M10020,3:aabbcc"), "OK");
    assert_int_equal(mem[0x22], 0xcc);
    assert_string_equal(cmd("M1f000,1:00"), "E14"); /* read-only */
    assert_string_equal(cmd("M10020,3:aabb"), "E01");
    assert_string_equal(cmd("M10020,3aabbcc"), "E01");
    assert_string_equal(cmd("m10020"), "E01");
    assert_string_equal(cmd("mx,1"), "E01");
    assert_string_equal(cmd("m10020,1,"), "E01");
    assert_string_equal(cmd("m11111111111111111,1"), "E01");
    snprintf(pkt, sizeof pkt, "M10000,%x:", GDB_PACKET_SIZE);
    assert_string_equal(cmd(pkt), "E01");
}

static void test_binary_write(void **state)
{
    /* X with the four bytes that must be escaped, and 0 and 0xff */
    static const char pkt[] = "X10030,6:}\x03}\x04}]}\x0a\x00\xff";
    static const uint8_t want[] = {'#', '$', '}', '*', 0, 0xff};

    handshake();
    assert_string_equal(cmd("X10030,0:"), "OK"); /* gdb's probe */
    send_n(pkt, sizeof pkt - 1);
    assert_string_equal(reply(), "OK");
    assert_memory_equal(mem + 0x30, want, 6);
    /* an unescaped '*' in X data is data, not a run */
    assert_string_equal(cmd("X10040,2:**"), "OK");
    assert_int_equal(mem[0x40], '*');
    assert_int_equal(mem[0x41], '*');
    assert_string_equal(cmd("X10040,3:ab"), "E01");
    assert_string_equal(cmd("X10040,1:ab"), "E01");
    assert_string_equal(cmd("X1f000,1:a"), "E14");
}

/* --- breakpoints ---------------------------------------------------------------------- */

static void test_sw_breakpoints(void **state)
{
    uint8_t orig = mem[0x100];
    char want[8];

    handshake();
    assert_string_equal(cmd("Z0,10100,1"), "OK");
    assert_int_equal(mem[0x100], 0xcc);
    hex(want, &orig, 1);
    assert_string_equal(cmd("m10100,1"), want); /* gdb sees the original */
    assert_string_equal(cmd("Z0,10100,1"), "OK");  /* again: no change */
    assert_string_equal(cmd("M10100,1:90"), "OK"); /* a write under it */
    assert_int_equal(mem[0x100], 0xcc);
    assert_string_equal(cmd("m10100,1"), "90");
    assert_string_equal(cmd("z0,10100,1"), "OK");
    assert_int_equal(mem[0x100], 0x90);
    assert_string_equal(cmd("z0,10100,1"), "OK"); /* not there: fine */

    assert_string_equal(cmd("Z0,20000,1"), "E14");
    assert_string_equal(cmd("Z0,1f800,1"), "E14"); /* read-only text */
    assert_string_equal(cmd("Z0,10100,2"), "E01");
    assert_string_equal(cmd("Z0,10100"), "E01");
    assert_string_equal(cmd("Z0,10100,1;X1,0"), "OK");
    assert_string_equal(cmd("z0,10100,1"), "OK");

    /* the table fills up */
    for (unsigned i = 0; i < GDB_BREAKS_MAX; i++) {
        char pkt[32];
        snprintf(pkt, sizeof pkt, "Z0,%x,1", MEM_BASE + 0x1000 + i);
        assert_string_equal(cmd(pkt), "OK");
    }
    assert_string_equal(cmd("Z0,10000,1"), "E06");
    /* detach takes them all out */
    assert_string_equal(cmd("D"), "OK");
    for (unsigned i = 0; i < GDB_BREAKS_MAX; i++)
        assert_int_equal(mem[0x1000 + i], (uint8_t)((0x1000 + i) * 7 + 3));
    assert_int_equal(ncalls, 1);
    assert_int_equal(calls[0].what, 'd');
    assert_int_equal(calls[0].id, 1);
}

static void test_hw_breakpoints(void **state)
{
    handshake();
    assert_string_equal(cmd("Z1,10200,1"), "OK");
    assert_string_equal(cmd("Z2,10300,8"), "OK");
    assert_string_equal(cmd("z3,10300,4"), "OK");
    assert_string_equal(cmd("Z4,10300,4"), ""); /* the target: unsupported */
    assert_string_equal(cmd("Z5,10300,4"), "");
    assert_int_equal(ncalls, 3);
    assert_int_equal(calls[0].what, 'h');
    assert_int_equal(calls[0].id, GDB_HW_BREAK);
    assert_int_equal(calls[0].addr, 0x10200);
    assert_true(calls[0].step); /* insert */
    assert_int_equal(calls[1].sig, 8);
    assert_int_equal(calls[2].id, GDB_HW_RWATCH);
    assert_false(calls[2].step);
}

/* --- running and stopping ------------------------------------------------------------------ */

/* The stop reply, which comes without an acknowledgment before it. */
static const char *stop_reply(void)
{
    bool ack = g.no_ack;

    g.no_ack = true;
    const char *r = reply();
    g.no_ack = ack;
    return r;
}

static void test_breakpoint_stop(void **state)
{
    handshake();
    assert_string_equal(cmd("Z0,10010,1"), "OK");
    send("vCont;c");
    no_reply();
    assert_int_equal(ncalls, 2);
    assert_int_equal(calls[0].id, 1);
    assert_int_equal(calls[1].id, 2);
    assert_false(calls[0].step || calls[1].step);

    /* thread 1 hits it: RIP after the int3, rewound by the engine */
    set_rip(1, 0x10011);
    gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_INT3, 0, 0x10011);
    assert_string_equal(stop_reply(), "T05thread:p1.1;swbreak:;");
    assert_int_equal(rip_of(1), 0x10010);
    assert_string_equal(cmd("?"), "T05thread:p1.1;swbreak:;");

    /* an int3 of the program's own: a plain SIGTRAP, RIP left alone */
    send("vCont;c");
    no_reply();
    set_rip(2, 0x10051);
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_INT3, 0, 0x10051);
    assert_string_equal(stop_reply(), "T05thread:p1.2;");
    assert_int_equal(rip_of(2), 0x10051);
}

static void test_stop_signals(void **state)
{
    static const struct {
        unsigned vector;
        const char *reply;
    } faults[] = {
        {14, "T0bthread:p1.2;"}, /* #PF: SIGSEGV */
        {13, "T0bthread:p1.2;"}, /* #GP */
        {6, "T04thread:p1.2;"},  /* #UD: SIGILL */
        {0, "T08thread:p1.2;"},  /* #DE: SIGFPE */
        {19, "T08thread:p1.2;"}, /* #XM */
        {17, "T0athread:p1.2;"}, /* #AC: SIGBUS */
    };

    handshake();
    for (unsigned i = 0; i < sizeof faults / sizeof *faults; i++) {
        send("vCont;c");
        no_reply();
        gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_SIGNAL,
                    gdb_signal_of_vector(faults[i].vector), 0);
        assert_string_equal(stop_reply(), faults[i].reply);
    }
    send("vCont;s:p1.1");
    no_reply();
    gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_STEP, 0, 0);
    assert_string_equal(stop_reply(), "T05thread:p1.1;");
    send("c");
    no_reply();
    gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_HWBREAK, 0, 0);
    assert_string_equal(stop_reply(), "T05thread:p1.1;hwbreak:;");
    send("c");
    no_reply();
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_WATCH, 0, 0x10020);
    assert_string_equal(stop_reply(), "T05thread:p1.2;watch:10020;");
    send("c");
    no_reply();
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_AWATCH, 0, 0x10028);
    assert_string_equal(stop_reply(), "T05thread:p1.2;awatch:10028;");
    assert_int_equal(gdb_signal_of_vector(3), GDB_SIGTRAP);
    assert_int_equal(gdb_signal_of_vector(1), GDB_SIGTRAP);
    assert_int_equal(gdb_signal_of_vector(200), GDB_SIGSEGV);

    /* without swbreak+/multiprocess from gdb: plain reasons and ids */
    cmd("qSupported");
    send("c");
    no_reply();
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_HWBREAK, 0, 0);
    assert_string_equal(stop_reply(), "T05thread:2;");
}

static void test_vcont(void **state)
{
    handshake();
    assert_string_equal(cmd("vCont?"), "vCont;c;C;s;S;t");

    send("vCont;s:p1.2;c");
    no_reply();
    assert_int_equal(ncalls, 2);
    assert_true(calls[0].id == 1 && !calls[0].step);
    assert_true(calls[1].id == 2 && calls[1].step);
    assert_string_equal(cmd("vCont;c"), "E04"); /* running */
    assert_string_equal(cmd("c"), "E04");
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_STEP, 0, 0);
    assert_string_equal(stop_reply(), "T05thread:p1.2;");

    ncalls = 0;
    send("vCont;S0b:p1.1");
    no_reply();
    assert_int_equal(ncalls, 1);
    assert_true(calls[0].id == 1 && calls[0].step && calls[0].sig == 11);
    gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_STEP, 0, 0);
    stop_reply();

    ncalls = 0;
    send("vCont;C02:p1.1;t:p1.2");
    no_reply();
    assert_int_equal(ncalls, 1);
    assert_true(calls[0].id == 1 && !calls[0].step && calls[0].sig == 2);
    gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_STEP, 0, 0);
    stop_reply();

    ncalls = 0;
    assert_string_equal(cmd("vCont;t"), "E03"); /* nothing to run */
    assert_string_equal(cmd("vCont;c:p1.7"), "E03");
    assert_string_equal(cmd("vCont;x"), "E01");
    assert_string_equal(cmd("vCont;C"), "E01");
    assert_string_equal(cmd("vCont;c:"), "E01");
    assert_string_equal(cmd("vCont;c;"), "E01");
    assert_string_equal(cmd("vCont;r10,20"), "E01");
    assert_string_equal(cmd("vCont;c;c;c;c;c;c;c;c;c;c;c;c;c;c;c;c;c"), "E01");
    assert_int_equal(ncalls, 0);
    assert_false(gdb_running(&g));

    /* plain thread ids */
    cmd("qSupported");
    send("vCont;s:2");
    no_reply();
    assert_int_equal(ncalls, 1);
    assert_true(calls[0].id == 2 && calls[0].step);
}

static void test_old_resume(void **state)
{
    handshake();
    assert_string_equal(cmd("Hcp1.2"), "OK");
    send("s");
    no_reply();
    assert_int_equal(ncalls, 1);
    assert_true(calls[0].id == 2 && calls[0].step);
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_STEP, 0, 0);
    stop_reply();

    ncalls = 0;
    send("C0b");
    no_reply();
    assert_int_equal(ncalls, 2);
    assert_true(calls[0].id == 1 && calls[0].sig == 0);
    assert_true(calls[1].id == 2 && calls[1].sig == 11);
    gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_STEP, 0, 0);
    stop_reply();

    send("c10080"); /* continue at an address */
    no_reply();
    assert_int_equal(rip_of(2), 0x10080);
    gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_STEP, 0, 0);
    stop_reply();
    send("S05;10090");
    no_reply();
    assert_int_equal(rip_of(2), 0x10090);
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_STEP, 0, 0);
    stop_reply();

    assert_string_equal(cmd("cxyz"), "E01");
    assert_string_equal(cmd("C"), "E01");
    assert_string_equal(cmd("S05;"), "E01");
}

static void test_pending(void **state)
{
    handshake();
    assert_string_equal(cmd("Z0,10010,1"), "OK");
    assert_string_equal(cmd("Z0,10020,1"), "OK");
    send("vCont;c");
    no_reply();
    set_rip(1, 0x10011);
    gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_INT3, 0, 0x10011);
    assert_string_equal(stop_reply(), "T05thread:p1.1;swbreak:;");
    /* thread 2 trapped at the same time: kept */
    set_rip(2, 0x10021);
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_INT3, 0, 0x10021);
    assert_int_equal(out_len, 0);
    assert_int_equal(rip_of(2), 0x10020);
    /* the next resume answers with it, running nothing */
    ncalls = 0;
    send("vCont;c");
    g.no_ack = true;
    assert_int_equal(out[0], '+');
    memmove(out, out + 1, --out_len);
    assert_string_equal(reply(), "T05thread:p1.2;swbreak:;");
    g.no_ack = false;
    assert_int_equal(ncalls, 0);

    /* a kept stop at a breakpoint gdb removed since is dropped */
    send("vCont;c");
    no_reply();
    gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_INT3, 0, 0x10011);
    stop_reply();
    gdb_stopped(&g, (struct gdb_tid){1, 2}, GDB_STOP_INT3, 0, 0x10021);
    assert_string_equal(cmd("z0,10020,1"), "OK");
    ncalls = 0;
    send("vCont;c");
    no_reply();
    assert_int_equal(ncalls, 2);
}

static void test_exit_kill_detach(void **state)
{
    handshake();
    send("vCont;c");
    no_reply();
    gdb_exited(&g, 1, 3, 0);
    assert_string_equal(stop_reply(), "W03;process:1");
    assert_string_equal(cmd("?"), "W03;process:1");
    send("c");
    no_reply();
    gdb_exited(&g, 1, 0, GDB_SIGKILL);
    assert_string_equal(stop_reply(), "X09;process:1");

    ncalls = 0;
    send("k");
    no_reply();
    assert_int_equal(ncalls, 1);
    assert_true(calls[0].what == 'k' && calls[0].id == 1);
    assert_string_equal(cmd("vKill;1"), "OK");
    assert_string_equal(cmd("vKill;x"), "E01");
    assert_string_equal(cmd("D;1"), "OK");
    assert_true(calls[2].what == 'd' && calls[2].id == 1);
    assert_string_equal(cmd("D;"), "E01");
    assert_string_equal(cmd("Dx"), "E01");
    cmd("qSupported");
    send("c");
    no_reply();
    gdb_exited(&g, 1, 0, 0);
    assert_string_equal(stop_reply(), "W00");
}

/* Random packets, well framed, of the command letters: no crash, every
 * one answered (but resumes and k). */
static void test_garbage(void **state)
{
    static const char letters[] = "?HTDqQvcsCSgGpPmMXZzk!";
    uint64_t seed = 12345;
    char pkt[64];

    handshake();
    for (int i = 0; i < 20000; i++) {
        size_t n = 1 + host_rand(&seed) % (sizeof pkt - 1);
        pkt[0] = letters[host_rand(&seed) % (sizeof letters - 1)];
        for (size_t j = 1; j < n; j++)
            pkt[j] = "0123456789abcdef,:;.-pxX=#$}*"[host_rand(&seed) % 29];
        gdb_input(&g, '$');
        gdb_input_buf(&g, pkt, n);
        gdb_input_buf(&g, "#00", 3);
        out_len = 0;
        if (gdb_running(&g))
            gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_STEP, 0, 0);
        out_len = 0;
        ncalls = 0;
    }
    /* the same with right checksums */
    for (int i = 0; i < 20000; i++) {
        size_t n = 1 + host_rand(&seed) % (sizeof pkt - 1);
        pkt[0] = letters[host_rand(&seed) % (sizeof letters - 1)];
        for (size_t j = 1; j < n; j++)
            pkt[j] = "0123456789abcdef,:;.-pxX="[host_rand(&seed) % 25];
        send_n(pkt, n);
        if (gdb_running(&g))
            gdb_stopped(&g, (struct gdb_tid){1, 1}, GDB_STOP_STEP, 0, 0);
        assert_true(out_len >= 1);
        out_len = 0;
        ncalls = 0;
        if (pkt[0] == 'D' || pkt[0] == 'Q')
            handshake();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_framing, setup),
        cmocka_unit_test_setup(test_retransmit, setup),
        cmocka_unit_test_setup(test_no_ack, setup),
        cmocka_unit_test_setup(test_run_length, setup),
        cmocka_unit_test_setup(test_oversize, setup),
        cmocka_unit_test_setup(test_ctrl_c, setup),
        cmocka_unit_test_setup(test_supported, setup),
        cmocka_unit_test_setup(test_simple_queries, setup),
        cmocka_unit_test_setup(test_threads, setup),
        cmocka_unit_test_setup(test_xfer_target, setup),
        cmocka_unit_test_setup(test_xfer_threads, setup),
        cmocka_unit_test_setup(test_reg_layout, setup),
        cmocka_unit_test_setup(test_regs, setup),
        cmocka_unit_test_setup(test_memory, setup),
        cmocka_unit_test_setup(test_binary_write, setup),
        cmocka_unit_test_setup(test_sw_breakpoints, setup),
        cmocka_unit_test_setup(test_hw_breakpoints, setup),
        cmocka_unit_test_setup(test_breakpoint_stop, setup),
        cmocka_unit_test_setup(test_stop_signals, setup),
        cmocka_unit_test_setup(test_vcont, setup),
        cmocka_unit_test_setup(test_old_resume, setup),
        cmocka_unit_test_setup(test_pending, setup),
        cmocka_unit_test_setup(test_exit_kill_detach, setup),
        cmocka_unit_test_setup(test_garbage, setup),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
