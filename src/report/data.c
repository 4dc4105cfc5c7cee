/* data: the figures of a period's report (see data.h, docs/report-data.md). */
#include "data.h"
#include "document.h"
#include "month.h"
#include "progress.h"
#include "risk.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../forms/forms.h"
#include "../status/status.h"
#include "../util/buf.h"
#include "../util/text.h"

/* The place of a unit type in the rule set's [types], unknown ones last. */
static size_t type_rank(const d25_rules *r, const char *type)
{
    for (size_t i = 0; type && i < r->ntypes; i++)
        if (strcmp(r->types[i].key, type) == 0)
            return i;
    return r->ntypes;
}

void d25_report_sort_types(const d25_rules *r, json_t *arr)
{
    size_t n = json_array_size(arr);
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0; b--) {
            json_t *x = json_array_get(arr, b - 1), *y = json_array_get(arr, b);
            if (type_rank(r, json_string_value(json_object_get(x, "type"))) <=
                type_rank(r, json_string_value(json_object_get(y, "type"))))
                break;
            json_incref(x);
            json_array_set(arr, b - 1, y);
            json_array_set_new(arr, b, x);
        }
}

json_t *d25_report_rate_of(long num, long den)
{
    return den > 0 ? json_real((double)num / (double)den) : json_null();
}

/* "96.8%（121/125）", or "—" with nothing to divide by (in b, or static). */
const char *d25_report_rate_words(long num, long den, char b[64])
{
    if (den <= 0)
        return "—";
    snprintf(b, 64, "%.1f%%（%ld/%ld）", 100.0 * (double)num / (double)den, num, den);
    return b;
}

json_t *d25_report_rate_text(long num, long den)
{
    char b[64];
    return json_string(d25_report_rate_words(num, den, b));
}

static void put_tally(json_t *o, const d25_tally *t)
{
    long app = t->done + t->partial + t->not_done;
    json_object_set_new(o, "applicable", json_integer(app));
    json_object_set_new(o, "done", json_integer(t->done));
    json_object_set_new(o, "partial", json_integer(t->partial));
    json_object_set_new(o, "not_done", json_integer(t->not_done));
    json_object_set_new(o, "not_applicable", json_integer(t->na));
    json_object_set_new(o, "rate", d25_report_rate_of(t->done, app));
    json_object_set_new(o, "rate_text", d25_report_rate_text(t->done, app));
}

/* The tally, with last month's rate and the change in percentage points. */
static void put_with_change(json_t *o, const d25_tally *now, const d25_tally *prev)
{
    put_tally(o, now);
    /* last month's counts too, so that a city can sum them (report/city) */
    json_object_set_new(o, "prev_applicable", json_integer(prev ? prev->done + prev->partial + prev->not_done : 0));
    json_object_set_new(o, "prev_done", json_integer(prev ? prev->done : 0));
    json_object_set_new(o, "has_prev", json_boolean(prev && prev->done + prev->partial + prev->not_done > 0));
    double r = d25_tally_rate(now), rp = prev ? d25_tally_rate(prev) : -1;
    json_object_set_new(o, "rate_prev", rp >= 0 ? json_real(rp) : json_null());
    char b[64] = "—";
    if (r >= 0 && rp >= 0) {
        double pts = (r - rp) * 100;
        if (pts >= 0.05)
            snprintf(b, sizeof b, "上升%.1f个百分点", pts);
        else if (pts <= -0.05)
            snprintf(b, sizeof b, "下降%.1f个百分点", -pts);
        else
            snprintf(b, sizeof b, "持平");
    }
    json_object_set_new(o, "change_text", json_string(b));
}

/* The change of a rate from last month's in words: "上升1.2个百分点",
 * "持平", or "—" when either has nothing to divide by (static). */
const char *d25_report_change_words(long num, long den, long pnum, long pden)
{
    static _Thread_local char b[64];
    if (den <= 0 || pden <= 0)
        return "—";
    double pts = ((double)num / (double)den - (double)pnum / (double)pden) * 100;
    if (pts >= 0.05)
        snprintf(b, sizeof b, "上升%.1f个百分点", pts);
    else if (pts <= -0.05)
        snprintf(b, sizeof b, "下降%.1f个百分点", -pts);
    else
        snprintf(b, sizeof b, "持平");
    return b;
}

