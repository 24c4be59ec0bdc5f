/* The fuzzing guest's MMIO: every instruction form the VMM's decoder
 * knows, on the local APIC's and IO-APIC's windows, with paging off and
 * in each 32-bit paging mode (the VMM walks the guest's page tables to
 * fetch the instruction). */
#include "fuzz.h"

/* Identity maps of the 4 GiB (start of each table):
 *   FUZZ_PT            PML4 -> +0x1000 PDPT -> +0x2000.. 4 PDs of 2 MiB pages
 *   FUZZ_PT + 0x6000   a PAE PDPT to the same 4 PDs
 *   FUZZ_PT32          32-bit PD of 4 MiB pages (CR4.PSE), but the APICs'
 *                      4 MiB through a 4 KiB page table at FUZZ_PT32 + 0x1000
 *   FUZZ_PT32 + 0x3000 the same with the first 4 MiB (this guest's code)
 *                      through 4 KiB pages at FUZZ_PT32 + 0x2000 */
void fuzz_paging_init(void)
{
    uint64_t *pml4 = (uint64_t *)FUZZ_PT, *pdpt = pml4 + 512, *pd = pml4 + 1024;
    uint64_t *pae = pml4 + 6 * 512;
    uint32_t *pd32 = (uint32_t *)FUZZ_PT32, *pt_apic = pd32 + 1024, *pt_low = pd32 + 2048;
    uint32_t *pd32_4k = pd32 + 3072;
    fuzz_memset(pml4, 0, 0x10000);
    pml4[0] = (FUZZ_PT + 0x1000) | 3;
    for (unsigned i = 0; i < 4; i++) {
        pdpt[i] = (FUZZ_PT + 0x2000 + i * 0x1000) | 3;
        pae[i] = (FUZZ_PT + 0x2000 + i * 0x1000) | 1;
    }
    for (unsigned i = 0; i < 4 * 512; i++)
        pd[i] = (uint64_t)i << 21 | 0x83; /* P RW PS */
    for (unsigned i = 0; i < 1024; i++) {
        pd32[i] = pd32_4k[i] = i << 22 | 0x83;
        pt_apic[i] = ((IOAPIC_BASE & 0xffc00000u) + (i << 12)) | 3;
        pt_low[i] = i << 12 | 3;
    }
    pd32[IOAPIC_BASE >> 22] = pd32_4k[IOAPIC_BASE >> 22] = (FUZZ_PT32 + 0x1000) | 3;
    pd32_4k[0] = (FUZZ_PT32 + 0x2000) | 3;
}

/* One access; `val` goes through EAX so that AL/AX/EAX and the moffs
 * forms (A0-A3) are all in reach. */
#define MM(insn) vec = fuzz_try(insn, : "+a"(val) : "r"(addr), "r"(addr - 0x10) : "memory", "cc")

