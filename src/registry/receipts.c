/* receipts: the office's receipt register (see receipts.h). */
#include "receipts.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/text.h"
#include "table.h"

/* A register larger than this is not a register. */
enum { MAX_REGISTER_BYTES = 16 << 20 };

typedef struct {
    char *file;      /* a return's file name, or NULL */
    char *unit;      /* a unit's code, or NULL */
    char period[8];  /* "YYYY-MM" with unit */
    time_t when;
    char *where;     /* "收件登记.csv 第 5 行", for messages */
} entry;

struct d25_receipts {
    entry *v;
    size_t n, cap;
};

bool d25_is_receipt_register(const char *name)
{
    const char *base = d25_basename(name);
    return strncmp(base, "收件登记", strlen("收件登记")) == 0 &&
           (d25_has_suffix_ci(base, ".csv") || d25_has_suffix_ci(base, ".txt") || d25_has_suffix_ci(base, ".xlsx"));
}

d25_receipts *d25_receipts_new(void) { return calloc(1, sizeof(d25_receipts)); }

static void entry_free(entry *e)
{
    free(e->file);
    free(e->unit);
    free(e->where);
}

void d25_receipts_free(d25_receipts *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        entry_free(&r->v[i]);
    free(r->v);
    free(r);
}

/* ---- times and months as offices write them ---- */

/* Up to max numbers from text, any non-digits between them; the count, or
 * -1 when a number is too long to be a date's part. */
static int numbers(const char *s, long *v, int max)
{
    int n = 0;
    while (*s) {
        if (!isdigit((unsigned char)*s)) {
            s++;
            continue;
        }
        if (n == max)
            return -1;
        char *end;
        errno = 0;
        long x = strtol(s, &end, 10);
        if (errno || end - s > 4)
            return -1;
        v[n++] = x;
        s = end;
    }
    return n;
}

/* Only these characters may stand between a time's numbers: a date written
 * with anything else ("第3周", "约10点") is not a time. */
static bool time_chars_only(const char *s)
{
    static const char *const words[] = {"年", "月", "日", "号", "时", "点", "分", "秒", "　", NULL};
    while (*s) {
        if (isdigit((unsigned char)*s) || strchr("-/.: T", *s)) {
            s++;
            continue;
        }
        bool ok = false;
        for (const char *const *w = words; *w && !ok; w++)
            if (strncmp(s, *w, strlen(*w)) == 0) {
                s += strlen(*w);
                ok = true;
            }
        if (!ok)
            return false;
    }
    return true;
}

bool d25_parse_receipt_time(const char *text, time_t *out)
{
    long v[6] = {0};
    if (!text || !time_chars_only(text))
        return false;
    int n = numbers(text, v, 6);
    if (n != 3 && n != 5 && n != 6)
        return false;
    if (v[0] < 2000 || v[0] > 2100 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 ||
        v[5] > 59)
        return false;
    struct tm tm = {.tm_year = (int)v[0] - 1900, .tm_mon = (int)v[1] - 1, .tm_mday = (int)v[2],
                    .tm_hour = (int)v[3], .tm_min = (int)v[4], .tm_sec = (int)v[5], .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_mday != (int)v[2]) /* 2026-11-31 moved on to December */
        return false;
    *out = t;
    return true;
}

