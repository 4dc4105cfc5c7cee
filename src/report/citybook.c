/* report/citybook: a city's (or province's) statistical workbook (see citybook.h). */
#include "citybook.h"
#include "sheet.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>
#include <xlsxwriter/utility.h>

#include "../xlsxout/book.h"
#include "../xlsxout/cell.h"

typedef struct {
    d25_sheet_formats f;
    lxw_format *headw;   /* a header cell with its text wrapped */
    const json_t *root;  /* the city's tree */
    const json_t *rows;  /* its by_district */
    size_t nd;           /* rows in it */
    bool province;       /* districts are CITY/DISTRICT: a 市 column first */
    lxw_col_t lead;      /* columns before the figures: 序号, (市,) 区（县） */
    char total[32];      /* 全市合计 / 全省合计 */
} book;

static long geti(const json_t *o, const char *k)
{
    return (long)json_integer_value(json_object_get(o, k));
}

/* Row 0: 序号, (市,) 区（县）, then cols (NULL-terminated) with their
 * widths; wrapped, frozen below and right of the district's name. */
static void head(const book *b, lxw_worksheet *ws, const char *const *cols, const double *widths, double height)
{
    worksheet_set_row(ws, 0, height, NULL);
    lxw_col_t c = 0;
    d25_xlsx_string(ws, 0, c, "序号", b->headw);
    worksheet_set_column(ws, c, c, 6, NULL);
    if (b->province) {
        c++;
        d25_xlsx_string(ws, 0, c, "市", b->headw);
        worksheet_set_column(ws, c, c, 10, NULL);
    }
    c++;
    d25_xlsx_string(ws, 0, c, "区（县）", b->headw);
    worksheet_set_column(ws, c, c, 12, NULL);
    for (size_t k = 0; cols[k]; k++) {
        lxw_col_t x = (lxw_col_t)(b->lead + k);
        d25_xlsx_string(ws, 0, x, cols[k], b->headw);
        worksheet_set_column(ws, x, x, widths[k], NULL);
    }
    worksheet_freeze_panes(ws, 1, b->lead);
}

/* 序号, (市,) 区（县） of a row naming a district (at a province
 * "CITY/DISTRICT", split). */
static void lead_cells(const book *b, lxw_worksheet *ws, lxw_row_t r, long n, const char *district)
{
    worksheet_write_number(ws, r, 0, (double)n, NULL);
    const char *slash = b->province ? strchr(district, '/') : NULL;
    if (b->province) {
        char city[256];
        snprintf(city, sizeof city, "%.*s", slash ? (int)(slash - district) : 0, district);
        d25_xlsx_string(ws, r, 1, city, NULL);
    }
    d25_xlsx_string(ws, r, b->lead - 1, slash ? slash + 1 : district, NULL);
}

/* The total of column c over the district rows (1..nd), the city's value
 * cached. */
static void sum_cell(const book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, long cached)
{
    if (!b->nd) {
        worksheet_write_number(ws, r, c, (double)cached, b->f.bold);
        return;
    }
    char fm[64];
    d25_sheet_sum_formula(fm, sizeof fm, c, 1, (lxw_row_t)b->nd);
    worksheet_write_formula_num(ws, r, c, fm, b->f.bold, (double)cached);
}

/* The total row's label, under the districts' names. */
static void total_label(const book *b, lxw_worksheet *ws, lxw_row_t r)
{
    d25_xlsx_string(ws, r, b->lead - 1, b->total, b->f.bold);
}

