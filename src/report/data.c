/* data: the figures of a period's report (see data.h, docs/report-data.md). */
#include "data.h"
#include "document.h"

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

static json_t *rate_of(long num, long den)
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

static json_t *rate_text(long num, long den)
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
    bool nomem;
} month;

/* A status counted in its tally, and noted among the unit's not-done
 * sub-items when the unit is expected. */
typedef struct {
    tally_ctx tc;
    nd *x; /* NULL: not expected this month */
    uint64_t nd_items; /* bit n: the unit has a sub-item of item n (< 64) not done */
} row_ctx;

static void row_status(void *ud, const d25_subitem *sub, char st)
{
    row_ctx *r = ud;
    count_status(&r->tc, sub, st);
    if (st == 'n' && sub->item >= 0 && sub->item < 64)
        r->nd_items |= UINT64_C(1) << sub->item;
    if (r->x)
        note_not_done(r->x, sub, st);
}

static int month_row(void *ud, const d25_current *c)
{
    month *mo = ud;
    if (!c->statuses)
        return 0;
    const d25_unit_status *us = mo->st ? d25_status_unit(mo->st, mo->reg, d25_registry_by_code(mo->reg, c->unit)) : NULL;
    row_ctx r = {{mo->rules, mo->t.subs}, us ? &mo->not_done[us - mo->st->units] : NULL, 0};
    each_status(mo->rules, c->statuses, row_status, &r);
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
    for (size_t i = 0; mo->not_done && i < mo->st->nunits; i++)
        d25_buf_free(&mo->not_done[i].keys);
    free(mo->not_done);
    memset(mo, 0, sizeof *mo);
}

/* Read the period's checklists into mo (st: the period's status, for the
 * not-done lists, or NULL; upto: as d25_store_current_each). */
