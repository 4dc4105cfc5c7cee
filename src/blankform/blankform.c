/* blankform: the blank forms sent to units (see blankform.h). */
#include "blankform.h"
#include "../forms/forms.h"
#include "../xlsxout/book.h"
#include "../validate/validate.h"
#include "../util/fold.h"
#include "../util/text.h"
#include "../xlsxout/cell.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* 1..99 as Chinese numerals: 一, 十二, 二十五. */
static void cn_numeral(int n, char *out, size_t len)
{
    static const char *const d[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n < 1 || n > 99)
        snprintf(out, len, "%d", n);
    else if (n < 10)
        d25_copy(out, len, d[n]);
    else
        snprintf(out, len, "%s十%s", n >= 20 ? d[n / 10] : "", n % 10 ? d[n % 10] : "");
}

void d25_deadline_cn(int period, int deadline_day, char *out, size_t n)
{
    snprintf(out, n, "%d年%d月%d日", period / 12, period % 12 + 1, d25_deadline_of(period, deadline_day));
}

static void set_str(json_t *o, const char *k, const char *v)
{
    json_object_set_new(o, k, json_string(v ? v : ""));
}

/* One checklist row: the sub-item's text (numbered within its item when it
 * has more than one), basis, penalty, and 不适用 where it does not apply. */
static json_t *sub_json(const d25_subitem *s, bool numbered, const d25_unit *u)
{
    json_t *o = json_object();
    char *t = NULL;
    if (numbered && asprintf(&t, "%d.%s", s->sub, s->text) < 0)
        t = NULL;
    set_str(o, "code", s->code);
    set_str(o, "text", t ? t : s->text);
    free(t);
    set_str(o, "basis", s->basis);
    set_str(o, "penalty", s->penalty);
    set_str(o, "self", d25_applies(s->applies, u->type, u->flags) ? "" : d25_status_label(D25_ST_NA));
    return o;
}

/* An item: its label, its first sub-item's fields, its other sub-items. */
static json_t *item_json(const d25_rules *r, const d25_item *it, const d25_unit *u)
{
    size_t nsubs = 0;
    for (size_t i = 0; i < r->nsubs; i++)
        nsubs += r->subs[i].item == it->n;
    if (!nsubs)
        return NULL;
    json_t *o = NULL, *rest = json_array();
    for (size_t i = 0; i < r->nsubs; i++) {
        if (r->subs[i].item != it->n)
            continue;
        json_t *s = sub_json(&r->subs[i], nsubs > 1, u);
        if (!o)
            o = s;
        else
            json_array_append_new(rest, s);
    }
    char num[32], label[512];
    cn_numeral(it->n, num, sizeof num);
    snprintf(label, sizeof label, "（%s）%s", num, it->name ? it->name : "");
    set_str(o, "label", label);
    json_object_set_new(o, "n", json_integer(it->n));
    json_object_set_new(o, "subs", rest);
    return o;
}

/* blocks[]: one per item with sub-items, for a checklist whose item
 * blocks never break across a page: duty_label and label (the category
 * and item cells, both starting their merges in every block, so a page
 * always begins with both), and the sub-items as rows in four lists the
 * template gives different paragraph properties: head (the first row of a
 * block that goes on: kept with the next row), one (a block of one row),
 * mids (rows kept with the next), last (a block's last row).  The table's
 * final block has its rows in head and mids only: its last row is kept
 * with the note and signature below the table. */
static json_t *blocks_json(const d25_rules *r, const d25_unit *u)
{
    json_t *blocks = json_array();
    for (size_t d = 0; d < r->nduties; d++) {
        char num[32], dlabel[512];
        cn_numeral(r->duties[d].n, num, sizeof num);
        snprintf(dlabel, sizeof dlabel, "%s、%s", num, r->duties[d].name ? r->duties[d].name : "");
        for (size_t k = 0; k < r->nitems; k++) {
            const d25_item *it = &r->items[k];
            if (it->duty != r->duties[d].n)
                continue;
            size_t nsubs = 0, seen = 0;
            for (size_t i = 0; i < r->nsubs; i++)
                nsubs += r->subs[i].item == it->n;
            if (!nsubs)
                continue;
            json_t *b = json_object(), *lists[4];
            static const char *const names[] = {"head", "one", "mids", "last"};
            for (int l = 0; l < 4; l++)
                json_object_set_new(b, names[l], lists[l] = json_array());
            for (size_t i = 0; i < r->nsubs; i++) {
                if (r->subs[i].item != it->n)
                    continue;
                seen++;
                int l = seen == 1 ? (nsubs > 1 ? 0 : 1) : (seen < nsubs ? 2 : 3);
                json_array_append_new(lists[l], sub_json(&r->subs[i], nsubs > 1, u));
            }
            char label[512];
            cn_numeral(it->n, num, sizeof num);
            snprintf(label, sizeof label, "（%s）%s", num, it->name ? it->name : "");
            set_str(b, "duty_label", dlabel);
            set_str(b, "label", label);
            json_object_set_new(b, "n", json_integer(it->n));
            json_array_append_new(blocks, b);
        }
    }
    /* the final block: one -> head, last -> mids */
    json_t *fin = json_array_get(blocks, json_array_size(blocks) - 1);
    if (fin) {
        json_array_extend(json_object_get(fin, "head"), json_object_get(fin, "one"));
        json_array_clear(json_object_get(fin, "one"));
        json_array_extend(json_object_get(fin, "mids"), json_object_get(fin, "last"));
        json_array_clear(json_object_get(fin, "last"));
    }
    return blocks;
}

