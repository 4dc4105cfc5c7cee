/* store write: the registry's units, returns (supersession included), the quality pass's queue (see store.h). */
#include "storeint.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/text.h"

/* ---- units ---- */

static char *join_list(char **v, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, ";");
        strcat(out, v[i]);
    }
    return out;
}

static const char *nz(const char *s) { return s ? s : ""; }

/* One row of unit_changes (an empty old or new value is stored as NULL). */
static bool log_change(sqlite3_stmt *log, const char *code, int64_t run_id, const char *at, const char *field,
                       const char *old, const char *now)
{
    sqlite3_reset(log);
    store_bind_text(log, 1, code);
    sqlite3_bind_int64(log, 2, run_id);
    store_bind_text(log, 3, at);
    store_bind_text(log, 4, field);
    store_bind_text(log, 5, old);
    store_bind_text(log, 6, now);
    return sqlite3_step(log) == SQLITE_DONE;
}

int d25_store_sync_units(d25_store *s, const d25_registry *reg, int64_t run_id, d25_error *err)
{
    static const char *const fields[] = {"name", "type", "area", "flags", "aliases", "contact", "phone", "active_from",
                                         "active_until"};
    enum { NF = 9 };
    sqlite3_stmt *get = NULL, *ins = NULL, *upd = NULL, *log = NULL, *all = NULL, *out = NULL;
    int rc = -1;
    char now[32];
    store_now_text(now, sizeof now);
    if (d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT name, type, area, flags, aliases, contact, phone, ifnull(active_from, ''),"
                           " ifnull(active_until, ''), in_registry FROM units WHERE code = ?",
                           -1, &get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "INSERT INTO units(code, name, type, area, flags, aliases, contact, phone, active_from,"
                           " active_until, in_registry, first_seen, changed) VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "UPDATE units SET name = ?2, type = ?3, area = ?4, flags = ?5, aliases = ?6, contact = ?7,"
                           " phone = ?8, active_from = ?9, active_until = ?10, in_registry = 1, changed = ?11"
                           " WHERE code = ?1",
                           -1, &upd, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO unit_changes(code, run_id, at, field, old, new) VALUES (?,?,?,?,?,?)", -1,
                           &log, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT code FROM units WHERE in_registry = 1", -1, &all, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "UPDATE units SET in_registry = 0, changed = ? WHERE code = ?", -1, &out, NULL) !=
            SQLITE_OK) {
        d25_store_fail(s, err, "同步单位名册");
        goto done;
    }
    for (size_t i = 0; i < reg->n; i++) {
        const d25_unit *u = &reg->units[i];
        char from[16], until[16];
        store_period_text(u->from > 0 ? u->from : -1, from, sizeof from);
        store_period_text(u->until < 0x7fffffff ? u->until : -1, until, sizeof until);
        char *aliases = join_list(u->aliases, u->naliases);
        if (!aliases) {
            d25_fail(err, D25_E_NOMEM, "内存不足");
            goto done;
        }
        const char *now_v[NF] = {u->name, u->type, u->area, nz(u->flags), aliases, nz(u->contact), nz(u->phone), from, until};
        sqlite3_reset(get);
        sqlite3_bind_text(get, 1, u->code, -1, SQLITE_TRANSIENT);
        int step = sqlite3_step(get);
        bool ok = true;
        if (step == SQLITE_ROW) {
            bool changed = sqlite3_column_int(get, NF) == 0;
            for (int f = 0; f < NF && ok; f++) {
                const char *old = (const char *)sqlite3_column_text(get, f);
                if (strcmp(nz(old), now_v[f]) == 0)
                    continue;
                changed = true;
                ok = log_change(log, u->code, run_id, now, fields[f], old, now_v[f]);
            }
            if (ok && sqlite3_column_int(get, NF) == 0)
                ok = log_change(log, u->code, run_id, now, "in_registry", "0", "1");
            sqlite3_reset(get);
            if (ok && changed) {
                sqlite3_reset(upd);
                store_bind_text(upd, 1, u->code);
                for (int f = 0; f < 7; f++)
                    sqlite3_bind_text(upd, 2 + f, now_v[f], -1, SQLITE_TRANSIENT);
                store_bind_text(upd, 9, from);
                store_bind_text(upd, 10, until);
                store_bind_text(upd, 11, now);
                ok = sqlite3_step(upd) == SQLITE_DONE;
            }
        } else if (step == SQLITE_DONE) {
            sqlite3_reset(ins);
            store_bind_text(ins, 1, u->code);
            for (int f = 0; f < 7; f++)
                sqlite3_bind_text(ins, 2 + f, now_v[f], -1, SQLITE_TRANSIENT);
            store_bind_text(ins, 9, from);
            store_bind_text(ins, 10, until);
            store_bind_text(ins, 11, now);
            store_bind_text(ins, 12, now);
            ok = sqlite3_step(ins) == SQLITE_DONE;
            if (ok)
                ok = log_change(log, u->code, run_id, now, "added", NULL, u->name);
        } else {
            ok = false;
        }
        free(aliases);
        if (!ok) {
            d25_store_fail(s, err, "同步单位名册");
            goto done;
        }
    }
    /* Units no longer in the CSV stay (returns point at them), marked. */
    while (sqlite3_step(all) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(all, 0);
        if (d25_registry_by_code(reg, code))
            continue;
        sqlite3_reset(out);
        store_bind_text(out, 1, now);
        store_bind_text(out, 2, code);
        if (sqlite3_step(out) != SQLITE_DONE || !log_change(log, code, run_id, now, "in_registry", "1", "0")) {
            d25_store_fail(s, err, "同步单位名册");
            goto done;
        }
    }
    rc = 0;
done:
    sqlite3_finalize(get);
    sqlite3_finalize(ins);
    sqlite3_finalize(upd);
    sqlite3_finalize(log);
    sqlite3_finalize(all);
    sqlite3_finalize(out);
    if (rc == 0 && d25_store_exec(s, "COMMIT", err) < 0)
        rc = -1;
    if (rc < 0)
        d25_store_exec(s, "ROLLBACK", NULL);
    return rc;
}

