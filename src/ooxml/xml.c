/* xml: hardened streaming XML reader (see xml.h). */
#include "xml.h"
#include "../util/buf.h"

#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>

enum { HEAD_MAX = 16384 };

struct d25_xml {
    xmlTextReaderPtr reader;
    d25_part *part;
    d25_error *err;
    size_t max_depth;
    bool skip_next;
    bool failed;
    /* prolog check: the first bytes are held back until checked */
    char head[HEAD_MAX];
    size_t head_len, head_pos;
    bool head_done;
    /* namespace classification cache (libxml2 interns URIs in its dict) */
    const xmlChar *ns_uri;
    d25_ns ns_cls;
    char partname[256];
    /* attribute values are copied here, round robin, so several stay valid */
    d25_buf attr_slot[8];
    unsigned attr_next;
};

static void silent_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void silent_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

void d25_xml_init(void)
{
    /* libxml2 keeps the error handlers per thread: every thread that parses
     * calls this.  xmlInitParser() itself runs once. */
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent_generic);
    xmlSetStructuredErrorFunc(NULL, silent_structured);
}

d25_ns d25_ns_of(const char *u)
{
    if (!u || !*u)
        return D25_NS_NONE;
    static const struct {
        const char *uri;
        d25_ns ns;
    } map[] = {
        {"http://schemas.openxmlformats.org/wordprocessingml/2006/main", D25_NS_W},
        {"http://purl.oclc.org/ooxml/wordprocessingml/main", D25_NS_W},
        {"http://schemas.openxmlformats.org/spreadsheetml/2006/main", D25_NS_S},
        {"http://purl.oclc.org/ooxml/spreadsheetml/main", D25_NS_S},
        {"http://schemas.openxmlformats.org/officeDocument/2006/relationships", D25_NS_R},
        {"http://purl.oclc.org/ooxml/officeDocument/relationships", D25_NS_R},
        {"http://schemas.microsoft.com/office/word/2010/wordml", D25_NS_W14},
        {"http://schemas.openxmlformats.org/markup-compatibility/2006", D25_NS_MC},
        {"http://schemas.openxmlformats.org/package/2006/relationships", D25_NS_PR},
        {"http://schemas.openxmlformats.org/package/2006/content-types", D25_NS_CT},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(u, map[i].uri) == 0)
            return map[i].ns;
    return D25_NS_OTHER;
}

/* Find needle in [p, end) for an 8-bit or UTF-16 view; returns index or -1. */
static long find_seq(const unsigned char *s, size_t n, size_t from, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = from; i + m <= n; i++)
        if (memcmp(s + i, needle, m) == 0)
            return (long)i;
    return -1;
}

/*
 * Check the prolog of an XML document: only an XML declaration, processing
 * instructions, comments and white space may precede the root element.  A
 * "<!DOCTYPE" (the only way to declare entities) is refused.
 * Returns 0 when fine, -1 for a DTD, -2 when the root was not reached.
 */
int d25_xml_check_prolog(const char *head, size_t n)
{
    unsigned char tmp[HEAD_MAX];
    const unsigned char *s = (const unsigned char *)head;
    size_t len = n;
    /* UTF-16: look at the low bytes only. */
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == '<' && s[1] == 0))) {
        len = 0;
        for (size_t i = (s[0] == 0xFF ? 2 : 0); i + 1 < n; i += 2)
            tmp[len++] = s[i + 1] == 0 ? s[i] : 'x';
        s = tmp;
    } else if (n >= 2 && ((s[0] == 0xFE && s[1] == 0xFF) || (s[0] == 0 && s[1] == '<'))) {
        len = 0;
        for (size_t i = (s[0] == 0xFE ? 2 : 0); i + 1 < n; i += 2)
            tmp[len++] = s[i] == 0 ? s[i + 1] : 'x';
        s = tmp;
    }
    size_t i = 0;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        if (i >= len)
            return -2;
        if (s[i] != '<')
            return 0; /* not XML at all: let the parser say so */
        if (i + 1 >= len)
            return -2;
        if (s[i + 1] == '?') {
            long e = find_seq(s, len, i + 2, "?>");
            if (e < 0)
                return -2;
            i = (size_t)e + 2;
        } else if (s[i + 1] == '!') {
            if (i + 3 < len && s[i + 2] == '-' && s[i + 3] == '-') {
                long e = find_seq(s, len, i + 4, "-->");
                if (e < 0)
                    return -2;
                i = (size_t)e + 3;
            } else {
                return -1; /* <!DOCTYPE, <!ENTITY, <![CDATA[ before the root */
            }
        } else {
            return 0; /* the root element */
        }
    }
}

