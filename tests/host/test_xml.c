/* Host tests of the XML subset parser (lib/xml.c). */
// SOURCES: lib/xml.c
#include "host.h"

#include <cairn/xml.h>
#include <stdio.h>

#define NODES 64

static struct xml_node nodes[NODES];
static struct xml_doc doc;
static char *copy; /* the parsed text, exactly as long as it: no NUL after it */

static int teardown(void **state)
{
    free(copy);
    copy = 0;
    return 0;
}

/* Parse s[0..len) from a heap copy of exactly len bytes, so ASan catches
 * any read past the end. */
static bool parse_n(const char *s, size_t len, unsigned flags)
{
    free(copy);
    copy = malloc(len ? len : 1);
    memcpy(copy, s, len);
    return xml_parse(&doc, copy, len, nodes, NODES, flags) == CAIRN_OK;
}

static bool parse(const char *s)
{
    return parse_n(s, strlen(s), 0);
}

/* The parse fails with exactly this message. */
static void fails(const char *s, const char *msg)
{
    assert_false(parse(s));
    assert_string_equal(doc.err, msg);
}

/* Does s contain part? (The host tests' <string.h> is the runtime's.) */
static bool has(const char *s, const char *part)
{
    for (size_t n = strlen(part); *s; s++)
        if (!strncmp(s, part, n))
            return true;
    return false;
}

static void test_tree(void **state)
{
    const char *s = "<a x=\"1\">\n"
                    "  <b y='2'/>\n"
                    "  <c><d/></c>\n"
                    "  <b/>\n"
                    "</a>\n";
    const struct xml_node *a, *b, *c;

    assert_true(parse(s));
    assert_int_equal(doc.count, 5);
    a = xml_root(&doc);
    assert_true(xml_is(&doc, a, "a"));
    assert_int_equal(a->line, 1);
    assert_int_equal(a->start, 0);
    assert_int_equal(a->end, strlen(s) - 1);
    assert_null(xml_parent(&doc, a));
    b = xml_child(&doc, a, "b");
    assert_non_null(b);
    assert_int_equal(b->line, 2);
    assert_int_equal(b->col, 3);
    assert_ptr_equal(xml_parent(&doc, b), a);
    c = xml_next(&doc, b, 0);
    assert_true(xml_is(&doc, c, "c"));
    assert_true(xml_is(&doc, xml_child(&doc, c, 0), "d"));
    assert_int_equal(xml_child(&doc, c, 0)->line, 3);
    b = xml_next(&doc, b, "b");
    assert_non_null(b);
    assert_int_equal(b->line, 4);
    assert_null(xml_next(&doc, b, 0));
    assert_null(xml_child(&doc, a, "e"));
    assert_null(xml_child(&doc, b, 0));

    size_t len;
    const char *name = xml_name(&doc, c, &len);
    assert_int_equal(len, 1);
    assert_memory_equal(name, "c", 1);
    assert_int_equal(a->text, XML_NO_TEXT);
}

static void test_attributes(void **state)
{
    char buf[32];
    struct xml_attr at;
    size_t cursor = 0, len;

    assert_true(parse("<a one=\"1\" two = 'zwei' three=\"\" four='a\"b' five=\"c'd\"/>"));
    const struct xml_node *a = xml_root(&doc);
    const char *names[] = {"one", "two", "three", "four", "five"};
    for (int i = 0; i < 5; i++) {
        assert_true(xml_attr_next(&doc, a, &cursor, &at));
        assert_true(xml_attr_is(&at, names[i]));
    }
    assert_false(xml_attr_next(&doc, a, &cursor, &at));
    assert_int_equal(xml_attr_string(&doc, a, "two", buf, sizeof buf, &len), CAIRN_OK);
    assert_string_equal(buf, "zwei");
    assert_int_equal(len, 4);
    assert_int_equal(xml_attr_string(&doc, a, "three", buf, sizeof buf, &len), CAIRN_OK);
    assert_string_equal(buf, "");
    assert_int_equal(xml_attr_string(&doc, a, "four", buf, sizeof buf, 0), CAIRN_OK);
    assert_string_equal(buf, "a\"b");
    assert_int_equal(xml_attr_string(&doc, a, "five", buf, sizeof buf, 0), CAIRN_OK);
    assert_string_equal(buf, "c'd");
    assert_int_equal(xml_attr_string(&doc, a, "six", buf, sizeof buf, 0), CAIRN_ENOTFOUND);
    assert_string_equal(buf, "");
    assert_false(xml_attr_find(&doc, a, "on", &at));
    assert_true(xml_attr_find(&doc, a, "one", &at));
    assert_int_equal(at.value_len, 1);
    assert_int_equal(at.off, 3);
}

