/* template: DOCX templates filled from JSON (see template.h). */
#include "template.h"
#include "../util/syserr.h"

#include <ctype.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "../util/buf.h"
#include "../ooxml/package.h"
#include "../util/file.h"
#include "../util/text.h"

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char C_NS[] = "http://schemas.openxmlformats.org/drawingml/2006/chart";
static const char MARK[] = "d25-mark";

/* A value of the data: a JSON value, a whole list of rows (row ==
 * WHOLE), one row of a list, or one cell of a row (tree.h). */
typedef struct {
    const json_t *j;
    const d25_rows *list;
    size_t row;
    const d25_cell *cell;
} tval;
#define WHOLE SIZE_MAX

static bool found(tval v)
{
    return v.j || v.list || v.cell;
}

typedef struct {
    tval v[64];   /* the root, then each loop's item */
    int n;
} scope;

/* A loop over rows (or paragraphs) at the top of the data whose rows hold
 * only values and in-text conditions: kept as the rows' XML and written
 * item by item when the part is written, instead of copied into the tree
 * (a table of 10,000 units would otherwise be a tree of millions of
 * nodes).  In the tree a processing instruction <?d25-stream N?> stands
 * where the rows go. */
typedef struct {
    char *xml;          /* the rows as serialized, tags in their text */
    size_t len;
    tval items;
    xmlNodePtr at;      /* the placeholder */
    long line;          /* where the rows stood in the template, for messages */
} stream;

typedef struct {
    xmlDocPtr doc;
    const char *part;
    d25_error *err;
    int depth;
    bool escape;        /* rendering XML text: escape the values */
    stream *streams;
    size_t nstreams, stream_cap;
    const json_t *root;
    const d25_tree *tree; /* its lists, or NULL */
    size_t col_hint;    /* the column after the last one looked up */
    const stream *in_stream; /* the stream being written, for messages */
    size_t item;        /* ... and its item (from 1) */
} ctx;

static const char STREAM_PI[] = "d25-stream";

/* ---- nodes ---- */