static int io_read(void *ctx, char *buf, int len)
{
    d25_xml *x = ctx;
    if (len <= 0)
        return 0;
    if (!x->head_done) {
        while (x->head_len < HEAD_MAX) {
            long r = d25_part_read(x->part, x->head + x->head_len, HEAD_MAX - x->head_len);
            if (r < 0) {
                x->failed = true;
                return -1;
            }
            if (r == 0)
                break;
            x->head_len += (size_t)r;
        }
        int pc = d25_xml_check_prolog(x->head, x->head_len);
        if (pc == -1) {
            x->failed = true;
            d25_fail(x->err, D25_E_XML_DTD,
                     "部件 %s 含有 DOCTYPE/实体声明，Office 文件不应有此内容，"
                     "为防范 XML 炸弹和外部实体攻击已拒绝读取",
                     x->partname);
            return -1;
        }
        if (pc == -2 && x->head_len == HEAD_MAX) {
            x->failed = true;
            d25_fail(x->err, D25_E_XML, "部件 %s 的 XML 开头异常（根元素前内容过长）", x->partname);
            return -1;
        }
        x->head_done = true;
    }
    if (x->head_pos < x->head_len) {
        size_t n = x->head_len - x->head_pos;
        if (n > (size_t)len)
            n = (size_t)len;
        memcpy(buf, x->head + x->head_pos, n);
        x->head_pos += n;
        return (int)n;
    }
    long r = d25_part_read(x->part, buf, (size_t)len);
    if (r < 0) {
        x->failed = true;
        return -1;
    }
    return (int)r;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    d25_xml *x = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    x->failed = true;
    if (x->err->code != D25_OK)
        return;
    char msg[200];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    if (e->code == XML_ERR_ENTITY_LOOP || e->code == XML_ERR_UNDECLARED_ENTITY ||
        e->code == XML_WAR_UNDECLARED_ENTITY)
        d25_fail(x->err, D25_E_XML_DTD, "部件 %s 第 %d 行引用了实体，已拒绝读取（%s）", x->partname,
                 e->line, msg);
    else
        d25_fail(x->err, D25_E_XML, "部件 %s 第 %d 行 XML 格式错误（%s）", x->partname, e->line, msg);
}