static int read_month(d25_store *s, const d25_rules *rules, const d25_registry *reg, const d25_status_report *st,
                      const char *period, int64_t upto, month *mo, d25_error *err)
{
    *mo = (month){.rules = rules, .reg = reg, .st = st};
    tallies *t = &mo->t;
    t->subs = calloc(rules->nsubs + 1, sizeof *t->subs);
    t->items = calloc(rules->nitems + 1, sizeof *t->items);
    t->duties = calloc(rules->nduties + 1, sizeof *t->duties);
    mo->units_nd = calloc(rules->nitems + 1, sizeof *mo->units_nd);
    if (st)
        mo->not_done = calloc(st->nunits + 1, sizeof *mo->not_done);
    if (!t->subs || !t->items || !t->duties || !mo->units_nd || (st && !mo->not_done)) {
        month_free(mo);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    if (d25_store_current_each(s, period, D25_CURRENT_STATUSES, upto, month_row, mo, err) < 0) {
        if (mo->nomem)
            d25_fail(err, D25_E_NOMEM, "内存不足");
        month_free(mo);
        return -1;
    }
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
    json_t **ranked = calloc(rules->nitems + 1, sizeof *ranked);
    size_t nranked = 0;
    for (size_t k = 0; k < rules->nitems; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "n", json_integer(rules->items[k].n));
        json_object_set_new(o, "duty", json_integer(rules->items[k].duty));
        json_object_set_new(o, "name", json_string(rules->items[k].name));
        put_with_change(o, &now.items[k], &prev.items[k]);
        json_object_set_new(o, "units_not_done", json_integer(mo->units_nd ? mo->units_nd[k] : 0));
        json_array_append_new(jitems, o);
        /* A rate over a handful of answers (1 of 2) says nothing: ranked
         * only from [report] weak_min_base applicable answers up. */
        const tally *ti = &now.items[k];
        if (ranked && json_is_real(json_object_get(o, "rate")) && ti->done + ti->partial + ti->not_done >= weak_min_base)
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

/* The side pass: the progress part, built one unit at a time as the store
 * reads them, then last month's tallies (for the compliance part's
 * changes), on a thread of its own with a connection of its own while the
 * calling thread builds the rest of the tree from this month's statuses.
 * Each reads every return of a month, 10,000 of them in a large district. */
typedef struct {
    const d25_registry *reg;
    const d25_rules *rules;
    const char *db;      /* the store's file */
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
    bool nomem;
    int rc;              /* of the pass: 0, or -1 with err set */
    d25_error err;
    pthread_t thread;
    bool started;
} side_pass;

/* Whether the quality pass flagged this unit's value of field. */
static bool is_flagged(const json_t *flagged, const char *unit, const char *field)
{
    size_t i;
    const json_t *o;
    json_array_foreach (flagged, i, o)
        if (strcmp(json_string_value(json_object_get(o, "code")), unit) == 0 &&
            strcmp(json_string_value(json_object_get(o, "field")), field) == 0)
            return true;
    return false;
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
        if (pv->ok && f->type == D25_F_COUNT && !(json_array_size(p->flagged) && is_flagged(p->flagged, code, f->name))) {
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

static void side_free(side_pass *p)
{
    d25_blanks_free(&p->blanks);
    d25_rows_free(p->rows);
    free(p->order);
    free(p->sum);
    json_decref(p->total);
    json_decref(p->by_type);
    json_decref(p->by_area);
    month_free(&p->last);
    memset(p, 0, sizeof *p);
}

static void *side_run(void *arg)
{
    side_pass *p = arg;
    d25_store *s = d25_store_open(p->db, -1, &p->err);
    if (s && d25_store_set_edition(s, p->rules->id) < 0) {
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
    if (p->rc == 0)
        p->rc = read_month(s, p->rules, NULL, NULL, p->prev, p->upto, &p->last, &p->err);
    d25_store_close(s);
    d25_blanks_free(&p->blanks);
    return NULL;
}

/* Start the pass over period's progress tables and period - 1's
 * checklists (on its own thread when one can be had, else here and now).
 * -1 out of memory, with err set. */
static int side_start(side_pass *p, const d25_registry *reg, const d25_rules *rules, const char *db,
                          int period, int64_t upto, const json_t *flagged, d25_error *err)
{
    *p = (side_pass){.reg = reg, .rules = rules, .db = db, .upto = upto, .flagged = flagged};
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
    /* Room for every unit of the registry: most send the table. */
    if (!p->rows || d25_rows_reserve(p->rows, reg->n) < 0 || !p->sum || !p->total ||
        !p->by_type || !p->by_area) {
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
static int side_finish(side_pass *p, const d25_rules *rules, d25_tree *tree, d25_error *err)
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
    json_object_set_new(hz, "rate", rate_of(p->fixed, p->found));
    json_object_set_new(hz, "rate_text", rate_text(p->fixed, p->found));
    json_t *maps[2] = {p->by_type, p->by_area};
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

/* Attachment 2: the units that the configured rules put on the list. */
static int enforcement(const d25_config *cfg, int period, const month *mo, const d25_status_report *st, d25_tree *tree,
                       d25_error *err)
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
    const nd *v = mo->not_done; /* by unit, as st->units */
    int rc = 0;
    int seq = 0;
    /* The riskiest units, named in the report whether or not the list is
     * due yet: by the same reasons, most sub-items not done first. */
    enum { RISK_NAMED = 5 };
    struct {
        size_t i;
        int score;
        char *why;
    } risk[RISK_NAMED] = {{0}};
    int nrisk = 0, risk_count = 0;
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
                if (strstr(v[i].keys.data, probe)) { /* NUL-terminated: len > 0 */
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
            risk_count++;
            int score = v[i].n + (us->state == D25_UNIT_MISSING || us->state == D25_UNIT_REJECTED ? 1000 : 0);
            int at = nrisk;
            while (at > 0 && risk[at - 1].score < score)
                at--;
            if (at < RISK_NAMED) {
                if (nrisk == RISK_NAMED)
                    free(risk[--nrisk].why);
                memmove(&risk[at + 1], &risk[at], (size_t)(nrisk - at) * sizeof risk[0]);
                risk[at].i = i;
                risk[at].score = score;
                risk[at].why = strdup(d25_buf_cstr(&why));
                nrisk++;
            }
        }
        if (why.len && active) {
            d25_cell *c = d25_rows_add(list);
            if (!c || d25_cell_str(list, &c[5], d25_buf_cstr(&why)) < 0) {
                rc = d25_fail(err, D25_E_NOMEM, "内存不足");
            } else {
                d25_cell_int(&c[0], ++seq);
                d25_cell_borrow(&c[1], us->unit->code);
                d25_cell_borrow(&c[2], us->unit->name);
                d25_cell_borrow(&c[3], us->unit->area);
                d25_cell_int(&c[4], v[i].n);
            }
        }
        d25_buf_free(&why);
    }
    json_t *named = json_array();
    for (int k = 0; k < nrisk; k++) {
        const d25_unit *u = st->units[risk[k].i].unit;
        json_array_append_new(named, json_pack("{s:i,s:s,s:s,s:s,s:s}", "n", k + 1, "code", u->code, "name", u->name,
                                               "area", u->area, "reasons", risk[k].why ? risk[k].why : ""));
        free(risk[k].why);
    }
    json_object_set_new(root, "risk_units", named);
    json_object_set_new(root, "risk_count", json_integer(risk_count));
    json_object_set_new(root, "risk_more", json_integer(risk_count - nrisk));
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

static d25_tree *report_data_flagged(d25_store *s, int64_t upto, const d25_registry *reg, const d25_rules *rules,
                                     const d25_config *cfg, int period, const d25_status_report *status,
                                     json_t *flagged, d25_error *err)
{
    char p[16], cn[32];
    d25_format_period(period, p, sizeof p);
    d25_format_period_cn(period, cn, sizeof cn);
    side_pass pp;
    if (side_start(&pp, reg, rules, d25_store_path(s), period, upto, flagged, err) < 0)
        return NULL;
    d25_status_report own = {0};
    if (!status && d25_status_build(s, reg, period, cfg->deadline_day ? cfg->deadline_day : rules->deadline_day, cfg->same_time_min, &own, err) < 0) {
        side_finish(&pp, rules, NULL, err);
        return NULL;
    }
    const d25_status_report *st = status ? status : &own;
    month mo;
    if (read_month(s, rules, reg, st, p, -1, &mo, err) < 0) {
        side_finish(&pp, rules, NULL, err);
        d25_status_report_free(&own);
        return NULL;
    }
    d25_tree *tree = d25_tree_new(json_object());
    if (!tree) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        side_finish(&pp, rules, NULL, err);
        d25_status_report_free(&own);
        month_free(&mo);
        return NULL;
    }
    json_t *root = tree->root;
    json_object_set_new(root, "district", json_string(cfg->district ? cfg->district : ""));
    json_object_set_new(root, "edition", json_string(rules->name ? rules->name : ""));
    json_object_set(root, "flagged", flagged);
    json_object_set_new(root, "flagged_count", json_integer((json_int_t)json_array_size(flagged)));
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
    json_object_set_new(root, "units_by_type", groups[0]);
    json_object_set_new(root, "units_by_area", groups[1]);
    if (submissions(tree, st) < 0) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        goto fail;
    }
    int erc = enforcement(cfg, period, &mo, st, tree, err);
    const d25_rows *enf = d25_tree_find(tree, "enforcement");
    json_object_set_new(root, "enforcement_count", json_integer(enf ? (json_int_t)enf->n : 0));
    /* Key-supervision units: the registry's flags the rule set names
     * ([edition] key_flags). */
    json_t *keys = json_array();
    for (size_t i = 0; i < st->nunits; i++) {
        const d25_unit *u = st->units[i].unit;
        if (!d25_rules_key_unit(rules, u->flags))
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
    month last = {0};
    if (erc < 0 || side_wait(&pp, &last, err) < 0)
        goto fail;
    compliance(rules, &mo, &last, cfg->weak_min_base, root);
    month_free(&last);
    if (side_finish(&pp, rules, tree, err) < 0)
        goto fail;
    month_free(&mo);
    d25_status_report_free(&own);
    return tree;
fail:
    side_finish(&pp, rules, NULL, err); /* when not finished yet */
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
    flag_ctx fc = {.reg = reg, .rules = rules, .list = json_array()};
    if (!fc.list) {
        d25_fail(err, D25_E_NOMEM, "内存不足");
        return NULL;
    }
    d25_tree *t = d25_store_flagged_each(s, p, add_flagged, &fc, err) < 0
                      ? NULL
                      : report_data_flagged(s, upto, reg, rules, cfg, period, status, fc.list, err);
    json_decref(fc.list);
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
