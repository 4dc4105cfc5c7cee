/* xlsx: workbook reader (see xlsx.h). */
#include "xlsx.h"
#include "numfmt.h"
#include "xml.h"
#include "../util/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_COL = 16384, MAX_ROW = 1048576 };

typedef struct {
    const char **s;  /* text, in the book's arena */
    uint32_t *len;
    size_t n, cap, lcap;
} sst_t;

typedef struct {
    d25_nf_kind *kind;  /* per cellXfs index */
    size_t n, cap;
} styles_t;

typedef struct {
    d25_pkg *pkg;
    d25_book *book;
    d25_error *err;
    const d25_limits *lim;
    sst_t sst;
    styles_t styles;
} ctx_t;

/* Spreadsheet element: the main namespace, or none (lenient writers). */
static bool sml(d25_xml *x, const char *local)
{
    d25_ns ns = d25_xml_ns(x);
    return (ns == D25_NS_S || ns == D25_NS_NONE) && strcmp(d25_xml_local(x), local) == 0;
}

void d25_cell_ref(uint32_t row, uint32_t col, char *out)
{
    char letters[8];
    int n = 0;
    while (col > 0 && n < 7) {
        col--;
        letters[n++] = (char)('A' + col % 26);
        col /= 26;
    }
    int w = 0;
    while (n > 0)
        out[w++] = letters[--n];
    snprintf(out + w, 16 - (size_t)w, "%u", row);
}

bool d25_parse_ref(const char *ref, uint32_t *row, uint32_t *col)
{
    const char *p = ref;
    uint64_t c = 0, r = 0;
    while (*p == '$')
        p++;
    while (isalpha((unsigned char)*p)) {
        c = c * 26 + (uint64_t)(toupper((unsigned char)*p) - 'A' + 1);
        if (c > MAX_COL)
            return false;
        p++;
    }
    while (*p == '$')
        p++;
    if (c == 0 || !isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p)) {
        r = r * 10 + (uint64_t)(*p - '0');
        if (r > MAX_ROW)
            return false;
        p++;
    }
    if (*p || r == 0)
        return false;
    *row = (uint32_t)r;
    *col = (uint32_t)c;
    return true;
}

/* Decode the _xHHHH_ escapes of ST_Xstring in place; returns the new length. */
static size_t xstring_decode(d25_buf *b)
{
    if (!b->data || !memchr(b->data, '_', b->len))
        return b->len;
    d25_buf out = {0};
    const char *s = b->data;
    size_t n = b->len;
    for (size_t i = 0; i < n;) {
        if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' && s[i + 6] == '_' && isxdigit((unsigned char)s[i + 2]) &&
            isxdigit((unsigned char)s[i + 3]) && isxdigit((unsigned char)s[i + 4]) &&
            isxdigit((unsigned char)s[i + 5])) {
            char hex[5] = {s[i + 2], s[i + 3], s[i + 4], s[i + 5], 0};
            uint32_t cp = (uint32_t)strtoul(hex, NULL, 16);
            i += 7;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_') {
                char hex2[5] = {s[i + 2], s[i + 3], s[i + 4], s[i + 5], 0};
                char *end;
                uint32_t lo = (uint32_t)strtoul(hex2, &end, 16);
                if (*end == '\0' && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 7;
                }
            }
            d25_buf_put_utf8(&out, cp);
        } else {
            d25_buf_putc(&out, s[i]);
            i++;
        }
    }
    d25_buf_free(b);
    *b = out;
    return b->len;
}

/* ---- shared strings ---- */

/* What the readers below never read, dropped while parsing (d25_xml_drop):
 * rich-text run properties and phonetic readings in strings (a reading is
 * not part of the value), formulas and extensions in cells, and the styles
 * other than number formats. */
static const char *const sst_never_read[] = {"rPr", "rPh", NULL};
static const char *const sheet_never_read[] = {"rPr", "rPh", "f", "extLst", NULL};
static const char *const styles_never_read[] = {"fonts", "fills", "borders", "cellStyleXfs", "cellStyles", "dxfs",
                                                "tableStyles", "colors", "extLst", NULL};

