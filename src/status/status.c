/* status: returns against the deadline, per unit, type and area (see status.h). */
#include "status.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../forms/forms.h"
#include "../util/buf.h"
#include "../util/text.h"

static const char *const state_names[D25_UNIT_STATES_] = {"on_time", "late", "incomplete", "rejected", "missing"};
static const char *const state_labels[D25_UNIT_STATES_] = {"按时", "逾期", "缺表", "退回", "未报"};

const char *d25_unit_state_name(d25_unit_state s) { return (unsigned)s < D25_UNIT_STATES_ ? state_names[s] : "?"; }
const char *d25_unit_state_label(d25_unit_state s) { return (unsigned)s < D25_UNIT_STATES_ ? state_labels[s] : "?"; }

/* Per unit, what the period's returns say, before judging. */
typedef struct {
    char first_c[32], first_p[32]; /* first accepted checklist / progress */
    d25_recv_source src_c, src_p;  /* where those times came from */
    bool rejected_c, rejected_p, any_rejected;
    char last_received[32];
    char *last_file;
    char *last_codes;
    int last_errors;
    bool last_rejected;
} seen;

static int group_add(d25_status_group **v, size_t *n, size_t *cap, const char *key, d25_unit_state st)
{
    size_t i = 0;
    while (i < *n && strcmp((*v)[i].key, key) != 0)
        i++;
    if (i == *n) {
        if (d25_grow((void **)v, cap, *n + 1, sizeof **v) < 0)
            return -1;
        memset(&(*v)[i], 0, sizeof (*v)[i]);
        d25_copy((*v)[i].key, sizeof (*v)[i].key, key);
        (*n)++;
    }
    (*v)[i].n[st]++;
    (*v)[i].expected++;
    return 0;
}

