/* data: the figures of a period's report (see data.h, docs/report-data.md). */
#include "data.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../forms/forms.h"
#include "../status/status.h"
#include "../util/buf.h"

typedef struct {
    long done, partial, not_done, na;
} tally;

static json_t *rate_of(long num, long den)
{
    return den > 0 ? json_real((double)num / (double)den) : json_null();
}

/* "96.8%（121/125）", or "—" with nothing to divide by. */
static json_t *rate_text(long num, long den)
{
    if (den <= 0)
        return json_string("—");
    char b[64];
    snprintf(b, sizeof b, "%.1f%%（%ld/%ld）", 100.0 * (double)num / (double)den, num, den);
    return json_string(b);
}

static void put_tally(json_t *o, const tally *t)
{
    long app = t->done + t->partial + t->not_done;
    json_object_set_new(o, "applicable", json_integer(app));
    json_object_set_new(o, "done", json_integer(t->done));
    json_object_set_new(o, "partial", json_integer(t->partial));
    json_object_set_new(o, "not_done", json_integer(t->not_done));
    json_object_set_new(o, "not_applicable", json_integer(t->na));
    json_object_set_new(o, "rate", rate_of(t->done, app));
    json_object_set_new(o, "rate_text", rate_text(t->done, app));
}

static void add_tally(tally *to, const tally *t)
{
    to->done += t->done;
    to->partial += t->partial;
    to->not_done += t->not_done;
    to->na += t->na;
}

/* The sub-item a "code" of a statuses summary names: the one at *hint when
 * it matches (summaries follow the rule order), else looked up. */
static const d25_subitem *sub_of(const d25_rules *rules, const char *code, size_t len, size_t *hint)
{
    if (*hint < rules->nsubs && strlen(rules->subs[*hint].code) == len && memcmp(rules->subs[*hint].code, code, len) == 0)
        return &rules->subs[(*hint)++];
    char c[16];
    if (len >= sizeof c)
        return NULL;
    memcpy(c, code, len);
    c[len] = 0;
    const d25_subitem *sub = d25_rules_sub(rules, c);
    if (sub)
        *hint = (size_t)(sub - rules->subs) + 1;
    return sub;
}

/* Each "code=letter" of a statuses summary ("1.1=d;1.2=n"): fn(ud, sub,
 * letter) for the sub-items the rule set knows. */
static void each_status(const d25_rules *rules, const char *s, void (*fn)(void *, const d25_subitem *, char), void *ud)
{
    size_t hint = 0;
    while (s && *s) {
        const char *eq = strchr(s, '=');
        if (!eq || !eq[1])
            break;
        const d25_subitem *sub = sub_of(rules, s, (size_t)(eq - s), &hint);
        if (sub)
            fn(ud, sub, eq[1]);
        s = strchr(eq, ';');
        s = s ? s + 1 : NULL;
    }
}

typedef struct {
    const d25_rules *rules;
    tally *subs;
} tally_ctx;

static void count_status(void *ud, const d25_subitem *sub, char st)
{
    tally_ctx *c = ud;
    tally *t = &c->subs[sub - c->rules->subs];
    switch (st) {
    case 'd': t->done++; break;
    case 'p': t->partial++; break;
    case 'n': t->not_done++; break;
    case 'a': t->na++; break;
    default: break;
    }
}

/* The returns that count in one period (d25_store_current), read once and
 * used by every part of the tree. */
typedef struct {
    d25_current *v;
    size_t n;
} month;

/* Every sub-item's counts in a month (rules order). */
static void load_tallies(const d25_rules *rules, const month *mo, tally *subs)
{
    tally_ctx c = {rules, subs};
    for (size_t i = 0; i < mo->n; i++)
        each_status(rules, mo->v[i].statuses, count_status, &c);
}

/* Sub-item tallies summed per item, per duty and in all. */
typedef struct {
    tally *subs, *items, *duties, all;
} tallies;

static int tally_period(const d25_rules *rules, const month *mo, tallies *t, d25_error *err)
{
    memset(t, 0, sizeof *t);
    t->subs = calloc(rules->nsubs + 1, sizeof *t->subs);
    t->items = calloc(rules->nitems + 1, sizeof *t->items);
    t->duties = calloc(rules->nduties + 1, sizeof *t->duties);
    if (!t->subs || !t->items || !t->duties)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    load_tallies(rules, mo, t->subs);
    for (size_t i = 0; i < rules->nsubs; i++) {
        for (size_t k = 0; k < rules->nitems; k++)
            if (rules->items[k].n == rules->subs[i].item)
                add_tally(&t->items[k], &t->subs[i]);
        add_tally(&t->all, &t->subs[i]);
    }
    for (size_t k = 0; k < rules->nitems; k++)
        for (size_t d = 0; d < rules->nduties; d++)
            if (rules->duties[d].n == rules->items[k].duty)
                add_tally(&t->duties[d], &t->items[k]);
    return 0;
}

