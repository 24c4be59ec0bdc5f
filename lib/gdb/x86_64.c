/*
 * GDB engine: the x86-64 register file and its target description.
 *
 * One table gives every register's name, size, type and feature; the
 * byte offsets of g/G/p/P and target.xml are both made from it, so they
 * cannot disagree. The features carry gdb's standard names
 * (org.gnu.gdb.i386.core, .sse, .segments), whose registers gdb checks by
 * name, and list every register in full with its number.
 *
 *   offset   0 rax rbx rcx rdx rsi rdi rbp rsp r8..r15   8 bytes each
 *          128 rip 8, 136 eflags 4, 140 cs ss ds es fs gs 4 each
 *          164 st0..st7 10 each, 244 fctrl fstat ftag fiseg fioff foseg fooff fop 4 each
 *          276 xmm0..xmm15 16 each, 532 mxcsr 4, 536 fs_base 8, 544 gs_base 8
 *          552 end
 */
#include "internal.h"

enum { CORE, SSE, SEGMENTS, FEATURES };

struct gdb_reg_desc {
    const char *name;
    uint8_t bytes, feature;
    const char *type, *group;
};

#define GPR(n)  {n, 8, CORE, "int64", 0}
#define SEG(n)  {n, 4, CORE, "int32", 0}
#define ST(n)   {"st" #n, 10, CORE, "i387_ext", "float"}
#define FPU(n)  {n, 4, CORE, "int", "float"}
#define XMM(n)  {"xmm" #n, 16, SSE, "vec128", "vector"}

static const struct gdb_reg_desc gdb_regs[GDB_REG_COUNT] = {
    GPR("rax"), GPR("rbx"), GPR("rcx"), GPR("rdx"), GPR("rsi"), GPR("rdi"),
    {"rbp", 8, CORE, "data_ptr", 0}, {"rsp", 8, CORE, "data_ptr", 0},
    GPR("r8"), GPR("r9"), GPR("r10"), GPR("r11"), GPR("r12"), GPR("r13"), GPR("r14"), GPR("r15"),
    {"rip", 8, CORE, "code_ptr", 0}, {"eflags", 4, CORE, "i386_eflags", 0},
    SEG("cs"), SEG("ss"), SEG("ds"), SEG("es"), SEG("fs"), SEG("gs"),
    ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7),
    FPU("fctrl"), FPU("fstat"), FPU("ftag"), FPU("fiseg"),
    FPU("fioff"), FPU("foseg"), FPU("fooff"), FPU("fop"),
    XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
    XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15),
    {"mxcsr", 4, SSE, "i386_mxcsr", "vector"},
    {"fs_base", 8, SEGMENTS, "int64", 0}, {"gs_base", 8, SEGMENTS, "int64", 0},
};

size_t gdb_reg_size(unsigned r)
{
    return r < GDB_REG_COUNT ? gdb_regs[r].bytes : 0;
}

size_t gdb_reg_offset(unsigned r)
{
    size_t off = 0;

    for (unsigned i = 0; i < r && i < GDB_REG_COUNT; i++)
        off += gdb_regs[i].bytes;
    return off;
}

/* --- target.xml --------------------------------------------------------------- */

static const char *const gdb_feature_names[FEATURES] = {
    [CORE] = "org.gnu.gdb.i386.core",
    [SSE] = "org.gnu.gdb.i386.sse",
    [SEGMENTS] = "org.gnu.gdb.i386.segments",
};

/* Types a feature defines before its registers use them. */
static const char *const gdb_feature_types[FEATURES] = {
    [CORE] = "<flags id=\"i386_eflags\" size=\"4\">"
             "<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"PF\" start=\"2\" end=\"2\"/>"
             "<field name=\"AF\" start=\"4\" end=\"4\"/><field name=\"ZF\" start=\"6\" end=\"6\"/>"
             "<field name=\"SF\" start=\"7\" end=\"7\"/><field name=\"TF\" start=\"8\" end=\"8\"/>"
             "<field name=\"IF\" start=\"9\" end=\"9\"/><field name=\"DF\" start=\"10\" end=\"10\"/>"
             "<field name=\"OF\" start=\"11\" end=\"11\"/><field name=\"NT\" start=\"14\" end=\"14\"/>"
             "<field name=\"RF\" start=\"16\" end=\"16\"/><field name=\"VM\" start=\"17\" end=\"17\"/>"
             "<field name=\"AC\" start=\"18\" end=\"18\"/><field name=\"VIF\" start=\"19\" end=\"19\"/>"
             "<field name=\"VIP\" start=\"20\" end=\"20\"/><field name=\"ID\" start=\"21\" end=\"21\"/>"
             "</flags>\n",
    [SSE] = "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
            "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
            "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
            "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
            "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
            "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
            "<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
            "<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
            "<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
            "<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
            "</union>\n"
            "<flags id=\"i386_mxcsr\" size=\"4\">"
            "<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>"
            "<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>"
            "<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>"
            "<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>"
            "<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>"
            "<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>"
            "<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>"
            "</flags>\n",
    [SEGMENTS] = "",
};

