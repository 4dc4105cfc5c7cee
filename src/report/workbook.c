/* report/workbook: the statistical tables as XLSX (see workbook.h). */
#include "workbook.h"
#include "data.h"
#include "sheet.h"
#include "../util/syserr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <xlsxwriter/utility.h>

#include "../util/buf.h"
#include "../util/file.h"
#include "../xlsxout/book.h"
#include "../xlsxout/cell.h"

/* The formats, the printed page and the cell writers are shared with the
 * city's workbook (sheet.h). */
typedef d25_sheet_formats formats;

/* A list's column by name, for cells read by index (-1: none). */
static int col(const d25_rows *r, const char *name)
{
    return r ? d25_rows_col(r, name, NULL) : -1;
}

/* Column k (-1: none) of a list's row i. */
static void row_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const d25_rows *rows, size_t i, int k, lxw_format *fmt)
{
    if (k >= 0)
        d25_sheet_cell(ws, r, c, d25_rows_row(rows, i) + k, fmt);
}

/* "单位代码" / "企业名称": the edition's word for a unit (data words.unit_word) and what. */
static const char *unit_head(const json_t *root, const char *what, char *out, size_t n)
{
    const char *uw = json_string_value(json_object_get(json_object_get(root, "words"), "unit_word"));
    snprintf(out, n, "%s%s", uw ? uw : "单位", what);
    return out;
}

static void submissions(lxw_workbook *wb, const formats *f, const d25_tree *d)
{
    char hc[64], hn[64];
    lxw_worksheet *ws = workbook_add_worksheet(wb, "报送情况");
    const char *const cols[] = {"序号", unit_head(d->root, "代码", hc, sizeof hc), unit_head(d->root, "名称", hn, sizeof hn),
                                "类型", "板块", "报送情况", "收到时间", "联系人", "电话", NULL};
    static const char *const keys[] = {"code", "name", "type_label", "area", "state_label", "received", "contact", "phone"};
    static const double w[] = {6, 10, 30, 14, 12, 10, 20, 10, 14};
    d25_sheet_header(ws, f, cols, w);
    const d25_rows *v = d25_tree_find(d, "submissions");
    size_t n = v ? v->n : 0;
    int k[8];
    for (int c = 0; c < 8; c++)
        k[c] = col(v, keys[c]);
    for (size_t i = 0; i < n; i++) {
        lxw_row_t r = (lxw_row_t)i + 1;
        worksheet_write_number(ws, r, 0, (double)(i + 1), NULL);
        for (int c = 0; c < 8; c++)
            if (c == 5 && k[c] >= 0)
                d25_sheet_when(ws, r, 6, d25_rows_row(v, i) + k[c], f->date);
            else
                row_cell(ws, r, (lxw_col_t)(c + 1), v, i, k[c], NULL);
    }
    if (n)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, 8);
    d25_sheet_print_setup(ws, f, "报送情况", 2);
}

static const char *const tally_keys[5] = {"applicable", "done", "partial", "not_done", "not_applicable"};

static void compliance(lxw_workbook *wb, const formats *f, const json_t *d)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "落实情况");
    static const char *const cols[] = {"子项", "内容", "适用", "已落实", "部分落实", "未落实", "不适用", "落实率", NULL};
    static const double w[] = {8, 60, 8, 8, 10, 8, 8, 10};
    d25_sheet_header(ws, f, cols, w);
    const json_t *v = json_object_get(d, "sub_items");
    lxw_row_t r = 1;
    for (size_t i = 0; i < json_array_size(v); i++, r++) {
        const json_t *s = json_array_get(v, i);
        d25_xlsx_string(ws, r, 0, d25_sheet_str(s, "code"), NULL);
        d25_xlsx_string(ws, r, 1, d25_sheet_str(s, "text"), NULL);
        for (int k = 0; k < 5; k++)
            d25_sheet_json(ws, r, (lxw_col_t)(2 + k), json_object_get(s, tally_keys[k]), NULL);
        d25_sheet_json(ws, r, 7, json_object_get(s, "rate"), f->pct);
    }
    /* The total row: formulas over the rows above, with this month's
     * values cached (a reader that does not calculate still shows them). */
    const json_t *all = json_object_get(d, "compliance");
    d25_xlsx_string(ws, r, 0, "合计", f->bold);
    for (int k = 0; k < 5; k++) {
        char fm[64];
        d25_sheet_sum_formula(fm, sizeof fm, (lxw_col_t)(2 + k), 1, r > 1 ? r - 1 : 1);
        worksheet_write_formula_num(ws, r, (lxw_col_t)(2 + k), fm, f->bold,
                                    (double)json_integer_value(json_object_get(all, tally_keys[k])));
    }
    d25_sheet_rate(ws, r, 7, 3, 2, (long)json_integer_value(json_object_get(all, "done")),
                   (long)json_integer_value(json_object_get(all, "applicable")), f->bold_pct);
    d25_sheet_print_setup(ws, f, "落实情况", 1);
}