static bool is_w(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && strcmp((const char *)n->ns->href, W_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

static bool is_c(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && strcmp((const char *)n->ns->href, C_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

/* Where tags are written: w:t in documents, c:v (a chart's cached or
 * literal values) in charts. */
static bool is_text(const xmlNode *n)
{
    return is_w(n, "t") || is_c(n, "v");
}

static xmlNodePtr c_ancestor(xmlNodePtr n, const char *name)
{
    for (n = n ? n->parent : NULL; n; n = n->parent)
        if (is_c(n, name))
            return n;
    return NULL;
}

static xmlNodePtr ancestor(xmlNodePtr n, const char *name)
{
    for (n = n ? n->parent : NULL; n; n = n->parent)
        if (is_w(n, name))
            return n;
    return NULL;
}

static bool is_mark(const xmlNode *n)
{
    return n && n->type == XML_COMMENT_NODE && n->content && strcmp((const char *)n->content, MARK) == 0;
}

/* Next node in document order, not descending into skip (when given), and
 * never past limit (a later sibling of an ancestor). */
static xmlNodePtr next_in_doc(xmlNodePtr n, xmlNodePtr limit)
{
    if (n->children && n->type == XML_ELEMENT_NODE)
        return n->children == limit ? NULL : n->children;
    for (; n; n = n->parent) {
        if (n == limit)
            return NULL;
        if (n->next)
            return n->next == limit ? NULL : n->next;
    }
    return NULL;
}

static char *text_of(xmlNodePtr t)
{
    xmlChar *c = xmlNodeGetContent(t);
    char *s = strdup(c ? (const char *)c : "");
    xmlFree(c);
    return s;
}

static void set_text(xmlNodePtr t, const char *s)
{
    xmlNodeSetContentLen(t, NULL, 0);
    xmlNodeAddContent(t, (const xmlChar *)s);
    /* Keep leading and trailing spaces (w:t only: c:v has no such attribute). */
    if (!is_w(t, "t"))
        return;
    xmlNsPtr xmlns = xmlSearchNsByHref(t->doc, t, (const xmlChar *)"http://www.w3.org/XML/1998/namespace");
    if (xmlns)
        xmlSetNsProp(t, xmlns, (const xmlChar *)"space", (const xmlChar *)"preserve");
}

/* The paragraph's own w:t nodes, in order (not those of paragraphs nested
 * inside it, as in text boxes). */
static size_t paragraph_texts(xmlNodePtr p, xmlNodePtr **out)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    for (xmlNodePtr c = p->children ? p->children : NULL; c;) {
        if (is_w(c, "t") && ancestor(c, "p") == p) {
            if (d25_grow((void **)out, &cap, n + 1, sizeof **out) < 0)
                return n;
            (*out)[n++] = c;
        }
        if (c->children && c->type == XML_ELEMENT_NODE && !is_w(c, "p")) {
            c = c->children;
            continue;
        }
        while (c && c != p && !c->next)
            c = c->parent;
        if (!c || c == p)
            break;
        c = c->next;
    }
    return n;
}

/* ---- joining split tags ---- */

/* Within each paragraph, a tag whose text is spread over several w:t nodes
 * is moved whole into the first of them. */
static int join_tags(xmlNodePtr root)
{
    for (xmlNodePtr n = root; n; n = next_in_doc(n, NULL)) {
        if (!is_w(n, "p"))
            continue;
        xmlNodePtr *ts;
        size_t nt = paragraph_texts(n, &ts);
        if (nt < 2) {
            free(ts);
            continue;
        }
        char **tx = calloc(nt, sizeof *tx);
        if (!tx) {
            free(ts);
            return -1;
        }
        for (size_t i = 0; i < nt; i++)
            tx[i] = text_of(ts[i]);
        bool changed = false;
        for (size_t i = 0; i < nt; i++) {
            for (size_t k = 0; tx[i] && tx[i][k];) {
                char *open = strstr(tx[i] + k, "{");
                if (!open)
                    break;
                size_t at = (size_t)(open - tx[i]);
                /* "{{" may itself be split: "{" at the end of this node. */
                bool dbl = open[1] == '{' || (!open[1] && i + 1 < nt && tx[i + 1][0] == '{');
                if (!dbl) {
                    k = at + 1;
                    continue;
                }
                /* Does the tag close within this node? */
                if (open[1] == '{' && strstr(open + 2, "}}")) {
                    k = (size_t)(strstr(open + 2, "}}") - tx[i]) + 2;
                    continue;
                }
                /* Gather from the following nodes until "}}". */
                d25_buf tag = {0};
                d25_buf_puts(&tag, open);
                size_t j = i + 1, cut = 0;
                bool found = false;
                for (; j < nt && !found; j++) {
                    const char *s = tx[j];
                    for (size_t m = 0; s[m]; m++) {
                        d25_buf_putc(&tag, s[m]);
                        const char *b = d25_buf_cstr(&tag);
                        if (tag.len >= 4 && b[tag.len - 1] == '}' && b[tag.len - 2] == '}') {
                            found = true;
                            cut = m + 1;
                            break;
                        }
                    }
                    if (found)
                        break;
                }
                if (!found) {
                    d25_buf_free(&tag);
                    k = at + 1;
                    continue;
                }
                /* tx[i] = before + tag; nodes between emptied; tx[j] loses its head. */
                d25_buf nb = {0};
                d25_buf_append(&nb, tx[i], at);
                d25_buf_append(&nb, tag.data, tag.len);
                free(tx[i]);
                tx[i] = d25_buf_steal(&nb);
                for (size_t m = i + 1; m < j; m++) {
                    free(tx[m]);
                    tx[m] = strdup("");
                }
                memmove(tx[j], tx[j] + cut, strlen(tx[j] + cut) + 1);
                k = at + tag.len;
                d25_buf_free(&tag);
                changed = true;
            }
        }
        if (changed)
            for (size_t i = 0; i < nt; i++)
                set_text(ts[i], tx[i] ? tx[i] : "");
        for (size_t i = 0; i < nt; i++)
            free(tx[i]);
        free(tx);
        free(ts);
    }
    return 0;
}

/* ---- tags ---- */

typedef struct {
    char kind;        /* 'v' value, '#' loop, '?' if, '^' unless, '/' close */
    char name[128];
    char fmt[16];
    size_t start, end; /* byte offsets of "{{" and after "}}" */
} tag;

/* The first tag at or after from; false when none.  A malformed tag is
 * reported through bad (its text). */
static bool next_tag(const char *s, size_t from, tag *t, bool *bad)
{
    *bad = false;
    const char *o = strstr(s + from, "{{");
    if (!o)
        return false;
    const char *c = strstr(o + 2, "}}");
    t->start = (size_t)(o - s);
    if (!c) {
        *bad = true;
        t->end = strlen(s);
        snprintf(t->name, sizeof t->name, "%.60s", o);
        return true;
    }
    t->end = (size_t)(c - s) + 2;
    const char *p = o + 2;
    while (*p == ' ')
        p++;
    t->kind = 'v';
    if (*p == '#' || *p == '?' || *p == '^' || *p == '/')
        t->kind = *p++;
    while (*p == ' ')
        p++;
    size_t n = 0;
    while (p < c && (isalnum((unsigned char)*p) || *p == '_' || *p == '.') && n + 1 < sizeof t->name)
        t->name[n++] = *p++;
    t->name[n] = 0;
    t->fmt[0] = 0;
    while (*p == ' ')
        p++;
    if (*p == '|') {
        p++;
        size_t m = 0;
        while (p < c && isalpha((unsigned char)*p) && m + 1 < sizeof t->fmt)
            t->fmt[m++] = *p++;
        t->fmt[m] = 0;
    }
    while (*p == ' ')
        p++;
    if (p != c || !n) {
        *bad = true;
        snprintf(t->name, sizeof t->name, "%.*s", (int)(c + 2 - o), o);
    }
    return true;
}

/* In s[from, to), the close tag of a block named name, counting the blocks
 * of that name opened meanwhile in *level (1 just after the open tag; it
 * carries over from one piece of text to the next).  True with *close set
 * when found. */
static bool close_in(const char *s, size_t from, size_t to, const char *name, int *level, tag *close)
{
    tag c;
    bool bad;
    for (size_t m = from; next_tag(s, m, &c, &bad) && c.start < to; m = c.end) {
        if (bad || strcmp(c.name, name) != 0 || c.kind == 'v')
            continue;
        if (c.kind != '/')
            ++*level;
        else if (--*level == 0) {
            *close = c;
            return true;
        }
    }
    return false;
}

static int tag_error(ctx *cx, xmlNodePtr at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int tag_error(ctx *cx, xmlNodePtr at, const char *fmt, ...)
{
    xmlNodePtr p = ancestor(at, "p");
    char where[160] = "";
    if (p) {
        char *tx = NULL;
        xmlNodePtr *ts;
        size_t nt = paragraph_texts(p, &ts);
        d25_buf b = {0};
        for (size_t i = 0; i < nt; i++) {
            tx = text_of(ts[i]);
            d25_buf_puts(&b, tx);
            free(tx);
        }
        free(ts);
        snprintf(where, sizeof where, "（所在段落：“%.90s”）", d25_buf_cstr(&b));
        d25_buf_free(&b);
    }
    long line = at ? xmlGetLineNo(at) : 0L;
    if (cx->in_stream) {
        /* The rows of a loop written item by item: where they stood, and
         * which item. */
        line = cx->in_stream->line;
        snprintf(where, sizeof where, "（循环的第 %zu 项）", cx->item);
    }
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return d25_fail(cx->err, D25_E_TEMPLATE, "模板部件 %s 第 %ld 行：%s%s", cx->part, line, msg, where);
}

/* ---- values ---- */

static tval lookup(ctx *cx, const scope *sc, const char *path)
{
    static const tval none = {0};
    if (strcmp(path, ".") == 0)
        return sc->n ? sc->v[sc->n - 1] : none;
    char first[128];
    size_t k = strcspn(path, ".");
    snprintf(first, sizeof first, "%.*s", (int)k, path);
    for (int i = sc->n - 1; i >= 0; i--) {
        const tval *f = &sc->v[i];
        if (f->list && f->row != WHOLE) {
            int c = d25_rows_col(f->list, first, &cx->col_hint);
            if (c < 0)
                continue;
            /* a cell is a scalar: nothing below it */
            return path[k] ? none : (tval){.cell = d25_rows_row(f->list, f->row) + c};
        }
        if (!json_is_object(f->j))
            continue;
        if (i == 0) {
            const d25_rows *l = d25_tree_find(cx->tree, first);
            if (l)
                return path[k] ? none : (tval){.list = l, .row = WHOLE};
        }
        const json_t *v = json_object_get(f->j, first);
        if (!v)
            continue;
        const char *rest = path + k;
        while (*rest == '.' && v) {
            rest++;
            size_t m = strcspn(rest, ".");
            char seg[128];
            snprintf(seg, sizeof seg, "%.*s", (int)m, rest);
            v = json_is_object(v) ? json_object_get(v, seg) : NULL;
            rest += m;
        }
        return (tval){.j = v};
    }
    return none;
}

/* Loops: a list, or a JSON array. */
static bool is_seq(tval v)
{
    return (v.list && v.row == WHOLE) || json_is_array(v.j);
}

static size_t seq_len(tval v)
{
    return v.list && v.row == WHOLE ? v.list->n : json_array_size(v.j);
}

static tval seq_item(tval v, size_t i)
{
    return v.list ? (tval){.list = v.list, .row = i} : (tval){.j = json_array_get(v.j, i)};
}

/* A value as a scalar for printing and testing. */
typedef enum { S_NONE, S_NULL, S_INT, S_REAL, S_STR, S_TRUE, S_FALSE, S_EMPTY, S_FULL } skind;
typedef struct {
    skind k;     /* S_EMPTY / S_FULL: an array or object, empty or not */
    long long i;
    double d;
    const char *s;
} scalar;

static scalar scalar_of(tval v)
{
    if (v.cell) {
        const d25_cell *c = v.cell;
        switch (c->kind) {
        case D25_CELL_INT: return (scalar){.k = S_INT, .i = c->v.i};
        case D25_CELL_REAL: return (scalar){.k = S_REAL, .d = c->v.d};
        case D25_CELL_STR: return (scalar){.k = S_STR, .s = c->v.s};
        case D25_CELL_BOOL: return (scalar){.k = c->v.b ? S_TRUE : S_FALSE};
        case D25_CELL_NULL: break;
        }
        return (scalar){.k = S_NULL};
    }
    if (v.list)
        return (scalar){.k = (v.row == WHOLE ? v.list->n : v.list->ncols) ? S_FULL : S_EMPTY};
    const json_t *j = v.j;
    if (!j)
        return (scalar){.k = S_NONE};
    switch (json_typeof(j)) {
    case JSON_INTEGER: return (scalar){.k = S_INT, .i = (long long)json_integer_value(j)};
    case JSON_REAL: return (scalar){.k = S_REAL, .d = json_real_value(j)};
    case JSON_STRING: return (scalar){.k = S_STR, .s = json_string_value(j)};
    case JSON_TRUE: return (scalar){.k = S_TRUE};
    case JSON_FALSE: return (scalar){.k = S_FALSE};
    case JSON_ARRAY: return (scalar){.k = json_array_size(j) ? S_FULL : S_EMPTY};
    case JSON_OBJECT: return (scalar){.k = json_object_size(j) ? S_FULL : S_EMPTY};
    case JSON_NULL: break;
    }
    return (scalar){.k = S_NULL};
}

static bool truthy(tval v)
{
    scalar x = scalar_of(v);
    switch (x.k) {
    case S_INT: return x.i != 0;
    case S_REAL: return x.d != 0;
    case S_STR: return x.s[0] != 0;
    case S_TRUE: case S_FULL: return true;
    default: return false;
    }
}

static void thousands(d25_buf *b, long long v)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
    if (v < 0)
        d25_buf_putc(b, '-');
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            d25_buf_putc(b, ',');
        d25_buf_putc(b, digits[i]);
    }
}

/* Append the value's text; -1 for an unknown format, -2 for a list or an
 * object. */
static int format_value(d25_buf *b, tval v, const char *fmt)
{
    if (fmt[0] && strcmp(fmt, "num") != 0 && strcmp(fmt, "pct") != 0)
        return -1;
    scalar x = scalar_of(v);
    bool number = x.k == S_INT || x.k == S_REAL;
    double dv = x.k == S_INT ? (double)x.i : x.d;
    if (x.k == S_NONE || x.k == S_NULL || (x.k == S_REAL && !isfinite(x.d)) || (!number && strcmp(fmt, "pct") == 0)) {
        d25_buf_puts(b, "—");
        return 0;
    }
    char tmp[64];
    if (strcmp(fmt, "pct") == 0) {
        snprintf(tmp, sizeof tmp, "%.1f%%", dv * 100);
        d25_buf_puts(b, tmp);
    } else if (strcmp(fmt, "num") == 0 && number) {
        if (dv == floor(dv) && fabs(dv) < 1e15) {
            thousands(b, (long long)dv);
        } else {
            snprintf(tmp, sizeof tmp, "%.1f", dv);
            d25_buf_puts(b, tmp);
        }
    } else if (x.k == S_STR) {
        d25_buf_puts(b, x.s);
    } else if (x.k == S_INT) {
        snprintf(tmp, sizeof tmp, "%lld", x.i);
        d25_buf_puts(b, tmp);
    } else if (x.k == S_REAL) {
        snprintf(tmp, sizeof tmp, x.d == floor(x.d) && fabs(x.d) < 1e15 ? "%.0f" : "%g", x.d);
        d25_buf_puts(b, tmp);
    } else if (x.k == S_TRUE) {
        d25_buf_puts(b, "是");
    } else if (x.k == S_FALSE) {
        d25_buf_puts(b, "否");
    } else {
        return -2; /* an object or array where a value is wanted */
    }
    return 0;
}

/* What was appended to b from offset from, as XML 1.0 may hold it
 * (util/text's d25_xml_safe): a value from a return or the registry may
 * carry U+FFFE (a cell's _xFFFE_), a control character or stray bytes. */
static int xml_clean_tail(d25_buf *b, size_t from)
{
    bool changed;
    char *clean = d25_xml_safe(b->data + from, b->len - from, &changed);
    if (!changed)
        return 0;
    if (!clean)
        return -1;
    b->len = from;
    int rc = d25_buf_puts(b, clean);
    free(clean);
    return rc;
}

/* XML-escape what was appended to b from offset from, dropping the
 * control characters XML 1.0 does not allow. */
static int escape_tail(d25_buf *b, size_t from)
{
    size_t n = b->len - from;
    bool plain = true;
    for (size_t i = from; i < b->len && plain; i++) {
        unsigned char c = (unsigned char)b->data[i];
        plain = c != '&' && c != '<' && c != '>' && (c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
    }
    if (plain)
        return 0;
    char *raw = malloc(n);
    if (!raw)
        return -1;
    memcpy(raw, b->data + from, n);
    b->len = from;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)raw[i];
        int r = c == '&' ? d25_buf_puts(b, "&amp;") : c == '<' ? d25_buf_puts(b, "&lt;") : c == '>' ? d25_buf_puts(b, "&gt;")
              : (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ? 0 : d25_buf_putc(b, (char)c);
        if (r < 0) {
            free(raw);
            return -1;
        }
    }
    free(raw);
    return 0;
}

/* ---- expansion ---- */

static int expand_between(ctx *cx, xmlNodePtr m1, xmlNodePtr m2, scope *sc);

static xmlNodePtr new_mark(ctx *cx)
{
    return xmlNewDocComment(cx->doc, (const xmlChar *)MARK);
}

/* Text of a string with only values and blocks contained in it. */
static int render_string(ctx *cx, xmlNodePtr at, const char *s, size_t from, size_t to, scope *sc, d25_buf *out)
{
    size_t k = from;
    tag t;
    bool bad;
    while (k < to && next_tag(s, k, &t, &bad) && t.start < to) {
        d25_buf_append(out, s + k, t.start - k);
        if (bad)
            return tag_error(cx, at, "标签“%s”写法有误（应为 {{名称}}、{{#名称}}…{{/名称}} 或 {{?名称}}…{{/名称}}）", t.name);
        if (t.kind == '/')
            return tag_error(cx, at, "结束标签“{{/%s}}”前面没有对应的开始标签", t.name);
        if (t.kind == 'v') {
            tval v = lookup(cx, sc, t.name);
            if (!found(v))
                return tag_error(cx, at, "数据中没有“%s”（可用的数据见 duty25 report --dump-data）", t.name);
            size_t before = out->len;
            int r = format_value(out, v, t.fmt);
            if (r == 0 && (xml_clean_tail(out, before) < 0 || (cx->escape && escape_tail(out, before) < 0)))
                return d25_fail(cx->err, D25_E_NOMEM, "内存不足");
            if (r == -1)
                return tag_error(cx, at, "格式“%s”未知（可用 num、pct）", t.fmt);
            if (r == -2)
                return tag_error(cx, at, "“%s”是一组数据，应写成 {{#名称}}…{{/名称}} 循环", t.name);
            k = t.end;
            continue;
        }
        /* A block closed within [t.end, to). */
        int level = 1;
        tag c;
        if (!close_in(s, t.end, to, t.name, &level, &c))
            return tag_error(cx, at, "开始标签“{{%s}}”没有对应的结束标签", t.name);
        tval v = lookup(cx, sc, t.name);
        if (!found(v))
            return tag_error(cx, at, "数据中没有“%s”（可用的数据见 duty25 report --dump-data）", t.name);
        if (t.kind == '#') {
            if (is_seq(v)) {
                for (size_t i = 0, n = seq_len(v); i < n; i++) {
                    if (sc->n >= 64)
                        return tag_error(cx, at, "“%s”嵌套过深", t.name);
                    sc->v[sc->n++] = seq_item(v, i);
                    int r = render_string(cx, at, s, t.end, c.start, sc, out);
                    sc->n--;
                    if (r < 0)
                        return -1;
                }
            } else if (truthy(v)) {
                if (render_string(cx, at, s, t.end, c.start, sc, out) < 0)
                    return -1;
            }
        } else if ((t.kind == '?') == truthy(v)) {
            if (render_string(cx, at, s, t.end, c.start, sc, out) < 0)
                return -1;
        }
        k = c.end;
    }
    if (k < to)
        d25_buf_append(out, s + k, to - k);
    return 0;
}

/* The first loop of the text, or the first condition whose close is not in
 * the same text; false when there is none. */
static bool open_block(const char *s, tag *first)
{
    tag t;
    bool bad;
    size_t k = 0;
    while (next_tag(s, k, &t, &bad)) {
        k = t.end;
        if (bad || !(t.kind == '#' || t.kind == '?' || t.kind == '^'))
            continue;
        int level = 1;
        tag c;
        bool closed = close_in(s, t.end, SIZE_MAX, t.name, &level, &c);
        /* A loop repeats its row or paragraph even when both tags stand in
         * one piece of text. */
        if (!closed || t.kind == '#') {
            *first = t;
            return true;
        }
        k = c.end;
    }
    return false;
}

/* The w:t holding the close tag matching open (name), after node a. */
static xmlNodePtr find_close(xmlNodePtr a, size_t after, const char *name, xmlNodePtr limit, size_t *pos)
{
    int level = 1;
    for (xmlNodePtr n = a; n; n = next_in_doc(n, limit)) {
        if (!is_text(n))
            continue;
        char *s = text_of(n);
        tag t;
        bool found = s && close_in(s, n == a ? after : 0, SIZE_MAX, name, &level, &t);
        free(s);
        if (found) {
            *pos = t.start;
            return n;
        }
    }
    return NULL;
}

/* The ancestor-or-self of n whose parent is p. */
static xmlNodePtr child_of(xmlNodePtr n, xmlNodePtr p)
{
    while (n && n->parent != p)
        n = n->parent;
    return n;
}

static bool paragraph_empty(xmlNodePtr p)
{
    xmlNodePtr *ts;
    size_t nt = paragraph_texts(p, &ts);
    bool empty = true;
    for (size_t i = 0; i < nt && empty; i++) {
        char *s = text_of(ts[i]);
        empty = !s || !*s;
        free(s);
    }
    free(ts);
    return empty;
}

/* Cut [from, to) out of the text of t. */
static void cut_text(xmlNodePtr t, size_t from, size_t to)
{
    char *s = text_of(t);
    if (!s)
        return;
    memmove(s + from, s + to, strlen(s + to) + 1);
    set_text(t, s);
    free(s);
}

/* Split the run holding t so that t's text from pos on is in a run of its
 * own, right after; returns that run's w:t. */
static xmlNodePtr split_run(xmlNodePtr t, size_t pos)
{
    xmlNodePtr r = ancestor(t, "r");
    if (!r)
        return t;
    char *s = text_of(t);
    if (!s)
        return t;
    xmlNodePtr r2 = xmlDocCopyNode(r, r->doc, 1);
    xmlAddNextSibling(r, r2);
    /* In the copy, the w:t at the same position gets the tail. */
    xmlNodePtr t2 = NULL;
    for (xmlNodePtr a = r->children, b = r2->children; a && b; a = a->next, b = b->next)
        if (a == t || (a->children == t)) {
            t2 = a == t ? b : b->children;
            break;
        }
    if (!t2)
        for (xmlNodePtr n = r2; n; n = next_in_doc(n, r2->next))
            if (is_w(n, "t")) {
                t2 = n;
                break;
            }
    char *head = strndup(s, pos);
    set_text(t, head ? head : "");
    if (t2)
        set_text(t2, s + pos);
    free(head);
    free(s);
    return t2 ? t2 : t;
}

static void repoint_ns(xmlNodePtr n, xmlNsPtr from, xmlNsPtr to)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (n->ns == from)
            n->ns = to;
        for (xmlAttrPtr a = n->properties; a; a = a->next)
            if (a->ns == from)
                a->ns = to;
        repoint_ns(n->children, from, to);
    }
}

