/*
 * Component runtime: program entry, exit and the state _start hands over.
 *
 * _start (lib/start.S) zeroes .bss, records the HIP and UTCB addresses it
 * got in rdi / rsi and calls main(); when main returns, cairn_exit(status).
 */
#pragma once

#include <stdint.h>

#include <cairn/hip.h>
#include <cairn/session.h>
#include <cairn/utcb.h>

/* Set before main runs: cairn_hip for the root task, cairn_env for a
 * component started by core (the other one is NULL). */
extern const struct cairn_hip *cairn_hip;   /* the HIP (root task)         */
extern const struct cairn_env *cairn_env;   /* environment (components)    */
extern struct cairn_utcb *cairn_utcb_main;  /* the main EC's UTCB          */

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb);

/* The caller's own PD selector (root task or component). */
uint64_t cairn_self_pd(void);

/* Print "[name] exit <status>", then end the machine through QEMU's
 * isa-debug-exit port 0xf4 (QEMU exits with (status << 1) | 1). If that
 * does not stop it (real hardware), block this EC forever. */
__attribute__((noreturn)) void cairn_exit(int status);

/* Block the calling EC forever on a private semaphore. Root PD only. */
__attribute__((noreturn)) void cairn_block_forever(void);

/* "OK", "ECAP", ... for a status; "E?" for values out of range. */
const char *cairn_status_name(cairn_status_t status);

/* Bounds of the program image (lib/user.ld), all page aligned. */
extern char __image_start[], __image_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __bss_end[];
