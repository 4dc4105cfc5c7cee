/* docx: Word document reader (see docx.h). */
#include "docx.h"
#include "xml.h"
#include "../util/buf.h"
#include "../util/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_GRID = 4096 };

typedef struct {
    size_t table;      /* index into doc->tables */
    int row;           /* current row, -1 before the first */
    int cell;          /* open cell in the current row, -1 if none */
    int cursor;        /* grid column of the next cell */
    int cell_paras;    /* paragraphs seen in the open cell */
    d25_buf text;      /* text of the open cell */
    struct origin { int row, col; } *org; /* per grid column: the cell covering it */
    size_t ocap;
} tstate;

typedef struct {
    d25_control c;
    bool in_pr;
} sdt_t;

typedef struct {
    d25_pkg *pkg;
    d25_doc *doc;
    d25_error *err;
    const d25_limits *lim;
    tstate *ts;           /* table stack */
    size_t nts, tscap;
    int top_tables;       /* top-level tables so far */
    int para_depth;       /* nested w:p (text boxes) */
    bool body_para;       /* a body paragraph is open */
    d25_buf ptext;        /* its text */
    int pchecked;
    d25_controls pctl;
    d25_controls pending; /* controls waiting for the next cell/paragraph */
    sdt_t *sdts;          /* open w:sdt elements */
    size_t nsdt, sdtcap;
    bool in_t;
    char run_font[64];    /* w:rFonts of the current run (symbol fonts) */
    bool run_strike;      /* w:strike / w:dstrike on the current run */
    int ff_check;         /* legacy form checkbox: -1 none, else state */
    size_t text_bytes, cells;
} ctx_t;

static bool onoff(const char *v)
{
    return !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

/* ---- symbol fonts ---- */

/* Unicode for a Wingdings / Wingdings 2 character code (low byte), or 0. */
static uint32_t symbol_glyph(const char *font, unsigned code)
{
    code &= 0xFF;
    if (!font)
        return 0;
    if (strstr(font, "Wingdings 2") || strstr(font, "Wingdings2")) {
        switch (code) {
        case 0x52: return 0x2611; /* ☑ */
        case 0x51: case 0x53: case 0x54: return 0x2612; /* ☒ */
        case 0xA3: case 0x2A: return 0x2610; /* ☐ */
        case 0x50: return 0x2713; /* ✓ */
        case 0x4F: return 0x2717; /* ✗ */
        default: return 0;
        }
    }
    if (strstr(font, "Wingdings")) {
        switch (code) {
        case 0xFE: return 0x2611;
        case 0xFD: return 0x2612;
        case 0xA8: case 0x6F: return 0x2610;
        case 0xFC: return 0x2713;
        case 0xFB: return 0x2717;
        default: return 0;
        }
    }
    return 0;
}

/* ---- controls ---- */

static int controls_add(d25_controls *cs, const d25_control *c)
{
    if (d25_grow((void **)&cs->v, &cs->cap, cs->n + 1, sizeof *c) < 0)
        return -1;
    cs->v[cs->n++] = *c;
    return 0;
}

static void controls_free(d25_controls *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        free(cs->v[i].tag);
        free(cs->v[i].alias);
    }
    free(cs->v);
    memset(cs, 0, sizeof *cs);
}

static void merge_checked(int *dst, int v)
{
    if (v == 1)
        *dst = 1;
    else if (v == 0 && *dst < 0)
        *dst = 0;
}

/* The cell or paragraph that receives a control now, or NULL. */
static d25_controls *container(ctx_t *c, int **checked)
{
    if (c->nts) {
        tstate *t = &c->ts[c->nts - 1];
        if (t->cell >= 0) {
            d25_dcell *cell = &c->doc->tables[t->table].rows[t->row].cells[t->cell];
            *checked = &cell->checked;
            return &cell->controls;
        }
        return NULL;
    }
    if (c->body_para) {
        *checked = &c->pchecked;
        return &c->pctl;
    }
    return NULL;
}

