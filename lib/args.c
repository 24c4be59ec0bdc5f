/* Session arguments: key=value lists; numbers in decimal (with K, M, G)
 * or hexadecimal ("0x3f8"). */
#include <cairn/args.h>
#include <cairn/status.h>
#include <string.h>

/* Start of the value of `key`, and its length; NULL if absent. */
static const char *args_find(const char *a, const char *key, size_t *len)
{
    size_t klen = strlen(key);
    while (a && *a) {
        while (*a == ' ' || *a == ',')
            a++;
        const char *k = a;
        while (*a && *a != '=' && *a != ',')
            a++;
        int match = (size_t)(a - k) == klen && !strncmp(k, key, klen);
        if (*a != '=')
            continue;
        a++;
        const char *v = a;
        if (*a == '"') {
            v = ++a;
            while (*a && *a != '"')
                a++;
            *len = (size_t)(a - v);
            if (*a)
                a++;
        } else {
            while (*a && *a != ',')
                a++;
            *len = (size_t)(a - v);
        }
        if (match)
            return v;
    }
    return NULL;
}

cairn_status_t cairn_arg_str(const char *args, const char *key, char *buf, size_t size)
{
    size_t len;
    const char *v = args_find(args, key, &len);
    if (!v)
        return CAIRN_ENOTFOUND;
    if (len >= size)
        return CAIRN_ETOOLONG;
    memcpy(buf, v, len);
    buf[len] = 0;
    return CAIRN_OK;
}

/* A number (0x hex, or decimal with K/M/G) into *out: CAIRN_EINVAL if
 * malformed, CAIRN_ERANGE if above UINT64_MAX. */
static cairn_status_t args_parse(const char *v, size_t len, uint64_t *out)
{
    uint64_t n = 0;
    size_t i = 0;
    if (!len)
        return CAIRN_EINVAL;
    if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        for (i = 2; i < len; i++) {
            char c = v[i];
            unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                         : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
            if (d == 16)
                return CAIRN_EINVAL;
            if (n >> 60)
                return CAIRN_ERANGE;
            n = n << 4 | d;
        }
        *out = n;
        return CAIRN_OK;
    }
    for (; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
        if (n > (UINT64_MAX - 9) / 10)
            return CAIRN_ERANGE;
        n = n * 10 + (uint64_t)(v[i] - '0');
    }
    unsigned shift = 0;
    if (i < len && (v[i] == 'K' || v[i] == 'M' || v[i] == 'G'))
        shift = v[i] == 'K' ? 10 : v[i] == 'M' ? 20 : 30, i++;
    if (i != len || !i)
        return CAIRN_EINVAL;
    if (shift && n > (UINT64_MAX >> shift))
        return CAIRN_ERANGE;
    *out = n << shift;
    return CAIRN_OK;
}

uint64_t cairn_arg_num(const char *args, const char *key, uint64_t def)
{
    size_t len;
    uint64_t n;
    const char *v = args_find(args, key, &len);
    return v && args_parse(v, len, &n) == CAIRN_OK ? n : def;
}

int64_t cairn_arg_int(const char *args, const char *key, int64_t def)
{
    size_t len;
    uint64_t n;
    const char *v = args_find(args, key, &len);
    if (!v)
        return def;
    int neg = len && v[0] == '-';
    if (args_parse(v + neg, len - (size_t)neg, &n) != CAIRN_OK || n > INT64_MAX)
        return def;
    return neg ? -(int64_t)n : (int64_t)n;
}
