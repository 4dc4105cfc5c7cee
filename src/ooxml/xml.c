/* xml: hardened streaming XML reader (see xml.h). */
#include "xml.h"
#include "../util/buf.h"
#include "../util/text.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HEAD_MAX = 16384 };

/* One parse event, queued by the SAX callbacks and handed out in order by
 * d25_xml_read().  Names and URIs are interned in the parser's dictionary;
 * text and attribute values live in the pool, by offset. */
typedef struct {
    int type;            /* D25_XML_START / END / TEXT */
    int depth;
    int line;
    bool empty;          /* START immediately followed by its END */
    const xmlChar *local, *uri;
    size_t text, text_len; /* TEXT: offset and length in the pool */
    size_t attr, nattr;  /* START: first index in attrs, count */
} xml_event;

typedef struct {
    const xmlChar *local, *uri;
    size_t value;        /* offset of the NUL-terminated value in the pool */
} xml_attr;

struct d25_xml {
    xmlParserCtxtPtr ctxt;
    d25_part *part;
    d25_error *err;
    size_t max_depth;
    bool failed, eof;
    /* prolog check: the first bytes are held back until checked */
    char head[HEAD_MAX];
    size_t head_len, head_pos;
    bool head_done;
    /* the queue */
    xml_event *ev;
    size_t nev, evcap, pos;
    xml_attr *attrs;
    size_t nattrs, attrcap;
    d25_buf pool;
    int depth;           /* of the next element to start */
    const xml_event *cur;
    int skip_depth;      /* >= 0: drop events until this element's END */
    const xmlChar *uri_raw[4], *uri_int[4];
    unsigned uri_next;
    /* namespace classification cache (URIs are interned) */
    const xmlChar *ns_uri;
    d25_ns ns_cls;
    char partname[256];
    /* attribute values are copied here, round robin, so several stay valid */
    d25_buf attr_slot[8];
    unsigned attr_next;
    /* elements whose subtrees are dropped as they are parsed (d25_xml_drop) */
    d25_ns drop_ns;
    const char *const *drop_names;
    int drop_depth;      /* >= 0: inside a dropped element opened at this depth */
    struct {
        const xmlChar *local, *uri;
        bool drop;
    } drop_cache[1024];  /* the decision per interned (name, namespace) */
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

/* libxml2's error in Chinese (its messages are English): what the common
 * codes mean, else the code for the log. */
static const char *xml_error_text(int code, char *buf, size_t n)
{
    switch (code) {
    case XML_ERR_DOCUMENT_EMPTY: return "部件是空的";
    case XML_ERR_DOCUMENT_END: return "XML 结束后还有多余内容";
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_CHARREF: return "含有 XML 不允许的字符";
    case XML_ERR_INVALID_ENCODING:
    case XML_ERR_UNKNOWN_ENCODING:
    case XML_ERR_UNSUPPORTED_ENCODING: return "编码无效或不支持";
    case XML_ERR_TAG_NAME_MISMATCH: return "开始标签和结束标签不匹配";
    case XML_ERR_TAG_NOT_FINISHED: return "标签没有结束，部件可能被截断";
    case XML_ERR_GT_REQUIRED:
    case XML_ERR_LTSLASH_REQUIRED: return "标签没有正确结束";
    case XML_ERR_LT_IN_ATTRIBUTE:
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    case XML_ERR_ATTRIBUTE_REDEFINED: return "属性写法错误";
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY: return "引用了未声明的实体";
    case XML_ERR_ENTITY_LOOP: return "实体循环引用";
    case XML_ERR_NS_DECL_ERROR: return "命名空间声明错误";
    default: snprintf(buf, n, "libxml2 错误代码 %d", code); return buf;
    }
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    d25_xml *x = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    x->failed = true;
    if (x->err->code != D25_OK)
        return;
    char buf[48];
    const char *msg = xml_error_text(e->code, buf, sizeof buf);
    if (e->code == XML_ERR_ENTITY_LOOP || e->code == XML_ERR_UNDECLARED_ENTITY ||
        e->code == XML_WAR_UNDECLARED_ENTITY)
        d25_fail(x->err, D25_E_XML_DTD, "部件 %s 第 %d 行引用了实体，已拒绝读取（%s）", x->partname,
                 e->line, msg);
    else
        d25_fail(x->err, D25_E_XML, "部件 %s 第 %d 行 XML 格式错误（%s）", x->partname, e->line, msg);
}

static void stop(d25_xml *x)
{
    x->failed = true;
    xmlStopParser(x->ctxt);
}

static xml_event *push(d25_xml *x, int type)
{
    if (x->nev == x->evcap && d25_grow((void **)&x->ev, &x->evcap, x->nev + 1, sizeof *x->ev) < 0) {
        d25_fail(x->err, D25_E_NOMEM, "内存不足");
        stop(x);
        return NULL;
    }
    xml_event *e = &x->ev[x->nev++];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->line = x->ctxt->input ? x->ctxt->input->line : 0;
    return e;
}

/* URIs are few and repeat: a small cache in front of the dictionary.  The
 * URIs SAX2 hands over come from the parser's namespace table, which holds
 * them interned in its dictionary for the parser's life (or is libxml2's
 * constant XML namespace), so a pointer seen before is the same text. */
static const xmlChar *intern(d25_xml *x, const xmlChar *s)
{
    if (!s)
        return NULL;
    for (int i = 0; i < 4; i++)
        if (x->uri_raw[i] == s)
            return x->uri_int[i];
    const xmlChar *v = xmlDictLookup(x->ctxt->dict, s, -1);
    int slot = x->uri_next++ % 4;
    x->uri_raw[slot] = s;
    x->uri_int[slot] = v;
    return v;
}

/* Is this element one of those d25_xml_drop named?  Names and URIs come
 * interned from the parser's dictionary, so the answer is kept per pair of
 * pointers (open addressing; a document has a few hundred pairs at most,
 * and a full table only means deciding again). */
static bool dropped(d25_xml *x, const xmlChar *local, const xmlChar *uri)
{
    enum { SLOTS = sizeof x->drop_cache / sizeof x->drop_cache[0] };
    uint64_t k = ((uint64_t)(uintptr_t)local * 0x9E3779B97F4A7C15u) ^ (uint64_t)(uintptr_t)uri;
    size_t h = (size_t)(k >> 40) & (SLOTS - 1), free_slot = SLOTS;
    for (size_t i = 0; i < 8; i++, h = (h + 1) & (SLOTS - 1)) {
        if (!x->drop_cache[h].local) {
            free_slot = h;
            break;
        }
        if (x->drop_cache[h].local == local && x->drop_cache[h].uri == uri)
            return x->drop_cache[h].drop;
    }
    bool drop = false;
    if (uri && d25_ns_of((const char *)uri) == x->drop_ns)
        for (const char *const *n = x->drop_names; *n && !drop; n++)
            drop = strcmp((const char *)local, *n) == 0;
    if (free_slot < SLOTS) {
        x->drop_cache[free_slot].local = local;
        x->drop_cache[free_slot].uri = uri;
        x->drop_cache[free_slot].drop = drop;
    }
    return drop;
}

static void sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
                      const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
    (void)prefix;
    (void)nns;
    (void)ns;
    (void)ndefaulted;
    d25_xml *x = ctx;
    if (x->failed)
        return;
    if ((size_t)x->depth > x->max_depth) {
        d25_fail(x->err, D25_E_XML_DEPTH, "部件 %s 第 %d 行：元素嵌套超过 %zu 层上限", x->partname,
                 x->ctxt->input ? x->ctxt->input->line : 0, x->max_depth);
        stop(x);
        return;
    }
    /* Inside a dropped element, or one to drop: only the depth is kept. */
    if (x->drop_depth >= 0 || (x->drop_names && dropped(x, local, uri))) {
        if (x->drop_depth < 0)
            x->drop_depth = x->depth;
        x->depth++;
        return;
    }
    xml_event *e = push(x, D25_XML_START);
    if (!e)
        return;
    e->depth = x->depth++;
    e->local = local;
    e->uri = intern(x, uri);
    e->attr = x->nattrs;
    if (x->nattrs + (size_t)nattr > x->attrcap &&
        d25_grow((void **)&x->attrs, &x->attrcap, x->nattrs + (size_t)nattr, sizeof *x->attrs) < 0) {
        d25_fail(x->err, D25_E_NOMEM, "内存不足");
        stop(x);
        return;
    }
    for (int i = 0; i < nattr; i++) {
        const xmlChar **a = attrs + 5 * i;
        xml_attr *at = &x->attrs[x->nattrs++];
        at->local = a[0];
        at->uri = intern(x, a[2]);
        at->value = x->pool.len;
        if (d25_buf_append(&x->pool, (const char *)a[3], (size_t)(a[4] - a[3])) < 0 || d25_buf_putc(&x->pool, 0) < 0) {
            d25_fail(x->err, D25_E_NOMEM, "内存不足");
            stop(x);
            return;
        }
    }
    e->nattr = (size_t)nattr;
}