static int attach_pending(ctx_t *c)
{
    int *checked;
    d25_controls *dst = container(c, &checked);
    if (!dst)
        return 0;
    for (size_t i = 0; i < c->pending.n; i++) {
        if (controls_add(dst, &c->pending.v[i]) < 0)
            return d25_fail(c->err, D25_E_NOMEM, "内存不足");
        if (c->pending.v[i].checked >= 0)
            merge_checked(checked, c->pending.v[i].checked);
    }
    c->pending.n = 0; /* strings moved */
    return 0;
}

static int sdt_done(ctx_t *c, sdt_t *s)
{
    int *checked;
    d25_controls *dst = container(c, &checked);
    if (!dst)
        dst = &c->pending;
    else if (s->c.checked >= 0)
        merge_checked(checked, s->c.checked);
    if (controls_add(dst, &s->c) < 0) {
        free(s->c.tag);
        free(s->c.alias);
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    }
    memset(&s->c, 0, sizeof s->c);
    return 0;
}

/* ---- text ---- */

static d25_buf *sink(ctx_t *c)
{
    if (c->nts) {
        tstate *t = &c->ts[c->nts - 1];
        return t->cell >= 0 ? &t->text : NULL;
    }
    return c->body_para ? &c->ptext : NULL;
}

static int put_text(ctx_t *c, const char *s, size_t n)
{
    d25_buf *b = sink(c);
    if (!b)
        return 0;
    if (n > c->lim->max_text_bytes - c->text_bytes)
        return d25_fail(c->err, D25_E_TEXT_LIMIT, "文档文字超过 %zu 字节上限", c->lim->max_text_bytes);
    c->text_bytes += n;
    if (d25_buf_append(b, s, n) < 0)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    return 0;
}

static int put_cp(ctx_t *c, uint32_t cp)
{
    d25_buf tmp = {0};
    if (d25_buf_put_utf8(&tmp, cp) < 0)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    int r = put_text(c, tmp.data, tmp.len);
    d25_buf_free(&tmp);
    return r;
}

/* Text of a struck-through run: each character is followed by U+0336
 * (combining long stroke overlay), the plain-text form of strikethrough, so
 * a form's "(是／否)" with one word struck out still says which was chosen. */
static int put_struck_text(ctx_t *c, const char *s)
{
    static const char stroke[] = "\xCC\xB6";
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        size_t l = 1;
        while (u[l] && (u[l] & 0xC0) == 0x80)
            l++;
        if (put_text(c, (const char *)u, l) < 0)
            return -1;
        if (!(l == 1 && (*u == ' ' || *u == '\t' || *u == '\n')) && put_text(c, stroke, 2) < 0)
            return -1;
        u += l;
    }
    return 0;
}

/* Text of a w:t in a symbol font: map its characters to Unicode glyphs. */
static int put_symbol_text(ctx_t *c, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        uint32_t cp;
        int l;
        if (u[0] < 0x80) { cp = u[0]; l = 1; }
        else if ((u[0] & 0xE0) == 0xC0 && u[1]) { cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu); l = 2; }
        else if ((u[0] & 0xF0) == 0xE0 && u[1] && u[2]) {
            cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
            l = 3;
        } else { cp = 0xFFFD; l = 1; }
        uint32_t g = (cp < 0x100 || (cp >= 0xF000 && cp <= 0xF0FF)) ? symbol_glyph(c->run_font, cp) : 0;
        if ((g ? put_cp(c, g) : put_text(c, (const char *)u, (size_t)l)) < 0)
            return -1;
        u += l;
    }
    return 0;
}

/* checked state from the box glyphs in a text */
static int glyph_checked(const char *s)
{
    /* One pass: every box glyph begins with the byte E2. */
    int st = -1;
    for (const char *p = strchr(s, '\xE2'); p; p = strchr(p + 1, '\xE2')) {
        unsigned char b1 = (unsigned char)p[1], b2 = b1 ? (unsigned char)p[2] : 0;
        if (b1 == 0x98 && (b2 == 0x91 || b2 == 0x92)) /* ☑ ☒ */
            return 1;
        if ((b1 == 0x98 && b2 == 0x90) || (b1 == 0x96 && b2 == 0xA1)) /* ☐ □ */
            st = 0;
    }
    return st;
}