static void test_string_bounds(void **state)
{
    char buf[8];
    size_t len;

    assert_true(parse("<a seven=\"1234567\" eight=\"12345678\"/>"));
    assert_int_equal(xml_attr_string(&doc, &nodes[0], "seven", buf, sizeof buf, &len), CAIRN_OK);
    assert_string_equal(buf, "1234567");
    assert_int_equal(xml_attr_string(&doc, &nodes[0], "eight", buf, sizeof buf, &len),
                     CAIRN_ETOOLONG);
    assert_string_equal(buf, "1234567");
    assert_int_equal(len, 8);
    assert_int_equal(xml_attr_string(&doc, &nodes[0], "eight", buf, 0, &len), CAIRN_ETOOLONG);
}

static void test_entities(void **state)
{
    char buf[64];

    assert_true(parse("<a v=\"&lt;&gt;&amp;&quot;&apos;\" n='&#65;&#x42;&#x20AC;&#128512;' "
                      "w='a\tb\nc\r\nd' r='&#9;'/>"));
    assert_int_equal(xml_attr_string(&doc, &nodes[0], "v", buf, sizeof buf, 0), CAIRN_OK);
    assert_string_equal(buf, "<>&\"'");
    assert_int_equal(xml_attr_string(&doc, &nodes[0], "n", buf, sizeof buf, 0), CAIRN_OK);
    assert_string_equal(buf, "AB\xe2\x82\xac\xf0\x9f\x98\x80");
    /* literal blanks in a value are normalised to spaces, references are not */
    assert_int_equal(xml_attr_string(&doc, &nodes[0], "w", buf, sizeof buf, 0), CAIRN_OK);
    assert_string_equal(buf, "a b c d");
    assert_int_equal(xml_attr_string(&doc, &nodes[0], "r", buf, sizeof buf, 0), CAIRN_OK);
    assert_string_equal(buf, "\t");
    /* a decoded value that does not fit */
    assert_int_equal(xml_attr_string(&doc, &nodes[0], "v", buf, 5, 0), CAIRN_ETOOLONG);
    assert_string_equal(buf, "<>&\"");
}

static void test_bad_entities(void **state)
{
    fails("<a v='&foo;'/>",
          "line 1:7: bad reference in the value of attribute 'v' of <a> (write &amp; for '&')");
    assert_false(parse("<a v='&amp'/>"));
    assert_false(parse("<a v='a & b'/>"));
    assert_false(parse("<a v='&#0;'/>"));
    assert_false(parse("<a v='&#xD800;'/>"));
    assert_false(parse("<a v='&#x110000;'/>"));
    assert_false(parse("<a v='&#;'/>"));
    assert_false(parse("<a v='&#x;'/>"));
    assert_false(parse("<a v='&#1;'/>"));
    assert_false(parse("<a v='&#123456789;'/>"));
    assert_false(parse("<a v='&"));
    fails("<a v='<'/>", "line 1:7: '<' in the value of attribute 'v' of <a> (write &lt;)");
    fails("<a v='\x01'/>", "line 1:7: control character 0x01 in the value of attribute 'v' of <a>");
}