static int read_sst(ctx_t *c, const char *part)
{
    d25_xml *x = d25_xml_open(c->pkg, part, c->err);
    if (!x)
        return c->err->code == D25_OK ? 0 : -1;
    d25_xml_drop(x, D25_NS_S, sst_never_read);
    d25_buf cur = {0};
    int in_si = 0, in_t = 0, r;
    size_t total = 0;
    while ((r = d25_xml_read(x)) == 1) {
        int type = d25_xml_type(x);
        if (type == D25_XML_START) {
            if (sml(x, "si")) {
                in_si = 1;
                d25_buf_clear(&cur);
                if (d25_xml_is_empty(x))
                    goto end_si;
            } else if (in_si && sml(x, "t") && !d25_xml_is_empty(x)) {
                in_t = 1;
            }
            continue;
        }
        if (type == D25_XML_TEXT) {
            if (in_t && d25_buf_puts(&cur, d25_xml_text(x)) < 0) {
                r = d25_fail(c->err, D25_E_NOMEM, "内存不足");
                break;
            }
            continue;
        }
        if (type != D25_XML_END)
            continue;
        if (sml(x, "t")) {
            in_t = 0;
            continue;
        }
        if (!sml(x, "si"))
            continue;
    end_si:
        in_si = 0;
        xstring_decode(&cur);
        total += cur.len;
        if (total > c->lim->max_text_bytes) {
            r = d25_fail(c->err, D25_E_TEXT_LIMIT, "共享字符串部件 %s 的文字超过 %zu 字节上限", part,
                         c->lim->max_text_bytes);
            break;
        }
        if (c->sst.n >= c->lim->max_cells) {
            r = d25_fail(c->err, D25_E_CELL_LIMIT, "共享字符串部件 %s 的条目超过 %zu 个上限", part, c->lim->max_cells);
            break;
        }
        if (d25_grow((void **)&c->sst.s, &c->sst.cap, c->sst.n + 1, sizeof(char *)) < 0 ||
            d25_grow((void **)&c->sst.len, &c->sst.lcap, c->sst.n + 1, sizeof(uint32_t)) < 0 ||
            !(c->sst.s[c->sst.n] = d25_arena_strndup(&c->book->arena, d25_buf_cstr(&cur), cur.len))) {
            r = d25_fail(c->err, D25_E_NOMEM, "内存不足");
            break;
        }
        c->sst.len[c->sst.n] = (uint32_t)cur.len;
        c->sst.n++;
    }
    d25_buf_free(&cur);
    d25_xml_close(x);
    return r < 0 ? -1 : 0;
}

/* ---- styles: which cellXfs entries show numbers as dates ---- */

typedef struct {
    unsigned id;
    d25_nf_kind kind;
} numfmt_t;

static int read_styles(ctx_t *c, const char *part)
{
    d25_xml *x = d25_xml_open(c->pkg, part, c->err);
    if (!x)
        return c->err->code == D25_OK ? 0 : -1;
    d25_xml_drop(x, D25_NS_S, styles_never_read);
    numfmt_t *fmts = NULL;
    size_t nf = 0, fcap = 0;
    int in_xfs = 0, r;
    while ((r = d25_xml_read(x)) == 1) {
        int type = d25_xml_type(x);
        if (type == D25_XML_END && sml(x, "cellXfs")) {
            in_xfs = 0;
            continue;
        }
        if (type != D25_XML_START)
            continue;
        if (d25_xml_depth(x) == 1 && !sml(x, "numFmts") && !sml(x, "cellXfs")) {
            d25_xml_skip(x);
            continue;
        }
        if (sml(x, "numFmt")) {
            const char *id = d25_xml_attr(x, D25_NS_NONE, "numFmtId");
            const char *code = d25_xml_attr(x, D25_NS_NONE, "formatCode");
            if (!id || !code)
                continue;
            if (d25_grow((void **)&fmts, &fcap, nf + 1, sizeof *fmts) < 0) {
                r = d25_fail(c->err, D25_E_NOMEM, "内存不足");
                break;
            }
            fmts[nf].id = (unsigned)strtoul(id, NULL, 10);
            fmts[nf].kind = d25_numfmt_classify(code);
            nf++;
        } else if (sml(x, "cellXfs")) {
            in_xfs = !d25_xml_is_empty(x);
        } else if (in_xfs && sml(x, "xf")) {
            const char *id = d25_xml_attr(x, D25_NS_NONE, "numFmtId");
            unsigned fid = id ? (unsigned)strtoul(id, NULL, 10) : 0;
            d25_nf_kind k = d25_numfmt_builtin(fid);
            for (size_t i = 0; i < nf; i++)
                if (fmts[i].id == fid)
                    k = fmts[i].kind;
            if (d25_grow((void **)&c->styles.kind, &c->styles.cap, c->styles.n + 1, sizeof(d25_nf_kind)) < 0) {
                r = d25_fail(c->err, D25_E_NOMEM, "内存不足");
                break;
            }
            c->styles.kind[c->styles.n++] = k;
            d25_xml_skip(x);
        }
    }
    free(fmts);
    d25_xml_close(x);
    return r < 0 ? -1 : 0;
}