static int progress(lxw_workbook *wb, const formats *f, const d25_tree *t)
{
    const json_t *d = t->root;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "推进情况汇总");
    const json_t *fields = json_object_get(d, "progress_fields");
    size_t nf = json_array_size(fields);
    char hc[64], hn[64];
    d25_xlsx_string(ws, 0, 0, unit_head(d, "代码", hc, sizeof hc), f->head);
    d25_xlsx_string(ws, 0, 1, unit_head(d, "名称", hn, sizeof hn), f->head);
    d25_xlsx_string(ws, 0, 2, "板块", f->head);
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 30, NULL);
    worksheet_set_column(ws, 2, 2, 12, NULL);
    for (size_t k = 0; k < nf; k++) {
        d25_xlsx_string(ws, 0, (lxw_col_t)(3 + k), d25_sheet_str(json_array_get(fields, k), "label"), f->head);
        worksheet_set_column(ws, (lxw_col_t)(3 + k), (lxw_col_t)(3 + k), 12, NULL);
    }
    worksheet_freeze_panes(ws, 1, 2);
    const d25_rows *rows = d25_tree_find(t, "progress");
    size_t n = rows ? rows->n : 0;
    int *ks = calloc(nf + 3, sizeof *ks);
    if (!ks)
        return -1;
    ks[0] = col(rows, "code");
    ks[1] = col(rows, "name");
    ks[2] = col(rows, "area");
    for (size_t c = 0; c < nf; c++)
        ks[3 + c] = col(rows, d25_sheet_str(json_array_get(fields, c), "name"));
    /* A value the quality pass flagged is shaded and left out of its total's
     * formula (as the figures leave it out of the total). */
    const json_t *flagged = json_object_get(d, "flagged");
    d25_buf *minus = calloc(nf + 1, sizeof *minus);
    if (!minus) {
        free(ks);
        return -1;
    }
    int kc = col(rows, "code");
    /* The flagged values as a set keyed "code\x1ffield": looked up for
     * every cell of the table (hundreds flagged among 10,000 units). */
    json_t *fset = d25_report_flag_set(flagged);
    if (json_array_size(flagged) && !fset) {
        free(ks);
        free(minus);
        return -1;
    }
    const char **fname = calloc(nf + 1, sizeof *fname);
    if (!fname) {
        free(ks);
        free(minus);
        json_decref(fset);
        return -1;
    }
    for (size_t k = 0; k < nf; k++)
        fname[k] = d25_sheet_str(json_array_get(fields, k), "name");
    lxw_row_t r = 1;
    for (size_t i = 0; i < n; i++, r++) {
        const char *code = kc >= 0 && d25_rows_row(rows, i)[kc].kind == D25_CELL_STR ? d25_rows_row(rows, i)[kc].v.s : "";
        bool unit_flagged = d25_report_unit_flagged(fset, code);
        for (size_t c = 0; c < nf + 3; c++) {
            bool flag = unit_flagged && c >= 3 && d25_report_is_flagged(fset, code, fname[c - 3]);
            row_cell(ws, r, (lxw_col_t)c, rows, i, ks[c], flag ? f->flagged : NULL);
            if (flag) {
                char ref[16];
                lxw_col_to_name(ref, (lxw_col_t)c, 0);
                char part[32];
                snprintf(part, sizeof part, "-%s%u", ref, (unsigned)r + 1);
                d25_buf_puts(&minus[c - 3], part);
            }
        }
    }
    free(fname);
    free(ks);
    json_decref(fset);
    const json_t *tot = json_object_get(d, "progress_total");
    d25_xlsx_string(ws, r, 1, "全区合计", f->bold);
    for (size_t k = 0; k < nf; k++) {
        const json_t *v = json_object_get(tot, d25_sheet_str(json_array_get(fields, k), "name"));
        if (n && json_is_integer(v)) {
            char fm[64];
            d25_sheet_sum_formula(fm, sizeof fm, (lxw_col_t)(3 + k), 1, r - 1);
            d25_buf whole = {0};
            d25_buf_puts(&whole, fm);
            if (minus[k].len)
                d25_buf_append(&whole, minus[k].data, minus[k].len);
            worksheet_write_formula_num(ws, r, (lxw_col_t)(3 + k), d25_buf_cstr(&whole), f->bold,
                                        (double)json_integer_value(v));
            d25_buf_free(&whole);
        } else {
            d25_sheet_json(ws, r, (lxw_col_t)(3 + k), v, f->bold);
        }
    }
    for (size_t k = 0; k < nf; k++)
        d25_buf_free(&minus[k]);
    free(minus);
    if (json_array_size(flagged))
        d25_xlsx_string(ws, r + 1, 1, "注：底色标出的数值经数据质量检查明显异常，未计入合计（待核实）。", NULL);
    d25_sheet_print_setup(ws, f, "推进情况汇总", 1);
    return 0;
}

