/* docxfill/expand: loops and conditions (see internal.h). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


xmlNodePtr dx_new_mark(ctx *cx)
{
    return xmlNewDocComment(cx->doc, (const xmlChar *)MARK);
}

/* Text of a string with only values and blocks contained in it. */
int dx_render_string(ctx *cx, xmlNodePtr at, const char *s, size_t from, size_t to, scope *sc, d25_buf *out)
{
    size_t k = from;
    tag t;
    bool bad;
    while (k < to && dx_next_tag(s, k, &t, &bad) && t.start < to) {
        d25_buf_append(out, s + k, t.start - k);
        if (bad)
            return dx_tag_error(cx, at, "标签“%s”写法有误（应为 {{名称}}、{{#名称}}…{{/名称}} 或 {{?名称}}…{{/名称}}）", t.name);
        if (t.kind == '/')
            return dx_tag_error(cx, at, "结束标签“{{/%s}}”前面没有对应的开始标签", t.name);
        if (t.kind == 'v') {
            tval v = dx_lookup(cx, sc, t.name);
            if (!dx_found(v))
                return dx_tag_error(cx, at, "数据中没有“%s”（可用的数据见 duty25 report --dump-data）", t.name);
            size_t before = out->len;
            int r = dx_format_value(out, v, t.fmt);
            if (r == 0 && (dx_xml_clean_tail(out, before) < 0 || (cx->escape && dx_escape_tail(out, before) < 0)))
                return d25_fail(cx->err, D25_E_NOMEM, "内存不足");
            if (r == -1)
                return dx_tag_error(cx, at, "格式“%s”未知（可用 num、pct）", t.fmt);
            if (r == -2)
                return dx_tag_error(cx, at, "“%s”是一组数据，应写成 {{#名称}}…{{/名称}} 循环", t.name);
            k = t.end;
            continue;
        }
        /* A block closed within [t.end, to). */
        int level = 1;
        tag c;
        if (!dx_close_in(s, t.end, to, t.name, &level, &c))
            return dx_tag_error(cx, at, "开始标签“{{%s}}”没有对应的结束标签", t.name);
        tval v = dx_lookup(cx, sc, t.name);
        if (!dx_found(v))
            return dx_tag_error(cx, at, "数据中没有“%s”（可用的数据见 duty25 report --dump-data）", t.name);
        if (t.kind == '#') {
            if (dx_is_seq(v)) {
                for (size_t i = 0, n = dx_seq_len(v); i < n; i++) {
                    if (sc->n >= 64)
                        return dx_tag_error(cx, at, "“%s”嵌套过深", t.name);
                    sc->v[sc->n++] = dx_seq_item(v, i);
                    int r = dx_render_string(cx, at, s, t.end, c.start, sc, out);
                    sc->n--;
                    if (r < 0)
                        return -1;
                }
            } else if (dx_truthy(v)) {
                if (dx_render_string(cx, at, s, t.end, c.start, sc, out) < 0)
                    return -1;
            }
        } else if ((t.kind == '?') == dx_truthy(v)) {
            if (dx_render_string(cx, at, s, t.end, c.start, sc, out) < 0)
                return -1;
        }
        k = c.end;
    }
    if (k < to)
        d25_buf_append(out, s + k, to - k);
    return 0;
}

/* The w:t holding the close tag matching open (name), after node a. */
static xmlNodePtr find_close(xmlNodePtr a, size_t after, const char *name, xmlNodePtr limit, size_t *pos)
{
    int level = 1;
    for (xmlNodePtr n = a; n; n = dx_next_in_doc(n, limit)) {
        if (!dx_is_text(n))
            continue;
        char *s = dx_text_of(n);
        tag t;
        bool found = s && dx_close_in(s, n == a ? after : 0, SIZE_MAX, name, &level, &t);
        free(s);
        if (found) {
            *pos = t.start;
            return n;
        }
    }
    return NULL;
}