/* ---- worksheets ---- */

typedef struct {
    uint32_t row, col;
    char t[12];
    long style;
    bool has_v, has_is;
    d25_buf v, is;
} pending_t;

static int add_cell(ctx_t *c, d25_sheet *sh, uint32_t row, uint32_t col, char type, const char *text, size_t len,
                    bool copy)
{
    d25_book *b = c->book;
    char ref[16];
    if (b->total_cells >= c->lim->max_cells) {
        d25_cell_ref(row, col, ref);
        return d25_fail(c->err, D25_E_CELL_LIMIT, "工作表「%s」读到 %s 时单元格超过 %zu 个上限", sh->name, ref,
                        c->lim->max_cells);
    }
    if (len > c->lim->max_text_bytes - b->text_bytes) {
        d25_cell_ref(row, col, ref);
        return d25_fail(c->err, D25_E_TEXT_LIMIT,
                        "工作表「%s」读到 %s 时，单元格文字累计超过 %zu 字节上限（大量单元格引用超长共享字符串，"
                        "疑似放大攻击），已停止读取",
                        sh->name, ref, c->lim->max_text_bytes);
    }
    if (d25_grow((void **)&sh->cells, &sh->cap, sh->ncells + 1, sizeof(d25_xcell)) < 0)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    const char *t = copy ? d25_arena_strndup(&b->arena, text, len) : text;
    if (!t)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    d25_xcell *cell = &sh->cells[sh->ncells++];
    cell->row = row;
    cell->col = col;
    cell->type = type;
    cell->len = (uint32_t)len;
    cell->text = t;
    b->text_bytes += len;
    b->total_cells++;
    return 0;
}

static int finish_cell(ctx_t *c, d25_sheet *sh, pending_t *p)
{
    const char *t = p->t;
    char out[64];
    if (strcmp(t, "s") == 0) {
        if (!p->has_v)
            return 0;
        char *end;
        unsigned long idx = strtoul(d25_buf_cstr(&p->v), &end, 10);
        if (end == d25_buf_cstr(&p->v) || idx >= c->sst.n)
            return 0; /* dangling index: no value */
        return add_cell(c, sh, p->row, p->col, 's', c->sst.s[idx], c->sst.len[idx], false);
    }
    if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
        d25_buf *src = p->has_is ? &p->is : &p->v;
        if (!p->has_is && !p->has_v)
            return 0;
        if (src->len == 0 && t[0] == 's')
            return 0; /* a formula that returned "": no value, as Excel shows it */
        xstring_decode(src);
        return add_cell(c, sh, p->row, p->col, 's', d25_buf_cstr(src), src->len, true);
    }
    if (!p->has_v)
        return 0;
    const char *v = d25_buf_cstr(&p->v);
    if (strcmp(t, "b") == 0) {
        bool on = strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0;
        return add_cell(c, sh, p->row, p->col, 'b', on ? "TRUE" : "FALSE", on ? 4 : 5, false);
    }
    if (strcmp(t, "e") == 0)
        return add_cell(c, sh, p->row, p->col, 'e', v, p->v.len, true);
    if (strcmp(t, "d") == 0) {
        if (d25_format_iso_date(v, out, sizeof out))
            return add_cell(c, sh, p->row, p->col, 'd', out, strlen(out), true);
        return add_cell(c, sh, p->row, p->col, 's', v, p->v.len, true);
    }
    /* A number (t="n" or absent). */
    char *end;
    while (*v == ' ')
        v++;
    if (!*v)
        return 0;
    double num = strtod(v, &end);
    if (end == v)
        return add_cell(c, sh, p->row, p->col, 's', v, strlen(v), true);
    d25_nf_kind k = D25_NF_NUMBER;
    if (p->style >= 0 && (size_t)p->style < c->styles.n)
        k = c->styles.kind[p->style];
    if (k == D25_NF_DATE && d25_format_serial_date(num, c->book->date1904, out, sizeof out))
        return add_cell(c, sh, p->row, p->col, 'd', out, strlen(out), true);
    if (k == D25_NF_ELAPSED) {
        d25_format_elapsed(num, out, sizeof out);
        return add_cell(c, sh, p->row, p->col, 'd', out, strlen(out), true);
    }
    d25_format_number(num, out, sizeof out);
    return add_cell(c, sh, p->row, p->col, 'n', out, strlen(out), true);
}

