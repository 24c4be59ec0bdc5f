/*
 * The CPU the guest sees (cpuid.h): the host's CPUID, minus what this
 * VMM does not virtualize. A feature stays only if the guest can use it
 * without an exit we do not handle or state we do not switch:
 *
 *  - XSAVE (and so AVX, FMA, F16C, PKU): XCR0 is not guest state here,
 *    the kernel intercepts XSETBV; guests use FXSAVE.
 *  - MONITOR/MWAIT, VMX/SVM, x2APIC, performance counters,
 *    machine checks, MTRRs, thermal/power, RDTSCP/RDPID (TSC_AUX is the
 *    host's), the speculation-control MSRs: hidden.
 *  - The local APIC bit follows the VMM's config (no APIC: the guest uses
 *    the 8259 PICs); with it, its timer's TSC-deadline mode (the model's,
 *    whatever the host has): one WRMSR arms the timer.
 *  - One CPU: APIC ID 0, one logical processor, no topology leaves.
 *  - The hypervisor bit is set; the hypervisor leaves 0x40000000-
 *    0x4fffffff are not the host's but KVM's interface (pv.c).
 */
#include "cpuid.h"

/* leaf 1 */
#define C1_EDX_APIC (1u << 9)
#define C1_ECX_TSC_DEADLINE (1u << 24)

/* Bits kept, leaf 1 ECX: SSE3(0) PCLMULQDQ(1) SSSE3(9) CX16(13) SSE4.1(19)
 * SSE4.2(20) MOVBE(22) POPCNT(23) AES(25) RDRAND(30); hypervisor(31) set. */
static const uint32_t c1_ecx = 1u << 0 | 1u << 1 | 1u << 9 | 1u << 13 | 1u << 19 | 1u << 20 |
                               1u << 22 | 1u << 23 | 1u << 25 | 1u << 30;
/* leaf 1 EDX: FPU VME DE PSE TSC MSR PAE CX8 (0-8 but MCE 7), SEP(11) PGE(13)
 * CMOV(15) PAT(16) PSE36(17) CLFLUSH(19) MMX(23) FXSR(24) SSE(25) SSE2(26);
 * APIC(9) by config; MCE(7) MTRR(12) MCA(14) ACPI(22) HTT(28) hidden. */
static const uint32_t c1_edx = 0x7fu | 1u << 8 | 1u << 11 | 1u << 13 | 1u << 15 | 1u << 16 |
                               1u << 17 | 1u << 19 | 1u << 23 | 1u << 24 | 1u << 25 | 1u << 26;
/* leaf 7.0 EBX: FSGSBASE(0) BMI1(3) SMEP(7) BMI2(8) ERMS(9) INVPCID(10)
 * RDSEED(18) ADX(19) SMAP(20) CLFLUSHOPT(23) CLWB(24) SHA(29). */
static const uint32_t c7_ebx = 1u << 0 | 1u << 3 | 1u << 7 | 1u << 8 | 1u << 9 | 1u << 10 |
                               1u << 18 | 1u << 19 | 1u << 20 | 1u << 23 | 1u << 24 | 1u << 29;
/* leaf 0x80000001 ECX: LAHF(0) ABM(5) SSE4A(6) MISALIGNSSE(7) 3DNOWPREFETCH(8);
 * EDX: the leaf-1 bits AMD repeats, SYSCALL(11) NX(20) MMXEXT(22) FFXSR(25)
 * PDPE1GB(26) LM(29). */
static const uint32_t e1_ecx = 1u << 0 | 1u << 5 | 1u << 6 | 1u << 7 | 1u << 8;
static const uint32_t e1_edx = 0x7fu | 1u << 8 | 1u << 11 | 1u << 13 | 1u << 15 | 1u << 16 |
                               1u << 17 | 1u << 20 | 1u << 22 | 1u << 23 | 1u << 24 |
                               1u << 25 | 1u << 26 | 1u << 29;

#define BASIC_MAX 0xdu

void vmm_cpuid_filter(uint32_t leaf, uint32_t sub, uint32_t r[4], bool apic)
{
    (void)sub;
    enum { A, B, C, D };
    switch (leaf) {
    case 0:
        if (r[A] > BASIC_MAX)
            r[A] = BASIC_MAX;
        return;
    case 1:
        r[B] &= 0x0000ffffu; /* APIC ID 0, one logical CPU; brand/CLFLUSH kept */
        r[C] = (r[C] & c1_ecx) | 1u << 31 | (apic ? C1_ECX_TSC_DEADLINE : 0);
        r[D] &= c1_edx | (apic ? C1_EDX_APIC : 0);
        return;
    case 2: /* cache descriptors, harmless */
        return;
    case 7:
        if (sub == 0) {
            r[A] = 0;
            r[B] &= c7_ebx;
            r[C] = r[D] = 0;
            return;
        }
        break;
    case 0x80000000:
        if (r[A] > 0x80000008u)
            r[A] = 0x80000008u;
        return;
    case 0x80000001:
        r[C] &= e1_ecx;
        r[D] &= e1_edx;
        return;
    case 0x80000002: case 0x80000003: case 0x80000004: /* brand string */
    case 0x80000005: case 0x80000006:                   /* caches */
        return;
    case 0x80000007:
        r[A] = r[B] = r[C] = 0;
        r[D] &= 1u << 8; /* invariant TSC */
        return;
    case 0x80000008:
        r[B] = 0;                /* no IBPB/IBRS/... */
        r[C] = 0;                /* one core */
        r[D] = 0;
        return;
    default:
        break;
    }
    r[A] = r[B] = r[C] = r[D] = 0; /* everything else: absent */
}