/* A copied node re-declares the namespaces its ancestors declare: use the
 * ancestors' declarations and drop the copies. */
static void drop_redundant_ns(xmlNodePtr copy)
{
    if (copy->type != XML_ELEMENT_NODE || !copy->parent)
        return;
    xmlNsPtr *link = &copy->nsDef;
    while (*link) {
        xmlNsPtr d = *link;
        xmlNsPtr outer = xmlSearchNs(copy->doc, copy->parent, d->prefix);
        if (outer && outer != d && outer->href && d->href && xmlStrEqual(outer->href, d->href)) {
            if (copy->ns == d)
                copy->ns = outer;
            for (xmlAttrPtr a = copy->properties; a; a = a->next)
                if (a->ns == d)
                    a->ns = outer;
            repoint_ns(copy->children, d, outer);
            *link = d->next;
            d->next = NULL;
            xmlFreeNs(d);
        } else {
            link = &d->next;
        }
    }
}

/* Remove the siblings strictly between m1 and m2. */
static void drop_between(xmlNodePtr m1, xmlNodePtr m2)
{
    for (xmlNodePtr x = m1->next; x && x != m2;) {
        xmlNodePtr nx = x->next;
        xmlUnlinkNode(x);
        xmlFreeNode(x);
        x = nx;
    }
}