d25_xml *d25_xml_open(d25_pkg *pkg, const char *part, d25_error *err)
{
    d25_xml_init();
    d25_part *p = d25_part_open(pkg, part, err);
    if (!p)
        return NULL;
    d25_xml *x = calloc(1, sizeof *x);
    if (!x) {
        d25_part_close(p);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    x->part = p;
    x->err = err;
    x->max_depth = d25_pkg_limits(pkg)->max_xml_depth;
    snprintf(x->partname, sizeof x->partname, "%s", d25_part_name(p));
    /* No NOENT (no entity substitution), no DTDLOAD/DTDATTR/DTDVALID, no
     * HUGE; NONET forbids any network access; NOCDATA merges CDATA into text. */
    int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
               XML_PARSE_COMPACT;
    x->reader = xmlReaderForIO(io_read, io_close, x, NULL, NULL, opts);
    if (!x->reader) {
        d25_fail(err, D25_E_NOMEM, "无法创建 XML 解析器");
        d25_xml_close(x);
        return NULL;
    }
    xmlTextReaderSetStructuredErrorHandler(x->reader, on_error, x);
    return x;
}

int d25_xml_read(d25_xml *x)
{
    int r;
    if (x->skip_next) {
        x->skip_next = false;
        r = xmlTextReaderNext(x->reader);
    } else {
        r = xmlTextReaderRead(x->reader);
    }
    if (r < 0 || x->failed) {
        if (x->err->code == D25_OK)
            d25_fail(x->err, D25_E_XML, "部件 %s 的 XML 无法解析", x->partname);
        return -1;
    }
    if (r == 0)
        return 0;
    int depth = xmlTextReaderDepth(x->reader);
    if (depth >= 0 && (size_t)depth > x->max_depth) {
        d25_fail(x->err, D25_E_XML_DEPTH, "部件 %s 第 %d 行：元素嵌套超过 %zu 层上限", x->partname,
                 xmlTextReaderGetParserLineNumber(x->reader), x->max_depth);
        return -1;
    }
    if (xmlTextReaderNodeType(x->reader) == XML_READER_TYPE_DOCUMENT_TYPE) {
        d25_fail(x->err, D25_E_XML_DTD, "部件 %s 含有 DOCTYPE 声明，已拒绝读取", x->partname);
        return -1;
    }
    if (xmlTextReaderNodeType(x->reader) == XML_READER_TYPE_ENTITY_REFERENCE) {
        d25_fail(x->err, D25_E_XML_DTD, "部件 %s 第 %d 行引用了自定义实体，已拒绝读取", x->partname,
                 xmlTextReaderGetParserLineNumber(x->reader));
        return -1;
    }
    return 1;
}

void d25_xml_skip(d25_xml *x)
{
    if (xmlTextReaderNodeType(x->reader) == XML_READER_TYPE_ELEMENT && !xmlTextReaderIsEmptyElement(x->reader))
        x->skip_next = true;
}

void d25_xml_close(d25_xml *x)
{
    if (!x)
        return;
    if (x->reader)
        xmlFreeTextReader(x->reader);
    d25_part_close(x->part);
    for (int i = 0; i < 8; i++)
        d25_buf_free(&x->attr_slot[i]);
    free(x);
}

int d25_xml_type(d25_xml *x)
{
    switch (xmlTextReaderNodeType(x->reader)) {
    case XML_READER_TYPE_ELEMENT:
        return D25_XML_START;
    case XML_READER_TYPE_END_ELEMENT:
        return D25_XML_END;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        return D25_XML_TEXT;
    default:
        return D25_XML_OTHER;
    }
}

bool d25_xml_is_empty(d25_xml *x)
{
    return xmlTextReaderIsEmptyElement(x->reader) == 1;
}

int d25_xml_depth(d25_xml *x)
{
    return xmlTextReaderDepth(x->reader);
}

const char *d25_xml_local(d25_xml *x)
{
    const xmlChar *n = xmlTextReaderConstLocalName(x->reader);
    return n ? (const char *)n : "";
}

d25_ns d25_xml_ns(d25_xml *x)
{
    const xmlChar *u = xmlTextReaderConstNamespaceUri(x->reader);
    if (!u)
        return D25_NS_NONE;
    if (u != x->ns_uri) {
        x->ns_uri = u;
        x->ns_cls = d25_ns_of((const char *)u);
    }
    return x->ns_cls;
}

bool d25_xml_is(d25_xml *x, d25_ns ns, const char *local)
{
    return d25_xml_ns(x) == ns && strcmp(d25_xml_local(x), local) == 0;
}

const char *d25_xml_text(d25_xml *x)
{
    const xmlChar *v = xmlTextReaderConstValue(x->reader);
    return v ? (const char *)v : "";
}

const char *d25_xml_attr(d25_xml *x, d25_ns ns, const char *local)
{
    const char *found = NULL;
    if (xmlTextReaderMoveToFirstAttribute(x->reader) != 1)
        return NULL;
    do {
        const xmlChar *ln = xmlTextReaderConstLocalName(x->reader);
        if (!ln || strcmp((const char *)ln, local) != 0)
            continue;
        if (ns != D25_NS_OTHER) {
            const xmlChar *u = xmlTextReaderConstNamespaceUri(x->reader);
            if (d25_ns_of((const char *)u) != ns)
                continue;
        }
        const xmlChar *v = xmlTextReaderConstValue(x->reader);
        d25_buf *slot = &x->attr_slot[x->attr_next++ % 8];
        d25_buf_clear(slot);
        if (d25_buf_puts(slot, v ? (const char *)v : "") == 0)
            found = d25_buf_cstr(slot);
        break;
    } while (xmlTextReaderMoveToNextAttribute(x->reader) == 1);
    xmlTextReaderMoveToElement(x->reader);
    return found;
}

int d25_xml_line(d25_xml *x)
{
    return xmlTextReaderGetParserLineNumber(x->reader);
}

const char *d25_xml_part(const d25_xml *x)
{
    return x->partname;
}
