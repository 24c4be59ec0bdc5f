/* MC146818 RTC and CMOS RAM (rtc146818). */
#include "rtc146818.h"

#include <string.h>

enum {
    REG_SEC = 0x00,
    REG_MIN = 0x02,
    REG_HOUR = 0x04,
    REG_WDAY = 0x06,
    REG_MDAY = 0x07,
    REG_MON = 0x08,
    REG_YEAR = 0x09,
    REG_A = 0x0a,
    REG_B = 0x0b,
    REG_C = 0x0c,
    REG_D = 0x0d,
    REG_CENTURY = 0x32,
};

#define A_UIP  0x80
#define B_SET  0x80
#define B_DM   0x04 /* binary */
#define B_24H  0x02
#define C_UF   0x10
#define C_IRQF 0x80
#define D_VRT  0x80

#define UIP_NS 244000u

struct tm_fields {
    int64_t year;
    unsigned mon, mday, wday, hour, min, sec;
};

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant's). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, struct tm_fields *t)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    t->mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    t->mon = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    t->year = yoe + era * 400 + (t->mon <= 2);
}

static uint64_t now(struct rtc146818 *r)
{
    return vmm_clock_now(&r->clock);
}

/* Seconds since base, and the ns into the current second. */
static int64_t now_s(struct rtc146818 *r, uint64_t *sub_ns)
{
    uint64_t t = now(r);
    uint64_t d = t > r->base_ns ? t - r->base_ns : 0;
    if (sub_ns)
        *sub_ns = d % VMM_NS_PER_S;
    return r->base_s + (int64_t)(d / VMM_NS_PER_S);
}

static uint8_t encode(const struct rtc146818 *r, unsigned v)
{
    if (r->cmos[REG_B] & B_DM)
        return (uint8_t)v;
    return (uint8_t)(((v / 10) % 10) << 4 | v % 10);
}

/* A register's value, clamped to lo..hi. */
static unsigned decode(const struct rtc146818 *r, uint8_t v, unsigned lo, unsigned hi)
{
    unsigned n = (r->cmos[REG_B] & B_DM) ? v : (unsigned)(v >> 4) * 10 + (v & 0x0f);
    return n < lo ? lo : n > hi ? hi : n;
}

static void encode_hour(struct rtc146818 *r, unsigned hour)
{
    if (r->cmos[REG_B] & B_24H) {
        r->cmos[REG_HOUR] = encode(r, hour);
    } else {
        unsigned h12 = hour % 12 ? hour % 12 : 12;
        r->cmos[REG_HOUR] = (uint8_t)(encode(r, h12) | (hour >= 12 ? 0x80 : 0));
    }
}

static unsigned decode_hour(const struct rtc146818 *r)
{
    uint8_t v = r->cmos[REG_HOUR];
    if (r->cmos[REG_B] & B_24H)
        return decode(r, v, 0, 23);
    unsigned h = decode(r, v & 0x7f, 1, 12) % 12;
    return (v & 0x80) ? h + 12 : h;
}

/* Write the time registers from the clock. */
static void store_time(struct rtc146818 *r)
{
    int64_t s = now_s(r, NULL);
    int64_t days = (s >= 0 ? s : s - 86399) / 86400;
    int64_t secs = s - days * 86400;
    struct tm_fields t;
    civil_from_days(days, &t);
    r->cmos[REG_SEC] = encode(r, (unsigned)(secs % 60));
    r->cmos[REG_MIN] = encode(r, (unsigned)(secs / 60 % 60));
    encode_hour(r, (unsigned)(secs / 3600));
    r->cmos[REG_WDAY] = encode(r, (unsigned)(((days + 4) % 7 + 7) % 7 + 1));
    r->cmos[REG_MDAY] = encode(r, t.mday);
    r->cmos[REG_MON] = encode(r, t.mon);
    int64_t y = t.year < 0 ? 0 : t.year > 9999 ? 9999 : t.year;
    r->cmos[REG_YEAR] = encode(r, (unsigned)(y % 100));
    r->cmos[REG_CENTURY] = encode(r, (unsigned)(y / 100));
}

/* Start the clock from the time registers. */
static void load_time(struct rtc146818 *r)
{
    int64_t year = decode(r, r->cmos[REG_CENTURY], 0, 99) * 100 + decode(r, r->cmos[REG_YEAR], 0, 99);
    int64_t days = days_from_civil(year, decode(r, r->cmos[REG_MON], 1, 12),
                                   decode(r, r->cmos[REG_MDAY], 1, 31));
    r->base_s = days * 86400 + decode_hour(r) * 3600 + decode(r, r->cmos[REG_MIN], 0, 59) * 60 +
                decode(r, r->cmos[REG_SEC], 0, 59);
    r->base_ns = now(r);
}

