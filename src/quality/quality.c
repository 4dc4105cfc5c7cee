/* quality: implausible progress counts (see quality.h). */
#include "quality.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../registry/units.h"
#include "../util/buf.h"
#include "../util/text.h"

void d25_quality_opts_from(const d25_config *cfg, d25_quality_opts *o)
{
    o->counts = cfg->counts;
    o->z = cfg->outlier_z;
    o->min_peers = cfg->min_peers;
    o->history_months = cfg->history_months;
    o->min_diff = cfg->outlier_min_diff;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_sorted(const double *v, size_t n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median, median absolute deviation and mean absolute deviation of
 * v[0..n) (v is reordered); -1 when out of memory. */
typedef struct {
    double median, mad, mean_ad;
} spread;

static int measure(double *v, size_t n, spread *sp)
{
    qsort(v, n, sizeof *v, cmp_double);
    sp->median = median_sorted(v, n);
    double *dev = malloc(n * sizeof *dev);
    if (!dev)
        return -1;
    sp->mean_ad = 0;
    for (size_t i = 0; i < n; i++) {
        dev[i] = fabs(v[i] - sp->median);
        sp->mean_ad += dev[i];
    }
    sp->mean_ad /= (double)n;
    qsort(dev, n, sizeof *dev, cmp_double);
    sp->mad = median_sorted(dev, n);
    free(dev);
    return 0;
}

static double z_of(double x, const spread *sp)
{
    if (sp->mad > 0)
        return 0.6745 * (x - sp->median) / sp->mad;
    if (sp->mean_ad > 0)
        return (x - sp->median) / (1.253314 * sp->mean_ad);
    return 0;
}

static double robust_z_median(double x, double *v, size_t n, double *median)
{
    spread sp;
    *median = 0;
    if (measure(v, n, &sp) < 0)
        return 0;
    *median = sp.median;
    return z_of(x, &sp);
}

double d25_robust_z(double x, double *v, size_t n)
{
    double m;
    return n ? robust_z_median(x, v, n, &m) : 0;
}

/* One count of a return of the month: read in the scan (where its history
 * is checked), then kept in the temporary table quality_values (not in
 * memory) until the peer check reads it back grouped by (field, type).
 * The table is kept in that order (its key), so reading it back needs no
 * sort: the month's counts are never held in memory, by duty25 or by
 * SQLite's sorter. */
typedef struct {
    int64_t return_id;
    const d25_pfield *field;
    long value;
    double month;     /* this month's figure: the increment over the unit's
                         previous month when counts are cumulative */
    bool incremental; /* month is an increment */
    bool decreased;   /* cumulative and lower than before: no peer check */
} cval;

typedef struct {
    d25_store *s;
    sqlite3_stmt *ins;
    d25_error *err;
} writer;

/* A warning on a return, at place, or (place NULL) where the return's blank
 * for field was read. */
static int add_finding(writer *w, int64_t return_id, const char *code, const char *place, const char *field,
                       const char *message)
{
    sqlite3_stmt *st = w->ins;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, return_id);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
    if (place && *place)
        sqlite3_bind_text(st, 3, place, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_text(st, 4, message, -1, SQLITE_TRANSIENT);
    if (!place && field)
        sqlite3_bind_text(st, 5, field, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    if (sqlite3_step(st) != SQLITE_DONE)
        return d25_store_fail(w->s, w->err, "保存数据质量提醒");
    return 0;
}

static void fmt_num(double v, char *out, size_t n)
{
    if (v == floor(v))
        snprintf(out, n, "%.0f", v);
    else
        snprintf(out, n, "%.1f", v);
}

/* Far from the median in absolute terms too: small counts scatter widely
 * (0 against a median of 4 is not implausible, 3000 against 20 is). */
static bool far(double x, double median, const d25_quality_opts *o)
{
    double d = fabs(x - median);
    return d >= o->min_diff && d >= fabs(median);
}

/* One group (same field, same type, same period): each member scored against
 * the group's spread.  tmp holds n doubles. */
static int check_group(writer *w, const cval *v, size_t n, const char *type, double *tmp, const d25_quality_opts *o)
{
    size_t m = 0;
    for (size_t t = 0; t < n; t++)
        if (!v[t].decreased)
            tmp[m++] = v[t].month;
    if (m < (size_t)o->min_peers || m == 0)
        return 0;
    spread sp;
    if (measure(tmp, m, &sp) < 0)
        return d25_fail(w->err, D25_E_NOMEM, "内存不足");
    for (size_t k = 0; k < n; k++) {
        if (v[k].decreased)
            continue;
        double z = z_of(v[k].month, &sp), med = sp.median;
        if (fabs(z) <= o->z || !far(v[k].month, med, o))
            continue;
        char msg[640], ms[32], fs[32], what[96];
        fmt_num(med, ms, sizeof ms);
        fmt_num(v[k].month, fs, sizeof fs);
        if (v[k].incremental)
            snprintf(what, sizeof what, "本月新增 %s（累计 %ld）", fs, v[k].value);
        else
            snprintf(what, sizeof what, "填 %ld", v[k].value);
        snprintf(msg, sizeof msg,
                 "「%s」%s，明显%s于同类单位（%s，共 %zu 家，%s中位数 %s）。请核实是否填错，"
                 "例如多写或少写了位数；若确实如此，可在备注中说明",
                 v[k].field->label, what, z > 0 ? "高" : "低", d25_unit_type_label(type), m,
                 v[k].incremental ? "本月新增的" : "", ms);
        if (add_finding(w, v[k].return_id, "OUTLIER_PEERS", NULL, v[k].field->name, msg) < 0)
            return -1;
    }
    return 0;
}

/* Same type, same period: one group per (field, type), read back from
 * quality_values in (field, type, unit) order, one group in memory at a
 * time. */
static int check_peers(writer *w, const d25_rules *rules, const d25_quality_opts *o)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(d25_store_db(w->s),
                           "SELECT field, type, return_id, value, month, incremental, decreased"
                           " FROM temp.quality_values ORDER BY field, type, unit, seq",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(w->s, w->err, "数据质量复核");
    cval *g = NULL;
    double *tmp = NULL;
    size_t n = 0, cap = 0, tcap = 0;
    char *gfield = NULL, *gtype = NULL;
    int rc = 0, step;
    for (;;) {
        step = sqlite3_step(q);
        const char *field = step == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
        const char *type = step == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 1) : NULL;
        if (!field)
            field = "";
        if (!type)
            type = "";
        bool same = gfield && step == SQLITE_ROW && strcmp(field, gfield) == 0 && strcmp(type, gtype) == 0;
        if (n && !same) {
            if (d25_grow((void **)&tmp, &tcap, n, sizeof *tmp) < 0) {
                rc = d25_fail(w->err, D25_E_NOMEM, "内存不足");
                break;
            }
            if ((rc = check_group(w, g, n, gtype, tmp, o)) < 0)
                break;
            n = 0;
        }
        if (step != SQLITE_ROW)
            break;
        if (!same) {
            free(gfield);
            free(gtype);
            gfield = strdup(field);
            gtype = strdup(type);
            if (!gfield || !gtype) {
                rc = d25_fail(w->err, D25_E_NOMEM, "内存不足");
                break;
            }
        }
        const d25_pfield *f = n ? g[0].field : d25_rules_field(rules, field, NULL);
        if (!f)
            continue; /* cannot happen: the names came from the rules */
        if (d25_grow((void **)&g, &cap, n + 1, sizeof *g) < 0) {
            rc = d25_fail(w->err, D25_E_NOMEM, "内存不足");
            break;
        }
        g[n++] = (cval){.return_id = sqlite3_column_int64(q, 2), .field = f, .value = (long)sqlite3_column_int64(q, 3),
                        .month = sqlite3_column_double(q, 4), .incremental = sqlite3_column_int(q, 5) != 0,
                        .decreased = sqlite3_column_int(q, 6) != 0};
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = d25_store_fail(w->s, w->err, "数据质量复核");
    sqlite3_finalize(q);
    free(g);
    free(tmp);
    free(gfield);
    free(gtype);
    return rc;
}

/* The unit's own earlier months: hist[0..nh) are (period, value) of the
 * months before, ascending. */
static int check_history(writer *w, cval *x, const int *hp, const long *hv, size_t nh, const d25_quality_opts *o)
{
    x->month = (double)x->value;
    if (!nh)
        return 0;
    bool cumulative = o->counts == D25_COUNTS_CUMULATIVE;
    if (cumulative) {
        x->month = (double)(x->value - hv[nh - 1]);
        x->incremental = true;
    }
    if (cumulative && x->value < hv[nh - 1]) {
        x->decreased = true;
        char msg[640], when[32];
        d25_format_period_cn(hp[nh - 1], when, sizeof when);
        snprintf(msg, sizeof msg,
                 "「%s」填 %ld，比本单位 %s 报送的 %ld 少。本表的数字是自活动开始以来的累计数，不应减少；"
                 "请核实是否填成了本月数",
                 x->field->label, x->value, when, hv[nh - 1]);
        return add_finding(w, x->return_id, "COUNT_DECREASED", NULL, x->field->name, msg);
    }
    /* Earlier monthly figures: increments for cumulative counts. */
    size_t m = cumulative ? nh - 1 : nh;
    if (m < (size_t)o->history_months)
        return 0;
    double *v = malloc(m * sizeof *v);
    if (!v)
        return d25_fail(w->err, D25_E_NOMEM, "内存不足");
    for (size_t i = 0; i < m; i++)
        v[i] = cumulative ? (double)(hv[i + 1] - hv[i]) : (double)hv[i];
    double now = cumulative ? (double)(x->value - hv[nh - 1]) : (double)x->value;
    double med;
    double z = robust_z_median(now, v, m, &med);
    free(v);
    if (fabs(z) <= o->z || !far(now, med, o))
        return 0;
    char msg[640], ns[32], ms[32];
    fmt_num(now, ns, sizeof ns);
    fmt_num(med, ms, sizeof ms);
    snprintf(msg, sizeof msg, "「%s」本月%s %s，明显%s于本单位此前 %zu 个月（中位数 %s）。请核实是否填错；若确实如此，可在备注中说明",
             x->field->label, cumulative ? "新增" : "为", ns, z > 0 ? "高" : "低", m, ms);
    return add_finding(w, x->return_id, "OUTLIER_HISTORY", NULL, x->field->name, msg);
}

/* The rule set's cross-checks between the forms, for units whose checklist
 * and progress table that count came in different files (validate checks
 * them within one file). */
/* The units of a month whose two forms came in different returns (at most
 * one current return per unit and form, so one grouped pass finds them). */
#define CROSS_PAIRS                                                                                                   \
    "SELECT unit_code AS unit, max(CASE WHEN form = 'progress' THEN return_id END) AS pid,"                           \
    " max(CASE WHEN form = 'checklist' THEN return_id END) AS cid"                                                    \
    " FROM temp.quality_current WHERE period = ?1 GROUP BY unit_code"                                                      \
    " HAVING pid IS NOT NULL AND cid IS NOT NULL AND pid != cid"

static int check_cross_files(writer *w, const d25_rules *rules, const char *period)
{
    if (!rules->ncross)
        return 0;
    sqlite3_stmt *q;
    /* Most months have no such unit: then no rule is worth a query. */
    if (sqlite3_prepare_v2(d25_store_db(w->s), "SELECT 1 FROM (" CROSS_PAIRS ") LIMIT 1", -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(w->s, w->err, "数据质量复核");
    sqlite3_bind_text(q, 1, period, -1, SQLITE_STATIC);
    int any = sqlite3_step(q);
    sqlite3_finalize(q);
    if (any == SQLITE_DONE)
        return 0;
    if (any != SQLITE_ROW)
        return d25_store_fail(w->s, w->err, "数据质量复核");
    if (sqlite3_prepare_v2(d25_store_db(w->s),
                           /* Only the pairs' blanks are read. */
                           "WITH pairs AS MATERIALIZED (" CROSS_PAIRS ")"
                           " SELECT x.pid, pv.value, pv.place, a.status FROM pairs x"
                           " JOIN progress_values pv ON pv.return_id = x.pid AND pv.field = ?2 AND pv.state = 'ok'"
                           " JOIN answers a ON a.return_id = x.cid AND a.sub_item = ?3 ORDER BY x.unit",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(w->s, w->err, "数据质量复核");
    int rc = 0;
    for (size_t i = 0; i < rules->ncross && rc == 0; i++) {
        const d25_prow *row = NULL;
        const d25_pfield *f = d25_rules_field(rules, rules->cross[i].field, &row);
        const d25_subitem *sub = d25_rules_sub(rules, rules->cross[i].code);
        if (!f || !sub)
            continue;
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, period, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, f->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, sub->code, -1, SQLITE_STATIC);
        int step;
        while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
            const char *st = (const char *)sqlite3_column_text(q, 3);
            if (!st || strcmp(st, "none") == 0 || strcmp(st, "not_applicable") == 0)
                continue;
            bool yes = sqlite3_column_int64(q, 1) == 1, done = strcmp(st, "done") == 0;
            if (yes == done)
                continue;
            d25_status status = strcmp(st, "partial") == 0 ? D25_ST_PARTIAL : done ? D25_ST_DONE : D25_ST_NOT_DONE;
            char msg[640];
            snprintf(msg, sizeof msg,
                     "推进情况统计表第 %d 行“%s”填“%s”，但本单位另一份报表中清单子项 %s 自查为“%s”，两者矛盾：请核实后统一。",
                     row ? row->n : 0, f->label, yes ? "是" : "否", sub->code, d25_status_label(status));
            rc = add_finding(w, sqlite3_column_int64(q, 0), "CROSS_CHECK_CONFLICT",
                             (const char *)sqlite3_column_text(q, 2), NULL, msg);
        }
        if (rc == 0 && step != SQLITE_DONE)
            rc = d25_store_fail(w->s, w->err, "数据质量复核");
    }
    sqlite3_finalize(q);
    return rc;
}

/* A count read from a stored progress table. */
typedef struct {
    const d25_pfield *field;
    long value;
} counted;

static int counted_cmp(const void *a, const void *b)
{
    return strcmp(((const counted *)a)->field->name, ((const counted *)b)->field->name);
}

/* The counts (read, a number) of a return's progress summary into *out
 * (grown as needed); blanks is the reader's buffer.  -1 out of memory. */
static int read_counts(const d25_rules *rules, const char *summary, d25_blanks *blanks, counted **out, size_t *n,
                       size_t *cap)
{
    *n = 0;
    if (d25_blanks_read(blanks, summary) < 0)
        return -1;
    for (size_t i = 0; i < blanks->n; i++) {
        const d25_blank *b = &blanks->v[i];
        const d25_pfield *f = d25_rules_field(rules, b->field, NULL);
        if (!f || f->type != D25_F_COUNT || !b->ok || !b->number)
            continue;
        if (d25_grow((void **)out, cap, *n + 1, sizeof **out) < 0)
            return -1;
        (*out)[(*n)++] = (counted){f, b->value};
    }
    return 0;
}

/* One field's earlier months of one unit, ascending. */
typedef struct {
    const d25_pfield *field;
    int *period;
    long *value;
    size_t n, pcap, vcap;
} field_history;

typedef struct {
    field_history *v;
    size_t n, cap;
} history;

static field_history *history_of(const history *h, const d25_pfield *f)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->v[i].field == f)
            return &h->v[i];
    return NULL;
}

static int history_add(history *h, const counted *cs, size_t nc, int period)
{
    for (size_t k = 0; k < nc; k++) {
        field_history *fh = history_of(h, cs[k].field);
        if (!fh) {
            if (d25_grow((void **)&h->v, &h->cap, h->n + 1, sizeof *h->v) < 0)
                return -1;
            fh = &h->v[h->n++];
            memset(fh, 0, sizeof *fh);
            fh->field = cs[k].field;
        }
        if (d25_grow((void **)&fh->period, &fh->pcap, fh->n + 1, sizeof *fh->period) < 0 ||
            d25_grow((void **)&fh->value, &fh->vcap, fh->n + 1, sizeof *fh->value) < 0)
            return -1;
        fh->period[fh->n] = period;
        fh->value[fh->n++] = cs[k].value;
    }
    return 0;
}

/* Forget the unit's months, keeping the memory for the next unit. */
static void history_clear(history *h)
{
    for (size_t i = 0; i < h->n; i++)
        h->v[i].n = 0;
}

static void history_free(history *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->v[i].period);
        free(h->v[i].value);
    }
    free(h->v);
    memset(h, 0, sizeof *h);
}

static int refresh_period(d25_store *s, const d25_rules *rules, const d25_quality_opts *o, int period, d25_error *err)
{
    sqlite3 *db = d25_store_db(s);
    char p[16];
    d25_format_period(period, p, sizeof p);
    sqlite3_stmt *cur = NULL, *del = NULL, *cnt = NULL, *keep = NULL;
    writer w = {s, NULL, err};
    int rc = -1;
    if (d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    /* The month's counts wait for the peer check on disk (SQLite's
     * temporary store), kept in the order the check reads them: by field,
     * type and unit, then as they came (seq), so memory does not grow with
     * the number of returns.  Rows are added unit by unit, so each field's
     * rows go in at its end: a small cache of the temporary store serves. */
    if (d25_store_exec(s,
                       "PRAGMA temp.cache_size = -512;"
                       "CREATE TEMP TABLE IF NOT EXISTS quality_values(field TEXT, type TEXT, unit TEXT, seq INTEGER,"
                       " return_id INTEGER, value INTEGER, month REAL, incremental INTEGER, decreased INTEGER,"
                       " PRIMARY KEY (field, type, unit, seq)) WITHOUT ROWID;"
                       "DELETE FROM temp.quality_values",
                       err) < 0)
        goto done;
    int64_t seq = 0;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO temp.quality_values VALUES (?1, ?2, ?3, ?9, ?4, ?5, ?6, ?7, ?8)", -1, &keep, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "DELETE FROM findings WHERE source = 'quality' AND return_id IN"
                           " (SELECT id FROM returns WHERE period = ?1 AND (?2 IS NULL OR edition IN (?2, '')))",
                           -1, &del, NULL) != SQLITE_OK ||
        /* The unit's progress tables up to this month, months ascending,
         * each as its summary's values (one short row per return: the
         * blanks are read here, not expanded by the progress_values view,
         * and where a value stands is looked up only for a warning). */
        sqlite3_prepare_v2(db,
                           "SELECT c.return_id, c.unit_code, u.type, c.period, m.progress"
                           " FROM temp.quality_current c JOIN units u ON u.code = c.unit_code"
                           " JOIN return_summaries m ON m.return_id = c.return_id"
                           " WHERE c.period <= ?1 AND c.form = 'progress'"
                           " AND c.unit_code IN (SELECT unit_code FROM temp.quality_current WHERE period = ?1)"
                           " ORDER BY c.unit_code, c.period",
                           -1, &cur, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO findings(return_id, seq, source, code, severity, place, sub_item, message)"
                           " VALUES (?1, (SELECT ifnull(max(seq), 0) + 1 FROM findings WHERE return_id = ?1),"
                           " 'quality', ?2, 'warning', coalesce(?3, (SELECT place FROM progress_values"
                           "  WHERE return_id = ?1 AND field = ?5 ORDER BY seq LIMIT 1)), NULL, ?4)",
                           -1, &w.ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "UPDATE returns SET warnings = (SELECT count(*) FROM findings f"
                           " WHERE f.return_id = returns.id AND f.severity = 'warning') WHERE period = ?",
                           -1, &cnt, NULL) != SQLITE_OK) {
        d25_store_fail(s, err, "数据质量复核");
        goto done;
    }
    sqlite3_bind_text(del, 1, p, -1, SQLITE_STATIC);
    if (d25_store_edition(s))
        sqlite3_bind_text(del, 2, d25_store_edition(s), -1, SQLITE_STATIC);
    if (sqlite3_step(del) != SQLITE_DONE) {
        d25_store_fail(s, err, "数据质量复核");
        goto done;
    }
    sqlite3_bind_text(cur, 1, p, -1, SQLITE_STATIC);
    /* Rows come grouped by unit, months ascending: the earlier months'
     * counts are each field's history; this month's are checked against
     * them, field by field in name order. */
    history hist = {0};
    counted *cs = NULL;
    size_t cs_cap = 0;
    d25_blanks blanks = {0};
    char *gunit = NULL; /* the unit being read */
    int step;
    while ((step = sqlite3_step(cur)) == SQLITE_ROW) {
        const char *unit = (const char *)sqlite3_column_text(cur, 1);
        if (!gunit || strcmp(gunit, unit) != 0) {
            free(gunit);
            if (!(gunit = strdup(unit))) {
                d25_fail(err, D25_E_NOMEM, "内存不足");
                break;
            }
            history_clear(&hist);
        }
        int rp = d25_parse_period_arg((const char *)sqlite3_column_text(cur, 3));
        size_t nc;
        if (read_counts(rules, (const char *)sqlite3_column_text(cur, 4), &blanks, &cs, &nc, &cs_cap) < 0) {
            d25_fail(err, D25_E_NOMEM, "内存不足");
            break;
        }
        if (rp < period) {
            if (history_add(&hist, cs, nc, rp) < 0) {
                d25_fail(err, D25_E_NOMEM, "内存不足");
                break;
            }
            continue;
        }
        qsort(cs, nc, sizeof *cs, counted_cmp);
        for (size_t i = 0; i < nc; i++) {
            cval c = {.return_id = sqlite3_column_int64(cur, 0), .field = cs[i].field, .value = cs[i].value};
            const field_history *fh = history_of(&hist, cs[i].field);
            if (check_history(&w, &c, fh ? fh->period : NULL, fh ? fh->value : NULL, fh ? fh->n : 0, o) < 0)
                break;
            const char *type = (const char *)sqlite3_column_text(cur, 2);
            sqlite3_reset(keep);
            sqlite3_bind_text(keep, 1, c.field->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(keep, 2, type ? type : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(keep, 3, gunit, -1, SQLITE_STATIC);
            sqlite3_bind_int64(keep, 4, c.return_id);
            sqlite3_bind_int64(keep, 5, c.value);
            sqlite3_bind_double(keep, 6, c.month);
            sqlite3_bind_int(keep, 7, c.incremental);
            sqlite3_bind_int(keep, 8, c.decreased);
            sqlite3_bind_int64(keep, 9, ++seq);
            if (sqlite3_step(keep) != SQLITE_DONE) {
                d25_store_fail(s, err, "数据质量复核");
                break;
            }
        }
        if (err->code != D25_OK)
            break;
    }
    history_free(&hist);
    free(gunit);
    free(cs);
    d25_blanks_free(&blanks);
    if (step == SQLITE_ROW || err->code != D25_OK)
        goto done;
    if (step != SQLITE_DONE) {
        d25_store_fail(s, err, "数据质量复核");
        goto done;
    }
    if (check_peers(&w, rules, o) < 0 || check_cross_files(&w, rules, p) < 0)
        goto done;
    sqlite3_bind_text(cnt, 1, p, -1, SQLITE_STATIC);
    if (sqlite3_step(cnt) != SQLITE_DONE || d25_store_clear_dirty(s, period, err) < 0) {
        d25_store_fail(s, err, "数据质量复核");
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(del);
    sqlite3_finalize(cur);
    sqlite3_finalize(w.ins);
    sqlite3_finalize(cnt);
    sqlite3_finalize(keep);
    d25_store_exec(s, "DELETE FROM temp.quality_values", NULL);
    if (rc == 0 && d25_store_exec(s, "COMMIT", err) < 0)
        rc = -1;
    if (rc < 0)
        d25_store_exec(s, "ROLLBACK", NULL);
    return rc;
}

/* The returns that count (the view current_returns), of the store's
 * edition only: a database holding two campaigns compares each campaign's
 * counts with its own, and one campaign's pass leaves the other's warnings
 * alone.  A temporary view on this connection, made again for each pass
 * (the handle's edition may differ from the last). */
static int current_view(d25_store *s, d25_error *err)
{
    const char *e = d25_store_edition(s);
    char *er = e ? sqlite3_mprintf(" AND r.edition IN (%Q, '')", e) : sqlite3_mprintf("%s", "");
    char *en = e ? sqlite3_mprintf(" AND n.edition IN (%Q, '')", e) : sqlite3_mprintf("%s", "");
    if (!er || !en) {
        sqlite3_free(er);
        sqlite3_free(en);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    char *sql = sqlite3_mprintf(
        "DROP VIEW IF EXISTS temp.quality_current;"
        "CREATE TEMP VIEW quality_current AS"
        " SELECT r.id AS return_id, r.unit_code, r.period, 'checklist' AS form, r.received, r.district FROM main.returns r"
        "  WHERE r.verdict = 'accepted' AND r.has_checklist = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL"
        "  AND r.withdrawn = 0%s"
        "  AND NOT EXISTS (SELECT 1 FROM main.returns n WHERE n.period = r.period AND n.verdict = 'accepted'"
        "   AND n.unit_code = r.unit_code AND n.district IS r.district AND n.withdrawn = 0 AND n.has_checklist = 1%s"
        "   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)))"
        " UNION ALL"
        " SELECT r.id, r.unit_code, r.period, 'progress', r.received, r.district FROM main.returns r"
        "  WHERE r.verdict = 'accepted' AND r.has_progress = 1 AND r.unit_code IS NOT NULL AND r.period IS NOT NULL"
        "  AND r.withdrawn = 0%s"
        "  AND NOT EXISTS (SELECT 1 FROM main.returns n WHERE n.period = r.period AND n.verdict = 'accepted'"
        "   AND n.unit_code = r.unit_code AND n.district IS r.district AND n.withdrawn = 0 AND n.has_progress = 1%s"
        "   AND (n.received > r.received OR (n.received = r.received AND n.id > r.id)));",
        er, en, er, en);
    sqlite3_free(er);
    sqlite3_free(en);
    if (!sql)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    int rc = d25_store_exec(s, sql, err);
    sqlite3_free(sql);
    return rc;
}

int d25_quality_refresh(d25_store *s, const d25_rules *rules, const d25_quality_opts *o, d25_error *err)
{
    int *dirty;
    size_t nd;
    if (d25_store_dirty_periods(s, &dirty, &nd, err) < 0)
        return -1;
    if (!nd)
        return 0;
    char first[16];
    d25_format_period(dirty[0], first, sizeof first);
    free(dirty);
    /* Every later period depends on this one (its history): mark them all
     * first, so that a crash part-way leaves them marked. */
    sqlite3 *db = d25_store_db(s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO dirty_periods(period)"
                           " SELECT DISTINCT period FROM returns WHERE period >= ?",
                           -1, &st, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "数据质量复核");
    sqlite3_bind_text(st, 1, first, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return d25_store_fail(s, err, "数据质量复核");
    if (d25_store_dirty_periods(s, &dirty, &nd, err) < 0)
        return -1;
    int rc = current_view(s, err);
    for (size_t i = 0; i < nd && rc == 0; i++)
        rc = refresh_period(s, rules, o, dirty[i], err);
    free(dirty);
    return rc;
}
