/* report/workbook: the statistical tables as XLSX (see workbook.h). */
#include "workbook.h"
#include "data.h"
#include "sheet.h"
#include "../util/syserr.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
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

/* The submissions sheet: its header row, then its rows (v: the list). */
static lxw_worksheet *submissions_head(lxw_workbook *wb, const formats *f, const json_t *head)
{
    char hc[64], hn[64];
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "报送情况");
    const char *const cols[] = {"序号", unit_head(head, "代码", hc, sizeof hc), unit_head(head, "名称", hn, sizeof hn),
                                "类型", "板块", "报送情况", "收到时间", "联系人", "电话", NULL};
    static const double w[] = {6, 10, 30, 14, 12, 10, 20, 10, 14};
    d25_sheet_header(ws, f, cols, w);
    return ws;
}

static void submissions_rows(lxw_worksheet *ws, const formats *f, const d25_rows *v)
{
    static const char *const keys[] = {"code", "name", "type_label", "area", "state_label", "received", "contact", "phone"};
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
}

static const char *const tally_keys[5] = {"applicable", "done", "partial", "not_done", "not_applicable"};

static lxw_worksheet *compliance_head(lxw_workbook *wb, const formats *f)
{
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "落实情况");
    static const char *const cols[] = {"子项", "内容", "适用", "已落实", "部分落实", "未落实", "不适用", "落实率", NULL};
    static const double w[] = {8, 60, 8, 8, 10, 8, 8, 10};
    d25_sheet_header(ws, f, cols, w);
    return ws;
}

static void compliance_rows(lxw_worksheet *ws, const formats *f, const json_t *d)
{
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
}

/* The consolidated progress table: a row per unit, then the total row,
 * whose formulas leave out the values the quality pass flagged (shaded,
 * as the figures leave them out of the total). */
typedef struct {
    lxw_worksheet *ws;
    const json_t *fields, *flagged;
    size_t nf;
    lxw_row_t r;       /* the next row */
    size_t n;          /* units' rows written */
    d25_buf *minus;    /* by field: "-D7-D93" for its flagged cells */
} prog_sheet;

static int progress_head(lxw_workbook *wb, const formats *f, const json_t *head, prog_sheet *p)
{
    *p = (prog_sheet){.ws = d25_xlsx_add_sheet(wb, "推进情况汇总"), .fields = json_object_get(head, "progress_fields"),
                      .r = 1};
    lxw_worksheet *ws = p->ws;
    p->nf = json_array_size(p->fields);
    char hc[64], hn[64];
    d25_xlsx_string(ws, 0, 0, unit_head(head, "代码", hc, sizeof hc), f->head);
    d25_xlsx_string(ws, 0, 1, unit_head(head, "名称", hn, sizeof hn), f->head);
    d25_xlsx_string(ws, 0, 2, "板块", f->head);
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 30, NULL);
    worksheet_set_column(ws, 2, 2, 12, NULL);
    for (size_t k = 0; k < p->nf; k++) {
        d25_xlsx_string(ws, 0, (lxw_col_t)(3 + k), d25_sheet_str(json_array_get(p->fields, k), "label"), f->head);
        worksheet_set_column(ws, (lxw_col_t)(3 + k), (lxw_col_t)(3 + k), 12, NULL);
    }
    worksheet_freeze_panes(ws, 1, 2);
    p->minus = calloc(p->nf + 1, sizeof *p->minus);
    return p->minus ? 0 : -1;
}

