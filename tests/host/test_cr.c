// SOURCES: components/vmm/cr.c
/* Host tests of the control-register rules (cr): EFER, CR0 and CR4
 * writes as a CPU checks them, the VMRUN state checks, the MOV CR decoder. */
#include "host.h"

#include "../../components/vmm/cr.h"

#define LM_EDX ((1u << 29) | (1u << 20)) /* LM, NX: no FFXSR */

/* What a check says: NULL if it allows the state, else the rule it breaks
 * (it must then return CAIRN_EINVAL and give the rule). */
#define WHY(check, ...)                                                   \
    ({                                                                    \
        const char *why_ = NULL;                                          \
        cairn_status_t st_ = check(__VA_ARGS__, &why_);                   \
        assert_int_equal(st_, why_ ? CAIRN_EINVAL : CAIRN_OK);            \
        st_ == CAIRN_OK ? NULL : why_;                                    \
    })

/* Real mode on a CPU with PCID, FSGSBASE, SMEP, no VMX, LA57, PKE. */
static struct cr_state real_mode(void)
{
    return (struct cr_state){ .cr0 = 0x60000010, .cr4_rsvd = cr_cr4_reserved(1u << 17, 1u | 1u << 7, 0),
                              .efer_rsvd = cr_efer_reserved(LM_EDX) };
}

/* 64-bit mode, paging on. */
static struct cr_state long_mode(void)
{
    struct cr_state s = real_mode();
    s.cr0 = 0x80000011, s.cr4 = CR4_PAE, s.efer = EFER_LME | EFER_LMA, s.cs_l = true;
    return s;
}

static void test_reserved(void **state)
{
    uint64_t r = cr_cr4_reserved(0, 0, 0);
    assert_int_equal(~r, 0x7ffull); /* VME ... OSXMMEXCPT */
    r = cr_cr4_reserved(1u << 5 | 1u << 17 | 1u << 26, 1u << 0 | 1u << 7 | 1u << 20,
                        1u << 2 | 1u << 16 | 1u << 3);
    assert_int_equal(~r, 0x7ffull | 1u << 13 | 1u << 17 | 1u << 18 | 1u << 16 | 1u << 20 |
                             1u << 21 | 1u << 11 | 1u << 12 | 1u << 22);
    assert_true(r & 1ull << 15 && r & 1ull << 19 && r & 1ull << 63);
    r = cr_efer_reserved(0);
    assert_int_equal(~r, EFER_SCE | EFER_LMA);
    r = cr_efer_reserved(1u << 29 | 1u << 20 | 1u << 25);
    assert_int_equal(~r, EFER_SCE | EFER_LMA | EFER_LME | EFER_NXE | EFER_FFXSR);
    assert_true(r & EFER_SVME);
}

static void test_efer(void **state)
{
    struct cr_state s = real_mode();
    assert_null(WHY(cr_efer_write, &s, EFER_SCE | EFER_NXE));
    assert_string_equal(WHY(cr_efer_write, &s, 1ull << 2), "reserved EFER bits set");
    assert_string_equal(WHY(cr_efer_write, &s, EFER_SVME), "reserved EFER bits set");
    assert_string_equal(WHY(cr_efer_write, &s, EFER_FFXSR), "reserved EFER bits set");
    /* LME with PAE off: refused (QEMU's SVM would break the host) */
    assert_non_null(WHY(cr_efer_write, &s, EFER_LME));
    s.cr4 = CR4_PAE;
    assert_null(WHY(cr_efer_write, &s, EFER_LME));
    /* LMA is read-only: a write keeps it as it is */
    assert_null(WHY(cr_efer_write, &s, EFER_LMA));
    assert_int_equal(cr_efer_value(&s, EFER_LMA | EFER_SCE), EFER_SCE);
    /* with paging on, LME may not change */
    s = long_mode();
    assert_null(WHY(cr_efer_write, &s, EFER_LME | EFER_NXE));
    assert_int_equal(cr_efer_value(&s, EFER_LME | EFER_NXE), EFER_LME | EFER_LMA | EFER_NXE);
    assert_string_equal(WHY(cr_efer_write, &s, EFER_NXE), "EFER.LME changed with paging on");
    s = real_mode();
    s.cr0 |= CR0_PG | CR0_PE, s.cr4 = CR4_PAE;
    assert_string_equal(WHY(cr_efer_write, &s, EFER_LME), "EFER.LME changed with paging on");
}

static void test_cr0(void **state)
{
    struct cr_state s = real_mode();
    assert_null(WHY(cr_cr0_write, &s, 0x11));
    assert_null(WHY(cr_cr0_write, &s, 0x80000011));
    assert_null(WHY(cr_cr0_write, &s, CR0_CD | CR0_NW));
    assert_string_equal(WHY(cr_cr0_write, &s, CR0_NW), "CR0.NW set without CR0.CD");
    assert_string_equal(WHY(cr_cr0_write, &s, CR0_PG), "CR0.PG set without CR0.PE");
    assert_string_equal(WHY(cr_cr0_write, &s, 1ull << 32 | 1), "CR0 bits 63:32 set");
    s.efer = EFER_LME;
    assert_string_equal(WHY(cr_cr0_write, &s, CR0_PG | CR0_PE),
                        "paging enabled with EFER.LME but not CR4.PAE");
    s.cr4 = CR4_PAE;
    assert_null(WHY(cr_cr0_write, &s, CR0_PG | CR0_PE));
    s = long_mode();
    assert_string_equal(WHY(cr_cr0_write, &s, 0x11), "paging disabled in 64-bit code");
    s.cs_l = false; /* compatibility mode may leave long mode */
    assert_null(WHY(cr_cr0_write, &s, 0x11));
}

