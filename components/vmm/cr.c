/*
 * Guest control registers (cr): the CPU's rules for EFER, CR0 and CR4
 * writes, see cr.h.
 */
#include "cr.h"

/* CR4 bits by the CPUID bit that offers them: 0-10 always (VME ... OSXMMEXCPT). */
uint64_t cr_cr4_reserved(uint32_t ecx1, uint32_t ebx7, uint32_t ecx7)
{
    static const struct { uint8_t cr4, leaf, bit; } opt[] = {
        { 11, 2, 2 },  /* UMIP: 7.ECX */     { 12, 2, 16 }, /* LA57: 7.ECX */
        { 13, 0, 5 },  /* VMXE: 1.ECX */     { 14, 0, 6 },  /* SMXE: 1.ECX */
        { 16, 1, 0 },  /* FSGSBASE: 7.EBX */ { 17, 0, 17 }, /* PCIDE: 1.ECX */
        { 18, 0, 26 }, /* OSXSAVE: 1.ECX */  { 20, 1, 7 },  /* SMEP: 7.EBX */
        { 21, 1, 20 }, /* SMAP: 7.EBX */     { 22, 2, 3 },  /* PKE: 7.ECX */
        { 23, 2, 7 },  /* CET: 7.ECX */      { 24, 2, 31 }, /* PKS: 7.ECX */
    };
    const uint32_t regs[3] = { ecx1, ebx7, ecx7 };
    uint64_t have = 0x7ff;
    for (unsigned i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
        if (regs[opt[i].leaf] & (1u << opt[i].bit))
            have |= 1ull << opt[i].cr4;
    return ~have;
}

uint64_t cr_efer_reserved(uint32_t edx)
{
    uint64_t have = EFER_SCE | EFER_LMA;
    have |= edx & (1u << 29) ? EFER_LME : 0;
    have |= edx & (1u << 20) ? EFER_NXE : 0;
    have |= edx & (1u << 25) ? EFER_FFXSR : 0;
    return ~have;
}

/* A refusal: CAIRN_EINVAL, and the rule broken into *why if asked. */
static cairn_status_t cr_refuse(const char **why, const char *rule)
{
    if (why)
        *why = rule;
    return CAIRN_EINVAL;
}

cairn_status_t cr_efer_write(const struct cr_state *s, uint64_t v, const char **why)
{
    if (v & s->efer_rsvd)
        return cr_refuse(why, "reserved EFER bits set");
    if (((v ^ s->efer) & EFER_LME) && (s->cr0 & CR0_PG))
        return cr_refuse(why, "EFER.LME changed with paging on");
    if ((v & ~s->efer & EFER_LME) && !(s->cr4 & CR4_PAE))
        return cr_refuse(why, "EFER.LME set with CR4.PAE off (refused here: see docs/vmm.md)");
    return CAIRN_OK;
}

uint64_t cr_efer_value(const struct cr_state *s, uint64_t v)
{
    return (v & ~EFER_LMA) | (s->efer & EFER_LMA);
}

cairn_status_t cr_cr0_write(const struct cr_state *s, uint64_t v, const char **why)
{
    if (v >> 32)
        return cr_refuse(why, "CR0 bits 63:32 set");
    if ((v & CR0_PG) && !(v & CR0_PE))
        return cr_refuse(why, "CR0.PG set without CR0.PE");
    if ((v & CR0_NW) && !(v & CR0_CD))
        return cr_refuse(why, "CR0.NW set without CR0.CD");
    if ((v & ~s->cr0 & CR0_PG) && (s->efer & EFER_LME) && !(s->cr4 & CR4_PAE))
        return cr_refuse(why, "paging enabled with EFER.LME but not CR4.PAE");
    if ((s->cr0 & ~v & CR0_PG) && (s->efer & EFER_LMA) && s->cs_l)
        return cr_refuse(why, "paging disabled in 64-bit code");
    return CAIRN_OK;
}

cairn_status_t cr_cr4_write(const struct cr_state *s, uint64_t v, const char **why)
{
    if (v & s->cr4_rsvd)
        return cr_refuse(why, "reserved CR4 bits set");
    if ((s->efer & EFER_LMA) && !(v & CR4_PAE))
        return cr_refuse(why, "CR4.PAE cleared in long mode");
    if ((s->efer & EFER_LME) && !(v & CR4_PAE))
        return cr_refuse(why, "CR4.PAE cleared with EFER.LME set (refused here: see docs/vmm.md)");
    if ((s->efer & EFER_LMA) && ((v ^ s->cr4) & CR4_LA57))
        return cr_refuse(why, "CR4.LA57 changed in long mode");
    if ((v & ~s->cr4 & CR4_PCIDE) && (!(s->efer & EFER_LMA) || (s->cr3 & 0xfff)))
        return cr_refuse(why, "CR4.PCIDE set outside long mode or with CR3[11:0] not zero");
    return CAIRN_OK;
}

cairn_status_t cr_state_check(const struct cr_state *s, const char **why)
{
    bool lm_paging = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);
    if ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD))
        return cr_refuse(why, "CR0.NW set without CR0.CD");
    if (s->cr0 >> 32)
        return cr_refuse(why, "CR0 bits 63:32 set");
    if (s->cr4 & s->cr4_rsvd)
        return cr_refuse(why, "reserved CR4 bits set");
    if (s->efer & s->efer_rsvd & ~EFER_SVME)
        return cr_refuse(why, "reserved EFER bits set");
    if (lm_paging && !(s->cr4 & CR4_PAE))
        return cr_refuse(why, "EFER.LME and CR0.PG set, CR4.PAE clear");
    if (lm_paging && !(s->cr0 & CR0_PE))
        return cr_refuse(why, "EFER.LME and CR0.PG set, CR0.PE clear");
    if (lm_paging && s->cs_l && s->cs_d)
        return cr_refuse(why, "long mode with a code segment that has both L and D set");
    return CAIRN_OK;
}

cairn_status_t cr_decode_mov(const uint8_t *b, size_t n, bool long_mode, unsigned *cr,
                             unsigned *gpr, unsigned *len)
{
    unsigned i = 0, rex = 0;
    while (i < n && i < 14 && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf2 || b[i] == 0xf3 ||
                               b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
                               b[i] == 0x64 || b[i] == 0x65))
        i++;
    if (long_mode && i < n && (b[i] & 0xf0) == 0x40)
        rex = b[i++];
    if (i + 3 > n)
        return CAIRN_ETRUNC;
    if (b[i] != 0x0f || b[i + 1] != 0x22)
        return CAIRN_EUNSUP;
    uint8_t modrm = b[i + 2]; /* the CPU takes it as a register form whatever mod says */
    *cr = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
    *gpr = (modrm & 7) | (rex & 1 ? 8 : 0);
    *len = i + 3;
    return CAIRN_OK;
}