static void sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix;
    d25_xml *x = ctx;
    if (x->failed)
        return;
    if (x->drop_depth >= 0) {
        if (--x->depth == x->drop_depth)
            x->drop_depth = -1;
        return;
    }
    xml_event *e = push(x, D25_XML_END);
    if (!e)
        return;
    e->depth = --x->depth;
    e->local = local;
    e->uri = intern(x, uri);
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
    d25_xml *x = ctx;
    if (x->failed || len <= 0 || x->drop_depth >= 0)
        return;
    /* Adjacent pieces (split by chunks or entities) make one text node;
     * the pool's tail is the last event's text when that event is text. */
    xml_event *last = x->nev > x->pos ? &x->ev[x->nev - 1] : NULL;
    if (!(last && last->type == D25_XML_TEXT && last->text + last->text_len + 1 == x->pool.len)) {
        last = push(x, D25_XML_TEXT);
        if (!last)
            return;
        last->depth = x->depth;
        last->text = x->pool.len;
        if (d25_buf_putc(&x->pool, 0) < 0)
            goto nomem;
    }
    /* Replace the terminating NUL with the new bytes and terminate again. */
    x->pool.len--;
    if (d25_buf_append(&x->pool, (const char *)ch, (size_t)len) < 0 || d25_buf_putc(&x->pool, 0) < 0)
        goto nomem;
    last->text_len += (size_t)len;
    return;