json_t *d25_report_change_text(long num, long den, long pnum, long pden)
{
    return json_string(d25_report_change_words(num, den, pnum, pden));
}

static int cmp_rate(const void *a, const void *b)
{
    double x = json_real_value(json_object_get(*(json_t *const *)a, "rate"));
    double y = json_real_value(json_object_get(*(json_t *const *)b, "rate"));
    return x < y ? -1 : x > y;
}

void d25_report_put_weakest(json_t *root, const json_t *items, long min_base)
{
    /* A rate over a handful of answers (1 of 2) says nothing: ranked only
     * from min_base applicable answers up. */
    json_t **ranked = calloc(json_array_size(items) + 1, sizeof *ranked);
    size_t nranked = 0, i;
    json_t *o;
    json_array_foreach (items, i, o)
        if (ranked && json_is_real(json_object_get(o, "rate")) &&
            json_integer_value(json_object_get(o, "applicable")) >= min_base)
            ranked[nranked++] = o;
    /* The weakest items: the five lowest rates (ties in item order). */
    for (size_t a = 1; a < nranked; a++)
        for (size_t b = a; b > 0 && cmp_rate(&ranked[b], &ranked[b - 1]) < 0; b--) {
            json_t *t = ranked[b];
            ranked[b] = ranked[b - 1];
            ranked[b - 1] = t;
        }
    json_t *weak = json_array();
    for (size_t k = 0; k < nranked && k < 5; k++)
        json_array_append(weak, ranked[k]);
    json_object_set(root, "weakest", nranked ? ranked[0] : json_null());
    json_object_set_new(root, "weakest_items", weak);
    free(ranked);
}

/* The compliance part: this month's tallies (mo) against last month's. */
static void compliance(const d25_rules *rules, const d25_month *mo, const d25_month *last, int weak_min_base, json_t *root)
{
    const d25_tallies now = mo->t, prev = last->t;
    json_t *jsubs = json_array(), *jitems = json_array(), *jduties = json_array();
    for (size_t i = 0; i < rules->nsubs; i++) {
        const d25_subitem *sub = &rules->subs[i];
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(sub->code));
        json_object_set_new(o, "item", json_integer(sub->item));
        json_object_set_new(o, "text", json_string(sub->text));
        put_with_change(o, &now.subs[i], &prev.subs[i]);
        json_array_append_new(jsubs, o);
    }
    for (size_t k = 0; k < rules->nitems; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "n", json_integer(rules->items[k].n));
        json_object_set_new(o, "duty", json_integer(rules->items[k].duty));
        json_object_set_new(o, "name", json_string(rules->items[k].name));
        put_with_change(o, &now.items[k], &prev.items[k]);
        json_object_set_new(o, "units_not_done", json_integer(mo->units_nd ? mo->units_nd[k] : 0));
        json_array_append_new(jitems, o);
    }
    d25_report_put_weakest(root, jitems, weak_min_base);
    for (size_t d = 0; d < rules->nduties; d++) {
        json_t *o = json_object();
        json_object_set_new(o, "n", json_integer(rules->duties[d].n));
        json_object_set_new(o, "name", json_string(rules->duties[d].name));
        put_with_change(o, &now.duties[d], &prev.duties[d]);
        json_array_append_new(jduties, o);
    }
    json_t *jall = json_object();
    put_with_change(jall, &now.all, &prev.all);
    json_object_set_new(root, "compliance", jall);
    json_object_set_new(root, "duties", jduties);
    json_object_set_new(root, "items", jitems);
    json_object_set_new(root, "weak_min_base", json_integer(weak_min_base));
    json_object_set_new(root, "sub_items", jsubs);
}

/* Attachment 2: the units that the configured rules put on the list, with
 * the reasons in words (d25_risk_enforcement_why); each marked in facts. */
