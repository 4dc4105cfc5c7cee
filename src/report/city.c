/* city: a city's report data from its districts' (see city.h). */
#include "city.h"
#include "data.h"
#include "risk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"

struct d25_city {
    const d25_config *cfg;
    const d25_rules *rules;
    int period;
    json_t *first;       /* the first district's tree's words, period... (a shallow copy of those keys) */
    json_t *units;       /* summed counts */
    json_t *by_type;     /* type -> summed counts, in the order first seen */
    json_t *compliance;  /* summed tallies */
    json_t *duties, *items; /* the first district's rows, their counts summed */
    json_t *hazards;     /* found, rectified, prev_found, prev_rectified, has_prev */
    json_t *hz_by_type;  /* type -> found, rectified, prev_found, prev_rectified */
    json_t *by_district; /* a row per district */
    json_t *risk;        /* every district's named riskiest units, with the district */
    json_t *key;         /* summed counts */
    json_t *measures;    /* action -> count, per-district words */
    json_t *trend;       /* period -> summed counts */
    json_t *flagged;
    json_t *missing, *late; /* district names */
    long risk_count, enforcement_count;
};

static long geti(const json_t *o, const char *key)
{
    return (long)json_integer_value(json_object_get(o, key));
}

static void add_to(json_t *dst, const char *key, long v)
{
    json_object_set_new(dst, key, json_integer(geti(dst, key) + v));
}

static void sum_keys(json_t *dst, const json_t *src, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        add_to(dst, keys[i], geti(src, keys[i]));
}

static const char *const COUNT_KEYS[] = {"expected", "on_time", "late", "incomplete", "rejected", "missing", "returned", NULL};
static const char *const TALLY_KEYS[] = {"applicable", "done", "partial", "not_done", "not_applicable",
                                         "prev_applicable", "prev_done", NULL};
static const char *const KEY_KEYS[] = {"count", "returned", "on_time", "applicable", "done", "found", "rectified",
                                       "problem_count", NULL};

d25_city *d25_city_new(const d25_config *cfg, const d25_rules *rules, int period)
{
    d25_city *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cfg = cfg;
    c->rules = rules;
    c->period = period;
    c->units = json_object();
    c->by_type = json_object();
    c->compliance = json_object();
    c->hazards = json_object();
    c->hz_by_type = json_object();
    c->by_district = json_array();
    c->risk = json_array();
    c->key = json_object();
    c->measures = json_object();
    c->trend = json_object();
    c->flagged = json_array();
    c->missing = json_array();
    c->late = json_array();
    if (!c->units || !c->by_type || !c->compliance || !c->hazards || !c->hz_by_type || !c->by_district || !c->risk ||
        !c->key || !c->measures || !c->trend || !c->flagged || !c->missing || !c->late) {
        d25_city_free(c);
        return NULL;
    }
    return c;
}

void d25_city_free(d25_city *c)
{
    if (!c)
        return;
    json_t *all[] = {c->first, c->units, c->by_type, c->compliance, c->duties, c->items, c->hazards, c->hz_by_type,
                     c->by_district, c->risk, c->key, c->measures, c->trend, c->flagged, c->missing, c->late};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        json_decref(all[i]);
    free(c);
}

/* Rows (duties, items) summed into acc by position: the same rule set. */
static json_t *sum_rows(json_t *acc, const json_t *rows, bool items)
{
    if (!acc) {
        acc = json_deep_copy(rows);
        return acc;
    }
    size_t i;
    json_t *r;
    json_array_foreach (rows, i, r) {
        json_t *a = json_array_get(acc, i);
        if (!a)
            continue;
        sum_keys(a, r, TALLY_KEYS);
        if (items)
            add_to(a, "units_not_done", geti(r, "units_not_done"));
    }
    return acc;
}

