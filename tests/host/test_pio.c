// SOURCES: components/vmm/pio.c
/* Host tests of string port I/O emulation (pio): INS/OUTS, REP, sizes,
 * address sizes, the direction flag, segments and unreachable memory. */
#include "host.h"

#include "../../components/vmm/pio.h"

#define MEM   0x20000u   /* guest-linear 0 .. MEM is RAM ... */
#define HOLE  0x10000u   /* ... but for this page */
#define PORT  0x3f8u

static uint8_t mem[MEM];
static uint8_t out_log[4096];
static unsigned out_n, out_size, in_n;

static uint32_t dev_in(void *ctx, uint16_t port, unsigned size)
{
    assert_int_equal(port, PORT);
    in_n++;
    return 0x04030201u * (in_n & 0xff) & (size == 4 ? ~0u : (1u << (8 * size)) - 1);
}

static void dev_out(void *ctx, uint16_t port, unsigned size, uint32_t v)
{
    assert_int_equal(port, PORT);
    out_size = size;
    for (unsigned i = 0; i < size && out_n < sizeof(out_log); i++)
        out_log[out_n++] = (uint8_t)(v >> (8 * i));
}

static cairn_status_t dev_mem(void *ctx, uint64_t la, void *buf, unsigned n, bool write)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t a = la + i;
        if (a >= 0xffff0000ull && a <= 0xffffffffull)
            a -= 0xfffe0000ull; /* the top 64 KiB below 4 GiB: the top of mem */
        if (a >= MEM || (a & ~0xfffull) == HOLE)
            return CAIRN_EFAULT;
        if (write)
            mem[a] = ((uint8_t *)buf)[i];
        else
            ((uint8_t *)buf)[i] = mem[a];
    }
    return CAIRN_OK;
}

static const struct pio_ops ops = { dev_in, dev_out, dev_mem, 0 };

static int setup(void **state)
{
    for (unsigned i = 0; i < MEM; i++)
        mem[i] = (uint8_t)(i * 7 + 3);
    out_n = in_n = out_size = 0;
    return 0;
}

/* EXITINFO1 for port PORT: in/out, rep, size 1/2/4, address size 2/4/8. */
static uint64_t info(bool in, bool rep, unsigned size, unsigned asize)
{
    return (uint64_t)PORT << 16 | (in ? PIO_IN : 0) | PIO_STR | (rep ? PIO_REP : 0) |
           (uint64_t)size << PIO_SZ_SHIFT | (uint64_t)(asize / 2) << PIO_A_SHIFT;
}

/* A string exit at rip 0x100 with the instruction bytes b (its length). */
static struct pio_string str(uint64_t inf, bool lm, const uint8_t *b, size_t len)
{
    struct pio_string s = { .info = inf, .long_mode = lm, .rip = 0x100, .next_rip = 0x100 + len,
                            .insn = b, .insn_len = len, .rflags = 2 };
    return s;
}

static const uint8_t rep_outsb[] = { 0xf3, 0x6e }, rep_insw[] = { 0xf3, 0x66, 0x6d },
                     outsd[] = { 0x6f }, insb[] = { 0x6c };

static void test_rep_outsb(void **state)
{
    struct pio_string s = str(info(false, true, 1, 4), false, rep_outsb, 2);
    s.rcx = 100, s.rsi = 0x2000, s.seg_base[3] = 0x1000; /* DS */
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(out_n, 100);
    assert_memory_equal(out_log, mem + 0x3000, 100);
    assert_int_equal(s.rcx, 0);
    assert_int_equal(s.rsi, 0x2000 + 100);
    assert_int_equal(s.rip, 0x102);
    assert_int_equal(s.rdi, 0);
}