static void tallies_free(tallies *t)
{
    free(t->subs);
    free(t->items);
    free(t->duties);
}

static double rate_val(const tally *t)
{
    long app = t->done + t->partial + t->not_done;
    return app > 0 ? (double)t->done / (double)app : -1;
}

/* The tally, with last month's rate and the change in percentage points. */
static void put_with_change(json_t *o, const tally *now, const tally *prev)
{
    put_tally(o, now);
    double r = rate_val(now), rp = prev ? rate_val(prev) : -1;
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

static int cmp_rate(const void *a, const void *b)
{
    double x = json_real_value(json_object_get(*(json_t *const *)a, "rate"));
    double y = json_real_value(json_object_get(*(json_t *const *)b, "rate"));
    return x < y ? -1 : x > y;
}

static int compliance(d25_store *s, const d25_rules *rules, int period, const month *mo, json_t *root, d25_error *err)
{
    char pp[16];
    d25_format_period(period - 1, pp, sizeof pp);
    tallies now = {0}, prev = {0};
    month last = {0};
    int rc = tally_period(rules, mo, &now, err);
    if (rc == 0 && (rc = d25_store_current(s, pp, &last.v, &last.n, err)) == 0)
        rc = tally_period(rules, &last, &prev, err);
    d25_store_current_free(last.v, last.n);
    if (rc < 0) {
        tallies_free(&now);
        tallies_free(&prev);
        return -1;
    }
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
    json_t **ranked = calloc(rules->nitems + 1, sizeof *ranked);
    size_t nranked = 0;
    for (size_t k = 0; k < rules->nitems; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "n", json_integer(rules->items[k].n));
        json_object_set_new(o, "duty", json_integer(rules->items[k].duty));
        json_object_set_new(o, "name", json_string(rules->items[k].name));
        put_with_change(o, &now.items[k], &prev.items[k]);
        json_array_append_new(jitems, o);
        if (ranked && json_is_real(json_object_get(o, "rate")))
            ranked[nranked++] = o;
    }
    /* The weakest items: the five lowest rates (ties in item order). */
    json_t *weak = json_array();
    if (ranked) {
        for (size_t i = 1; i < nranked; i++)
            for (size_t j = i; j > 0 && cmp_rate(&ranked[j], &ranked[j - 1]) < 0; j--) {
                json_t *t = ranked[j];
                ranked[j] = ranked[j - 1];
                ranked[j - 1] = t;
            }
        for (size_t i = 0; i < nranked && i < 5; i++)
            json_array_append(weak, ranked[i]);
        free(ranked);
    }
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
    json_object_set_new(root, "weakest_items", weak);
    json_object_set_new(root, "sub_items", jsubs);
    tallies_free(&now);
    tallies_free(&prev);
    return 0;
}

/* Hazards and the consolidated progress table. */
/* The rule set's progress fields in order, for lookups that mostly find
 * the next one. */
static const d25_pfield **fields_in_order(const d25_rules *rules, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < rules->nprows; i++)
        *n += rules->prows[i].nfields;
    const d25_pfield **v = malloc((*n + 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; v && i < rules->nprows; i++)
        for (size_t j = 0; j < rules->prows[i].nfields; j++)
            v[k++] = &rules->prows[i].fields[j];
    return v;
}

static const d25_pfield *field_of(const d25_pfield **v, size_t n, const char *name, size_t *hint)
{
    if (*hint < n && strcmp(v[*hint]->name, name) == 0)
        return v[(*hint)++];
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i]->name, name) == 0) {
            *hint = i + 1;
            return v[i];
        }
    return NULL;
}