int d25_city_add(d25_city *c, const char *district, const json_t *root, bool merged, bool late, d25_error *err)
{
    if (!c->first) {
        static const char *const keep[] = {"words", "edition", "edition_id", "period", "period_cn", "deadline", "as_of",
                                           "as_of_cn", "weak_min_base", "risk_unrectified_min", "stage", NULL};
        if (!(c->first = json_object()))
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        for (size_t i = 0; keep[i]; i++) {
            json_t *v = json_object_get(root, keep[i]);
            json_object_set_new(c->first, keep[i], v ? json_deep_copy(v) : json_null());
        }
        json_object_set_new(c->first, "cumulative",
                            json_boolean(json_is_true(json_object_get(json_object_get(root, "hazards"), "cumulative"))));
    }
    const json_t *units = json_object_get(root, "units"), *comp = json_object_get(root, "compliance"),
                 *hz = json_object_get(root, "hazards"), *key = json_object_get(root, "key");
    sum_keys(c->units, units, COUNT_KEYS);
    size_t i;
    json_t *g;
    json_array_foreach (json_object_get(root, "units_by_type"), i, g) {
        const char *t = json_string_value(json_object_get(g, "type"));
        json_t *a = t ? json_object_get(c->by_type, t) : NULL;
        if (t && !a) {
            a = json_pack("{s:s,s:O}", "type", t, "label", json_object_get(g, "label"));
            json_object_set_new(c->by_type, t, a);
        }
        if (a)
            sum_keys(a, g, COUNT_KEYS);
    }
    sum_keys(c->compliance, comp, TALLY_KEYS);
    c->duties = sum_rows(c->duties, json_object_get(root, "duties"), false);
    c->items = sum_rows(c->items, json_object_get(root, "items"), true);
    static const char *const hz_keys[] = {"found", "rectified", "prev_found", "prev_rectified", NULL};
    sum_keys(c->hazards, hz, hz_keys);
    if (json_is_true(json_object_get(hz, "has_prev")))
        json_object_set_new(c->hazards, "has_prev", json_true());
    json_array_foreach (json_object_get(hz, "by_type"), i, g) {
        const char *t = json_string_value(json_object_get(g, "type"));
        json_t *a = t ? json_object_get(c->hz_by_type, t) : NULL;
        if (t && !a) {
            a = json_pack("{s:s,s:O}", "type", t, "label", json_object_get(g, "label"));
            json_object_set_new(c->hz_by_type, t, a);
        }
        if (a)
            sum_keys(a, g, hz_keys);
    }
    sum_keys(c->key, key, KEY_KEYS);
    /* The district's row. */
    long found = geti(hz, "found"), fixed = geti(hz, "rectified");
    json_t *row = json_pack("{s:I,s:s,s:b,s:b}", "n", (json_int_t)json_array_size(c->by_district) + 1, "district",
                            district, "merged", merged, "late_package", late);
    if (!row)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    sum_keys(row, units, COUNT_KEYS);
    json_object_set_new(row, "returned_rate_text", d25_report_rate_text(geti(units, "returned"), geti(units, "expected")));
    json_object_set_new(row, "applicable", json_integer(geti(comp, "applicable")));
    json_object_set_new(row, "done", json_integer(geti(comp, "done")));
    json_object_set_new(row, "partial", json_integer(geti(comp, "partial")));
    json_object_set_new(row, "not_done", json_integer(geti(comp, "not_done")));
    json_object_set_new(row, "not_applicable", json_integer(geti(comp, "not_applicable")));
    /* Its six duties' tallies (the city's workbook gives them by district). */
    json_t *duties = json_array();
    json_array_foreach (json_object_get(root, "duties"), i, g) {
        json_t *d = json_pack("{s:O,s:O}", "n", json_object_get(g, "n"), "name", json_object_get(g, "name"));
        if (d) {
            static const char *const dk[] = {"applicable", "done", "partial", "not_done", NULL};
            sum_keys(d, g, dk);
            json_object_set_new(d, "rate", d25_report_rate_of(geti(g, "done"), geti(g, "applicable")));
        }
        json_array_append_new(duties, d);
    }
    json_object_set_new(row, "duties", duties);
    json_object_set_new(row, "compliance_rate", d25_report_rate_of(geti(comp, "done"), geti(comp, "applicable")));
    json_object_set_new(row, "compliance_rate_text", d25_report_rate_text(geti(comp, "done"), geti(comp, "applicable")));
    json_object_set_new(row, "found", json_integer(found));
    json_object_set_new(row, "rectified", json_integer(fixed));
    json_object_set_new(row, "unrectified", json_integer(found - fixed));
    json_object_set_new(row, "rectify_rate", d25_report_rate_of(fixed, found));
    json_object_set_new(row, "rectify_rate_text", d25_report_rate_text(fixed, found));
    json_object_set_new(row, "risk_count", json_integer(geti(root, "risk_count")));
    json_object_set_new(row, "enforcement_count", json_integer(geti(root, "enforcement_count")));
    const char *grade = json_string_value(json_object_get(json_object_get(root, "grade"), "label"));
    json_object_set_new(row, "grade", json_string(merged && grade ? grade : "—"));
    json_object_set_new(row, "state_label", json_string(!merged ? "未报送" : late ? "逾期报送" : "按时报送"));
    json_array_append_new(c->by_district, row);
    if (!merged)
        json_array_append_new(c->missing, json_string(district));
    else if (late)
        json_array_append_new(c->late, json_string(district));
    c->risk_count += geti(root, "risk_count");
    c->enforcement_count += geti(root, "enforcement_count");
    /* Its named riskiest units, with the district, for the city's five. */
    json_array_foreach (json_object_get(root, "risk_units"), i, g) {
        json_t *r = json_deep_copy(g);
        if (!r)
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        json_object_set_new(r, "district", json_string(district));
        json_object_set_new(r, "seq", json_integer((json_int_t)json_array_size(c->risk)));
        json_array_append_new(c->risk, r);
    }
    /* The measures: how many units in each district. */
    json_array_foreach (json_object_get(root, "measures"), i, g) {
        const char *action = json_string_value(json_object_get(g, "action"));
        if (!action)
            continue;
        json_t *a = json_object_get(c->measures, action);
        if (!a) {
            a = json_pack("{s:s,s:O,s:I,s:[]}", "action", action, "short", json_object_get(g, "short"), "count",
                          (json_int_t)0, "parts");
            json_object_set_new(c->measures, action, a);
        }
        if (!a)
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        add_to(a, "count", geti(g, "count"));
        char t[320];
        snprintf(t, sizeof t, "%s%ld家", district, geti(g, "count"));
        json_array_append_new(json_object_get(a, "parts"), json_string(t));
    }
    json_array_foreach (json_object_get(root, "trend"), i, g) {
        const char *per = json_string_value(json_object_get(g, "period"));
        json_t *a = per ? json_object_get(c->trend, per) : NULL;
        if (per && !a) {
            a = json_pack("{s:s,s:O}", "period", per, "label", json_object_get(g, "label"));
            json_object_set_new(c->trend, per, a);
        }
        static const char *const tk[] = {"applicable", "done", "found", "rectified", NULL};
        if (a)
            sum_keys(a, g, tk);
    }
    json_array_foreach (json_object_get(root, "flagged"), i, g) {
        json_t *f = json_deep_copy(g);
        if (f)
            json_object_set_new(f, "district", json_string(district));
        json_array_append_new(c->flagged, f);
    }
    return 0;
}