json_t *d25_blankform_data(const d25_rules *r, const d25_unit *u, const d25_config *cfg, int period)
{
    json_t *root = json_object();
    char p[16], pcn[32], dl[32];
    d25_format_period(period, p, sizeof p);
    d25_format_period_cn(period, pcn, sizeof pcn);
    d25_deadline_cn(period, cfg->deadline_day ? cfg->deadline_day : r->deadline_day, dl, sizeof dl);
    set_str(root, "district", cfg->district);
    set_str(root, "edition", r->name);
    set_str(root, "unit_link", ""); /* duty25 forms: the unit's page on duty25 serve, when configured */
    /* The edition's words ([edition] of the rule set): {{words.issuer}}... */
    json_t *words = json_object();
    const char *wk, *wv;
    for (size_t i = 0; (wv = d25_rules_word(r, i, &wk)); i++)
        set_str(words, wk, wv);
    json_object_set_new(root, "words", words);
    set_str(root, "period", p);
    set_str(root, "period_cn", pcn);
    set_str(root, "deadline_cn", dl);
    json_t *unit = json_object();
    set_str(unit, "code", u->code);
    set_str(unit, "name", u->name);
    set_str(unit, "area", u->area);
    set_str(unit, "type", u->type);
    set_str(unit, "type_label", d25_unit_type_label(u->type));
    set_str(unit, "contact", u->contact);
    set_str(unit, "phone", u->phone);
    json_object_set_new(root, "unit", unit);
    /* duties[]: the first item's fields (item_label) and first sub-item's
     * at the top, the first item's other sub-items in subs, the further
     * items in items: the shape the merged cells of the template need. */
    json_t *duties = json_array();
    for (size_t d = 0; d < r->nduties; d++) {
        json_t *dj = NULL, *items = json_array();
        for (size_t k = 0; k < r->nitems; k++) {
            if (r->items[k].duty != r->duties[d].n)
                continue;
            json_t *ij = item_json(r, &r->items[k], u);
            if (!ij)
                continue;
            if (dj) {
                json_array_append_new(items, ij);
                continue;
            }
            dj = ij;
            json_object_set(dj, "item_label", json_object_get(dj, "label"));
            char num[32], label[512];
            cn_numeral(r->duties[d].n, num, sizeof num);
            snprintf(label, sizeof label, "%s、%s", num, r->duties[d].name ? r->duties[d].name : "");
            set_str(dj, "label", label);
        }
        if (!dj) {
            json_decref(items);
            continue;
        }
        json_object_set_new(dj, "items", items);
        json_array_append_new(duties, dj);
    }
    json_object_set_new(root, "duties", duties);
    json_object_set_new(root, "blocks", blocks_json(r, u));
    json_t *rows = json_array();
    for (size_t i = 0; i < r->nprows; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "n", json_integer(r->prows[i].n));
        set_str(o, "text", r->prows[i].text);
        set_str(o, "remark", "");
        json_array_append_new(rows, o);
    }
    json_object_set_new(root, "rows", rows);
    return root;
}

/* ---- XLSX ---- */

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

typedef struct {
    lxw_format *title, *sub, *head, *cell, *wrap, *note, *label, *blank;
} formats;

/* Row heights.  libxlsxwriter does not fit a row to its wrapped text, and
 * Excel and LibreOffice do not either when they open the file: a row left
 * at the default height prints its second line over the next row.  So
 * each row is given the height of its tallest cell, estimated: a CJK or
 * full-width character is about 2.1 width units of the default font
 * (Calibri 11, whose digit is one unit), other characters about 1.1; a
 * line is 14.3 pt high. */
