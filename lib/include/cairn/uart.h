/*
 * 16550 UART driven directly by the root task (COM1 at 0x3f8). The kernel
 * programmed the baud rate for its own console; this driver only polls the
 * line status, writes bytes and reads received ones, so both can share
 * the port (the kernel never reads it).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CAIRN_UART_COM1 0x3f8u

/* Delegate the UART's 8 ports from the host to the caller's own PD (root
 * only). Returns a CAIRN_* status. */
uint64_t cairn_uart_claim(uint16_t base);

/* Write n bytes, waiting for the transmitter before each. */
void cairn_uart_write(uint16_t base, const char *s, size_t n);

/* A received byte, or -1 if none is waiting. */
int cairn_uart_getc(uint16_t base);