static int progress_rows(prog_sheet *p, const formats *f, const d25_rows *rows, const json_t *flagged)
{
    p->flagged = flagged;
    size_t nf = p->nf, n = rows ? rows->n : 0;
    int *ks = calloc(nf + 3, sizeof *ks);
    const char **fname = calloc(nf + 1, sizeof *fname);
    /* The flagged values as a set keyed "code\x1ffield": looked up for
     * every cell of the table (hundreds flagged among 10,000 units). */
    json_t *fset = d25_report_flag_set(p->flagged);
    if (!ks || !fname || (json_array_size(p->flagged) && !fset)) {
        free(ks);
        free(fname);
        json_decref(fset);
        return -1;
    }
    ks[0] = col(rows, "code");
    ks[1] = col(rows, "name");
    ks[2] = col(rows, "area");
    for (size_t c = 0; c < nf; c++) {
        fname[c] = d25_sheet_str(json_array_get(p->fields, c), "name");
        ks[3 + c] = col(rows, fname[c]);
    }
    int kc = ks[0];
    for (size_t i = 0; i < n; i++, p->r++) {
        lxw_row_t r = p->r;
        const char *code = kc >= 0 && d25_rows_row(rows, i)[kc].kind == D25_CELL_STR ? d25_rows_row(rows, i)[kc].v.s : "";
        bool unit_flagged = d25_report_unit_flagged(fset, code);
        for (size_t c = 0; c < nf + 3; c++) {
            bool flag = unit_flagged && c >= 3 && d25_report_is_flagged(fset, code, fname[c - 3]);
            row_cell(p->ws, r, (lxw_col_t)c, rows, i, ks[c], flag ? f->flagged : NULL);
            if (flag) {
                char ref[16];
                lxw_col_to_name(ref, (lxw_col_t)c, 0);
                char part[32];
                snprintf(part, sizeof part, "-%s%u", ref, (unsigned)r + 1);
                d25_buf_puts(&p->minus[c - 3], part);
            }
        }
    }
    p->n = n;
    free(fname);
    free(ks);
    json_decref(fset);
    return 0;
}

static void progress_total(prog_sheet *p, const formats *f, const json_t *d)
{
    const json_t *tot = json_object_get(d, "progress_total");
    lxw_row_t r = p->r;
    d25_xlsx_string(p->ws, r, 1, "全区合计", f->bold);
    for (size_t k = 0; k < p->nf; k++) {
        const json_t *v = json_object_get(tot, d25_sheet_str(json_array_get(p->fields, k), "name"));
        if (p->n && json_is_integer(v)) {
            char fm[64];
            d25_sheet_sum_formula(fm, sizeof fm, (lxw_col_t)(3 + k), 1, r - 1);
            d25_buf whole = {0};
            d25_buf_puts(&whole, fm);
            if (p->minus[k].len)
                d25_buf_append(&whole, p->minus[k].data, p->minus[k].len);
            worksheet_write_formula_num(p->ws, r, (lxw_col_t)(3 + k), d25_buf_cstr(&whole), f->bold,
                                        (double)json_integer_value(v));
            d25_buf_free(&whole);
        } else {
            d25_sheet_json(p->ws, r, (lxw_col_t)(3 + k), v, f->bold);
        }
    }
    if (json_array_size(p->flagged))
        d25_xlsx_string(p->ws, r + 1, 1, "注：底色标出的数值经数据质量检查明显异常，未计入合计（待核实）。", NULL);
}

static void progress_free(prog_sheet *p)
{
    for (size_t k = 0; p->minus && k < p->nf; k++)
        d25_buf_free(&p->minus[k]);
    free(p->minus);
    p->minus = NULL;
}

static lxw_worksheet *hazards_head(lxw_workbook *wb, const formats *f)
{
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "隐患整改");
    static const char *const cols[] = {"分组", "名称", "发现隐患", "已整改", "整改率", NULL};
    static const double w[] = {10, 18, 10, 10, 10};
    d25_sheet_header(ws, f, cols, w);
    return ws;
}

static void hazards_rows(lxw_worksheet *ws, const formats *f, const json_t *d)
{
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
}

static lxw_worksheet *enforcement_head(lxw_workbook *wb, const formats *f, const json_t *head)
{
    lxw_worksheet *ws = d25_xlsx_add_sheet(wb, "拟列入专项执法计划名单");
    char hn[64];
    const char *const cols[] = {"序号", unit_head(head, "名称", hn, sizeof hn), "所属板块", "备注", NULL};
    static const double w[] = {6, 30, 12, 60};
    d25_sheet_header(ws, f, cols, w);
    return ws;
}