/* ---- tables ---- */

static int push_table(ctx_t *c)
{
    d25_doc *d = c->doc;
    if (d25_grow((void **)&d->tables, &d->tcap, d->ntables + 1, sizeof(d25_table)) < 0 ||
        d25_grow((void **)&c->ts, &c->tscap, c->nts + 1, sizeof(tstate)) < 0)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    d25_table *t = &d->tables[d->ntables];
    memset(t, 0, sizeof *t);
    t->parent = t->prow = t->pcol = -1;
    if (c->nts) {
        tstate *p = &c->ts[c->nts - 1];
        t->parent = (int)p->table;
        t->prow = p->row;
        t->pcol = p->cell;
    } else {
        c->top_tables++;
    }
    tstate *s = &c->ts[c->nts++];
    memset(s, 0, sizeof *s);
    s->table = d->ntables++;
    s->row = -1;
    s->cell = -1;
    return 0;
}

static void pop_table(ctx_t *c)
{
    tstate *s = &c->ts[--c->nts];
    d25_buf_free(&s->text);
    free(s->org);
}

static int open_row(ctx_t *c)
{
    tstate *s = &c->ts[c->nts - 1];
    d25_table *t = &c->doc->tables[s->table];
    if (d25_grow((void **)&t->rows, &t->cap, t->nrows + 1, sizeof(d25_drow)) < 0)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    memset(&t->rows[t->nrows], 0, sizeof(d25_drow));
    s->row = (int)t->nrows++;
    s->cell = -1;
    s->cursor = 0;
    return 0;
}

static int open_cell(ctx_t *c)
{
    tstate *s = &c->ts[c->nts - 1];
    if (s->row < 0 && open_row(c) < 0)
        return -1;
    if (++c->cells > c->lim->max_cells)
        return d25_fail(c->err, D25_E_CELL_LIMIT, "文档表格单元格超过 %zu 个上限", c->lim->max_cells);
    d25_drow *r = &c->doc->tables[s->table].rows[s->row];
    if (d25_grow((void **)&r->cells, &r->cap, r->n + 1, sizeof(d25_dcell)) < 0)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    d25_dcell *cell = &r->cells[r->n];
    memset(cell, 0, sizeof *cell);
    cell->col = s->cursor;
    cell->span = 1;
    cell->mrow = cell->mcol = -1;
    cell->checked = -1;
    s->cell = (int)r->n++;
    s->cell_paras = 0;
    d25_buf_clear(&s->text);
    return attach_pending(c);
}

static d25_dcell *cur_cell(ctx_t *c)
{
    if (!c->nts)
        return NULL;
    tstate *s = &c->ts[c->nts - 1];
    if (s->cell < 0)
        return NULL;
    return &c->doc->tables[s->table].rows[s->row].cells[s->cell];
}

static int close_cell(ctx_t *c)
{
    tstate *s = &c->ts[c->nts - 1];
    d25_table *t = &c->doc->tables[s->table];
    d25_dcell *cell = &t->rows[s->row].cells[s->cell];
    cell->text = d25_buf_steal(&s->text);
    if (!cell->text)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    merge_checked(&cell->checked, glyph_checked(cell->text));
    int end = cell->col + cell->span;
    if (end > MAX_GRID)
        end = MAX_GRID;
    if (cell->mrow < 0 && end > cell->col) {
        /* This cell is the origin for the columns it covers. */
        size_t old = s->ocap;
        if (d25_grow((void **)&s->org, &s->ocap, (size_t)end, sizeof *s->org) < 0)
            return d25_fail(c->err, D25_E_NOMEM, "内存不足");
        for (size_t k = old; k < s->ocap; k++)
            s->org[k].row = s->org[k].col = -1;
        for (int k = cell->col; k < end; k++) {
            s->org[k].row = s->row;
            s->org[k].col = cell->col;
        }
    }
    if (end > t->ncols)
        t->ncols = end;
    s->cursor = end;
    s->cell = -1;
    return 0;
}