static int enforcement(const d25_config *cfg, const d25_rules *rules, int period, d25_unit_facts *facts,
                       const d25_status_report *st, d25_tree *tree, d25_error *err)
{
    json_t *root = tree->root;
    const d25_enforcement *en = &cfg->enforcement;
    int y = period / 12, m = period % 12 + 1;
    int end = y * 10000 + m * 100 + d25_days_in_month(y, m);
    bool active = en->after_stage < 0 || end > cfg->stages[en->after_stage].to;
    const char *stage = NULL;
    for (int i = 0; i < D25_STAGES_; i++)
        if (cfg->stages[i].from && cfg->stages[i].from <= end && end <= cfg->stages[i].to)
            stage = d25_stage_labels[i];
    json_object_set_new(root, "stage", stage ? json_string(stage) : json_null());
    json_object_set_new(root, "enforcement_active", json_boolean(active));
    static const char *const cols[] = {"n", "code", "name", "area", "not_done", "remark"};
    d25_rows *list = d25_tree_list(tree, "enforcement", cols, sizeof cols / sizeof cols[0]);
    if (!list)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    int seq = 0;
    bool nomem = false;
    for (size_t i = 0; active && i < st->nunits && !nomem; i++) {
        const d25_unit_status *us = &st->units[i];
        d25_buf why = {0};
        if (d25_risk_enforcement_why(cfg, rules, &facts[i], false, &why, &nomem) && !nomem) {
            d25_cell *c = d25_rows_add(list);
            if (!c || d25_cell_str(list, &c[5], d25_buf_cstr(&why)) < 0) {
                nomem = true;
            } else {
                facts[i].enforcement = true;
                d25_cell_int(&c[0], ++seq);
                d25_cell_borrow(&c[1], us->unit->code);
                d25_cell_borrow(&c[2], us->unit->name);
                d25_cell_borrow(&c[3], us->unit->area);
                d25_cell_int(&c[4], facts[i].not_done);
            }
        }
        d25_buf_free(&why);
    }
    return nomem ? d25_fail(err, D25_E_NOMEM, "内存不足") : 0;
}

static json_t *counts_json(int expected, const int *n)
{
    json_t *o = json_object();
    json_object_set_new(o, "expected", json_integer(expected));
    for (int st = 0; st < D25_UNIT_STATES_; st++)
        json_object_set_new(o, d25_unit_state_name((d25_unit_state)st), json_integer(n[st]));
    json_object_set_new(o, "returned", json_integer(n[D25_UNIT_ON_TIME] + n[D25_UNIT_LATE]));
    return o;
}

/* One row per unit expected: its submission (*all); and the same rows
 * again for the units still to be called (missing, rejected, incomplete:
 * *todo, whose strings are borrowed or in *all's arena).  Lists of their
 * own, for the tree to take over (d25_tree_add): both NULL out of memory. */
static int submissions(const d25_status_report *st, d25_rows **all_out, d25_rows **todo_out)
{
    static const char *const cols[] = {"n", "code", "name", "type_label", "area", "contact",
                                       "phone", "state", "state_label", "received"};
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    d25_rows *all = d25_rows_new("submissions", cols, NCOLS);
    d25_rows *todo = all ? d25_rows_new("not_returned", cols, NCOLS) : NULL;
    *all_out = *todo_out = NULL;
    if (!todo || d25_rows_reserve(all, st->nunits) < 0)
        goto fail;
    for (size_t i = 0; i < st->nunits; i++) {
        const d25_unit_status *us = &st->units[i];
        d25_cell *c = d25_rows_add(all);
        if (!c)
            goto fail;
        d25_cell_int(&c[0], (long long)i + 1);
        d25_cell_borrow(&c[1], us->unit->code);
        d25_cell_borrow(&c[2], us->unit->name);
        d25_cell_borrow(&c[3], d25_unit_type_label(us->unit->type));
        d25_cell_borrow(&c[4], us->unit->area);
        d25_cell_borrow(&c[5], us->unit->contact ? us->unit->contact : "");
        d25_cell_borrow(&c[6], us->unit->phone ? us->unit->phone : "");
        d25_cell_borrow(&c[7], d25_unit_state_name(us->state));
        d25_cell_borrow(&c[8], d25_unit_state_label(us->state));
        if (d25_cell_str(all, &c[9], us->received[0] ? us->received : NULL) < 0)
            goto fail;
        if (us->state == D25_UNIT_MISSING || us->state == D25_UNIT_REJECTED || us->state == D25_UNIT_INCOMPLETE) {
            d25_cell *t = d25_rows_add(todo);
            if (!t)
                goto fail;
            /* The same cells: their strings are borrowed or in the
             * submissions list's arena, which lives as long as this list. */
            memcpy(t, d25_rows_row(all, all->n - 1), NCOLS * sizeof *t);
        }
    }
    *all_out = all;
    *todo_out = todo;
    return 0;
fail:
    d25_rows_free(all);
    d25_rows_free(todo);
    return -1;
}