static bool open_block(const char *s, tag *first);

/* The node after n in document order, not leaving root's subtree. */
static xmlNodePtr next_within(xmlNodePtr n, xmlNodePtr root)
{
    if (n->children)
        return n->children;
    for (; n && n != root; n = n->parent)
        if (n->next)
            return n->next;
    return NULL;
}

/* Count of "{{" in s. */
static size_t tag_opens(const char *s)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, "{{")); p += 2)
        n++;
    return n;
}

/* Keep the sibling rows (or paragraphs) first..last as a stream of items
 * when they hold nothing but values and in-text conditions: 1 done (the
 * placeholder stands in their place, *resume set), 0 not eligible, -1
 * error. */
static int try_stream(ctx *cx, xmlNodePtr first, xmlNodePtr last, tval items, xmlNodePtr *resume)
{
    size_t in_text = 0;
    for (xmlNodePtr x = first;; x = x->next) {
        if (!x || !(is_w(x, "tr") || is_w(x, "p")))
            return 0;
        for (xmlNodePtr t = x; t; t = next_within(t, x)) {
            if (!is_text(t))
                continue;
            char *tx = text_of(t);
            tag b;
            bool blocked = !tx || open_block(tx, &b);
            in_text += tx ? tag_opens(tx) : 0;
            free(tx);
            if (blocked)
                return 0;
        }
        if (x == last)
            break;
    }
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf)
        return d25_fail(cx->err, D25_E_NOMEM, "内存不足");
    for (xmlNodePtr x = first;; x = x->next) {
        xmlNodeDump(buf, cx->doc, x, 0, 0);
        if (x == last)
            break;
    }
    const char *xml = (const char *)xmlBufferContent(buf);
    if (!xml || tag_opens(xml) != in_text) { /* a tag in an attribute: not ours to stream */
        xmlBufferFree(buf);
        return 0;
    }
    if (d25_grow((void **)&cx->streams, &cx->stream_cap, cx->nstreams + 1, sizeof *cx->streams) < 0) {
        xmlBufferFree(buf);
        return d25_fail(cx->err, D25_E_NOMEM, "内存不足");
    }
    char num[32];
    snprintf(num, sizeof num, "%zu", cx->nstreams);
    xmlNodePtr pi = xmlNewDocPI(cx->doc, (const xmlChar *)STREAM_PI, (const xmlChar *)num);
    stream *st = &cx->streams[cx->nstreams];
    st->len = strlen(xml);
    st->xml = strdup(xml);
    xmlBufferFree(buf);
    if (!pi || !st->xml) {
        free(st->xml);
        xmlFreeNode(pi);
        return d25_fail(cx->err, D25_E_NOMEM, "内存不足");
    }
    st->items = items;
    st->at = pi;
    st->line = xmlGetLineNo(first);
    cx->nstreams++;
    xmlAddPrevSibling(first, pi);
    for (xmlNodePtr x = first; x;) {
        xmlNodePtr nx = x == last ? NULL : x->next;
        xmlUnlinkNode(x);
        xmlFreeNode(x);
        x = nx;
    }
    *resume = pi;
    return 1;
}