/* ---- hashes ---- */

void store_hex(const uint8_t sha[32], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[sha[i] >> 4];
        out[2 * i + 1] = digits[sha[i] & 15];
    }
    out[64] = 0;
}

static int unhex(const char *h, uint8_t out[32])
{
    for (int i = 0; i < 32; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = h[2 * i + k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int cmp32(const void *a, const void *b) { return memcmp(a, b, 32); }

int d25_store_hashes(d25_store *s, uint8_t **out, size_t *n, d25_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT sha256 FROM returns", -1, &st, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取已收报表");
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);
        if (!h || strlen(h) != 64)
            continue;
        if (d25_grow((void **)out, &cap, *n + 1, 32) < 0) {
            sqlite3_finalize(st);
            free(*out);
            *out = NULL;
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        if (unhex(h, *out + *n * 32) == 0)
            (*n)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return d25_store_fail(s, err, "读取已收报表");
    }
    if (*n)
        qsort(*out, *n, 32, cmp32);
    return 0;
}

bool d25_hash_in(const uint8_t *sorted, size_t n, const uint8_t sha[32])
{
    return n && bsearch(sha, sorted, n, 32, cmp32) != NULL;
}

/* ---- one return ---- */

static const char *pv_state_name(d25_pv_state st)
{
    switch (st) {
    case D25_PV_OK: return "ok";
    case D25_PV_MISSING: return "missing";
    case D25_PV_INVALID: return "invalid";
    default: return "unlocated";
    }
}

/* "1.1=d;1.2=n;…": the checklist's sub-items as written, each with its
 * status's letter (done, partial, not done, not applicable, x none). */
static char status_letter(d25_status st)
{
    switch (st) {
    case D25_ST_DONE: return 'd';
    case D25_ST_PARTIAL: return 'p';
    case D25_ST_NOT_DONE: return 'n';
    case D25_ST_NA: return 'a';
    default: return 'x';
    }
}

static char *summary_statuses(const d25_result *r)
{
    d25_buf b = {0};
    for (size_t i = 0; i < r->form.checklist.n; i++) {
        const d25_crow *row = &r->form.checklist.rows[i];
        if (!row->sub)
            continue;
        if (b.len)
            d25_buf_putc(&b, ';');
        d25_buf_puts(&b, row->sub->code);
        d25_buf_putc(&b, '=');
        d25_buf_putc(&b, status_letter(row->status));
    }
    return d25_buf_steal(&b);
}

/* A JSON string of text, or null for none.  Text read from a file is UTF-8
 * (libxml2 checks it); anything else has its stray bytes replaced
 * (d25_utf8_sanitize), never dropped. */
static json_t *jstr(const char *t)
{
    if (!t)
        return json_null();
    json_t *v = json_string(t);
    if (v)
        return v;
    char *clean = d25_utf8_sanitize(t, strlen(t));
    v = clean ? json_string(clean) : NULL;
    free(clean);
    return v ? v : json_null();
}

/* The same, with empty text null too (as bind_text stores it). */
static json_t *jtext(const char *t)
{
    return t && *t ? jstr(t) : json_null();
}


static char pv_state_letter(d25_pv_state st)
{
    return pv_state_name(st)[0]; /* o m i u */
}

/* The progress summary (return_summaries.progress): per blank, in the
 * order read, field US state US value US text, the blanks joined by RS.
 * state: the first letter of progress_values.state (o ok, m missing,
 * i invalid, u unlocated); value: the number, empty when none; text: a
 * text field's value as written, empty otherwise.  Not JSON: a month's
 * 10,000 tables are read in a few milliseconds instead of 0.15 s. */
static char *summary_values(const d25_result *r)
{
    d25_buf b = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->form.progress.n; i++) {
        const d25_pval *v = &r->form.progress.vals[i];
        bool ok = v->state == D25_PV_OK, num = ok && v->field->type != D25_F_TEXT;
        char part[48];
        int n = snprintf(part, sizeof part, "%c%c%c", PART_SEP, pv_state_letter(v->state), PART_SEP);
        if (num)
            n += snprintf(part + n, sizeof part - (size_t)n, "%ld", v->value);
        part[n++] = PART_SEP;
        if ((i && d25_buf_putc(&b, BLANK_SEP) < 0) || d25_buf_puts(&b, v->field->name) < 0 ||
            d25_buf_append(&b, part, (size_t)n) < 0)
            rc = -1;
        for (const char *t = ok && !num && v->raw ? v->raw : ""; rc == 0 && *t; t++)
            rc = d25_buf_putc(&b, *t == BLANK_SEP || *t == PART_SEP ? ' ' : *t);
    }
    if (rc < 0) {
        d25_buf_free(&b);
        return NULL;
    }
    return d25_buf_steal(&b);
}