/* "甲、乙、丙" of an array of strings, or of a key of an array of objects. */
static json_t *joined(const json_t *arr, const char *key, const char *sep)
{
    d25_buf b = {0};
    size_t i;
    json_t *v;
    json_array_foreach (arr, i, v) {
        d25_buf_puts(&b, i ? sep : "");
        d25_buf_puts(&b, json_string_value(key ? json_object_get(v, key) : v));
    }
    json_t *s = json_string(d25_buf_cstr(&b) ? d25_buf_cstr(&b) : "");
    d25_buf_free(&b);
    return s;
}

static void put_rates(json_t *o)
{
    long app = geti(o, "applicable"), done = geti(o, "done");
    json_object_set_new(o, "rate", d25_report_rate_of(done, app));
    json_object_set_new(o, "rate_text", d25_report_rate_text(done, app));
    json_object_set_new(o, "change_text", d25_report_change_text(done, app, geti(o, "prev_done"), geti(o, "prev_applicable")));
    json_object_set_new(o, "has_prev", json_boolean(geti(o, "prev_applicable") > 0));
}

/* Highest score first; ties in the order the districts came (each
 * district's own order kept). */
static int by_score(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "score"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "score"));
    if (x != y)
        return x > y ? -1 : 1;
    x = json_integer_value(json_object_get(*(json_t *const *)a, "seq"));
    y = json_integer_value(json_object_get(*(json_t *const *)b, "seq"));
    return x < y ? -1 : x > y;
}

/* The values of an object in insertion order, as an array. */
static json_t *values(const json_t *obj)
{
    json_t *arr = json_array();
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)obj, k, v)
        json_array_append(arr, v);
    return arr;
}

