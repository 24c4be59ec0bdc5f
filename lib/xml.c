/*
 * XML subset parser: one pass over the buffer with an explicit stack of
 * open elements (no recursion), filling the caller's node array.
 *
 * Every read is guarded by `pos < len`; `xml_at` returns 0 past the end,
 * so a look-ahead such as "<!--" can be tested byte by byte without
 * reading outside the buffer.
 */
#include <cairn/xml.h>

#include <cairn/fmt.h>
#include <stdarg.h>
#include <string.h>

#define XML_CLIP 40 /* longest name quoted in a message */

struct xml_parser {
    struct xml_doc *doc;
    const char *s;
    uint32_t len, pos;
    uint32_t lc_off, lc_line, lc_bol; /* line cache: line of lc_off, its start */
    uint32_t depth;                   /* elements open */
    int32_t open[XML_MAX_DEPTH];      /* the open elements, root first */
    int32_t last[XML_MAX_DEPTH];      /* last child of each open element */
};

/* --- characters ----------------------------------------------------------- */

static bool xml_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool xml_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static bool xml_name_char(char c)
{
    return xml_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int xml_clip(size_t len)
{
    return len > XML_CLIP ? XML_CLIP : (int)len;
}

static char xml_at(const struct xml_parser *p, uint32_t off)
{
    return off < p->len ? p->s[off] : 0;
}

static bool xml_looking_at(const struct xml_parser *p, const char *lit)
{
    size_t n = strlen(lit);

    return p->len - p->pos >= n && !memcmp(p->s + p->pos, lit, n);
}

/* Length of the name at off (0 if none starts there). */
static uint32_t xml_name_len(const struct xml_parser *p, uint32_t off)
{
    uint32_t i = off;

    if (!xml_name_start(xml_at(p, i)))
        return 0;
    while (i < p->len && xml_name_char(p->s[i]))
        i++;
    return i - off;
}

/* Skip blanks; true if there were any. */
static bool xml_skip_blanks(struct xml_parser *p)
{
    uint32_t from = p->pos;

    while (p->pos < p->len && xml_blank(p->s[p->pos]))
        p->pos++;
    return p->pos != from;
}

/* --- positions and errors ------------------------------------------------- */

static void xml_lines(const char *s, uint32_t from, uint32_t to, uint32_t *line, uint32_t *bol)
{
    for (uint32_t i = from; i < to; i++)
        if (s[i] == '\n') {
            (*line)++;
            *bol = i + 1;
        }
}

/* Position of off; amortised linear while offsets grow, as they do. */
static void xml_lc(struct xml_parser *p, uint32_t off, uint32_t *line, uint32_t *col)
{
    if (off > p->len)
        off = p->len;
    if (off < p->lc_off) {
        p->lc_off = 0;
        p->lc_line = 1;
        p->lc_bol = 0;
    }
    xml_lines(p->s, p->lc_off, off, &p->lc_line, &p->lc_bol);
    p->lc_off = off;
    *line = p->lc_line;
    *col = off - p->lc_bol + 1;
}

void xml_position(const struct xml_doc *doc, size_t off, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, bol = 0, end = off > doc->len ? (uint32_t)doc->len : (uint32_t)off;

    xml_lines(doc->buf, 0, end, &l, &bol);
    *line = l;
    *col = end - bol + 1;
}

static cairn_status_t __attribute__((format(printf, 3, 4)))
xml_fail(struct xml_parser *p, uint32_t off, const char *fmt, ...)
{
    struct xml_doc *d = p->doc;
    char msg[XML_MSG_MAX - 32]; /* room for "line L:C: " */
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    xml_lc(p, off, &d->err_line, &d->err_col);
    snprintf(d->err, sizeof d->err, "line %u:%u: %s", d->err_line, d->err_col, msg);
    return CAIRN_EINVAL;
}

/* Name of node i, for "%.*s". */
#define XML_NODE_NAME(p, i) xml_clip((p)->doc->nodes[i].name_len), (p)->s + (p)->doc->nodes[i].name

/* --- references ----------------------------------------------------------- */

static bool xml_char_ok(uint32_t cp)
{
    return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
           (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* The digit's value, or 16 for a character that is no hex digit. */
static unsigned xml_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (unsigned)(c - 'A' + 10);
    return 16;
}

/* "&#65;" or "&#x41;": length and code point, 0 if malformed. */
static size_t xml_char_ref(const char *s, size_t n, uint32_t *cp)
{
    bool hex = n > 2 && s[2] == 'x';
    size_t i = hex ? 3 : 2, first = i;
    uint32_t v = 0;

    for (; i < n && i - first < 8; i++) {
        unsigned d = xml_hex_digit(s[i]);
        if (d >= (hex ? 16u : 10u))
            break;
        v = v * (hex ? 16 : 10) + d;
    }
    if (i == first || i >= n || s[i] != ';' || !xml_char_ok(v))
        return 0;
    *cp = v;
    return i + 1;
}

/* The reference at s (s[0] == '&'): its length and code point, 0 if bad. */
static size_t xml_ref(const char *s, size_t n, uint32_t *cp)
{
    static const struct {
        const char *ref;
        char c;
    } named[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};

    if (n > 1 && s[1] == '#')
        return xml_char_ref(s, n, cp);
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t l = strlen(named[i].ref);
        if (n >= l && !memcmp(s, named[i].ref, l)) {
            *cp = (uint32_t)named[i].c;
            return l;
        }
    }
    return 0;
}

static size_t xml_utf8(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/*
 * Decode a raw value: references become their characters and, as XML
 * normalises attribute values, a literal tab, newline or CR becomes a
 * space (CR LF one space). A bad reference is copied as it is (the parser
 * has already rejected it in a document).
 */
cairn_status_t xml_decode(const char *raw, size_t raw_len, char *buf, size_t size, size_t *len)
{
    size_t o = 0, need = 0;

    for (size_t i = 0; i < raw_len;) {
        char tmp[4] = {raw[i]};
        size_t n = 1, adv = 1, ref;
        uint32_t cp;

        if (raw[i] == '&' && (ref = xml_ref(raw + i, raw_len - i, &cp))) {
            adv = ref;
            n = xml_utf8(cp, tmp);
        } else if (raw[i] == '\r' && i + 1 < raw_len && raw[i + 1] == '\n') {
            n = 0;
        } else if (xml_blank(raw[i])) {
            tmp[0] = ' ';
        }
        for (size_t k = 0; k < n; k++, need++)
            if (need + 1 < size)
                buf[o++] = tmp[k];
        i += adv;
    }
    if (size)
        buf[o] = 0;
    if (len)
        *len = need;
    return need < size ? CAIRN_OK : CAIRN_ETOOLONG;
}

/* --- markup --------------------------------------------------------------- */

/* Skip from p->pos (at `open`) past `close`; error if it never comes. */
static cairn_status_t xml_skip_until(struct xml_parser *p, size_t open, const char *close,
                                     const char *what)
{
    uint32_t at = p->pos;
    size_t n = strlen(close);

    for (p->pos += (uint32_t)open; p->len - p->pos >= n; p->pos++)
        if (!memcmp(p->s + p->pos, close, n)) {
            p->pos += (uint32_t)n;
            return CAIRN_OK;
        }
    return xml_fail(p, at, "unterminated %s", what);
}

/* "<!..." inside or outside the root: only comments are accepted. */
static cairn_status_t xml_bang(struct xml_parser *p)
{
    if (xml_looking_at(p, "<!--"))
        return xml_skip_until(p, 4, "-->", "comment");
    if (xml_looking_at(p, "<![CDATA["))
        return xml_fail(p, p->pos, "CDATA sections are not supported");
    if (xml_looking_at(p, "<!DOCTYPE"))
        return xml_fail(p, p->pos, "DOCTYPE declarations are not supported");
    return xml_fail(p, p->pos, "unexpected '<!' (only comments <!-- ... --> are supported)");
}

/* Blanks, comments and <?...?> around the root. Stops at an element's '<'
 * or the end. */
static cairn_status_t xml_misc(struct xml_parser *p)
{
    for (;;) {
        xml_skip_blanks(p);
        if (p->pos >= p->len)
            return CAIRN_OK;
        if (xml_looking_at(p, "<?")) {
            if (xml_skip_until(p, 2, "?>", "declaration <?...?>") != CAIRN_OK)
                return CAIRN_EINVAL;
        } else if (xml_looking_at(p, "<!")) {
            if (xml_bang(p) != CAIRN_OK)
                return CAIRN_EINVAL;
        } else if (p->s[p->pos] == '<') {
            return CAIRN_OK;
        } else {
            return xml_fail(p, p->pos, "text outside the root element");
        }
    }
}

/* The quoted value at p->pos of attribute [an, an + al) of element `el`. */
static cairn_status_t xml_value(struct xml_parser *p, uint32_t an, uint32_t al, uint32_t el,
                                uint32_t el_len)
{
    uint32_t q = p->pos;
    char quote = xml_at(p, q);
    int cn = xml_clip(al), en = xml_clip(el_len);
    const char *a = p->s + an, *e = p->s + el;

    if (quote != '"' && quote != '\'')
        return xml_fail(p, q, "expected a quoted value for attribute '%.*s' of <%.*s>",
                        cn, a, en, e);
    for (p->pos++; p->pos < p->len && p->s[p->pos] != quote;) {
        unsigned char c = (unsigned char)p->s[p->pos];
        uint32_t cp;
        size_t n = 1;

        if (c == '<')
            return xml_fail(p, p->pos,
                            "'<' in the value of attribute '%.*s' of <%.*s> (write &lt;)",
                            cn, a, en, e);
        if (c == '&' && !(n = xml_ref(p->s + p->pos, p->len - p->pos, &cp)))
            return xml_fail(p, p->pos,
                            "bad reference in the value of attribute '%.*s' of <%.*s> "
                            "(write &amp; for '&')",
                            cn, a, en, e);
        if (c < 0x20 && !xml_blank((char)c))
            return xml_fail(p, p->pos,
                            "control character 0x%02x in the value of attribute '%.*s' of <%.*s>",
                            c, cn, a, en, e);
        p->pos += (uint32_t)n;
    }
    if (p->pos >= p->len)
        return xml_fail(p, q, "unterminated value of attribute '%.*s' of <%.*s>", cn, a, en, e);
    p->pos++;
    return CAIRN_OK;
}

/* Attributes of the start tag whose name is [el, el + el_len); stops past
 * '>' or '/>', with *end at that '>' or '/' and *empty set for '/>'. */
static cairn_status_t xml_attrs(struct xml_parser *p, uint32_t line, uint32_t el, uint32_t el_len,
                                uint32_t *end, bool *empty)
{
    uint32_t names[XML_MAX_ATTRS], lens[XML_MAX_ATTRS], n = 0;
    int en = xml_clip(el_len);
    const char *e = p->s + el;

    for (;;) {
        bool blank = xml_skip_blanks(p);
        char c = xml_at(p, p->pos);

        *end = p->pos;
        if (p->pos >= p->len)
            return xml_fail(p, p->len, "end of input inside the start tag of <%.*s> (line %u)",
                            en, e, line);
        if (c == '>' || (c == '/' && xml_at(p, p->pos + 1) == '>')) {
            *empty = c == '/';
            p->pos += *empty ? 2 : 1;
            return CAIRN_OK;
        }
        if (c == '/')
            return xml_fail(p, p->pos, "expected '>' after '/' in <%.*s>", en, e);
        if (!xml_name_start(c))
            return xml_fail(p, p->pos, "expected '>' after attribute list of <%.*s>", en, e);
        if (!blank)
            return xml_fail(p, p->pos, "expected a blank before attribute in <%.*s>", en, e);

        uint32_t an = p->pos, al = xml_name_len(p, an);
        for (uint32_t i = 0; i < n; i++)
            if (lens[i] == al && !memcmp(p->s + names[i], p->s + an, al))
                return xml_fail(p, an, "duplicate attribute '%.*s' in <%.*s>", xml_clip(al),
                                p->s + an, en, e);
        if (n == XML_MAX_ATTRS)
            return xml_fail(p, an, "more than %d attributes in <%.*s>", XML_MAX_ATTRS, en, e);
        names[n] = an;
        lens[n++] = al;
        p->pos = an + al;
        xml_skip_blanks(p);
        if (xml_at(p, p->pos) != '=')
            return xml_fail(p, p->pos, "expected '=' after attribute '%.*s' in <%.*s>",
                            xml_clip(al), p->s + an, en, e);
        p->pos++;
        xml_skip_blanks(p);
        if (xml_value(p, an, al, el, el_len) != CAIRN_OK)
            return CAIRN_EINVAL;
    }
}

/* Hang node i under the innermost open element. */
static void xml_link(struct xml_parser *p, int32_t i)
{
    struct xml_node *nodes = p->doc->nodes;

    if (!p->depth) {
        nodes[i].parent = -1;
        return;
    }
    int32_t parent = p->open[p->depth - 1], last = p->last[p->depth - 1];
    nodes[i].parent = parent;
    if (last < 0)
        nodes[parent].first_child = i;
    else
        nodes[last].next_sibling = i;
    p->last[p->depth - 1] = i;
}

/* A start tag at p->pos ('<' followed by no '/', '!' or '?'). */
static cairn_status_t xml_start_tag(struct xml_parser *p)
{
    struct xml_doc *d = p->doc;
    uint32_t lt = p->pos, name = lt + 1, nl = xml_name_len(p, name), end, line, col;
    bool empty;

    if (!nl)
        return xml_fail(p, name, "expected an element name after '<'");
    if (p->depth >= XML_MAX_DEPTH)
        return xml_fail(p, lt, "<%.*s> nested deeper than %d elements", xml_clip(nl), p->s + name,
                        XML_MAX_DEPTH);
    if (d->count >= d->cap)
        return xml_fail(p, lt, "more than %u elements", d->cap);
    xml_lc(p, lt, &line, &col);
    p->pos = name + nl;
    if (xml_attrs(p, line, name, nl, &end, &empty) != CAIRN_OK)
        return CAIRN_EINVAL;

    int32_t i = (int32_t)d->count++;
    d->nodes[i] = (struct xml_node){
        .name = name,
        .name_len = nl,
        .attrs = name + nl,
        .attrs_len = end - (name + nl),
        .start = lt,
        .end = p->pos,
        .text = XML_NO_TEXT,
        .line = line,
        .col = col,
        .first_child = -1,
        .next_sibling = -1,
    };
    xml_link(p, i);
    if (!empty) {
        p->open[p->depth] = i;
        p->last[p->depth++] = -1;
    }
    return CAIRN_OK;
}

/* An end tag at p->pos ("</"): it must close the innermost open element. */
static cairn_status_t xml_end_tag(struct xml_parser *p)
{
    uint32_t lt = p->pos, name = lt + 2, nl = xml_name_len(p, name);
    int32_t top = p->open[p->depth - 1];
    struct xml_node *t = &p->doc->nodes[top];

    if (!nl)
        return xml_fail(p, name, "expected an element name after '</'");
    p->pos = name + nl;
    xml_skip_blanks(p);
    if (xml_at(p, p->pos) != '>')
        return xml_fail(p, p->pos, "expected '>' to end </%.*s>", xml_clip(nl), p->s + name);
    if (nl != t->name_len || memcmp(p->s + name, p->s + t->name, nl))
        return xml_fail(p, lt, "</%.*s> closes <%.*s> opened at line %u", xml_clip(nl), p->s + name,
                        XML_NODE_NAME(p, top), t->line);
    t->end = ++p->pos;
    p->depth--;
    return CAIRN_OK;
}

/* Text up to the next '<': remembered, or an error with XML_TEXT_ERROR. */
static cairn_status_t xml_text(struct xml_parser *p)
{
    int32_t top = p->open[p->depth - 1];
    struct xml_node *t = &p->doc->nodes[top];

    for (; p->pos < p->len && p->s[p->pos] != '<'; p->pos++) {
        if (xml_blank(p->s[p->pos]) || t->text != XML_NO_TEXT)
            continue;
        if (p->doc->flags & XML_TEXT_ERROR)
            return xml_fail(p, p->pos, "unexpected text inside <%.*s>", XML_NODE_NAME(p, top));
        t->text = p->pos;
    }
    return CAIRN_OK;
}

/* One piece of content of the open element (or the root's start tag). */
static cairn_status_t xml_content(struct xml_parser *p)
{
    char c1 = xml_at(p, p->pos + 1);

    if (p->s[p->pos] != '<')
        return xml_text(p);
    if (c1 == '/')
        return xml_end_tag(p);
    if (c1 == '!')
        return xml_bang(p);
    if (c1 == '?')
        return xml_fail(p, p->pos, "<?...?> inside <%.*s> is not supported",
                        XML_NODE_NAME(p, p->open[p->depth - 1]));
    return xml_start_tag(p);
}

/* The whole document; CAIRN_EINVAL (with doc->err set) at the first error.
 * Every step below fails that way, through xml_fail. */
static cairn_status_t xml_document(struct xml_doc *doc, const char *buf, size_t len,
                                   struct xml_node *nodes, uint32_t cap, unsigned flags)
{
    struct xml_parser p = {.doc = doc, .s = buf, .lc_line = 1};

    *doc = (struct xml_doc){.buf = buf, .len = len, .nodes = nodes, .cap = cap, .flags = flags};
    if (len >= UINT32_MAX)
        return xml_fail(&p, 0, "input too large");
    p.len = (uint32_t)len;
    if (xml_looking_at(&p, "\xef\xbb\xbf"))
        p.pos = 3;
    if (xml_misc(&p) != CAIRN_OK)
        return CAIRN_EINVAL;
    if (p.pos >= p.len)
        return xml_fail(&p, p.pos, "no root element");
    if (xml_start_tag(&p) != CAIRN_OK)
        return CAIRN_EINVAL;
    while (p.depth && p.pos < p.len)
        if (xml_content(&p) != CAIRN_OK)
            return CAIRN_EINVAL;
    if (p.depth)
        return xml_fail(&p, p.len, "end of input: <%.*s> opened at line %u is not closed",
                        XML_NODE_NAME(&p, p.open[p.depth - 1]), nodes[p.open[p.depth - 1]].line);
    if (xml_misc(&p) != CAIRN_OK)
        return CAIRN_EINVAL;
    if (p.pos < p.len)
        return xml_fail(&p, p.pos, "content after the end of the root element <%.*s>",
                        XML_NODE_NAME(&p, 0));
    return CAIRN_OK;
}

cairn_status_t xml_parse(struct xml_doc *doc, const char *buf, size_t len, struct xml_node *nodes,
                         uint32_t cap, unsigned flags)
{
    return xml_document(doc, buf, len, nodes, cap, flags);
}

/* --- walking -------------------------------------------------------------- */

const struct xml_node *xml_root(const struct xml_doc *doc)
{
    return doc->count ? &doc->nodes[0] : 0;
}

const char *xml_name(const struct xml_doc *doc, const struct xml_node *n, size_t *len)
{
    *len = n->name_len;
    return doc->buf + n->name;
}

bool xml_is(const struct xml_doc *doc, const struct xml_node *n, const char *name)
{
    return !name || (strlen(name) == n->name_len && !memcmp(doc->buf + n->name, name, n->name_len));
}

static const struct xml_node *xml_from(const struct xml_doc *doc, int32_t i, const char *name)
{
    for (; i >= 0 && (uint32_t)i < doc->count; i = doc->nodes[i].next_sibling)
        if (xml_is(doc, &doc->nodes[i], name))
            return &doc->nodes[i];
    return 0;
}

const struct xml_node *xml_child(const struct xml_doc *doc, const struct xml_node *n,
                                 const char *name)
{
    return xml_from(doc, n->first_child, name);
}

const struct xml_node *xml_next(const struct xml_doc *doc, const struct xml_node *n,
                                const char *name)
{
    return xml_from(doc, n->next_sibling, name);
}

const struct xml_node *xml_parent(const struct xml_doc *doc, const struct xml_node *n)
{
    return n->parent >= 0 ? &doc->nodes[n->parent] : 0;
}

/* --- attributes ----------------------------------------------------------- */

/* The attribute list was checked by the parser; the bounds are kept anyway. */
bool xml_attr_next(const struct xml_doc *doc, const struct xml_node *n, size_t *cursor,
                   struct xml_attr *a)
{
    const char *s = doc->buf;
    size_t i = n->attrs + *cursor, end = n->attrs + n->attrs_len, v;

    while (i < end && xml_blank(s[i]))
        i++;
    if (i >= end || !xml_name_start(s[i]))
        return false;
    a->off = (uint32_t)i;
    a->name = s + i;
    while (i < end && xml_name_char(s[i]))
        i++;
    a->name_len = (size_t)(s + i - a->name);
    while (i < end && (xml_blank(s[i]) || s[i] == '='))
        i++;
    if (i >= end || (s[i] != '"' && s[i] != '\''))
        return false;
    for (v = i + 1; v < end && s[v] != s[i]; v++)
        ;
    if (v >= end)
        return false;
    a->value = s + i + 1;
    a->value_len = v - i - 1;
    *cursor = v + 1 - n->attrs;
    return true;
}

bool xml_attr_is(const struct xml_attr *a, const char *name)
{
    return strlen(name) == a->name_len && !memcmp(a->name, name, a->name_len);
}

bool xml_attr_find(const struct xml_doc *doc, const struct xml_node *n, const char *name,
                   struct xml_attr *a)
{
    size_t cursor = 0;

    while (xml_attr_next(doc, n, &cursor, a))
        if (xml_attr_is(a, name))
            return true;
    return false;
}

cairn_status_t xml_attr_string(const struct xml_doc *doc, const struct xml_node *n,
                               const char *name, char *buf, size_t size, size_t *len)
{
    struct xml_attr a;

    if (!xml_attr_find(doc, n, name, &a)) {
        if (size)
            buf[0] = 0;
        return CAIRN_ENOTFOUND;
    }
    return xml_decode(a.value, a.value_len, buf, size, len);
}

/* --- numbers -------------------------------------------------------------- */

cairn_status_t xml_parse_u64(const char *s, size_t len, uint64_t *out)
{
    bool hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    unsigned base = hex ? 16 : 10;
    uint64_t v = 0;
    size_t i = hex ? 2 : 0;

    if (i == len)
        return CAIRN_EINVAL;
    for (; i < len; i++) {
        unsigned d = xml_hex_digit(s[i]);
        if (d >= base)
            return CAIRN_EINVAL;
        if (v > (UINT64_MAX - d) / base)
            return CAIRN_ERANGE;
        v = v * base + d;
    }
    *out = v;
    return CAIRN_OK;
}

/* Decimal digits only (no 0x), for the signed and size forms. */
static cairn_status_t xml_parse_dec(const char *s, size_t len, uint64_t *out)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return CAIRN_EINVAL;
    return xml_parse_u64(s, len, out);
}

cairn_status_t xml_parse_i64(const char *s, size_t len, int64_t *out)
{
    bool neg = len && s[0] == '-';
    uint64_t v, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    cairn_status_t st = xml_parse_dec(s + neg, len - neg, &v);

    if (st != CAIRN_OK)
        return st;
    if (v > max)
        return CAIRN_ERANGE;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return CAIRN_OK;
}

cairn_status_t xml_parse_size(const char *s, size_t len, uint64_t *out)
{
    unsigned shift = 0;
    uint64_t v;
    char last = len ? s[len - 1] : 0;

    if (last == 'K' || last == 'M' || last == 'G') {
        shift = last == 'K' ? 10 : last == 'M' ? 20 : 30;
        len--;
    }
    cairn_status_t st = xml_parse_dec(s, len, &v);
    if (st != CAIRN_OK)
        return st;
    if (v > UINT64_MAX >> shift)
        return CAIRN_ERANGE;
    *out = v << shift;
    return CAIRN_OK;
}

/* Decode attribute `name` into a number buffer. */
static cairn_status_t xml_attr_num(const struct xml_doc *doc, const struct xml_node *n,
                                   const char *name, char buf[XML_NUM_MAX + 1], size_t *len)
{
    cairn_status_t st = xml_attr_string(doc, n, name, buf, XML_NUM_MAX + 1, len);

    return st == CAIRN_ETOOLONG ? CAIRN_EINVAL : st;
}

cairn_status_t xml_attr_u64(const struct xml_doc *doc, const struct xml_node *n, const char *name,
                            uint64_t *out)
{
    char buf[XML_NUM_MAX + 1];
    size_t len;
    cairn_status_t st = xml_attr_num(doc, n, name, buf, &len);

    return st == CAIRN_OK ? xml_parse_u64(buf, len, out) : st;
}

cairn_status_t xml_attr_i64(const struct xml_doc *doc, const struct xml_node *n, const char *name,
                            int64_t *out)
{
    char buf[XML_NUM_MAX + 1];
    size_t len;
    cairn_status_t st = xml_attr_num(doc, n, name, buf, &len);

    return st == CAIRN_OK ? xml_parse_i64(buf, len, out) : st;
}

cairn_status_t xml_attr_size(const struct xml_doc *doc, const struct xml_node *n, const char *name,
                             uint64_t *out)
{
    char buf[XML_NUM_MAX + 1];
    size_t len;
    cairn_status_t st = xml_attr_num(doc, n, name, buf, &len);

    return st == CAIRN_OK ? xml_parse_size(buf, len, out) : st;
}

const char *xml_value_error(cairn_status_t st)
{
    switch (st) {
    case CAIRN_OK: return "ok";
    case CAIRN_ENOTFOUND: return "missing";
    case CAIRN_ETOOLONG: return "too long";
    case CAIRN_EINVAL: return "malformed";
    case CAIRN_ERANGE: return "too large";
    default: return "?";
    }
}
