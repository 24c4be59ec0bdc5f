/*
 * Guest control registers (cr): the rules a CPU checks when a guest
 * writes EFER, CR0 or CR4 (Intel SDM vol. 3 2.5 and the MOV CR / WRMSR
 * pages; AMD APM vol. 2 3.1 and 15.5.1), as pure functions the VMM and
 * the host tests share.
 *
 * Where the VMM sees such a write:
 *  - WRMSR to EFER always exits (the kernel intercepts every MSR): the
 *    VMM checks it with cr_efer_write and raises #GP if it fails.
 *  - MOV to CR0/CR4 does not exit (the kernel sets no CR intercepts), so
 *    the CPU checks it. QEMU's SVM checks CR4's reserved bits by failing
 *    the guest with VMEXIT_INVALID instead of raising #GP: the VMM finds
 *    the MOV at RIP (cr_decode_mov) and raises the #GP the CPU should
 *    have. Any other refused state is named by cr_state_check (under
 *    QEMU on the state the guest was last resumed with: for a refused
 *    VMRUN it hands back the host's registers).
 * cr_cr0_write and cr_cr4_write are the checks for a MOV that exits.
 *
 * Each check returns CAIRN_OK if the write is allowed, else CAIRN_EINVAL
 * (the CPU raises #GP(0)) with the rule it breaks in *why (why may be
 * NULL).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>

#define CR0_PE   (1ull << 0)
#define CR0_TS   (1ull << 3)
#define CR0_NW   (1ull << 29)
#define CR0_CD   (1ull << 30)
#define CR0_PG   (1ull << 31)
#define CR4_PAE  (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_PCIDE (1ull << 17)
#define EFER_SCE  (1ull << 0)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define EFER_SVME (1ull << 12)
#define EFER_FFXSR (1ull << 14)

struct cr_state {
    uint64_t cr0, cr3, cr4, efer;
    bool cs_l, cs_d;     /* the code segment's L and D bits */
    uint64_t cr4_rsvd;   /* CR4 bits this CPU does not have (cr_cr4_reserved) */
    uint64_t efer_rsvd;  /* EFER bits the guest may not set (cr_efer_reserved) */
};

/* CR4's reserved bits for a CPU with CPUID leaf 1 (ecx1) and leaf 7.0
 * (ebx7, ecx7). */
uint64_t cr_cr4_reserved(uint32_t ecx1, uint32_t ebx7, uint32_t ecx7);

/* EFER's reserved bits for a guest whose CPUID 0x80000001 EDX is edx:
 * SCE, and LME, NXE, FFXSR as CPUID offers them; SVME never (the guest
 * has no SVM). LMA is not among them: writes to it are ignored. */
uint64_t cr_efer_reserved(uint32_t edx);

/* WRMSR to EFER. Besides the CPU's rules: setting LME while CR4.PAE is
 * off is refused too (see docs/vmm.md: QEMU's SVM would corrupt the host
 * at the guest's next exit in that state). */
cairn_status_t cr_efer_write(const struct cr_state *s, uint64_t v, const char **why);
/* The value EFER takes on an allowed write (LMA kept as it was). */
uint64_t cr_efer_value(const struct cr_state *s, uint64_t v);

cairn_status_t cr_cr0_write(const struct cr_state *s, uint64_t v, const char **why);
cairn_status_t cr_cr4_write(const struct cr_state *s, uint64_t v, const char **why);

/* The VMRUN consistency checks on CR0, CR3, CR4, EFER and CS: CAIRN_OK,
 * or CAIRN_EINVAL with the first one s fails in *why. */
cairn_status_t cr_state_check(const struct cr_state *s, const char **why);

/*
 * A MOV to a control register (0F 22 /r, legacy prefixes and a REX
 * before it) at bytes[0..n): CAIRN_OK with the register number in *cr
 * (REX.R counts: CR8), the source GPR (0-15, the encoding's numbering) in
 * *gpr and the instruction's length in *len; CAIRN_ETRUNC if the bytes
 * end first, CAIRN_EUNSUP if they are some other instruction.
 */
cairn_status_t cr_decode_mov(const uint8_t *bytes, size_t n, bool long_mode, unsigned *cr,
                             unsigned *gpr, unsigned *len);