nomem:
    d25_fail(x->err, D25_E_NOMEM, "内存不足");
    stop(x);
}

static void sax_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    d25_xml *x = ctx;
    d25_fail(x->err, D25_E_XML_DTD, "部件 %s 含有 DOCTYPE 声明，已拒绝读取", x->partname);
    stop(x);
}

static void sax_reference(void *ctx, const xmlChar *name)
{
    (void)name;
    d25_xml *x = ctx;
    d25_fail(x->err, D25_E_XML_DTD, "部件 %s 第 %d 行引用了自定义实体，已拒绝读取", x->partname,
             x->ctxt->input ? x->ctxt->input->line : 0);
    stop(x);
}

static void sax_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
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
    x->skip_depth = -1;
    x->drop_depth = -1;
    /* libxml2's pull parser stops at 256 levels without XML_PARSE_HUGE; its
     * push parser does not, so that ceiling is kept here whatever the
     * configuration says. */
    x->max_depth = d25_pkg_limits(pkg)->max_xml_depth;
    if (x->max_depth > 256)
        x->max_depth = 256;
    d25_copy(x->partname, sizeof x->partname, d25_part_name(p));
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = sax_start;
    sax.endElementNs = sax_end;
    sax.characters = sax_text;
    sax.ignorableWhitespace = sax_text;
    sax.cdataBlock = sax_text;
    sax.internalSubset = sax_doctype;
    sax.externalSubset = sax_doctype;
    sax.reference = sax_reference;
    sax.serror = on_error;
    sax.error = sax_silent;
    sax.warning = sax_silent;
    sax.fatalError = sax_silent;
    x->ctxt = xmlCreatePushParserCtxt(&sax, x, NULL, 0, NULL);
    if (!x->ctxt) {
        d25_fail(err, D25_E_NOMEM, "无法创建 XML 解析器");
        d25_xml_close(x);
        return NULL;
    }
    /* No NOENT (no entity substitution), no DTDLOAD/DTDATTR/DTDVALID, no
     * HUGE; NONET forbids any network access. */
    xmlCtxtUseOptions(x->ctxt, XML_PARSE_NONET | XML_PARSE_COMPACT);
    /* xmlCtxtUseOptions may reset handlers: make sure CDATA stays text and
     * errors come to us. */
    x->ctxt->sax->cdataBlock = sax_text;
    x->ctxt->sax->serror = on_error;
    return x;
}

/* Parse the next chunk into the queue; 0 at the end of the document. */
static int feed(d25_xml *x)
{
    if (x->eof)
        return 0;
    char chunk[16384];
    int n = io_read(x, chunk, (int)sizeof chunk);
    if (n < 0 || x->failed) {
        x->failed = true;
        return -1;
    }
    if (n == 0) {
        x->eof = true;
        xmlParseChunk(x->ctxt, NULL, 0, 1);
    } else {
        xmlParseChunk(x->ctxt, chunk, n, 0);
    }
    if (x->failed || (x->ctxt->wellFormed == 0 && x->ctxt->errNo != XML_ERR_OK)) {
        x->failed = true;
        return -1;
    }
    return 1;
}