enum { LINE_PT_X10 = 143 };

/* Width units of s up to end (a '\n' or the NUL). */
static double text_units(const char *s, const char *end)
{
    double u = 0;
    for (const char *p = s; p < end && *p;) {
        uint32_t cp = d25_utf8_next(&p);
        u += cp >= 0x2E80 ? 2.1 : 1.1;
    }
    return u;
}

/* Lines text takes in a column width units wide (at least 1). */
static int text_lines(const char *s, double width)
{
    double usable = width > 2 ? width - 1 : 1; /* the cell's padding */
    int lines = 0;
    for (;;) {
        const char *nl = strchr(s, '\n');
        double u = text_units(s, nl ? nl : s + strlen(s));
        lines += u > 0 ? (int)ceil(u / usable) : 1;
        if (!nl)
            break;
        s = nl + 1;
    }
    return lines;
}

static double lines_pt(int lines)
{
    return lines * LINE_PT_X10 / 10.0 + 3;
}

/* The checklist sheet's column widths. */
static const double cl_width[] = {12, 16, 50, 28, 28, 22, 14};

/* Rows of one sub-item list, from row r, each row's height in h[row - 3];
 * returns the next row. */
static lxw_row_t write_subs(lxw_worksheet *ws, const formats *f, const json_t *first, const json_t *subs, lxw_row_t r,
                            double *h)
{
    static const char *const keys[] = {NULL, NULL, "text", "basis", "penalty", "self"};
    for (size_t i = 0; i <= json_array_size(subs); i++, r++) {
        const json_t *s = i ? json_array_get(subs, i - 1) : first;
        d25_xlsx_string(ws, r, 2, str(s, "text"), f->wrap);
        d25_xlsx_string(ws, r, 3, str(s, "basis"), f->wrap);
        d25_xlsx_string(ws, r, 4, str(s, "penalty"), f->wrap);
        d25_xlsx_string(ws, r, 5, str(s, "self"), f->cell);
        worksheet_write_blank(ws, r, 6, f->cell);
        int lines = 1;
        for (int c = 2; c <= 5; c++) {
            int l = text_lines(str(s, keys[c]), cl_width[c]);
            lines = l > lines ? l : lines;
        }
        h[r - 3] = lines_pt(lines);
    }
    return r;
}

/* A label merged over rows from..to of column c: the rows' heights (h[row
 * - 3]) grown evenly when together they are lower than its text. */
static void fit_merged(double *h, lxw_row_t from, lxw_row_t to, lxw_col_t c, const char *text)
{
    double need = lines_pt(text_lines(text, cl_width[c])), have = 0;
    for (lxw_row_t r = from; r <= to; r++)
        have += h[r - 3];
    if (have >= need)
        return;
    for (lxw_row_t r = from; r <= to; r++)
        h[r - 3] += (need - have) / (to - from + 1);
}

/* A label merged over rows from..to of column c (one cell when equal). */
static void merged(lxw_worksheet *ws, lxw_row_t from, lxw_row_t to, lxw_col_t c, const char *text, lxw_format *fmt)
{
    if (to > from)
        worksheet_merge_range(ws, from, c, to, c, text, fmt);
    else
        d25_xlsx_string(ws, from, c, text, fmt);
}

/* The signature block below a form: the unit pre-filled, then a label in
 * column c and an underlined blank cell after it for each thing the unit
 * writes (the reader takes a label's value from the cell after it). */
static void signature(lxw_worksheet *ws, const formats *f, const json_t *u, lxw_row_t r, lxw_col_t c)
{
    d25_xlsx_string(ws, r, c, "填报单位（盖章）：", f->label);
    d25_xlsx_string(ws, r, c + 1, str(u, "name"), NULL);
    static const char *const labels[] = {"填报人：", "联系电话：", "填报时间："};
    for (int i = 0; i < 3; i++) {
        d25_xlsx_string(ws, r + 1 + (lxw_row_t)i, c, labels[i], f->label);
        worksheet_write_blank(ws, r + 1 + (lxw_row_t)i, c + 1, f->blank);
    }
}

/* Rows 1-2 of a form, merged over columns 0..last: the title (the
 * district before it) and the line naming the month and the unit. */