typedef struct {
    const d25_registry *reg;
    const d25_rules *rules;
    json_t *list;
} flag_ctx;

/* The field a quality message is about: the one whose label it quotes
 * first (「已检查次数」…), or NULL when none or several have that label
 * (then the store gives every field at the finding's place, and
 * add_flagged keeps the one whose label the message quotes). */
static const char *flagged_field(void *ud, const char *message)
{
    const flag_ctx *fc = ud;
    const char *open = message ? strstr(message, "「") : NULL, *close = open ? strstr(open, "」") : NULL;
    if (!open || !close)
        return NULL;
    open += strlen("「");
    size_t n = (size_t)(close - open);
    const char *found = NULL;
    for (size_t r = 0; r < fc->rules->nprows; r++)
        for (size_t k = 0; k < fc->rules->prows[r].nfields; k++) {
            const d25_pfield *f = &fc->rules->prows[r].fields[k];
            if (strlen(f->label) == n && strncmp(f->label, open, n) == 0) {
                if (found)
                    return NULL;
                found = f->name;
            }
        }
    return found;
}

/* One flagged value: the unit (code, name, area), the field (name, label)
 * and what the quality pass said. */
static int add_flagged(void *ud, const char *unit, const char *field, const char *message)
{
    flag_ctx *fc = ud;
    const d25_unit *u = d25_registry_by_code(fc->reg, unit);
    const char *label = field;
    for (size_t r = 0; r < fc->rules->nprows; r++)
        for (size_t k = 0; k < fc->rules->prows[r].nfields; k++)
            if (strcmp(fc->rules->prows[r].fields[k].name, field) == 0)
                label = fc->rules->prows[r].fields[k].label;
    /* Fields of one row share its place: the message names its own field
     * (「已检查次数」…). */
    const char *open = message ? strstr(message, "「") : NULL, *close = open ? strstr(open, "」") : NULL;
    if (open && close && (strlen(label) != (size_t)(close - open) - strlen("「") ||
                          strncmp(open + strlen("「"), label, strlen(label)) != 0))
        return 0;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "code", unit, "name", u ? u->name : unit, "area",
                          u ? u->area : "", "field", field, "label", label, "message", message ? message : "");
    return o && json_array_append_new(fc->list, o) == 0 ? 0 : -1;
}

/* One month of the trend: its label ("7月", with the year in January and
 * in the first d25_month shown) and its rates (null with nothing to divide). */
static json_t *trend_point(int period, bool first, const d25_tally *all, long found, long fixed)
{
    char label[32];
    int y = period / 12, m = period % 12 + 1;
    if (first || m == 1)
        snprintf(label, sizeof label, "%d年%d月", y, m);
    else
        snprintf(label, sizeof label, "%d月", m);
    double r = d25_tally_rate(all);
    json_t *o = json_pack("{s:s,s:o,s:o}", "label", label, "compliance_rate", r >= 0 ? json_real(r) : json_null(),
                          "rectify_rate", d25_report_rate_of(fixed, found));
    if (o) {
        char per[16];
        d25_format_period(period, per, sizeof per);
        json_object_set_new(o, "period", json_string(per));
        json_object_set_new(o, "applicable", json_integer(all->done + all->partial + all->not_done));
        json_object_set_new(o, "done", json_integer(all->done));
        json_object_set_new(o, "found", json_integer(found));
        json_object_set_new(o, "rectified", json_integer(fixed));
        json_object_set_new(o, "compliance_rate_text", d25_report_rate_text(all->done, all->done + all->partial + all->not_done));
        json_object_set_new(o, "rectify_rate_text", d25_report_rate_text(fixed, found));
    }
    return o;
}

/* trend: the campaign's months up to this one, oldest first, those with
 * no checklist and no hazard count left out (this month always shown). */