static void test_rep_insw_down(void **state)
{
    struct pio_string s = str(info(true, true, 2, 4), false, rep_insw, 3);
    s.rcx = 3, s.rdi = 0x4004, s.rflags |= 1u << 10, s.seg_base[0] = 0x100; /* ES, DF */
    s.seg_base[3] = 0x9999; /* DS: not used by INS */
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(in_n, 3);
    assert_int_equal(mem[0x4104], 0x01), assert_int_equal(mem[0x4105], 0x02); /* first */
    assert_int_equal(mem[0x4102], 0x02), assert_int_equal(mem[0x4103], 0x04);
    assert_int_equal(mem[0x4100], 0x03), assert_int_equal(mem[0x4101], 0x06);
    assert_int_equal(s.rdi, 0x4004 - 6);
    assert_int_equal(s.rcx, 0);
    assert_int_equal(s.rip, 0x103);
}

/* Without REP: one element, RCX untouched. */
static void test_single(void **state)
{
    struct pio_string s = str(info(false, false, 4, 4), false, outsd, 1);
    s.rcx = 7, s.rsi = 0x500;
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(out_n, 4), assert_int_equal(out_size, 4);
    assert_memory_equal(out_log, mem + 0x500, 4);
    assert_int_equal(s.rsi, 0x504);
    assert_int_equal(s.rcx, 7);
    assert_int_equal(s.rip, 0x101);

    s = str(info(true, false, 1, 2), false, insb, 1);
    s.rdi = 0xffff, s.rflags |= 1u << 10;
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(mem[0xffff], 0x01);
    assert_int_equal(s.rdi, 0xfffe);
}

/* 16-bit addresses wrap within the segment and leave the upper bits. */
static void test_a16(void **state)
{
    struct pio_string s = str(info(false, true, 1, 2), false, rep_outsb, 2);
    s.rsi = 0x12340000fffeull, s.rcx = 0xabcd00000004ull, s.seg_base[3] = 0x2000;
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(out_n, 4);
    assert_int_equal(out_log[0], mem[0x11ffe]);
    assert_int_equal(out_log[1], mem[0x11fff]);
    assert_int_equal(out_log[2], mem[0x2000]); /* wrapped to offset 0 */
    assert_int_equal(out_log[3], mem[0x2001]);
    assert_int_equal(s.rsi, 0x123400000002ull);
    assert_int_equal(s.rcx, 0xabcd00000000ull);
}

/* 64-bit mode: A64, or A32 (67) whose registers are zero-extended; a
 * segment base counts for FS and GS only. */
static void test_long_mode(void **state)
{
    static const uint8_t a32[] = { 0x67, 0xf3, 0x6e }, fs[] = { 0x64, 0xf3, 0x48, 0x6e },
                         ds[] = { 0x3e, 0x6e };
    struct pio_string s = str(info(false, true, 1, 4), true, a32, 3);
    s.rcx = 0xffffffff00000002ull, s.rsi = 0xffffffff00000010ull, s.seg_base[3] = 0x5000;
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(out_log[0], mem[0x10]);
    assert_int_equal(s.rcx, 0);
    assert_int_equal(s.rsi, 0x12);

    s = str(info(false, true, 1, 8), true, fs, 4);
    s.rcx = 2, s.rsi = 0x20, s.seg_base[4] = 0x3000;
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(out_log[2], mem[0x3020]);
    assert_int_equal(out_log[3], mem[0x3021]);

    s = str(info(false, false, 1, 8), true, ds, 2);
    s.rsi = 0x30, s.seg_base[3] = 0x5000;
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(out_log[4], mem[0x30]);
    /* no A16 in 64-bit mode, no A64 outside it */
    s = str(info(false, false, 1, 2), true, ds, 2);
    assert_int_equal(pio_string(&s, &ops, 4096), CAIRN_EINVAL);
    s = str(info(false, false, 1, 8), false, ds, 2);
    assert_int_equal(pio_string(&s, &ops, 4096), CAIRN_EINVAL);
}

/* Outside 64-bit mode a segment override picks OUTS's source; INS
 * always writes through ES; linear addresses wrap at 4 GiB. */