/* An Excel date serial (days since 1899-12-30, or since 1904-01-01), local. */
static bool serial_time(const char *text, bool date1904, time_t *out)
{
    char *end;
    errno = 0;
    double d = strtod(text, &end);
    if (errno || end == text || *end || d < 36526 || d > 73051) /* 2000-01-01 .. 2099-12-31 */
        return false;
    if (date1904)
        d += 1462;
    long days = (long)d;
    long secs = (long)((d - (double)days) * 86400.0 + 0.5);
    /* 1899-12-30 plus days, as a calendar date, then the time of day. */
    struct tm tm = {.tm_year = -1, .tm_mon = 11, .tm_mday = 30 + (int)days, .tm_sec = (int)secs, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return false;
    *out = t;
    return true;
}

/* "YYYY-MM", "YYYY/MM", "YYYY年M月" (also "YYYY-MM-DD": its month) into p. */
static bool parse_month(const char *text, char p[8])
{
    long v[3];
    if (!time_chars_only(text))
        return false;
    int n = numbers(text, v, 3);
    if ((n != 2 && n != 3) || v[0] < 2000 || v[0] > 2100 || v[1] < 1 || v[1] > 12)
        return false;
    snprintf(p, 8, "%04ld-%02ld", v[0], v[1]);
    return true;
}

/* ---- the header ---- */

enum { C_TIME, C_FILE, C_UNIT, C_PERIOD, C_COUNT_ };

static int column_of(const char *name)
{
    static const struct {
        const char *name;
        int col;
    } names[] = {
        {"收到时间", C_TIME}, {"收件时间", C_TIME},   {"接收时间", C_TIME}, {"时间", C_TIME},     {"received", C_TIME},
        {"文件名", C_FILE},   {"文件", C_FILE},       {"文件名称", C_FILE}, {"file", C_FILE},     {"单位", C_UNIT},
        {"单位名称", C_UNIT}, {"单位代码", C_UNIT},   {"报送单位", C_UNIT}, {"unit", C_UNIT},     {"月份", C_PERIOD},
        {"所属月份", C_PERIOD}, {"报表月份", C_PERIOD}, {"period", C_PERIOD},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0)
            return names[i].col;
    return -1;
}

/* The header row: the first with a time column and a file or unit column.
 * Its index, with col[] the column of each meaning (-1 absent). */
static long find_header(const d25_regtable *t, int col[C_COUNT_])
{
    for (size_t r = 0; r < t->n && r < 20; r++) {
        int c[C_COUNT_] = {-1, -1, -1, -1};
        for (size_t k = 0; k < t->rows[r].ncells; k++) {
            char *name = d25_trim_dup(t->rows[r].cells[k] ? t->rows[r].cells[k] : "");
            int m = name ? column_of(name) : -1;
            free(name);
            if (m >= 0 && c[m] < 0)
                c[m] = (int)k;
        }
        if (c[C_TIME] >= 0 && (c[C_FILE] >= 0 || c[C_UNIT] >= 0)) {
            memcpy(col, c, sizeof c);
            return (long)r;
        }
    }
    return -1;
}

static char *cell(const d25_regrow *row, int col, char *type)
{
    *type = 0;
    if (col < 0 || (size_t)col >= row->ncells || !row->cells[col])
        return d25_trim_dup("");
    if (row->types)
        *type = row->types[col];
    return d25_trim_dup(row->cells[col]);
}

/* ---- loading ---- */

/* An entry that says the same as one before it for another time: refused. */
static const entry *conflict(const d25_receipts *r, size_t from, const entry *e)
{
    for (size_t i = from; i < r->n; i++) {
        const entry *x = &r->v[i];
        bool same = e->file ? x->file && strcmp(x->file, e->file) == 0
                            : !x->file && x->unit && strcmp(x->unit, e->unit) == 0 && strcmp(x->period, e->period) == 0;
        if (same && x->when != e->when)
            return x;
    }
    return NULL;
}

int d25_receipts_load(d25_receipts *r, const char *path, const d25_registry *reg, d25_error *err)
{
    d25_regtable t = {.what = "收件登记"};
    if (d25_regtable_read(path, MAX_REGISTER_BYTES, &t, err) < 0) {
        d25_regtable_free(&t);
        return -1;
    }
    size_t first = r->n;
    int col[C_COUNT_];
    long h = find_header(&t, col);
    if (h < 0) {
        d25_fail(err, D25_E_CONFIG,
                 "收件登记 %s 中找不到表头：应有一行写明“收到时间”，以及“文件名”或“单位”（按单位登记时再加“月份”）",
                 path);
        goto fail;
    }
    for (size_t i = (size_t)h + 1; i < t.n; i++) {
        const d25_regrow *row = &t.rows[i];
        char ty, tu, tp, tt;
        char *file = cell(row, col[C_FILE], &ty), *unit = cell(row, col[C_UNIT], &tu);
        char *month = cell(row, col[C_PERIOD], &tp), *when = cell(row, col[C_TIME], &tt);
        char where[512];
        /* t.where ends with a space ("收件登记.csv ", "…xlsx 工作表“登记” ") */
        snprintf(where, sizeof where, "%s第 %d 行", t.where ? t.where : path, row->line);
        entry e = {0};
        int bad = 0;
        if (!file || !unit || !month || !when) {
            bad = d25_fail(err, D25_E_NOMEM, "内存不足");
        } else if (!*file && !*unit && !*when) {
            ; /* a blank or a remark row */
        } else if (!*when) {
            bad = d25_fail(err, D25_E_CONFIG, "收件登记 %s：没有填收到时间", where);
        } else if (!d25_parse_receipt_time(when, &e.when) && !serial_time(when, t.date1904, &e.when)) {
            bad = d25_fail(err, D25_E_CONFIG,
                           "收件登记 %s：收到时间“%s”无法识别，请写成 2026-11-20 10:30（或只写日期 2026-11-20）", where, when);
        } else if (*file) {
            e.file = strdup(d25_basename(file));
        } else if (!*unit) {
            bad = d25_fail(err, D25_E_CONFIG, "收件登记 %s：没有填文件名，也没有填单位", where);
        } else {
            const d25_unit *u = d25_registry_by_code(reg, unit);
            if (!u)
                u = d25_registry_find(reg, unit);
            if (!u)
                bad = d25_fail(err, D25_E_CONFIG, "收件登记 %s：单位“%s”不在单位名册中", where, unit);
            else if (!*month || !parse_month(month, e.period))
                bad = d25_fail(err, D25_E_CONFIG,
                               "收件登记 %s：按单位登记时要写明是哪个月份的报表（如 2026-11），%s", where,
                               *month ? "这里的月份无法识别" : "这里没有填月份");
            else
                e.unit = strdup(u->code);
        }
        free(file);
        free(unit);
        free(month);
        free(when);
        if (bad < 0)
            goto fail;
        if (!e.file && !e.unit)
            continue;
        const entry *x = conflict(r, 0, &e);
        if (x) {
            char a[32], b[32];
            struct tm tm;
            strftime(a, sizeof a, "%Y-%m-%d %H:%M", localtime_r(&x->when, &tm));
            strftime(b, sizeof b, "%Y-%m-%d %H:%M", localtime_r(&e.when, &tm));
            d25_fail(err, D25_E_CONFIG, "收件登记 %s 与 %s 登记了同一份%s的不同收到时间（%s 和 %s），请核对后只留一行%s",
                     where, x->where, e.file ? "文件" : "单位同一月份报表", b, a, e.file ? "" : "，或改为按文件名登记");
            entry_free(&e);
            goto fail;
        }
        if (!(e.where = strdup(where)) || d25_grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v) < 0) {
            entry_free(&e);
            d25_fail(err, D25_E_NOMEM, "内存不足");
            goto fail;
        }
        r->v[r->n++] = e;
    }
    d25_regtable_free(&t);
    return (int)(r->n - first);
fail:
    while (r->n > first)
        entry_free(&r->v[--r->n]);
    d25_regtable_free(&t);
    return -1;
}

int d25_receipts_find(const d25_receipts *r, const char *path, const char *unit, const char *period, time_t *when)
{
    if (!r)
        return 0;
    const char *base = path ? d25_basename(path) : NULL;
    for (size_t i = 0; base && i < r->n; i++)
        if (r->v[i].file && strcmp(r->v[i].file, base) == 0) {
            *when = r->v[i].when;
            return 1;
        }
    for (size_t i = 0; unit && period && i < r->n; i++)
        if (!r->v[i].file && strcmp(r->v[i].unit, unit) == 0 && strcmp(r->v[i].period, period) == 0) {
            *when = r->v[i].when;
            return 1;
        }
    return 0;
}