/* The return's statuses and values in one row (return_summaries). */
static int insert_summary(d25_store *s, int64_t id, const d25_result *r)
{
    sqlite3_stmt *q = store_stmt(s, ST_SUMMARY);
    if (!q)
        return -1;
    char *statuses = r->checklist ? summary_statuses(r) : NULL, *values = r->progress ? summary_values(r) : NULL;
    sqlite3_bind_int64(q, 1, id);
    store_bind_text(q, 2, statuses);
    store_bind_text(q, 3, values);
    int step = sqlite3_step(q);
    sqlite3_reset(q); /* the texts are bound without copies */
    free(statuses);
    free(values);
    return step == SQLITE_DONE ? 0 : -1;
}

/* The return's checklist rows and progress blanks as return_details holds
 * them (the views answers and progress_values name their columns). */
static char *details_answers(const d25_result *r)
{
    json_t *a = json_array();
    bool ok = a != NULL;
    for (size_t i = 0; ok && i < r->form.checklist.n; i++) {
        const d25_crow *row = &r->form.checklist.rows[i];
        const char *stn = d25_status_name(row->status);
        /* The text as written only when it is not the rule set's own. */
        const char *written = row->sub && row->text && strcmp(row->text, row->sub->text) == 0 ? NULL : row->text;
        ok = json_array_append_new(a, json_pack("[ooooooooo]", jtext(row->sub ? row->sub->code : NULL), jtext(written),
                                                jtext(row->self_raw), jtext(stn ? stn : "none"), jtext(row->remark),
                                                jtext(row->supervision), jtext(row->measure), jtext(row->deadline),
                                                jtext(row->self_place[0] ? row->self_place : row->place))) == 0;
    }
    /* NULL (the return is not stored) rather than rows silently missing. */
    char *out = ok ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return out;
}