static void test_segments(void **state)
{
    static const uint8_t es_outs[] = { 0x26, 0x6e }, gs_ins[] = { 0x65, 0x6c };
    struct pio_string s = str(info(false, false, 1, 4), false, es_outs, 2);
    s.rsi = 0x10, s.seg_base[0] = 0x6000, s.seg_base[3] = 0x7000;
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(out_log[0], mem[0x6010]);

    s = str(info(true, false, 1, 4), false, gs_ins, 2);
    s.rdi = 0x10, s.seg_base[0] = 0x6000, s.seg_base[5] = 0x7000;
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(mem[0x6010], 0x01);

    static const uint8_t outsb[] = { 0x6e }; /* base + offset beyond 4 GiB wraps */
    s = str(info(false, false, 1, 4), false, outsb, 1);
    s.rsi = 0x2000, s.seg_base[3] = 0xfffff000ull;
    assert_int_equal(pio_string(&s, &ops, 4096), 0);
    assert_int_equal(out_log[1], mem[0x1000]);
}

/* No address size in EXITINFO1 (QEMU's SVM): the code segment's, or the
 * other one with a 67 prefix. */
static void test_no_address_size(void **state)
{
    static const uint8_t a67[] = { 0x67, 0xf3, 0x6e };
    uint64_t none = info(false, true, 1, 2) & ~(7ull << PIO_A_SHIFT);
    struct pio_string s = str(none, false, rep_outsb, 2); /* 16-bit code */
    s.rsi = 0x1234ffff, s.rcx = 2;
    assert_int_equal(pio_string(&s, &ops, 100), 0);
    assert_int_equal(s.rsi, 0x12340001);
    s = str(none, false, a67, 3); /* 16-bit code, 67: 32-bit addresses */
    s.rsi = 0xffff, s.rcx = 0x10001;
    assert_int_equal(pio_string(&s, &ops, 1), 0);
    assert_int_equal(s.rsi, 0x10000), assert_int_equal(s.rcx, 0x10000);
    s = str(none, false, rep_outsb, 2); /* 32-bit code */
    s.cs_d = true, s.rsi = 0xffff, s.rcx = 0x10001;
    assert_int_equal(pio_string(&s, &ops, 1), 0);
    assert_int_equal(s.rsi, 0x10000);
    s = str(none, false, a67, 3); /* 32-bit code, 67: 16-bit addresses */
    s.cs_d = true, s.rsi = 0xffff, s.rcx = 0x10001;
    assert_int_equal(pio_string(&s, &ops, 1), 0);
    assert_int_equal(s.rsi, 0), assert_int_equal(s.rcx, 0x10000);
    s = str(none, true, rep_outsb, 2); /* 64-bit code */
    s.rsi = 0xffffffff, s.rcx = 1ull << 32;
    assert_int_equal(pio_string(&s, &ops, 1), 0);
    assert_int_equal(s.rcx, (1ull << 32) - 1), assert_int_equal(s.rsi, 1ull << 32);
    s = str(none, true, a67, 3); /* 64-bit code, 67: 32-bit addresses */
    s.rsi = 0xffffffff, s.rcx = (1ull << 32) | 1;
    assert_int_equal(pio_string(&s, &ops, 1), 0);
    assert_int_equal(s.rcx, 0), assert_int_equal(s.rsi, 0);
}

/* A long REP goes max elements at a time, staying at its RIP. */
static void test_max(void **state)
{
    struct pio_string s = str(info(false, true, 2, 4), false, rep_outsb, 2);
    s.rcx = 10, s.rsi = 0x100;
    assert_int_equal(pio_string(&s, &ops, 4), 0);
    assert_int_equal(out_n, 8);
    assert_int_equal(s.rcx, 6);
    assert_int_equal(s.rsi, 0x108);
    assert_int_equal(s.rip, 0x100);
    assert_int_equal(pio_string(&s, &ops, 100), 0);
    assert_int_equal(out_n, 20);
    assert_memory_equal(out_log, mem + 0x100, 20);
    assert_int_equal(s.rcx, 0);
    assert_int_equal(s.rip, 0x102);
    /* REP with a count of zero does nothing but move on */
    s = str(info(true, true, 1, 4), false, rep_insw, 3);
    s.info = info(true, true, 1, 4);
    static const uint8_t rep_insb[] = { 0xf3, 0x6c };
    s.insn = rep_insb, s.insn_len = 2, s.next_rip = 0x102;
    assert_int_equal(pio_string(&s, &ops, 100), 0);
    assert_int_equal(in_n, 0);
    assert_int_equal(s.rip, 0x102);
}