/* w:vMerge / w:hMerge continuation: find the origin of the merge. */
static void continue_merge(ctx_t *c, bool vertical)
{
    tstate *s = &c->ts[c->nts - 1];
    d25_dcell *cell = cur_cell(c);
    if (!cell)
        return;
    if (vertical) {
        if ((size_t)cell->col < s->ocap && s->org[cell->col].row >= 0 && s->org[cell->col].row < s->row) {
            cell->mrow = s->org[cell->col].row;
            cell->mcol = s->org[cell->col].col;
        }
    } else {
        d25_drow *r = &c->doc->tables[s->table].rows[s->row];
        if (s->cell > 0) {
            d25_dcell *prev = &r->cells[s->cell - 1];
            cell->mrow = prev->mrow >= 0 ? prev->mrow : s->row;
            cell->mcol = prev->mrow >= 0 ? prev->mcol : prev->col;
        }
    }
}

/* ---- paragraphs ---- */

static int open_para(ctx_t *c)
{
    if (c->para_depth++ > 0)
        return put_text(c, "\n", 1); /* a paragraph in a text box */
    if (c->nts) {
        tstate *s = &c->ts[c->nts - 1];
        if (s->cell >= 0 && s->cell_paras++ > 0)
            return put_text(c, "\n", 1);
        return 0;
    }
    c->body_para = true;
    c->pchecked = -1;
    d25_buf_clear(&c->ptext);
    return attach_pending(c);
}

static int close_para(ctx_t *c)
{
    if (c->para_depth > 0)
        c->para_depth--;
    if (c->para_depth > 0 || !c->body_para || c->nts)
        return 0;
    d25_doc *d = c->doc;
    if (d25_grow((void **)&d->paras, &d->pcap, d->nparas + 1, sizeof(d25_para)) < 0)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    d25_para *p = &d->paras[d->nparas];
    p->text = d25_buf_steal(&c->ptext);
    if (!p->text)
        return d25_fail(c->err, D25_E_NOMEM, "内存不足");
    p->tables_before = c->top_tables;
    p->checked = c->pchecked;
    merge_checked(&p->checked, glyph_checked(p->text));
    p->controls = c->pctl;
    memset(&c->pctl, 0, sizeof c->pctl);
    d->nparas++;
    c->body_para = false;
    return 0;
}

/* ---- the walk ---- */

/*
 * WordprocessingML elements this reader never looks into, dropped with
 * their subtrees as the XML is parsed (most of a document's elements are
 * formatting).  The first eight: paragraph and section properties, table
 * properties, text boxes (a text box floats outside the reading order of
 * the paragraph or cell that anchors it: its content is not their text),
 * deleted and moved-away text; the rest are formatting leaves of runs,
 * cells and rows.  None of them may be a name on_start or on_end handles.
 */
static const char *const never_read[] = {
    "pPr", "sectPr", "tblPr", "tblPrEx", "txbxContent", "del", "delText", "moveFrom",
    /* run properties other than rFonts, strike and dstrike */
    "sz", "szCs", "lang", "kern", "color", "b", "bCs", "i", "iCs", "u", "shd", "rStyle", "noProof", "highlight",
    "vertAlign", "spacing", "w", "position", "bdr", "caps", "smallCaps", "webHidden", "eastAsianLayout", "rtl",
    "cs", "em", "fitText", "effect", "emboss", "imprint", "outline", "shadow",
    /* cell and row properties other than gridSpan, vMerge and hMerge */
    "tcW", "tcBorders", "vAlign", "noWrap", "tcMar", "textDirection", "tcFitText", "hideMark", "cnfStyle",
    "trHeight", "cantSplit", "tblHeader", "tblCellSpacing", "jc",
    NULL};