static void test_prolog_comments(void **state)
{
    assert_true(parse("\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<!-- a comment with <tags> and -- dashes -->\n"
                      "<a><!-- inside --><b/><!----></a>\n"
                      "<!-- after -->\n"));
    assert_int_equal(doc.count, 2);
    assert_int_equal(nodes[0].line, 3);
    assert_true(parse("<a/>"));
    assert_true(parse("  \n<a></a>  \n"));
}

static void test_text(void **state)
{
    assert_true(parse("<a>\n  <b/> hello <c/>world</a>"));
    assert_int_equal(nodes[0].text, 11);
    assert_int_equal(nodes[1].text, XML_NO_TEXT);
    assert_true(parse("<a>&amp; > </a>"));
    assert_int_equal(nodes[0].text, 3);
    assert_false(parse_n("<a>\n x</a>", 10, XML_TEXT_ERROR));
    assert_string_equal(doc.err, "line 2:2: unexpected text inside <a>");
    assert_true(parse_n("<a>\n \t\r\n </a>", 13, XML_TEXT_ERROR));
}

static void test_errors(void **state)
{
    fails("<config>\n  <start name=\"a\"\n  <binary/>\n</config>",
          "line 3:3: expected '>' after attribute list of <start>");
    fails("<config>\n<start>\n</config>", "line 3:1: </config> closes <start> opened at line 2");
    fails("<config>\n  <start name='x'>\n  </start>\n</start>",
          "line 4:1: </start> closes <config> opened at line 1");
    fails("<a>\n  <!-- no end -- >\n</a>", "line 2:3: unterminated comment");
    fails("<a name='x' b='1' name='y'/>", "line 1:19: duplicate attribute 'name' in <a>");
    fails("<a b='1'c='2'/>", "line 1:9: expected a blank before attribute in <a>");
    fails("<a b/>", "line 1:5: expected '=' after attribute 'b' in <a>");
    fails("<a b=1/>", "line 1:6: expected a quoted value for attribute 'b' of <a>");
    fails("<a b='1/>", "line 1:6: unterminated value of attribute 'b' of <a>");
    fails("<a b='1'", "line 1:9: end of input inside the start tag of <a> (line 1)");
    fails("<a / >", "line 1:4: expected '>' after '/' in <a>");
    fails("<a>\n<b>\n", "line 3:1: end of input: <b> opened at line 2 is not closed");
    fails("", "line 1:1: no root element");
    fails("  <!-- only -->  ", "line 1:18: no root element");
    fails("hello <a/>", "line 1:1: text outside the root element");
    fails("<a/> x", "line 1:6: text outside the root element");
    fails("<a/><b/>", "line 1:5: content after the end of the root element <a>");
    fails("<a/></a>", "line 1:5: content after the end of the root element <a>");
    fails("< a/>", "line 1:2: expected an element name after '<'");
    fails("<1/>", "line 1:2: expected an element name after '<'");
    fails("<a></ a>", "line 1:6: expected an element name after '</'");
    fails("<a></a b>", "line 1:8: expected '>' to end </a>");
    fails("<a><![CDATA[x]]></a>", "line 1:4: CDATA sections are not supported");
    fails("<!DOCTYPE a><a/>", "line 1:1: DOCTYPE declarations are not supported");
    fails("<a><!x></a>", "line 1:4: unexpected '<!' (only comments <!-- ... --> are supported)");
    fails("<a><?pi x?></a>", "line 1:4: <?...?> inside <a> is not supported");
    fails("<?xml version='1.0'", "line 1:1: unterminated declaration <?...?>");
    assert_true(parse("<a></a >"));
}