/* district IS ?: NULL for a district's own rows. */
static void store_bind_district(sqlite3_stmt *q, int i, const char *district)
{
    if (district)
        sqlite3_bind_text(q, i, district, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? strdup(t) : NULL;
}

/* The error codes of a return, "A、B" (distinct, in order of first use). */
static char *error_codes(sqlite3 *db, int64_t id)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "SELECT code FROM findings WHERE return_id = ? AND severity = 'error'"
                           " GROUP BY code ORDER BY min(seq)",
                           -1, &q, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(q, 1, id);
    d25_buf b = {0};
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (b.len)
            d25_buf_puts(&b, "、");
        d25_buf_puts(&b, (const char *)sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    return b.len ? d25_buf_steal(&b) : NULL;
}

static int load_seen(d25_store *s, const d25_registry *reg, const char *p, const char *district, seen *sv,
                     d25_status_report *out, d25_error *err)
{
    sqlite3 *db = d25_store_db(s);
    sqlite3_stmt *q;
    /* Unidentified returns: no unit, and this period or none at all but
     * received in this month.  Two selects, each through the index on
     * (district, period): with the condition as one OR, every month's
     * returns were read. */
    if (sqlite3_prepare_v2(db,
                           "SELECT id, unit_code, verdict, has_checklist, has_progress, received, file_name, errors, received_source"
                           " FROM returns WHERE period = ?1"
                           " AND district IS ?2 AND withdrawn = 0 AND (?3 IS NULL OR edition IN (?3, ''))"
                           " UNION ALL"
                           " SELECT id, unit_code, verdict, has_checklist, has_progress, received, file_name, errors, received_source"
                           " FROM returns WHERE period IS NULL AND substr(received, 1, 7) = ?1"
                           " AND district IS ?2 AND withdrawn = 0 AND (?3 IS NULL OR edition IN (?3, ''))"
                           " ORDER BY received, id",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取报送情况");
    sqlite3_bind_text(q, 1, p, -1, SQLITE_STATIC);
    store_bind_district(q, 2, district);
    if (d25_store_edition(s))
        sqlite3_bind_text(q, 3, d25_store_edition(s), -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        const char *code = (const char *)sqlite3_column_text(q, 1);
        bool accepted = strcmp((const char *)sqlite3_column_text(q, 2), "accepted") == 0;
        bool hc = sqlite3_column_int(q, 3), hp = sqlite3_column_int(q, 4);
        const char *received = (const char *)sqlite3_column_text(q, 5);
        const d25_unit *u = code ? d25_registry_by_code(reg, code) : NULL;
        if (!u) {
            if (code)
                continue; /* a unit no longer in the registry: not expected */
            if (d25_grow((void **)&out->unidentified, &out->unidentified_cap, out->nunidentified + 1,
                         sizeof *out->unidentified) < 0)
                goto nomem;
            d25_unidentified *x = &out->unidentified[out->nunidentified++];
            memset(x, 0, sizeof *x);
            x->file = col_dup(q, 6);
            d25_copy(x->received, sizeof x->received, received);
            x->errors = sqlite3_column_int(q, 7);
            x->codes = error_codes(db, id);
            continue;
        }
        seen *w = &sv[u - reg->units];
        if (accepted) {
            d25_recv_source src = d25_recv_source_parse((const char *)sqlite3_column_text(q, 8));
            if (hc && !w->first_c[0]) {
                d25_copy(w->first_c, sizeof w->first_c, received);
                w->src_c = src;
            }
            if (hp && !w->first_p[0]) {
                d25_copy(w->first_p, sizeof w->first_p, received);
                w->src_p = src;
            }
        } else {
            w->any_rejected = true;
            w->rejected_c |= hc || !hp;
            w->rejected_p |= hp || !hc;
        }
        free(w->last_file);
        free(w->last_codes);
        w->last_file = col_dup(q, 6);
        w->last_rejected = !accepted;
        w->last_errors = sqlite3_column_int(q, 7);
        w->last_codes = accepted ? NULL : error_codes(db, id);
        d25_copy(w->last_received, sizeof w->last_received, received);
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return d25_store_fail(s, err, "读取报送情况");
    return 0;
nomem:
    sqlite3_finalize(q);
    return d25_fail(err, D25_E_NOMEM, "内存不足");
}

static int load_quality(d25_store *s, const d25_registry *reg, const char *p, const char *district, d25_status_report *out,
                        d25_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(d25_store_db(s),
                           /* The month's returns by index, each asked whether it
                            * counts (joining the view instead built all of it). */
                           "SELECT DISTINCT r.unit_code, r.file_name, f.code, f.place, f.message, f.return_id, f.seq"
                           " FROM findings f JOIN returns r ON r.id = f.return_id"
                           " WHERE f.source = 'quality' AND r.period = ?1 AND r.district IS ?2 AND r.withdrawn = 0"
                           " AND (?3 IS NULL OR r.edition IN (?3, ''))"
                           " AND EXISTS (SELECT 1 FROM current_returns c WHERE c.return_id = f.return_id)"
                           " ORDER BY r.unit_code, f.return_id, f.seq",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取数据质量提醒");
    sqlite3_bind_text(q, 1, p, -1, SQLITE_STATIC);
    store_bind_district(q, 2, district);
    if (d25_store_edition(s))
        sqlite3_bind_text(q, 3, d25_store_edition(s), -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        if (d25_grow((void **)&out->quality, &out->quality_cap, out->nquality + 1, sizeof *out->quality) < 0) {
            sqlite3_finalize(q);
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        d25_quality_note *x = &out->quality[out->nquality++];
        x->unit_code = col_dup(q, 0);
        const d25_unit *u = x->unit_code ? d25_registry_by_code(reg, x->unit_code) : NULL;
        x->unit_name = u ? strdup(u->name) : NULL;
        x->file = col_dup(q, 1);
        x->code = col_dup(q, 2);
        x->place = col_dup(q, 3);
        x->message = col_dup(q, 4);
        if (u && out->row_of[u - reg->units] != SIZE_MAX)
            out->units[out->row_of[u - reg->units]].warnings++;
    }
    sqlite3_finalize(q);
    return step == SQLITE_DONE ? 0 : d25_store_fail(s, err, "读取数据质量提醒");
}

/* Late units whose times came from the file or the ingest, grouped by the
 * minute: a group of min or more is a d25_time_doubt. */
static int find_doubts(d25_status_report *out, int min)
{
    size_t cap = 0, ngroups = 0;
    d25_time_doubt *g = NULL;
    for (size_t i = 0; i < out->nunits; i++) {
        const d25_unit_status *u = &out->units[i];
        if (u->state != D25_UNIT_LATE || u->received_source > D25_RECV_MTIME)
            continue;
        size_t k = 0;
        while (k < ngroups && !(g[k].source == u->received_source && strncmp(g[k].minute, u->received, 16) == 0))
            k++;
        if (k == ngroups) {
            if (d25_grow((void **)&g, &cap, ngroups + 1, sizeof *g) < 0) {
                free(g);
                return -1;
            }
            memset(&g[k], 0, sizeof g[k]);
            snprintf(g[k].minute, sizeof g[k].minute, "%.16s", u->received);
            g[k].source = u->received_source;
            ngroups++;
        }
        g[k].units++;
    }
    size_t kept = 0;
    for (size_t k = 0; k < ngroups; k++)
        if (g[k].units >= min) {
            out->doubted += g[k].units;
            g[kept++] = g[k];
        }
    if (!kept) {
        free(g);
        g = NULL;
    }
    out->doubts = g;
    out->ndoubts = kept;
    return 0;
}

static int status_build(d25_store *s, const d25_registry *reg, const char *district, int period, int deadline_day,
                        int same_time_min, d25_status_report *out, d25_error *err)
{
    memset(out, 0, sizeof *out);
    out->period = period;
    snprintf(out->deadline, sizeof out->deadline, "%04d-%02d-%02d", period / 12, period % 12 + 1,
             d25_deadline_of(period, deadline_day));
    char limit[48];
    snprintf(limit, sizeof limit, "%s 23:59:59", out->deadline);
    d25_format_time(time(NULL), out->as_of, sizeof out->as_of);
    char p[16];
    d25_format_period(period, p, sizeof p);

    seen *sv = calloc(reg->n + 1, sizeof *sv);
    out->units = calloc(reg->n + 1, sizeof *out->units);
    out->row_of = malloc((reg->n + 1) * sizeof *out->row_of);
    if (!sv || !out->units || !out->row_of) {
        free(sv);
        d25_status_report_free(out);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    for (size_t i = 0; i < reg->n; i++)
        out->row_of[i] = SIZE_MAX;
    int rc = load_seen(s, reg, p, district, sv, out, err);
    for (size_t i = 0; i < reg->n && rc == 0; i++) {
        const d25_unit *u = &reg->units[i];
        seen *w = &sv[i];
        if (!d25_unit_active(u, period))
            continue;
        out->row_of[i] = out->nunits;
        d25_unit_status *us = &out->units[out->nunits++];
        us->unit = u;
        us->checklist = w->first_c[0] ? D25_FORM_ACCEPTED : w->rejected_c ? D25_FORM_REJECTED : D25_FORM_NONE;
        us->progress = w->first_p[0] ? D25_FORM_ACCEPTED : w->rejected_p ? D25_FORM_REJECTED : D25_FORM_NONE;
        if (w->first_c[0] && w->first_p[0]) {
            bool c_last = strcmp(w->first_c, w->first_p) > 0;
            const char *last = c_last ? w->first_c : w->first_p;
            d25_copy(us->received, sizeof us->received, last);
            us->received_source = c_last ? w->src_c : w->src_p;
            us->state = strcmp(last, limit) <= 0 ? D25_UNIT_ON_TIME : D25_UNIT_LATE;
        } else if (w->first_c[0] || w->first_p[0]) {
            us->state = D25_UNIT_INCOMPLETE;
        } else {
            us->state = w->any_rejected ? D25_UNIT_REJECTED : D25_UNIT_MISSING;
        }
        us->last_file = w->last_file;
        w->last_file = NULL;
        if (w->last_rejected) {
            us->last_codes = w->last_codes;
            w->last_codes = NULL;
            us->last_errors = w->last_errors;
        }
        out->expected++;
        out->n[us->state]++;
        if (group_add(&out->by_type, &out->ntypes, &out->type_cap, u->type, us->state) < 0 ||
            group_add(&out->by_area, &out->nareas, &out->area_cap, u->area, us->state) < 0)
            rc = d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    for (size_t i = 0; i < reg->n; i++) {
        free(sv[i].last_file);
        free(sv[i].last_codes);
    }
    free(sv);
    if (rc == 0 && find_doubts(out, same_time_min < 2 ? 2 : same_time_min) < 0)
        rc = d25_fail(err, D25_E_NOMEM, "内存不足");
    if (rc == 0)
        rc = load_quality(s, reg, p, district, out, err);
    if (rc < 0)
        d25_status_report_free(out);
    return rc;
}

const d25_unit_status *d25_status_unit(const d25_status_report *r, const d25_registry *reg, const d25_unit *u)
{
    size_t i = u && r->row_of ? r->row_of[u - reg->units] : SIZE_MAX;
    return i == SIZE_MAX ? NULL : &r->units[i];
}

void d25_status_report_free(d25_status_report *r)
{
    for (size_t i = 0; i < r->nunits; i++) {
        free(r->units[i].last_file);
        free(r->units[i].last_codes);
    }
    free(r->units);
    free(r->row_of);
    free(r->by_type);
    free(r->by_area);
    free(r->by_district);
    free(r->by_city);
    for (size_t i = 0; i < r->nmissing; i++)
        free(r->districts_missing[i]);
    free(r->districts_missing);
    for (size_t i = 0; i < r->nlate; i++)
        free(r->districts_late[i]);
    free(r->districts_late);
    for (size_t i = 0; i < r->nunidentified; i++) {
        free(r->unidentified[i].file);
        free(r->unidentified[i].codes);
    }
    free(r->unidentified);
    for (size_t i = 0; i < r->nquality; i++) {
        d25_quality_note *q = &r->quality[i];
        free(q->unit_code);
        free(q->unit_name);
        free(q->file);
        free(q->code);
        free(q->place);
        free(q->message);
    }
    free(r->quality);
    free(r->doubts);
    memset(r, 0, sizeof *r);
}

int d25_status_build(d25_store *s, const d25_registry *reg, int period, int deadline_day, int same_time_min,
                     d25_status_report *out, d25_error *err)
{
    return d25_status_build_in(s, reg, NULL, period, deadline_day, same_time_min, out, err);
}

int d25_status_build_in(d25_store *s, const d25_registry *reg, const char *district, int period, int deadline_day,
                        int same_time_min, d25_status_report *out, d25_error *err)
{
    /* The units' states and the month's quality warnings from one snapshot,
     * while another process may be storing returns. */
    int64_t upto;
    if (d25_store_read_begin(s, &upto, err) < 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    int rc = status_build(s, reg, district, period, deadline_day, same_time_min, out, err);
    d25_store_read_end(s);
    return rc;
}

/* Add a group's counts to the group of the same key in *v. */
static int group_sum(d25_status_group **v, size_t *n, size_t *cap, const d25_status_group *g)
{
    size_t i = 0;
    while (i < *n && strcmp((*v)[i].key, g->key) != 0)
        i++;
    if (i == *n) {
        if (d25_grow((void **)v, cap, *n + 1, sizeof **v) < 0)
            return -1;
        memset(&(*v)[i], 0, sizeof (*v)[i]);
        d25_copy((*v)[i].key, sizeof (*v)[i].key, g->key);
        (*n)++;
    }
    for (int k = 0; k < D25_UNIT_STATES_; k++)
        (*v)[i].n[k] += g->n[k];
    (*v)[i].expected += g->expected;
    return 0;
}

int d25_status_add_district(d25_status_report *city, d25_status_report *part, const char *district, bool merged,
                            d25_error *err)
{
    size_t ucap = city->nunits, xcap = city->nunidentified, qcap = city->nquality, dcap = city->ndoubts;
    if (!city->deadline[0]) {
        city->period = part->period;
        d25_copy(city->deadline, sizeof city->deadline, part->deadline);
        d25_copy(city->as_of, sizeof city->as_of, part->as_of);
    }
    d25_status_group total = {.expected = part->expected};
    d25_copy(total.key, sizeof total.key, district);
    memcpy(total.n, part->n, sizeof total.n);
    if (group_sum(&city->by_district, &city->ndistricts, &city->district_cap, &total) < 0 ||
        (part->nunits && d25_grow((void **)&city->units, &ucap, city->nunits + part->nunits, sizeof *city->units) < 0) ||
        (part->nunidentified && d25_grow((void **)&city->unidentified, &xcap, city->nunidentified + part->nunidentified,
                                         sizeof *city->unidentified) < 0) ||
        (part->nquality && d25_grow((void **)&city->quality, &qcap, city->nquality + part->nquality, sizeof *city->quality) < 0) ||
        (part->ndoubts && d25_grow((void **)&city->doubts, &dcap, city->ndoubts + part->ndoubts, sizeof *city->doubts) < 0))
        goto nomem;
    const char *slash = strchr(district, '/');
    if (slash) { /* a province: the district's city */
        d25_status_group c = total;
        snprintf(c.key, sizeof c.key, "%.*s", (int)(slash - district), district);
        if (group_sum(&city->by_city, &city->ncities, &city->city_cap, &c) < 0)
            goto nomem;
    }
    for (size_t i = 0; i < part->ntypes; i++)
        if (group_sum(&city->by_type, &city->ntypes, &city->type_cap, &part->by_type[i]) < 0)
            goto nomem;
    for (size_t i = 0; i < part->nareas; i++)
        if (group_sum(&city->by_area, &city->nareas, &city->area_cap, &part->by_area[i]) < 0)
            goto nomem;
    if (!merged) {
        char *d = strdup(district);
        char **v = d ? realloc(city->districts_missing, (city->nmissing + 1) * sizeof *v) : NULL;
        if (!v) {
            free(d);
            goto nomem;
        }
        city->districts_missing = v;
        v[city->nmissing++] = d;
    }
    city->expected += part->expected;
    for (int k = 0; k < D25_UNIT_STATES_; k++)
        city->n[k] += part->n[k];
    for (size_t i = 0; i < part->nunits; i++) {
        city->units[city->nunits] = part->units[i];
        city->units[city->nunits++].district = district;
    }
    part->nunits = 0;
    if (part->nunidentified)
        memcpy(city->unidentified + city->nunidentified, part->unidentified, part->nunidentified * sizeof *part->unidentified);
    city->nunidentified += part->nunidentified;
    part->nunidentified = 0;
    if (part->nquality)
        memcpy(city->quality + city->nquality, part->quality, part->nquality * sizeof *part->quality);
    city->nquality += part->nquality;
    part->nquality = 0;
    if (part->ndoubts)
        memcpy(city->doubts + city->ndoubts, part->doubts, part->ndoubts * sizeof *part->doubts);
    city->ndoubts += part->ndoubts;
    city->doubted += part->doubted;
    d25_status_report_free(part);
    return 0;
nomem:
    d25_status_report_free(part);
    return d25_fail(err, D25_E_NOMEM, "内存不足");
}

int d25_status_city_missing(d25_status_report *prov, const char *city, d25_error *err)
{
    d25_status_group zero = {0};
    d25_copy(zero.key, sizeof zero.key, city);
    char *d = strdup(city);
    char **v = d ? realloc(prov->districts_missing, (prov->nmissing + 1) * sizeof *v) : NULL;
    if (!v) {
        free(d);
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    }
    prov->districts_missing = v;
    v[prov->nmissing++] = d;
    if (group_sum(&prov->by_city, &prov->ncities, &prov->city_cap, &zero) < 0)
        return d25_fail(err, D25_E_NOMEM, "内存不足");
    return 0;
}
