/* remind: reminders before the deadline (see remind.h). */
#include "remind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../blankform/blankform.h"
#include "feedback.h"
#include "../forms/forms.h"
#include "../util/file.h"
#include "../validate/validate.h"

/* Days from today (local) to the period's deadline day: 0 on the day,
 * negative after it. */
static int days_left(int period, int deadline_day)
{
    struct tm due = {.tm_year = period / 12 - 1900, .tm_mon = period % 12, .tm_mday = d25_deadline_of(period, deadline_day),
                     .tm_hour = 12, .tm_isdst = -1};
    time_t now = time(NULL);
    struct tm t;
    localtime_r(&now, &t);
    struct tm today = {.tm_year = t.tm_year, .tm_mon = t.tm_mon, .tm_mday = t.tm_mday, .tm_hour = 12, .tm_isdst = -1};
    double d = difftime(mktime(&due), mktime(&today)) / 86400.0;
    return (int)(d < 0 ? d - 0.5 : d + 0.5);
}

/* What the unit still owes, in words. */
static const char *missing_words(const d25_unit_status *u)
{
    if (u->state == D25_UNIT_MISSING)
        return "《六大责任25条内容清单》和《推进情况统计表》都还没有收到";
    if (u->state == D25_UNIT_REJECTED)
        return "报送的报表未通过检查，已退回，修改后的报表还没有收到";
    if (u->checklist == D25_FORM_ACCEPTED)
        return u->progress == D25_FORM_REJECTED ? "《推进情况统计表》未通过检查，已退回，修改后的还没有收到"
                                                 : "《推进情况统计表》还没有收到";
    return u->checklist == D25_FORM_REJECTED ? "《六大责任25条内容清单》未通过检查，已退回，修改后的还没有收到"
                                              : "《六大责任25条内容清单》还没有收到";
}

static bool needs_reminder(const d25_unit_status *u)
{
    return u->state == D25_UNIT_MISSING || u->state == D25_UNIT_REJECTED || u->state == D25_UNIT_INCOMPLETE;
}

json_t *d25_remind_data(const d25_config *cfg, const d25_rules *rules, const d25_status_report *st, const d25_unit_status *u,
                        int deadline_day)
{
    json_t *root = json_object();
    if (!root)
        return NULL;
    char pcn[48], dl[48], today[48];
    d25_format_period_cn(st->period, pcn, sizeof pcn);
    d25_deadline_cn(st->period, deadline_day, dl, sizeof dl);
    d25_date_cn(time(NULL), today, sizeof today);
    int left = days_left(st->period, deadline_day);
    char when[96];
    if (left > 0)
        snprintf(when, sizeof when, "离截止日%s还有%d天", dl, left);
    else if (left == 0)
        snprintf(when, sizeof when, "今天（%s）是截止日", dl);
    else
        snprintf(when, sizeof when, "截止日%s已过%d天", dl, -left);
    d25_notice_set(root, "district", cfg->district);
    d25_notice_set(root, "office_contact", cfg->office_contact);
    d25_notice_set(root, "office_phone", cfg->office_phone);
    d25_notice_words(root, rules);
    d25_notice_set(root, "period_cn", pcn);
    d25_notice_set(root, "deadline_cn", dl);
    d25_notice_set(root, "when_text", when);
    json_object_set_new(root, "days_left", json_integer(left));
    d25_notice_set(root, "today_cn", today);
    d25_notice_set(root, "unit_name", u->unit->name);
    d25_notice_set(root, "unit_code", u->unit->code);
    d25_notice_set(root, "contact", u->unit->contact);
    d25_notice_set(root, "phone", u->unit->phone);
    d25_notice_set(root, "state", d25_unit_state_label(u->state));
    d25_notice_set(root, "missing", missing_words(u));
    d25_notice_set(root, "last_file", u->last_file);
    d25_notice_set(root, "last_codes", u->last_codes);
    return root;
}

int d25_remind_write(const d25_config *cfg, const d25_rules *rules, const d25_status_report *st, int deadline_day, const char *dir,
                     d25_remind_result *out, d25_error *err)
{
    memset(out, 0, sizeof *out);
    const char *tdir = cfg->templates_dir ? cfg->templates_dir : "templates";
    json_t *rows = json_array();
    if (!rows)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    int rc = 0;
    for (size_t i = 0; i < st->nunits && rc == 0; i++) {
        const d25_unit_status *u = &st->units[i];
        if (!needs_reminder(u))
            continue;
        if (!out->notices && d25_mkdirs(dir, err) < 0) {
            rc = -1;
            break;
        }
        json_t *data = d25_remind_data(cfg, rules, st, u, deadline_day);
        char *name = d25_safe_filename(u->unit->name), *path = NULL;
        if (!data || !name || asprintf(&path, "%s/%s-催报通知.docx", dir, name) < 0) {
            path = NULL;
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
        } else if ((rc = d25_notice_fill(tdir, "催报通知.docx", data, path, err)) == 0) {
            out->notices++;
            json_t *row = json_object();
            json_object_set_new(row, "n", json_integer(out->notices));
            static const char *const keep[] = {"unit_code", "unit_name", "contact", "phone", "state", "missing"};
            for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++)
                json_object_set(row, keep[k], json_object_get(data, keep[k]));
            json_array_append_new(rows, row);
        }
        json_decref(data);
        free(name);
        free(path);
    }
    if (rc == 0 && out->notices) {
        json_t *data = json_object();
        char pcn[48], dl[48], today[48];
        d25_format_period_cn(st->period, pcn, sizeof pcn);
        d25_deadline_cn(st->period, deadline_day, dl, sizeof dl);
        d25_date_cn(time(NULL), today, sizeof today);
        d25_notice_set(data, "district", cfg->district);
        d25_notice_words(data, rules);
        d25_notice_set(data, "period_cn", pcn);
        d25_notice_set(data, "deadline_cn", dl);
        d25_notice_set(data, "today_cn", today);
        json_object_set_new(data, "count", json_integer(out->notices));
        json_object_set(data, "units", rows);
        if (asprintf(&out->list, "%s/催报清单.docx", dir) < 0) {
            out->list = NULL;
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
        } else if ((rc = d25_notice_fill(tdir, "催报清单.docx", data, out->list, err)) < 0) {
            free(out->list);
            out->list = NULL;
        }
        json_decref(data);
    }
    json_decref(rows);
    return rc;
}

void d25_remind_result_free(d25_remind_result *r)
{
    free(r->list);
    memset(r, 0, sizeof *r);
}

int d25_remind_due(const d25_config *cfg, int period, int deadline_day)
{
    int left = days_left(period, deadline_day);
    for (size_t i = 0; i < cfg->remind_ndays; i++)
        if (cfg->remind_days[i] == left)
            return 1;
    return 0;
}
