/* Kernel console: formatted output to the early serial port. Kernel
 * messages and panics only; user land has its own output. */
#pragma once

#include <stdarg.h>

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

void console_init(void);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Console hardware hook, implemented by the arch (serial port). */
void console_arch_init(void);
void console_arch_putc(char c);
