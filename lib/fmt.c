/*
 * Formatted output: one formatter (fmt_do) that emits characters through a
 * sink, used by vsnprintf (a bounded buffer) and vprintf (chunks handed to
 * the output hook).
 */
#include <cairn/fmt.h>

#include <stdint.h>
#include <string.h>

struct fmt_sink {
    void (*put)(struct fmt_sink *k, char c);
    char *buf;
    size_t size, len; /* len counts every character, also those dropped */
};

struct fmt_spec {
    int left, zero, plus, space, alt;
    int width, prec; /* prec < 0: none */
    int len;         /* 'H' hh, 'h', 0, 'l' long / long long / size_t ... */
};

static cairn_fmt_out_fn fmt_out;

void cairn_fmt_set_output(cairn_fmt_out_fn fn)
{
    fmt_out = fn;
}

static void fmt_pad(struct fmt_sink *k, char c, int n)
{
    while (n-- > 0)
        k->put(k, c);
}

/* Emit `digits` (already converted, most significant first) with sign or
 * prefix, precision zeros and field padding. */
static void fmt_number_out(struct fmt_sink *k, const struct fmt_spec *sp, const char *pre,
                           const char *digits, int nd)
{
    int npre = (int)strlen(pre);
    int zeros = sp->prec > nd ? sp->prec - nd : 0;
    int pad = sp->width - npre - zeros - nd;

    if (sp->zero && !sp->left && sp->prec < 0) {
        zeros += pad > 0 ? pad : 0;
        pad = 0;
    }
    if (!sp->left)
        fmt_pad(k, ' ', pad);
    while (*pre)
        k->put(k, *pre++);
    fmt_pad(k, '0', zeros);
    for (int i = 0; i < nd; i++)
        k->put(k, digits[i]);
    if (sp->left)
        fmt_pad(k, ' ', pad);
}

static void fmt_number(struct fmt_sink *k, const struct fmt_spec *sp, uint64_t v, int neg,
                       unsigned base, int upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24], digits[24];
    int nd = 0;
    const char *pre = "";

    /* "%.0d" of 0 prints nothing, as in C. */
    while (v || (nd == 0 && sp->prec != 0)) {
        tmp[nd++] = set[v % base];
        v /= base;
    }
    for (int i = 0; i < nd; i++)
        digits[i] = tmp[nd - 1 - i];

    if (neg)
        pre = "-";
    else if (sp->plus && base == 10)
        pre = "+";
    else if (sp->space && base == 10)
        pre = " ";
    else if (sp->alt && base == 16 && nd && !(nd == 1 && digits[0] == '0'))
        pre = upper ? "0X" : "0x";
    else if (sp->alt && base == 8 && (nd == 0 || digits[0] != '0'))
        pre = "0";
    fmt_number_out(k, sp, pre, digits, nd);
}

static void fmt_string(struct fmt_sink *k, const struct fmt_spec *sp, const char *s)
{
    if (!s)
        s = "(null)";
    int n = (int)(sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s));

    if (!sp->left)
        fmt_pad(k, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        k->put(k, s[i]);
    if (sp->left)
        fmt_pad(k, ' ', sp->width - n);
}

static uint64_t fmt_arg_unsigned(const struct fmt_spec *sp, va_list *ap)
{
    switch (sp->len) {
    case 'H': return (unsigned char)va_arg(*ap, unsigned);
    case 'h': return (unsigned short)va_arg(*ap, unsigned);
    case 'l': return va_arg(*ap, unsigned long);
    default:  return va_arg(*ap, unsigned);
    }
}

static int64_t fmt_arg_signed(const struct fmt_spec *sp, va_list *ap)
{
    switch (sp->len) {
    case 'H': return (signed char)va_arg(*ap, int);
    case 'h': return (short)va_arg(*ap, int);
    case 'l': return va_arg(*ap, long);
    default:  return va_arg(*ap, int);
    }
}

/* Parse flags, width, precision and length of one conversion; returns the
 * position of the conversion character. */