/* Each district's submissions and whether its package came. */
static void submissions(lxw_workbook *wb, const book *b)
{
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "各区报送情况");
    static const char *const cols[] = {"数据包", "数据包导出时间", "应报", "按时", "逾期", "缺表", "退回", "未报",
                                       "已报", "报送率", "按时报送率", NULL};
    static const double w[] = {10, 18, 8, 8, 8, 8, 8, 8, 8, 10, 10};
    static const char *const keys[] = {"expected", "on_time", "late", "incomplete", "rejected", "missing", "returned"};
    head(b, ws, cols, w, 30);
    lxw_col_t c0 = b->lead, cn = (lxw_col_t)(c0 + 2); /* first count column */
    lxw_col_t c_exp = cn, c_on = (lxw_col_t)(cn + 1), c_ret = (lxw_col_t)(cn + 6);
    lxw_row_t r = 1;
    for (size_t i = 0; i < b->nd; i++, r++) {
        const json_t *row = json_array_get(b->rows, i);
        lead_cells(b, ws, r, geti(row, "n"), d25_sheet_str(row, "district"));
        d25_xlsx_string(ws, r, c0, d25_sheet_str(row, "state_label"), NULL);
        d25_cell sent = {.kind = D25_CELL_NULL};
        if (*d25_sheet_str(row, "package_sent"))
            d25_cell_borrow(&sent, d25_sheet_str(row, "package_sent"));
        d25_sheet_when(ws, r, (lxw_col_t)(c0 + 1), &sent, b->f.date);
        for (int k = 0; k < 7; k++)
            worksheet_write_number(ws, r, (lxw_col_t)(cn + k), (double)geti(row, keys[k]), NULL);
        d25_sheet_rate(ws, r, (lxw_col_t)(cn + 7), c_ret, c_exp, geti(row, "returned"), geti(row, "expected"), b->f.pct);
        d25_sheet_rate(ws, r, (lxw_col_t)(cn + 8), c_on, c_exp, geti(row, "on_time"), geti(row, "expected"), b->f.pct);
    }
    if (b->nd)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)b->nd, (lxw_col_t)(cn + 8));
    const json_t *u = json_object_get(b->root, "units");
    total_label(b, ws, r);
    char merged[64];
    snprintf(merged, sizeof merged, "%ld/%ld 已报送", geti(b->root, "districts_merged"), geti(b->root, "districts_count"));
    d25_xlsx_string(ws, r, c0, merged, b->f.bold);
    for (int k = 0; k < 7; k++)
        sum_cell(b, ws, r, (lxw_col_t)(cn + k), geti(u, keys[k]));
    d25_sheet_rate(ws, r, (lxw_col_t)(cn + 7), c_ret, c_exp, geti(u, "returned"), geti(u, "expected"), b->f.bold_pct);
    d25_sheet_rate(ws, r, (lxw_col_t)(cn + 8), c_on, c_exp, geti(u, "on_time"), geti(u, "expected"), b->f.bold_pct);
    /* Below: the city's own deadline, and the districts missing or late. */
    char line[1024];
    const char *due = d25_sheet_str(b->root, "package_deadline");
    r += 2;
    if (*due)
        snprintf(line, sizeof line, "各区（县）本月数据包的报送期限：%s（按导出时间计）。", due);
    else
        snprintf(line, sizeof line, "未设各区（县）数据包的报送期限（配置 [organisation] deadline_day）。");
    d25_xlsx_string(ws, r++, 1, line, NULL);
    const char *missing = d25_sheet_str(b->root, "districts_missing_text"), *late = d25_sheet_str(b->root, "districts_late_text");
    snprintf(line, sizeof line, "本月数据包未报送：%s。", *missing ? missing : "无");
    d25_xlsx_string(ws, r++, 1, line, NULL);
    snprintf(line, sizeof line, "本月数据包逾期报送：%s。", *late ? late : "无");
    d25_xlsx_string(ws, r, 1, line, NULL);
    d25_sheet_print_setup(ws, &b->f, "各区报送情况", (int)b->lead - 1);
}

