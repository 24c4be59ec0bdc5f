/*
 * Component log: printf output as whole lines "[name] text" on the serial
 * port. Each line is collected first and written in one go, so lines of
 * the kernel (which also writes COM1, "[kernel] ...") do not cut into them
 * except when the kernel preempts the writer mid-line.
 *
 * Not thread-safe: only one EC of a PD should print at a time.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Set the prefix name, claim COM1 (root task) and route printf to it.
 * Returns the status of claiming the UART. */
uint64_t cairn_log_init(const char *name);

/* The name given to cairn_log_init. */
const char *cairn_log_name(void);

/* Write out a partial line, if any (before exiting). */
void cairn_log_flush(void);

/* Components: up to max (at most CAIRN_LOG_READ_MAX) bytes of console
 * input from core's LOG session; 0 if none. Whoever asks gets the bytes:
 * one component of a scenario should read. */
size_t cairn_log_read(char *buf, size_t max);
