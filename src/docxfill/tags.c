/* docxfill/tags: tags and values (see internal.h). */
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/text.h"

/* The first tag at or after from; false when none.  A malformed tag is
 * reported through bad (its text). */
bool dx_next_tag(const char *s, size_t from, tag *t, bool *bad)
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
bool dx_close_in(const char *s, size_t from, size_t to, const char *name, int *level, tag *close)
{
    tag c;
    bool bad;
    for (size_t m = from; dx_next_tag(s, m, &c, &bad) && c.start < to; m = c.end) {
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

int dx_tag_error(ctx *cx, xmlNodePtr at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int dx_tag_error(ctx *cx, xmlNodePtr at, const char *fmt, ...)
{
    xmlNodePtr p = dx_ancestor(at, "p");
    char where[160] = "";
    if (p) {
        char *tx = NULL;
        xmlNodePtr *ts;
        size_t nt = dx_paragraph_texts(p, &ts);
        d25_buf b = {0};
        for (size_t i = 0; i < nt; i++) {
            tx = dx_text_of(ts[i]);
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

tval dx_lookup(ctx *cx, const scope *sc, const char *path)
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
bool dx_is_seq(tval v)
{
    return (v.list && v.row == WHOLE) || json_is_array(v.j);
}

size_t dx_seq_len(tval v)
{
    return v.list && v.row == WHOLE ? v.list->n : json_array_size(v.j);
}

tval dx_seq_item(tval v, size_t i)
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

bool dx_truthy(tval v)
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
int dx_format_value(d25_buf *b, tval v, const char *fmt)
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
int dx_xml_clean_tail(d25_buf *b, size_t from)
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
int dx_escape_tail(d25_buf *b, size_t from)
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

/* The first loop of the text, or the first condition whose close is not in
 * the same text; false when there is none. */
bool dx_open_block(const char *s, tag *first)
{
    tag t;
    bool bad;
    size_t k = 0;
    while (dx_next_tag(s, k, &t, &bad)) {
        k = t.end;
        if (bad || !(t.kind == '#' || t.kind == '?' || t.kind == '^'))
            continue;
        int level = 1;
        tag c;
        bool closed = dx_close_in(s, t.end, SIZE_MAX, t.name, &level, &c);
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

/* Count of "{{" in s. */
size_t dx_tag_opens(const char *s)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, "{{")); p += 2)
        n++;
    return n;
}