/* Handle the block whose open tag (in w:t a, at tg) is not closed within
 * a's text.  *resume is where scanning goes on. */
static int node_block(ctx *cx, xmlNodePtr a, const tag *tg, xmlNodePtr limit, scope *sc, xmlNodePtr *resume)
{
    size_t cpos;
    xmlNodePtr b = find_close(a, tg->end, tg->name, limit, &cpos);
    if (!b)
        return tag_error(cx, a, "开始标签“{{%s}}”没有对应的结束标签", tg->name);
    bool loop = tg->kind == '#';
    xmlNodePtr pa = ancestor(a, "p"), pb = ancestor(b, "p");
    xmlNodePtr ra = ancestor(a, "tr"), rb = ancestor(b, "tr");
    xmlNodePtr first, last, parent;
    char closetag[160];
    snprintf(closetag, sizeof closetag, "{{/%s}}", tg->name);
    xmlNodePtr pta = c_ancestor(a, "pt"), ptb = c_ancestor(b, "pt");
    if (pta || ptb) {
        /* In a chart: a loop repeats the data point (c:pt) it stands in. */
        if (pta != ptb || !loop)
            return tag_error(cx, a, "图表中的“{{%s}}”应是写在同一个数据点里的循环", tg->name);
        cut_text(b, cpos, cpos + strlen(closetag));
        cut_text(a, tg->start, tg->end);
        parent = pta->parent;
        first = last = pta;
    } else if (pa && pa == pb && !loop) {
        /* A condition within one paragraph: a range of runs. */
        xmlNodePtr tb = split_run(b, cpos);
        cut_text(tb, 0, strlen(closetag));
        xmlNodePtr ta = split_run(a, tg->start);
        cut_text(ta, 0, tg->end - tg->start);
        parent = pa;
        first = child_of(ta, pa);
        last = child_of(tb, pa);
        if (first && last && last->prev)
            last = last->prev; /* the close tag's run holds what follows */
        else
            last = first;
        if (first == child_of(tb, pa)) {
            /* nothing between the tags */
            *resume = child_of(tb, pa);
            return 0;
        }
    } else {
        cut_text(b, cpos, cpos + strlen(closetag));
        cut_text(a, tg->start, tg->end);
        if (ra && rb && ra->parent == rb->parent && (pa == pb || ra != rb || loop)) {
            parent = ra->parent;
            first = ra;
            last = rb;
        } else if (pa && pb) {
            xmlNodePtr common = pa->parent;
            for (; common; common = common->parent) {
                xmlNodePtr x = pb;
                while (x && x != common)
                    x = x->parent;
                if (x)
                    break;
            }
            if (!common)
                return tag_error(cx, a, "“{{%s}}”的开始和结束标签不在同一部分中", tg->name);
            parent = common;
            first = child_of(pa, common);
            last = child_of(pb, common);
            /* A boundary paragraph that held only a tag goes. */
            if (first != last && is_w(first, "p") && paragraph_empty(first)) {
                xmlNodePtr nx = first->next;
                xmlUnlinkNode(first);
                xmlFreeNode(first);
                first = nx;
            }
            if (first != last && is_w(last, "p") && paragraph_empty(last)) {
                xmlNodePtr pv = last->prev;
                xmlUnlinkNode(last);
                xmlFreeNode(last);
                last = pv;
            }
        } else {
            return tag_error(cx, a, "“{{%s}}”应放在表格行或段落中", tg->name);
        }
    }
    (void)parent;
    /* Marks around the range: output goes between them. */
    tval v = lookup(cx, sc, tg->name);
    if (!found(v))
        return tag_error(cx, a, "数据中没有“%s”（可用的数据见 duty25 report --dump-data）", tg->name);
    if (loop && !pta && sc->n == 1 && is_seq(v)) {
        int r = try_stream(cx, first, last, v, resume);
        if (r != 0)
            return r < 0 ? -1 : 0;
    }
    xmlNodePtr m1 = new_mark(cx), m2 = new_mark(cx);
    xmlAddPrevSibling(first, m1);
    xmlAddNextSibling(last, m2);
    int rc = 0;
    if (loop) {
        size_t n = is_seq(v) ? seq_len(v) : truthy(v) ? 1 : 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            xmlNodePtr c1 = new_mark(cx), c2 = new_mark(cx);
            xmlAddPrevSibling(m1, c1);
            xmlAddPrevSibling(m1, c2);
            for (xmlNodePtr x = m1->next; x != m2; x = x->next) {
                xmlNodePtr copy = xmlAddPrevSibling(c2, xmlDocCopyNode(x, cx->doc, 1));
                /* The copy re-declares its namespaces: drop what the
                 * ancestors already declare. */
                if (copy)
                    drop_redundant_ns(copy);
            }
            if (sc->n >= 64)
                return tag_error(cx, a, "“%s”嵌套过深", tg->name);
            sc->v[sc->n++] = is_seq(v) ? seq_item(v, i) : v;
            rc = expand_between(cx, c1, c2, sc);
            sc->n--;
        }
        drop_between(m1, m2); /* the original range */
    } else if ((tg->kind == '?') == truthy(v)) {
        rc = expand_between(cx, m1, m2, sc);
    } else {
        drop_between(m1, m2);
    }
    *resume = m2;
    return rc;
}

