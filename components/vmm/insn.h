/*
 * x86 instruction decoder and emulator for MMIO exits.
 *
 * Under TCG, SVM has no decode assists and no next-RIP: on a nested page
 * fault on a device address the VMM fetches the guest's instruction bytes
 * (up to 15) at RIP, decodes them with insn_decode() to learn the access
 * (size, direction, register/immediate operand) and the instruction
 * length, and carries it out with insn_emulate(), which does the device
 * access through a callback, updates registers and flags and advances RIP.
 *
 * Scope: the memory-access instructions a guest uses on MMIO.
 *   MOV   88 89 8A 8B (r/m <-> reg), C6 /0, C7 /0 (imm), A0-A3 (moffs)
 *   MOVZX 0F B6, 0F B7; MOVSX 0F BE, 0F BF
 *   ALU   00-03 ADD, 08-0B OR, 10-13 ADC, 18-1B SBB, 20-23 AND, 28-2B SUB,
 *         30-33 XOR, 38-3B CMP; 80, 81, 83 (and 82 outside 64-bit mode)
 *   TEST  84, 85, F6 /0 /1, F7 /0 /1
 *   XCHG  86, 87
 * Prefixes: 66, 67, REX (64-bit mode; only directly before the opcode),
 * segment overrides (recorded; insn_ea() adds a segment base the caller
 * passes), LOCK (no atomicity needed; accepted where the CPU accepts it:
 * ALU ops other than CMP/TEST with a memory destination, and XCHG; anywhere
 * else the CPU raises #UD before the access, so it is rejected), F2/F3
 * (ignored: XACQUIRE/XRELEASE hints on these opcodes).
 * Not supported (rejected with CAIRN_EUNSUP): MOVD/MOVQ to and from XMM/MMX
 * registers (0F 6E/7E, F3 0F 7E, 66 0F D6: insn_regs has no vector
 * registers), string instructions (STOS/MOVS/LODS, with or without REP),
 * MOVSXD, INC/DEC/NOT/NEG, BT*, VEX/EVEX encodings; and (CAIRN_EINVAL),
 * since they cannot have made the access, any form whose ModRM names a
 * register instead of memory.
 *
 * Errors are statuses of <cairn/status.h> (docs/decisions.md):
 *   CAIRN_EPAR      a bad argument (NULL, an unknown mode, a malformed insn)
 *   CAIRN_ETRUNC    the instruction needs more bytes than `len`
 *   CAIRN_ETOOLONG  longer than 15 bytes (the CPU raises #GP)
 *   CAIRN_EUNSUP    an opcode (or /digit) this decoder does not handle
 *   CAIRN_EINVAL    a register operand, or LOCK where the CPU raises #UD
 *   anything else   insn_emulate: the device callback's status
 *
 * Freestanding: needs only <stdint.h>, <stddef.h>, <stdbool.h>, <string.h>
 * and <cairn/status.h>.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>

enum insn_mode { INSN_16, INSN_32, INSN_64 };

/* rax rcx rdx rbx rsp rbp rsi rdi r8..r15: the encoding's numbering. */
struct insn_regs {
    uint64_t gpr[16];
    uint64_t rip, rflags;
};

/* The operation. The ALU values equal the x86 /digit of 80-83. */
enum insn_op {
    INSN_ADD = 0, INSN_OR, INSN_ADC, INSN_SBB, INSN_AND, INSN_SUB, INSN_XOR, INSN_CMP,
    INSN_TEST, INSN_MOV, INSN_MOVZX, INSN_MOVSX, INSN_XCHG,
};

/* Segments, in the encoding's order; INSN_SEG_DS/SS are the defaults. */
enum insn_seg { INSN_SEG_ES, INSN_SEG_CS, INSN_SEG_SS, INSN_SEG_DS, INSN_SEG_FS, INSN_SEG_GS };

#define INSN_MAX_LEN 15
#define INSN_NO_REG  0xff /* base/index absent */

struct insn {
    uint8_t len;      /* bytes, prefixes included: the VMM adds it to RIP */
    uint8_t mode;     /* enum insn_mode */
    uint8_t op;       /* enum insn_op */
    uint8_t opsize;   /* register operand / operation size: 1, 2, 4, 8 */
    uint8_t memsize;  /* bytes accessed in memory (differs for MOVZX/MOVSX) */
    uint8_t addrsize; /* 2, 4, 8 */
    uint8_t rex;      /* REX byte in effect, 0 if none */
    uint8_t seg;      /* enum insn_seg: the override, else the default */
    bool seg_override;
    bool lock, rep /* F3 */, repne /* F2 */;
    bool mem_read;  /* the device is read */
    bool mem_write; /* the device is written */
    bool mem_dst;   /* memory is the destination operand */
    bool src_imm;   /* the source is `imm` (else the register `reg`) */
    uint8_t reg;    /* register operand, 0-15 (for moffs: 0, the accumulator) */
    bool reg_high;  /* `reg` 0-3 means AH CH DH BH (8-bit, no REX) */
    /* memory operand: base + index * scale + disp, or RIP-relative, or moffs */
    uint8_t base, index; /* 0-15 or INSN_NO_REG */
    uint8_t scale;       /* 1, 2, 4, 8 */
    bool rip_rel;        /* disp relative to the next instruction's RIP */
    bool moffs;          /* A0-A3: disp is the absolute offset */
    uint8_t modrm, sib;
    bool has_modrm, has_sib;
    uint64_t disp; /* sign-extended (moffs: zero-extended) */
    uint64_t imm;  /* sign-extended to 64 bits */
};

/*
 * Decode the instruction at bytes[0..len) (len may exceed 15) for `mode`
 * (real mode: INSN_16; 32-bit protected mode: INSN_32; long mode: INSN_64).
 * Returns CAIRN_OK or an error status; on error *i is unspecified.
 */
cairn_status_t insn_decode(struct insn *i, const uint8_t *bytes, size_t len, enum insn_mode mode);

/*
 * The effective address (segment offset) of i's memory operand with the
 * registers in r (r->rip is the instruction's own address), wrapped to the
 * address size, plus seg_base, the base of segment i->seg: in 64-bit mode
 * it is added only for FS and GS; outside it the sum wraps at 32 bits.
 * Pass 0 to get the bare offset. For cross-checking the exit's address.
 */
uint64_t insn_ea(const struct insn *i, const struct insn_regs *r, uint64_t seg_base);

/*
 * Carry out the decoded instruction against the device at `gpa` (the
 * faulting guest-physical address of the exit): mmio(ctx, gpa, size, write,
 * &value) reads into or writes from value (size 1, 2, 4 or 8; read values
 * are truncated to size) and returns CAIRN_OK or a status that
 * insn_emulate passes on. Updates the
 * destination register, the arithmetic flags (CF PF AF ZF SF OF; AF is
 * cleared by the logic ops) and advances RIP by i->len (wrapping at the
 * mode's width). Returns CAIRN_OK or an error status; on error the
 * registers are unchanged (a read-modify-write whose write fails may have
 * done the read).
 */
cairn_status_t insn_emulate(const struct insn *i, struct insn_regs *r, uint64_t gpa,
                            cairn_status_t (*mmio)(void *ctx, uint64_t gpa, unsigned size, bool write,
                                                   uint64_t *value),
                            void *ctx);