int d25_xml_read(d25_xml *x)
{
    for (;;) {
        if (x->failed)
            goto fail;
        if (x->pos == x->nev) {
            /* All handed out: start the queue afresh. */
            x->pos = x->nev = x->nattrs = 0;
            d25_buf_clear(&x->pool);
            x->cur = NULL;
            while (x->nev == 0) {
                int r = feed(x);
                if (r < 0)
                    goto fail;
                if (r == 0 && x->nev == 0) {
                    if (x->depth != 0 || x->failed)
                        goto fail;
                    return 0;
                }
            }
        }
        xml_event *e = &x->ev[x->pos];
        if (e->type == D25_XML_START && !e->empty) {
            /* Is its END next?  Then it is <a/> to the callers. */
            size_t at = (size_t)(e - x->ev);
            while (at + 1 == x->nev && !x->eof) {
                if (feed(x) < 0)
                    goto fail;
            }
            e = &x->ev[at]; /* the queue may have moved */
            if (at + 1 < x->nev && x->ev[at + 1].type == D25_XML_END && x->ev[at + 1].depth == e->depth) {
                e->empty = true;
                x->ev[at + 1].type = 0; /* dropped */
            }
        }
        x->pos++;
        if (e->type == 0)
            continue;
        if (x->skip_depth >= 0) {
            if (e->type == D25_XML_END && e->depth == x->skip_depth)
                x->skip_depth = -1;
            continue;
        }
        x->cur = e;
        return 1;
    }
fail:
    if (x->err->code == D25_OK)
        d25_fail(x->err, D25_E_XML, "部件 %s 的 XML 无法解析", x->partname);
    return -1;
}

void d25_xml_drop(d25_xml *x, d25_ns ns, const char *const *locals)
{
    x->drop_ns = ns;
    x->drop_names = locals;
}

void d25_xml_skip(d25_xml *x)
{
    if (x->cur && x->cur->type == D25_XML_START && !x->cur->empty)
        x->skip_depth = x->cur->depth;
}

void d25_xml_close(d25_xml *x)
{
    if (!x)
        return;
    if (x->ctxt) {
        if (x->ctxt->myDoc)
            xmlFreeDoc(x->ctxt->myDoc);
        xmlFreeParserCtxt(x->ctxt);
    }
    d25_part_close(x->part);
    free(x->ev);
    free(x->attrs);
    d25_buf_free(&x->pool);
    for (int i = 0; i < 8; i++)
        d25_buf_free(&x->attr_slot[i]);
    free(x);
}

int d25_xml_type(d25_xml *x)
{
    return x->cur ? x->cur->type : D25_XML_OTHER;
}

bool d25_xml_is_empty(d25_xml *x)
{
    return x->cur && x->cur->type == D25_XML_START && x->cur->empty;
}

int d25_xml_depth(d25_xml *x)
{
    return x->cur ? x->cur->depth : 0;
}

const char *d25_xml_local(d25_xml *x)
{
    return x->cur && x->cur->local ? (const char *)x->cur->local : "";
}

d25_ns d25_xml_ns(d25_xml *x)
{
    const xmlChar *u = x->cur ? x->cur->uri : NULL;
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
    if (!x->cur || x->cur->type != D25_XML_TEXT)
        return "";
    return x->pool.data + x->cur->text;
}

const char *d25_xml_attr(d25_xml *x, d25_ns ns, const char *local)
{
    if (!x->cur || x->cur->type != D25_XML_START)
        return NULL;
    for (size_t i = 0; i < x->cur->nattr; i++) {
        const xml_attr *a = &x->attrs[x->cur->attr + i];
        if (strcmp((const char *)a->local, local) != 0)
            continue;
        if (ns != D25_NS_OTHER && d25_ns_of((const char *)a->uri) != ns)
            continue;
        d25_buf *slot = &x->attr_slot[x->attr_next++ % 8];
        d25_buf_clear(slot);
        if (d25_buf_puts(slot, x->pool.data + a->value) < 0)
            return NULL;
        return d25_buf_cstr(slot);
    }
    return NULL;
}

int d25_xml_line(d25_xml *x)
{
    return x->cur ? x->cur->line : 0;
}

const char *d25_xml_part(const d25_xml *x)
{
    return x->partname;
}