static int add_merge(ctx_t *c, d25_sheet *sh, const char *ref)
{
    char a[32], b[32];
    const char *colon = strchr(ref, ':');
    d25_range rg;
    if (colon) {
        snprintf(a, sizeof a, "%.*s", (int)(colon - ref), ref);
        d25_copy(b, sizeof b, colon + 1);
    } else {
        d25_copy(a, sizeof a, ref);
        d25_copy(b, sizeof b, ref);
    }
    if (!d25_parse_ref(a, &rg.r1, &rg.c1) || !d25_parse_ref(b, &rg.r2, &rg.c2))
        return 0; /* unreadable range: ignored */
    if (d25_grow((void **)&sh->merged, &sh->mcap, sh->nmerged + 1, sizeof(d25_range)) < 0)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    sh->merged[sh->nmerged++] = rg;
    return 0;
}

static int cell_cmp(const void *a, const void *b)
{
    const d25_xcell *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return 0;
}

/*
 * Excel shows only the top-left value of a merged range; values stored under
 * the rest of it are invisible to the person who filled the form, so they are
 * not read.  Cells are sorted by position first (stable for the usual
 * row-major files), then each merged row segment is found by binary search.
 */
static void drop_covered(ctx_t *c, d25_sheet *sh)
{
    if (!sh->nmerged || !sh->ncells)
        return;
    bool sorted = true;
    for (size_t i = 1; i < sh->ncells && sorted; i++)
        sorted = cell_cmp(&sh->cells[i - 1], &sh->cells[i]) < 0;
    if (!sorted)
        qsort(sh->cells, sh->ncells, sizeof(d25_xcell), cell_cmp);
    bool any = false;
    for (size_t m = 0; m < sh->nmerged; m++) {
        const d25_range *g = &sh->merged[m];
        for (uint32_t r = g->r1; r <= g->r2; r++) {
            /* first cell at or after (r, c1) */
            size_t lo = 0, hi = sh->ncells;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                const d25_xcell *x = &sh->cells[mid];
                if (x->row < r || (x->row == r && x->col < g->c1))
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t i = lo; i < sh->ncells && sh->cells[i].row == r && sh->cells[i].col <= g->c2; i++) {
                if (r == g->r1 && sh->cells[i].col == g->c1)
                    continue;
                sh->cells[i].type = 0; /* mark */
                any = true;
            }
            if (r == UINT32_MAX)
                break;
        }
    }
    if (!any)
        return;
    size_t w = 0;
    for (size_t i = 0; i < sh->ncells; i++) {
        if (sh->cells[i].type) {
            sh->cells[w++] = sh->cells[i];
        } else {
            c->book->text_bytes -= sh->cells[i].len;
            c->book->total_cells--;
        }
    }
    sh->ncells = w;
}