static int progress(const d25_registry *reg, const d25_rules *rules, const month *mo, json_t *root, d25_error *err)
{
    const d25_current *cur = mo->v;
    size_t ncur = mo->n, nfields;
    const d25_pfield **order = fields_in_order(rules, &nfields);
    if (!order)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    json_t *rows = json_array(), *total = json_object();
    json_t *by_type = json_object(), *by_area = json_object();
    long found = 0, fixed = 0;
    /* The total row's sums, by field, in the order fields are first seen. */
    long *sum = calloc(nfields + 1, sizeof *sum);
    size_t *seen_order = calloc(nfields + 1, sizeof *seen_order), nseen = 0;
    bool *seen = calloc(nfields + 1, sizeof *seen);
    d25_blanks blanks = {0};
    if (!sum || !seen_order || !seen)
        goto nomem;
    for (size_t ci = 0; ci < ncur; ci++) {
        if (!cur[ci].progress)
            continue;
        const char *code = cur[ci].unit;
        const d25_unit *u = d25_registry_by_code(reg, code);
        json_t *row = json_object();
        json_object_set_new(row, "code", json_string(code));
        json_object_set_new(row, "name", json_string(u ? u->name : code));
        json_object_set_new(row, "type", json_string(u ? u->type : ""));
        json_object_set_new(row, "type_label", json_string(u ? d25_unit_type_label(u->type) : ""));
        json_object_set_new(row, "area", json_string(u ? u->area : ""));
        json_array_append_new(rows, row);
        if (d25_blanks_read(&blanks, cur[ci].progress) < 0)
            goto nomem;
        size_t hint = 0;
        for (size_t vi = 0; vi < blanks.n; vi++) {
            const d25_blank *pv = &blanks.v[vi];
            const d25_pfield *f = field_of(order, nfields, pv->field, &hint);
            if (!f)
                continue;
            bool ok = pv->ok;
            long v = pv->value;
            const char *raw = pv->raw;
            json_t *jv;
            if (!ok)
                jv = json_null();
            else if (f->type == D25_F_YESNO)
                jv = json_string(v ? "是" : "否");
            else if (f->type == D25_F_HAVENOT)
                jv = json_string(v ? "有" : "无");
            else if (f->type == D25_F_TEXT)
                jv = raw ? json_string(raw) : json_null();
            else
                jv = json_integer(v);
            json_object_set_new(row, f->name, jv);
            if (ok && f->type == D25_F_COUNT) {
                size_t fi = hint - 1; /* field_of leaves hint just past the field found */
                if (!seen[fi]) {
                    seen[fi] = true;
                    seen_order[nseen++] = fi;
                }
                sum[fi] += v;
                bool is_found = strcmp(f->name, "hazards_found") == 0, is_fixed = strcmp(f->name, "hazards_rectified") == 0;
                if ((is_found || is_fixed) && u) {
                    found += is_found ? v : 0;
                    fixed += is_fixed ? v : 0;
                    const char *keys[2] = {u->type, u->area};
                    json_t *maps[2] = {by_type, by_area};
                    for (int m = 0; m < 2; m++) {
                        json_t *g = json_object_get(maps[m], keys[m]);
                        if (!g) {
                            g = json_pack("{s:s,s:I,s:I}", m ? "area" : "type", keys[m], "found", (json_int_t)0,
                                          "rectified", (json_int_t)0);
                            if (!m)
                                json_object_set_new(g, "label", json_string(d25_unit_type_label(keys[m])));
                            json_object_set_new(maps[m], keys[m], g);
                        }
                        const char *k = is_found ? "found" : "rectified";
                        json_object_set_new(g, k, json_integer(json_integer_value(json_object_get(g, k)) + v));
                    }
                }
            }
        }
    }
    d25_blanks_free(&blanks);
    for (size_t i = 0; i < nseen; i++)
        json_object_set_new(total, order[seen_order[i]]->name, json_integer(sum[seen_order[i]]));
    free(sum);
    free(seen_order);
    free(seen);
    free(order);
    /* Each unit's rectification rate, and its row number. */
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        json_object_set_new(r, "n", json_integer((json_int_t)i + 1));
        long f = (long)json_integer_value(json_object_get(r, "hazards_found"));
        long x = (long)json_integer_value(json_object_get(r, "hazards_rectified"));
        json_object_set_new(r, "rectify_rate", rate_of(x, f));
        json_object_set_new(r, "rectify_rate_text", rate_text(x, f));
    }
    json_t *hz = json_object();
    json_object_set_new(hz, "found", json_integer(found));
    json_object_set_new(hz, "rectified", json_integer(fixed));
    json_object_set_new(hz, "rate", rate_of(fixed, found));
    json_object_set_new(hz, "rate_text", rate_text(fixed, found));
    json_t *maps[2] = {by_type, by_area};
    const char *names[2] = {"by_type", "by_area"};
    for (int m = 0; m < 2; m++) {
        json_t *arr = json_array();
        const char *k;
        json_t *g;
        json_object_foreach(maps[m], k, g) {
            long gf = (long)json_integer_value(json_object_get(g, "found"));
            long gr = (long)json_integer_value(json_object_get(g, "rectified"));
            json_object_set_new(g, "rate", rate_of(gr, gf));
            json_object_set_new(g, "rate_text", rate_text(gr, gf));
            json_array_append(arr, g);
        }
        json_object_set_new(hz, names[m], arr);
        json_decref(maps[m]);
    }
    json_object_set_new(root, "hazards", hz);
    json_t *fields = json_array();
    static const char *const types[] = {"yesno", "havenot", "month", "day", "count", "text"};
    for (size_t k = 0; k < rules->nprows; k++)
        for (size_t f = 0; f < rules->prows[k].nfields; f++) {
            const d25_pfield *pf = &rules->prows[k].fields[f];
            json_array_append_new(fields, json_pack("{s:s,s:s,s:s,s:i}", "name", pf->name, "label", pf->label, "type",
                                                    types[pf->type], "row", rules->prows[k].n));
        }
    json_object_set_new(root, "progress_fields", fields);
    json_object_set_new(root, "progress", rows);
    json_object_set_new(root, "progress_total", total);
    return 0;
