/*
 * Formatted output (lib/fmt.c): a printf subset without libc.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%; flags '-' '0' '+' ' ' '#';
 * field width and precision (also as '*'); length modifiers hh h l ll z j t.
 * printf() formats into a small buffer and hands the text to the output
 * hook (cairn/log.h installs one that writes prefixed lines to the UART).
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

typedef void (*cairn_fmt_out_fn)(const char *s, size_t n);

/* Set the hook printf writes through; 0 discards output. */
void cairn_fmt_set_output(cairn_fmt_out_fn fn);

/* Like C99: returns the length the full output would have; the buffer
 * always ends in NUL if size > 0. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int vprintf(const char *fmt, va_list ap);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write a string as it is (no formatting) through the output hook. */
void cairn_puts(const char *s);