static void test_limits(void **state)
{
    char buf[2048];
    size_t n = 0;

    /* XML_MAX_DEPTH levels nest; one more does not */
    for (int i = 0; i < XML_MAX_DEPTH; i++)
        n += (size_t)sprintf(buf + n, "<e%d>", i);
    for (int i = XML_MAX_DEPTH - 1; i >= 0; i--)
        n += (size_t)sprintf(buf + n, "</e%d>", i);
    assert_true(parse_n(buf, n, 0));
    assert_int_equal(doc.count, XML_MAX_DEPTH);

    n = 0;
    for (int i = 0; i <= XML_MAX_DEPTH; i++)
        n += (size_t)sprintf(buf + n, "<e>");
    assert_false(parse_n(buf, n, 0));
    assert_string_equal(doc.err, "line 1:97: <e> nested deeper than 32 elements");

    /* a self-closing element at depth 33 counts too */
    n = 0;
    for (int i = 0; i < XML_MAX_DEPTH; i++)
        n += (size_t)sprintf(buf + n, "<e>");
    n += (size_t)sprintf(buf + n, "<f/>");
    assert_false(parse_n(buf, n, 0));

    /* node array full */
    n = (size_t)sprintf(buf, "<a>");
    for (int i = 0; i < NODES; i++)
        n += (size_t)sprintf(buf + n, "<b/>");
    n += (size_t)sprintf(buf + n, "</a>");
    assert_false(parse_n(buf, n, 0));
    assert_string_equal(doc.err, "line 1:256: more than 64 elements");

    /* attributes per element */
    n = (size_t)sprintf(buf, "<a");
    for (int i = 0; i <= XML_MAX_ATTRS; i++)
        n += (size_t)sprintf(buf + n, " a%d='%d'", i, i);
    n += (size_t)sprintf(buf + n, "/>");
    assert_false(parse_n(buf, n, 0));
    assert_true(has(doc.err, "more than 32 attributes in <a>"));
}

static void test_long_names_clipped(void **state)
{
    char buf[256];
    size_t n = (size_t)sprintf(buf, "<");

    memset(buf + n, 'x', 100);
    n += 100;
    n += (size_t)sprintf(buf + n, "></y>");
    assert_false(parse_n(buf, n, 0));
    /* names in messages are cut at 40 characters */
    assert_true(has(doc.err, "</y> closes <xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx> "));
}