json_t *d25_city_finish(d25_city *c, d25_error *err)
{
    json_t *root = c->first ? json_deep_copy(c->first) : json_object();
    if (!root) {
        d25_city_free(c);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    const d25_config *cfg = c->cfg;
    long min_base = cfg->weak_min_base > 0 ? cfg->weak_min_base : 1;
    bool province = cfg->level == D25_LEVEL_PROVINCE;
    json_object_set_new(root, "district", json_string(cfg->district ? cfg->district : ""));
    json_object_set_new(root, "level", json_string(province ? "province" : "city"));
    json_object_set_new(root, "scope_word", json_string(province ? "全省" : "全市"));
    json_object_set_new(root, "units", json_incref(c->units));
    json_t *bt = values(c->by_type);
    d25_report_sort_types(c->rules, bt);
    json_object_set_new(root, "units_by_type", bt);
    /* Districts. */
    json_object_set_new(root, "by_district", json_incref(c->by_district));
    json_object_set_new(root, "districts_count", json_integer((json_int_t)json_array_size(c->by_district)));
    json_object_set_new(root, "districts_merged",
                        json_integer((json_int_t)(json_array_size(c->by_district) - json_array_size(c->missing))));
    json_object_set_new(root, "districts_missing", json_incref(c->missing));
    json_object_set_new(root, "districts_missing_text", joined(c->missing, NULL, "、"));
    json_object_set_new(root, "districts_late", json_incref(c->late));
    json_object_set_new(root, "districts_late_text", joined(c->late, NULL, "、"));
    /* Compliance, duties, items; the weakest items from the sums. */
    put_rates(c->compliance);
    json_object_set_new(root, "compliance", json_incref(c->compliance));
    size_t i;
    json_t *o;
    json_array_foreach (c->duties, i, o)
        put_rates(o);
    json_array_foreach (c->items, i, o)
        put_rates(o);
    json_object_set_new(root, "duties", c->duties ? json_incref(c->duties) : json_array());
    json_object_set_new(root, "items", c->items ? json_incref(c->items) : json_array());
    d25_report_put_weakest(root, c->items, min_base);
    /* Hazards. */
    json_t *hz = c->hazards;
    long found = geti(hz, "found"), fixed = geti(hz, "rectified");
    long pf = geti(hz, "prev_found"), pr = geti(hz, "prev_rectified");
    bool has_prev = json_is_true(json_object_get(hz, "has_prev"));
    json_object_set_new(hz, "has_prev", json_boolean(has_prev));
    json_object_set_new(hz, "cumulative", json_boolean(json_is_true(json_object_get(root, "cumulative"))));
    json_object_set_new(hz, "unrectified", json_integer(found - fixed));
    json_object_set_new(hz, "rate", d25_report_rate_of(fixed, found));
    json_object_set_new(hz, "rate_text", d25_report_rate_text(fixed, found));
    json_object_set_new(hz, "prev_rate_text", d25_report_rate_text(pr, pf));
    json_object_set_new(hz, "new_found", json_integer(found - pf));
    json_object_set_new(hz, "new_rectified", json_integer(fixed - pr));
    json_object_set_new(hz, "change_text", has_prev ? d25_report_change_text(fixed, found, pr, pf) : json_string("—"));
    json_t *hbt = values(c->hz_by_type), *worst = NULL;
    d25_report_sort_types(c->rules, hbt);
    json_array_foreach (hbt, i, o) {
        long gf = geti(o, "found"), gr = geti(o, "rectified");
        json_object_set_new(o, "unrectified", json_integer(gf - gr));
        json_object_set_new(o, "rate", d25_report_rate_of(gr, gf));
        json_object_set_new(o, "rate_text", d25_report_rate_text(gr, gf));
        json_object_set_new(o, "change_text", d25_report_change_text(gr, gf, geti(o, "prev_rectified"), geti(o, "prev_found")));
        if (gf >= min_base && (!worst || (double)gr / (double)gf < json_real_value(json_object_get(worst, "rate"))))
            worst = o;
    }
    json_object_set_new(hz, "by_type", hbt);
    json_object_set(hz, "worst_type", worst ? worst : json_null());
    /* The districts with the lowest rectification and compliance rates
     * (from min_base hazards / answers up). */
    json_t *wr = NULL, *wc = NULL;
    json_array_foreach (c->by_district, i, o) {
        long gf = geti(o, "found"), gr = geti(o, "rectified"), ga = geti(o, "applicable"), gd = geti(o, "done");
        if (gf >= min_base && (!wr || (double)gr / (double)gf < json_real_value(json_object_get(wr, "rectify_rate"))))
            wr = o;
        if (ga >= min_base &&
            (!wc || (double)gd / (double)ga < json_real_value(json_object_get(wc, "compliance_rate"))))
            wc = o;
    }
    json_object_set(root, "worst_rectify_district", wr ? wr : json_null());
    json_object_set(root, "worst_compliance_district", wc ? wc : json_null());
    json_object_set_new(root, "hazards", json_incref(hz));
    /* The city's riskiest five. */
    size_t nr = json_array_size(c->risk);
    json_t **rv = calloc(nr + 1, sizeof *rv);
    json_t *named = json_array();
    if (rv) {
        for (size_t k = 0; k < nr; k++)
            rv[k] = json_array_get(c->risk, k);
        qsort(rv, nr, sizeof *rv, by_score);
        for (size_t k = 0; k < nr && k < 5; k++) {
            json_t *r = json_deep_copy(rv[k]);
            json_object_set_new(r, "n", json_integer((json_int_t)k + 1));
            json_object_del(r, "seq");
            json_array_append_new(named, r);
        }
        free(rv);
    }
    json_object_set_new(root, "risk_units", named);
    json_object_set_new(root, "risk_count", json_integer(c->risk_count));
    json_object_set_new(root, "risk_more", json_integer(c->risk_count > 5 ? c->risk_count - 5 : 0));
    json_object_set_new(root, "enforcement_count", json_integer(c->enforcement_count));
    /* Key-supervision units, summed. */
    json_t *key = c->key;
    json_object_set_new(key, "unrectified", json_integer(geti(key, "found") - geti(key, "rectified")));
    json_object_set_new(key, "rate_text", d25_report_rate_text(geti(key, "done"), geti(key, "applicable")));
    json_object_set_new(key, "rectify_rate_text", d25_report_rate_text(geti(key, "rectified"), geti(key, "found")));
    json_object_set_new(root, "key", json_incref(key));
    /* Measures: each with its districts. */
    json_t *ms = values(c->measures), *mlist = json_array();
    json_array_foreach (ms, i, o) {
        if (geti(o, "count") <= 0)
            continue;
        json_object_set_new(o, "n", json_integer((json_int_t)json_array_size(mlist) + 1));
        json_object_set_new(o, "districts_text", joined(json_object_get(o, "parts"), NULL, "、"));
        json_array_append(mlist, o);
    }
    json_decref(ms);
    json_object_set_new(root, "measures", mlist);
    /* The grade from the city's rates. */
    long app = geti(c->compliance, "applicable"), done = geti(c->compliance, "done");
    if (d25_risk_grade(cfg, app > 0 ? (double)done / (double)app : -1, found > 0 ? (double)fixed / (double)found : -1,
                       root) < 0) {
        json_decref(root);
        d25_city_free(c);
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    /* The trend, month by month in order. */
    json_t *tr = values(c->trend);
    size_t nt = json_array_size(tr);
    for (size_t a = 1; a < nt; a++)
        for (size_t b = a; b > 0; b--) {
            json_t *x = json_array_get(tr, b - 1), *y = json_array_get(tr, b);
            if (strcmp(json_string_value(json_object_get(x, "period")), json_string_value(json_object_get(y, "period"))) <= 0)
                break;
            json_incref(x);
            json_array_set(tr, b - 1, y);
            json_array_set_new(tr, b, x);
        }
    json_array_foreach (tr, i, o) {
        long ta = geti(o, "applicable"), td = geti(o, "done"), tf = geti(o, "found"), tx = geti(o, "rectified");
        json_object_set_new(o, "compliance_rate", d25_report_rate_of(td, ta));
        json_object_set_new(o, "compliance_rate_text", d25_report_rate_text(td, ta));
        json_object_set_new(o, "rectify_rate", d25_report_rate_of(tx, tf));
        json_object_set_new(o, "rectify_rate_text", d25_report_rate_text(tx, tf));
    }
    json_object_set_new(root, "trend_months", json_integer((json_int_t)nt));
    json_object_set_new(root, "trend_multi", json_boolean(nt > 1));
    json_object_set_new(root, "trend", tr);
    /* Flagged values. */
    json_object_set_new(root, "flagged", json_incref(c->flagged));
    json_object_set_new(root, "flagged_count", json_integer((json_int_t)json_array_size(c->flagged)));
    d25_buf ft = {0};
    json_array_foreach (c->flagged, i, o) {
        if (i == 10) { /* at most ten named */
            d25_buf_puts(&ft, "等（全部见各区（县）统计表）");
            break;
        }
        d25_buf_puts(&ft, i ? "、" : "");
        d25_buf_puts(&ft, json_string_value(json_object_get(o, "district")));
        d25_buf_puts(&ft, json_string_value(json_object_get(o, "name")));
        d25_buf_puts(&ft, "的“");
        d25_buf_puts(&ft, json_string_value(json_object_get(o, "label")));
        d25_buf_puts(&ft, "”");
    }
    json_object_set_new(root, "flagged_text", json_string(d25_buf_cstr(&ft) ? d25_buf_cstr(&ft) : ""));
    d25_buf_free(&ft);
    json_object_set_new(root, "received_doubts", json_array());
    d25_city_free(c);
    return root;
}

/* ---- the city's figures from its merged store ---- */

#include "data.h"
#include "document.h"
#include "../status/city.h"
#include "../status/status.h"
#include "../store/store.h"

d25_tree *d25_report_city_data(d25_store *s, const d25_rules *rules, const d25_config *cfg, int period, d25_error *err)
{
    /* A city names its districts ([organisation] districts), so that one
     * whose month never came is named; a province takes every district
     * its cities' packages brought (CITY/DISTRICT). */
    char **known = NULL;
    size_t nknown = 0;
    const char *const *list = (const char *const *)cfg->districts;
    size_t n = cfg->ndistricts;
    if (!n || cfg->level == D25_LEVEL_PROVINCE) {
        if (d25_store_districts(s, &known, &nknown, err) < 0)
            return NULL;
        list = (const char *const *)known;
        n = nknown;
    }
    int deadline = cfg->deadline_day ? cfg->deadline_day : rules->deadline_day;
    char p[16];
    d25_format_period(period, p, sizeof p);
    d25_city *acc = d25_city_new(cfg, rules, period);
    int rc = acc ? 0 : d25_fail(err, D25_E_NOMEM, "内存不足");
    for (size_t i = 0; i < n && rc == 0; i++) {
        d25_registry *reg = NULL;
        d25_status_report st = {0};
        d25_tree *t = NULL;
        rc = d25_store_district_units(s, list[i], &reg, err);
        if (rc == 0)
            rc = d25_status_build_in(s, reg, list[i], period, deadline, cfg->same_time_min, &st, err);
        if (rc == 0 && d25_store_set_district(s, list[i]) < 0)
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
        if (rc == 0 && !(t = d25_report_data(s, reg, rules, cfg, period, &st, err)))
            rc = -1;
        /* A province's packages are its cities': whether the month came,
         * and when, is the sending city's (the path's first part). */
        char sender[256];
        const char *slash = cfg->level == D25_LEVEL_PROVINCE ? strchr(list[i], '/') : NULL;
        snprintf(sender, sizeof sender, "%.*s", slash ? (int)(slash - list[i]) : (int)strlen(list[i]), list[i]);
        if (rc == 0)
            rc = d25_city_add(acc, list[i], t->root, d25_store_district_merged(s, sender, p) == 1,
                              d25_status_district_late(s, cfg, sender, period) == 1, err);
        /* When its package for the month first came ("" never). */
        char sent[32] = "";
        if (rc == 0 && d25_store_district_sent(s, sender, p, sent, sizeof sent) != 1)
            sent[0] = '\0';
        if (rc == 0)
            json_object_set_new(json_array_get(acc->by_district, json_array_size(acc->by_district) - 1),
                                "package_sent", json_string(sent));
        d25_tree_free(t);
        d25_status_report_free(&st);
        d25_registry_free(reg);
        d25_store_set_district(s, NULL);
    }
    for (size_t i = 0; i < nknown; i++)
        free(known[i]);
    free(known);
    if (rc < 0) {
        d25_city_free(acc);
        return NULL;
    }
    json_t *root = d25_city_finish(acc, err);
    /* The city's own deadline for its districts' packages ("" none). */
    char due[16] = "";
    d25_status_district_deadline(cfg, period, due, sizeof due);
    if (root)
        json_object_set_new(root, "package_deadline", json_string(due));
    d25_tree *tree = root ? d25_tree_new(root) : NULL;
    if (root && !tree) {
        json_decref(root);
        d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    if (tree && d25_report_document(s, cfg, period, tree, err) < 0) {
        d25_tree_free(tree);
        tree = NULL;
    }
    return tree;
}