/* Expand every tag strictly between sibling marks m1 and m2. */
static int expand_between(ctx *cx, xmlNodePtr m1, xmlNodePtr m2, scope *sc)
{
    if (++cx->depth > 200) {
        cx->depth--;
        return d25_fail(cx->err, D25_E_TEMPLATE, "模板部件 %s：循环嵌套过深", cx->part);
    }
    int rc = 0;
    xmlNodePtr n = m1->next == m2 ? NULL : m1->next;
    while (n && rc == 0) {
        if (!is_text(n)) {
            n = next_in_doc(n, m2);
            continue;
        }
        char *s = text_of(n);
        if (!s) {
            rc = d25_fail(cx->err, D25_E_NOMEM, "内存不足");
            break;
        }
        tag first;
        if (open_block(s, &first)) {
            if (first.start > 0 && first.kind != '#') {
                /* What precedes the open tag is rendered here; the block
                 * starts a run of its own. */
                xmlNodePtr rest = split_run(n, first.start);
                free(s);
                if (rest == n) {
                    rc = tag_error(cx, n, "“{{%s}}”所在位置无法拆分", first.name);
                    break;
                }
                continue; /* n now holds only the text before the tag */
            }
            xmlNodePtr resume = NULL;
            rc = node_block(cx, n, &first, m2, sc, &resume);
            free(s);
            n = rc == 0 && resume ? next_in_doc(resume, m2) : NULL;
            continue;
        }
        d25_buf out = {0};
        rc = render_string(cx, n, s, 0, strlen(s), sc, &out);
        if (rc == 0 && (out.len != strlen(s) || memcmp(out.data ? out.data : "", s, out.len) != 0))
            set_text(n, d25_buf_cstr(&out));
        d25_buf_free(&out);
        free(s);
        n = next_in_doc(n, m2);
    }
    cx->depth--;
    return rc;
}

/* After loops in a chart: each cache's points numbered 0.. and counted. */
static void renumber_points(xmlNodePtr root)
{
    for (xmlNodePtr n = root; n; n = next_in_doc(n, NULL)) {
        if (!(is_c(n, "strCache") || is_c(n, "numCache") || is_c(n, "strLit") || is_c(n, "numLit")))
            continue;
        int idx = 0;
        xmlNodePtr count = NULL;
        for (xmlNodePtr c = n->children; c; c = c->next) {
            if (is_c(c, "ptCount"))
                count = c;
            else if (is_c(c, "pt")) {
                char v[16];
                snprintf(v, sizeof v, "%d", idx++);
                xmlSetProp(c, (const xmlChar *)"idx", (const xmlChar *)v);
            }
        }
        if (count) {
            char v[16];
            snprintf(v, sizeof v, "%d", idx);
            xmlSetProp(count, (const xmlChar *)"val", (const xmlChar *)v);
        }
    }
}

