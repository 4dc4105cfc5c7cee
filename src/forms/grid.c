/* grid: tables of either format as one view (see grid.h). */
#include "grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/text.h"

/* Forms are small; a sheet's grid is cut to this many rows and columns. */
enum { MAX_ROWS = 5000, MAX_COLS = 64, MAX_DOC_COLS = 256 };

static int new_grid(d25_grids *out, size_t *cap, const char *name, bool sheet, uint32_t nrows, uint32_t ncols)
{
    if (d25_grow((void **)&out->v, cap, out->n + 1, sizeof *out->v) < 0)
        return -1;
    d25_grid *g = &out->v[out->n];
    memset(g, 0, sizeof *g);
    g->name = strdup(name);
    g->sheet = sheet;
    g->nrows = nrows;
    g->ncols = ncols;
    g->cells = calloc((size_t)nrows * ncols + 1, sizeof *g->cells);
    if (!g->name || !g->cells) {
        free(g->name);
        free(g->cells);
        return -1;
    }
    for (size_t i = 0; i < (size_t)nrows * ncols; i++) {
        g->cells[i].text = "";
        g->cells[i].orow = g->cells[i].ocol = -1;
    }
    out->n++;
    return 0;
}

static int add_line(d25_grids *out, size_t *cap, const char *text, const char *place)
{
    if (!text[0])
        return 0;
    if (d25_grow((void **)&out->lines, cap, out->nlines + 1, sizeof *out->lines) < 0)
        return -1;
    d25_line *l = &out->lines[out->nlines];
    l->text = strdup(text);
    if (!l->text)
        return -1;
    d25_copy(l->place, sizeof l->place, place);
    out->nlines++;
    return 0;
}

const d25_gcell *d25_grid_at(const d25_grid *g, uint32_t r, uint32_t c)
{
    static const d25_gcell empty = {"", -1, -1};
    if (r >= g->nrows || c >= g->ncols)
        return &empty;
    return &g->cells[(size_t)r * g->ncols + c];
}

const char *d25_grid_shown(const d25_grid *g, uint32_t r, uint32_t c)
{
    const d25_gcell *x = d25_grid_at(g, r, c);
    if (x->orow >= 0)
        return d25_grid_at(g, (uint32_t)x->orow, (uint32_t)x->ocol)->text;
    return x->text;
}

void d25_grid_place(const d25_grid *g, uint32_t r, uint32_t c, char *out, size_t n)
{
    if (g->sheet) {
        char ref[16];
        d25_cell_ref(r + 1, c + 1, ref);
        snprintf(out, n, "%s!%s", g->name, ref);
    } else {
        snprintf(out, n, "%s 第%u行第%u列", g->name, r + 1, c + 1);
    }
}

/* Join the distinct texts of row r with two spaces: one line per row. */
static int row_line(d25_grids *out, size_t *lcap, const d25_grid *g, uint32_t r)
{
    d25_buf b = {0};
    for (uint32_t c = 0; c < g->ncols; c++) {
        const d25_gcell *x = d25_grid_at(g, r, c);
        if (x->orow >= 0 || !x->text[0])
            continue;
        if ((b.len && d25_buf_puts(&b, "  ") < 0) || d25_buf_puts(&b, x->text) < 0) {
            d25_buf_free(&b);
            return -1;
        }
    }
    char place[96];
    if (g->sheet)
        snprintf(place, sizeof place, "%s!第%u行", g->name, r + 1);
    else
        snprintf(place, sizeof place, "%s 第%u行", g->name, r + 1);
    int rc = add_line(out, lcap, d25_buf_cstr(&b), place);
    d25_buf_free(&b);
    return rc;
}