static void hazards(lxw_workbook *wb, const formats *f, const json_t *d)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "隐患整改");
    static const char *const cols[] = {"分组", "名称", "发现隐患", "已整改", "整改率", NULL};
    static const double w[] = {10, 18, 10, 10, 10};
    d25_sheet_header(ws, f, cols, w);
    const json_t *hz = json_object_get(d, "hazards");
    lxw_row_t r = 1;
    static const char *const groups[2] = {"by_type", "by_area"};
    static const char *const labels[2] = {"按类型", "按板块"};
    for (int g = 0; g < 2; g++) {
        const json_t *v = json_object_get(hz, groups[g]);
        for (size_t i = 0; i < json_array_size(v); i++, r++) {
            const json_t *x = json_array_get(v, i);
            d25_xlsx_string(ws, r, 0, labels[g], NULL);
            d25_xlsx_string(ws, r, 1, g ? d25_sheet_str(x, "area") : d25_sheet_str(x, "label"), NULL);
            d25_sheet_json(ws, r, 2, json_object_get(x, "found"), NULL);
            d25_sheet_json(ws, r, 3, json_object_get(x, "rectified"), NULL);
            d25_sheet_json(ws, r, 4, json_object_get(x, "rate"), f->pct);
        }
    }
    d25_xlsx_string(ws, r, 0, "全区", f->bold);
    d25_sheet_json(ws, r, 2, json_object_get(hz, "found"), f->bold);
    d25_sheet_json(ws, r, 3, json_object_get(hz, "rectified"), f->bold);
    d25_sheet_json(ws, r, 4, json_object_get(hz, "rate"), f->pct);
    d25_sheet_print_setup(ws, f, "隐患整改", -1);
}

static void enforcement(lxw_workbook *wb, const formats *f, const d25_tree *d)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "拟列入专项执法计划名单");
    char hn[64];
    const char *const cols[] = {"序号", unit_head(d->root, "名称", hn, sizeof hn), "所属板块", "备注", NULL};
    static const char *const keys[] = {"n", "name", "area", "remark"};
    static const double w[] = {6, 30, 12, 60};
    d25_sheet_header(ws, f, cols, w);
    const d25_rows *v = d25_tree_find(d, "enforcement");
    int k[4];
    for (int c = 0; c < 4; c++)
        k[c] = col(v, keys[c]);
    for (size_t i = 0; v && i < v->n; i++)
        for (int c = 0; c < 4; c++)
            row_cell(ws, (lxw_row_t)i + 1, (lxw_col_t)c, v, i, k[c], NULL);
    d25_sheet_print_setup(ws, f, "拟列入专项执法计划名单", 1);
}

int d25_report_xlsx(const d25_tree *data, const char *path, d25_error *err)
{
    char *tmp;
    /* Rows are written in order, so each sheet's rows can go straight to a
     * temporary file: memory stays flat however many units there are. */
    lxw_workbook *wb = d25_xlsx_begin(path, true, &tmp, err);
    if (!wb)
        return -1;
    formats f;
    d25_sheet_formats_init(wb, data->root, &f);
    submissions(wb, &f, data);
    compliance(wb, &f, data->root);
    if (progress(wb, &f, data) < 0) {
        workbook_close(wb);
        unlink(tmp);
        free(tmp);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    hazards(wb, &f, data->root);
    enforcement(wb, &f, data);
    return d25_xlsx_finish(wb, tmp, path, err);
}
