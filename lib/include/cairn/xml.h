/*
 * XML subset parser (lib/xml.c): non-allocating, over a const buffer.
 *
 * Accepted: elements with attributes ('...' or "..." values), self-closing
 * tags, nesting up to XML_MAX_DEPTH, comments, a leading UTF-8 BOM, the
 * XML declaration and other <?...?> before or after the root element, and
 * the references &lt; &gt; &amp; &quot; &apos; &#N; &#xN; in attribute
 * values (decoded when a value is copied). Not accepted: CDATA, DOCTYPE,
 * processing instructions inside elements, non-ASCII names. Text between
 * elements is skipped; each node remembers where its first non-blank text
 * is, so a caller can reject it (or pass XML_TEXT_ERROR to make any text an
 * error).
 *
 * The parser fills a caller's node array in document order (the root is
 * nodes[0]) and never reads outside [buf, buf + len): the buffer needs no
 * NUL terminator. It is iterative: nesting is bounded by XML_MAX_DEPTH, not
 * by the stack. The first error stops it; doc->err then reads
 * "line L:C: message".
 *
 *   nodes[0] <config>                       first_child ─┐
 *     nodes[1] <parent-provides>  <─────────────────────┘ next_sibling ─┐
 *       nodes[2] <service/>                                             │
 *     nodes[3] <start>  <───────────────────────────────────────────────┘
 *
 * A parsed document points into buf: keep buf alive while using it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>

#define XML_MAX_DEPTH 32         /* elements open at once (the root is 1) */
#define XML_MAX_ATTRS 32         /* attributes of one element */
#define XML_MSG_MAX   160        /* error message, NUL included */
#define XML_NO_TEXT   UINT32_MAX /* xml_node.text: no text inside */
#define XML_NUM_MAX   63         /* longest number value accepted */

/* xml_parse flags */
#define XML_TEXT_ERROR (1u << 0) /* non-blank text inside an element is an error */

/* One element. Offsets index doc->buf; indices index doc->nodes (-1: none). */
struct xml_node {
    uint32_t name, name_len;   /* element name */
    uint32_t attrs, attrs_len; /* attribute list: after the name, before '>' or '/>' */
    uint32_t start, end;       /* the element: its '<' .. past the '>' that ends it */
    uint32_t text;             /* first non-blank text directly inside, or XML_NO_TEXT */
    uint32_t line, col;        /* position of its '<', from 1 */
    int32_t parent, first_child, next_sibling;
};

struct xml_doc {
    const char *buf;
    size_t len;
    struct xml_node *nodes;
    uint32_t cap, count;
    unsigned flags;
    uint32_t err_line, err_col; /* where parsing stopped; 0 if it did not */
    char err[XML_MSG_MAX];      /* "line L:C: message", or "" */
};

/* One attribute as written: value without quotes, references not decoded. */
struct xml_attr {
    const char *name, *value;
    size_t name_len, value_len;
    uint32_t off; /* offset of the name in doc->buf */
};

/*
 * Statuses (<cairn/status.h>) of the value functions below:
 *   CAIRN_OK
 *   CAIRN_ENOTFOUND  no such attribute
 *   CAIRN_ETOOLONG   the decoded value does not fit the buffer
 *   CAIRN_EINVAL     not a number / size
 *   CAIRN_ERANGE     a number or size above UINT64_MAX (INT64 range for i64)
 */

/* Parse buf[0..len) into nodes[0..cap). CAIRN_OK if the whole buffer is
 * one well-formed element (plus blanks, comments and declarations), else
 * CAIRN_EINVAL with the reason in doc->err. */
cairn_status_t xml_parse(struct xml_doc *doc, const char *buf, size_t len, struct xml_node *nodes,
                         uint32_t cap, unsigned flags);

/* Line and column (from 1) of a byte offset (scans from the start). */
void xml_position(const struct xml_doc *doc, size_t off, uint32_t *line, uint32_t *col);

/* --- walking the tree: name 0 matches any element ------------------------ */
const struct xml_node *xml_root(const struct xml_doc *doc);
const struct xml_node *xml_child(const struct xml_doc *doc, const struct xml_node *n,
                                 const char *name);
const struct xml_node *xml_next(const struct xml_doc *doc, const struct xml_node *n,
                                const char *name);
const struct xml_node *xml_parent(const struct xml_doc *doc, const struct xml_node *n);
bool xml_is(const struct xml_doc *doc, const struct xml_node *n, const char *name);
/* The element's name (not NUL-terminated) and its length. */
const char *xml_name(const struct xml_doc *doc, const struct xml_node *n, size_t *len);

/* --- attributes ----------------------------------------------------------- */
/* Iterate: set *cursor = 0 first; returns false after the last one. */
bool xml_attr_next(const struct xml_doc *doc, const struct xml_node *n, size_t *cursor,
                   struct xml_attr *a);
bool xml_attr_find(const struct xml_doc *doc, const struct xml_node *n, const char *name,
                   struct xml_attr *a);
bool xml_attr_is(const struct xml_attr *a, const char *name);

/* The decoded value, NUL-terminated, into buf[0..size). On CAIRN_ETOOLONG buf
 * holds a truncated prefix. *len (if given) gets the decoded length. */
cairn_status_t xml_attr_string(const struct xml_doc *doc, const struct xml_node *n,
                               const char *name, char *buf, size_t size, size_t *len);
/* Decimal or 0x-hexadecimal. */
cairn_status_t xml_attr_u64(const struct xml_doc *doc, const struct xml_node *n, const char *name,
                            uint64_t *out);
/* Decimal with an optional '-'. */
cairn_status_t xml_attr_i64(const struct xml_doc *doc, const struct xml_node *n, const char *name,
                            int64_t *out);
/* Bytes: decimal with an optional K, M or G suffix (binary: 1K = 1024). */
cairn_status_t xml_attr_size(const struct xml_doc *doc, const struct xml_node *n, const char *name,
                             uint64_t *out);

/* Decode a raw value (as written, see xml_attr) like xml_attr_string. */
cairn_status_t xml_decode(const char *raw, size_t raw_len, char *buf, size_t size, size_t *len);
/* The number forms above, on decoded text s[0..len) (no NUL needed). */
cairn_status_t xml_parse_u64(const char *s, size_t len, uint64_t *out);
cairn_status_t xml_parse_i64(const char *s, size_t len, int64_t *out);
cairn_status_t xml_parse_size(const char *s, size_t len, uint64_t *out);

/* "missing", "too long", "malformed", "too large" for a value function's
 * status, for messages. */
const char *xml_value_error(cairn_status_t st);
