/* The fuzzing guest: a 32-bit multiboot kernel that does, reproducibly by
 * the seed on its command line, what a hostile guest does to a VMM. Each
 * operation that may fault runs under fuzz_try: a fault (an exception the
 * VMM injects or the CPU raises) resumes after it and is counted. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The phases, each a letter of the command line's ops= (see guest.c). */
enum fuzz_phase {
    PH_PORT, PH_STR, PH_MMIO, PH_MSR, PH_CPUID, PH_CR, PH_LONG, PH_DESC, PH_VIRTIO, PH_TIMER, PH_COUNT
};

/* Guest-physical layout below 1 MiB (the guest itself is at 1 MiB). */
#define FUZZ_PT       0x10000u  /* page tables: 4 GiB identity, 2 MiB pages, 6 pages */
#define FUZZ_PT32     0x18000u  /* a 32-bit page directory, 4 MiB pages */
#define FUZZ_VQ       0x20000u  /* virtqueues: 4 of 64 KiB */
#define FUZZ_DMA      0x60000u  /* what descriptors point at: 128 KiB of random bytes */
#define FUZZ_DMA_SIZE 0x20000u
#define FUZZ_BUF      0x80000u  /* string I/O buffer: 64 KiB, started in the middle */
#define FUZZ_TABLES   0x90000u  /* fuzzed GDTs and IDTs */
#define LAPIC_BASE    0xfee00000u
#define IOAPIC_BASE   0xfec00000u

/* What the stubs in start.S push: pusha, vector, error code, the CPU's frame. */
struct fuzz_frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t vec, err;
    uint32_t eip, cs, eflags;
};

struct fuzz_stats {
    uint32_t ops[PH_COUNT], faults[PH_COUNT];
    uint32_t vec[32];       /* caught exceptions by vector */
    uint32_t nmis, strays;  /* NMIs; other vectors with no fuzz_try waiting */
    uint32_t str_bad;       /* string I/O that left ECX/ESI/EDI unlike the CPU would */
    uint32_t cr_bad;        /* CR/EFER attacks answered unlike the hardware would */
    uint32_t virtio_devs;
};

extern struct fuzz_stats fuzz_stats;
extern volatile uint32_t fuzz_resume, fuzz_esp, fuzz_vec;
extern uint32_t fuzz_ram;   /* bytes of RAM from the CMOS (or 2 MiB) */
extern bool fuzz_trace;

uint64_t fuzz_rand(void);
uint32_t fuzz_below(uint32_t n);
uint32_t fuzz_value(void);
void fuzz_printf(const char *fmt, ...);
void fuzz_uart_init(void);
void fuzz_outb(uint16_t port, uint8_t v);
uint8_t fuzz_inb(uint16_t port);
void fuzz_outl(uint16_t port, uint32_t v);
uint32_t fuzz_inl(uint16_t port);
void *fuzz_memset(void *d, int c, uint32_t n);

/* Run the asm text `insn` (operands as in __asm__ after it); a fault in
 * it resumes after it with ESP as it was (read through SS: the operation
 * may have left DS anything). Yields the vector (or -1). */
#define fuzz_try(insn, ...)                                                       \
    ({                                                                            \
        fuzz_vec = (uint32_t)-1;                                                  \
        __asm__ volatile("movl $1f, fuzz_resume\n\tmovl %%esp, fuzz_esp\n\t" insn \
                         "\n1:\n\tmovl %%ss:fuzz_esp, %%esp\n\t"                   \
                         "movl $0, %%ss:fuzz_resume" __VA_ARGS__);                \
        (int)fuzz_vec;                                                            \
    })

void fuzz_port(void);
void fuzz_string(void);
void fuzz_mmio(void);
void fuzz_msr(void);
void fuzz_cpuid(void);
void fuzz_cr(void);
void fuzz_long(void);
void fuzz_desc(void);
void fuzz_virtio(void);
void fuzz_timer(void);
void fuzz_virtio_init(void);
void fuzz_paging_init(void);
void fuzz_idt_load(void);
const void *fuzz_idt_base(void);
void fuzz_mmio_access(void);
bool fuzz_has(char phase);