static int on_start(ctx_t *c, d25_xml *x)
{
    d25_ns ns = d25_xml_ns(x);
    const char *ln = d25_xml_local(x);
    bool empty = d25_xml_is_empty(x);

    if (ns == D25_NS_MC) {
        if (strcmp(ln, "Fallback") == 0)
            d25_xml_skip(x);
        return 0;
    }
    if (ns == D25_NS_W14) {
        if (strcmp(ln, "checkbox") == 0 && c->nsdt && c->sdts[c->nsdt - 1].in_pr) {
            sdt_t *s = &c->sdts[c->nsdt - 1];
            s->c.kind = "checkbox";
            if (s->c.checked < 0)
                s->c.checked = 0;
        } else if (strcmp(ln, "checked") == 0 && c->nsdt && c->sdts[c->nsdt - 1].in_pr) {
            const char *v = d25_xml_attr(x, D25_NS_OTHER, "val");
            c->sdts[c->nsdt - 1].c.checked = onoff(v) ? 1 : 0;
        }
        return 0;
    }
    if (ns != D25_NS_W)
        return 0;

    /* Content-control properties. */
    if (c->nsdt && c->sdts[c->nsdt - 1].in_pr) {
        sdt_t *s = &c->sdts[c->nsdt - 1];
        if (strcmp(ln, "tag") == 0 || strcmp(ln, "alias") == 0) {
            const char *v = d25_xml_attr(x, D25_NS_W, "val");
            char **dst = ln[0] == 't' ? &s->c.tag : &s->c.alias;
            if (v && !*dst && !(*dst = strdup(v)))
                return d25_fail(c->err, D25_E_NOMEM, "内存不足");
        } else if (strcmp(ln, "date") == 0) {
            s->c.kind = "date";
        } else if (strcmp(ln, "dropDownList") == 0) {
            s->c.kind = "dropdown";
        } else if (strcmp(ln, "comboBox") == 0) {
            s->c.kind = "combobox";
        } else if (strcmp(ln, "text") == 0) {
            s->c.kind = "text";
        } else if (strcmp(ln, "richText") == 0) {
            s->c.kind = "richtext";
        } else if (strcmp(ln, "picture") == 0) {
            s->c.kind = "picture";
        }
        if (!empty && strcmp(ln, "sdtPr") != 0)
            d25_xml_skip(x);
        return 0;
    }

    switch (ln[0]) {
    case 'b':
        if (strcmp(ln, "br") == 0)
            return put_text(c, "\n", 1);
        break;
    case 'c':
        if (strcmp(ln, "cr") == 0)
            return put_text(c, "\n", 1);
        if (strcmp(ln, "checkBox") == 0) {
            c->ff_check = 0;
            if (empty)
                return put_cp(c, 0x2610);
        } else if ((strcmp(ln, "checked") == 0 || strcmp(ln, "default") == 0) && c->ff_check >= 0) {
            const char *v = d25_xml_attr(x, D25_NS_W, "val");
            if (strcmp(ln, "checked") == 0)
                c->ff_check = onoff(v) ? 3 : 2; /* explicit state wins over default */
            else if (c->ff_check < 2)
                c->ff_check = onoff(v) ? 1 : 0;
        }
        break;
    case 'g':
        if (strcmp(ln, "gridCol") == 0 && c->nts) {
            d25_table *t = &c->doc->tables[c->ts[c->nts - 1].table];
            if (t->nrows == 0 && t->ncols < MAX_GRID)
                t->ncols++;
        } else if ((strcmp(ln, "gridSpan") == 0 || strcmp(ln, "gridBefore") == 0) && c->nts) {
            const char *v = d25_xml_attr(x, D25_NS_W, "val");
            long n = v ? strtol(v, NULL, 10) : 0;
            if (n < 0)
                n = 0;
            if (n > MAX_GRID)
                n = MAX_GRID;
            tstate *s = &c->ts[c->nts - 1];
            d25_dcell *cell = cur_cell(c);
            if (ln[4] == 'S' && cell)
                cell->span = n > 0 ? (int)n : 1;
            else if (ln[4] == 'B' && s->cell < 0 && s->row >= 0)
                s->cursor += (int)n;
        }
        break;
    case 'h':
        if (strcmp(ln, "hMerge") == 0) {
            const char *v = d25_xml_attr(x, D25_NS_W, "val");
            if (!v || strcmp(v, "continue") == 0)
                continue_merge(c, false);
        }
        break;
    case 'n':
        if (strcmp(ln, "noBreakHyphen") == 0)
            return put_text(c, "-", 1);
        break;
    case 'p':
        if (strcmp(ln, "p") == 0) {
            if (open_para(c) < 0)
                return -1;
            if (empty)
                return close_para(c);
        }
        break;
    case 'r':
        if (strcmp(ln, "r") == 0) {
            c->run_font[0] = '\0';
            c->run_strike = false;
        } else if (strcmp(ln, "rFonts") == 0) {
            const char *f = d25_xml_attr(x, D25_NS_W, "ascii");
            if (!f)
                f = d25_xml_attr(x, D25_NS_W, "hAnsi");
            if (!f)
                f = d25_xml_attr(x, D25_NS_W, "cs");
            d25_copy(c->run_font, sizeof c->run_font, f ? f : "");
        }
        break;
    case 's':
        if (strcmp(ln, "strike") == 0 || strcmp(ln, "dstrike") == 0) {
            if (onoff(d25_xml_attr(x, D25_NS_W, "val")))
                c->run_strike = true;
        } else if (strcmp(ln, "sdt") == 0 && !empty) {
            if (d25_grow((void **)&c->sdts, &c->sdtcap, c->nsdt + 1, sizeof(sdt_t)) < 0)
                return d25_fail(c->err, D25_E_NOMEM, "内存不足");
            sdt_t *s = &c->sdts[c->nsdt++];
            memset(s, 0, sizeof *s);
            s->c.kind = "other";
            s->c.checked = -1;
        } else if (strcmp(ln, "sdtPr") == 0 && c->nsdt && !empty) {
            c->sdts[c->nsdt - 1].in_pr = true;
        } else if (strcmp(ln, "sym") == 0) {
            const char *font = d25_xml_attr(x, D25_NS_W, "font");
            const char *ch = d25_xml_attr(x, D25_NS_W, "char");
            uint32_t g = ch ? symbol_glyph(font, (unsigned)strtoul(ch, NULL, 16)) : 0;
            if (g)
                return put_cp(c, g);
        }
        break;
    case 't':
        if (strcmp(ln, "t") == 0) {
            c->in_t = !empty;
        } else if (strcmp(ln, "tab") == 0) {
            return put_text(c, "\t", 1);
        } else if (strcmp(ln, "tbl") == 0) {
            if (empty)
                return 0;
            return push_table(c);
        } else if (strcmp(ln, "tr") == 0 && c->nts) {
            return open_row(c);
        } else if (strcmp(ln, "tc") == 0 && c->nts) {
            if (open_cell(c) < 0)
                return -1;
            if (empty)
                return close_cell(c);
        }
        break;
    case 'v':
        if (strcmp(ln, "vMerge") == 0) {
            const char *v = d25_xml_attr(x, D25_NS_W, "val");
            if (!v || strcmp(v, "continue") == 0)
                continue_merge(c, true);
        }
        break;
    default:
        break;
    }
    return 0;
}