/* An element outside RAM: an error naming the address, the registers as
 * far as it got, RIP at the instruction. */
static void test_unreachable(void **state)
{
    struct pio_string s = str(info(false, true, 4, 4), false, rep_outsb, 2);
    s.rcx = 8, s.rsi = HOLE - 8;
    assert_int_equal(pio_string(&s, &ops, 4096), CAIRN_EFAULT);
    assert_int_equal(s.fault, HOLE);
    assert_int_equal(out_n, 8);
    assert_int_equal(s.rcx, 6);
    assert_int_equal(s.rsi, HOLE);
    assert_int_equal(s.rip, 0x100);
    /* an element crossing into the hole */
    s = str(info(true, false, 2, 4), false, insb, 1);
    s.info = info(true, false, 2, 4);
    static const uint8_t insw[] = { 0x66, 0x6d };
    s.insn = insw, s.insn_len = 2, s.next_rip = 0x102;
    s.rdi = HOLE - 1;
    assert_int_equal(pio_string(&s, &ops, 4096), CAIRN_EFAULT);
    assert_int_equal(s.rdi, HOLE - 1);
}

/* Nonsense: no string bit, no size, bytes that are not INS/OUTS in the
 * exit's direction, no bytes, a bad length. */
static void test_invalid(void **state)
{
    static const uint8_t out_dx[] = { 0xee }, prefixes[15] = { 0x66, 0x66, 0x66, 0x66, 0x66,
                                                               0x66, 0x66, 0x66, 0x66, 0x66,
                                                               0x66, 0x66, 0x66, 0x66, 0x66 };
    struct pio_string s = str(info(false, false, 1, 4), false, out_dx, 1);
    assert_int_equal(pio_string(&s, &ops, 1), CAIRN_EINVAL);
    s = str(info(true, false, 1, 4), false, rep_outsb, 2);
    assert_int_equal(pio_string(&s, &ops, 1), CAIRN_EINVAL); /* INS exit, OUTS bytes */
    s = str(info(false, false, 1, 4) & ~(uint64_t)PIO_STR, false, rep_outsb, 2);
    assert_int_equal(pio_string(&s, &ops, 1), CAIRN_EINVAL);
    s = str(info(false, false, 1, 4) & ~(7ull << PIO_SZ_SHIFT), false, rep_outsb, 2);
    assert_int_equal(pio_string(&s, &ops, 1), CAIRN_EINVAL);
    s = str(info(false, false, 1, 4), false, rep_outsb, 0);
    assert_int_equal(pio_string(&s, &ops, 1), CAIRN_EINVAL);
    s = str(info(false, false, 1, 4), false, prefixes, 15);
    assert_int_equal(pio_string(&s, &ops, 1), CAIRN_EINVAL);
    s = str(info(false, false, 1, 4), false, rep_outsb, 2);
    s.next_rip = s.rip;
    assert_int_equal(pio_string(&s, &ops, 1), CAIRN_EINVAL);
    s.next_rip = s.rip + 16;
    assert_int_equal(pio_string(&s, &ops, 1), CAIRN_EINVAL);
    assert_int_equal(out_n + in_n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_rep_outsb, setup),
        cmocka_unit_test_setup(test_rep_insw_down, setup),
        cmocka_unit_test_setup(test_single, setup),
        cmocka_unit_test_setup(test_a16, setup),
        cmocka_unit_test_setup(test_long_mode, setup),
        cmocka_unit_test_setup(test_segments, setup),
        cmocka_unit_test_setup(test_no_address_size, setup),
        cmocka_unit_test_setup(test_max, setup),
        cmocka_unit_test_setup(test_unreachable, setup),
        cmocka_unit_test_setup(test_invalid, setup),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