static int put_trend(json_t *root, const d25_side *p, int period, const d25_tally *now, const d25_tally *last)
{
    json_t *arr = json_array();
    if (!arr)
        return -1;
    bool first = true;
    for (int k = 0; k < p->ntrend; k++) {
        const d25_trend_month *t = &p->trend[k];
        if (!t->tables && t->all.done + t->all.partial + t->all.not_done + t->all.na == 0)
            continue;
        json_array_append_new(arr, trend_point(t->period, first, &t->all, t->found, t->fixed));
        first = false;
    }
    if (p->prev_any || last->done + last->partial + last->not_done + last->na > 0) {
        json_array_append_new(arr, trend_point(period - 1, first, last, p->prev_found, p->prev_fixed));
        first = false;
    }
    json_array_append_new(arr, trend_point(period, first, now, p->found, p->fixed));
    json_object_set_new(root, "trend_months", json_integer((json_int_t)json_array_size(arr)));
    json_object_set_new(root, "trend_multi", json_boolean(json_array_size(arr) > 1));
    return json_object_set_new(root, "trend", arr);
}

/* What is handed to the workbook first (d25_report_watch): the head of its
 * sheets, before anything is read, and the submissions, once the side pass
 * has started; then taken over by the tree. */
typedef struct {
    json_t *words, *fields;        /* the edition's words, the progress table's fields */
    d25_status_report own;         /* the status, when the caller gave none */
    const d25_status_report *st;
    d25_rows *subs, *todo;         /* "submissions", "not_returned" */
} early_parts;

static void early_free(early_parts *e)
{
    json_decref(e->words);
    json_decref(e->fields);
    d25_status_report_free(&e->own);
    d25_rows_free(e->subs);
    d25_rows_free(e->todo);
    memset(e, 0, sizeof *e);
}

/* The head: the edition's words ([edition] of the rule set:
 * {{words.issuer}}...) and the progress table's fields, handed over
 * before anything is read. */
static int early_head(const d25_rules *rules, const d25_report_watch *watch, early_parts *e, d25_error *err)
{
    *e = (early_parts){0};
    e->words = json_object();
    e->fields = d25_report_progress_fields(rules);
    const char *wk, *wv;
    for (size_t i = 0; e->words && (wv = d25_rules_word(rules, i, &wk)); i++)
        json_object_set_new(e->words, wk, json_string(wv));
    json_t *head = e->words && e->fields ? json_pack("{s:O,s:O}", "words", e->words, "progress_fields", e->fields) : NULL;
    if (!head)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    if (watch)
        watch->ready(watch->ud, D25_PART_HEAD, head, NULL);
    else
        json_decref(head);
    return 0;
}

/* The status (unless the caller gave it) and the submissions, handed over. */
static int early_submissions(d25_store *s, const d25_registry *reg, const d25_rules *rules, const d25_config *cfg,
                             int period, const d25_status_report *status, const d25_report_watch *watch, early_parts *e,
                             d25_error *err)
{
    if (!status && d25_status_build(s, reg, period, cfg->deadline_day ? cfg->deadline_day : rules->deadline_day,
                                    cfg->same_time_min, &e->own, err) < 0)
        return -1;
    e->st = status ? status : &e->own;
    if (submissions(e->st, &e->subs, &e->todo) < 0)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    if (watch)
        watch->ready(watch->ud, D25_PART_SUBMISSIONS, NULL, d25_rows_ref(e->subs));
    return 0;
}

/* The workbook's last part (D25_PART_REST): a copy of its own of what its
 * last sheets read of the tree, and the enforcement list. */
static int hand_rest(const d25_report_watch *watch, const json_t *root, const d25_side *pp, const d25_rows *enf,
                     d25_error *err)
{
    json_t *part = json_pack("{s:O?,s:O?,s:O?,s:O?,s:O?,s:O?}", "district", json_object_get(root, "district"), "period_cn",
                             json_object_get(root, "period_cn"), "sub_items", json_object_get(root, "sub_items"),
                             "compliance", json_object_get(root, "compliance"), "progress_total", pp->total, "hazards",
                             pp->hazards);
    json_t *copy = part ? json_deep_copy(part) : NULL;
    json_decref(part);
    if (!copy)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    watch->ready(watch->ud, D25_PART_REST, copy, enf ? d25_rows_ref((d25_rows *)enf) : NULL);
    return 0;
}

