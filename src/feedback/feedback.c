/* feedback: notices for rejected returns (see feedback.h). */
#include "feedback.h"
#include "../blankform/blankform.h"
#include "../docxfill/fill.h"
#include "../util/file.h"
#include "../util/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void d25_date_cn(time_t t, char *out, size_t n)
{
    struct tm tm;
    localtime_r(&t, &tm);
    snprintf(out, n, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int d25_feedback_begin(d25_feedback *fb, const char *dir, const d25_config *cfg, int deadline_day, int period,
                       d25_error *err)
{
    memset(fb, 0, sizeof *fb);
    fb->dir = strdup(dir);
    fb->templates = strdup(cfg->templates_dir ? cfg->templates_dir : "templates");
    fb->list = json_array();
    fb->cfg = cfg;
    fb->deadline_day = deadline_day;
    fb->period = period;
    if (!fb->dir || !fb->templates || !fb->list) {
        d25_feedback_free(fb);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    return 0;
}

void d25_feedback_free(d25_feedback *fb)
{
    free(fb->dir);
    free(fb->templates);
    json_decref(fb->list);
    memset(fb, 0, sizeof *fb);
}

void d25_notice_words(json_t *o, const d25_rules *r)
{
    json_t *w = json_object();
    const char *k, *v;
    for (size_t i = 0; r && (v = d25_rules_word(r, i, &k)); i++)
        d25_notice_set(w, k, v);
    json_object_set_new(o, "words", w);
}

void d25_notice_set(json_t *o, const char *k, const char *v)
{
    char *clean = d25_utf8_sanitize(v ? v : "", v ? strlen(v) : 0);
    json_object_set_new(o, k, json_string(clean ? clean : ""));
    free(clean);
}

/* A finding's message split into what is wrong and what to write instead:
 * the messages say "…：请…" (or "…，请…"). */
static void split_message(const char *m, json_t *o)
{
    static const char *const seps[] = {"：请", "，请", "。请"};
    const char *cut = NULL;
    size_t skip = 0;
    for (size_t i = 0; i < sizeof seps / sizeof seps[0] && !cut; i++)
        if ((cut = strstr(m, seps[i])))
            skip = strlen(seps[i]) - strlen("请");
    if (!cut) {
        d25_notice_set(o, "problem", m);
        d25_notice_set(o, "fix", "");
        return;
    }
    /* "…重新报送。" keeps its stop in the problem column ("无法读取。") */
    char *problem = d25_utf8_sanitize(m, (size_t)(cut - m) + (strncmp(cut, "。", skip) == 0 ? skip : 0));
    json_object_set_new(o, "problem", json_string(problem ? problem : ""));
    free(problem);
    d25_notice_set(o, "fix", cut + skip);
}

/* The message without a trailing "（READ_OLE）": the codes are for the
 * office's log (docs/errors.md), not for a unit's notice. */
static char *without_code(const char *m)
{
    size_t n = strlen(m);
    const char *close = "）", *open = "（";
    size_t lc = strlen(close), lo = strlen(open);
    if (n < lc + lo + 1 || strcmp(m + n - lc, close) != 0)
        return strdup(m);
    size_t end = n - lc, start = end;
    while (start > 0 && ((m[start - 1] >= 'A' && m[start - 1] <= 'Z') || m[start - 1] == '_' ||
                         (m[start - 1] >= '0' && m[start - 1] <= '9')))
        start--;
    if (start == end || start < lo || strncmp(m + start - lo, open, lo) != 0)
        return strdup(m);
    return strndup(m, start - lo);
}

static char *place_of(const d25_finding *f)
{
    char *s = NULL;
    /* "子项 1.3" for a sub-item, "第 9 条" for a whole item. */
    bool sub = strchr(f->item, '.') != NULL;
    if (asprintf(&s, "%s%s%s%s%s", f->place, f->place[0] && f->item[0] ? "，" : "",
                 !f->item[0] ? "" : sub ? "子项 " : "第 ", f->item, f->item[0] && !sub ? " 条" : "") < 0)
        return NULL;
    return s;
}

/* The month of a notice: the run's, else the return's own, else the one
 * its file name gives (a file that could not be read); else -1: none is
 * named rather than guessed. */
static int notice_period(const d25_feedback *fb, const d25_result *r, const char *path)
{
    return fb->period >= 0 ? fb->period : r->period >= 0 ? r->period : d25_period_in_name(d25_basename(path));
}

/* Where a notice goes: DIR, or DIR/YYYY-MM ("月份不明") by month. */
static char *notice_dir(const d25_feedback *fb, int period)
{
    char p[16], *dir = NULL;
    if (!fb->by_month)
        return strdup(fb->dir);
    if (period >= 0)
        d25_format_period(period, p, sizeof p);
    else
        snprintf(p, sizeof p, "月份不明");
    return asprintf(&dir, "%s/%s", fb->dir, p) < 0 ? NULL : dir;
}

json_t *d25_feedback_data(const d25_feedback *fb, const d25_result *r, const char *path, time_t received)
{
    json_t *root = json_object();
    if (!root)
        return NULL;
    time_t now = time(NULL);
    struct stat st;
    if (!received)
        received = stat(path, &st) == 0 ? st.st_mtime : now;
    char today[48], rec[48], dl[48], pcn[48];
    d25_date_cn(now, today, sizeof today);
    d25_date_cn(received, rec, sizeof rec);
    int period = notice_period(fb, r, path);
    pcn[0] = dl[0] = 0;
    char *dtext = NULL;
    if (period >= 0) {
        d25_format_period_cn(period, pcn, sizeof pcn);
        d25_deadline_cn(period, fb->deadline_day, dl, sizeof dl);
        /* Past the deadline: "as soon as possible", saying which day it was. */
        struct tm tm;
        localtime_r(&now, &tm);
        int y, m, d;
        bool past = sscanf(dl, "%d年%d月%d日", &y, &m, &d) == 3 &&
                    (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday > y * 10000 + m * 100 + d;
        char again[48] = "";
        if (past)
            d25_date_cn(now + (time_t)fb->cfg->resubmit_days * 86400, again, sizeof again);
        if ((past ? asprintf(&dtext, "于%s前（截止日%s已过）", again, dl) : asprintf(&dtext, "于%s前", dl)) < 0)
            dtext = NULL;
    } else {
        dtext = strdup("尽快");
    }
    d25_notice_set(root, "district", fb->cfg->district);
    d25_notice_set(root, "office_contact", fb->cfg->office_contact);
    d25_notice_set(root, "office_phone", fb->cfg->office_phone);
    d25_notice_words(root, fb->rules);
    d25_notice_set(root, "period_cn", pcn);
    d25_notice_set(root, "deadline_cn", dl);
    d25_notice_set(root, "deadline_text", dtext);
    free(dtext);
    d25_notice_set(root, "today_cn", today);
    d25_notice_set(root, "received_cn", rec);
    d25_notice_set(root, "file", d25_basename(path));
    d25_notice_set(root, "unit_name", r->unit ? r->unit->name : "报送单位");
    d25_notice_set(root, "unit_code", r->unit ? r->unit->code : "");
    d25_notice_set(root, "contact", r->unit ? r->unit->contact : "");
    d25_notice_set(root, "phone", r->unit ? r->unit->phone : "");
    json_t *errors = json_array(), *warnings = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const d25_finding *f = &r->f[i];
        bool err = f->severity == D25_SEV_ERROR;
        json_t *a = err ? errors : warnings;
        json_t *o = json_object();
        json_object_set_new(o, "n", json_integer((json_int_t)json_array_size(a) + 1));
        d25_notice_set(o, "code", f->code);
        char *pl = place_of(f);
        d25_notice_set(o, "place", pl && *pl ? pl : "整个文件");
        free(pl);
        char *msg = without_code(f->message ? f->message : "");
        d25_notice_set(o, "message", msg ? msg : f->message);
        if (err)
            split_message(msg ? msg : f->message ? f->message : "", o);
        free(msg);
        json_array_append_new(a, o);
    }
    json_object_set_new(root, "n_errors", json_integer((json_int_t)json_array_size(errors)));
    json_object_set_new(root, "n_warnings", json_integer((json_int_t)json_array_size(warnings)));
    json_object_set_new(root, "errors", errors);
    json_object_set_new(root, "warnings", warnings);
    return root;
}

/* dir/<stem><suffix>.docx */
static char *out_path(const char *dir, const char *file, const char *suffix)
{
    /* The return's own name, made safe: it may come from another system
     * (bytes that are not UTF-8) or spoof its display (U+202E). */
    char *base = d25_safe_filename(d25_basename(file));
    char *p = NULL;
    if (!base || asprintf(&p, "%s/%.*s%s.docx", dir, d25_stem_len(base), base, suffix) < 0)
        p = NULL;
    free(base);
    return p;
}

int d25_notice_fill(const char *templates_dir, const char *template, const json_t *data, const char *out, d25_error *err)
{
    char *tpl = NULL;
    if (asprintf(&tpl, "%s/%s", templates_dir, template) < 0)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    int rc = d25_template_fill(tpl, data, out, err);
    free(tpl);
    return rc;
}

int d25_feedback_add(d25_feedback *fb, const d25_result *r, const char *path, time_t received, char **written,
                     d25_error *err)
{
    if (written)
        *written = NULL;
    if (d25_result_accepted(r))
        return 0;
    char *dir = notice_dir(fb, notice_period(fb, r, path));
    if (!dir)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    if (d25_mkdirs(dir, err) < 0) {
        free(dir);
        return -1;
    }
    json_t *data = d25_feedback_data(fb, r, path, received);
    char *out = out_path(dir, path, "-退回通知");
    if (!data || !out) {
        json_decref(data);
        free(out);
        free(dir);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    int rc = d25_notice_fill(fb->templates, "退回通知.docx", data, out, err);
    if (rc == 0) {
        /* The office's row: the first two problems are enough to call. */
        json_t *row = json_object();
        fb->count++;
        json_object_set_new(row, "n", json_integer((json_int_t)fb->count));
        static const char *const keep[] = {"file", "unit_name", "unit_code", "contact", "phone", "n_errors"};
        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
            json_object_set(row, keep[i], json_object_get(data, keep[i]));
        char summary[1024] = "";
        const json_t *errs = json_object_get(data, "errors");
        for (size_t i = 0; i < json_array_size(errs) && i < 2; i++) {
            const char *p = json_string_value(json_object_get(json_array_get(errs, i), "problem"));
            size_t len = strlen(summary);
            snprintf(summary + len, sizeof summary - len, "%s%s", i ? "；" : "", p ? p : "");
        }
        d25_utf8_trim_tail(summary);
        if (json_array_size(errs) > 2) {
            size_t len = strlen(summary);
            snprintf(summary + len, sizeof summary - len, "等");
        }
        d25_notice_set(row, "summary", summary);
        if (!r->unit)
            d25_notice_set(row, "unit_name", "（未能确定）");
        /* for the list: which folder, and the month it names */
        d25_notice_set(row, "_dir", dir);
        json_object_set(row, "_period_cn", json_object_get(data, "period_cn"));
        json_array_append_new(fb->list, row);
        if (written)
            *written = out;
        else
            free(out);
        out = NULL;
    }
    free(out);
    free(dir);
    json_decref(data);
    return rc;
}

/* One office list: the rows of fb->list in folder dir (all when NULL). */
static int write_list(const d25_feedback *fb, const char *dir, const char *period_cn, char **written, d25_error *err)
{
    json_t *data = json_object(), *rows = json_array();
    char today[48];
    d25_date_cn(time(NULL), today, sizeof today);
    size_t n = 0, i;
    json_t *row;
    json_array_foreach(fb->list, i, row) {
        if (dir && strcmp(json_string_value(json_object_get(row, "_dir")), dir) != 0)
            continue;
        json_t *copy = json_deep_copy(row);
        json_object_del(copy, "_dir");
        json_object_del(copy, "_period_cn");
        json_object_set_new(copy, "n", json_integer((json_int_t)++n));
        json_array_append_new(rows, copy);
    }
    d25_notice_set(data, "district", fb->cfg->district);
    d25_notice_words(data, fb->rules);
    d25_notice_set(data, "period_cn", period_cn && *period_cn ? period_cn : "各月");
    d25_notice_set(data, "today_cn", today);
    json_object_set_new(data, "count", json_integer((json_int_t)n));
    json_object_set_new(data, "returns", rows);
    char *out = NULL;
    int rc;
    if (asprintf(&out, "%s/退回清单.docx", dir ? dir : fb->dir) < 0) {
        out = NULL;
        rc = d25_fail(err, D25_E_NOMEM, "内存不足");
    } else {
        rc = d25_notice_fill(fb->templates, "退回清单.docx", data, out, err);
    }
    json_decref(data);
    if (rc == 0 && written)
        *written = out;
    else
        free(out);
    return rc;
}

int d25_feedback_finish(d25_feedback *fb, char **written, d25_error *err)
{
    if (written)
        *written = NULL;
    if (!fb->count)
        return 0;
    if (!fb->by_month) {
        char pcn[48] = "";
        if (fb->period >= 0)
            d25_format_period_cn(fb->period, pcn, sizeof pcn);
        return write_list(fb, NULL, pcn, written, err);
    }
    /* a list in each month's folder, in the order the folders first came */
    size_t i;
    json_t *row;
    json_array_foreach(fb->list, i, row) {
        const char *dir = json_string_value(json_object_get(row, "_dir"));
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(json_string_value(json_object_get(json_array_get(fb->list, j), "_dir")), dir) == 0;
        if (!seen && write_list(fb, dir, json_string_value(json_object_get(row, "_period_cn")), NULL, err) < 0)
            return -1;
    }
    if (written && !(*written = strdup(fb->dir)))
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    return 0;
}
