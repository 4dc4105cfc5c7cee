/* sheet: the registry from an XLSX workbook (see table.h), read with the
 * project's reader (ooxml.h).  The worksheet named 单位名册 is read, else
 * the first visible worksheet.  Cells keep their type (numbers, dates and
 * errors are told apart from text by units.c); a vertically merged cell
 * (an area written once beside several units) gives its value to every
 * row it covers, as Excel shows it.  Files that are no workbook (a legacy
 * .xls, an encrypted workbook, a Word document) are refused by name with
 * the reason the reader found. */
#include "table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ooxml/ooxml.h"

/* Cells past this column are not a registry's; such a cell is refused. */
enum { MAX_COL = 1024 };

typedef struct {
    uint32_t row, col;
    const d25_xcell *cell;
    unsigned order; /* merged fills sort after the cell they cover */
} slot;

static int slot_cmp(const void *a, const void *b)
{
    const slot *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static const d25_sheet *pick_sheet(const d25_book *b)
{
    for (size_t i = 0; i < b->nsheets; i++)
        if (strcmp(b->sheets[i].kind, "worksheet") == 0 && strcmp(b->sheets[i].name, "单位名册") == 0)
            return &b->sheets[i];
    for (size_t i = 0; i < b->nsheets; i++)
        if (strcmp(b->sheets[i].kind, "worksheet") == 0 && strcmp(b->sheets[i].state, "visible") == 0)
            return &b->sheets[i];
    return NULL;
}

/* The refusal for a file the reader could not read as a workbook. */
static int refuse(const char *what, const char *path, const d25_ooxml *f, d25_error *err)
{
    switch (f->error.code) {
    case D25_E_ENCRYPTED:
        return d25_fail(err, D25_E_CONFIG,
                        "%s %s 设置了打开密码（加密），无法读取：请用 Excel 或 WPS 表格打开，清除打开密码后"
                        "保存为 Excel 工作簿（*.xlsx），或另存为“CSV UTF-8（逗号分隔）(*.csv)”", what,
                        path);
    case D25_E_LEGACY_XLS:
        return d25_fail(err, D25_E_CONFIG,
                        "%s %s 是旧版 Excel 97-2003 工作簿（.xls）或 WPS 表格（.et）文件，无法读取："
                        "请用 Excel 或 WPS 表格打开，另存为 Excel 工作簿（*.xlsx）或“CSV UTF-8（逗号分隔）(*.csv)”，"
                        "再在 duty25.ini 的 units = 中写新的文件名", what,
                        path);
    case D25_E_LEGACY_DOC:
    case D25_E_OLE:
    case D25_E_OTHER_FORMAT:
    case D25_E_NOT_ZIP:
    case D25_E_LOCK_FILE:
        return d25_fail(err, D25_E_CONFIG, "%s %s 不是 CSV 文本或 Excel 工作簿（%s）。" D25_REG_SAVE_ADVICE, what, path,
                        d25_code_summary(f->error.code));
    case D25_E_NOMEM:
        return d25_fail(err, D25_E_NOMEM, "内存不足（读取%s %s）", what, path);
    default:
        return d25_fail(err, D25_E_CONFIG, "%s %s 无法作为 Excel 工作簿读取：%s", what, path, f->error.message);
    }
}

/* Most cells merged ranges may give their value to; past it the sheet is
 * refused (a real registry has a few hundred). */
enum { MAX_FILLS = 1000000 };

/* The first slot of a[0..n) (sorted) at or after (row, col). */
static size_t lower_bound(const slot *a, size_t n, uint32_t row, uint32_t col)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid].row < row || (a[mid].row == row && a[mid].col < col))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The sheet's cells, and for every vertically merged range the cells below
 * its top-left one in the rows that hold other cells (a range reaching
 * into empty rows does not make units of them), sorted by row and column. */