void fuzz_mmio_access(void)
{
    uint32_t addr, val = fuzz_value();
    int vec = -1;
    if (fuzz_below(2)) {
        addr = LAPIC_BASE + (fuzz_below(4) ? fuzz_below(64) * 16 : fuzz_below(0xff0));
    } else {
        if (fuzz_below(2)) /* select a register first, as a driver does */
            __asm__ volatile("movl %0, (%1)" :: "r"(fuzz_below(0x40)), "r"(IOAPIC_BASE) : "memory");
        addr = IOAPIC_BASE + (fuzz_below(4) ? (uint32_t[]){ 0, 0x10, 0x20, 0x40 }[fuzz_below(4)]
                                             : fuzz_below(0xff0));
    }
    unsigned form = fuzz_below(52);
    if (fuzz_trace)
        fuzz_printf("mmio form %u at %x value %x", form, addr, val);
    switch (form) {
    case 0: MM("movb (%1), %b0"); break;
    case 1: MM("movw (%1), %w0"); break;
    case 2: MM("movl (%1), %0"); break;
    case 3: MM("movb %b0, (%1)"); break;
    case 4: MM("movw %w0, (%1)"); break;
    case 5: MM("movl %0, (%1)"); break;
    case 6: MM("movb $0xa5, (%1)"); break;
    case 7: MM("movw $0x1234, (%1)"); break;
    case 8: MM("movl $0x12345678, (%1)"); break;
    case 9: MM("movzbl (%1), %0"); break;
    case 10: MM("movzwl (%1), %0"); break;
    case 11: MM("movsbl (%1), %0"); break;
    case 12: MM("movswl (%1), %0"); break;
    case 13: MM("movzbw (%1), %w0"); break;
    case 14: MM("addl %0, (%1)"); break;
    case 15: MM("orw %w0, (%1)"); break;
    case 16: MM("adcb %b0, (%1)"); break;
    case 17: MM("sbbl %0, (%1)"); break;
    case 18: MM("andl %0, (%1)"); break;
    case 19: MM("subl %0, (%1)"); break;
    case 20: MM("xorb %b0, (%1)"); break;
    case 21: MM("cmpl %0, (%1)"); break;
    case 22: MM("addl (%1), %0"); break;
    case 23: MM("orl (%1), %0"); break;
    case 24: MM("andw (%1), %w0"); break;
    case 25: MM("xorl (%1), %0"); break;
    case 26: MM("cmpb (%1), %b0"); break;
    case 27: MM("subl (%1), %0"); break;
    case 28: MM("addl $1, (%1)"); break;
    case 29: MM("orl $0x100, (%1)"); break;
    case 30: MM("andb $0xf0, (%1)"); break;
    case 31: MM("cmpl $0x10, (%1)"); break;
    case 32: MM("xorw $0xffff, (%1)"); break;
    case 33: MM("subl $0x12345, (%1)"); break;
    case 34: MM("adcl $3, (%1)"); break;
    case 35: MM("sbbb $1, (%1)"); break;
    case 36: MM("testl %0, (%1)"); break;
    case 37: MM("testb %b0, (%1)"); break;
    case 38: MM("testb $1, (%1)"); break;
    case 39: MM("testl $0x80000000, (%1)"); break;
    case 40: MM("xchgl %0, (%1)"); break;
    case 41: MM("xchgb %b0, (%1)"); break;
    case 42: MM("xchgw %w0, (%1)"); break;
    case 43: MM("lock orl %0, (%1)"); break;
    case 44: MM("lock addb $2, (%1)"); break;
    case 45: MM("movl %%fs:(%1), %0"); break;
    case 46: MM("movl %0, %%es:(%1)"); break;
    case 47: MM("movl 0x10(%2), %0"); break;
    case 48: MM("movl 0xfee00030, %0"); break;         /* A1: the version register */
    case 49: MM("movl %0, 0xfee000b0"); break;         /* A3: EOI */
    case 50: MM("movb 0xfec00010, %b0"); break;        /* A0 */
    default: MM("movw %w0, 0xfec00000"); break;        /* 66 A3 */
    }
    if (vec >= 0)
        fuzz_stats.faults[PH_MMIO]++;
    if (fuzz_trace)
        fuzz_printf(" -> %x", val);
}

/* A few accesses in one of the paging modes (0: none). */
void fuzz_mmio(void)
{
    static const uint32_t cr3[4] = { 0, FUZZ_PT32, FUZZ_PT32 + 0x3000, FUZZ_PT + 0x6000 };
    static const uint32_t cr4_bits[4] = { 0, 1u << 4, 1u << 4, 1u << 5 }; /* PSE, PSE, PAE */
    unsigned mode = fuzz_below(4);
    uint32_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
    if (mode)
        __asm__ volatile("mov %0, %%cr3; mov %1, %%cr4; mov %2, %%cr0"
                         :: "r"(cr3[mode]), "r"(cr4 | cr4_bits[mode]), "r"(cr0 | 1u << 31) : "memory");
    for (unsigned n = 1 + fuzz_below(4); n; n--)
        fuzz_mmio_access();
    if (mode)
        __asm__ volatile("mov %0, %%cr0; mov %1, %%cr4" :: "r"(cr0), "r"(cr4) : "memory");
}