static d25_tree *report_data_flagged(d25_store *s, int64_t upto, const d25_registry *reg, const d25_rules *rules,
                                     const d25_config *cfg, int period, const d25_status_report *status,
                                     early_parts *e, json_t *flagged,
                                     const json_t *prev_flagged, const d25_trend_month *trend, int ntrend,
                                     const d25_report_watch *watch, d25_error *err)
{
    char p[16], cn[32];
    d25_format_period(period, p, sizeof p);
    d25_format_period_cn(period, cn, sizeof cn);
    if (watch)
        watch->ready(watch->ud, D25_PART_FLAGGED, json_incref(flagged), NULL);
    /* The side pass first (the progress table, the workbook's longest),
     * then the status and the submissions here meanwhile. */
    d25_side pp;
    if (d25_side_start(&pp, reg, rules, d25_store_path(s), d25_store_district(s), period, upto, flagged, prev_flagged, trend,
                       ntrend, watch, err) < 0)
        return NULL;
    if (early_submissions(s, reg, rules, cfg, period, status, watch, e, err) < 0) {
        d25_side_finish(&pp, rules, NULL, 0, false, NULL, NULL, err);
        return NULL;
    }
    const d25_status_report *st = e->st;
    d25_month mo;
    if (d25_month_read(s, rules, reg, st, p, -1, &mo, err) < 0) {
        d25_side_finish(&pp, rules, NULL, 0, false, NULL, NULL, err);
        return NULL;
    }
    d25_tree *tree = d25_tree_new(json_object());
    /* What the report's judgement (risk.h) needs of each unit expected. */
    d25_unit_facts *facts = tree ? calloc(st->nunits + 1, sizeof *facts) : NULL;
    if (!facts) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        d25_side_finish(&pp, rules, NULL, 0, false, NULL, NULL, err);
        d25_month_free(&mo);
        d25_tree_free(tree);
        return NULL;
    }
    for (size_t i = 0; i < st->nunits; i++) {
        const d25_not_done *x = &mo.not_done[i];
        facts[i] = (d25_unit_facts){.us = &st->units[i], .not_done = x->n, .nd_codes = x->keys.len ? x->keys.data : NULL,
                                    .key_app = x->key_app, .key_done = x->key_done,
                                    .key_codes = x->key_codes.len ? x->key_codes.data : NULL, .prev_not_done = -1};
    }
    json_t *root = tree->root;
    json_object_set_new(root, "district", json_string(cfg->district ? cfg->district : ""));
    json_object_set_new(root, "edition", json_string(rules->name ? rules->name : ""));
    json_object_set(root, "flagged", flagged);
    json_object_set_new(root, "flagged_count", json_integer((json_int_t)json_array_size(flagged)));
    {
        /* "甲的“已检查次数”、乙的“发现隐患”" for a sentence. */
        d25_buf ft = {0};
        size_t fi;
        json_t *fo;
        json_array_foreach (flagged, fi, fo) {
            /* at most ten named: a large district can have thousands */
            if (fi == 10) {
                d25_buf_puts(&ft, "等（全部见统计表）");
                break;
            }
            d25_buf_puts(&ft, fi ? "、" : "");
            d25_buf_puts(&ft, json_string_value(json_object_get(fo, "name")));
            d25_buf_puts(&ft, "的“");
            d25_buf_puts(&ft, json_string_value(json_object_get(fo, "label")));
            d25_buf_puts(&ft, "”");
        }
        json_object_set_new(root, "flagged_text", json_string(d25_buf_cstr(&ft) ? d25_buf_cstr(&ft) : ""));
        d25_buf_free(&ft);
    }
    json_object_set_new(root, "edition_id", json_string(rules->id ? rules->id : ""));
    json_object_set_new(root, "words", e->words);
    e->words = NULL; /* the tree's */
    json_object_set_new(root, "period", json_string(p));
    json_object_set_new(root, "period_cn", json_string(cn));
    json_object_set_new(root, "deadline", json_string(st->deadline));
    json_object_set_new(root, "as_of", json_string(st->as_of));
    int y, m, d;
    if (sscanf(st->as_of, "%d-%d-%d", &y, &m, &d) == 3) {
        char t[32];
        snprintf(t, sizeof t, "%d年%d月%d日", y, m, d);
        json_object_set_new(root, "as_of_cn", json_string(t));
    }
    json_object_set_new(root, "units", counts_json(st->expected, st->n));
    /* Late units sharing one received minute from the file or the ingest:
     * said, not trusted (status.h, d25_time_doubt). */
    json_t *doubts = json_array();
    for (size_t i = 0; i < st->ndoubts; i++)
        json_array_append_new(doubts, json_pack("{s:s,s:s,s:s,s:i}", "time", st->doubts[i].minute, "source",
                                                d25_recv_source_name(st->doubts[i].source), "source_label",
                                                st->doubts[i].source == D25_RECV_MTIME ? "文件修改时间" : "首次收取时间",
                                                "units", st->doubts[i].units));
    json_object_set_new(root, "received_doubts", doubts);
    json_object_set_new(root, "received_doubted", json_integer(st->doubted));
    json_t *groups[2] = {json_array(), json_array()};
    for (int g = 0; g < 2; g++) {
        const d25_status_group *v = g ? st->by_area : st->by_type;
        size_t n = g ? st->nareas : st->ntypes;
        for (size_t i = 0; i < n; i++) {
            json_t *o = counts_json(v[i].expected, v[i].n);
            json_object_set_new(o, g ? "area" : "type", json_string(v[i].key));
            if (!g)
                json_object_set_new(o, "label", json_string(d25_unit_type_label(v[i].key)));
            json_array_append_new(groups[g], o);
        }
    }
    d25_report_sort_types(rules, groups[0]);
    json_object_set_new(root, "units_by_type", groups[0]);
    json_object_set_new(root, "units_by_area", groups[1]);
    int arc = d25_tree_add(tree, e->subs);
    e->subs = NULL; /* the tree's, or freed */
    arc = arc < 0 ? arc : d25_tree_add(tree, e->todo);
    e->todo = NULL;
    if (arc < 0) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        goto fail;
    }
    /* Key-supervision units: the registry's flags the rule set names
     * ([edition] key_flags); the report speaks of them through "key"
     * (risk.h), the list is for templates that list them all. */
    json_t *keys = json_array();
    for (size_t i = 0; i < st->nunits; i++) {
        const d25_unit *u = st->units[i].unit;
        if (d25_rules_key_unit(rules, u->flags))
            json_array_append_new(keys, json_pack("{s:s,s:s,s:s,s:s}", "code", u->code, "name", u->name, "area", u->area,
                                                  "state_label", d25_unit_state_label(st->units[i].state)));
    }
    json_object_set_new(root, "key_units", keys);
    json_object_set_new(root, "key_units_count", json_integer((json_int_t)json_array_size(keys)));
    int erc = enforcement(cfg, rules, period, facts, st, tree, err);
    const d25_rows *enf = d25_tree_find(tree, "enforcement");
    json_object_set_new(root, "enforcement_count", json_integer(enf ? (json_int_t)enf->n : 0));
    d25_month last = {0};
    if (erc < 0)
        goto fail;
    /* Last month read (the trend's earlier months may still be being
     * read): the compliance, the hazards and the total row are known, and
     * the workbook's last sheets can be written and the workbook closed
     * while the trend and the judgement are worked out. */
    if (d25_side_wait_last(&pp) < 0) {
        d25_side_wait(&pp, &last, err); /* the pass's error */
        goto fail;
    }
    compliance(rules, &mo, &pp.last, cfg->weak_min_base, root);
    if (d25_side_build(&pp, rules, st, cfg->weak_min_base, cfg->counts == D25_COUNTS_CUMULATIVE, err) < 0 ||
        (watch && hand_rest(watch, root, &pp, enf, err) < 0) || d25_side_wait(&pp, &last, err) < 0)
        goto fail;
    if (put_trend(root, &pp, period, &mo.t.all, &last.t.all) < 0) {
        d25_month_free(&last);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        goto fail;
    }
    /* Each unit's hazards and last month's not-done count, from the side
     * pass, then the judgement. */
    for (size_t i = 0; i < st->nunits; i++) {
        size_t ri = (size_t)(st->units[i].unit - reg->units);
        if (ri >= reg->n)
            continue;
        facts[i].found = pp.ufound[ri];
        facts[i].fixed = pp.ufixed[ri];
        facts[i].progress = pp.uhas[ri];
        facts[i].prev_not_done = last.nd_reg ? last.nd_reg[ri] : -1;
    }
    d25_month_free(&last);
    if (d25_risk_build(cfg, rules, facts, st->nunits, d25_tally_rate(&mo.t.all),
                       pp.found > 0 ? (double)pp.fixed / (double)pp.found : -1, root, err) < 0)
        goto fail;
    int frc = d25_side_finish(&pp, rules, st, cfg->weak_min_base, cfg->counts == D25_COUNTS_CUMULATIVE, e->fields, tree, err);
    e->fields = NULL; /* the tree's, or freed */
    if (frc < 0)
        goto fail;
    free(facts);
    d25_month_free(&mo);
    return tree;