static void test_cr4(void **state)
{
    struct cr_state s = real_mode();
    assert_null(WHY(cr_cr4_write, &s, 0x7ff));
    assert_string_equal(WHY(cr_cr4_write, &s, 1ull << 15), "reserved CR4 bits set");
    assert_string_equal(WHY(cr_cr4_write, &s, 1ull << 13), "reserved CR4 bits set"); /* VMXE */
    assert_string_equal(WHY(cr_cr4_write, &s, CR4_LA57), "reserved CR4 bits set");
    assert_null(WHY(cr_cr4_write, &s, 1ull << 16)); /* FSGSBASE */
    assert_string_equal(WHY(cr_cr4_write, &s, CR4_PCIDE),
                        "CR4.PCIDE set outside long mode or with CR3[11:0] not zero");
    s = long_mode();
    assert_null(WHY(cr_cr4_write, &s, CR4_PAE | CR4_PCIDE));
    s.cr3 = 0x1001;
    assert_non_null(WHY(cr_cr4_write, &s, CR4_PAE | CR4_PCIDE));
    assert_string_equal(WHY(cr_cr4_write, &s, 0), "CR4.PAE cleared in long mode");
    s.cr4_rsvd &= ~CR4_LA57;
    assert_string_equal(WHY(cr_cr4_write, &s, CR4_PAE | CR4_LA57), "CR4.LA57 changed in long mode");
}

static void test_state(void **state)
{
    struct cr_state s = long_mode();
    assert_null(WHY(cr_state_check, &s));
    s.cr4 = 0;
    assert_string_equal(WHY(cr_state_check, &s), "EFER.LME and CR0.PG set, CR4.PAE clear");
    s = long_mode();
    s.cr0 &= ~CR0_PE;
    assert_string_equal(WHY(cr_state_check, &s), "EFER.LME and CR0.PG set, CR0.PE clear");
    s = long_mode();
    s.cs_d = true;
    assert_non_null(WHY(cr_state_check, &s));
    s = real_mode();
    assert_null(WHY(cr_state_check, &s));
    s.cr0 |= CR0_NW, s.cr0 &= ~CR0_CD;
    assert_string_equal(WHY(cr_state_check, &s), "CR0.NW set without CR0.CD");
    s = real_mode();
    s.cr4 = 1ull << 15;
    assert_string_equal(WHY(cr_state_check, &s), "reserved CR4 bits set");
    s = real_mode();
    s.efer = EFER_LME; /* legal: no paging yet */
    assert_null(WHY(cr_state_check, &s));
    s.efer = 1ull << 2;
    assert_string_equal(WHY(cr_state_check, &s), "reserved EFER bits set");
}

static void test_decode(void **state)
{
    unsigned cr, gpr, len;
    static const uint8_t mov_cr4_eax[] = { 0x0f, 0x22, 0xe0 }, mov_cr0_ebx[] = { 0x0f, 0x22, 0xc3 },
                         rex[] = { 0x41, 0x0f, 0x22, 0xe1 }, cr8[] = { 0x44, 0x0f, 0x22, 0xc0 },
                         pfx[] = { 0x66, 0x2e, 0x0f, 0x22, 0xe2 }, mov_from[] = { 0x0f, 0x20, 0xe0 };
    assert_int_equal(cr_decode_mov(mov_cr4_eax, 3, false, &cr, &gpr, &len), CAIRN_OK);
    assert_int_equal(cr, 4), assert_int_equal(gpr, 0), assert_int_equal(len, 3);
    assert_int_equal(cr_decode_mov(mov_cr0_ebx, 15, false, &cr, &gpr, &len), CAIRN_OK);
    assert_int_equal(cr, 0), assert_int_equal(gpr, 3);
    assert_int_equal(cr_decode_mov(rex, 4, true, &cr, &gpr, &len), CAIRN_OK);
    assert_int_equal(cr, 4), assert_int_equal(gpr, 9), assert_int_equal(len, 4);
    /* 0x41 is INC outside 64-bit mode */
    assert_int_equal(cr_decode_mov(rex, 4, false, &cr, &gpr, &len), CAIRN_EUNSUP);
    assert_int_equal(cr_decode_mov(cr8, 4, true, &cr, &gpr, &len), CAIRN_OK);
    assert_int_equal(cr, 8);
    assert_int_equal(cr_decode_mov(pfx, 5, false, &cr, &gpr, &len), CAIRN_OK);
    assert_int_equal(cr, 4), assert_int_equal(gpr, 2), assert_int_equal(len, 5);
    assert_int_equal(cr_decode_mov(mov_from, 3, false, &cr, &gpr, &len), CAIRN_EUNSUP);
    assert_int_equal(cr_decode_mov(mov_cr4_eax, 2, false, &cr, &gpr, &len), CAIRN_ETRUNC);
    assert_int_equal(cr_decode_mov(mov_cr4_eax, 0, false, &cr, &gpr, &len), CAIRN_ETRUNC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reserved), cmocka_unit_test(test_efer),  cmocka_unit_test(test_cr0),
        cmocka_unit_test(test_cr4),      cmocka_unit_test(test_state), cmocka_unit_test(test_decode),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
