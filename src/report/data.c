/* data: the figures of a period's report (see data.h, docs/report-data.md). */
#include "data.h"
#include "document.h"
#include "risk.h"

#include <pthread.h>
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

typedef struct {
    long done, partial, not_done, na;
} tally;

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
static const char *rate_words(long num, long den, char b[64])
{
    if (den <= 0)
        return "—";
    snprintf(b, 64, "%.1f%%（%ld/%ld）", 100.0 * (double)num / (double)den, num, den);
    return b;
}

json_t *d25_report_rate_text(long num, long den)
{
    char b[64];
    return json_string(rate_words(num, den, b));
}

static void put_tally(json_t *o, const tally *t)
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

static void add_tally(tally *to, const tally *t)
{
    to->done += t->done;
    to->partial += t->partial;
    to->not_done += t->not_done;
    to->na += t->na;
}

/* Each "code=letter" of a statuses summary ("1.1=d;1.2=n", as the store
 * wrote it from the rule set): fn(ud, sub, letter) for the sub-items the
 * rule set knows, looked up by their numbers in one pass over the text
 * (a month is 800,000 of them). */
static void each_status(const d25_rules *rules, const char *s, void (*fn)(void *, const d25_subitem *, char), void *ud)
{
    while (s && *s) {
        const char *p;
        const d25_subitem *it = d25_rules_sub_prefix(rules, s, &p);
        if (it && p[0] == '=' && p[1] && p[1] != ';')
            fn(ud, it, p[1]);
        s = strchr(p, ';');
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

/* Sub-item tallies summed per item, per duty and in all. */
typedef struct {
    tally *subs, *items, *duties, all;
} tallies;

/* Not-done sub-items of one unit. */
typedef struct {
    d25_buf keys; /* sub-items not done, "|3.2|22.9|" */
    int n;        /* sub-items not done */
    int key_app, key_done; /* a key-supervision unit's answers to the key-supervision sub-items */
    d25_buf key_codes;     /* those not done or partial, "|23.2=n|" */
    bool nomem;
} nd;

static void note_not_done(void *ud, const d25_subitem *sub, char st)
{
    nd *x = ud;
    if (st != 'n')
        return;
    x->n++;
    /* "|1.1|3.2|": the not-done codes, looked up below. */
    if ((!x->keys.len && d25_buf_puts(&x->keys, "|") < 0) || d25_buf_puts(&x->keys, sub->code) < 0 ||
        d25_buf_puts(&x->keys, "|") < 0)
        x->nomem = true;
}

/* What the checklists that count in a period add up to, read in one pass
 * over the store (d25_store_current_each) without holding them: each
 * sub-item's tally, and each expected unit's not-done sub-items (for the
 * enforcement list; only with a status report). */
typedef struct {
    const d25_rules *rules;
    const d25_registry *reg;
    const d25_status_report *st;
    tallies t;
    nd *not_done;  /* by st->units index */
    int *units_nd; /* by rules->items index: units with a sub-item of it not done */
    bool *key_sub; /* by rules->subs index: a key-supervision sub-item (d25_rules_key_sub) */
    int *nd_reg;   /* without a status: by registry index, sub-items not done (-1: no checklist) */
    bool nomem;
} month;

/* A status counted in its tally, and noted among the unit's not-done
 * sub-items when the unit is expected. */
typedef struct {
    tally_ctx tc;
    nd *x; /* NULL: not expected this month */
    const bool *key_sub; /* the unit is a key-supervision one: month.key_sub, else NULL */
    int nn; /* sub-items not done */
    uint64_t nd_items; /* bit n: the unit has a sub-item of item n (< 64) not done */
} row_ctx;

static void row_status(void *ud, const d25_subitem *sub, char st)
{
    row_ctx *r = ud;
    count_status(&r->tc, sub, st);
    r->nn += st == 'n';
    if (st == 'n' && sub->item >= 0 && sub->item < 64)
        r->nd_items |= UINT64_C(1) << sub->item;
    if (r->x)
        note_not_done(r->x, sub, st);
    if (r->x && r->key_sub && r->key_sub[sub - r->tc.rules->subs] && st != 'a') {
        r->x->key_app++;
        r->x->key_done += st == 'd';
        char t[24];
        snprintf(t, sizeof t, "%s=%c|", sub->code, st);
        if (st != 'd' && ((!r->x->key_codes.len && d25_buf_puts(&r->x->key_codes, "|") < 0) ||
                          d25_buf_puts(&r->x->key_codes, t) < 0))
            r->x->nomem = true;
    }
}

static int month_row(void *ud, const d25_current *c)
{
    month *mo = ud;
    if (!c->statuses)
        return 0;
    const d25_unit *u = mo->reg ? d25_registry_by_code(mo->reg, c->unit) : NULL;
    const d25_unit_status *us = mo->st ? d25_status_unit(mo->st, mo->reg, u) : NULL;
    row_ctx r = {{mo->rules, mo->t.subs}, us ? &mo->not_done[us - mo->st->units] : NULL,
                 us && d25_rules_key_unit(mo->rules, u->flags) ? mo->key_sub : NULL, 0, 0};
    each_status(mo->rules, c->statuses, row_status, &r);
    if (mo->nd_reg && u)
        mo->nd_reg[u - mo->reg->units] = r.nn;
    for (size_t k = 0; r.nd_items && k < mo->rules->nitems; k++)
        if (mo->rules->items[k].n >= 0 && mo->rules->items[k].n < 64 && (r.nd_items >> mo->rules->items[k].n & 1))
            mo->units_nd[k]++;
    mo->nomem = r.x && r.x->nomem;
    return mo->nomem ? -1 : 0;
}

static void month_free(month *mo)
{
    free(mo->t.subs);
    free(mo->t.items);
    free(mo->t.duties);
    free(mo->units_nd);
    free(mo->key_sub);
    free(mo->nd_reg);
    for (size_t i = 0; mo->not_done && i < mo->st->nunits; i++) {
        d25_buf_free(&mo->not_done[i].keys);
        d25_buf_free(&mo->not_done[i].key_codes);
    }
    free(mo->not_done);
    memset(mo, 0, sizeof *mo);
}

/* Make mo ready to be given a period's checklists, row by row (month_row;
 * st: the period's status, for the not-done lists, or NULL).  -1 out of
 * memory, with err set and nothing to free. */
static int month_begin(const d25_rules *rules, const d25_registry *reg, const d25_status_report *st, month *mo,
                       d25_error *err)
{
    *mo = (month){.rules = rules, .reg = reg, .st = st};
    tallies *t = &mo->t;
    t->subs = calloc(rules->nsubs + 1, sizeof *t->subs);
    t->items = calloc(rules->nitems + 1, sizeof *t->items);
    t->duties = calloc(rules->nduties + 1, sizeof *t->duties);
    mo->units_nd = calloc(rules->nitems + 1, sizeof *mo->units_nd);
    if (st)
        mo->not_done = calloc(st->nunits + 1, sizeof *mo->not_done);
    mo->key_sub = calloc(rules->nsubs + 1, sizeof *mo->key_sub);
    for (size_t i = 0; mo->key_sub && i < rules->nsubs; i++)
        mo->key_sub[i] = d25_rules_key_sub(rules, &rules->subs[i]);
    if (reg && !st && (mo->nd_reg = malloc((reg->n + 1) * sizeof *mo->nd_reg)))
        for (size_t i = 0; i < reg->n; i++)
            mo->nd_reg[i] = -1;
    if (!t->subs || !t->items || !t->duties || !mo->units_nd || (st && !mo->not_done) || !mo->key_sub ||
        (reg && !st && !mo->nd_reg)) {
        month_free(mo);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    return 0;
}

/* Once every row is in: the items' and the duties' tallies from the
 * sub-items'. */
static void month_end(month *mo)
{
    const d25_rules *rules = mo->rules;
    tallies *t = &mo->t;
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
}

/* Read the period's checklists into mo (st: as month_begin; upto: as
 * d25_store_current_each). */
static int read_month(d25_store *s, const d25_rules *rules, const d25_registry *reg, const d25_status_report *st,
                      const char *period, int64_t upto, month *mo, d25_error *err)
{
    if (month_begin(rules, reg, st, mo, err) < 0)
        return -1;
    if (d25_store_current_each(s, period, D25_CURRENT_STATUSES, upto, month_row, mo, err) < 0) {
        if (mo->nomem)
            d25_fail(err, D25_E_NOMEM, "内存不足");
        month_free(mo);
        return -1;
    }
    month_end(mo);
    return 0;
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
    /* last month's counts too, so that a city can sum them (report/city) */
    json_object_set_new(o, "prev_applicable", json_integer(prev ? prev->done + prev->partial + prev->not_done : 0));
    json_object_set_new(o, "prev_done", json_integer(prev ? prev->done : 0));
    json_object_set_new(o, "has_prev", json_boolean(prev && prev->done + prev->partial + prev->not_done > 0));
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

/* The change of a rate from last month's in words: "上升1.2个百分点",
 * "持平", or "—" when either has nothing to divide by (static). */
static const char *change_words(long num, long den, long pnum, long pden)
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
    return json_string(change_words(num, den, pnum, pden));
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
static void compliance(const d25_rules *rules, const month *mo, const month *last, int weak_min_base, json_t *root)
{
    const tallies now = mo->t, prev = last->t;
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

/* One unit's hazards added to its group of a map (type or area). */
static int add_hazards(json_t *map, const char *key, bool by_area, long found, long fixed)
{
    json_t *g = json_object_get(map, key);
    if (!g) {
        g = json_pack("{s:s,s:I,s:I}", by_area ? "area" : "type", key, "found", (json_int_t)0, "rectified", (json_int_t)0);
        if (g && !by_area)
            json_object_set_new(g, "label", json_string(d25_unit_type_label(key)));
        if (!g || json_object_set_new(map, key, g) < 0)
            return -1;
    }
    json_integer_set(json_object_get(g, "found"), json_integer_value(json_object_get(g, "found")) + found);
    json_integer_set(json_object_get(g, "rectified"), json_integer_value(json_object_get(g, "rectified")) + fixed);
    return 0;
}

enum { P_CODE, P_NAME, P_TYPE, P_TYPE_LABEL, P_AREA, P_FIELDS }; /* then the fields, n, rate, rate text */

/* A month of the trend chart: its compliance tally and its hazards (the
 * month's flagged values left out). */
enum { D25_TREND_MAX = 24 };
typedef struct {
    int period;
    const json_t *flagged;
    tally all;
    long found, fixed;
    bool tables;  /* progress tables with hazard counts */
} trend_month;

/* The side pass: the progress part, built one unit at a time as the store
 * reads them, then last month's tallies (for the compliance part's
 * changes), on a thread of its own with a connection of its own while the
 * calling thread builds the rest of the tree from this month's statuses.
 * Each reads every return of a month, 10,000 of them in a large district. */
typedef struct {
    const d25_registry *reg;
    const d25_rules *rules;
    const char *db;      /* the store's file */
    const char *district; /* the district its rows are of (d25_store_set_district), or NULL */
    char period[16], prev[16];
    month last;          /* last month's tallies */
    int64_t upto;        /* the last return the calling thread's snapshot sees */
    d25_rows *rows;      /* the list, attached to the tree when done */
    const d25_pfield **order;
    size_t nfields;
    d25_blanks blanks;
    long *sum;           /* the total row: each count field's sum, by field */
    const json_t *flagged; /* values the quality pass flagged: left out of the sums */
    long found, fixed;
    json_t *total, *by_type, *by_area;
    long *ufound, *ufixed;  /* by registry index: each unit's hazards (flagged values left out) */
    unsigned char *uhas;    /* by registry index: its progress table gave hazard counts */
    const json_t *prev_flagged; /* last month's flagged values */
    json_t *flag_set, *prev_set; /* the two as sets (flag_set), or NULL when none */
    long prev_found, prev_fixed; /* last month's hazards, in all */
    bool prev_any;          /* last month had progress tables with hazard counts */
    json_t *prev_by_type, *prev_by_area; /* and by group, as by_type and by_area */
    trend_month trend[D25_TREND_MAX]; /* the trend's months before last month, oldest first */
    int ntrend;
    bool nomem;
    int rc;              /* of the pass: 0, or -1 with err set */
    d25_error err;
    pthread_t thread;
    bool started;
} side_pass;

/* The flagged values of a list (add_flagged's objects) as a set keyed
 * "code\x1ffield", looked up once per value of every progress table (a
 * district of 10,000 units can have hundreds flagged): NULL when the list
 * is empty or out of memory (then nothing is left out: the caller checks). */
/* "code US field" into key (n bytes): 0, or -1 when it does not fit (no
 * such value was flagged: codes and fields are short). */
static int flag_key(char *key, size_t n, const char *unit, const char *field)
{
    size_t a = strlen(unit), b = field ? strlen(field) : 0;
    if (a + b + 2 > n)
        return -1;
    memcpy(key, unit, a);
    if (field) {
        key[a++] = '\x1f';
        memcpy(key + a, field, b);
    }
    key[a + b] = '\0';
    return 0;
}

json_t *d25_report_flag_set(const json_t *flagged)
{
    if (!json_array_size(flagged))
        return NULL;
    json_t *set = json_object();
    size_t i;
    const json_t *o;
    json_array_foreach (flagged, i, o) {
        /* the value's key, and the unit's alone (d25_report_unit_flagged) */
        char key[512], unit[512];
        const char *code = json_string_value(json_object_get(o, "code"));
        if (!code || flag_key(key, sizeof key, code, json_string_value(json_object_get(o, "field"))) < 0 ||
            flag_key(unit, sizeof unit, code, NULL) < 0)
            continue;
        if (!set || json_object_set_new(set, key, json_true()) < 0 || json_object_set_new(set, unit, json_true()) < 0) {
            json_decref(set);
            return NULL;
        }
    }
    return set;
}

/* Whether the quality pass flagged this unit's value of field (looked up
 * for every value of every progress table: no printf here). */
bool d25_report_is_flagged(const json_t *set, const char *unit, const char *field)
{
    char key[512];
    return set && field && flag_key(key, sizeof key, unit, field) == 0 && json_object_get(set, key) != NULL;
}

bool d25_report_unit_flagged(const json_t *set, const char *unit)
{
    return set && json_object_get(set, unit) != NULL;
}

/* One unit's row, its hazards and its part of the total.  -1 out of
 * memory. */
static int add_progress_row(side_pass *p, const d25_current *cur)
{
    if (!cur->progress)
        return 0;
    const char *code = cur->unit;
    const d25_unit *u = d25_registry_by_code(p->reg, code);
    d25_cell *row = d25_rows_add(p->rows);
    if (!row || (u ? 0 : d25_cell_str(p->rows, &row[P_CODE], code)) < 0 || d25_blanks_read(&p->blanks, cur->progress) < 0)
        return -1;
    if (u) {
        d25_cell_borrow(&row[P_CODE], u->code);
        d25_cell_borrow(&row[P_NAME], u->name);
        d25_cell_borrow(&row[P_TYPE], u->type);
        d25_cell_borrow(&row[P_TYPE_LABEL], d25_unit_type_label(u->type));
        d25_cell_borrow(&row[P_AREA], u->area);
    } else {
        row[P_NAME] = row[P_CODE];
        d25_cell_borrow(&row[P_TYPE], "");
        d25_cell_borrow(&row[P_TYPE_LABEL], "");
        d25_cell_borrow(&row[P_AREA], "");
    }
    size_t hint = 0, nfields = p->nfields;
    bool uflag = d25_report_unit_flagged(p->flag_set, code);
    long u_found = 0, u_fixed = 0;
    bool has_found = false, has_fixed = false;
    for (size_t vi = 0; vi < p->blanks.n; vi++) {
        const d25_blank *pv = &p->blanks.v[vi];
        const d25_pfield *f = field_of(p->order, nfields, pv->field, &hint);
        if (!f)
            continue;
        size_t fi = hint - 1; /* field_of leaves hint just past the field found */
        d25_cell *c = &row[P_FIELDS + fi];
        long v = pv->value;
        if (!pv->ok)
            c->kind = D25_CELL_NULL;
        else if (f->type == D25_F_YESNO)
            d25_cell_borrow(c, v ? "是" : "否");
        else if (f->type == D25_F_HAVENOT)
            d25_cell_borrow(c, v ? "有" : "无");
        else if (f->type == D25_F_TEXT) {
            if (d25_cell_str(p->rows, c, pv->raw) < 0)
                return -1;
        } else
            d25_cell_int(c, v);
        if (pv->ok && f->type == D25_F_COUNT && !(uflag && d25_report_is_flagged(p->flag_set, code, f->name))) {
            p->sum[fi] += v;
            if (strcmp(f->name, p->rules->hazards_found) == 0) {
                u_found += v;
                has_found = true;
            } else if (strcmp(f->name, p->rules->hazards_fixed) == 0) {
                u_fixed += v;
                has_fixed = true;
            }
        }
    }
    if (u && (has_found || has_fixed)) {
        size_t ui = (size_t)(u - p->reg->units);
        p->ufound[ui] += u_found;
        p->ufixed[ui] += u_fixed;
        p->uhas[ui] = 1;
        p->found += u_found;
        p->fixed += u_fixed;
        if (add_hazards(p->by_type, u->type, false, u_found, u_fixed) < 0 ||
            add_hazards(p->by_area, u->area, true, u_found, u_fixed) < 0)
            return -1;
    }
    /* Its row number and rectification rate. */
    d25_cell_int(&row[P_FIELDS + nfields], (long long)p->rows->n);
    if (u_found > 0)
        d25_cell_real(&row[P_FIELDS + nfields + 1], (double)u_fixed / (double)u_found);
    char b[64];
    return d25_cell_str(p->rows, &row[P_FIELDS + nfields + 2], rate_words(u_fixed, u_found, b));
}

static int progress_row(void *ud, const d25_current *cur)
{
    side_pass *p = ud;
    p->nomem = add_progress_row(p, cur) < 0;
    return p->nomem ? -1 : 0;
}

/* A month's hazards, summed one progress table at a time (its flagged
 * values left out), and by group when the maps are given. */
typedef struct {
    side_pass *p;
    const json_t *flagged;
    long *found, *fixed;
    bool *any;
    json_t *by_type, *by_area;
} hz_pass;

static int month_progress_row(void *ud, const d25_current *cur)
{
    hz_pass *h = ud;
    side_pass *p = h->p;
    const d25_unit *u = cur->progress ? d25_registry_by_code(p->reg, cur->unit) : NULL;
    if (!u)
        return 0;
    if (d25_blanks_read(&p->blanks, cur->progress) < 0) {
        p->nomem = true;
        return -1;
    }
    long found = 0, fixed = 0;
    bool any = false, uflag = d25_report_unit_flagged(h->flagged, u->code);
    for (size_t i = 0; i < p->blanks.n; i++) {
        const d25_blank *b = &p->blanks.v[i];
        bool is_found = strcmp(b->field, p->rules->hazards_found) == 0;
        if (!b->ok || !(is_found || strcmp(b->field, p->rules->hazards_fixed) == 0) ||
            (uflag && d25_report_is_flagged(h->flagged, u->code, b->field)))
            continue;
        *(is_found ? &found : &fixed) += b->value;
        any = true;
    }
    if (!any)
        return 0;
    *h->any = true;
    *h->found += found;
    *h->fixed += fixed;
    if ((h->by_type && add_hazards(h->by_type, u->type, false, found, fixed) < 0) ||
        (h->by_area && add_hazards(h->by_area, u->area, true, found, fixed) < 0)) {
        p->nomem = true;
        return -1;
    }
    return 0;
}

/* An earlier month's checklists (into mo, as read_month) and its hazards
 * (as month_progress_row, through h) in one pass over its returns.  On
 * failure mo is freed and p->err set. */
typedef struct {
    month *mo;
    hz_pass *h;
} whole_pass;

static int whole_row(void *ud, const d25_current *c)
{
    whole_pass *w = ud;
    return month_row(w->mo, c) < 0 ? -1 : month_progress_row(w->h, c);
}

static int read_month_whole(d25_store *s, side_pass *p, const d25_registry *reg, const char *period, month *mo,
                            hz_pass *h)
{
    if (month_begin(p->rules, reg, NULL, mo, &p->err) < 0)
        return -1;
    whole_pass w = {mo, h};
    if (d25_store_current_each(s, period, D25_CURRENT_STATUSES | D25_CURRENT_PROGRESS, p->upto, whole_row, &w,
                               &p->err) < 0) {
        if (mo->nomem || p->nomem)
            d25_fail(&p->err, D25_E_NOMEM, "内存不足");
        month_free(mo);
        return -1;
    }
    month_end(mo);
    return 0;
}

static void side_free(side_pass *p)
{
    d25_blanks_free(&p->blanks);
    d25_rows_free(p->rows);
    free(p->order);
    free(p->sum);
    json_decref(p->total);
    json_decref(p->by_type);
    json_decref(p->by_area);
    json_decref(p->prev_by_type);
    json_decref(p->prev_by_area);
    json_decref(p->flag_set);
    json_decref(p->prev_set);
    free(p->ufound);
    free(p->ufixed);
    free(p->uhas);
    month_free(&p->last);
    memset(p, 0, sizeof *p);
}

static void *side_run(void *arg)
{
    side_pass *p = arg;
    d25_store *s = d25_store_open(p->db, -1, &p->err);
    if (s && (d25_store_set_edition(s, p->rules->id) < 0 || d25_store_set_district(s, p->district) < 0)) {
        d25_store_close(s);
        s = NULL;
        d25_fail(&p->err, D25_E_NOMEM, "内存不足");
    }
    /* One pass over the tables: a small page cache will do. */
    if (s && d25_store_exec(s, "PRAGMA cache_size = -256", &p->err) < 0) {
        d25_store_close(s);
        s = NULL;
    }
    p->rc = s ? d25_store_current_each(s, p->period, D25_CURRENT_PROGRESS, p->upto, progress_row, p, &p->err) : -1;
    if (p->rc < 0 && p->nomem)
        d25_fail(&p->err, D25_E_NOMEM, "内存不足");
    if (p->rc == 0) {
        hz_pass h = {p, p->prev_set, &p->prev_found, &p->prev_fixed, &p->prev_any, p->prev_by_type, p->prev_by_area};
        p->rc = read_month_whole(s, p, p->reg, p->prev, &p->last, &h);
    }
    /* The trend's earlier months: each one's compliance and hazards. */
    for (int k = 0; k < p->ntrend && p->rc == 0; k++) {
        trend_month *t = &p->trend[k];
        char per[16];
        d25_format_period(t->period, per, sizeof per);
        json_t *set = d25_report_flag_set(t->flagged);
        if (json_array_size(t->flagged) && !set) {
            p->nomem = true;
            p->rc = -1;
            break;
        }
        month m;
        hz_pass h = {p, set, &t->found, &t->fixed, &t->tables, NULL, NULL};
        p->rc = read_month_whole(s, p, NULL, per, &m, &h);
        json_decref(set);
        if (p->rc < 0)
            break;
        t->all = m.t.all;
        month_free(&m);
    }
    if (p->rc < 0 && p->nomem)
        d25_fail(&p->err, D25_E_NOMEM, "内存不足");
    d25_store_close(s);
    d25_blanks_free(&p->blanks);
    return NULL;
}

/* Start the pass over period's progress tables and period - 1's
 * checklists (on its own thread when one can be had, else here and now).
 * -1 out of memory, with err set. */
static int side_start(side_pass *p, const d25_registry *reg, const d25_rules *rules, const char *db, const char *district,
                          int period, int64_t upto, const json_t *flagged, const json_t *prev_flagged,
                          const trend_month *trend, int ntrend, d25_error *err)
{
    *p = (side_pass){.reg = reg, .rules = rules, .db = db, .district = district, .upto = upto, .flagged = flagged,
                     .prev_flagged = prev_flagged};
    p->flag_set = d25_report_flag_set(flagged);
    p->prev_set = d25_report_flag_set(prev_flagged);
    if ((json_array_size(flagged) && !p->flag_set) || (json_array_size(prev_flagged) && !p->prev_set)) {
        side_free(p);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    for (int k = 0; k < ntrend && k < D25_TREND_MAX; k++)
        p->trend[p->ntrend++] = trend[k];
    d25_format_period(period, p->period, sizeof p->period);
    d25_format_period(period - 1, p->prev, sizeof p->prev);
    p->order = fields_in_order(rules, &p->nfields);
    size_t nfields = p->nfields;
    const char **cols = p->order ? calloc(P_FIELDS + nfields + 3, sizeof *cols) : NULL;
    if (cols) {
        static const char *const head[P_FIELDS] = {"code", "name", "type", "type_label", "area"};
        memcpy(cols, head, sizeof head);
        for (size_t k = 0; k < nfields; k++)
            cols[P_FIELDS + k] = p->order[k]->name;
        cols[P_FIELDS + nfields] = "n";
        cols[P_FIELDS + nfields + 1] = "rectify_rate";
        cols[P_FIELDS + nfields + 2] = "rectify_rate_text";
        p->rows = d25_rows_new("progress", cols, P_FIELDS + nfields + 3);
    }
    free(cols);
    p->total = json_object();
    p->by_type = json_object();
    p->by_area = json_object();
    p->sum = calloc(nfields + 1, sizeof *p->sum);
    p->prev_by_type = json_object();
    p->prev_by_area = json_object();
    p->ufound = calloc(reg->n + 1, sizeof *p->ufound);
    p->ufixed = calloc(reg->n + 1, sizeof *p->ufixed);
    p->uhas = calloc(reg->n + 1, 1);
    /* Room for every unit of the registry: most send the table. */
    if (!p->rows || d25_rows_reserve(p->rows, reg->n) < 0 || !p->sum || !p->total ||
        !p->by_type || !p->by_area || !p->prev_by_type || !p->prev_by_area || !p->ufound || !p->ufixed || !p->uhas) {
        side_free(p);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    p->started = pthread_create(&p->thread, NULL, side_run, p) == 0;
    if (!p->started)
        side_run(p);
    return 0;
}

/* Wait for the pass to end and hand last month's tallies to *last (the
 * caller frees them with month_free).  -1 with err set when the pass
 * failed (side_finish then frees it). */
static int side_wait(side_pass *p, month *last, d25_error *err)
{
    if (p->started)
        pthread_join(p->thread, NULL);
    p->started = false;
    if (p->rc < 0) {
        *err = p->err;
        return -1;
    }
    *last = p->last;
    memset(&p->last, 0, sizeof p->last);
    return 0;
}

/* Wait for the pass to end; with a tree, put what it found in its place in
 * the tree: hazards (in all, by type, by area), the fields, the
 * consolidated progress table and its total row.  Frees the pass. */
static int side_finish(side_pass *p, const d25_rules *rules, const d25_status_report *st, int min_base, bool cumulative,
                       d25_tree *tree, d25_error *err)
{
    if (p->started)
        pthread_join(p->thread, NULL);
    p->started = false;
    if (!tree || p->rc < 0) {
        if (tree)
            *err = p->err;
        side_free(p);
        return -1;
    }
    json_t *root = tree->root;
    /* Every count field, 0 when no table has it yet: a month whose
     * progress tables have not come in still has a total row. */
    for (size_t i = 0; i < p->nfields; i++)
        if (p->order[i]->type == D25_F_COUNT)
            json_object_set_new(p->total, p->order[i]->name, json_integer(p->sum[i]));
    json_t *hz = json_object();
    json_object_set_new(hz, "found", json_integer(p->found));
    json_object_set_new(hz, "rectified", json_integer(p->fixed));
    json_object_set_new(hz, "unrectified", json_integer(p->found - p->fixed));
    json_object_set_new(hz, "rate", d25_report_rate_of(p->fixed, p->found));
    json_object_set_new(hz, "rate_text", d25_report_rate_text(p->fixed, p->found));
    json_object_set_new(hz, "cumulative", json_boolean(cumulative));
    /* Last month: its totals, what was found and rectified since (the
     * counts being cumulative) and the change of the rate. */
    json_object_set_new(hz, "has_prev", json_boolean(p->prev_any));
    json_object_set_new(hz, "prev_found", json_integer(p->prev_found));
    json_object_set_new(hz, "prev_rectified", json_integer(p->prev_fixed));
    json_object_set_new(hz, "prev_rate_text", d25_report_rate_text(p->prev_fixed, p->prev_found));
    json_object_set_new(hz, "new_found", json_integer(p->found - p->prev_found));
    json_object_set_new(hz, "new_rectified", json_integer(p->fixed - p->prev_fixed));
    json_object_set_new(hz, "change_text", json_string(p->prev_any ? change_words(p->fixed, p->found, p->prev_fixed, p->prev_found) : "—"));
    json_t *maps[2] = {p->by_type, p->by_area}, *prevs[2] = {p->prev_by_type, p->prev_by_area};
    const char *names[2] = {"by_type", "by_area"}, *worst_names[2] = {"worst_type", "worst_area"};
    for (int m = 0; m < 2; m++) {
        /* The groups in the status's order (the configuration's), then
         * any other. */
        json_t *arr = json_array(), *worst = NULL;
        const d25_status_group *sg = m ? st->by_area : st->by_type;
        size_t ng = m ? st->nareas : st->ntypes;
        for (size_t pass = 0; pass < 2; pass++) {
            const char *k;
            json_t *g;
            for (size_t i = 0; pass == 0 && i < ng; i++)
                if ((g = json_object_get(maps[m], sg[i].key)))
                    json_array_append(arr, g);
            json_object_foreach(maps[m], k, g) {
                bool listed = false;
                for (size_t i = 0; i < ng && !listed; i++)
                    listed = strcmp(sg[i].key, k) == 0;
                if (pass == 1 && !listed)
                    json_array_append(arr, g);
            }
        }
        size_t i;
        json_t *g;
        json_array_foreach (arr, i, g) {
            long gf = (long)json_integer_value(json_object_get(g, "found"));
            long gr = (long)json_integer_value(json_object_get(g, "rectified"));
            json_object_set_new(g, "unrectified", json_integer(gf - gr));
            json_object_set_new(g, "rate", d25_report_rate_of(gr, gf));
            json_object_set_new(g, "rate_text", d25_report_rate_text(gr, gf));
            const json_t *pg = json_object_get(prevs[m], json_string_value(json_object_get(g, m ? "area" : "type")));
            long pf = pg ? (long)json_integer_value(json_object_get(pg, "found")) : 0;
            long pr = pg ? (long)json_integer_value(json_object_get(pg, "rectified")) : 0;
            json_object_set_new(g, "change_text", json_string(pg ? change_words(gr, gf, pr, pf) : "—"));
            json_object_set_new(g, "prev_found", json_integer(pf));
            json_object_set_new(g, "prev_rectified", json_integer(pr));
            /* The worst group: the lowest rate among those with at least
             * min_base hazards found (a rate of 1 of 2 says nothing). */
            if (gf >= (min_base > 0 ? min_base : 1) &&
                (!worst || (double)gr / (double)gf < json_real_value(json_object_get(worst, "rate"))))
                worst = g;
        }
        if (!m)
            d25_report_sort_types(rules, arr);
        json_object_set_new(hz, names[m], arr);
        json_object_set(hz, worst_names[m], worst ? worst : json_null());
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
    int rc = d25_tree_add(tree, p->rows);
    p->rows = NULL; /* the tree's now, or freed */
    json_object_set(root, "progress_total", p->total);
    side_free(p);
    return rc < 0 ? d25_fail(err, D25_E_NOMEM, "内存不足") : 0;
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

/* One row per unit expected: its submission; and the same rows again for
 * the units still to be called (missing, rejected, incomplete). */
static int submissions(d25_tree *tree, const d25_status_report *st)
{
    static const char *const cols[] = {"n", "code", "name", "type_label", "area", "contact",
                                       "phone", "state", "state_label", "received"};
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    d25_rows *all = d25_tree_list(tree, "submissions", cols, NCOLS);
    d25_rows *todo = all ? d25_tree_list(tree, "not_returned", cols, NCOLS) : NULL;
    if (!todo || d25_rows_reserve(all, st->nunits) < 0)
        return -1;
    for (size_t i = 0; i < st->nunits; i++) {
        const d25_unit_status *us = &st->units[i];
        d25_cell *c = d25_rows_add(all);
        if (!c)
            return -1;
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
            return -1;
        if (us->state == D25_UNIT_MISSING || us->state == D25_UNIT_REJECTED || us->state == D25_UNIT_INCOMPLETE) {
            d25_cell *t = d25_rows_add(todo);
            if (!t)
                return -1;
            /* The same cells: their strings are borrowed or in the
             * submissions list's arena, which lives as long as this list. */
            memcpy(t, d25_rows_row(all, all->n - 1), NCOLS * sizeof *t);
        }
    }
    return 0;
}

typedef struct {
    const d25_registry *reg;
    const d25_rules *rules;
    json_t *list;
} flag_ctx;

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
 * in the first month shown) and its rates (null with nothing to divide). */
static json_t *trend_point(int period, bool first, const tally *all, long found, long fixed)
{
    char label[32];
    int y = period / 12, m = period % 12 + 1;
    if (first || m == 1)
        snprintf(label, sizeof label, "%d年%d月", y, m);
    else
        snprintf(label, sizeof label, "%d月", m);
    double r = rate_val(all);
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
static int put_trend(json_t *root, const side_pass *p, int period, const tally *now, const tally *last)
{
    json_t *arr = json_array();
    if (!arr)
        return -1;
    bool first = true;
    for (int k = 0; k < p->ntrend; k++) {
        const trend_month *t = &p->trend[k];
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

static d25_tree *report_data_flagged(d25_store *s, int64_t upto, const d25_registry *reg, const d25_rules *rules,
                                     const d25_config *cfg, int period, const d25_status_report *status,
                                     json_t *flagged, const json_t *prev_flagged, const trend_month *trend, int ntrend,
                                     d25_error *err)
{
    char p[16], cn[32];
    d25_format_period(period, p, sizeof p);
    d25_format_period_cn(period, cn, sizeof cn);
    side_pass pp;
    if (side_start(&pp, reg, rules, d25_store_path(s), d25_store_district(s), period, upto, flagged, prev_flagged, trend, ntrend, err) < 0)
        return NULL;
    d25_status_report own = {0};
    if (!status && d25_status_build(s, reg, period, cfg->deadline_day ? cfg->deadline_day : rules->deadline_day, cfg->same_time_min, &own, err) < 0) {
        side_finish(&pp, rules, NULL, 0, false, NULL, err);
        return NULL;
    }
    const d25_status_report *st = status ? status : &own;
    month mo;
    if (read_month(s, rules, reg, st, p, -1, &mo, err) < 0) {
        side_finish(&pp, rules, NULL, 0, false, NULL, err);
        d25_status_report_free(&own);
        return NULL;
    }
    d25_tree *tree = d25_tree_new(json_object());
    /* What the report's judgement (risk.h) needs of each unit expected. */
    d25_unit_facts *facts = tree ? calloc(st->nunits + 1, sizeof *facts) : NULL;
    if (!facts) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        side_finish(&pp, rules, NULL, 0, false, NULL, err);
        d25_status_report_free(&own);
        month_free(&mo);
        d25_tree_free(tree);
        return NULL;
    }
    for (size_t i = 0; i < st->nunits; i++) {
        const nd *x = &mo.not_done[i];
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
    /* The edition's words ([edition] of the rule set): {{words.issuer}}... */
    json_t *words = json_object();
    const char *wk, *wv;
    for (size_t i = 0; (wv = d25_rules_word(rules, i, &wk)); i++)
        json_object_set_new(words, wk, json_string(wv));
    json_object_set_new(root, "words", words);
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
    if (submissions(tree, st) < 0) {
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
    month last = {0};
    if (erc < 0 || side_wait(&pp, &last, err) < 0)
        goto fail;
    compliance(rules, &mo, &last, cfg->weak_min_base, root);
    if (put_trend(root, &pp, period, &mo.t.all, &last.t.all) < 0) {
        month_free(&last);
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
    month_free(&last);
    if (d25_risk_build(cfg, rules, facts, st->nunits, rate_val(&mo.t.all),
                       pp.found > 0 ? (double)pp.fixed / (double)pp.found : -1, root, err) < 0)
        goto fail;
    if (side_finish(&pp, rules, st, cfg->weak_min_base, cfg->counts == D25_COUNTS_CUMULATIVE, tree, err) < 0)
        goto fail;
    free(facts);
    month_free(&mo);
    d25_status_report_free(&own);
    return tree;
fail:
    side_finish(&pp, rules, NULL, 0, false, NULL, err); /* when not finished yet */
    free(facts);
    d25_tree_free(tree);
    month_free(&mo);
    d25_status_report_free(&own);
    return NULL;
}

/* The values the quality pass flagged, read before the side pass starts
 * (it leaves them out of the totals), then the figures. */
static d25_tree *report_data(d25_store *s, int64_t upto, const d25_registry *reg, const d25_rules *rules,
                             const d25_config *cfg, int period, const d25_status_report *status, d25_error *err)
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
    trend_month trend[D25_TREND_MAX];
    int ntrend = 0;
    bool ok = fc.list && prev.list;
    for (int m = first; ok && m <= period - 2; m++) {
        char mp[16];
        d25_format_period(m, mp, sizeof mp);
        flag_ctx tf = {.reg = reg, .rules = rules, .list = json_array()};
        trend[ntrend] = (trend_month){.period = m, .flagged = tf.list};
        ok = tf.list != NULL;
        if (ok)
            ntrend++;
        if (ok && d25_store_flagged_each(s, mp, add_flagged, &tf, err) < 0)
            goto out;
    }
    d25_tree *t = NULL;
    if (!ok)
        d25_fail(err, D25_E_NOMEM, "内存不足");
    else if (d25_store_flagged_each(s, p, add_flagged, &fc, err) == 0 &&
             d25_store_flagged_each(s, pp, add_flagged, &prev, err) == 0)
        t = report_data_flagged(s, upto, reg, rules, cfg, period, status, fc.list, prev.list, trend, ntrend, err);
    goto done;
out:
    t = NULL;
done:
    for (int k = 0; k < ntrend; k++)
        json_decref((json_t *)trend[k].flagged);
    json_decref(fc.list);
    json_decref(prev.list);
    return t;
}

d25_tree *d25_report_data(d25_store *s, const d25_registry *reg, const d25_rules *rules, const d25_config *cfg, int period,
                          const d25_status_report *status, d25_error *err)
{
    /* One snapshot for every part, on both connections, while another
     * process may be storing returns: the side pass reads the returns
     * this transaction sees, and no later ones. */
    int64_t upto;
    if (d25_store_read_begin(s, &upto, err) < 0)
        return NULL;
    d25_tree *t = report_data(s, upto, reg, rules, cfg, period, status, err);
    if (t && d25_report_document(s, cfg, period, t, err) < 0) {
        d25_tree_free(t);
        t = NULL;
    }
    d25_store_read_end(s);
    return t;
}
