// SOURCES: components/vmm/insn.c
/*
 * libFuzzer target: the VMM's x86 instruction decoder and emulator
 * (components/vmm/insn.c). tools/fuzz.sh builds and runs it.
 *
 * The input is decoded as an instruction in each of the three modes; what
 * decodes is emulated against a fake device. Besides the sanitizers, it
 * checks what the decoder promises: a length of 1-15 within the input; the
 * same result from exactly `len` bytes and ETRUNC from fewer; a memory
 * size of 1, 2, 4 or 8; and of the emulation: only the declared device
 * accesses, of that size at the given address; RIP advanced by the length;
 * only the arithmetic flags and at most the one destination register
 * changed; and nothing changed when the device fails.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../components/vmm/insn.h"
#include "fuzz.h"

#define GPA 0xfee00030ull
#define FLAGS_ARITH 0x8d5ull /* CF PF AF ZF SF OF */

struct dev {
    uint64_t mem;
    unsigned reads, writes, size;
    bool fail;
};

static cairn_status_t dev_mmio(void *ctx, uint64_t gpa, unsigned size, bool write, uint64_t *value)
{
    struct dev *d = ctx;
    FUZZ_CHECK(gpa == GPA);
    FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
    FUZZ_CHECK(d->size == 0 || d->size == size);
    d->size = size;
    if (d->fail)
        return CAIRN_EFAULT;
    if (write) {
        d->writes++;
        d->mem = *value;
    } else {
        d->reads++;
        *value = d->mem;
    }
    return CAIRN_OK;
}

static uint64_t mix(uint64_t *s)
{
    uint64_t x = *s += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void one(const uint8_t *data, size_t size, enum insn_mode mode, uint64_t seed)
{
    struct insn i, j;
    cairn_status_t err = insn_decode(&i, data, size, mode);
    FUZZ_CHECK(err == CAIRN_OK || err == CAIRN_ETRUNC || err == CAIRN_ETOOLONG ||
               err == CAIRN_EUNSUP || err == CAIRN_EINVAL);
    if (err) {
        FUZZ_CHECK(err != CAIRN_EPAR && err != CAIRN_EFAULT);
        return;
    }
    FUZZ_CHECK(i.len >= 1 && i.len <= INSN_MAX_LEN && i.len <= size);
    FUZZ_CHECK(i.memsize == 1 || i.memsize == 2 || i.memsize == 4 || i.memsize == 8);
    FUZZ_CHECK(i.opsize == 1 || i.opsize == 2 || i.opsize == 4 || i.opsize == 8);
    FUZZ_CHECK(i.reg < 16 && i.op <= INSN_XCHG && (i.mem_read || i.mem_write));
    FUZZ_CHECK(!i.reg_high || i.reg < 4);

    /* Exactly len bytes give the same decode; fewer are truncated. */
    uint8_t *exact = malloc(i.len);
    FUZZ_CHECK(exact);
    memcpy(exact, data, i.len);
    FUZZ_CHECK(insn_decode(&j, exact, i.len, mode) == 0);
    FUZZ_CHECK(memcmp(&i, &j, sizeof i) == 0);
    FUZZ_CHECK(insn_decode(&j, exact, i.len - 1u, mode) == CAIRN_ETRUNC);
    free(exact);

    struct insn_regs r, before;
    for (unsigned n = 0; n < 16; n++)
        r.gpr[n] = mix(&seed);
    r.rip = mix(&seed);
    if (mode != INSN_64)
        r.rip &= mode == INSN_32 ? 0xffffffffu : 0xffffu;
    r.rflags = mix(&seed) & 0x3f7fd7u;
    (void)insn_ea(&i, &r, mix(&seed));
    before = r;

    /* A failing device changes nothing. */
    struct dev d = { .mem = mix(&seed), .fail = true };
    FUZZ_CHECK(insn_emulate(&i, &r, GPA, dev_mmio, &d) == CAIRN_EFAULT);
    FUZZ_CHECK(memcmp(&r, &before, sizeof r) == 0);

    d.fail = false;
    d.size = 0;
    FUZZ_CHECK(insn_emulate(&i, &r, GPA, dev_mmio, &d) == 0);
    FUZZ_CHECK(d.size == i.memsize);
    FUZZ_CHECK(d.reads == (i.mem_read ? 1u : 0u) && d.writes == (i.mem_write ? 1u : 0u));
    uint64_t rip = before.rip + i.len;
    if (mode != INSN_64)
        rip &= mode == INSN_32 ? 0xffffffffu : 0xffffu;
    FUZZ_CHECK(r.rip == rip);
    FUZZ_CHECK((r.rflags & ~FLAGS_ARITH) == (before.rflags & ~FLAGS_ARITH));
    if (i.op == INSN_MOV || i.op == INSN_MOVZX || i.op == INSN_MOVSX || i.op == INSN_XCHG)
        FUZZ_CHECK(r.rflags == before.rflags);
    for (unsigned n = 0; n < 16; n++)
        if (n != i.reg)
            FUZZ_CHECK(r.gpr[n] == before.gpr[n]);
    if (i.mem_dst && i.op != INSN_XCHG)
        FUZZ_CHECK(r.gpr[i.reg] == before.gpr[i.reg]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t seed = size;
    for (size_t k = 0; k < size && k < 32; k++)
        seed = seed * 131 + data[k];
    one(data, size, INSN_16, seed);
    one(data, size, INSN_32, seed);
    one(data, size, INSN_64, seed);
    /* Also from every offset of a short input: prefixes and opcodes shift. */
    for (size_t k = 1; k < size && k < 16; k++)
        one(data + k, size - k, INSN_64, seed + k);
    return 0;
}