int d25_grids_from_doc(const d25_doc *doc, d25_grids *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0, lcap = 0;
    size_t para = 0;
    int top = 0;
    for (size_t t = 0; t <= doc->ntables; t++) {
        /* Paragraphs that come before the next top-level table (document order). */
        bool is_top = t < doc->ntables && doc->tables[t].parent < 0;
        while (para < doc->nparas && (t == doc->ntables || (is_top && doc->paras[para].tables_before <= top))) {
            char place[96];
            snprintf(place, sizeof place, "第%zu段", para + 1);
            if (add_line(out, &lcap, doc->paras[para].text ? doc->paras[para].text : "", place) < 0)
                goto oom;
            para++;
        }
        if (t == doc->ntables)
            break;
        if (is_top)
            top++;
        const d25_table *tb = &doc->tables[t];
        uint32_t ncols = tb->ncols > 0 ? (uint32_t)tb->ncols : 1;
        for (size_t r = 0; r < tb->nrows; r++)
            for (size_t k = 0; k < tb->rows[r].n; k++) {
                const d25_dcell *c = &tb->rows[r].cells[k];
                uint32_t end = (uint32_t)(c->col + (c->span > 0 ? c->span : 1));
                if (end > ncols)
                    ncols = end;
            }
        if (ncols > MAX_DOC_COLS)
            ncols = MAX_DOC_COLS;
        char name[32];
        snprintf(name, sizeof name, "表格%zu", t + 1);
        if (new_grid(out, &cap, name, false, (uint32_t)tb->nrows, ncols) < 0)
            goto oom;
        d25_grid *g = &out->v[out->n - 1];
        for (size_t r = 0; r < tb->nrows; r++) {
            for (size_t k = 0; k < tb->rows[r].n; k++) {
                const d25_dcell *c = &tb->rows[r].cells[k];
                if (c->col < 0 || (uint32_t)c->col >= ncols)
                    continue;
                int span = c->span > 0 ? c->span : 1;
                d25_gcell *x = &g->cells[r * ncols + (uint32_t)c->col];
                if (c->mrow >= 0 && c->mcol >= 0 && (size_t)c->mrow < tb->nrows && (uint32_t)c->mcol < ncols) {
                    x->orow = c->mrow;
                    x->ocol = c->mcol;
                } else {
                    x->text = c->text ? c->text : "";
                }
                for (int s = 1; s < span && (uint32_t)(c->col + s) < ncols; s++) {
                    d25_gcell *y = &g->cells[r * ncols + (uint32_t)(c->col + s)];
                    y->orow = x->orow >= 0 ? x->orow : (int)r;
                    y->ocol = x->orow >= 0 ? x->ocol : c->col;
                }
            }
            if (row_line(out, &lcap, g, (uint32_t)r) < 0)
                goto oom;
        }
    }
    return 0;
oom:
    d25_grids_free(out);
    return -1;
}

int d25_grids_from_book(const d25_book *book, d25_grids *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0, lcap = 0;
    for (size_t s = 0; s < book->nsheets; s++) {
        const d25_sheet *sh = &book->sheets[s];
        if (strcmp(sh->kind, "worksheet") != 0)
            continue;
        if (add_line(out, &lcap, sh->name, sh->name) < 0)
            goto oom;
        uint32_t nrows = 0, ncols = 0;
        for (size_t i = 0; i < sh->ncells; i++) {
            if (sh->cells[i].row <= MAX_ROWS && sh->cells[i].row > nrows)
                nrows = sh->cells[i].row;
            if (sh->cells[i].col <= MAX_COLS && sh->cells[i].col > ncols)
                ncols = sh->cells[i].col;
        }
        for (size_t m = 0; m < sh->nmerged; m++) {
            if (sh->merged[m].r2 <= MAX_ROWS && sh->merged[m].r2 > nrows && sh->merged[m].r1 <= nrows)
                nrows = sh->merged[m].r2;
            if (sh->merged[m].c2 <= MAX_COLS && sh->merged[m].c2 > ncols && sh->merged[m].c1 <= ncols)
                ncols = sh->merged[m].c2;
        }
        if (new_grid(out, &cap, sh->name, true, nrows, ncols ? ncols : 1) < 0)
            goto oom;
        d25_grid *g = &out->v[out->n - 1];
        for (size_t i = 0; i < sh->ncells; i++) {
            const d25_xcell *c = &sh->cells[i];
            if (c->row > nrows || c->col > g->ncols)
                continue;
            g->cells[(size_t)(c->row - 1) * g->ncols + (c->col - 1)].text = c->text;
        }
        for (size_t m = 0; m < sh->nmerged; m++) {
            const d25_range *rg = &sh->merged[m];
            for (uint32_t r = rg->r1; r <= rg->r2 && r <= nrows; r++)
                for (uint32_t c = rg->c1; c <= rg->c2 && c <= g->ncols; c++) {
                    if (r == rg->r1 && c == rg->c1)
                        continue;
                    d25_gcell *x = &g->cells[(size_t)(r - 1) * g->ncols + (c - 1)];
                    x->orow = (int)rg->r1 - 1;
                    x->ocol = (int)rg->c1 - 1;
                }
        }
        for (uint32_t r = 0; r < nrows; r++)
            if (row_line(out, &lcap, g, r) < 0)
                goto oom;
    }
    return 0;
oom:
    d25_grids_free(out);
    return -1;
}

void d25_grids_free(d25_grids *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->v[i].name);
        free(g->v[i].cells);
    }
    free(g->v);
    for (size_t i = 0; i < g->nlines; i++)
        free(g->lines[i].text);
    free(g->lines);
    memset(g, 0, sizeof *g);
}