void gdb_doc_char(struct gdb_doc *d, char c)
{
    if (d->pos >= d->off && d->pos - d->off < d->len && !d->full) {
        if (gdb_put_binary(d->g, (uint8_t)c))
            d->copied++;
        else
            d->full = true;
    }
    d->pos++;
}

void gdb_doc_str(struct gdb_doc *d, const char *s)
{
    while (*s)
        gdb_doc_char(d, *s++);
}

void gdb_doc_dec(struct gdb_doc *d, uint64_t v)
{
    char digits[20];
    int n = 0;

    do
        digits[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        gdb_doc_char(d, digits[--n]);
}

static void gdb_xml_reg(struct gdb_doc *d, unsigned r)
{
    const struct gdb_reg_desc *reg = &gdb_regs[r];

    gdb_doc_str(d, "<reg name=\"");
    gdb_doc_str(d, reg->name);
    gdb_doc_str(d, "\" bitsize=\"");
    gdb_doc_dec(d, reg->bytes * 8u);
    gdb_doc_str(d, "\" type=\"");
    gdb_doc_str(d, reg->type);
    gdb_doc_str(d, "\" regnum=\"");
    gdb_doc_dec(d, r);
    if (reg->group) {
        gdb_doc_str(d, "\" group=\"");
        gdb_doc_str(d, reg->group);
    }
    gdb_doc_str(d, "\"/>\n");
}

size_t gdb_xml_target(struct gdb *g, uint64_t off, uint64_t len, uint64_t *total)
{
    struct gdb_doc d = {.g = g, .off = off, .len = len};

    gdb_doc_str(&d, "<?xml version=\"1.0\"?>\n"
                    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                    "<target version=\"1.0\">\n"
                    "<architecture>i386:x86-64</architecture>\n");
    for (unsigned f = 0; f < FEATURES; f++) {
        gdb_doc_str(&d, "<feature name=\"");
        gdb_doc_str(&d, gdb_feature_names[f]);
        gdb_doc_str(&d, "\">\n");
        gdb_doc_str(&d, gdb_feature_types[f]);
        for (unsigned r = 0; r < GDB_REG_COUNT; r++)
            if (gdb_regs[r].feature == f)
                gdb_xml_reg(&d, r);
        gdb_doc_str(&d, "</feature>\n");
    }
    gdb_doc_str(&d, "</target>\n");
    *total = d.pos;
    return d.copied;
}

/* --- signals ---------------------------------------------------------------------- */

int gdb_signal_of_vector(unsigned vector)
{
    static const uint8_t sig[32] = {
        [0] = GDB_SIGFPE,   /* #DE divide error */
        [1] = GDB_SIGTRAP,  /* #DB */
        [3] = GDB_SIGTRAP,  /* #BP */
        [4] = GDB_SIGSEGV,  /* #OF */
        [5] = GDB_SIGSEGV,  /* #BR */
        [6] = GDB_SIGILL,   /* #UD */
        [7] = GDB_SIGFPE,   /* #NM */
        [8] = GDB_SIGSEGV,  /* #DF */
        [10] = GDB_SIGSEGV, /* #TS */
        [11] = GDB_SIGBUS,  /* #NP */
        [12] = GDB_SIGBUS,  /* #SS */
        [13] = GDB_SIGSEGV, /* #GP */
        [14] = GDB_SIGSEGV, /* #PF */
        [16] = GDB_SIGFPE,  /* #MF x87 */
        [17] = GDB_SIGBUS,  /* #AC */
        [18] = GDB_SIGBUS,  /* #MC */
        [19] = GDB_SIGFPE,  /* #XM SIMD */
        [21] = GDB_SIGSEGV, /* #CP */
    };

    return vector < 32 && sig[vector] ? sig[vector] : GDB_SIGSEGV;
}