static slot *gather(const d25_sheet *sh, size_t *count, d25_error *err, const char *what, const char *where)
{
    size_t n = sh->ncells, cap = n + 16;
    slot *s = malloc(cap * sizeof *s);
    if (!s) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        s[i] = (slot){sh->cells[i].row, sh->cells[i].col, &sh->cells[i], 0};
    qsort(s, n, sizeof *s, slot_cmp);
    size_t k = n;
    for (size_t m = 0; m < sh->nmerged; m++) {
        const d25_range *r = &sh->merged[m];
        size_t top = lower_bound(s, n, r->r1, r->c1);
        if (r->r2 <= r->r1 || top >= n || s[top].row != r->r1 || s[top].col != r->c1)
            continue;
        uint32_t last = r->r1;
        for (size_t i = lower_bound(s, n, r->r1 + 1, 0); i < n && s[i].row <= r->r2; i++) {
            if (s[i].row == last)
                continue;
            last = s[i].row;
            if (k - n >= MAX_FILLS) {
                free(s);
                d25_fail(err, D25_E_CONFIG, "%s %s的合并单元格过多，无法读取：请取消合并后重新保存", what, where);
                return NULL;
            }
            if (d25_grow((void **)&s, &cap, k + 1, sizeof *s) < 0) {
                free(s);
                d25_fail(err, D25_E_NOMEM, "内存不足");
                return NULL;
            }
            s[k++] = (slot){last, r->c1, s[top].cell, 1};
        }
    }
    qsort(s, k, sizeof *s, slot_cmp);
    *count = k;
    return s;
}

static int fill(const d25_book *book, const d25_sheet *sh, d25_regtable *t, d25_error *err)
{
    size_t k = 0;
    const char *what = D25_REGTABLE_WHAT(t);
    slot *s = gather(sh, &k, err, what, t->where);
    if (!s)
        return -1;
    d25_regrow *row = NULL;
    int rc = 0;
    for (size_t i = 0; i < k && rc == 0; i++) {
        const d25_xcell *c = s[i].cell;
        if (!c->len)
            continue;
        if (s[i].col > MAX_COL) {
            char ref[16];
            d25_cell_ref(s[i].row, s[i].col, ref);
            rc = d25_fail(err, D25_E_CONFIG, "%s %s单元格 %s 超出了名册可用的范围（前 %d 列）：请删除该单元格的内容", what,
                          t->where, ref, MAX_COL);
            break;
        }
        if (!row || row->line != (int)s[i].row)
            row = d25_regtable_add(t, (int)s[i].row);
        if (!row || d25_regrow_set(row, s[i].col - 1, c->text, c->len, c->type) < 0)
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    free(s);
    t->date1904 = book->date1904;
    return rc;
}

int d25_regtable_from_xlsx(const char *path, const char *data, size_t len, d25_regtable *t, d25_error *err)
{
    const char *what = D25_REGTABLE_WHAT(t);
    d25_ooxml *f = d25_ooxml_read_buffer(data, len, path, NULL);
    if (!f)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    int rc;
    if (f->error.code != D25_OK) {
        rc = refuse(what, path, f, err);
    } else if (f->format != D25_FMT_XLSX) {
        rc = d25_fail(err, D25_E_CONFIG, "%s %s 是 Word 文档，不是 Excel 工作簿。" D25_REG_SAVE_ADVICE, what, path);
    } else {
        const d25_sheet *sh = pick_sheet(f->book);
        t->encoding = "XLSX";
        t->sheet = true;
        size_t need = strlen(path) + (sh ? strlen(sh->name) : 0) + 32;
        t->where = malloc(need);
        t->sheet_name = sh ? strdup(sh->name) : NULL;
        if (!t->where || (sh && !t->sheet_name))
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
        else if (!sh)
            rc = d25_fail(err, D25_E_CONFIG, "%s %s 中没有可见的工作表：请把名册放在名为“单位名册”的工作表中", what, path);
        else {
            snprintf(t->where, need, "%s 工作表“%s”", path, sh->name);
            rc = fill(f->book, sh, t, err);
        }
    }
    d25_ooxml_free(f);
    return rc;
}
