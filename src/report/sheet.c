/* report/sheet: what the district's and the city's workbooks share (see sheet.h). */
#include "sheet.h"

#include <stdio.h>
#include <xlsxwriter/utility.h>

#include "../xlsxout/cell.h"

void d25_sheet_formats_init(lxw_workbook *wb, d25_sheet_formats *f)
{
    f->title[0] = '\0';
    f->head = workbook_add_format(wb);
    format_set_bold(f->head);
    format_set_bg_color(f->head, 0xD9E1F2);
    format_set_border(f->head, LXW_BORDER_THIN);
    f->bold = workbook_add_format(wb);
    format_set_bold(f->bold);
    f->pct = workbook_add_format(wb);
    format_set_num_format(f->pct, "0.0%");
    f->bold_pct = workbook_add_format(wb);
    format_set_bold(f->bold_pct);
    format_set_num_format(f->bold_pct, "0.0%");
    f->flagged = workbook_add_format(wb);
    format_set_bg_color(f->flagged, 0xFFE699);
    f->date = workbook_add_format(wb);
    format_set_num_format(f->date, "yyyy-mm-dd hh:mm");
}

void d25_sheet_formats_title(d25_sheet_formats *f, const json_t *root)
{
    const char *district = json_string_value(json_object_get(root, "district"));
    const char *pcn = json_string_value(json_object_get(root, "period_cn"));
    snprintf(f->title, sizeof f->title, "%s%s", district ? district : "", pcn ? pcn : "");
}

void d25_sheet_print_setup(lxw_worksheet *ws, const d25_sheet_formats *f, const char *sheet, int name_col)
{
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 0);
    if (name_col >= 0)
        worksheet_repeat_columns(ws, (lxw_col_t)name_col, (lxw_col_t)name_col);
    worksheet_set_margins(ws, 0.5, 0.5, 0.8, 0.7);
    char head[240];
    snprintf(head, sizeof head, "&C&\"黑体,常规\"&14 %s%s", f->title, sheet);
    worksheet_set_header(ws, head);
    worksheet_set_footer(ws, "&C第 &P 页，共 &N 页");
}

void d25_sheet_header(lxw_worksheet *ws, const d25_sheet_formats *f, const char *const *cols, const double *widths)
{
    for (lxw_col_t c = 0; cols[c]; c++) {
        d25_xlsx_string(ws, 0, c, cols[c], f->head);
        worksheet_set_column(ws, c, c, widths[c], NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

void d25_sheet_sum_formula(char *out, size_t n, lxw_col_t c, lxw_row_t first, lxw_row_t last)
{
    char name[8];
    lxw_col_to_name(name, c, 0);
    snprintf(out, n, "=SUM(%s%u:%s%u)", name, (unsigned)first + 1, name, (unsigned)last + 1);
}

void d25_sheet_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const d25_cell *x, lxw_format *fmt)
{
    if (x->kind == D25_CELL_INT)
        worksheet_write_number(ws, r, c, (double)x->v.i, fmt);
    else if (x->kind == D25_CELL_REAL)
        worksheet_write_number(ws, r, c, x->v.d, fmt);
    else if (x->kind == D25_CELL_STR)
        d25_xlsx_string(ws, r, c, x->v.s, fmt);
}

void d25_sheet_json(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const json_t *v, lxw_format *fmt)
{
    d25_cell x = {.kind = D25_CELL_NULL};
    if (json_is_integer(v))
        d25_cell_int(&x, json_integer_value(v));
    else if (json_is_real(v))
        d25_cell_real(&x, json_real_value(v));
    else if (json_is_string(v))
        d25_cell_borrow(&x, json_string_value(v));
    d25_sheet_cell(ws, r, c, &x, fmt);
}

void d25_sheet_when(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const d25_cell *x, lxw_format *date)
{
    int y, mo, d, h = 0, mi = 0;
    double sec = 0;
    if (x->kind == D25_CELL_STR && sscanf(x->v.s, "%d-%d-%d %d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) >= 3 && y > 1900 &&
        mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
        lxw_datetime dt = {y, mo, d, h, mi, sec};
        worksheet_write_datetime(ws, r, c, &dt, date);
    } else if (x->kind == D25_CELL_STR) {
        d25_xlsx_string(ws, r, c, x->v.s, NULL);
    }
}

const char *d25_sheet_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

void d25_sheet_rate(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_col_t num, lxw_col_t den, long vnum, long vden,
                      lxw_format *fmt)
{
    char n[8], d[8], fm[96];
    lxw_col_to_name(n, num, 0);
    lxw_col_to_name(d, den, 0);
    unsigned row = (unsigned)r + 1;
    snprintf(fm, sizeof fm, "=IF(%s%u=0,\"\",%s%u/%s%u)", d, row, n, row, d, row);
    if (vden > 0)
        worksheet_write_formula_num(ws, r, c, fm, fmt, (double)vnum / (double)vden);
    else
        worksheet_write_formula_str(ws, r, c, fm, fmt, "");
}