/* Each district's compliance: its tallies, then each duty's. */
static void compliance(lxw_workbook *wb, const book *b)
{
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "各区落实情况");
    static const char *const tally[] = {"applicable", "done", "partial", "not_done", "not_applicable"};
    static const char *const cols[] = {"适用", "已落实", "部分落实", "未落实", "不适用", "落实率", NULL};
    static const double w[] = {8, 8, 8, 8, 8, 9};
    head(b, ws, cols, w, 48);
    lxw_col_t c0 = b->lead;
    /* Each duty: 适用, 已落实, 落实率 under its name. */
    const json_t *duties = json_object_get(b->root, "duties");
    size_t ndu = json_array_size(duties);
    lxw_col_t cd = (lxw_col_t)(c0 + 6);
    for (size_t k = 0; k < ndu; k++) {
        static const char *const what[] = {"适用", "已落实", "落实率"};
        for (int j = 0; j < 3; j++) {
            char h[256];
            const json_t *d = json_array_get(duties, k);
            snprintf(h, sizeof h, "%ld.%s：%s", geti(d, "n"), d25_sheet_str(d, "name"), what[j]);
            lxw_col_t x = (lxw_col_t)(cd + 3 * k + (size_t)j);
            d25_xlsx_string(ws, 0, x, h, b->headw);
            worksheet_set_column(ws, x, x, 11, NULL);
        }
    }
    lxw_row_t r = 1;
    for (size_t i = 0; i < b->nd; i++, r++) {
        const json_t *row = json_array_get(b->rows, i), *rd = json_object_get(row, "duties");
        lead_cells(b, ws, r, geti(row, "n"), d25_sheet_str(row, "district"));
        for (int k = 0; k < 5; k++)
            worksheet_write_number(ws, r, (lxw_col_t)(c0 + k), (double)geti(row, tally[k]), NULL);
        d25_sheet_rate(ws, r, (lxw_col_t)(c0 + 5), (lxw_col_t)(c0 + 1), c0, geti(row, "done"), geti(row, "applicable"),
                  b->f.pct);
        for (size_t k = 0; k < ndu; k++) {
            const json_t *d = json_array_get(rd, k);
            lxw_col_t x = (lxw_col_t)(cd + 3 * k);
            worksheet_write_number(ws, r, x, (double)geti(d, "applicable"), NULL);
            worksheet_write_number(ws, r, (lxw_col_t)(x + 1), (double)geti(d, "done"), NULL);
            d25_sheet_rate(ws, r, (lxw_col_t)(x + 2), (lxw_col_t)(x + 1), x, geti(d, "done"), geti(d, "applicable"), b->f.pct);
        }
    }
    if (b->nd)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)b->nd, (lxw_col_t)(cd + 3 * ndu - 1));
    const json_t *comp = json_object_get(b->root, "compliance");
    total_label(b, ws, r);
    for (int k = 0; k < 5; k++)
        sum_cell(b, ws, r, (lxw_col_t)(c0 + k), geti(comp, tally[k]));
    d25_sheet_rate(ws, r, (lxw_col_t)(c0 + 5), (lxw_col_t)(c0 + 1), c0, geti(comp, "done"), geti(comp, "applicable"),
              b->f.bold_pct);
    for (size_t k = 0; k < ndu; k++) {
        const json_t *d = json_array_get(duties, k);
        lxw_col_t x = (lxw_col_t)(cd + 3 * k);
        sum_cell(b, ws, r, x, geti(d, "applicable"));
        sum_cell(b, ws, r, (lxw_col_t)(x + 1), geti(d, "done"));
        d25_sheet_rate(ws, r, (lxw_col_t)(x + 2), (lxw_col_t)(x + 1), x, geti(d, "done"), geti(d, "applicable"), b->f.bold_pct);
    }
    d25_xlsx_string(ws, r + 2, 1, "注：落实率 = 已落实 ÷ 适用（适用 = 已落实 + 部分落实 + 未落实）。", NULL);
    d25_sheet_print_setup(ws, &b->f, "各区落实情况", (int)b->lead - 1);
}

/* Each district's hazards, risky units and grade. */
static void hazards(lxw_workbook *wb, const book *b)
{
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "各区隐患整改");
    static const char *const cols[] = {"发现隐患", "已整改", "未整改", "整改率", "风险较大单位", "拟列入执法名单",
                                       "风险等级", NULL};
    static const double w[] = {10, 10, 10, 10, 12, 12, 10};
    head(b, ws, cols, w, 30);
    lxw_col_t c0 = b->lead;
    lxw_row_t r = 1;
    for (size_t i = 0; i < b->nd; i++, r++) {
        const json_t *row = json_array_get(b->rows, i);
        lead_cells(b, ws, r, geti(row, "n"), d25_sheet_str(row, "district"));
        worksheet_write_number(ws, r, c0, (double)geti(row, "found"), NULL);
        worksheet_write_number(ws, r, (lxw_col_t)(c0 + 1), (double)geti(row, "rectified"), NULL);
        worksheet_write_number(ws, r, (lxw_col_t)(c0 + 2), (double)geti(row, "unrectified"), NULL);
        d25_sheet_rate(ws, r, (lxw_col_t)(c0 + 3), (lxw_col_t)(c0 + 1), c0, geti(row, "rectified"), geti(row, "found"), b->f.pct);
        worksheet_write_number(ws, r, (lxw_col_t)(c0 + 4), (double)geti(row, "risk_count"), NULL);
        worksheet_write_number(ws, r, (lxw_col_t)(c0 + 5), (double)geti(row, "enforcement_count"), NULL);
        d25_xlsx_string(ws, r, (lxw_col_t)(c0 + 6), d25_sheet_str(row, "grade"), NULL);
    }
    if (b->nd)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)b->nd, (lxw_col_t)(c0 + 6));
    const json_t *hz = json_object_get(b->root, "hazards");
    total_label(b, ws, r);
    sum_cell(b, ws, r, c0, geti(hz, "found"));
    sum_cell(b, ws, r, (lxw_col_t)(c0 + 1), geti(hz, "rectified"));
    sum_cell(b, ws, r, (lxw_col_t)(c0 + 2), geti(hz, "unrectified"));
    d25_sheet_rate(ws, r, (lxw_col_t)(c0 + 3), (lxw_col_t)(c0 + 1), c0, geti(hz, "rectified"), geti(hz, "found"), b->f.bold_pct);
    sum_cell(b, ws, r, (lxw_col_t)(c0 + 4), geti(b->root, "risk_count"));
    sum_cell(b, ws, r, (lxw_col_t)(c0 + 5), geti(b->root, "enforcement_count"));
    d25_xlsx_string(ws, r, (lxw_col_t)(c0 + 6), d25_sheet_str(json_object_get(b->root, "grade"), "label"), b->f.bold);
    d25_sheet_print_setup(ws, &b->f, "各区隐患整改", (int)b->lead - 1);
}

