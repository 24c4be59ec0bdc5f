// SOURCES: lib/gdb/packet.c lib/gdb/gdb.c lib/gdb/query.c lib/gdb/run.c lib/gdb/data.c lib/gdb/break.c lib/gdb/x86_64.c
/*
 * libFuzzer target: the GDB remote protocol engine (lib/gdb/) with a
 * fake target of two threads in one process and 64 KiB of memory.
 * tools/fuzz.sh builds and runs it.
 *
 * The input is lines. A line starting with '!' goes to gdb_input as it is
 * (framing, acknowledgments, Ctrl-C, noise); any other line is framed as
 * a packet with the right checksum, so the commands themselves get
 * fuzzed. After each line a running target reports an event the line's
 * length picks (a stop of any kind, an exit), and sometimes one comes
 * while gdb is not waiting. Besides the sanitizers, it checks what the
 * engine promises: everything it writes is '+', '-' or one packet with a
 * right checksum, no unescaped "#$*" and at most GDB_PACKET_SIZE bytes of payload; the target
 * is only asked about its own threads and process.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairn/gdb.h>
#include "fuzz.h"

#define MEM_BASE 0x10000u
#define MEM_SIZE 0x10000u

static struct gdb g;
static uint8_t mem[MEM_SIZE];
static uint8_t regs[3][GDB_REGS_SIZE];

static void fz_write(void *ctx, const char *buf, size_t len)
{
    uint8_t sum = 0;

    FUZZ_CHECK(len >= 1);
    if (len == 1) {
        FUZZ_CHECK(buf[0] == '+' || buf[0] == '-');
        return;
    }
    FUZZ_CHECK(len >= 4 && len <= GDB_PACKET_SIZE + 4);
    FUZZ_CHECK(buf[0] == '$' && buf[len - 3] == '#');
    for (size_t i = 1; i < len - 3; i++) {
        FUZZ_CHECK(buf[i] != '#' && buf[i] != '$' && buf[i] != '*');
        sum += (uint8_t)buf[i];
    }
    FUZZ_CHECK(buf[len - 2] == "0123456789abcdef"[sum >> 4]);
    FUZZ_CHECK(buf[len - 1] == "0123456789abcdef"[sum & 15]);
}

static size_t fz_threads(void *ctx, struct gdb_thread *t, size_t max)
{
    for (uint32_t i = 0; i < 2 && i < max; i++)
        t[i] = (struct gdb_thread){{1, i + 1}, "t"};
    return 2;
}

static bool fz_tid(struct gdb_tid t)
{
    return t.pid == 1 && (t.tid == 1 || t.tid == 2);
}

static cairn_status_t fz_read_regs(void *ctx, struct gdb_tid t, uint8_t *r)
{
    FUZZ_CHECK(fz_tid(t));
    memcpy(r, regs[t.tid], GDB_REGS_SIZE);
    return CAIRN_OK;
}

static cairn_status_t fz_write_regs(void *ctx, struct gdb_tid t, const uint8_t *r)
{
    FUZZ_CHECK(fz_tid(t));
    memcpy(regs[t.tid], r, GDB_REGS_SIZE);
    return CAIRN_OK;
}

static size_t fz_span(uint64_t addr, size_t len)
{
    if (addr < MEM_BASE || addr >= MEM_BASE + MEM_SIZE)
        return 0;
    return MEM_BASE + MEM_SIZE - addr < len ? (size_t)(MEM_BASE + MEM_SIZE - addr) : len;
}

static size_t fz_read_mem(void *ctx, uint32_t pid, uint64_t addr, void *buf, size_t len)
{
    size_t n = fz_span(addr, len);

    FUZZ_CHECK(pid == 1 && len <= GDB_PACKET_SIZE);
    if (n)
        memcpy(buf, mem + (addr - MEM_BASE), n);
    return n;
}

static size_t fz_write_mem(void *ctx, uint32_t pid, uint64_t addr, const void *buf, size_t len)
{
    size_t n = fz_span(addr, len);

    FUZZ_CHECK(pid == 1 && len <= GDB_PACKET_SIZE);
    if (n)
        memcpy(mem + (addr - MEM_BASE), buf, n);
    return n;
}

static cairn_status_t fz_set_hw(void *ctx, uint32_t pid, enum gdb_hw kind, uint64_t addr,
                                uint64_t len, bool insert)
{
    FUZZ_CHECK(pid == 1 && kind >= GDB_HW_BREAK && kind <= GDB_HW_AWATCH);
    return kind == GDB_HW_AWATCH ? CAIRN_EUNSUP : CAIRN_OK;
}

static void fz_resume(void *ctx, struct gdb_tid t, bool step, int sig)
{
    FUZZ_CHECK(fz_tid(t) && sig >= 0 && sig < 256);
}

static void fz_interrupt(void *ctx)
{
    FUZZ_CHECK(gdb_running(&g));
}

static void fz_process(void *ctx, uint32_t pid)
{
    FUZZ_CHECK(pid == 1);
}

static const struct gdb_target fz_target = {
    .write = fz_write,
    .threads = fz_threads,
    .read_regs = fz_read_regs,
    .write_regs = fz_write_regs,
    .read_mem = fz_read_mem,
    .write_mem = fz_write_mem,
    .set_hw = fz_set_hw,
    .resume = fz_resume,
    .interrupt = fz_interrupt,
    .kill = fz_process,
    .detach = fz_process,
};

static void fz_line(const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t sum = 0;

    if (n && p[0] == '!') {
        gdb_input_buf(&g, p + 1, n - 1);
        return;
    }
    gdb_input(&g, '$');
    for (size_t i = 0; i < n; i++) {
        sum += p[i];
        gdb_input(&g, p[i]);
    }
    gdb_input(&g, '#');
    gdb_input(&g, (uint8_t)hex[sum >> 4]);
    gdb_input(&g, (uint8_t)hex[sum & 15]);
}

/* An event the line picks: mostly while running, now and then not. */
static void fz_event(size_t n)
{
    struct gdb_tid t = {1, 1 + (uint32_t)(n & 1)};
    uint64_t rip;

    if (!gdb_running(&g) && n % 5)
        return;
    if (n % 11 == 10) {
        gdb_exited(&g, 1, (int)n, (int)(n % 3));
        return;
    }
    memcpy(&rip, regs[t.tid] + gdb_reg_offset(GDB_REG_RIP), 8);
    gdb_stopped(&g, t, (enum gdb_stop)(n % 8), gdb_signal_of_vector((unsigned)n % 32),
                n % 8 == GDB_STOP_INT3 ? rip : MEM_BASE + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gdb_init(&g, &fz_target, 0);
    for (size_t i = 0; i < MEM_SIZE; i++)
        mem[i] = (uint8_t)i;
    memset(regs, 0, sizeof regs);

    while (size) {
        size_t n = 0;
        while (n < size && data[n] != '\n')
            n++;
        fz_line(data, n);
        fz_event(n);
        n += n < size; /* the newline */
        data += n;
        size -= n;
    }
    return 0;
}