void rtc146818_init(struct rtc146818 *r, struct vmm_clock clock, int64_t epoch_s)
{
    memset(r, 0, sizeof(*r));
    r->clock = clock;
    /* Keep the epoch within years 0-9999, what the registers can show. */
    const int64_t max_s = 253402300799; /* 9999-12-31 23:59:59 */
    const int64_t min_s = -62167219200; /* 0000-01-01 00:00:00 */
    r->base_s = epoch_s < min_s ? min_s : epoch_s > max_s ? max_s : epoch_s;
    r->base_ns = now(r);
    r->c_read_s = r->base_s;
    r->cmos[REG_A] = 0x26;
    r->cmos[REG_B] = B_24H;
    r->cmos[REG_D] = D_VRT;
}

void rtc146818_cmos_set(struct rtc146818 *r, uint8_t index, uint8_t value)
{
    r->cmos[index & 0x7f] = value;
}

static void set16(struct rtc146818 *r, uint8_t index, uint64_t v)
{
    r->cmos[index] = (uint8_t)v;
    r->cmos[index + 1] = (uint8_t)(v >> 8);
}

void rtc146818_set_memory(struct rtc146818 *r, uint64_t below_4g, uint64_t above_4g)
{
    const uint64_t kib = 1024, mib = 1024 * 1024;
    uint64_t v = below_4g / kib < 640 ? below_4g / kib : 640;
    set16(r, 0x15, v);
    v = below_4g > mib ? (below_4g - mib) / kib : 0;
    v = v > 0xffff ? 0xffff : v;
    set16(r, 0x17, v);
    set16(r, 0x30, v);
    v = below_4g > 16 * mib ? (below_4g - 16 * mib) / 65536 : 0;
    v = v > 0xffff ? 0xffff : v;
    set16(r, 0x34, v);
    v = above_4g / 65536;
    v = v > 0xffffff ? 0xffffff : v;
    r->cmos[0x5b] = (uint8_t)v;
    r->cmos[0x5c] = (uint8_t)(v >> 8);
    r->cmos[0x5d] = (uint8_t)(v >> 16);
}

static bool is_time_reg(uint8_t i)
{
    return i == REG_SEC || i == REG_MIN || i == REG_HOUR || (i >= REG_WDAY && i <= REG_YEAR) ||
           i == REG_CENTURY;
}

static uint8_t read_reg(struct rtc146818 *r, uint8_t i)
{
    bool running = !(r->cmos[REG_B] & B_SET);
    if (is_time_reg(i) && running)
        store_time(r);
    if (i == REG_A) {
        uint64_t sub;
        now_s(r, &sub);
        bool uip = running && (r->cmos[REG_A] & 0x70) == 0x20 && sub >= VMM_NS_PER_S - UIP_NS;
        return (uint8_t)((r->cmos[REG_A] & 0x7f) | (uip ? A_UIP : 0));
    }
    if (i == REG_C) {
        int64_t s = now_s(r, NULL);
        uint8_t v = (running && s != r->c_read_s) ? C_UF : 0;
        r->c_read_s = s;
        return v; /* no interrupt enabled is ever signalled: IRQF 0 */
    }
    return r->cmos[i];
}

static void write_reg(struct rtc146818 *r, uint8_t i, uint8_t v)
{
    bool running = !(r->cmos[REG_B] & B_SET);
    switch (i) {
    case REG_A:
        r->cmos[REG_A] = v & 0x7f; /* UIP is read-only */
        break;
    case REG_B:
        if (running && (v & B_SET)) {
            store_time(r); /* freeze */
        } else if (running) {
            /* A format change: re-encode the time in the new format. */
            r->cmos[REG_B] = v;
            store_time(r);
            break;
        }
        r->cmos[REG_B] = v;
        if (!running && !(v & B_SET))
            load_time(r);
        break;
    case REG_C:
    case REG_D:
        break; /* read-only */
    default:
        if (is_time_reg(i) && running) {
            store_time(r);
            r->cmos[i] = v;
            load_time(r);
        } else {
            r->cmos[i] = v;
        }
        break;
    }
}

static uint8_t read_byte(struct rtc146818 *r, uint16_t port)
{
    if (port == 0x71)
        return read_reg(r, r->index);
    return 0xff; /* the index port is write-only */
}

static void write_byte(struct rtc146818 *r, uint16_t port, uint8_t v)
{
    if (port == 0x70)
        r->index = v & 0x7f;
    else if (port == 0x71)
        write_reg(r, r->index, v);
}

uint32_t rtc146818_read(struct rtc146818 *r, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    size = vmm_io_size(size);
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)read_byte(r, (uint16_t)(port + i)) << (8 * i);
    return v;
}

void rtc146818_write(struct rtc146818 *r, uint16_t port, unsigned size, uint32_t value)
{
    size = vmm_io_size(size);
    for (unsigned i = 0; i < size; i++)
        write_byte(r, (uint16_t)(port + i), (uint8_t)(value >> (8 * i)));
}

static uint32_t io_read(void *dev, uint16_t port, unsigned size)
{
    return rtc146818_read(dev, port, size);
}

static void io_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    rtc146818_write(dev, port, size, value);
}

const struct vmm_io_ops rtc146818_io_ops = { io_read, io_write };