static void heading(lxw_worksheet *ws, const formats *f, const json_t *d, const char *title, bool with_type, lxw_col_t last)
{
    const json_t *u = json_object_get(d, "unit");
    char *t = NULL;
    if (asprintf(&t, "%s%s", str(d, "district"), title) >= 0)
        worksheet_merge_range(ws, 0, 0, 0, last, t, f->title);
    free(t);
    worksheet_set_row(ws, 0, 24, NULL); /* the title's 16 pt */
    if (asprintf(&t, "填报月份：%s　　所属板块：%s%s%s%s%s", str(d, "period_cn"), str(u, "area"), with_type ? "　　" : "",
                 with_type ? str(json_object_get(d, "words"), "unit_word") : "", with_type ? "类型：" : "",
                 with_type ? str(u, "type_label") : "") >= 0)
        worksheet_merge_range(ws, 1, 0, 1, last, t, f->sub);
    free(t);
}

/* Below a form's last row r: the note (with the deadline) merged over
 * columns 0..last (note_width units wide together), the signature block
 * from column sig_col, and the page set for printing on A4, one page wide. */
static void footer(lxw_worksheet *ws, const formats *f, const json_t *d, const char *note, lxw_row_t r, lxw_col_t last,
                   lxw_col_t sig_col, double note_width)
{
    char *t = NULL;
    if (asprintf(&t, "%s请于%s前报送。", note, str(d, "deadline_cn")) >= 0)
        worksheet_merge_range(ws, r + 1, 0, r + 1, last, t, f->note);
    worksheet_set_row(ws, r + 1, lines_pt(text_lines(t, note_width)), NULL);
    free(t);
    signature(ws, f, json_object_get(d, "unit"), r + 3, sig_col);
    /* duty25 serve's page for this unit ([serve] base_url), below it all */
    const char *link = json_string_value(json_object_get(d, "unit_link"));
    if (link && *link) {
        char *l = NULL;
        if (asprintf(&l, "网上报送、查看本%s的检查结果：%s", str(json_object_get(d, "words"), "unit_word"), link) >= 0)
            worksheet_merge_range(ws, r + 8, 0, r + 8, last, l, f->note);
        free(l);
    }
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
}

/* The checklist's rows: one per sub-item. */
static size_t checklist_rows(const json_t *d)
{
    size_t n = 0;
    const json_t *duties = json_object_get(d, "duties");
    for (size_t i = 0; i < json_array_size(duties); i++) {
        const json_t *du = json_array_get(duties, i);
        const json_t *items = json_object_get(du, "items");
        for (size_t k = 0; k <= json_array_size(items); k++)
            n += 1 + json_array_size(json_object_get(k ? json_array_get(items, k - 1) : du, "subs"));
    }
    return n;
}

/* h: room for checklist_rows() heights. */
static void checklist_sheet(lxw_workbook *wb, const formats *f, const json_t *d, double *h)
{
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "清单");
    const json_t *ew = json_object_get(d, "words");
    heading(ws, f, d, str(ew, "checklist_heading"), true, 6);
    const char *const cols[] = {"类别", "条目", "内容", "依据", "罚则", str(ew, "self_check_header"), "监督检查情况"};
    double total_w = 0;
    for (lxw_col_t c = 0; c < 7; c++) {
        d25_xlsx_string(ws, 2, c, cols[c], f->head);
        worksheet_set_column(ws, c, c, cl_width[c], NULL);
        total_w += cl_width[c];
    }
    worksheet_repeat_rows(ws, 2, 2);
    worksheet_freeze_panes(ws, 3, 0);
    lxw_row_t r = 3;
    const json_t *duties = json_object_get(d, "duties");
    for (size_t i = 0; i < json_array_size(duties); i++) {
        const json_t *du = json_array_get(duties, i);
        lxw_row_t dstart = r;
        const json_t *items = json_object_get(du, "items");
        for (size_t k = 0; k <= json_array_size(items); k++) {
            const json_t *it = k ? json_array_get(items, k - 1) : du;
            lxw_row_t istart = r;
            r = write_subs(ws, f, it, json_object_get(it, "subs"), r, h);
            const char *label = str(it, k ? "label" : "item_label");
            merged(ws, istart, r - 1, 1, label, f->wrap);
            fit_merged(h, istart, r - 1, 1, label);
        }
        merged(ws, dstart, r - 1, 0, str(du, "label"), f->wrap);
        fit_merged(h, dstart, r - 1, 0, str(du, "label"));
    }
    for (lxw_row_t x = 3; x < r; x++)
        worksheet_set_row(ws, x, h[x - 3], NULL);
    /* The four status words as a list; other text (a remark after the
     * word) is allowed with a reminder, not refused. */
    lxw_data_validation dv = {0};
    static char w1[] = "已落实", w2[] = "部分落实", w3[] = "未落实", w4[] = "不适用";
    static char *words[] = {w1, w2, w3, w4, NULL};
    dv.validate = LXW_VALIDATION_TYPE_LIST;
    dv.value_list = words;
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_INFORMATION;
    dv.error_title = (char *)str(ew, "self_check_header");
    dv.error_message = "请以“已落实”“部分落实”“未落实”或“不适用”开头，可在后面写原因和整改措施。";
    if (r > 3)
        worksheet_data_validation_range(ws, 3, 5, r - 1, 5, &dv);
    char *note = NULL;
    if (asprintf(&note,
                 "填写说明：“%s”一栏逐项填写“已落实”“部分落实”“未落实”或“不适用”；本%s不适用的子项已预填“不适用”，"
                 "情况有变的请改写。“监督检查情况”一栏由%s填写。",
                 str(ew, "self_check_header"), str(ew, "unit_word"), str(ew, "issuer")) < 0)
        note = NULL;
    footer(ws, f, d, note ? note : "", r, 6, 2, total_w);
    free(note);
    worksheet_set_landscape(ws);
}

