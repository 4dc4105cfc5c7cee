/* docxfill/package: parts filled, the package written (see fill.h). */
#include "fill.h"
#include "internal.h"

#include <errno.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "../ooxml/package.h"
#include "../util/file.h"
#include "../util/syserr.h"

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
    int rc = root ? dx_join_tags(root) : 0;
    if (rc < 0)
        d25_fail(err, D25_E_NOMEM, "内存不足");
    if (rc == 0 && root && root->children) {
        xmlNodePtr m1 = dx_new_mark(cx), m2 = dx_new_mark(cx);
        xmlAddPrevSibling(root->children, m1);
        xmlAddChild(root, m2);
        scope sc = {.v = {{.j = root_data}}, .n = 1};
        rc = dx_expand_between(cx, m1, m2, &sc);
        dx_drop_marks(root);
        dx_renumber_points(root);
        dx_chart_refs(root);
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
            if (f->item >= dx_seq_len(st->items)) {
                f->in_stream = false;
                continue;
            }
            scope sc = {.v = {{.j = f->cx.root}, dx_seq_item(st->items, f->item)}, .n = 2};
            f->item++;
            f->cx.in_stream = st;
            f->cx.item = f->item;
            if (dx_render_string(&f->cx, st->at, st->xml, 0, st->len, &sc, &f->pending) < 0)
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

/* A chart whose data come from an embedded workbook (its relationship of
 * type .../package): the workbook is written anew from the filled chart. */
typedef struct {
    char chart[128];  /* word/charts/chartN.xml */
    char book[256];   /* the embedded part, e.g. word/embeddings/X.xlsx */
} embed;

/* The embedded workbook of each chart in the package (at most max). */
static size_t find_embeds(zip_t *in, embed *out, size_t max)
{
    size_t n = 0;
    zip_int64_t ne = zip_get_num_entries(in, 0);
    for (zip_int64_t i = 0; i < ne && n < max; i++) {
        const char *name = zip_get_name(in, (zip_uint64_t)i, 0);
        if (!name || strncmp(name, "word/charts/_rels/", 18) != 0 || strlen(name) > 100)
            continue;
        const char *base = name + 18;
        size_t bl = strlen(base);
        if (bl < 10 || strcmp(base + bl - 5, ".rels") != 0)
            continue;
        zip_stat_t st;
        if (zip_stat_index(in, (zip_uint64_t)i, 0, &st) != 0 || st.size > (1u << 20))
            continue;
        char *buf = malloc(st.size + 1);
        zip_file_t *zf = buf ? zip_fopen_index(in, (zip_uint64_t)i, 0) : NULL;
        zip_int64_t got = zf ? zip_fread(zf, buf, st.size) : -1;
        if (zf)
            zip_fclose(zf);
        xmlDocPtr doc = got == (zip_int64_t)st.size
                            ? xmlReadMemory(buf, (int)st.size, name, NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                            : NULL;
        free(buf);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        for (xmlNodePtr r = root ? root->children : NULL; r && n < max; r = r->next) {
            if (r->type != XML_ELEMENT_NODE)
                continue;
            xmlChar *type = xmlGetProp(r, (const xmlChar *)"Type");
            xmlChar *target = xmlGetProp(r, (const xmlChar *)"Target");
            size_t tl = type ? strlen((const char *)type) : 0;
            if (tl > 8 && strcmp((const char *)type + tl - 8, "/package") == 0 && target &&
                strncmp((const char *)target, "../", 3) == 0 && !strstr((const char *)target + 3, "..")) {
                snprintf(out[n].chart, sizeof out[n].chart, "word/charts/%.*s", (int)(bl - 5), base);
                snprintf(out[n].book, sizeof out[n].book, "word/%s", (const char *)target + 3);
                n++;
            }
            xmlFree(type);
            xmlFree(target);
        }
        if (doc)
            xmlFreeDoc(doc);
    }
    return n;
}

static const embed *embed_of(const embed *e, size_t n, const char *name, bool chart)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(chart ? e[i].chart : e[i].book, name) == 0)
            return &e[i];
    return NULL;
}

/* Add a part of bytes (taken over) to the package at deflate level 1. */
static int add_bytes(zip_t *out, const char *name, char *bytes, size_t len)
{
    zip_source_t *src = zip_source_buffer(out, bytes, len, 1);
    if (!src) {
        free(bytes);
        return -1;
    }
    zip_int64_t idx = zip_file_add(out, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (idx < 0) {
        zip_source_free(src);
        return -1;
    }
    zip_set_file_compression(out, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1);
    return 0;
}

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
    embed embeds[16];
    size_t nembeds = find_embeds(in, embeds, sizeof embeds / sizeof embeds[0]);
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
        if (embed_of(embeds, nembeds, name, false))
            continue; /* written from its chart, below */
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
            const embed *e = embed_of(embeds, nembeds, name, true);
            if (e) {
                char *book;
                size_t blen;
                if (dx_chart_workbook(f->cx.doc, &book, &blen, err) < 0) {
                    filled_free(f);
                    rc = -1;
                    break;
                }
                if (add_bytes(out, e->book, book, blen) < 0) {
                    filled_free(f);
                    rc = d25_fail(err, D25_E_IO, "写入 %s 失败", tmp);
                    break;
                }
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