static char *details_progress(const d25_result *r)
{
    json_t *a = json_array();
    bool ok = a != NULL;
    for (size_t i = 0; ok && i < r->form.progress.n; i++) {
        const d25_pval *v = &r->form.progress.vals[i];
        bool num = v->state == D25_PV_OK && v->field->type != D25_F_TEXT;
        ok = json_array_append_new(a, json_pack("[ooooo]", jtext(v->field->name), jtext(v->raw),
                                                num ? json_integer(v->value) : json_null(),
                                                jtext(pv_state_name(v->state)), jtext(v->place))) == 0;
    }
    char *out = ok ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return out;
}

static int insert_details(d25_store *s, int64_t id, const d25_result *r)
{
    sqlite3_stmt *d = store_stmt(s, ST_DETAILS), *f = store_stmt(s, ST_FINDING);
    if (!d || !f)
        return -1;
    char *answers = details_answers(r), *progress = details_progress(r);
    int rc = -1;
    if (answers && progress) {
        sqlite3_bind_int64(d, 1, id);
        store_bind_text(d, 2, answers);
        store_bind_text(d, 3, progress);
        rc = sqlite3_step(d) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(d); /* the texts are bound without copies */
    }
    free(answers);
    free(progress);
    for (size_t i = 0; rc == 0 && i < r->n; i++) {
        const d25_finding *x = &r->f[i];
        sqlite3_reset(f);
        sqlite3_bind_int64(f, 1, id);
        sqlite3_bind_int(f, 2, (int)i + 1);
        store_bind_text(f, 3, x->code);
        store_bind_text(f, 4, x->severity == D25_SEV_ERROR ? "error" : "warning");
        store_bind_text(f, 5, x->place);
        store_bind_text(f, 6, x->item);
        sqlite3_bind_text(f, 7, x->message ? x->message : "", -1, SQLITE_TRANSIENT);
        if (sqlite3_step(f) != SQLITE_DONE)
            rc = -1;
    }
    return rc;
}

/* Recompute which of a unit's accepted returns for a period count: for each
 * form, the newest by received time (then by id) that holds it.  A return
 * all of whose forms are held by newer ones is superseded by the newest
 * return holding its checklist (else its progress table) at the time: the
 * return that took its place.  Reports whether `id` replaced an earlier
 * return and whether it is itself superseded.
 *
 * all = false, for a return just stored: only the returns that counted
 * until now and `id` are read.  Enough, as the newest holder of each form
 * always counts (a superseded return's forms are all held by newer
 * counting ones), and it keeps storing many returns of one unit and month
 * linear: each new one reads and rewrites the few that counted, not every
 * earlier one.  all = true, when a return's received time changed and the
 * order may have turned: every return of the unit and period. */static int resupersede(d25_store *s, const char *unit, const char *period, int64_t id, bool all, bool *replaced,
                       bool *outdated, char **replaced_file)
{
    int rc = -1;
    *replaced = *outdated = false;
    sqlite3_stmt *q = store_stmt(s, all ? ST_SIBLINGS : ST_CURRENT_SIBLINGS), *u = store_stmt(s, ST_SUPERSEDE);
    if (!q || !u)
        return -1;
    store_bind_text(q, 1, unit);
    store_bind_text(q, 2, period);
    if (!all)
        sqlite3_bind_int64(q, 3, id);
    int64_t newest_c = 0, newest_p = 0;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t rid = sqlite3_column_int64(q, 0);
        bool hc = sqlite3_column_int(q, 1), hp = sqlite3_column_int(q, 2);
        int64_t was = sqlite3_column_type(q, 3) == SQLITE_NULL ? 0 : sqlite3_column_int64(q, 3);
        bool counts = (hc && !newest_c) || (hp && !newest_p) || (!hc && !hp);
        int64_t by = counts ? 0 : hc ? newest_c : newest_p;
        if (hc && !newest_c)
            newest_c = rid;
        if (hp && !newest_p)
            newest_p = rid;
        if (rid == id)
            *outdated = by != 0;
        else if (by == id && was != id) {
            *replaced = true;
            if (replaced_file && !*replaced_file) {
                const char *fn = (const char *)sqlite3_column_text(q, 4);
                *replaced_file = fn ? strdup(fn) : NULL;
            }
        }
        if (by != was) {
            sqlite3_reset(u);
            if (by)
                sqlite3_bind_int64(u, 1, by);
            else
                sqlite3_bind_null(u, 1);
            sqlite3_bind_int64(u, 2, rid);
            if (sqlite3_step(u) != SQLITE_DONE)
                goto done;
        }
    }
    rc = step == SQLITE_DONE ? 0 : -1;