static int on_end(ctx_t *c, d25_xml *x)
{
    if (d25_xml_ns(x) != D25_NS_W)
        return 0;
    const char *ln = d25_xml_local(x);
    if (strcmp(ln, "t") == 0) {
        c->in_t = false;
    } else if (strcmp(ln, "p") == 0) {
        return close_para(c);
    } else if (strcmp(ln, "tc") == 0) {
        if (c->nts && c->ts[c->nts - 1].cell >= 0)
            return close_cell(c);
    } else if (strcmp(ln, "tbl") == 0) {
        if (c->nts)
            pop_table(c);
    } else if (strcmp(ln, "sdtPr") == 0) {
        /* The control is known once its properties end: it belongs to the
         * cell or paragraph open now, or else to the next one its content opens. */
        if (c->nsdt && c->sdts[c->nsdt - 1].in_pr) {
            c->sdts[c->nsdt - 1].in_pr = false;
            return sdt_done(c, &c->sdts[c->nsdt - 1]);
        }
    } else if (strcmp(ln, "sdt") == 0) {
        if (c->nsdt) {
            sdt_t *s = &c->sdts[--c->nsdt];
            free(s->c.tag);
            free(s->c.alias);
        }
    } else if (strcmp(ln, "checkBox") == 0 && c->ff_check >= 0) {
        int on = c->ff_check & 1;
        c->ff_check = -1;
        int *checked;
        if (container(c, &checked))
            merge_checked(checked, on);
        return put_cp(c, on ? 0x2611 : 0x2610);
    }
    return 0;
}