static int read_sheet(ctx_t *c, d25_sheet *sh, const char *part)
{
    d25_xml *x = d25_xml_open(c->pkg, part, c->err);
    if (!x) {
        if (c->err->code == D25_OK)
            d25_fail(c->err, D25_E_MISSING_PART, "工作表「%s」的部件 %s 不存在，文件不完整", sh->name, part);
        return -1;
    }
    d25_xml_drop(x, D25_NS_S, sheet_never_read);
    pending_t p = {0};
    uint32_t cur_row = 0, last_col = 0;
    bool in_cell = false, in_v = false, in_is = false, in_is_t = false;
    int r;
    while ((r = d25_xml_read(x)) == 1) {
        int type = d25_xml_type(x);
        if (type == D25_XML_TEXT) {
            if (in_v)
                d25_buf_puts(&p.v, d25_xml_text(x));
            else if (in_is_t)
                d25_buf_puts(&p.is, d25_xml_text(x));
            continue;
        }
        if (type == D25_XML_START) {
            int depth = d25_xml_depth(x);
            if (depth == 1) {
                if (sml(x, "mergeCells") || sml(x, "sheetData"))
                    continue;
                d25_xml_skip(x);
                continue;
            }
            if (sml(x, "row")) {
                const char *rr = d25_xml_attr(x, D25_NS_NONE, "r");
                unsigned long rn = rr ? strtoul(rr, NULL, 10) : 0;
                cur_row = (rn >= 1 && rn <= MAX_ROW) ? (uint32_t)rn : cur_row + 1;
                last_col = 0;
            } else if (sml(x, "c")) {
                const char *ref = d25_xml_attr(x, D25_NS_NONE, "r");
                const char *t = d25_xml_attr(x, D25_NS_NONE, "t");
                const char *s = d25_xml_attr(x, D25_NS_NONE, "s");
                uint32_t rr, cc;
                if (ref && d25_parse_ref(ref, &rr, &cc)) {
                    p.row = rr;
                    p.col = cc;
                    if (cur_row == 0)
                        cur_row = rr;
                } else {
                    if (cur_row == 0)
                        cur_row = 1;
                    p.row = cur_row;
                    p.col = last_col + 1;
                }
                last_col = p.col;
                d25_copy(p.t, sizeof p.t, t ? t : "n");
                p.style = s ? strtol(s, NULL, 10) : 0;
                p.has_v = p.has_is = false;
                d25_buf_clear(&p.v);
                d25_buf_clear(&p.is);
                in_cell = true;
                if (d25_xml_is_empty(x)) {
                    in_cell = false;
                }
            } else if (in_cell && sml(x, "v")) {
                p.has_v = true;
                in_v = !d25_xml_is_empty(x);
            } else if (in_cell && sml(x, "is")) {
                p.has_is = true;
                in_is = !d25_xml_is_empty(x);
            } else if (in_is && sml(x, "t")) {
                in_is_t = !d25_xml_is_empty(x);
            } else if (sml(x, "mergeCell")) {
                const char *ref = d25_xml_attr(x, D25_NS_NONE, "ref");
                if (ref && add_merge(c, sh, ref) < 0) {
                    r = -1;
                    break;
                }
            }
            continue;
        }
        if (type != D25_XML_END)
            continue;
        if (sml(x, "v"))
            in_v = false;
        else if (sml(x, "t"))
            in_is_t = false;
        else if (sml(x, "is"))
            in_is = false;
        else if (sml(x, "c") && in_cell) {
            in_cell = false;
            if (finish_cell(c, sh, &p) < 0) {
                r = -1;
                break;
            }
        }
    }
    d25_buf_free(&p.v);
    d25_buf_free(&p.is);
    d25_xml_close(x);
    if (r < 0)
        return -1;
    drop_covered(c, sh);
    return 0;
}

/* ---- workbook ---- */

typedef struct {
    char *name, *rid;
    const char *state;
} sheetref_t;

static const char *intern_state(const char *s)
{
    if (s && strcmp(s, "hidden") == 0)
        return "hidden";
    if (s && strcmp(s, "veryHidden") == 0)
        return "veryHidden";
    return "visible";
}