static void drop_marks(xmlNodePtr root)
{
    for (xmlNodePtr n = root; n;) {
        xmlNodePtr nx = next_in_doc(n, NULL);
        if (is_mark(n)) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
        n = nx;
    }
}

/* A part filled: the tree with placeholders, serialized, and the streams
 * whose rows are written where the placeholders stand. */
typedef struct {
    ctx cx;
    char *skel;
    size_t skel_len, pos;  /* in skel */
    bool in_stream;
    size_t si, item;       /* the stream being written, its next item */
    d25_buf pending;
    size_t pend_off;
    bool failed;
    char *part;            /* its name: rows are written after the template is closed */
} filled;

static void filled_free(filled *f)
{
    if (!f)
        return;
    free(f->part);
    for (size_t i = 0; i < f->cx.nstreams; i++)
        free(f->cx.streams[i].xml);
    free(f->cx.streams);
    if (f->cx.doc)
        xmlFreeDoc(f->cx.doc);
    free(f->skel);
    d25_buf_free(&f->pending);
    free(f);
}

static filled *fill_part(const char *xml, size_t len, const char *part, const json_t *root_data, const d25_tree *tree,
                         d25_error *err)
{
    filled *f = calloc(1, sizeof *f);
    if (!f || !(f->part = strdup(part))) {
        free(f);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, part, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    f->cx = (ctx){.doc = doc, .part = f->part, .err = err, .root = root_data, .tree = tree};
    if (!doc || xmlGetIntSubset(doc)) {
        /* Word refuses a part with a DOCTYPE, and its entities would be
         * copied into the report unexpanded. */
        if (!doc)
            d25_fail(err, D25_E_TEMPLATE, "模板部件 %s 不是有效的 XML", part);
        else
            d25_fail(err, D25_E_TEMPLATE,
                     "模板部件 %s 含有文档类型声明（DOCTYPE），Word 和 WPS 保存的文件里不会有：请在 Word 或 WPS 中另存为 .docx 后再用",
                     part);
        filled_free(f);
        return NULL;
    }
    ctx *cx = &f->cx;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int rc = root ? join_tags(root) : 0;
    if (rc < 0)
        d25_fail(err, D25_E_NOMEM, "内存不足");
    if (rc == 0 && root && root->children) {
        xmlNodePtr m1 = new_mark(cx), m2 = new_mark(cx);
        xmlAddPrevSibling(root->children, m1);
        xmlAddChild(root, m2);
        scope sc = {.v = {{.j = root_data}}, .n = 1};
        rc = expand_between(cx, m1, m2, &sc);
        drop_marks(root);
        renumber_points(root);
    }
    if (rc == 0) {
        xmlChar *mem = NULL;
        int n = 0;
        xmlDocDumpMemoryEnc(doc, &mem, &n, "UTF-8");
        if (!mem || !(f->skel = malloc((size_t)n + 1))) {
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
        } else {
            memcpy(f->skel, mem, (size_t)n);
            f->skel[n] = 0;
            f->skel_len = (size_t)n;
        }
        xmlFree(mem);
    }
    if (rc != 0) {
        filled_free(f);
        return NULL;
    }
    cx->escape = true; /* from here on values go into serialized XML */
    return f;
}

/* The next bytes of the filled part: the skeleton, with each placeholder
 * replaced by its stream's rows, one item at a time.  0 at the end, -1 on
 * error (cx.err set). */
static zip_int64_t filled_read(filled *f, char *out, size_t n)
{
    static const char open[] = "<?d25-stream ";
    size_t done = 0;
    while (done < n && !f->failed) {
        if (f->pend_off < f->pending.len) {
            size_t k = f->pending.len - f->pend_off;
            if (k > n - done)
                k = n - done;
            memcpy(out + done, f->pending.data + f->pend_off, k);
            f->pend_off += k;
            done += k;
            continue;
        }
        f->pending.len = 0;
        f->pend_off = 0;
        if (f->in_stream) {
            stream *st = &f->cx.streams[f->si];
            if (f->item >= seq_len(st->items)) {
                f->in_stream = false;
                continue;
            }
            scope sc = {.v = {{.j = f->cx.root}, seq_item(st->items, f->item)}, .n = 2};
            f->item++;
            f->cx.in_stream = st;
            f->cx.item = f->item;
            if (render_string(&f->cx, st->at, st->xml, 0, st->len, &sc, &f->pending) < 0)
                f->failed = true;
            f->cx.in_stream = NULL;
            continue;
        }
        if (f->pos >= f->skel_len)
            break;
        const char *at = strstr(f->skel + f->pos, open);
        size_t upto = at ? (size_t)(at - f->skel) : f->skel_len;
        if (upto > f->pos) {
            size_t k = upto - f->pos;
            if (k > n - done)
                k = n - done;
            memcpy(out + done, f->skel + f->pos, k);
            f->pos += k;
            done += k;
            continue;
        }
        /* At a placeholder: <?d25-stream N?> */
        char *end;
        unsigned long si = strtoul(at + sizeof open - 1, &end, 10);
        const char *close = strstr(end, "?>");
        if (si >= f->cx.nstreams || !close) {
            d25_fail(f->cx.err, D25_E_TEMPLATE, "模板部件 %s：内部占位标记有误", f->cx.part);
            f->failed = true;
            break;
        }
        f->pos = (size_t)(close + 2 - f->skel);
        f->si = si;
        f->item = 0;
        f->in_stream = true;
    }
    return f->failed ? -1 : (zip_int64_t)done;
}

int d25_template_fill_xml(const char *xml, size_t len, const char *part, const json_t *data, char **out,
                          size_t *out_len, d25_error *err)
{
    *out = NULL;
    *out_len = 0;
    filled *f = fill_part(xml, len, part, data, NULL, err);
    if (!f)
        return -1;
    d25_buf b = {0};
    char chunk[16384];
    zip_int64_t k;
    while ((k = filled_read(f, chunk, sizeof chunk)) > 0)
        if (d25_buf_append(&b, chunk, (size_t)k) < 0) {
            k = -1;
            d25_fail(err, D25_E_NOMEM, "内存不足");
            break;
        }
    filled_free(f);
    if (k < 0) {
        d25_buf_free(&b);
        return -1;
    }
    *out_len = b.len;
    *out = d25_buf_steal(&b);
    return *out ? 0 : d25_fail(err, D25_E_NOMEM, "内存不足");
}

/* libzip pulls a filled part through this while it writes the package. */
static zip_int64_t filled_source(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    filled *f = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN: return 0;
    case ZIP_SOURCE_READ: return filled_read(f, data, len);
    case ZIP_SOURCE_CLOSE: return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->valid = ZIP_STAT_MTIME;
        st->mtime = time(NULL);
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR: {
        int *e = data;
        e[0] = ZIP_ER_INTERNAL;
        e[1] = 0;
        return 2 * sizeof(int);
    }
    case ZIP_SOURCE_FREE: filled_free(f); return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                              ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default: return -1;
    }
}