static void enforcement_rows(lxw_worksheet *ws, const d25_rows *v)
{
    static const char *const keys[] = {"n", "name", "area", "remark"};
    int k[4];
    for (int c = 0; c < 4; c++)
        k[c] = col(v, keys[c]);
    for (size_t i = 0; v && i < v->n; i++)
        for (int c = 0; c < 4; c++)
            row_cell(ws, (lxw_row_t)i + 1, (lxw_col_t)c, v, i, k[c], NULL);
}

/*
 * The book: the workbook written on a thread of its own.  Each sheet's
 * header comes first (in constant-memory mode a sheet's rows go to its
 * temporary file in order), then the long lists as the figures hand them
 * over (submissions, progress), then the last sheets from the last part
 * (D25_PART_REST, handed over once last month is read), and the workbook
 * is written to its temporary file, while the figures go on with the
 * trend and the judgement.  A part the figures did not hand over is taken
 * from the tree.  The file is put in place at close, only when the
 * figures were given: a book given up leaves nothing.
 */
struct d25_report_book {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    json_t *head, *flagged, *rest; /* parts handed over: references of the book's */
    d25_rows *subs, *progress, *enforcement;
    const d25_tree *data;          /* the whole tree, the caller's */
    bool given;                    /* data (NULL: give up) has been given */
    d25_report_watch watch;
    char *path;
    char *tmp;                     /* the workbook written here, put in place at close; or NULL */
    pthread_t thread;
    bool threaded;
    int rc;
    d25_error err;
};