fail:
    d25_side_finish(&pp, rules, NULL, 0, false, NULL, NULL, err); /* when not finished yet */
    free(facts);
    d25_tree_free(tree);
    d25_month_free(&mo);
    return NULL;
}

/* The values the quality pass flagged, read before the side pass starts
 * (it leaves them out of the totals), then the figures. */
static d25_tree *report_data(d25_store *s, int64_t upto, const d25_registry *reg, const d25_rules *rules,
                             const d25_config *cfg, int period, const d25_status_report *status,
                             const d25_report_watch *watch, d25_error *err)
{
    char p[16];
    d25_format_period(period, p, sizeof p);
    char pp[16];
    d25_format_period(period - 1, pp, sizeof pp);
    flag_ctx fc = {.reg = reg, .rules = rules, .list = json_array()};
    flag_ctx prev = {.reg = reg, .rules = rules, .list = json_array()};
    /* The trend's months before last month: from [report] trend_months
     * back, not before the campaign's first stage. */
    int first = period - (cfg->trend_months > 0 ? cfg->trend_months : 1) + 1;
    for (int i = 0; i < D25_STAGES_; i++)
        if (cfg->stages[i].from) {
            int sy = cfg->stages[i].from / 10000, sm = cfg->stages[i].from / 100 % 100;
            if (sy * 12 + sm - 1 > first)
                first = sy * 12 + sm - 1;
            break;
        }
    if (first < period - D25_TREND_MAX)
        first = period - D25_TREND_MAX;
    d25_trend_month trend[D25_TREND_MAX];
    int ntrend = 0;
    /* The workbook's head before anything is read: it can start. */
    early_parts e;
    if (early_head(rules, watch, &e, err) < 0) {
        early_free(&e);
        json_decref(fc.list);
        json_decref(prev.list);
        return NULL;
    }
    bool ok = fc.list && prev.list;
    for (int m = first; ok && m <= period - 2; m++) {
        char mp[16];
        d25_format_period(m, mp, sizeof mp);
        flag_ctx tf = {.reg = reg, .rules = rules, .list = json_array()};
        trend[ntrend] = (d25_trend_month){.period = m, .flagged = tf.list};
        ok = tf.list != NULL;
        if (ok)
            ntrend++;
        if (ok && d25_store_flagged_each(s, mp, flagged_field, add_flagged, &tf, err) < 0)
            goto out;
    }
    d25_tree *t = NULL;
    if (!ok)
        d25_fail(err, D25_E_NOMEM, "内存不足");
    else if (d25_store_flagged_each(s, p, flagged_field, add_flagged, &fc, err) == 0 &&
             d25_store_flagged_each(s, pp, flagged_field, add_flagged, &prev, err) == 0)
        t = report_data_flagged(s, upto, reg, rules, cfg, period, status, &e, fc.list, prev.list, trend, ntrend, watch, err);
    goto done;
out:
    t = NULL;
done:
    early_free(&e);
    for (int k = 0; k < ntrend; k++)
        json_decref((json_t *)trend[k].flagged);
    json_decref(fc.list);
    json_decref(prev.list);
    return t;
}

d25_tree *d25_report_data(d25_store *s, const d25_registry *reg, const d25_rules *rules, const d25_config *cfg, int period,
                          const d25_status_report *status, d25_error *err)
{
    return d25_report_data_watched(s, reg, rules, cfg, period, status, NULL, err);
}

d25_tree *d25_report_data_watched(d25_store *s, const d25_registry *reg, const d25_rules *rules, const d25_config *cfg,
                                  int period, const d25_status_report *status, const d25_report_watch *watch,
                                  d25_error *err)
{
    /* One snapshot for every part, on both connections, while another
     * process may be storing returns: the side pass reads the returns
     * this transaction sees, and no later ones. */
    int64_t upto;
    if (d25_store_read_begin(s, &upto, err) < 0)
        return NULL;
    d25_tree *t = report_data(s, upto, reg, rules, cfg, period, status, watch, err);
    if (t && d25_report_document(s, cfg, period, t, err) < 0) {
        d25_tree_free(t);
        t = NULL;
    }
    d25_store_read_end(s);
    return t;
}
