/* report/progress: the progress part of the figures (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "../util/error.h"

enum { P_CODE, P_NAME, P_TYPE, P_TYPE_LABEL, P_AREA, P_FIELDS }; /* then the fields, n, rate, rate text */

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

/* The flagged values of a list (add_flagged's objects) as a set keyed
 * "code\x1ffield" and "code", looked up once per value of every progress
 * table (a district of 10,000 units can have hundreds flagged): NULL when
 * the list is empty or out of memory (then nothing is left out: the caller
 * checks). */
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
static int add_progress_row(d25_side *p, const d25_current *cur)
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
    return d25_cell_str(p->rows, &row[P_FIELDS + nfields + 2], d25_report_rate_words(u_fixed, u_found, b));
}

static int progress_row(void *ud, const d25_current *cur)
{
    d25_side *p = ud;
    p->nomem = add_progress_row(p, cur) < 0;
    return p->nomem ? -1 : 0;
}

/* A month's hazards, summed one progress table at a time (its flagged
 * values left out), and by group when the maps are given. */
typedef struct {
    d25_side *p;
    const json_t *flagged;
    long *found, *fixed;
    bool *any;
    json_t *by_type, *by_area;
} hz_pass;

static int month_progress_row(void *ud, const d25_current *cur)
{
    hz_pass *h = ud;
    d25_side *p = h->p;
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

/* An earlier month's checklists (into mo, as d25_month_read) and its hazards
 * (as month_progress_row, through h) in one pass over its returns.  On
 * failure mo is freed and p->err set. */
typedef struct {
    d25_month *mo;
    hz_pass *h;
} whole_pass;

static int whole_row(void *ud, const d25_current *c)
{
    whole_pass *w = ud;
    return d25_month_row(w->mo, c) < 0 ? -1 : month_progress_row(w->h, c);
}

static int read_month_whole(d25_store *s, d25_side *p, const d25_registry *reg, const char *period, d25_month *mo,
                            hz_pass *h)
{
    if (d25_month_begin(p->rules, reg, NULL, mo, &p->err) < 0)
        return -1;
    whole_pass w = {mo, h};
    if (d25_store_current_each(s, period, D25_CURRENT_STATUSES | D25_CURRENT_PROGRESS, p->upto, whole_row, &w,
                               &p->err) < 0) {
        if (mo->nomem || p->nomem)
            d25_fail(&p->err, D25_E_NOMEM, "内存不足");
        d25_month_free(mo);
        return -1;
    }
    d25_month_end(mo);
    return 0;
}

static void side_free(d25_side *p)
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
    d25_month_free(&p->last);
    json_decref(p->hazards);
    if (p->sync) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
    }
    memset(p, 0, sizeof *p); /* freeing it again does nothing */
}

/* Last month read, or the pass failed before: the caller may go on
 * (d25_side_wait_last). */
static void side_last(d25_side *p)
{
    pthread_mutex_lock(&p->mu);
    p->last_read = true;
    p->last_rc = p->rc;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void *side_run(void *arg)
{
    d25_side *p = arg;
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
    /* The list is complete: the workbook can write it while the rest is read. */
    if (p->rc == 0 && p->watch)
        p->watch->ready(p->watch->ud, D25_PART_PROGRESS, NULL, d25_rows_ref(p->rows));
    if (p->rc == 0) {
        hz_pass h = {p, p->prev_set, &p->prev_found, &p->prev_fixed, &p->prev_any, p->prev_by_type, p->prev_by_area};
        p->rc = read_month_whole(s, p, p->reg, p->prev, &p->last, &h);
    }
    side_last(p);
    /* The trend's earlier months: each one's compliance and hazards. */
    for (int k = 0; k < p->ntrend && p->rc == 0; k++) {
        d25_trend_month *t = &p->trend[k];
        char per[16];
        d25_format_period(t->period, per, sizeof per);
        json_t *set = d25_report_flag_set(t->flagged);
        if (json_array_size(t->flagged) && !set) {
            p->nomem = true;
            p->rc = -1;
            break;
        }
        d25_month m;
        hz_pass h = {p, set, &t->found, &t->fixed, &t->tables, NULL, NULL};
        p->rc = read_month_whole(s, p, NULL, per, &m, &h);
        json_decref(set);
        if (p->rc < 0)
            break;
        t->all = m.t.all;
        d25_month_free(&m);
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
int d25_side_start(d25_side *p, const d25_registry *reg, const d25_rules *rules, const char *db, const char *district,
                          int period, int64_t upto, const json_t *flagged, const json_t *prev_flagged,
                          const d25_trend_month *trend, int ntrend, const d25_report_watch *watch, d25_error *err)
{
    *p = (d25_side){.reg = reg, .rules = rules, .db = db, .district = district, .upto = upto, .flagged = flagged,
                     .prev_flagged = prev_flagged, .watch = watch};
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->sync = true;
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

int d25_side_wait_last(d25_side *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->last_read)
        pthread_cond_wait(&p->cv, &p->mu);
    int rc = p->last_rc;
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* Wait for the pass to end and hand last month's tallies to *last (the
 * caller frees them with d25_month_free).  -1 with err set when the pass
 * failed (d25_side_finish then frees it). */
int d25_side_wait(d25_side *p, d25_month *last, d25_error *err)
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
json_t *d25_report_progress_fields(const d25_rules *rules)
{
    json_t *fields = json_array();
    static const char *const types[] = {"yesno", "havenot", "month", "day", "count", "text"};
    for (size_t k = 0; fields && k < rules->nprows; k++)
        for (size_t f = 0; f < rules->prows[k].nfields; f++) {
            const d25_pfield *pf = &rules->prows[k].fields[f];
            if (json_array_append_new(fields, json_pack("{s:s,s:s,s:s,s:i}", "name", pf->name, "label", pf->label, "type",
                                                        types[pf->type], "row", rules->prows[k].n)) < 0) {
                json_decref(fields);
                return NULL;
            }
        }
    return fields;
}

int d25_side_build(d25_side *p, const d25_rules *rules, const d25_status_report *st, int min_base, bool cumulative,
                   d25_error *err)
{
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
    json_object_set_new(hz, "change_text", json_string(p->prev_any ? d25_report_change_words(p->fixed, p->found, p->prev_fixed, p->prev_found) : "—"));
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
            json_object_set_new(g, "change_text", json_string(pg ? d25_report_change_words(gr, gf, pr, pf) : "—"));
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
    json_decref(p->hazards);
    p->hazards = hz;
    return hz ? 0 : d25_fail(err, D25_E_NOMEM, "内存不足");
}

int d25_side_finish(d25_side *p, const d25_rules *rules, const d25_status_report *st, int min_base, bool cumulative,
                    json_t *fields, d25_tree *tree, d25_error *err)
{
    if (p->started)
        pthread_join(p->thread, NULL);
    p->started = false;
    if (!tree || p->rc < 0) {
        if (tree)
            *err = p->err;
        json_decref(fields);
        side_free(p);
        return -1;
    }
    if (!p->hazards && d25_side_build(p, rules, st, min_base, cumulative, err) < 0) {
        json_decref(fields);
        side_free(p);
        return -1;
    }
    json_t *root = tree->root;
    json_object_set(root, "hazards", p->hazards);
    json_object_set_new(root, "progress_fields", fields);
    int rc = d25_tree_add(tree, p->rows);
    p->rows = NULL; /* the tree's now, or freed */
    json_object_set(root, "progress_total", p->total);
    side_free(p);
    return rc < 0 ? d25_fail(err, D25_E_NOMEM, "内存不足") : 0;
}