d25_book *d25_xlsx_read(d25_pkg *pkg, d25_error *err)
{
    ctx_t c = {.pkg = pkg, .err = err, .lim = d25_pkg_limits(pkg)};
    d25_book *book = calloc(1, sizeof *book);
    sheetref_t *refs = NULL;
    size_t nref = 0, rcap = 0;
    d25_rels rels = {0};
    bool ok = false;
    if (!book) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    c.book = book;
    const char *main = d25_pkg_main_part(pkg);
    if (d25_pkg_rels(pkg, main, &rels, err) < 0)
        goto fail;

    d25_xml *x = d25_xml_open(pkg, main, err);
    if (!x)
        goto fail;
    int r;
    while ((r = d25_xml_read(x)) == 1) {
        if (d25_xml_type(x) != D25_XML_START)
            continue;
        if (sml(x, "workbookPr")) {
            const char *d = d25_xml_attr(x, D25_NS_NONE, "date1904");
            book->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
        } else if (sml(x, "sheet")) {
            const char *name = d25_xml_attr(x, D25_NS_NONE, "name");
            const char *rid = d25_xml_attr(x, D25_NS_R, "id");
            const char *state = d25_xml_attr(x, D25_NS_NONE, "state");
            if (d25_grow((void **)&refs, &rcap, nref + 1, sizeof *refs) < 0) {
                r = d25_fail(err, D25_E_NOMEM, "内存不足");
                break;
            }
            refs[nref].name = strdup(name ? name : "");
            refs[nref].rid = strdup(rid ? rid : "");
            refs[nref].state = intern_state(state);
            nref++;
        } else if (d25_xml_depth(x) == 1 && !sml(x, "sheets") && !sml(x, "workbookPr")) {
            d25_xml_skip(x);
        }
    }
    d25_xml_close(x);
    if (r < 0)
        goto fail;
    if (nref == 0) {
        d25_fail(err, D25_E_MISSING_PART, "工作簿 %s 中没有任何工作表", main);
        goto fail;
    }
    const d25_rel *rel;
    if ((rel = d25_rels_find(&rels, "styles")) && read_styles(&c, rel->target) < 0)
        goto fail;
    if ((rel = d25_rels_find(&rels, "sharedStrings")) && read_sst(&c, rel->target) < 0)
        goto fail;

    book->sheets = calloc(nref, sizeof(d25_sheet));
    if (!book->sheets) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        goto fail;
    }
    book->cap = nref;
    for (size_t i = 0; i < nref; i++) {
        d25_sheet *sh = &book->sheets[book->nsheets++];
        sh->name = refs[i].name;
        refs[i].name = NULL;
        sh->state = refs[i].state;
        sh->kind = "worksheet";
        const d25_rel *sr = NULL;
        for (size_t k = 0; k < rels.n; k++)
            if (strcmp(rels.v[k].id, refs[i].rid) == 0 && !rels.v[k].external)
                sr = &rels.v[k];
        if (!sr) {
            d25_fail(err, D25_E_MISSING_PART, "工作表「%s」在 %s 的关系中找不到（r:id=%s），文件不完整", sh->name, main,
                     refs[i].rid);
            goto fail;
        }
        const char *kind = d25_rel_kind(sr->type);
        if (strcmp(kind, "worksheet") != 0) {
            sh->kind = strcmp(kind, "chartsheet") == 0   ? "chartsheet"
                       : strcmp(kind, "dialogsheet") == 0 ? "dialogsheet"
                                                          : "macrosheet";
            continue; /* no cells to read */
        }
        if (read_sheet(&c, sh, sr->target) < 0)
            goto fail;
    }
    ok = true;
fail:
    for (size_t i = 0; i < nref; i++) {
        free(refs[i].name);
        free(refs[i].rid);
    }
    free(refs);
    free(c.sst.s);
    free(c.sst.len);
    free(c.styles.kind);
    d25_rels_free(&rels);
    if (!ok) {
        d25_book_free(book);
        return NULL;
    }
    return book;
}

void d25_book_free(d25_book *book)
{
    if (!book)
        return;
    for (size_t i = 0; i < book->nsheets; i++) {
        free(book->sheets[i].name);
        free(book->sheets[i].cells);
        free(book->sheets[i].merged);
    }
    free(book->sheets);
    d25_arena_free(&book->arena);
    free(book);
}