done:
    sqlite3_reset(q);
    return rc;
}

static const char *const source_names[D25_RECV_SOURCES_] = {"seen", "mtime", "mail", "register"};
static const char *const source_labels[D25_RECV_SOURCES_] = {"首次收取", "文件修改时间", "邮件", "收件登记"};

const char *d25_recv_source_name(d25_recv_source x) { return (unsigned)x < D25_RECV_SOURCES_ ? source_names[x] : "?"; }
const char *d25_recv_source_label(d25_recv_source x) { return (unsigned)x < D25_RECV_SOURCES_ ? source_labels[x] : "?"; }

d25_recv_source d25_recv_source_parse(const char *name)
{
    for (int i = 0; name && i < D25_RECV_SOURCES_; i++)
        if (strcmp(name, source_names[i]) == 0)
            return (d25_recv_source)i;
    return D25_RECV_SEEN;
}

/* A stored return found by its bytes. */
typedef struct {
    int64_t id;
    char *file, *unit, *period;
    bool accepted;
    char received[32];
    d25_recv_source source;
} known;

static void known_free(known *k)
{
    free(k->file);
    free(k->unit);
    free(k->period);
}

static char *col_dup(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    return t ? strdup(t) : NULL;
}

static int find_hash(d25_store *s, const char *hexsha, known *k)
{
    memset(k, 0, sizeof *k);
    sqlite3_stmt *q = store_stmt(s, ST_FIND_HASH);
    if (!q)
        return -1;
    store_bind_text(q, 1, hexsha);
    int step = sqlite3_step(q);
    int rc = 0;
    if (step == SQLITE_ROW) {
        k->id = sqlite3_column_int64(q, 0);
        k->file = col_dup(q, 1);
        k->unit = col_dup(q, 2);
        k->period = col_dup(q, 3);
        k->accepted = strcmp((const char *)sqlite3_column_text(q, 4), "accepted") == 0;
        d25_copy(k->received, sizeof k->received, (const char *)sqlite3_column_text(q, 5));
        k->source = d25_recv_source_parse((const char *)sqlite3_column_text(q, 6));
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = -1;
    }
    sqlite3_reset(q);
    return rc;
}

/* The period's quality pass is due and its version moves on. */
static int mark_dirty(d25_store *s, const char *period)
{
    if (!period || !*period)
        return 0;
    sqlite3_stmt *q = store_stmt(s, ST_DIRTY);
    if (!q)
        return -1;
    store_bind_text(q, 1, period);
    if (sqlite3_step(q) != SQLITE_DONE || !(q = store_stmt(s, ST_BUMP)))
        return -1;
    store_bind_text(q, 1, period);
    return sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
}

/* Known bytes again: re-timed when the receipt callback knows a different
 * time (a register or a mail outranks the time first seen, never the
 * reverse), else unchanged. */
static int put_known(d25_store *s, const d25_incoming *in, known *k, d25_store_outcome *out)
{
    out->outcome = D25_STORED_UNCHANGED;
    out->id = k->id;
    out->earlier_file = k->file;
    k->file = NULL;
    d25_copy(out->received, sizeof out->received, k->received);
    out->source = k->source;
    time_t when;
    d25_recv_source src;
    if (!in->receipt || in->receipt(in->receipt_ud, in->path, k->unit, k->period, &when, &src) != 1 ||
        src < D25_RECV_MAIL || src < k->source)
        return 0;
    char t[32];
    d25_format_time(when, t, sizeof t);
    if (strcmp(t, k->received) == 0 && src == k->source)
        return 0;
    sqlite3_stmt *u = store_stmt(s, ST_RETIME);
    if (!u)
        return -1;
    store_bind_text(u, 1, t);
    store_bind_text(u, 2, d25_recv_source_name(src));
    sqlite3_bind_int64(u, 3, k->id);
    if (sqlite3_step(u) != SQLITE_DONE)
        return -1;
    if (k->accepted && k->unit && k->period) {
        bool replaced, outdated;
        if (resupersede(s, k->unit, k->period, k->id, true, &replaced, &outdated, NULL) < 0)
            return -1;
    }
    if (mark_dirty(s, k->period) < 0)
        return -1;
    out->outcome = D25_STORED_RETIMED;
    d25_copy(out->was_received, sizeof out->was_received, k->received);
    d25_copy(out->received, sizeof out->received, t);
    out->source = src;
    return 0;
}