nomem:
    d25_blanks_free(&blanks);
    free(sum);
    free(seen_order);
    free(seen);
    free(order);
    json_decref(rows);
    json_decref(total);
    json_decref(by_type);
    json_decref(by_area);
    return d25_fail(err, D25_E_NOMEM, "内存不足");
}

/* Attachment 2: the units that the configured rules put on the list. */
/* Not-done sub-items of one unit. */
typedef struct {
    d25_buf keys; /* sub-items not done, "|3.2|22.9|" */
    int n;        /* sub-items not done */
} nd;

static void note_not_done(void *ud, const d25_subitem *sub, char st)
{
    nd *x = ud;
    if (st != 'n')
        return;
    x->n++;
    /* "|1.1|3.2|": the not-done codes, looked up below. */
    d25_buf_puts(&x->keys, x->keys.len ? "" : "|");
    d25_buf_puts(&x->keys, sub->code);
    d25_buf_puts(&x->keys, "|");
}

static int enforcement(const d25_registry *reg, const d25_rules *rules, const d25_config *cfg, int period,
                       const month *mo, const d25_status_report *st, json_t *root, d25_error *err)
{
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
    json_t *list = json_array();
    json_object_set_new(root, "enforcement", list);
    if (!active)
        return 0;
    /* Not-done sub-items per unit. */
    nd *v = calloc(st->nunits + 1, sizeof *v);
    if (!v)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    for (size_t ci = 0; ci < mo->n; ci++) {
        const d25_unit_status *us = d25_status_unit(st, reg, d25_registry_by_code(reg, mo->v[ci].unit));
        if (us && mo->v[ci].statuses)
            each_status(rules, mo->v[ci].statuses, note_not_done, &v[us - st->units]);
    }
    int rc = 0;
    int seq = 0;
    for (size_t i = 0; i < st->nunits && rc == 0; i++) {
        const d25_unit_status *us = &st->units[i];
        d25_buf why = {0};
        if (en->missing && us->state == D25_UNIT_MISSING)
            d25_buf_puts(&why, "未报送报表");
        if (en->rejected && (us->state == D25_UNIT_REJECTED || us->state == D25_UNIT_INCOMPLETE)) {
            d25_buf_puts(&why, why.len ? "；" : "");
            d25_buf_puts(&why, us->state == D25_UNIT_REJECTED ? "报表被退回，未按要求改正" : "两张表未报齐");
        }
        /* The key sub-items not done, in the configuration's order. */
        d25_buf keys = {0};
        for (const char *k = en->key_items ? en->key_items : ""; *k && v[i].keys.len;) {
            size_t w = strcspn(k, "|;, ");
            char probe[40];
            if (w && w < 30) {
                snprintf(probe, sizeof probe, "|%.*s|", (int)w, k);
                if (strstr(d25_buf_cstr(&v[i].keys), probe)) {
                    d25_buf_puts(&keys, keys.len ? "、" : "");
                    d25_buf_append(&keys, k, w);
                }
            }
            k += w;
            while (*k == '|' || *k == ';' || *k == ',' || *k == ' ')
                k++;
        }
        if (keys.len) {
            d25_buf_puts(&why, why.len ? "；" : "");
            d25_buf_puts(&why, "关键子项 ");
            d25_buf_puts(&why, d25_buf_cstr(&keys));
            d25_buf_puts(&why, " 未落实");
        }
        d25_buf_free(&keys);
        if (en->not_done_min > 0 && v[i].n >= en->not_done_min) {
            char t[64];
            snprintf(t, sizeof t, "%s共 %d 个子项未落实", why.len ? "；" : "", v[i].n);
            d25_buf_puts(&why, t);
        }
        if (why.len) {
            json_t *o = json_object();
            json_object_set_new(o, "n", json_integer(++seq));
            json_object_set_new(o, "code", json_string(us->unit->code));
            json_object_set_new(o, "name", json_string(us->unit->name));
            json_object_set_new(o, "area", json_string(us->unit->area));
            json_object_set_new(o, "not_done", json_integer(v[i].n));
            json_object_set_new(o, "remark", json_string(d25_buf_cstr(&why)));
            json_array_append_new(list, o);
        }
        d25_buf_free(&why);
    }
    for (size_t i = 0; i < st->nunits; i++)
        d25_buf_free(&v[i].keys);
    free(v);
    return rc;
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

json_t *d25_report_data(d25_store *s, const d25_registry *reg, const d25_rules *rules, const d25_config *cfg, int period,
                        const d25_status_report *status, d25_error *err)
{
    char p[16], cn[32];
    d25_format_period(period, p, sizeof p);
    d25_format_period_cn(period, cn, sizeof cn);
    d25_status_report own = {0};
    if (!status && d25_status_build(s, reg, period, cfg->deadline_day ? cfg->deadline_day : rules->deadline_day, &own, err) < 0)
        return NULL;
    const d25_status_report *st = status ? status : &own;
    month mo = {0};
    if (d25_store_current(s, p, &mo.v, &mo.n, err) < 0) {
        d25_status_report_free(&own);
        return NULL;
    }
    json_t *root = json_object();
    json_object_set_new(root, "district", json_string(cfg->district ? cfg->district : ""));
    json_object_set_new(root, "edition", json_string(rules->name ? rules->name : ""));
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
    json_object_set_new(root, "units_by_type", groups[0]);
    json_object_set_new(root, "units_by_area", groups[1]);
    json_t *subm = json_array(), *todo = json_array();
    for (size_t i = 0; i < st->nunits; i++) {
        const d25_unit_status *us = &st->units[i];
        json_t *o = json_object();
        json_object_set_new(o, "n", json_integer((json_int_t)i + 1));
        json_object_set_new(o, "code", json_string(us->unit->code));
        json_object_set_new(o, "name", json_string(us->unit->name));
        json_object_set_new(o, "type_label", json_string(d25_unit_type_label(us->unit->type)));
        json_object_set_new(o, "area", json_string(us->unit->area));
        json_object_set_new(o, "contact", json_string(us->unit->contact ? us->unit->contact : ""));
        json_object_set_new(o, "phone", json_string(us->unit->phone ? us->unit->phone : ""));
        json_object_set_new(o, "state", json_string(d25_unit_state_name(us->state)));
        json_object_set_new(o, "state_label", json_string(d25_unit_state_label(us->state)));
        json_object_set_new(o, "received", us->received[0] ? json_string(us->received) : json_null());
        json_array_append(subm, o);
        if (us->state == D25_UNIT_MISSING || us->state == D25_UNIT_REJECTED || us->state == D25_UNIT_INCOMPLETE)
            json_array_append(todo, o);
        json_decref(o);
    }
    json_object_set_new(root, "submissions", subm);
    json_object_set_new(root, "not_returned", todo);
    int erc = enforcement(reg, rules, cfg, period, &mo, st, root, err);
    json_object_set_new(root, "enforcement_count", json_integer((json_int_t)json_array_size(json_object_get(root, "enforcement"))));
    /* Key-supervision units (item 23): the registry's flag key_supervision. */
    json_t *keys = json_array();
    for (size_t i = 0; i < st->nunits; i++) {
        const d25_unit *u = st->units[i].unit;
        if (!u->flags || !strstr(u->flags, "key_supervision"))
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(u->code));
        json_object_set_new(o, "name", json_string(u->name));
        json_object_set_new(o, "area", json_string(u->area));
        json_object_set_new(o, "state_label", json_string(d25_unit_state_label(st->units[i].state)));
        json_array_append_new(keys, o);
    }
    json_object_set_new(root, "key_units", keys);
    json_object_set_new(root, "key_units_count", json_integer((json_int_t)json_array_size(keys)));
    d25_status_report_free(&own);
    if (erc < 0 || compliance(s, rules, period, &mo, root, err) < 0 || progress(reg, rules, &mo, root, err) < 0) {
        json_decref(root);
        root = NULL;
    }
    d25_store_current_free(mo.v, mo.n);
    return root;
}