/* ---- the package ---- */

static bool fills(const char *name)
{
    return strcmp(name, "word/document.xml") == 0 ||
           (strncmp(name, "word/header", 11) == 0 && strstr(name, ".xml") && !strchr(name + 5, '/')) ||
           (strncmp(name, "word/footer", 11) == 0 && strstr(name, ".xml") && !strchr(name + 5, '/')) ||
           (strncmp(name, "word/charts/chart", 17) == 0 && strstr(name, ".xml") && !strchr(name + 12, '/'));
}

static int fill_package(const char *template_path, const json_t *data, const d25_tree *tree, const char *out_path,
                        d25_error *err)
{
    int zerr = 0;
    d25_zip_open_lock();
    zip_t *in = zip_open(template_path, ZIP_RDONLY, &zerr);
    d25_zip_open_unlock();
    if (!in && zerr == ZIP_ER_NOENT)
        return d25_fail(err, D25_E_TEMPLATE, "模板 %s 不存在（模板文件夹见配置 [report] templates）", template_path);
    if (!in && (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ)) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        d25_fail(err, D25_E_TEMPLATE, "模板 %s 无法读取（%s）", template_path, d25_zip_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    if (!in)
        return d25_fail(err, D25_E_TEMPLATE, "模板 %s 无法打开（不是 .docx 文件或已损坏）", template_path);
    /* A Word document (or WPS's .docx) has its body at word/document.xml. */
    int rc = zip_name_locate(in, "word/document.xml", 0) >= 0
                 ? d25_dir_writable(out_path, err)
                 : d25_fail(err, D25_E_TEMPLATE,
                            "模板 %s 不是 Word 文档（其中没有 word/document.xml）：请用 Word 或 WPS 保存为 .docx", template_path);
    if (rc < 0) {
        zip_discard(in);
        return -1;
    }
    size_t tl = strlen(out_path) + 16;
    char *tmp = malloc(tl);
    if (!tmp) {
        zip_discard(in);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    snprintf(tmp, tl, "%s.tmp%ld", out_path, (long)getpid());
    unlink(tmp);
    d25_zip_open_lock();
    zip_t *out = zip_open(tmp, ZIP_CREATE | ZIP_EXCL, &zerr);
    d25_zip_open_unlock();
    rc = out ? 0 : d25_fail(err, D25_E_IO, "无法创建 %s", tmp);
    zip_int64_t n = zip_get_num_entries(in, 0);
    for (zip_int64_t i = 0; i < n && rc == 0; i++) {
        const char *name = zip_get_name(in, (zip_uint64_t)i, 0);
        zip_stat_t st;
        if (!name || zip_stat_index(in, (zip_uint64_t)i, 0, &st) != 0 || st.size > (64u << 20)) {
            rc = d25_fail(err, D25_E_TEMPLATE, "模板 %s 的部件 %s 无法读取", template_path, name ? name : "?");
            break;
        }
        if (name[0] && name[strlen(name) - 1] == '/' && st.size == 0)
            continue; /* a folder's entry (zip -r writes them), not a part */
        char *buf = malloc(st.size + 1);
        zip_file_t *zf = buf ? zip_fopen_index(in, (zip_uint64_t)i, 0) : NULL;
        zip_int64_t got = zf ? zip_fread(zf, buf, st.size) : -1;
        if (zf)
            zip_fclose(zf);
        if (got != (zip_int64_t)st.size) {
            free(buf);
            rc = d25_fail(err, D25_E_TEMPLATE, "模板 %s 的部件 %s 无法读取", template_path, name);
            break;
        }
        zip_source_t *src;
        if (fills(name)) {
            filled *f = fill_part(buf, st.size, name, data, tree, err);
            free(buf);
            if (!f) {
                rc = -1;
                break;
            }
            if (!(src = zip_source_function(out, filled_source, f)))
                filled_free(f);
        } else if (st.size == 0) {
            /* An empty part: libzip does not take over a buffer of no
             * bytes. */
            free(buf);
            src = zip_source_buffer(out, NULL, 0, 0);
        } else if (!(src = zip_source_buffer(out, buf, st.size, 1))) {
            free(buf);
        }
        zip_int64_t idx = src ? zip_file_add(out, name, src, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (src)
                zip_source_free(src);
            rc = d25_fail(err, D25_E_IO, "写入 %s 失败", tmp);
        } else {
            /* Deflate's fastest level: a table of 10,000 rows compresses
             * several times faster for a file a few percent larger. */
            zip_set_file_compression(out, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1);
        }
    }
    zip_discard(in);
    if (rc == 0)
        err->code = D25_OK;
    if (rc == 0 && zip_close(out) != 0) {
        /* A part's rows may have failed (a bad tag in one item): that
         * message says more than libzip's. */
        if (err->code != D25_E_TEMPLATE && err->code != D25_E_NOMEM)
            d25_fail(err, D25_E_IO, "写入 %s 失败（%s）", tmp, d25_zip_strerror(zip_get_error(out)));
        rc = -1;
        zip_discard(out);
    } else if (rc != 0 && out) {
        zip_discard(out);
    }
    if (rc == 0 && rename(tmp, out_path) != 0)
        rc = d25_fail(err, D25_E_IO, "无法写入 %s（%s）", out_path, d25_strerror(errno));
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int d25_template_fill(const char *template_path, const json_t *data, const char *out_path, d25_error *err)
{
    return fill_package(template_path, data, NULL, out_path, err);
}

int d25_template_fill_tree(const char *template_path, const d25_tree *tree, const char *out_path, d25_error *err)
{
    return fill_package(template_path, tree->root, tree, out_path, err);
}