static void test_u64(void **state)
{
    uint64_t v = 7;

    assert_int_equal(xml_parse_u64("0", 1, &v), CAIRN_OK);
    assert_int_equal(v, 0);
    assert_int_equal(xml_parse_u64("123", 3, &v), CAIRN_OK);
    assert_int_equal(v, 123);
    assert_int_equal(xml_parse_u64("0x1fF", 5, &v), CAIRN_OK);
    assert_int_equal(v, 0x1ff);
    assert_int_equal(xml_parse_u64("18446744073709551615", 20, &v), CAIRN_OK);
    assert_true(v == UINT64_MAX);
    assert_int_equal(xml_parse_u64("18446744073709551616", 20, &v), CAIRN_ERANGE);
    assert_int_equal(xml_parse_u64("99999999999999999999", 20, &v), CAIRN_ERANGE);
    assert_int_equal(xml_parse_u64("0xffffffffffffffff", 18, &v), CAIRN_OK);
    assert_int_equal(xml_parse_u64("0x10000000000000000", 19, &v), CAIRN_ERANGE);
    assert_int_equal(xml_parse_u64("", 0, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_u64("0x", 2, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_u64("12a", 3, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_u64("-1", 2, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_u64(" 1", 2, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_u64("1 ", 2, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_u64("0xg", 3, &v), CAIRN_EINVAL);

    assert_true(parse("<a n='42' x='&#52;2' e='' h='0x10' w='4 2'/>"));
    assert_int_equal(xml_attr_u64(&doc, &nodes[0], "n", &v), CAIRN_OK);
    assert_int_equal(v, 42);
    assert_int_equal(xml_attr_u64(&doc, &nodes[0], "x", &v), CAIRN_OK);
    assert_int_equal(v, 42);
    assert_int_equal(xml_attr_u64(&doc, &nodes[0], "h", &v), CAIRN_OK);
    assert_int_equal(v, 16);
    assert_int_equal(xml_attr_u64(&doc, &nodes[0], "e", &v), CAIRN_EINVAL);
    assert_int_equal(xml_attr_u64(&doc, &nodes[0], "w", &v), CAIRN_EINVAL);
    assert_int_equal(xml_attr_u64(&doc, &nodes[0], "m", &v), CAIRN_ENOTFOUND);
}

static void test_long_number(void **state)
{
    char buf[128];
    uint64_t v;
    size_t n = (size_t)sprintf(buf, "<a n='");

    memset(buf + n, '0', 70);
    n += 70;
    n += (size_t)sprintf(buf + n, "1'/>");
    assert_true(parse_n(buf, n, 0));
    assert_int_equal(xml_attr_u64(&doc, &nodes[0], "n", &v), CAIRN_EINVAL);
}

static void test_i64(void **state)
{
    int64_t v;

    assert_int_equal(xml_parse_i64("-5", 2, &v), CAIRN_OK);
    assert_int_equal(v, -5);
    assert_int_equal(xml_parse_i64("0", 1, &v), CAIRN_OK);
    assert_int_equal(v, 0);
    assert_int_equal(xml_parse_i64("-9223372036854775808", 20, &v), CAIRN_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(xml_parse_i64("9223372036854775807", 19, &v), CAIRN_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(xml_parse_i64("-9223372036854775809", 20, &v), CAIRN_ERANGE);
    assert_int_equal(xml_parse_i64("9223372036854775808", 19, &v), CAIRN_ERANGE);
    assert_int_equal(xml_parse_i64("-", 1, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_i64("--1", 3, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_i64("+1", 2, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_i64("-0x1", 4, &v), CAIRN_EINVAL);

    assert_true(parse("<a p='-3'/>"));
    assert_int_equal(xml_attr_i64(&doc, &nodes[0], "p", &v), CAIRN_OK);
    assert_int_equal(v, -3);
}

static void test_sizes(void **state)
{
    uint64_t v;

    assert_int_equal(xml_parse_size("4096", 4, &v), CAIRN_OK);
    assert_int_equal(v, 4096);
    assert_int_equal(xml_parse_size("512K", 4, &v), CAIRN_OK);
    assert_int_equal(v, 512 << 10);
    assert_int_equal(xml_parse_size("4M", 2, &v), CAIRN_OK);
    assert_int_equal(v, 4 << 20);
    assert_int_equal(xml_parse_size("1G", 2, &v), CAIRN_OK);
    assert_int_equal(v, 1ull << 30);
    assert_int_equal(xml_parse_size("0M", 2, &v), CAIRN_OK);
    assert_int_equal(v, 0);
    assert_int_equal(xml_parse_size("17179869183G", 12, &v), CAIRN_OK);
    assert_true(v == 17179869183ull << 30);
    assert_int_equal(xml_parse_size("17179869184G", 12, &v), CAIRN_ERANGE);
    assert_int_equal(xml_parse_size("17592186044416M", 15, &v), CAIRN_ERANGE);
    assert_int_equal(xml_parse_size("18014398509481984K", 18, &v), CAIRN_ERANGE);
    assert_int_equal(xml_parse_size("18446744073709551615", 20, &v), CAIRN_OK);
    assert_int_equal(xml_parse_size("18446744073709551616", 20, &v), CAIRN_ERANGE);
    assert_int_equal(xml_parse_size("M", 1, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_size("", 0, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_size("4X", 2, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_size("4m", 2, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_size("4MB", 3, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_size("4 M", 3, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_size("0x10", 4, &v), CAIRN_EINVAL);
    assert_int_equal(xml_parse_size("-1M", 3, &v), CAIRN_EINVAL);

    assert_true(parse("<r q='4M' b='x'/>"));
    assert_int_equal(xml_attr_size(&doc, &nodes[0], "q", &v), CAIRN_OK);
    assert_int_equal(v, 4 << 20);
    assert_int_equal(xml_attr_size(&doc, &nodes[0], "b", &v), CAIRN_EINVAL);
    assert_int_equal(xml_attr_size(&doc, &nodes[0], "c", &v), CAIRN_ENOTFOUND);
    assert_string_equal(xml_value_error(CAIRN_ERANGE), "too large");
}

static void test_position(void **state)
{
    uint32_t line, col;

    assert_true(parse("<a>\n\n  <b/>\n</a>"));
    xml_position(&doc, 7, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 3);
    xml_position(&doc, 0, &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    xml_position(&doc, 1000, &line, &col); /* clamped to the end */
    assert_int_equal(line, 4);
}

static const char realistic[] =
    "<?xml version=\"1.0\"?>\n"
    "<config prio_levels=\"4\">\n"
    "  <parent-provides>\n"
    "    <service name=\"ROM\"/> <service name=\"LOG\"/>\n"
    "  </parent-provides>\n"
    "  <!-- drivers -->\n"
    "  <start name=\"timer\" caps=\"100\">\n"
    "    <resource name=\"RAM\" quantum='1M'/>\n"
    "    <provides><service name=\"Timer\"/></provides>\n"
    "  </start>\n"
    "  <start name=\"vm\" caps=\"300\" priority=\"-1\">\n"
    "    <config verbose=\"yes\" cmdline=\"console=ttyS0 &amp; quiet\">\n"
    "      <inline name=\"x\">text &lt;is&gt; fine here</inline>\n"
    "    </config>\n"
    "  </start>\n"
    "</config>\n";

/* Every prefix of a valid document fails cleanly (a heap copy of exactly
 * the prefix: ASan would catch a read past it). */
static void test_prefixes(void **state)
{
    size_t len = strlen(realistic), full = len;

    while (full && realistic[full - 1] == '\n')
        full--;
    for (size_t n = 0; n <= len; n++) {
        bool ok = parse_n(realistic, n, 0);
        assert_true(ok == (n >= full));
        if (!ok)
            assert_true(doc.err[0] != 0);
    }
}

/* Random mutations of a valid document: never a crash, errors always set. */
static void test_mutations(void **state)
{
    uint64_t seed = 0x1234567;
    size_t len = strlen(realistic);
    char buf[sizeof realistic];
    static const char alphabet[] = "<>/=\"'&;!-? \nax#";

    for (int round = 0; round < 20000; round++) {
        memcpy(buf, realistic, len);
        for (int k = 0; k < 3; k++)
            buf[host_rand(&seed) % len] = alphabet[host_rand(&seed) % (sizeof alphabet - 1)];
        size_t n = host_rand(&seed) % (len + 1);
        if (!parse_n(buf, n, 0)) {
            assert_true(doc.err[0] != 0);
            continue;
        }
        /* walk everything that parsed */
        for (uint32_t i = 0; i < doc.count; i++) {
            struct xml_attr a;
            size_t cursor = 0;
            char v[16];
            assert_true(nodes[i].end <= n && nodes[i].start < nodes[i].end);
            while (xml_attr_next(&doc, &nodes[i], &cursor, &a))
                xml_decode(a.value, a.value_len, v, sizeof v, 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_tree, teardown),
        cmocka_unit_test_teardown(test_attributes, teardown),
        cmocka_unit_test_teardown(test_string_bounds, teardown),
        cmocka_unit_test_teardown(test_entities, teardown),
        cmocka_unit_test_teardown(test_bad_entities, teardown),
        cmocka_unit_test_teardown(test_prolog_comments, teardown),
        cmocka_unit_test_teardown(test_text, teardown),
        cmocka_unit_test_teardown(test_errors, teardown),
        cmocka_unit_test_teardown(test_limits, teardown),
        cmocka_unit_test_teardown(test_long_names_clipped, teardown),
        cmocka_unit_test_teardown(test_u64, teardown),
        cmocka_unit_test_teardown(test_long_number, teardown),
        cmocka_unit_test_teardown(test_i64, teardown),
        cmocka_unit_test_teardown(test_sizes, teardown),
        cmocka_unit_test_teardown(test_position, teardown),
        cmocka_unit_test_teardown(test_prefixes, teardown),
        cmocka_unit_test_teardown(test_mutations, teardown),
    };
    return cmocka_run_group_tests_name("xml", tests, 0, 0);
}