static const char *fmt_parse(const char *f, struct fmt_spec *sp, va_list *ap)
{
    *sp = (struct fmt_spec){ .prec = -1 };
    for (;; f++) {
        if (*f == '-') sp->left = 1;
        else if (*f == '0') sp->zero = 1;
        else if (*f == '+') sp->plus = 1;
        else if (*f == ' ') sp->space = 1;
        else if (*f == '#') sp->alt = 1;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0)
            sp->left = 1, sp->width = -sp->width;
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->prec = sp->prec * 10 + (*f++ - '0');
    }
    /* On x86_64 long, long long, size_t, intmax_t and ptrdiff_t are all
     * 64 bits: one class 'l' serves them. */
    if (f[0] == 'h' && f[1] == 'h')
        sp->len = 'H', f += 2;
    else if (*f == 'h')
        sp->len = 'h', f++;
    else if (f[0] == 'l' && f[1] == 'l')
        sp->len = 'l', f += 2;
    else if (*f == 'l' || *f == 'z' || *f == 'j' || *f == 't')
        sp->len = 'l', f++;
    return f;
}

static void fmt_conv(struct fmt_sink *k, char c, struct fmt_spec *sp, va_list *ap)
{
    int64_t s;

    switch (c) {
    case 'd':
    case 'i':
        s = fmt_arg_signed(sp, ap);
        fmt_number(k, sp, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10, 0);
        break;
    case 'u': fmt_number(k, sp, fmt_arg_unsigned(sp, ap), 0, 10, 0); break;
    case 'x': fmt_number(k, sp, fmt_arg_unsigned(sp, ap), 0, 16, 0); break;
    case 'X': fmt_number(k, sp, fmt_arg_unsigned(sp, ap), 0, 16, 1); break;
    case 'o': fmt_number(k, sp, fmt_arg_unsigned(sp, ap), 0, 8, 0); break;
    case 'p':
        sp->alt = 1;
        fmt_number(k, sp, (uintptr_t)va_arg(*ap, void *), 0, 16, 0);
        break;
    case 's': fmt_string(k, sp, va_arg(*ap, const char *)); break;
    case 'c': {
        char ch[2] = { (char)va_arg(*ap, int), 0 };
        sp->prec = 1;
        fmt_string(k, sp, ch);
        break;
    }
    case '%': k->put(k, '%'); break;
    default: /* unknown: show it, so the mistake is visible */
        k->put(k, '%');
        if (c)
            k->put(k, c);
        break;
    }
}

static void fmt_do(struct fmt_sink *k, const char *f, va_list ap)
{
    struct fmt_spec sp;
    va_list aq;

    va_copy(aq, ap);
    while (*f) {
        if (*f != '%') {
            k->put(k, *f++);
            continue;
        }
        f = fmt_parse(f + 1, &sp, &aq);
        fmt_conv(k, *f, &sp, &aq);
        if (*f)
            f++;
    }
    va_end(aq);
}

static void fmt_put_buf(struct fmt_sink *k, char c)
{
    if (k->len + 1 < k->size)
        k->buf[k->len] = c;
    k->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_sink k = { .put = fmt_put_buf, .buf = buf, .size = size };

    fmt_do(&k, fmt, ap);
    if (size)
        buf[k.len < size ? k.len : size - 1] = 0;
    return (int)k.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* printf sink: collect characters in a small stack buffer, hand full
 * chunks to the hook (which may buffer lines further). */
#define FMT_CHUNK 128

static void fmt_put_out(struct fmt_sink *k, char c)
{
    k->buf[k->len % FMT_CHUNK] = c;
    if (++k->len % FMT_CHUNK == 0 && fmt_out)
        fmt_out(k->buf, FMT_CHUNK);
}

int vprintf(const char *fmt, va_list ap)
{
    char chunk[FMT_CHUNK];
    struct fmt_sink k = { .put = fmt_put_out, .buf = chunk, .size = FMT_CHUNK };

    fmt_do(&k, fmt, ap);
    if (k.len % FMT_CHUNK && fmt_out)
        fmt_out(chunk, k.len % FMT_CHUNK);
    return (int)k.len;
}

int printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void cairn_puts(const char *s)
{
    if (fmt_out)
        fmt_out(s, strlen(s));
}