/* The city's riskiest units, each with its district. */
static void risky(lxw_workbook *wb, const book *b)
{
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "风险较大单位");
    const char *uw = d25_sheet_str(json_object_get(b->root, "words"), "unit_word");
    char hc[64], hn[64];
    snprintf(hc, sizeof hc, "%s代码", *uw ? uw : "单位");
    snprintf(hn, sizeof hn, "%s名称", *uw ? uw : "单位");
    const char *const cols[] = {hc, hn, "所属板块", "风险原因", "应采取的措施", NULL};
    static const double w[] = {10, 30, 12, 40, 40};
    head(b, ws, cols, w, 20);
    const json_t *units = json_object_get(b->root, "risk_units");
    lxw_row_t r = 1;
    static const char *const keys[] = {"code", "name", "area", "reasons", "measures"};
    for (size_t i = 0; i < json_array_size(units); i++, r++) {
        const json_t *u = json_array_get(units, i);
        lead_cells(b, ws, r, geti(u, "n"), d25_sheet_str(u, "district"));
        for (int k = 0; k < 5; k++)
            d25_xlsx_string(ws, r, (lxw_col_t)(b->lead + k), d25_sheet_str(u, keys[k]), NULL);
    }
    long more = geti(b->root, "risk_more");
    char line[256];
    if (more > 0)
        snprintf(line, sizeof line, "%s风险较大的%s共 %ld 家，此处列出风险最大的 %zu 家，其余 %ld 家见各区（县）的统计表。",
                 d25_sheet_str(b->root, "scope_word"), *uw ? uw : "单位", geti(b->root, "risk_count"), json_array_size(units), more);
    else
        snprintf(line, sizeof line, "%s风险较大的%s共 %ld 家。", d25_sheet_str(b->root, "scope_word"), *uw ? uw : "单位",
                 geti(b->root, "risk_count"));
    d25_xlsx_string(ws, r + 1, 1, line, NULL);
    d25_sheet_print_setup(ws, &b->f, "风险较大单位", (int)b->lead + 1);
}

int d25_report_city_xlsx(const d25_tree *data, const char *path, d25_error *err)
{
    char *tmp;
    /* Every sheet is written row after row: constant memory. */
    lxw_workbook *wb = d25_xlsx_begin(path, true, &tmp, err);
    if (!wb)
        return -1;
    book b = {.root = data->root};
    d25_sheet_formats_init(wb, &b.f);
    d25_sheet_formats_title(&b.f, data->root);
    b.headw = workbook_add_format(wb);
    format_set_bold(b.headw);
    format_set_bg_color(b.headw, 0xD9E1F2);
    format_set_border(b.headw, LXW_BORDER_THIN);
    format_set_text_wrap(b.headw);
    format_set_align(b.headw, LXW_ALIGN_CENTER);
    format_set_align(b.headw, LXW_ALIGN_VERTICAL_CENTER);
    b.rows = json_object_get(data->root, "by_district");
    b.nd = json_array_size(b.rows);
    b.province = strcmp(d25_sheet_str(data->root, "level"), "province") == 0;
    b.lead = b.province ? 3 : 2;
    snprintf(b.total, sizeof b.total, "%s合计", b.province ? "全省" : "全市");
    submissions(wb, &b);
    compliance(wb, &b);
    hazards(wb, &b);
    risky(wb, &b);
    return d25_xlsx_finish(wb, tmp, path, err);
}