d25_doc *d25_docx_read(d25_pkg *pkg, d25_error *err)
{
    ctx_t c = {.pkg = pkg, .err = err, .lim = d25_pkg_limits(pkg), .ff_check = -1, .pchecked = -1};
    c.doc = calloc(1, sizeof *c.doc);
    if (!c.doc) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    d25_xml *x = d25_xml_open(pkg, d25_pkg_main_part(pkg), err);
    int r = -1;
    if (x) {
        d25_xml_drop(x, D25_NS_W, never_read);
        while ((r = d25_xml_read(x)) == 1) {
            int type = d25_xml_type(x);
            if (type == D25_XML_START)
                r = on_start(&c, x);
            else if (type == D25_XML_END)
                r = on_end(&c, x);
            else if (type == D25_XML_TEXT && c.in_t) {
                const char *t = d25_xml_text(x);
                if (c.run_font[0] && strstr(c.run_font, "Wingdings"))
                    r = put_symbol_text(&c, t);
                else if (c.run_strike)
                    r = put_struck_text(&c, t);
                else
                    r = put_text(&c, t, strlen(t));
            }
            if (r < 0)
                break;
        }
        d25_xml_close(x);
    } else if (err->code == D25_OK) {
        d25_fail(err, D25_E_NO_MAIN_PART, "文档主体部件 %s 不存在", d25_pkg_main_part(pkg));
    }
    /* Close what a truncated document left open. */
    while (c.nts) {
        if (c.ts[c.nts - 1].cell >= 0 && r == 0)
            close_cell(&c);
        pop_table(&c);
    }
    free(c.ts);
    for (size_t i = 0; i < c.nsdt; i++) {
        free(c.sdts[i].c.tag);
        free(c.sdts[i].c.alias);
    }
    free(c.sdts);
    controls_free(&c.pending);
    controls_free(&c.pctl);
    d25_buf_free(&c.ptext);
    if (r < 0) {
        d25_doc_free(c.doc);
        return NULL;
    }
    return c.doc;
}

void d25_doc_free(d25_doc *doc)
{
    if (!doc)
        return;
    for (size_t t = 0; t < doc->ntables; t++) {
        d25_table *tb = &doc->tables[t];
        for (size_t r = 0; r < tb->nrows; r++) {
            for (size_t k = 0; k < tb->rows[r].n; k++) {
                free(tb->rows[r].cells[k].text);
                controls_free(&tb->rows[r].cells[k].controls);
            }
            free(tb->rows[r].cells);
        }
        free(tb->rows);
    }
    free(doc->tables);
    for (size_t i = 0; i < doc->nparas; i++) {
        free(doc->paras[i].text);
        controls_free(&doc->paras[i].controls);
    }
    free(doc->paras);
    free(doc);
}