static void progress_sheet(lxw_workbook *wb, const formats *f, const json_t *d)
{
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "推进情况");
    heading(ws, f, d, str(json_object_get(d, "words"), "progress_heading"), false, 2);
    static const char *const cols[] = {"序号", "推进情况", "备注"};
    static const double w[] = {8, 90, 14};
    for (lxw_col_t c = 0; c < 3; c++) {
        d25_xlsx_string(ws, 2, c, cols[c], f->head);
        worksheet_set_column(ws, c, c, w[c], NULL);
    }
    const json_t *rows = json_object_get(d, "rows");
    lxw_row_t r = 3;
    for (size_t i = 0; i < json_array_size(rows); i++, r++) {
        const json_t *o = json_array_get(rows, i);
        worksheet_write_number(ws, r, 0, (double)json_integer_value(json_object_get(o, "n")), f->cell);
        d25_xlsx_string(ws, r, 1, str(o, "text"), f->wrap);
        worksheet_write_blank(ws, r, 2, f->cell);
        worksheet_set_row(ws, r, lines_pt(text_lines(str(o, "text"), w[1])), NULL);
    }
    footer(ws, f, d, "填写说明：在“＿＿”处填写数字或文字（没有的填 0），“（是／否）”“（有／无）”中保留一个、删去另一个。"
                     "次数、条数自攻坚行动开始累计填写。", r, 2, 1, w[0] + w[1] + w[2]);
}

int d25_blankform_xlsx(const json_t *data, const char *path, d25_error *err)
{
    char *tmp;
    double *h = calloc(checklist_rows(data) + 1, sizeof *h);
    if (!h)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    /* Merged cells go back to earlier rows: not constant-memory. */
    lxw_workbook *wb = d25_xlsx_begin(path, false, &tmp, err);
    if (!wb) {
        free(h);
        return -1;
    }
    formats f;
    f.title = workbook_add_format(wb);
    format_set_bold(f.title);
    format_set_font_size(f.title, 16);
    format_set_align(f.title, LXW_ALIGN_CENTER);
    f.sub = workbook_add_format(wb);
    format_set_align(f.sub, LXW_ALIGN_CENTER);
    f.head = workbook_add_format(wb);
    format_set_bold(f.head);
    format_set_align(f.head, LXW_ALIGN_CENTER);
    format_set_align(f.head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(f.head, 0xD9E1F2);
    format_set_border(f.head, LXW_BORDER_THIN);
    f.cell = workbook_add_format(wb);
    format_set_border(f.cell, LXW_BORDER_THIN);
    format_set_align(f.cell, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(f.cell);
    f.wrap = workbook_add_format(wb);
    format_set_border(f.wrap, LXW_BORDER_THIN);
    format_set_text_wrap(f.wrap);
    format_set_align(f.wrap, LXW_ALIGN_VERTICAL_CENTER);
    f.note = workbook_add_format(wb);
    format_set_text_wrap(f.note);
    format_set_align(f.note, LXW_ALIGN_VERTICAL_TOP);
    f.label = workbook_add_format(wb);
    format_set_align(f.label, LXW_ALIGN_RIGHT);
    f.blank = workbook_add_format(wb);
    format_set_bottom(f.blank, LXW_BORDER_THIN);
    checklist_sheet(wb, &f, data, h);
    progress_sheet(wb, &f, data);
    free(h);
    return d25_xlsx_finish(wb, tmp, path, err);
}