/* Keep the sibling rows (or paragraphs) first..last as a stream of items
 * when they hold nothing but values and in-text conditions: 1 done (the
 * placeholder stands in their place, *resume set), 0 not eligible, -1
 * error. */
static int try_stream(ctx *cx, xmlNodePtr first, xmlNodePtr last, tval items, xmlNodePtr *resume)
{
    size_t in_text = 0;
    for (xmlNodePtr x = first;; x = x->next) {
        if (!x || !(dx_is_w(x, "tr") || dx_is_w(x, "p")))
            return 0;
        for (xmlNodePtr t = x; t; t = dx_next_within(t, x)) {
            if (!dx_is_text(t))
                continue;
            char *tx = dx_text_of(t);
            tag b;
            bool blocked = !tx || dx_open_block(tx, &b);
            in_text += tx ? dx_tag_opens(tx) : 0;
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
    if (!xml || dx_tag_opens(xml) != in_text) { /* a tag in an attribute: not ours to stream */
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
        return dx_tag_error(cx, a, "开始标签“{{%s}}”没有对应的结束标签", tg->name);
    bool loop = tg->kind == '#';
    xmlNodePtr pa = dx_ancestor(a, "p"), pb = dx_ancestor(b, "p");
    xmlNodePtr ra = dx_ancestor(a, "tr"), rb = dx_ancestor(b, "tr");
    xmlNodePtr first, last, parent;
    char closetag[160];
    snprintf(closetag, sizeof closetag, "{{/%s}}", tg->name);
    xmlNodePtr pta = dx_c_ancestor(a, "pt"), ptb = dx_c_ancestor(b, "pt");
    if (pta || ptb) {
        /* In a chart: a loop repeats the data point (c:pt) it stands in. */
        if (pta != ptb || !loop)
            return dx_tag_error(cx, a, "图表中的“{{%s}}”应是写在同一个数据点里的循环", tg->name);
        dx_cut_text(b, cpos, cpos + strlen(closetag));
        dx_cut_text(a, tg->start, tg->end);
        parent = pta->parent;
        first = last = pta;
    } else if (pa && pa == pb && !loop) {
        /* A condition within one paragraph: a range of runs. */
        xmlNodePtr tb = dx_split_run(b, cpos);
        dx_cut_text(tb, 0, strlen(closetag));
        xmlNodePtr ta = dx_split_run(a, tg->start);
        dx_cut_text(ta, 0, tg->end - tg->start);
        parent = pa;
        first = dx_child_of(ta, pa);
        last = dx_child_of(tb, pa);
        if (first && last && last->prev)
            last = last->prev; /* the close tag's run holds what follows */
        else
            last = first;
        if (first == dx_child_of(tb, pa)) {
            /* nothing between the tags */
            *resume = dx_child_of(tb, pa);
            return 0;
        }
    } else {
        dx_cut_text(b, cpos, cpos + strlen(closetag));
        dx_cut_text(a, tg->start, tg->end);
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
                return dx_tag_error(cx, a, "“{{%s}}”的开始和结束标签不在同一部分中", tg->name);
            parent = common;
            first = dx_child_of(pa, common);
            last = dx_child_of(pb, common);
            /* A boundary paragraph that held only a tag goes. */
            if (first != last && dx_is_w(first, "p") && dx_paragraph_empty(first)) {
                xmlNodePtr nx = first->next;
                xmlUnlinkNode(first);
                xmlFreeNode(first);
                first = nx;
            }
            if (first != last && dx_is_w(last, "p") && dx_paragraph_empty(last)) {
                xmlNodePtr pv = last->prev;
                xmlUnlinkNode(last);
                xmlFreeNode(last);
                last = pv;
            }
        } else {
            return dx_tag_error(cx, a, "“{{%s}}”应放在表格行或段落中", tg->name);
        }
    }
    (void)parent;
    /* Marks around the range: output goes between them. */
    tval v = dx_lookup(cx, sc, tg->name);
    if (!dx_found(v))
        return dx_tag_error(cx, a, "数据中没有“%s”（可用的数据见 duty25 report --dump-data）", tg->name);
    if (loop && !pta && sc->n == 1 && dx_is_seq(v)) {
        int r = try_stream(cx, first, last, v, resume);
        if (r != 0)
            return r < 0 ? -1 : 0;
    }
    xmlNodePtr m1 = dx_new_mark(cx), m2 = dx_new_mark(cx);
    xmlAddPrevSibling(first, m1);
    xmlAddNextSibling(last, m2);
    int rc = 0;
    if (loop) {
        size_t n = dx_is_seq(v) ? dx_seq_len(v) : dx_truthy(v) ? 1 : 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            xmlNodePtr c1 = dx_new_mark(cx), c2 = dx_new_mark(cx);
            xmlAddPrevSibling(m1, c1);
            xmlAddPrevSibling(m1, c2);
            for (xmlNodePtr x = m1->next; x != m2; x = x->next) {
                xmlNodePtr copy = xmlAddPrevSibling(c2, xmlDocCopyNode(x, cx->doc, 1));
                /* The copy re-declares its namespaces: drop what the
                 * ancestors already declare. */
                if (copy)
                    dx_drop_redundant_ns(copy);
            }
            if (sc->n >= 64)
                return dx_tag_error(cx, a, "“%s”嵌套过深", tg->name);
            sc->v[sc->n++] = dx_is_seq(v) ? dx_seq_item(v, i) : v;
            rc = dx_expand_between(cx, c1, c2, sc);
            sc->n--;
        }
        dx_drop_between(m1, m2); /* the original range */
    } else if ((tg->kind == '?') == dx_truthy(v)) {
        rc = dx_expand_between(cx, m1, m2, sc);
    } else {
        dx_drop_between(m1, m2);
    }
    *resume = m2;
    return rc;
}

/* Expand every tag strictly between sibling marks m1 and m2. */
int dx_expand_between(ctx *cx, xmlNodePtr m1, xmlNodePtr m2, scope *sc)
{
    if (++cx->depth > 200) {
        cx->depth--;
        return d25_fail(cx->err, D25_E_TEMPLATE, "模板部件 %s：循环嵌套过深", cx->part);
    }
    int rc = 0;
    xmlNodePtr n = m1->next == m2 ? NULL : m1->next;
    while (n && rc == 0) {
        if (!dx_is_text(n)) {
            n = dx_next_in_doc(n, m2);
            continue;
        }
        char *s = dx_text_of(n);
        if (!s) {
            rc = d25_fail(cx->err, D25_E_NOMEM, "内存不足");
            break;
        }
        tag first;
        if (dx_open_block(s, &first)) {
            if (first.start > 0 && first.kind != '#') {
                /* What precedes the open tag is rendered here; the block
                 * starts a run of its own. */
                xmlNodePtr rest = dx_split_run(n, first.start);
                free(s);
                if (rest == n) {
                    rc = dx_tag_error(cx, n, "“{{%s}}”所在位置无法拆分", first.name);
                    break;
                }
                continue; /* n now holds only the text before the tag */
            }
            xmlNodePtr resume = NULL;
            rc = node_block(cx, n, &first, m2, sc, &resume);
            free(s);
            n = rc == 0 && resume ? dx_next_in_doc(resume, m2) : NULL;
            continue;
        }
        d25_buf out = {0};
        rc = dx_render_string(cx, n, s, 0, strlen(s), sc, &out);
        if (rc == 0 && (out.len != strlen(s) || memcmp(out.data ? out.data : "", s, out.len) != 0))
            dx_set_text(n, d25_buf_cstr(&out));
        d25_buf_free(&out);
        free(s);
        n = dx_next_in_doc(n, m2);
    }
    cx->depth--;
    return rc;
}