int d25_store_put(d25_store *s, const d25_incoming *in, int64_t run_id, d25_store_outcome *out, d25_error *err)
{
    memset(out, 0, sizeof *out);
    const d25_result *r = in->res;
    char sha[65];
    store_hex(in->sha, sha);
    if (d25_store_exec(s, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    known k;
    int found = find_hash(s, sha, &k);
    if (found < 0)
        goto fail;
    if (found == 1) {
        int rc = put_known(s, in, &k, out);
        known_free(&k);
        if (rc < 0)
            goto fail;
        return d25_store_exec(s, "COMMIT", err);
    }
    if (!r) {
        /* New bytes, but the caller did not validate them. */
        d25_store_exec(s, "ROLLBACK", NULL);
        return 1;
    }
    char period[16], now[32], mtime[32] = "";
    store_period_text(r->period, period, sizeof period);
    time_t when = in->received;
    d25_recv_source src = in->source;
    time_t better;
    d25_recv_source bsrc;
    if (in->receipt &&
        in->receipt(in->receipt_ud, in->path, r->unit ? r->unit->code : NULL, period[0] ? period : NULL, &better, &bsrc) ==
            1 &&
        bsrc >= src) {
        when = better;
        src = bsrc;
    }
    d25_format_time(when, out->received, sizeof out->received);
    out->source = src;
    if (in->file_mtime)
        d25_format_time(in->file_mtime, mtime, sizeof mtime);
    store_now_text(now, sizeof now);
    bool accepted = d25_result_accepted(r);
    sqlite3_stmt *st = store_stmt(s, ST_RETURN);
    if (!st)
        goto fail;
    const d25_signature *sig = &r->form.sig;
    store_bind_text(st, 1, sha);
    store_bind_text(st, 2, d25_basename(in->path));
    store_bind_text(st, 3, in->path);
    sqlite3_bind_int64(st, 4, in->size);
    sqlite3_bind_int(st, 5, r->checklist);
    sqlite3_bind_int(st, 6, r->progress);
    store_bind_text(st, 7, r->unit ? r->unit->code : NULL);
    store_bind_text(st, 8, sig->v[D25_SIG_UNIT]);
    store_bind_text(st, 9, period);
    store_bind_text(st, 10, r->form.period_from);
    store_bind_text(st, 11, sig->v[D25_SIG_DATE]);
    store_bind_text(st, 12, sig->v[D25_SIG_REPORTER]);
    store_bind_text(st, 13, sig->v[D25_SIG_PHONE]);
    sqlite3_bind_int(st, 14, r->seal);
    store_bind_text(st, 15, out->received);
    store_bind_text(st, 16, accepted ? "accepted" : "rejected");
    sqlite3_bind_int(st, 17, r->errors);
    sqlite3_bind_int(st, 18, r->warnings);
    sqlite3_bind_int64(st, 19, run_id);
    store_bind_text(st, 20, now);
    store_bind_text(st, 21, d25_recv_source_name(src));
    store_bind_text(st, 22, mtime);
    sqlite3_bind_text(st, 23, s->edition ? s->edition : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail;
    out->id = (int64_t)sqlite3_last_insert_rowid(s->db);
    if (insert_details(s, out->id, r) < 0 || insert_summary(s, out->id, r) < 0)
        goto fail;
    out->outcome = accepted ? D25_STORED_NEW : D25_STORED_REJECTED;
    if (accepted && r->unit && r->period >= 0) {
        bool replaced, outdated;
        if (resupersede(s, r->unit->code, period, out->id, false, &replaced, &outdated, &out->earlier_file) < 0)
            goto fail;
        out->outcome = outdated ? D25_STORED_OUTDATED : replaced ? D25_STORED_SUPERSEDED : D25_STORED_NEW;
    }
    if (mark_dirty(s, period) < 0)
        goto fail;
    return d25_store_exec(s, "COMMIT", err);
fail:
    d25_store_fail(s, err, "保存报表");
    d25_store_exec(s, "ROLLBACK", NULL);
    free(out->earlier_file);
    out->earlier_file = NULL;
    return -1;
}

/* ---- the report calendar ---- */

int d25_store_months(d25_store *s, d25_month_mark **out, size_t *n, d25_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT p.period, ifnull(v.version, 0), ifnull(w.version, -1), ifnull(w.written, '') FROM"
                           " (SELECT period FROM period_versions UNION SELECT period FROM reports_written) p"
                           " LEFT JOIN period_versions v ON v.period = p.period"
                           " LEFT JOIN reports_written w ON w.period = p.period ORDER BY p.period",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取各月报告记录");
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int period = d25_parse_period_arg((const char *)sqlite3_column_text(q, 0));
        if (period < 0)
            continue;
        if (d25_grow((void **)out, &cap, *n + 1, sizeof **out) < 0) {
            sqlite3_finalize(q);
            free(*out);
            *out = NULL;
            *n = 0;
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        d25_month_mark *m = &(*out)[(*n)++];
        m->period = period;
        m->version = sqlite3_column_int64(q, 1);
        m->written_version = sqlite3_column_int64(q, 2);
        d25_copy(m->written, sizeof m->written, (const char *)sqlite3_column_text(q, 3));
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return d25_store_fail(s, err, "读取各月报告记录");
    }
    return 0;
}

int d25_store_month_written(d25_store *s, int period, int64_t version, const char *out_dir, d25_error *err)
{
    char p[16], now[32];
    store_period_text(period, p, sizeof p);
    store_now_text(now, sizeof now);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO reports_written(period, version, written, out) VALUES (?,?,?,?)"
                           " ON CONFLICT(period) DO UPDATE SET version = excluded.version, written = excluded.written,"
                           " out = excluded.out",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "记录报告");
    store_bind_text(q, 1, p);
    sqlite3_bind_int64(q, 2, version);
    store_bind_text(q, 3, now);
    store_bind_text(q, 4, out_dir);
    int rc = sqlite3_step(q) == SQLITE_DONE ? 0 : d25_store_fail(s, err, "记录报告");
    sqlite3_finalize(q);
    return rc;
}

int d25_store_report_seq(d25_store *s, int period, int *seq, d25_error *err)
{
    char p[16], y0[16];
    store_period_text(period, p, sizeof p);
    snprintf(y0, sizeof y0, "%.4s-01", p);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT count(*) FROM (SELECT period FROM period_versions UNION SELECT period FROM reports_written)"
                           " WHERE period >= ? AND period < ?",
                           -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取各月报告记录");
    store_bind_text(q, 1, y0);
    store_bind_text(q, 2, p);
    int rc = sqlite3_step(q) == SQLITE_ROW ? 0 : d25_store_fail(s, err, "读取各月报告记录");
    *seq = 1 + (rc == 0 ? sqlite3_column_int(q, 0) : 0);
    sqlite3_finalize(q);
    return rc;
}

/* ---- the quality pass's queue ---- */

int d25_store_dirty_periods(d25_store *s, int **out, size_t *n, d25_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "SELECT period FROM dirty_periods ORDER BY period", -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "读取待复核月份");
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int p = d25_parse_period_arg((const char *)sqlite3_column_text(q, 0));
        if (p < 0)
            continue;
        if (d25_grow((void **)out, &cap, *n + 1, sizeof **out) < 0) {
            sqlite3_finalize(q);
            free(*out);
            *out = NULL;
            *n = 0;
            return d25_fail(err, D25_E_NOMEM, "内存不足");
        }
        (*out)[(*n)++] = p;
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return d25_store_fail(s, err, "读取待复核月份");
    }
    return 0;
}

int d25_store_clear_dirty(d25_store *s, int period, d25_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM dirty_periods WHERE period = ?", -1, &q, NULL) != SQLITE_OK)
        return d25_store_fail(s, err, "更新待复核月份");
    char p[16];
    store_period_text(period, p, sizeof p);
    store_bind_text(q, 1, p);
    int rc = sqlite3_step(q) == SQLITE_DONE ? 0 : d25_store_fail(s, err, "更新待复核月份");
    sqlite3_finalize(q);
    return rc;
}