static void book_ready(void *ud, d25_report_part part, json_t *json, d25_rows *rows)
{
    d25_report_book *b = ud;
    pthread_mutex_lock(&b->mu);
    switch (part) {
    case D25_PART_HEAD:
        json_decref(b->head);
        b->head = json;
        break;
    case D25_PART_FLAGGED:
        json_decref(b->flagged);
        b->flagged = json;
        break;
    case D25_PART_SUBMISSIONS:
        d25_rows_free(b->subs);
        b->subs = rows;
        break;
    case D25_PART_PROGRESS:
        d25_rows_free(b->progress);
        b->progress = rows;
        break;
    case D25_PART_REST:
        json_decref(b->rest);
        d25_rows_free(b->enforcement);
        b->rest = json;
        b->enforcement = rows;
        break;
    }
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

/* Whether part has come. */
static bool book_has(const d25_report_book *b, d25_report_part part)
{
    switch (part) {
    case D25_PART_HEAD: return b->head;
    case D25_PART_SUBMISSIONS: return b->subs;
    case D25_PART_FLAGGED: return b->flagged;
    case D25_PART_PROGRESS: return b->progress;
    case D25_PART_REST: return b->rest;
    }
    return false;
}

/* Wait until part has come or the tree has been given: whether there is
 * something to write (false: the figures failed). */
static bool book_wait(d25_report_book *b, d25_report_part part)
{
    pthread_mutex_lock(&b->mu);
    while (!book_has(b, part) && !b->given)
        pthread_cond_wait(&b->cv, &b->mu);
    bool go = book_has(b, part) || b->data;
    pthread_mutex_unlock(&b->mu);
    return go;
}

static void *book_run(void *arg)
{
    d25_report_book *b = arg;
    char *tmp;
    lxw_workbook *wb = NULL;
    prog_sheet ps = {0};
    if (!book_wait(b, D25_PART_HEAD)) {
        b->rc = -1; /* nothing to write: the caller has its own error */
        return NULL;
    }
    const json_t *head = b->head ? b->head : b->data->root;
    if (!(wb = d25_xlsx_begin_early(b->path, true, &tmp, &b->err))) {
        b->rc = -1;
        return NULL;
    }
    formats f;
    d25_sheet_formats_init(wb, &f);
    lxw_worksheet *sub = submissions_head(wb, &f, head);
    lxw_worksheet *comp = compliance_head(wb, &f);
    if (progress_head(wb, &f, head, &ps) < 0)
        goto nomem;
    lxw_worksheet *hz = hazards_head(wb, &f);
    lxw_worksheet *enf = enforcement_head(wb, &f, head);
    if (!book_wait(b, D25_PART_SUBMISSIONS))
        goto give_up;
    submissions_rows(sub, &f, b->subs ? b->subs : d25_tree_find(b->data, "submissions"));
    /* The styles in the order of the sheets written one by one: a row's
     * formats are numbered as it is flushed, and the compliance sheet's
     * percentages (its rows are written last now) came before the
     * progress table's shading. */
    lxw_format_get_xf_index(f.pct);
    if (!book_wait(b, D25_PART_FLAGGED) || !book_wait(b, D25_PART_PROGRESS))
        goto give_up;
    if (progress_rows(&ps, &f, b->progress ? b->progress : d25_tree_find(b->data, "progress"),
                      b->flagged ? b->flagged : json_object_get(b->data->root, "flagged")) < 0)
        goto nomem;
    if (!book_wait(b, D25_PART_REST))
        goto give_up;
    const json_t *root = b->rest ? b->rest : b->data->root;
    compliance_rows(comp, &f, root);
    progress_total(&ps, &f, root);
    progress_free(&ps);
    hazards_rows(hz, &f, root);
    enforcement_rows(enf, b->rest ? b->enforcement : d25_tree_find(b->data, "enforcement"));
    d25_sheet_formats_title(&f, root);
    d25_sheet_print_setup(sub, &f, "报送情况", 2);
    d25_sheet_print_setup(comp, &f, "落实情况", 1);
    d25_sheet_print_setup(ps.ws, &f, "推进情况汇总", 1);
    d25_sheet_print_setup(hz, &f, "隐患整改", -1);
    d25_sheet_print_setup(enf, &f, "拟列入专项执法计划名单", 1);
    b->rc = d25_xlsx_written(wb, tmp, b->path, &b->err);
    if (b->rc == 0)
        b->tmp = tmp; /* put in place at close */
    else
        free(tmp);
    return NULL;
nomem:
    d25_fail(&b->err, D25_E_NOMEM, "内存不足");
give_up:
    progress_free(&ps);
    d25_xlsx_discard(wb, tmp);
    b->rc = -1;
    return NULL;
}

d25_report_book *d25_report_book_start(const char *path, d25_error *err)
{
    d25_report_book *b = calloc(1, sizeof *b);
    if (!b || !(b->path = strdup(path))) {
        free(b);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
    b->watch = (d25_report_watch){.ready = book_ready, .ud = b};
    /* Without a thread, everything is written at close from the tree. */
    b->threaded = pthread_create(&b->thread, NULL, book_run, b) == 0;
    return b;
}

const d25_report_watch *d25_report_book_watch(d25_report_book *b)
{
    return &b->watch;
}

void d25_report_book_give(d25_report_book *b, const d25_tree *data)
{
    pthread_mutex_lock(&b->mu);
    if (!b->given) {
        b->data = data;
        b->given = true;
        pthread_cond_broadcast(&b->cv);
    }
    pthread_mutex_unlock(&b->mu);
}

int d25_report_book_close(d25_report_book *b, d25_error *err)
{
    if (!b)
        return -1;
    d25_report_book_give(b, NULL); /* when not given yet: give up */
    if (b->threaded)
        pthread_join(b->thread, NULL);
    else
        book_run(b);
    int rc = b->rc;
    bool gave_up = !b->data;
    if (b->tmp && d25_xlsx_commit(b->tmp, b->path, rc == 0 && !gave_up, &b->err) < 0)
        rc = -1;
    if (rc < 0 && !gave_up)
        *err = b->err;
    json_decref(b->head);
    json_decref(b->flagged);
    json_decref(b->rest);
    d25_rows_free(b->subs);
    d25_rows_free(b->progress);
    d25_rows_free(b->enforcement);
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    free(b->path);
    free(b);
    return gave_up ? -1 : rc;
}

int d25_report_xlsx(const d25_tree *data, const char *path, d25_error *err)
{
    d25_report_book *b = d25_report_book_start(path, err);
    if (!b)
        return -1;
    d25_report_book_give(b, data);
    return d25_report_book_close(b, err);
}
