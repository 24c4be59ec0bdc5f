/*
 * MC146818 RTC and CMOS RAM (rtc146818): the PC's real-time clock.
 *
 * Ports are absolute: 0x70 (index; bit 7, the NMI mask, is ignored) and
 * 0x71 (data). Others read 0xff. 128 bytes: the time registers 0x00-0x09
 * (seconds, minutes, hours, day of week, day, month, year, with alarms in
 * 0x01, 0x03, 0x05 kept as RAM), status registers A-D (0x0a-0x0d), the
 * century at 0x32, the rest RAM the VMM fills with rtc146818_cmos_set
 * (rtc146818_set_memory writes the memory size fields SeaBIOS reads).
 *
 * Time is the epoch given to init plus the clock's progress. Registers
 * are BCD or binary (B.DM) and 24- or 12-hour (B.24H; 12-hour sets bit 7
 * for PM). A.UIP reads 1 in the last 244 us of each second. Setting B.SET
 * freezes the time registers for the guest to write; clearing it starts
 * the clock from what was written (a time register written with SET clear
 * takes effect at once). C reports UF (a second ended since C was last
 * read); no interrupts are raised (periodic, alarm and update interrupts
 * are not modelled; IRQ 8 stays low). D reads "valid RAM and time".
 */
#pragma once

#include "io.h"

struct rtc146818 {
    uint8_t cmos[128];
    uint8_t index;
    int64_t base_s;     /* Unix time at base_ns */
    uint64_t base_ns;   /* clock reading base_s refers to */
    int64_t c_read_s;   /* the second C was last read in */
    struct vmm_clock clock;
};

/* Reset; the time is epoch_s (seconds since 1970-01-01 00:00:00 UTC) now. */
void rtc146818_init(struct rtc146818 *r, struct vmm_clock clock, int64_t epoch_s);
uint32_t rtc146818_read(struct rtc146818 *r, uint16_t port, unsigned size);
void rtc146818_write(struct rtc146818 *r, uint16_t port, unsigned size, uint32_t value);

/* Set a CMOS RAM byte (index & 0x7f) for the guest's firmware. */
void rtc146818_cmos_set(struct rtc146818 *r, uint8_t index, uint8_t value);
/* The memory size fields: 0x15-0x18 and 0x30-0x31 (KiB), 0x34-0x35 (64 KiB
 * above 16 MiB) and 0x5b-0x5d (64 KiB above 4 GiB). */
void rtc146818_set_memory(struct rtc146818 *r, uint64_t below_4g, uint64_t above_4g);

extern const struct vmm_io_ops rtc146818_io_ops;
