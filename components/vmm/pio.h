/*
 * String port I/O (pio): INS and OUTS, with and without REP, carried out
 * for the VMM on an I/O exit whose EXITINFO1 has the string bit.
 *
 * SVM reports the port, the direction, the operand size (SZ8/16/32), the
 * address size (A16/32/64) and REP in EXITINFO1 and the next RIP in
 * EXITINFO2 (even without NRIPS); it gives no segment (that needs decode
 * assists), so pio_string reads a segment override from the instruction's
 * prefixes. QEMU's SVM (7.2) leaves the address-size bits clear too: then
 * the code segment's size, switched by a 67 prefix, is taken. Each
 * element goes between the port and guest memory at
 *
 *   INS:  ES:rDI              (no override possible)
 *   OUTS: DS:rSI, or the override's segment
 *
 * through ops->mem (guest-linear; the caller walks the guest's page
 * tables). rSI/rDI step by the size, down if RFLAGS.DF is set, rCX counts
 * down with REP; only the address size's part of each register changes
 * (a 32-bit one is zero-extended, as the CPU writes it). In 64-bit mode a
 * segment base counts for FS and GS only; outside it linear addresses wrap
 * at 4 GiB.
 *
 * At most `max` elements go per call: a REP with more left stays at its
 * RIP with the registers advanced, so the guest runs it again (as a CPU
 * does after an interrupt between iterations); otherwise RIP moves to the
 * next instruction. Segment limits and permissions are not checked.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>

/* EXITINFO1 of an IOIO exit (AMD APM vol. 2, 15.10.2). */
#define PIO_IN      (1u << 0)
#define PIO_STR     (1u << 2)
#define PIO_REP     (1u << 3)
#define PIO_SZ_SHIFT 4 /* bits 4-6: SZ8 SZ16 SZ32 */
#define PIO_A_SHIFT  7 /* bits 7-9: A16 A32 A64 */

struct pio_ops {
    uint32_t (*in)(void *ctx, uint16_t port, unsigned size);
    void (*out)(void *ctx, uint16_t port, unsigned size, uint32_t value);
    /* Copy n (1-4) bytes between buf and guest-linear la; CAIRN_EFAULT
     * (or another error status) if a byte is not in guest RAM (unmapped,
     * or a device). */
    cairn_status_t (*mem)(void *ctx, uint64_t la, void *buf, unsigned n, bool write);
    void *ctx;
};

struct pio_string {
    uint64_t rcx, rsi, rdi, rflags, rip; /* in, and out as the CPU leaves them */
    uint64_t info;                       /* EXITINFO1 */
    uint64_t next_rip;                   /* EXITINFO2 */
    uint64_t seg_base[6];                /* ES CS SS DS FS GS */
    bool long_mode;                      /* 64-bit code segment */
    bool cs_d;                           /* else: a 32-bit code segment (CS.D) */
    const uint8_t *insn;                 /* the instruction's bytes at rip */
    size_t insn_len;                     /* how many of them were fetched */
    uint64_t fault;                      /* out, on CAIRN_EFAULT: the linear address */
};

/* Carry out the string instruction s describes (at most max elements,
 * max >= 1). Returns CAIRN_OK, or with the registers as far as it got:
 *   CAIRN_EINVAL  EXITINFO1 or the instruction bytes make no sense
 *                 (nothing done)
 *   CAIRN_EFAULT  an element is not in guest RAM: s->fault (or another
 *                 error status ops->mem returned) */
cairn_status_t pio_string(struct pio_string *s, const struct pio_ops *ops, unsigned max);
